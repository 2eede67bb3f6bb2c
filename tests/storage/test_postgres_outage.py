"""A real PostgreSQL server stopped in the middle of a real `scrapy crawl`: no item is lost."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from storage.repository import articles, pages
from tests.conftest import run_scrapy

PGBIN_ENV = "SIEVE_TEST_PGBIN"


class Cluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (run as the postgres user when we are root)."""

    def __init__(self, pgbin: Path) -> None:
        self.pgbin = pgbin
        self.dir = Path(tempfile.mkdtemp(prefix="sieve-pg-outage-"))
        self.data = self.dir / "data"
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres")

    def cmd(self, tool: str, *args: str) -> list[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        return [*prefix, str(self.pgbin / tool), *args]

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(self.cmd(tool, *args), check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start_command(self) -> list[str]:
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off"
        return self.cmd("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.dir / "server.log"), "-o", opts, "start")

    def stop_command(self) -> list[str]:
        return self.cmd("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        subprocess.run(self.stop_command(), capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    pgbin = os.environ.get(PGBIN_ENV)
    if not pgbin:
        pytest.skip(f"set {PGBIN_ENV} to PostgreSQL's bin folder to stop a real server mid-crawl (.ci/run does)")
    c = Cluster(Path(pgbin))
    try:
        c.init()
        subprocess.run(c.start_command(), check=True, capture_output=True, timeout=120)
        yield c
    finally:
        c.remove()


def test_server_stopped_mid_crawl_loses_nothing(cluster, tmp_path, seed_text):
    n, stop_after = 6, 2
    pages_dir = tmp_path / "pages"
    pages_dir.mkdir()
    for i in range(n):
        (pages_dir / f"page{i}.txt").write_text(seed_text + f"\nPage number {i}.\n", encoding="utf-8")
    spool = tmp_path / "spool"
    pipelines = {
        "crawler.pipelines.CleanPipeline": 300,
        "crawler.pipelines.DatabasePipeline": 800,
        "tests.storage.stopper.StopServerPipeline": 900,
    }
    common = ["-s", f"DATABASE_URL={cluster.url}", "-s", f"SIEVE_SPOOL_DIR={spool}"]
    proc = run_scrapy(
        "crawl", "fixtures", "-a", f"path={pages_dir}", *common,
        "-s", "SIEVE_DB_BATCH_SIZE=1",
        "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}",
        "-s", f"SIEVE_TEST_STOP_AFTER={stop_after}",
        "-s", f"SIEVE_TEST_STOP_COMMAND={json.dumps(cluster.stop_command())}",
    )  # fmt: skip
    log = proc.stderr.decode()
    assert proc.returncode == 0, log
    assert "Stopping the database server" in log
    assert "spooling them" in log
    assert f"{stop_after} new" in log  # what reached the server before it died
    spooled = [json.loads(line) for f in spool.glob("*.jsonl") for line in f.read_text(encoding="utf-8").splitlines()]
    assert len(spooled) == n - stop_after
    assert all(item["raw_text"] and item["segments"] for item in spooled)  # cleaned items, ready to store

    subprocess.run(cluster.start_command(), check=True, capture_output=True, timeout=120)
    proc = run_scrapy("db", "import-spool", str(spool), *common)
    assert proc.returncode == 0, proc.stderr.decode()
    assert f"{n - stop_after} new" in proc.stdout.decode()
    engine = create_engine(cluster.url)
    try:
        with engine.connect() as conn:
            urls = conn.execute(select(pages.c.url)).scalars().all()
            assert conn.execute(select(func.count()).select_from(articles)).scalar_one() == n
            assert conn.execute(text("select count(*) from errors")).scalar_one() == 0
    finally:
        engine.dispose()
    assert sorted(Path(u).name for u in urls) == [f"page{i}.txt" for i in range(n)]
