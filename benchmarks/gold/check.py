#!/usr/bin/env python
"""Check that every gold file describes the page it names: its sentences and titles are in that page's rendering.

Usage::

    python benchmarks/gold/check.py --naeb NAEB_DIR --wcxb WCXB_DIR --aeb AEB_DIR

For each ``fields/*.json``: ``body.first``, ``body.last``, every related title and copyright line must be found
(``\\w+`` tokens, case-folded, link numbers of the rendering dropped) in ``render.py``'s rendering of the page.
A file that fails is listed with what was not found; exit status 1 if any does.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import devsets  # noqa: E402
from render import render  # noqa: E402

TOKEN = re.compile(r"\w+")


def squash(text: str) -> str:
    return " ".join(TOKEN.findall(re.sub(r"\[\d+\]", " ", text).casefold()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for kind in ("naeb", "wcxb", "aeb"):
        ap.add_argument(f"--{kind}", type=Path, required=True)
    args = ap.parse_args()
    pages = {(k, p.id): p for k in ("naeb", "wcxb", "aeb") for p in devsets.load(getattr(args, k), k)}
    bad = 0
    for path in sorted((HERE / "fields").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        page = pages[(gold["set"], gold["id"])]
        seen = squash(render(page))
        flat = seen.replace(" ", "")
        wanted = [("first", gold["body"]["first"]), ("last", gold["body"]["last"])]
        wanted += [("related", r["title"]) for r in gold.get("related") or []]
        wanted += [("copyright", c) for c in gold.get("copyright") or []]
        missing = [
            (k, t) for k, t in wanted if squash(t) and squash(t) not in seen and squash(t).replace(" ", "") not in flat
        ]
        if page.url != gold["url"]:
            missing.append(("url", gold["url"]))
        if missing:
            bad += 1
            print(f"{path.name}: {len(missing)} of {len(wanted)} not on the page")
            for kind, text in missing[:5]:
                print(f"  {kind}: {text[:100]!r}")
    print(f"{bad} file(s) with text not on their page")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
