#!/usr/bin/env python
"""Choose the pages of the fields gold set, by a fixed rule that looks at no page's content or Sieve output.

Usage::

    python benchmarks/gold/choose.py --naeb NAEB_DIR --wcxb WCXB_DIR --aeb AEB_DIR > benchmarks/gold/pages.json

One page a host (the lowest id), hosts ordered by a salted hash of their name: the first 48 of NAEB, the first 40
of WCXB-dev, and every non-English AEB site (for languages NAEB and WCXB-dev lack). Each page's half comes
from ``devsets.half_of(site)``, the split every benchmark uses.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import devsets  # noqa: E402

COUNTS = {"naeb": 48, "wcxb": 40}


def order(site: str) -> str:
    return hashlib.sha1(f"gold:{site}".encode()).hexdigest()


def host_key(page: devsets.DevPage) -> str:
    """The host without ``www.`` (NAEB's own ``site`` field where it has one): the unit "one page a site" counts."""
    host = (urlsplit(page.raw.get("site") or page.url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def lang(page: devsets.DevPage) -> str:
    head = gzip.decompress(page.path.read_bytes())[:8000].decode("utf-8", "replace") if page.path else ""
    m = re.search(r"<html[^>]*\blang=[\"']?([A-Za-z]{2})", head, re.I)
    return m.group(1).lower() if m else "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--naeb", type=Path, required=True)
    ap.add_argument("--wcxb", type=Path, required=True)
    ap.add_argument("--aeb", type=Path, required=True)
    args = ap.parse_args()
    chosen: list[dict[str, str]] = []
    for kind, folder in (("naeb", args.naeb), ("wcxb", args.wcxb), ("aeb", args.aeb)):
        first: dict[str, devsets.DevPage] = {}
        for page in devsets.load(folder, kind):
            first.setdefault(host_key(page), page)
        sites = sorted(first, key=order)
        if kind == "aeb":
            picks = [first[s] for s in sites if lang(first[s]) not in ("en", "?")]
        else:
            picks = [first[s] for s in sites[: COUNTS[kind]]]
        chosen += [
            {"set": kind, "id": p.id, "site": p.site, "url": p.url, "half": devsets.half_of(p.site)} for p in picks
        ]
    json.dump(chosen, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
