#!/usr/bin/env python
"""Whole runs on many real pages: trafilatura loops, ``scrapy clean`` and a full ``scrapy crawl``, in one run.

Usage (from the repository root)::

    .venv/bin/python benchmarks/crawl_bench.py --data AEB_DIR                 # 5 copies of the 181 AEB pages
    .venv/bin/python benchmarks/crawl_bench.py --data AEB_DIR --rounds 5 --memory

AEB_DIR is a checkout of https://github.com/scrapinghub/article-extraction-benchmark (``html/*.html.gz``);
``$SIEVE_AEB_DATA`` may name it instead. Its pages are written ``--copies`` times (default 5: 905 pages)
into a temporary folder as ``.html`` files, and every run below works through that same folder:

=============  =========================================================================================
(a)            a loop of ``trafilatura.extract(html, include_comments=False)`` over the files' bytes
(b)            the same loop with the options Sieve's extractor passes (its defaults, then
               ``SIEVE_EXTRACTOR_OPTIONS``: ``fast``, tables, no deduplication)
clean -j 1     ``scrapy clean DIR -j 1``: Sieve's whole pipeline (parse, extraction, cleaner chain, JSON)
               in one process
clean -j 2     ``scrapy clean DIR -j 2``: the same in two worker processes
crawl          ``scrapy crawl fixtures -a path=DIR`` into a fresh SQLite database: ``file://`` requests,
               the clean pipeline over the worker pool (``SIEVE_WORKERS``, one per core), storage
=============  =========================================================================================

Each is a separate process, timed from its start to its exit (start-up included: it is part of what a
user waits for). With ``--rounds N`` the runs are interleaved N times, each round starting one kind later,
and each figure is the median, so a busy spell of a shared machine slows every kind alike. Per run: documents
per second, its ratio to (a) and (b), CPU (all its processes' user+system time over its wall time: 100% is one
core busy), CPU a page (that time over the pages, and its ratio to (a)'s) and peak RSS (the
sum over the run's process tree); both sampled from ``/proc`` every 0.1 s (Linux only), since workers forked by
a forkserver are nobody's waited-for children. From the crawl's own
stats: the cleaner chain's seconds (the sum of ``cleaners/<path>/seconds``) as a share of the workers'
cleaning time (``sieve/seconds/cleaning``: parse, article decision, extraction, chain) and of the crawl's
whole CPU time. ``--memory`` also crawls four times the pages once and compares peak RSS with the 1x
crawl. Last, the start-up of ``scrapy clean`` on one small file (median of 5).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_ENV = "SIEVE_AEB_DATA"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# -- the two trafilatura loops, run as ``crawl_bench.py --loop a|b DIR`` ------------------------------
def loop(kind: str, folder: Path) -> None:
    import trafilatura

    if kind == "a":
        options: dict[str, object] = {"include_comments": False}
    else:
        sys.path.insert(0, str(ROOT))
        from cleaners.document.extract import TrafilaturaExtractor
        from crawler import settings

        options = {**TrafilaturaExtractor.defaults, **settings.SIEVE_EXTRACTOR_OPTIONS}
    for path in sorted(folder.rglob("*.html")):
        trafilatura.extract(path.read_bytes(), **options)


# -- measuring a process tree --------------------------------------------------------------------------
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, float]]:
    """``{pid: (parent pid, own user+system seconds)}`` of every process now."""
    found: dict[int, tuple[int, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return found


def tree_sample(root: int) -> tuple[int, dict[int, float]]:
    """Resident bytes of ``root`` and all its descendants now, and each one's own CPU seconds so far."""
    procs = _processes()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    todo, total, cpu = [root], 0, {}
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        if pid in procs:
            cpu[pid] = procs[pid][1]
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            pass
    return total, cpu


@dataclass
class Measured:
    wall: float
    cpu: float  # user + system seconds of the process and all its descendants
    peak_rss: int
    stderr: str = ""


def measure(cmd: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run ``cmd`` to its end; a failing command stops the benchmark with its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace"
    )
    peak = [0]
    seen: dict[int, float] = {}  # each process's own CPU seconds at its last sample
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            rss, cpu = tree_sample(proc.pid)
            peak[0] = max(peak[0], rss)
            seen.update(cpu)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"crawl_bench.py: {' '.join(cmd)} exited {proc.returncode}:\n{stderr[-3000:]}")
    # Workers forked by a forkserver are not the command's children: nothing it waits for accounts for them, so
    # every process of the tree is sampled. The command's own (and its waited children's) time is exact; a
    # process it did not wait for loses at most its last 0.1 s.
    waited = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    others = sum(cpu for pid, cpu in seen.items() if pid != proc.pid)
    return Measured(wall, max(waited, seen.get(proc.pid, 0.0) + others), peak[0], stderr)


# -- the runs ------------------------------------------------------------------------------------------
def env() -> dict[str, str]:
    e = dict(os.environ)
    # Bytecode caches as a user has them after any first run (pip compiles site-packages; a checkout's own modules
    # are compiled on first import). Without them every run compiles the project's modules again: 40 ms of start-up.
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    return e


def scrapy() -> list[str]:
    return [sys.executable, "-m", "scrapy"]


def run_kind(kind: str, folder: Path, work: Path) -> Measured:
    if kind in ("a", "b"):
        return measure([sys.executable, __file__, "--loop", kind, str(folder)], env())
    if kind.startswith("clean"):
        jobs = kind.rsplit(" ", 1)[1]
        cmd = [*scrapy(), "clean", str(folder), "-j", jobs, "-o", os.devnull, "-s", "LOG_LEVEL=WARNING"]
        return measure(cmd, env())
    db = work / "crawl.db"
    for path in work.glob("crawl.db*"):
        path.unlink()
    return measure(
        [
            *scrapy(), "crawl", "fixtures", "-a", f"path={folder}", "-s", f"DATABASE_URL=sqlite:///{db}",
            "-s", "LOG_LEVEL=INFO", "-s", "STATS_DUMP=True", "-s", "LOGSTATS_INTERVAL=0",
        ],
        env(),
    )  # fmt: skip


_STAT_RE = re.compile(r"'([^']+)': ([0-9.e+-]+)[,}]")


def crawl_stats(stderr: str) -> dict[str, float]:
    """The numeric stats of Scrapy's closing dump ("Dumping Scrapy stats: {...}") in a crawl's log."""
    dump = stderr[stderr.rfind("Dumping Scrapy stats") :]
    return {key: float(value) for key, value in _STAT_RE.findall(dump)}


@dataclass
class Figures:
    docs: int
    runs: dict[str, list[Measured]] = field(default_factory=dict)

    def rate(self, kind: str) -> float:
        return self.docs / statistics.median(m.wall for m in self.runs[kind])

    def cpu(self, kind: str) -> float:
        return statistics.median(m.cpu / m.wall for m in self.runs[kind])

    def cpu_ms(self, kind: str) -> float:
        """Milliseconds of CPU a page, all the run's processes together (median over the rounds)."""
        return 1000 * statistics.median(m.cpu for m in self.runs[kind]) / self.docs

    def rss(self, kind: str) -> float:
        return statistics.median(m.peak_rss for m in self.runs[kind]) / 2**20


def prepare(data: Path, copies: int, folder: Path) -> int:
    pages = sorted((data / "html").glob("*.html.gz"))
    if not pages:
        raise SystemExit(f"crawl_bench.py: no html/*.html.gz in {data}; point --data at the AEB folder")
    for k in range(copies):
        sub = folder / f"copy{k}"
        sub.mkdir(parents=True)
        for page in pages:
            (sub / page.name.removesuffix(".gz")).write_bytes(gzip.decompress(page.read_bytes()))
    return len(pages) * copies


KINDS = ["a", "b", "clean 1", "clean 2", "crawl"]
LABELS = {"a": "(a) trafilatura default", "b": "(b) trafilatura, Sieve's options"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=os.environ.get(DATA_ENV), help=f"AEB folder (or ${DATA_ENV})")
    parser.add_argument("--copies", type=int, default=5, help="copies of the pages (5: 905 pages)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; figures are medians (3)")
    parser.add_argument("--memory", action="store_true", help="also crawl 4x the pages once and compare peak RSS")
    parser.add_argument("--loop", choices=["a", "b"], help=argparse.SUPPRESS)
    parser.add_argument("folder", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.loop:
        loop(args.loop, args.folder)
        return
    if args.data is None:
        parser.error(f"--data AEB_DIR is required (or set ${DATA_ENV})")
    work = Path(tempfile.mkdtemp(prefix="sieve-crawl-bench-"))
    try:
        folder = work / "pages"
        docs = prepare(args.data, args.copies, folder)
        print(f"{docs} pages ({args.copies} copies), {os.cpu_count()} cores, {args.rounds} interleaved rounds")
        figures = Figures(docs)
        for r in range(args.rounds):
            # Each round starts one kind later: with one fixed order, a machine that speeds up or slows down over a
            # round would favour the kinds that always come first.
            for kind in KINDS[r % len(KINDS) :] + KINDS[: r % len(KINDS)]:
                m = run_kind(kind, folder, work)
                figures.runs.setdefault(kind, []).append(m)
                print(f"  round {r + 1}: {kind:8} {docs / m.wall:6.1f} docs/s", file=sys.stderr)
        report(figures)
        if args.memory:
            big = work / "pages4x"
            prepare(args.data, args.copies * 4, big)
            m = run_kind("crawl", big, work)
            one = figures.rss("crawl")
            print(
                f"\nmemory: crawl of {docs * 4} pages peaks at {m.peak_rss / 2**20:.0f} MB, "
                f"{docs} pages at {one:.0f} MB (median): {100 * (m.peak_rss / 2**20 / one - 1):+.1f}%"
            )
        print(f"start-up: scrapy clean of one file {startup(folder):.2f} s (median of 5, process start to exit)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(f: Figures) -> None:
    a, b = f.rate("a"), f.rate("b")
    head = f"{'run':34} {'docs/s':>7} {'x (a)':>6} {'x (b)':>6} {'CPU':>6} {'peak RSS':>9}"
    print(f"\n{head} {'CPU/page':>9} {'x (a)':>6}")
    a_ms = f.cpu_ms("a")
    for kind in KINDS:
        label = LABELS.get(kind) or (f"scrapy {kind.replace(' ', ' -j ')}" if kind != "crawl" else "scrapy crawl")
        rate, ms = f.rate(kind), f.cpu_ms(kind)
        print(
            f"{label:34} {rate:7.1f} {rate / a:6.2f} {rate / b:6.2f} {100 * f.cpu(kind):5.0f}% {f.rss(kind):6.0f} MB"
            f" {ms:6.1f} ms {ms / a_ms:6.2f}"
        )
    # On N cores a run at R times (a)'s docs/s spends at most N / R times (a)'s CPU a page, and only with every core
    # busy from start to end: the CPU column says how far a run is from a goal whatever the machine's speed that day.
    print(f"(CPU/page: all the run's processes' CPU over its pages; at R x (a) on {os.cpu_count()} cores it is at most")
    print(f" {os.cpu_count()}/R x (a)'s)")
    # The machine's speed drifts from minute to minute (the loops alone have moved 15% between rounds): a ratio
    # taken within each round, between runs a few minutes apart, drifts less than a ratio of medians.
    print("\nratios within each round (median; each round's values):")
    for kind in ("clean 2", "crawl"):
        for base in ("a", "b"):
            ratios = [y.wall / x.wall for x, y in zip(f.runs[kind], f.runs[base], strict=True)]
            shown = " ".join(f"{r:.2f}" for r in ratios)
            print(f"  {kind:8} / ({base})  {statistics.median(ratios):.2f}   ({shown})")
    shares = []
    for m in f.runs["crawl"]:
        stats = crawl_stats(m.stderr)
        chain = sum(v for k, v in stats.items() if k.startswith("cleaners/") and k.endswith("/seconds"))
        cleaning = stats.get("sieve/seconds/cleaning", 0.0)
        shares.append((chain, cleaning, m.cpu, stats.get("sieve/pages", 0.0)))
    chain, cleaning, cpu, pages = (statistics.median(s[i] for s in shares) for i in range(4))
    if cleaning and cpu:
        print(
            f"\ncrawl: {pages:.0f} pages stored; cleaner chain {1000 * chain / f.docs:.1f} ms/page, "
            f"{100 * chain / cleaning:.1f}% of the workers' cleaning time ({1000 * cleaning / f.docs:.1f} ms/page) "
            f"and {100 * chain / cpu:.1f}% of the crawl's CPU time ({1000 * cpu / f.docs:.1f} ms/page)"
        )
    else:
        print("\ncrawl: no timing stats in the crawl's log (sieve/seconds/cleaning missing)")


def startup(folder: Path) -> float:
    one = next(iter(sorted(folder.rglob("*.html"))))
    times = [
        measure([*scrapy(), "clean", str(one), "-o", os.devnull, "-s", "LOG_LEVEL=WARNING"], env()).wall
        for _ in range(5)
    ]
    return statistics.median(times)


if __name__ == "__main__":
    main()
