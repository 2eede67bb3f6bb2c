"""Start ``scrapy crawl articles`` workers on a shared Redis frontier as subprocesses, and read what they stored."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import redis
from sqlalchemy import create_engine, select

from storage.repository import pages
from tests.conftest import ROOT, background

#: Fast clocks for tests: a dead worker's leases come back after 3 s, a worker closes after 1 s of nothing to do.
FAST = {
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS": "4",
    "SIEVE_FRONTIER_HEARTBEAT_SECS": "0.5",
    "SIEVE_FRONTIER_LEASE_SECS": "3",
    "SIEVE_FRONTIER_IDLE_CLOSE": "1",
    "LOG_LEVEL": "INFO",
}


@dataclass
class Worker:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            tail = self.output()[-5000:]
            raise AssertionError(f"worker {self.name} did not finish in {timeout} s:\n{tail}") from None


def start_worker(
    name: str, start_url: str, redis_url: str, db_url: str, tmp_path: Path, **settings: str | float | int
) -> Worker:
    """``scrapy crawl articles`` as frontier worker ``name`` (also its User-Agent, so the site knows who asked)."""
    values: dict[str, object] = {
        **FAST,
        "SIEVE_REDIS_URL": redis_url,
        "DATABASE_URL": db_url,
        "SIEVE_FRONTIER_WORKER_ID": name,
        "USER_AGENT": name,
        "SIEVE_SPOOL_DIR": str(tmp_path / f"spool-{name}"),
        **settings,
    }
    args = [sys.executable, "-m", "scrapy", "crawl", "articles", "-a", f"start_urls={start_url}"]
    for key, value in values.items():
        args += ["-s", f"{key}={value}"]
    log = tmp_path / f"worker-{name}.log"
    with open(log, "wb") as out:
        proc = background(subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ)))
    return Worker(name, proc, log)


def wait_for(condition, timeout: float, what: str, interval: float = 0.05) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def live_workers(client: redis.Redis, spider: str = "articles") -> set[str]:
    names: list[bytes] = client.zrange(f"{spider}:requests:workers", 0, -1)  # type: ignore[assignment]
    return {w.decode() for w in names}


def finish(workers: list[Worker], timeout: float = 90, tracebacks: bool = False) -> None:
    for w in workers:
        rc = w.wait(timeout)
        log = w.output()
        assert rc == 0, f"worker {w.name} exited with {rc}:\n{log[-5000:]}"
        assert tracebacks or "Traceback" not in log, f"worker {w.name}:\n{log[-5000:]}"


def stored_urls(db_url: str, *, failed: bool = False) -> list[str]:
    """URLs of the pages stored with content (``failed``: of the failed fetches, stored as rows with their error)."""
    engine = create_engine(db_url)
    cond = pages.c.fetch_error.is_not(None) if failed else pages.c.fetch_error.is_(None)
    try:
        with engine.connect() as conn:
            return [row.url for row in conn.execute(select(pages.c.url).where(cond))]
    finally:
        engine.dispose()
