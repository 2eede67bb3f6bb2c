#!/usr/bin/env python
"""Site furniture on multi-page sites: does the learner remove a site's repeated lines and keep every article sentence?

Usage (from the repository root)::

    .venv/bin/python benchmarks/furniture.py                 # systems, threshold sweep, held-out report
    .venv/bin/python benchmarks/furniture.py --dump DIR      # also write the pages (<site>/<n>.html) and gold

Why: the Article Extraction Benchmark has at most two pages per site, so a
learner that needs a site's pages to see what it repeats cannot show anything
there. This benchmark builds sites of many pages: every site has one fixed
layout of ``benchmarks/wholepage.py`` (semantic, div soup, table) and its
own furniture *inside the article text* (``<p>`` blocks among the
paragraphs, where an extractor keeps them): a tip line on every page, a
newsletter blurb on 80% of pages, an author's bio on 60% and another's on
40%, an "Advertisement" label on every page. And it has hard negatives that
must stay body: a wire agency's stock sentence on about a third of every
site's pages (so on every site), a quote repeated on two pages of a site, the
generator's sentence templates without placeholders (common English that
recurs verbatim on many pages), and wholepage's own hard negatives.

What is printed, all from one run:

1. systems on all sites: trafilatura alone, Sieve without the learner, Sieve
   with the learner (two passes: learn from every page, then clean), with
   the AEB shingle metric (P/R/F1), the furniture lines left in bodies, the
   hard-negative sentences lost from bodies, and docs/s;
2. the threshold sweep on the *tuning* half of the sites (site-disjoint):
   ``min_pages`` x ``min_share``, with and without the cross-site prose
   rule, with and without digit folding: F1, furniture left, negatives lost;
3. the chosen thresholds (best F1 on the tuning half with no hard negative
   lost) and the defaults, reported on the *held-out* half.

The sweep reuses one clean without the learner: the learner runs last and
claims whole unclaimed lines, so its body is exactly that body less the
lines it claims (row 1's learner run checks this equality).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from wholepage import LAYOUTS, RENDERERS, Site, make_story  # noqa: E402

from cleaners.evaluation.metrics import BenchScore, aggregate, shingle_score  # noqa: E402
from cleaners.furniture.keys import line_key, normalise_line, page_lines, site_key  # noqa: E402
from cleaners.furniture.policy import Thresholds  # noqa: E402
from cleaners.furniture.stats import MemorySiteStats  # noqa: E402
from cleaners.urls import host_of  # noqa: E402

DEFAULT_SEED = 1212
NAMES = (
    "Harbour Courier", "Valley Ledger", "Coastal Tribune", "Desert Sun", "River Post", "Highland Gazette",
    "Northern Echo Daily", "Delta Record", "Plains Observer", "Summit Times", "Bay Chronicle", "Lakeside Register",
)  # fmt: skip
#: Pages per site, in site order: small sites (the learner's hard case) and larger ones.
PAGES = (6, 8, 10, 12, 16, 20, 24, 30, 6, 10, 16, 40)
WIRE = "Reuters could not independently verify the report."
AUTHORS = ("Lena Haddad", "Omar Farouk", "Claire Dubois", "Sami Nasser", "Maya Rahim", "Tariq Aziz")
#: A quote one site repeats on two of its pages (a story and its follow-up), and a sentence a running story
#: repeats on about a quarter of one site's pages: the site's own article text, not its furniture.
QUOTE = "“We will not stop until every family is back in its home,” the governor told the {name}."
RUNNING = "The {name} has followed the inquiry into the collapse of the {bridge} bridge since it began in March."
BRIDGES = ("old harbour", "north river", "King Faisal", "canal street", "eastern", "Al-Salam")


@dataclass
class SitePage:
    site: str  # the site's host
    name: str
    url: str
    html: str
    truth: str  # the article text, a paragraph a line
    furniture: list[str]  # furniture lines this page carries
    negatives: list[str]  # hard-negative sentences this page carries


def furniture_of(name: str, host: str, rng: Random) -> list[tuple[str, float, str]]:
    """(line, share of pages that carry it, where) for one site; ``where``: anywhere, early or end."""
    a, b = rng.sample(AUTHORS, 2)
    return [
        (f"Got a news tip? Write to the {name} newsroom at tips@{host} - we read every message.", 1.0, "anywhere"),
        (f"Sign up for the {name} morning briefing to get the day's top stories in your inbox.", 0.8, "early"),
        (f"{a} is a senior correspondent for {name} and has covered the region since 2009.", 0.6, "end"),
        (f"{b} writes about business and energy for {name}.", 0.4, "end"),
        ("Advertisement", 1.0, "anywhere"),
    ]


def generate(seed: int = DEFAULT_SEED) -> list[SitePage]:
    rng = Random(seed)
    out: list[SitePage] = []
    for i, (name, count) in enumerate(zip(NAMES, PAGES, strict=True)):
        slug = re.sub(r"\W+", "", name.lower())
        site = Site(name, f"www.{slug}.example", "/news/{id}/{slug}", f"{name} Digital", 2024)
        layout = LAYOUTS[i % len(LAYOUTS)]
        furniture = furniture_of(name, site.host, rng)
        quote = QUOTE.format(name=name)
        running = RUNNING.format(name=name, bridge=rng.choice(BRIDGES))
        quoted = set(rng.sample(range(count), 2))
        for n in range(count):
            story = make_story(rng)
            paragraphs = list(story.paragraphs)
            negatives: list[str] = []
            if rng.random() < 0.35:
                paragraphs.insert(rng.randint(1, len(paragraphs)), WIRE)
                negatives.append(WIRE)
            if n in quoted:
                paragraphs.insert(rng.randint(1, len(paragraphs)), quote)
                negatives.append(quote)
            if rng.random() < 0.25:
                paragraphs.insert(rng.randint(1, len(paragraphs)), running)
                negatives.append(running)
            shown = list(paragraphs)
            carried: list[str] = []
            for line, share, where in furniture:
                if rng.random() >= share:
                    continue
                pos = {"anywhere": rng.randint(1, len(shown)), "early": min(2, len(shown)), "end": len(shown)}[where]
                shown.insert(pos, line)
                carried.append(line)
            url = site.article_url(300000 + n, story.title, story.section, story.published)
            story = dataclasses.replace(story, site=site, url=url, paragraphs=shown)
            html = RENDERERS[layout](story, rng)
            out.append(SitePage(site.host, f"{slug}/{n:02d}", url, html, "\n".join(paragraphs), carried, negatives))
    return out


def split(pages: Sequence[SitePage]) -> tuple[list[SitePage], list[SitePage]]:
    """Site-disjoint halves: sites 0, 2, 4 ... to tune on, 1, 3, 5 ... to report."""
    hosts = sorted({p.site for p in pages}, key=[p.site for p in pages].index)
    tune = set(hosts[::2])
    return [p for p in pages if p.site in tune], [p for p in pages if p.site not in tune]


# -- systems -----------------------------------------------------------------------------------------------------


def sieve(learner: bool, **settings: Any) -> tuple[Any, Any]:
    from scrapy.settings import Settings

    from crawler.components import load_chain, load_extractor, offline_crawler

    s = Settings()
    s.setmodule("crawler.settings", priority="project")
    if not learner:
        s.set("CLEANERS", {"cleaners.builtin.FurnitureCleaner": None}, priority="cmdline")
    for key, value in settings.items():
        s.set(key, value, priority="cmdline")
    crawler = offline_crawler(s)
    return load_chain(crawler), load_extractor(crawler)


def run_sieve(pages: Sequence[SitePage], learner: bool) -> tuple[list[str], list[str], float]:
    """Bodies and raw texts of every page, and the seconds the whole run took (both passes for the learner)."""
    from cleaners.process import clean_content, learn_content

    chain, extractor = sieve(learner)
    t0 = time.perf_counter()
    if chain.learns:
        for p in pages:
            learn_content(chain, p.html, is_html=True, url=p.url)
    cleaned = [clean_content(chain, p.html, is_html=True, extractor=extractor, url=p.url) for p in pages]
    secs = time.perf_counter() - t0
    chain.close()
    return [c.record["body"] for c in cleaned], [c.raw_text or "" for c in cleaned], secs


def run_trafilatura(pages: Sequence[SitePage]) -> tuple[list[str], float]:
    import trafilatura

    t0 = time.perf_counter()
    out = [
        trafilatura.extract(p.html, url=p.url, output_format="txt", include_comments=False, fast=True) or ""
        for p in pages
    ]
    return out, time.perf_counter() - t0


# -- scores ------------------------------------------------------------------------------------------------------


@dataclass
class Result:
    score: BenchScore
    furniture_left: int
    furniture_total: int
    negatives_lost: int
    negatives_total: int


def lines_of(body: str) -> set[str]:
    return {normalise_line(x) for x in body.split("\n") if x.strip()}


def evaluate(pages: Sequence[SitePage], bodies: Sequence[str]) -> Result:
    left = lost = f_total = n_total = 0
    docs = []
    for p, body in zip(pages, bodies, strict=True):
        docs.append(shingle_score(p.truth, body))
        have = lines_of(body)
        f_total += len(p.furniture)
        n_total += len(p.negatives)
        left += sum(normalise_line(x) in have for x in p.furniture)
        lost += sum(normalise_line(x) not in have for x in p.negatives)
    return Result(aggregate(docs), left, f_total, lost, n_total)


def fold_digits(line: str) -> str:
    return re.sub(r"\d+", "0", line)


def simulate(
    pages: Sequence[SitePage],
    bodies: Sequence[str],
    raws: Sequence[str],
    thresholds: Thresholds,
    norm: Callable[[str], str] = lambda s: s,
) -> list[str]:
    """The learner's bodies for ``thresholds``: the bodies without it, less the lines it would claim.

    Statistics come from every page (both halves: a crawl sees the whole
    site); only the scores are split.
    """
    stats = MemorySiteStats()
    for p, raw in zip(pages, raws, strict=True):
        site = site_key(host_of(p.url))
        assert site is not None
        stats.observe(site, p.url, {line_key(norm(t)): t for t in page_lines(raw).values()})
    out = []
    for p, body in zip(pages, bodies, strict=True):
        site = site_key(host_of(p.url))
        assert site is not None
        lines = [(x, line_key(norm(normalise_line(x)))) for x in body.split("\n")]
        ev = stats.evidence(site, {k for _, k in lines})
        cands = {k for _, k in lines if thresholds.candidate(ev, k)}
        ev = dataclasses.replace(ev, other_sites=stats.other_sites(site, cands))
        kept = [x for x, k in lines if not (k in cands and thresholds.claims(ev, k, len(x.split())))]
        out.append("\n".join(kept))
    return out


def fmt(name: str, r: Result, dps: float | None = None) -> str:
    s = r.score
    speed = f"{dps:7.1f}" if dps is not None else "      -"
    return (
        f"{name:<46} {s.precision:.3f}  {s.recall:.3f}  {s.f1:.3f}  "
        f"{r.furniture_left:>4}/{r.furniture_total:<4}  {r.negatives_lost:>3}/{r.negatives_total:<3}  {speed}"
    )


HEADER = f"{'':<46} {'P':<5}  {'R':<5}  {'F1':<5}  {'furn. left':<9}  {'neg. lost':<7}  {'docs/s':>7}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--dump", type=Path, help="write the pages and their gold under this folder")
    args = parser.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.WARNING)
    pages = generate(args.seed)
    tune, held = split(pages)
    if args.dump:
        for p in pages:
            path = args.dump / f"{p.name}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(p.html, encoding="utf-8")
            gold = {"url": p.url, "body": p.truth, "furniture": p.furniture, "negatives": p.negatives}
            path.with_suffix(".gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
    n_sites = len({p.site for p in pages})
    print(
        f"{len(pages)} generated pages of {n_sites} sites (seed {args.seed}); tuning half: "
        f"{len({p.site for p in tune})} sites, {len(tune)} pages; held-out half: {len({p.site for p in held})} sites, "
        f"{len(held)} pages"
    )
    print("\n1. Systems, all sites (AEB shingle metric; furniture lines left in bodies; hard negatives lost)")
    print(HEADER)
    traf, t_secs = run_trafilatura(pages)
    print(fmt("trafilatura (fast=True, include_comments=False)", evaluate(pages, traf), len(pages) / t_secs))
    plain, raws, p_secs = run_sieve(pages, learner=False)
    print(fmt("Sieve without the learner", evaluate(pages, plain), len(pages) / p_secs))
    learned, _, l_secs = run_sieve(pages, learner=True)
    print(fmt("Sieve with the learner (learn pass + clean)", evaluate(pages, learned), len(pages) / l_secs))
    simulated = simulate(pages, plain, raws, Thresholds())
    same = sum(lines_of(a) == lines_of(b) for a, b in zip(simulated, learned, strict=True))
    print(f"(the sweep's simulation of the default thresholds matches the learner's body on {same}/{len(pages)} pages)")

    print("\n2. Threshold sweep on the tuning half (min_site_pages 5; prose rule: a >= 6-word line seen on another")
    print("   site is never furniture)")
    print(f"{'min_pages min_share prose-rule digits':<46} {'P':<5}  {'R':<5}  {'F1':<5}  {'furn. left':<9}  neg. lost")
    index = {id(p): i for i, p in enumerate(pages)}
    best: tuple[float, Thresholds, bool] | None = None
    grid = [(m, s, True, False) for m in (2, 3, 4) for s in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)]
    grid += [(3, s, False, False) for s in (0.2, 0.3, 0.4, 0.5)]  # without the cross-site prose rule
    grid += [(3, s, True, True) for s in (0.3, 0.4, 0.5)]  # digits folded to 0
    for min_pages, share, prose, digits in grid:
        th = Thresholds(min_pages=min_pages, min_share=share, prose_words=6 if prose else 10**6)
        bodies = simulate(pages, plain, raws, th, fold_digits if digits else (lambda s: s))
        r = evaluate(tune, [bodies[index[id(p)]] for p in tune])
        name = f"{min_pages:>9} {share:>9.1f} {'on' if prose else 'off':>10} {'folded' if digits else 'kept':>6}"
        print(fmt(name, r))
        if r.negatives_lost == 0 and (best is None or r.score.f1 > best[0]):
            best = (r.score.f1, th, digits)

    print("\n3. Held-out half (sites never used for tuning)")
    print(HEADER)
    held_idx = [index[id(p)] for p in held]
    print(fmt("trafilatura (fast=True, include_comments=False)", evaluate(held, [traf[i] for i in held_idx])))
    print(fmt("Sieve without the learner", evaluate(held, [plain[i] for i in held_idx])))
    print(fmt("Sieve with the learner (defaults)", evaluate(held, [learned[i] for i in held_idx])))
    if best is not None:
        _, th, digits = best
        bodies = simulate(pages, plain, raws, th, fold_digits if digits else (lambda s: s))
        label = f"learner, tuned: pages>={th.min_pages} share>={th.min_share}{' digits folded' if digits else ''}"
        print(fmt(label, evaluate(held, [bodies[i] for i in held_idx])))
    ratios = statistics.median([p_secs / l_secs])
    print(f"\nlearner's cost: docs/s with it / without it = {ratios:.2f} (one run; the learn pass parses every page)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
