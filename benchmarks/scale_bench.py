#!/usr/bin/env python
"""Scale-out: pages stored per second by 1, 2 and 4 `scrapy crawl` workers on one Redis frontier, in one run.

Usage (from the repository root)::

    .venv/bin/python benchmarks/scale_bench.py                        # SQLite, 960 pages, 4 requests per worker
    .venv/bin/python benchmarks/scale_bench.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/db
    .venv/bin/python benchmarks/scale_bench.py --workers 1,2,4,8 --concurrency 4 --pages-per-host 120

The site is I/O-bound on purpose: small article pages, each answered after ``--delay`` (0.2 s), served under
8 loopback host names (127.0.0.1 to 127.0.0.8) by one asyncio process, so that the per-site limit
(``CONCURRENT_REQUESTS_PER_DOMAIN`` = 4, shared through Redis) leaves room for 32 requests in flight and is
not the bottleneck. Every worker runs at a fixed ``CONCURRENT_REQUESTS`` (``--concurrency``), so one worker
can at best store ``concurrency / delay`` pages/s and N workers N times that: the ratios show how close the
frontier gets. AutoThrottle and the download delay are off (they would make the sites, not the workers, the
limit). The seeds are every page, interleaved across hosts.

Each round: a fresh Redis (``redis-server`` on a free port, no persistence) and database; the workers start,
push the seeds (deduplicated), and the site holds the articles back until every worker has joined, so
start-up (2-3 s of imports per process) is not timed. The clock runs from opening that gate to the moment the
last page is committed (the frontier's count of released leases, polled every 0.05 s, reaches the number of
pages; a lease is released right after its page is committed, ``SIEVE_DB_FLUSH_SECS`` = 0.5; the database's
row count is checked at the end). With ``--rounds N`` the worker counts are run N times, interleaved, and the
ratios use each count's best round: the machine is shared, and the "machine CPU busy" column shows when
something else was using it. Also printed, over the same
window: CPU time per page of the workers and of everything the benchmark runs (workers, site, Redis; SQLite
runs inside the workers, PostgreSQL is not counted): with ``pages/s`` it says how much of the machine the
crawl needed. "machine busy" is the whole machine's CPU use, and "others" the part of it that was not this
benchmark (the machine may be shared). Then, per page, the Lua scripts called on Redis and the Redis commands
executed (those inside scripts included; ``INFO commandstats``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from storage.db import open_database  # noqa: E402
from storage.repository import pages  # noqa: E402

HOSTS = [f"127.0.0.{i}" for i in range(1, 9)]
PARAGRAPH = (
    "The harbour authority said on {day} that the new ferry timetable would add two crossings a day from "
    "next month, after a survey found that most passengers wanted earlier departures in the morning."
)


def article(host: str, n: int) -> bytes:
    title = f"Ferry timetable change {n} on {host}"
    body = "".join(f"<p>{PARAGRAPH.format(day=d)} Story {n}.</p>" for d in ("Monday", "Tuesday", "Friday"))
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{title}</title>'
        '<script type="application/ld+json">{"@type": "NewsArticle"}</script></head>'
        f"<body><article><h1>{title}</h1>{body}<p>source: Harbour Wire</p></article></body></html>"
    ).encode()


# -- the site: one asyncio process, 8 host names, HTTP/1.1 keep-alive --------------------------------
async def serve_site(port: int, delay: float) -> None:
    gate = asyncio.Event()
    served: list[float] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                status, body, ctype = b"200 OK", b"", b"text/html; charset=utf-8"
                if path == "/__open":
                    gate.set()
                elif path == "/__close":
                    gate.clear()
                    served.clear()
                elif path == "/__stats":
                    body, ctype = json.dumps({"served": len(served)}).encode(), b"application/json"
                elif path.startswith("/a/"):
                    await gate.wait()
                    await asyncio.sleep(delay)
                    served.append(time.monotonic())
                    body = article(host, int(path[3:].split(".")[0]))
                else:
                    status, body, ctype = b"404 Not Found", b"not found", b"text/plain"
                writer.write(
                    b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype
                    + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )  # fmt: skip
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(handle, host, port, backlog=512) for host in HOSTS]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


# -- helpers ----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 (a local URL)
        return r.read()


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(200):
        try:
            client.ping()
            return proc, url
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def fresh_database(workdir: Path, postgres: str | None, tag: str) -> tuple[str, object]:
    """A database URL with the schema in place, and a cleanup callable."""
    if not postgres:
        url = f"sqlite:///{workdir / f'{tag}.db'}"
        open_database(url).dispose()
        return url, lambda: None
    schema = f"scale_{tag}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
    open_database(url).dispose()

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return url, drop


def stored(engine) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(pages)).scalar_one()


def redis_calls(client: redis.Redis) -> tuple[int, int]:
    """(Lua script calls, commands executed): a script's own commands count in the second, not EVALSHA itself."""
    stats = client.info("commandstats")
    scripts = int(stats.get("cmdstat_evalsha", {}).get("calls", 0))
    commands = sum(int(v["calls"]) for k, v in stats.items() if k not in ("cmdstat_info", "cmdstat_evalsha"))
    return scripts, commands


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot (/proc/stat): other load shows up here."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of live processes so far (Linux /proc), to time a window of their lives."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the whole line)
    return total / os.sysconf("SC_CLK_TCK")


def run_round(n_workers: int, args: argparse.Namespace, port: int, workdir: Path, site_pid: int) -> dict[str, float]:
    get(f"http://127.0.0.1:{port}/__close")  # pages wait until every worker of this round is up
    redis_proc, redis_url = start_redis(workdir)
    client = redis.Redis.from_url(redis_url)
    db_url, cleanup = fresh_database(workdir, args.postgres, f"w{n_workers}")
    engine = create_engine(db_url)
    per_host = args.pages_per_host
    seeds = [f"http://{h}:{port}/a/{i}.html" for i in range(per_host) for h in HOSTS]  # interleaved hosts
    settings = {
        "SIEVE_REDIS_URL": redis_url,
        "DATABASE_URL": db_url,
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.per_site,
        "AUTOTHROTTLE_ENABLED": 0,
        "DOWNLOAD_DELAY": 0,
        "SIEVE_DB_FLUSH_SECS": 0.5,
        "SIEVE_FRONTIER_IDLE_CLOSE": 1,
        "SIEVE_FRONTIER_HEARTBEAT_SECS": 0.5,
        "SIEVE_SPOOL_DIR": str(workdir / "spool"),
        "LOG_LEVEL": "WARNING",
    }
    base = [sys.executable, "-m", "scrapy", "crawl", "articles", "-a", "depth=0", "-a", "start_urls=" + ",".join(seeds)]
    for key, value in settings.items():
        base += ["-s", f"{key}={value}"]
    logs = [open(workdir / f"w{n_workers}-{i}.log", "wb") for i in range(n_workers)]  # noqa: SIM115
    procs = [
        subprocess.Popen([*base, "-s", f"SIEVE_FRONTIER_WORKER_ID=w{i}"], cwd=ROOT, stdout=f, stderr=subprocess.STDOUT)
        for i, f in enumerate(logs)
    ]
    try:
        deadline = time.monotonic() + 120
        while client.zcard("articles:requests:workers") < n_workers or client.scard("articles:dupefilter") < len(seeds):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise SystemExit(f"workers did not start; see {workdir}")
            time.sleep(0.05)
        scripts0, commands0 = redis_calls(client)
        pids = [p.pid for p in procs]
        ours = [*pids, site_pid, redis_proc.pid]  # + SQLite, which runs inside the workers (not PostgreSQL)
        cpu0, own0, machine0 = cpu_seconds(pids), cpu_seconds(ours), machine_busy()
        if json.loads(get(f"http://127.0.0.1:{port}/__stats"))["served"]:
            raise SystemExit("pages were served before the clock started")
        get(f"http://127.0.0.1:{port}/__open")
        t0 = time.monotonic()
        total = len(seeds)
        # A lease is released right after its page is committed: Redis's counter is the cheap clock (counting
        # rows every 0.1 s would itself load the machine); the row count is checked once at the end.
        while (released := int(client.hget("articles:requests:stats", "released") or 0)) < total:
            if time.monotonic() - t0 > 600:
                raise SystemExit(f"only {released} of {total} pages stored after 600 s; see {workdir}")
            time.sleep(0.05)
        elapsed = time.monotonic() - t0
        cpu, own = cpu_seconds(pids) - cpu0, cpu_seconds(ours) - own0
        machine1 = machine_busy()
        span = max(1e-9, machine1[1] - machine0[1])
        busy, others = (machine1[0] - machine0[0]) / span, (machine1[0] - machine0[0] - own) / span
        scripts1, commands1 = redis_calls(client)
        for p in procs:
            p.wait(timeout=120)
        if stored(engine) != total:
            raise SystemExit(f"{stored(engine)} pages in the database, not {total}; see {workdir}")
        bad = [i for i, p in enumerate(procs) if p.returncode != 0]
        if bad:
            raise SystemExit(f"worker(s) {bad} failed; see {workdir}")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for f in logs:
            f.close()
        engine.dispose()
        cleanup()  # type: ignore[operator]
        client.close()
        redis_proc.kill()
        redis_proc.wait()
    return {
        "pages": total,
        "seconds": elapsed,
        "rate": total / elapsed,
        "cpu": cpu,
        "own": own,
        "busy": busy,
        "others": max(0.0, others),
        "scripts": scripts1 - scripts0,
        "commands": commands1 - commands0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default="1,2,4", help="worker counts to run, comma-separated (1,2,4)")
    parser.add_argument("--concurrency", type=int, default=4, help="CONCURRENT_REQUESTS of each worker (4)")
    parser.add_argument("--per-site", type=int, default=4, help="CONCURRENT_REQUESTS_PER_DOMAIN, shared (4)")
    parser.add_argument("--pages-per-host", type=int, default=120, help="article pages on each of the 8 hosts (120)")
    parser.add_argument("--delay", type=float, default=0.2, help="seconds before each page is answered (0.2)")
    parser.add_argument("--postgres", metavar="URL", help="store in this PostgreSQL (a throwaway schema) not SQLite")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of all worker counts, interleaved (1)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder (worker logs)")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)  # the site process
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve_site(args.serve, args.delay))
        return

    counts = [int(x) for x in args.workers.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="sieve-scale-"))
    port = free_port()
    site = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--delay", str(args.delay)], stdout=subprocess.PIPE
    )
    try:
        assert site.stdout is not None and site.stdout.readline().strip() == b"ready"
        backend = "PostgreSQL" if args.postgres else "SQLite"
        total = args.pages_per_host * len(HOSTS)
        ideal = args.concurrency / args.delay
        print(
            f"{total} pages on {len(HOSTS)} hosts, {args.delay * 1000:.0f} ms each; CONCURRENT_REQUESTS="
            f"{args.concurrency} per worker (ideal {ideal:.0f} pages/s per worker); {backend}; {os.cpu_count()} CPUs"
        )
        print(f"{'round':>5} {'workers':>7} {'seconds':>8} {'pages/s':>8} {'of ideal':>8} {'CPU ms/page':>11} "
              f"{'machine busy':>12} {'Redis per page':>14}")  # fmt: skip
        print(f"{'':>5} {'':>7} {'':>8} {'':>8} {'':>8} {'workers':>7} {'all':>3} "
              f"{'all':>5} {'others':>6} {'scripts':>7} {'cmds':>6}")  # fmt: skip
        results: dict[int, list[dict[str, float]]] = {n: [] for n in counts}
        for round_no in range(1, args.rounds + 1):  # rounds interleave the worker counts
            for n in counts:
                r = run_round(n, args, port, workdir, site.pid)
                results[n].append(r)
                print(
                    f"{round_no:>5} {n:>7} {r['seconds']:>8.1f} {r['rate']:>8.1f} {r['rate'] / (ideal * n):>7.0%} "
                    f"{1000 * r['cpu'] / r['pages']:>7.1f} {1000 * r['own'] / r['pages']:>3.0f} "
                    f"{r['busy']:>5.0%} {r['others']:>6.0%} "
                    f"{r['scripts'] / r['pages']:>7.2f} {r['commands'] / r['pages']:>6.1f}",
                    flush=True,
                )
        best = {n: max(r["rate"] for r in rs) for n, rs in results.items()}
        label = f"best of {args.rounds} rounds" if args.rounds > 1 else "one round"
        print(f"pages stored per second ({label}): " + ", ".join(f"{n} workers {best[n]:.1f}" for n in counts))
        if 1 in best:
            for n, goal in ((2, 1.8), (4, 3.2)):
                if n in best:
                    ratio = best[n] / best[1]
                    verdict = "meets" if ratio >= goal else "MISSES"
                    print(f"{n}w/1w = {ratio:.2f} (goal >= {goal}: {verdict})")
    finally:
        site.kill()
        site.wait()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}")


if __name__ == "__main__":
    main()
