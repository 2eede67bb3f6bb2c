#!/usr/bin/env python
"""Sieve vs trafilatura alone on the Article Extraction Benchmark, same pages, same process.

Usage (from the repository root)::

    .venv/bin/python benchmarks/aeb.py --data AEB_DIR            # quality, and speed over five interleaved runs
    .venv/bin/python benchmarks/aeb.py --data AEB_DIR --ablate   # plus one row per cleaner switched off
    .venv/bin/python benchmarks/aeb.py --data AEB_DIR -s 'SIEVE_EXTRACTOR_OPTIONS={"favor_precision": true}'

AEB_DIR is a checkout of https://github.com/scrapinghub/article-extraction-benchmark (``html/`` and
``ground-truth.json``); ``$SIEVE_AEB_DATA`` may name it instead.

The metric is the benchmark's own (see its README): ``\\w+`` tokens, 4-token
shingles, per-document TP/FP/FN normalised to sum to one, precision averaged
over documents with a non-empty prediction, recall over documents with a
non-empty truth, F1 of the two means, bootstrap standard deviations over 1000
resamples. Sieve's figure is the ``body`` of the same record ``scrapy clean``
prints for the page: extraction plus the configured cleaner chain. Timings are
per whole run, the median of ``--rounds`` interleaved runs, all in this process;
the speed ratio is the median of the per-round ratios, so a busy spell of a
shared machine, which slows one round of every extractor alike, cancels out.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.chain import CleanerChain  # noqa: E402
from cleaners.evaluation.metrics import BenchScore, DocScore, aggregate, bootstrap, shingle_score  # noqa: E402
from cleaners.process import clean_content  # noqa: E402
from cleaners.urls import site_of  # noqa: E402

#: The benchmark is not part of this repository: get it from https://github.com/scrapinghub/article-extraction-benchmark
#: (MIT; ``html/<id>.html.gz`` and ``ground-truth.json``) and pass its folder as ``--data`` or ``$SIEVE_AEB_DATA``.
DATA_ENV = "SIEVE_AEB_DATA"

Doc = tuple[str, str, str, str]  # id, url, html, truth


def load(data: Path, limit: int | None = None) -> list[Doc]:
    """The pages and their annotated bodies; a missing or malformed data set is a one-line error."""
    truth_path = data / "ground-truth.json"
    if not truth_path.is_file():
        raise SystemExit(f"aeb.py: no ground-truth.json in {data}; point --data at the benchmark folder")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    docs: list[Doc] = []
    for doc_id in sorted(truth):
        path = data / "html" / f"{doc_id}.html.gz"
        if not path.is_file():
            raise SystemExit(f"aeb.py: {path} is missing; re-copy the benchmark's html/ folder")
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        docs.append((doc_id, truth[doc_id].get("url") or "", html, truth[doc_id].get("articleBody") or ""))
    return docs[:limit] if limit else docs


def timed(
    fns: list[Callable[[list[Doc]], list[str]]], docs: list[Doc], rounds: int
) -> list[tuple[list[str], list[float]]]:
    """Predictions and the whole-run seconds of every round, for each system (a function of all the pages).

    Rounds are interleaved (A B C, A B C, ...) so that a slow spell of a shared
    machine hits every extractor of that round alike; compare runs round by round.
    """
    seconds: list[list[float]] = [[] for _ in fns]
    preds: list[list[str]] = [[] for _ in fns]
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            preds[i] = fn(docs)
            seconds[i].append(time.perf_counter() - t0)
    return list(zip(preds, seconds, strict=True))


def score(docs: list[Doc], preds: list[str], resamples: int) -> tuple[BenchScore, BenchScore, list[DocScore]]:
    per_doc = [shingle_score(truth, pred) for (_, _, _, truth), pred in zip(docs, preds, strict=True)]
    return aggregate(per_doc), bootstrap(per_doc, resamples), per_doc


def sieve_settings(overrides: list[str]) -> Any:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"aeb.py: -s {item!r} is not NAME=VALUE")
        settings.set(key.strip(), value, priority="cmdline")
    return settings


def trafilatura_fn(**options: Any) -> Callable[[list[Doc]], list[str]]:
    import trafilatura

    def run(docs: list[Doc]) -> list[str]:
        return [trafilatura.extract(html, url=url, output_format="txt", **options) or "" for _, url, html, _ in docs]

    return run


def sieve_fn(settings: Any) -> Callable[[list[Doc]], list[str]]:
    """Sieve as ``scrapy clean`` runs it over a folder: a fresh chain per run (so what a learning cleaner learned
    never leaks from one run into the next), a first pass that learns from every page, then the clean."""
    from cleaners.process import learn_content
    from crawler.components import load_chain, load_extractor, offline_crawler

    def run(docs: list[Doc]) -> list[str]:
        crawler = offline_crawler(settings)
        chain, extractor = load_chain(crawler), load_extractor(crawler)
        for _, url, html, _ in docs:
            learn_content(chain, html, is_html=True, url=url)
        out = [
            str(clean_content(chain, html, is_html=True, extractor=extractor, url=url).record["body"] or "")
            for _, url, html, _ in docs
        ]
        chain.close()
        return out

    return run


def variant(settings: Any, **overrides: Any) -> Any:
    copy = settings.copy()
    for key, value in overrides.items():
        if key == "CLEANERS":
            cleaners = copy.getdict("CLEANERS")
            cleaners.update(value)
            value = cleaners
        copy.set(key, value, priority="cmdline")
    return copy


#: The fallback row: a fuller extraction (fast=False) for a page whose main content holds less than this share
#: of its prose, instead of recovering adjacent prose.
FALLBACK_SHARE = 0.5


def fallback_settings(settings: Any) -> Any:
    return variant(settings, SIEVE_FALLBACK_EXTRACTION=FALLBACK_SHARE)


def halves(docs: list[Doc]) -> tuple[list[int], list[int]]:
    """Site-disjoint halves of the pages (by registrable domain, split on a hash): (tuning, held out)."""
    import hashlib

    from cleaners.urls import site_of

    tune, held = [], []
    for i, (_, url, _, _) in enumerate(docs):
        digest = hashlib.sha1(site_of(url).encode()).digest()
        (tune if digest[0] % 2 == 0 else held).append(i)
    return tune, held


def stage_times(chain: CleanerChain, extractor: Any, docs: list[Doc]) -> list[tuple[str, float]]:
    """Seconds spent in each stage of Sieve's pipeline over all pages, and in each cleaner, plus trafilatura alone."""
    import trafilatura

    from cleaners.document.document import Document
    from cleaners.process import clean_document

    times: dict[str, float] = {
        "trafilatura alone (include_comments=False)": 0.0,
        "Sieve: parse": 0.0,
        "Sieve: linearise": 0.0,
        "Sieve: trafilatura on the tree": 0.0,
        "Sieve: align + navigation": 0.0,
        "Sieve: whole clean_document (incl. the chain)": 0.0,
    }
    chain.seconds = dict.fromkeys(chain.paths, 0.0)
    for _, url, html, _ in docs:
        t0 = time.perf_counter()
        trafilatura.extract(html, url=url, include_comments=False)
        t1 = time.perf_counter()
        times["trafilatura alone (include_comments=False)"] += t1 - t0
        try:
            doc = Document.parse(html, url)
        except ValueError:
            continue
        t2 = time.perf_counter()
        text, blocks = doc.linearise()
        t3 = time.perf_counter()
        evidence = extractor.main_text(doc)
        t4 = time.perf_counter()
        from cleaners.document.align import main_flags, without_navigation

        without_navigation(text, blocks, main_flags(text, blocks, evidence))
        t5 = time.perf_counter()
        clean_document(chain, Document.parse(html, url), extractor)
        t6 = time.perf_counter()
        times["Sieve: parse"] += t2 - t1
        times["Sieve: linearise"] += t3 - t2
        times["Sieve: trafilatura on the tree"] += t4 - t3
        times["Sieve: align + navigation"] += t5 - t4
        times["Sieve: whole clean_document (incl. the chain)"] += t6 - t5
    times.update({f"Sieve: cleaner {path}": secs for path, secs in chain.seconds.items()})
    return list(times.items())


def row(name: str, s: BenchScore, sd: BenchScore, dps: float | None = None) -> str:
    speed = f"{dps:7.1f}" if dps is not None else "      -"
    return (
        f"{name:<44} {s.precision:.3f} ± {sd.precision:.3f}  {s.recall:.3f} ± {sd.recall:.3f}  "
        f"{s.f1:.3f} ± {sd.f1:.3f}  {s.accuracy:.3f}  {speed}"
    )


HEADER = f"{'':<44} {'precision':<13}  {'recall':<13}  {'F1':<13}  {'acc':<5}  {'docs/s':>7}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=os.environ.get(DATA_ENV),
        help=f"the benchmark folder (html/ and ground-truth.json); default ${DATA_ENV}",
    )
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timed runs per extractor (default 5)")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (default 1000)")
    parser.add_argument("--limit", type=int, help="only the first N pages (a quick look, not a result)")
    parser.add_argument("--ablate", action="store_true", help="also score Sieve with each cleaner switched off")
    parser.add_argument(
        "--stages", action="store_true", help="also show where Sieve's time goes (extraction, each cleaner)"
    )
    parser.add_argument("--worst", type=int, default=0, help="list the N pages where Sieve loses most F1")
    parser.add_argument("--dump", type=Path, help="write Sieve's per-page bodies and scores to this JSON file")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Sieve setting")
    args = parser.parse_args(argv)
    if args.data is None:
        parser.error(
            f"give --data DIR (or set ${DATA_ENV}): a checkout of "
            "https://github.com/scrapinghub/article-extraction-benchmark (html/ and ground-truth.json)"
        )
    logging.basicConfig(level=logging.WARNING)

    from crawler.components import load_chain, load_extractor, offline_crawler

    docs = load(args.data, args.limit)
    settings = sieve_settings(args.set)
    crawler = offline_crawler(settings)
    chain, extractor = load_chain(crawler), load_extractor(crawler)
    learner = {"CLEANERS": {"cleaners.builtin.FurnitureCleaner": None}}
    runs = [
        ("trafilatura (include_comments=False)", trafilatura_fn(include_comments=False)),
        ("trafilatura (favor_precision=True)", trafilatura_fn(include_comments=False, favor_precision=True)),
        ("trafilatura (fast=True)", trafilatura_fn(include_comments=False, fast=True)),
        ("Sieve (trafilatura + cleaner chain)", sieve_fn(settings)),
        ("  without the furniture learner", sieve_fn(variant(settings, **learner))),
        ("  with prose recovery", sieve_fn(variant(settings, SIEVE_RECOVER_PROSE=True))),
        ("  with the fast=False fallback", sieve_fn(fallback_settings(settings))),
        ("  fast=False on every page", sieve_fn(variant(settings, SIEVE_EXTRACTOR_OPTIONS={"fast": False}))),
    ]
    print(
        f"{len(docs)} pages from {args.data}; docs/s = median of {args.rounds} interleaved timed runs; "
        f"± = bootstrap sd over {args.resamples} resamples; every Sieve row learns from all pages first "
        "(as `scrapy clean DIR`), timed with it"
    )
    print(f"Sieve chain: {' > '.join(chain.describe())}; extractor options {extractor.options}")  # type: ignore[attr-defined]
    print(HEADER)
    speeds: dict[str, float] = {}
    results: dict[str, tuple[list[str], list[DocScore]]] = {}
    times: dict[str, list[float]] = {}
    for (name, _), (preds, secs) in zip(runs, timed([fn for _, fn in runs], docs, args.rounds), strict=True):
        times[name] = secs
        dps = len(docs) / statistics.median(secs)
        s, sd, per_doc = score(docs, preds, args.resamples)
        speeds[name], results[name] = dps, (preds, per_doc)
        print(row(name, s, sd, dps), flush=True)
    base, sieve = runs[0][0], runs[3][0]
    ratios = sorted(b / s for b, s in zip(times[base], times[sieve], strict=True))
    print(
        f"speed ratio Sieve / trafilatura (include_comments=False): {statistics.median(ratios):.2f}x "
        f"(median of {len(ratios)} interleaved rounds; range {ratios[0]:.2f}-{ratios[-1]:.2f})"
    )

    tune, held = halves(docs)
    n_sites = [len({site_of(docs[i][1]) for i in half}) for half in (tune, held)]
    print(
        f"\nSite-disjoint split (by registrable domain): tuning half {len(tune)} pages of {n_sites[0]} sites, "
        f"held-out half {len(held)} pages of {n_sites[1]} sites. Recovery's constants and the fallback share were "
        "chosen on the tuning half only; the held-out half is the figure to trust."
    )
    print(f"{'':<44} {'tuning P/R/F1':<21}  {'held-out P/R/F1':<21}")
    for name, _ in runs:
        per_doc = results[name][1]
        cells = []
        for half in (tune, held):
            a = aggregate([per_doc[i] for i in half])
            cells.append(f"{a.precision:.3f} {a.recall:.3f} {a.f1:.3f}")
        print(f"{name:<44} {cells[0]:<21}  {cells[1]:<21}")

    if args.ablate:
        print("\nAblation: Sieve with one cleaner switched off (quality only; F1 change against the full chain)")
        print(HEADER)
        full = aggregate(results[sieve][1])
        for path in chain.paths:
            fn = sieve_fn(variant(settings, CLEANERS={path: None}))
            s, sd, _ = score(docs, fn(docs), args.resamples)
            name = f"without {path.rsplit('.', 1)[-1]}"
            print(f"{row(name, s, sd)}  ΔF1 {s.f1 - full.f1:+.4f}  ΔP {s.precision - full.precision:+.4f}", flush=True)
        fn = sieve_fn(variant(settings, CLEANERS=dict.fromkeys(chain.paths)))
        s, sd, _ = score(docs, fn(docs), args.resamples)
        name = "no cleaners (Sieve's extraction alone)"
        print(f"{row(name, s, sd)}  ΔF1 {s.f1 - full.f1:+.4f}  ΔP {s.precision - full.precision:+.4f}", flush=True)

    if args.stages:
        print("\nWhere Sieve's time goes (one more pass, apart from the timed runs; seconds for all pages):")
        for name, secs in stage_times(chain, extractor, docs):
            print(f"  {name:<44} {secs:6.2f}s")

    if args.worst:
        preds, per_doc = results[sieve]
        ranked = sorted(range(len(docs)), key=lambda i: (per_doc[i].tp, docs[i][0]))
        print(f"\n{args.worst} pages with the lowest Sieve shingle TP share (tp, fp, fn):")
        for i in ranked[: args.worst]:
            d = per_doc[i]
            print(f"  {d.tp:.3f} {d.fp:.3f} {d.fn:.3f}  {docs[i][0][:16]}  {docs[i][1]}")
    if args.dump:
        preds, per_doc = results[sieve]
        base_preds = results[base][0]
        out = [
            {"id": d[0], "url": d[1], "truth": d[3], "sieve": p, "trafilatura": b, "tp": s.tp, "fp": s.fp, "fn": s.fn}
            for d, p, b, s in zip(docs, preds, base_preds, per_doc, strict=True)
        ]
        args.dump.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
