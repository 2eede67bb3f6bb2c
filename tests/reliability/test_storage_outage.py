"""A PostgreSQL server stopped mid-crawl; a database that never works; a spool that cannot be written (case 8c).

Before: a crawl whose DATABASE_URL could never work exited 0 with "0 errors".
"""

from __future__ import annotations

import json
import subprocess

from tests.reliability.conftest import Rows, no_traceback, run
from tests.reliability.site import news_site
from tests.storage.test_pipeline import closed_port

PAGES = 40


def test_postgres_stopped_mid_crawl_then_import_spool_loses_nothing(site, cluster, tmp_path, figures):
    paths = news_site(site, PAGES)
    spool = tmp_path / "spool"
    pipelines = {
        "crawler.pipelines.CleanPipeline": 300,
        "crawler.pipelines.DatabasePipeline": 800,
        "tests.storage.stopper.StopServerPipeline": 900,
    }
    proc = run(
        "crawl", "articles", "-a", f"start_urls={site.url('/')}", "-a", "depth=2",
        "-s", "SIEVE_DB_BATCH_SIZE=5", "-s", "CONCURRENT_REQUESTS=2",
        "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}",
        "-s", "SIEVE_TEST_STOP_AFTER=10", "-s", f"SIEVE_TEST_STOP_COMMAND={json.dumps(cluster.stop_command())}",
        db=cluster.url, spool=spool,
    )  # fmt: skip
    log = no_traceback(proc)
    assert proc.returncode == 0, log[-3000:]  # the database took writes before it died
    spooled = sum(1 for f in spool.glob("*.jsonl") for _ in f.open(encoding="utf-8"))
    assert spooled >= PAGES - 10

    subprocess.run(cluster.start_command(), check=True, capture_output=True, timeout=120)
    imported = run("db", "import-spool", db=cluster.url, spool=spool)
    assert imported.returncode == 0, imported.stderr.decode()
    rows = Rows(cluster.url)
    got = rows.urls()
    counts = rows.counts()
    rows.close()
    assert sorted(got) == sorted(paths), "every page once"
    assert counts["articles"] == PAGES and counts["errors"] == 0
    figures(
        f"PostgreSQL stopped mid-crawl of {PAGES} pages, then `scrapy db import-spool`",
        tried=PAGES,
        survived=len(got),
        lost=PAGES - len(got),
        note=f"{PAGES - spooled} committed before the stop, {spooled} spooled and imported",
    )


def test_a_database_that_never_works_fails_the_crawl_and_keeps_every_page(site, tmp_path, figures):
    paths = news_site(site, 10)
    spool = tmp_path / "spool"
    down = f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/sieve"
    proc = run("crawl", "articles", "-a", f"start_urls={site.url('/')}", "-a", "depth=2", db=down, spool=spool)
    log = no_traceback(proc)
    assert proc.returncode == 1, log[-3000:]
    assert "FAILED: the database never accepted a write: 10 items spooled to" in log
    db = f"sqlite:///{tmp_path / 'later.db'}"
    imported = run("db", "import-spool", db=db, spool=spool)
    assert imported.returncode == 0, imported.stderr.decode()
    rows = Rows(db)
    got = rows.urls()
    rows.close()
    assert sorted(got) == sorted(paths)
    figures("a DATABASE_URL that never works", tried=10, survived=len(got), lost=10 - len(got), note="exit status 1")


def test_pages_neither_database_nor_spool_took_fail_the_crawl_and_a_jobdir_rerun_recovers_them(site, tmp_path, figures):
    """Lost pages are not marked done in the JOBDIR ledger: the same command, once storage works, fetches them."""
    paths = news_site(site, 10)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    down = f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/sieve"
    command = (
        "crawl",
        "articles",
        "-a",
        f"start_urls={site.url('/')}",
        "-a",
        "depth=2",
        "-s",
        f"JOBDIR={tmp_path}/job",
    )
    proc = run(*command, db=down, spool=blocker / "spool")
    log = no_traceback(proc)
    assert proc.returncode == 1, log[-3000:]
    assert "FAILED:" in log and "10 items lost" in log
    db = f"sqlite:///{tmp_path / 'sieve.db'}"
    again = run(*command, db=db, spool=tmp_path / "spool")
    assert again.returncode == 0, again.stderr.decode()[-3000:]
    rows = Rows(db)
    got = rows.urls()
    rows.close()
    assert sorted(got) == sorted(paths)
    figures(
        "neither the database nor the spool writable, JOBDIR crawl; then the same command with storage back",
        tried=10,
        survived=len(got),
        lost=10 - len(got),
        note="first run exits 1 (10 items lost); the rerun fetches and stores them",
    )


def test_a_crawl_whose_start_urls_all_fail_exits_non_zero_with_its_failures_on_record(site, tmp_path):
    from tests.reliability.site import Route

    site.set("/robots.txt", Route(b"", status=404))
    site.set("/a.html", Route(b"down", status=503))
    site.set("/b.html", Route(b"gone", status=404))
    db = f"sqlite:///{tmp_path / 'sieve.db'}"
    urls = f"{site.url('/a.html')},{site.url('/b.html')}"
    proc = run("crawl", "articles", "-a", f"start_urls={urls}", "-s", "RETRY_TIMES=0", db=db, spool=tmp_path / "spool")
    log = no_traceback(proc)
    assert proc.returncode == 1, log[-3000:]
    assert "FAILED: no page could be fetched (2 failed" in log
    rows = Rows(db)
    assert {p: r.status for p, r in rows.pages().items()} == {"/a.html": 503, "/b.html": 404}
    rows.close()
