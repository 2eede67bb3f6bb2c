#!/usr/bin/env python
"""Article bodies on the real-page dev sets (AEB, NAEB, WCXB-dev): Sieve beside trafilatura, by half.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bodies.py --naeb NAEB_DIR --wcxb WCXB_DIR --aeb AEB_DIR
    .venv/bin/python benchmarks/bodies.py --wcxb WCXB_DIR --worst 20      # the tuning half's worst pages
    .venv/bin/python benchmarks/bodies.py --naeb NAEB_DIR -s SIEVE_FALLBACK_EXTRACTION=0.5

Every page goes in as its saved bytes, so Sieve decodes it as ``scrapy clean`` does and trafilatura as it does
itself. Sieve runs as ``scrapy clean DIR`` over the set: one learning pass over every page, then the clean.

- **F1**: the AEB metric (``\\w+`` tokens, 4-token shingles, per-page TP/FP/FN normalised; see
  ``../aeb/README.md`` of the dev sets), on every set, beside WCXB's own **word F1** (bag of case-folded ``\\w+``
  tokens, averaged over pages).
- **with / without** (WCXB only): the share of ``with`` snippets found in the body, and of ``without``
  snippets (boilerplate that must stay out) found in it; ``leaks`` counts those ``without`` snippets.

Figures are printed for the ``tune`` and ``report`` halves of the by-site split (``devsets.half_of``); the cleaners
are tuned on ``tune``, ``report`` is the figure to quote.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import devsets  # noqa: E402

from cleaners.evaluation.metrics import DocScore, aggregate, shingle_score  # noqa: E402

TOKEN = re.compile(r"\w+")


def words(text: str) -> Counter[str]:
    return Counter(TOKEN.findall(text.casefold()))


def word_f1(truth: str, pred: str) -> float:
    want, have = words(truth), words(pred)
    tp = sum((want & have).values())
    if not tp:
        return 0.0
    p, r = tp / sum(have.values()), tp / sum(want.values())
    return 2 * p * r / (p + r)


def squash(text: str) -> str:
    return " ".join(TOKEN.findall(text.casefold()))


@dataclass
class PageResult:
    page: devsets.DevPage
    shingles: DocScore
    word_f1: float
    with_found: int = 0
    with_total: int = 0
    without_found: int = 0
    without_total: int = 0


def score(page: devsets.DevPage, body: str) -> PageResult:
    out = PageResult(page, shingle_score(page.truth, body), word_f1(page.truth, body))
    if page.set == "wcxb":
        text = squash(body)
        gt = page.raw.get("ground_truth") or {}
        snippets_with = [squash(x) for x in gt.get("with") or [] if squash(x)]
        snippets_without = [squash(x) for x in gt.get("without") or [] if squash(x)]
        out.with_total, out.with_found = len(snippets_with), sum(x in text for x in snippets_with)
        out.without_total, out.without_found = len(snippets_without), sum(x in text for x in snippets_without)
    return out


def sieve_run(overrides: dict[str, Any]) -> Callable[[Sequence[devsets.DevPage]], list[str]]:
    from cleaners.api import Sieve
    from cleaners.process import learn_file

    def run(pages: Sequence[devsets.DevPage]) -> list[str]:
        sieve = Sieve(settings=overrides)
        data = [p.bytes() for p in pages]
        for page, raw in zip(pages, data, strict=True):
            learn_file(f"{page.id}.html", raw, sieve.chain, sieve.max_bytes, url=page.url)
        out = [sieve.clean(raw, url=page.url).body for page, raw in zip(pages, data, strict=True)]
        sieve.chain.close()
        return out

    return run


def trafilatura_run(pages: Sequence[devsets.DevPage]) -> list[str]:
    import trafilatura

    return [trafilatura.extract(p.bytes(), url=p.url, include_comments=False) or "" for p in pages]


def line(name: str, results: Sequence[PageResult], wcxb: bool) -> str:
    agg = aggregate([r.shingles for r in results])
    wf1 = sum(r.word_f1 for r in results) / len(results) if results else 0.0
    cells = f"{name:<46} {len(results):5d}  {agg.precision:.3f} {agg.recall:.3f} {agg.f1:.3f}  {wf1:.3f}"
    if wcxb:
        wt, wo = sum(r.with_total for r in results), sum(r.without_total for r in results)
        wf = sum(r.with_found for r in results) / wt if wt else 0.0
        leaks = sum(r.without_found for r in results)
        cells += f"  {wf:.3f} {leaks / wo if wo else 0.0:.3f} {leaks:6d}"
    return cells


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--naeb", type=Path)
    ap.add_argument("--wcxb", type=Path)
    ap.add_argument("--aeb", type=Path)
    ap.add_argument("--limit", type=int, help="only the first N pages of each set (a quick look, not a result)")
    ap.add_argument("--worst", type=int, default=0, help="list the tuning half's N pages where Sieve trails most")
    ap.add_argument("--dump", type=Path, help="write each page's Sieve body and word F1 to this JSON Lines file")
    ap.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Sieve setting")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    overrides: dict[str, Any] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"bodies.py: -s {item!r} is not NAME=VALUE")
        overrides[key.strip()] = value
    sets = [(k, f) for k, f in (("naeb", args.naeb), ("wcxb", args.wcxb), ("aeb", args.aeb)) if f is not None]
    if not sets:
        ap.error("give at least one of --naeb, --wcxb, --aeb")
    systems = (("Sieve", sieve_run(overrides)), ("trafilatura (include_comments=False)", trafilatura_run))
    for kind, folder in sets:
        pages = devsets.load(folder, kind)[: args.limit] if args.limit else devsets.load(folder, kind)
        scored = {name: [score(p, b) for p, b in zip(pages, run(pages), strict=True)] for name, run in systems}
        wcxb = kind == "wcxb"
        if args.dump:
            with args.dump.open("a", encoding="utf-8") as f:
                for r, b in zip(scored["Sieve"], scored["trafilatura (include_comments=False)"], strict=True):
                    row = {"set": kind, "id": r.page.id, "half": devsets.half_of(r.page.site), "sieve": r.word_f1}
                    row.update(trafilatura=b.word_f1, without=r.without_found, without_traf=b.without_found)
                    f.write(json.dumps(row) + "\n")
        head = f"{kind:<46} {'pages':>5}  {'P':>5} {'R':>5} {'F1':>5}  {'wordF1':>5}"
        if wcxb:
            head += f"  {'with':>5} {'w/out':>5} {'leaks':>6}"
        print(f"\n{kind}: {len(pages)} pages from {folder}")
        print(head)
        for half in ("tune", "report", None):
            for name, results in scored.items():
                part = [r for r in results if half is None or r.page.site and devsets.half_of(r.page.site) == half]
                print(line(f"{half or 'all'}: {name}", part, wcxb))
        if args.worst:
            sieve, base = scored["Sieve"], scored["trafilatura (include_comments=False)"]
            rows = [
                (b.word_f1 - s.word_f1, s)
                for s, b in zip(sieve, base, strict=True)
                if devsets.half_of(s.page.site) == "tune"
            ]
            print(f"\n{args.worst} tuning-half pages where Sieve trails trafilatura most (word F1 gap):")
            for gap, s in sorted(rows, key=lambda x: -x[0])[: args.worst]:
                print(f"  {gap:+.3f}  {s.word_f1:.3f}  {s.page.id}  {s.page.url[:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
