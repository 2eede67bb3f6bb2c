"""Cases 1 and 8e: ``kill -9`` during a JOBDIR crawl, then the same command again, until it completes.

Before the ledger: the rerun found the start URL in ``requests.seen`` and no saved queue, fetched nothing
and exited 0 (108 of 200 pages lost), and a killed worker's unwritten batch was lost for good.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.reliability.conftest import Rows, no_traceback, run, start
from tests.reliability.site import news_site

ARTICLES = 200


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the crawl never got there")
        time.sleep(0.02)


def stored_articles(rows: Rows) -> int:
    try:
        return rows.counts()["articles"]
    except Exception:  # the database is not created yet
        return 0


@pytest.mark.parametrize(
    "kills",
    [
        # (what the kill waits for, its threshold): pages requested from the server, or articles committed
        [("requested", 3)],  # before anything is stored: the case where the rerun fetched nothing
        [("stored", 20), ("stored", 80), ("stored", 140)],  # three kills in one crawl, each after some commits
    ],
    ids=["before-first-commit", "three-kills"],
)
def test_the_same_command_after_kill_9_completes_the_crawl_with_nothing_lost_or_doubled(site, tmp_path, kills, figures):
    paths = news_site(site, ARTICLES, delay=0.01)
    db, spool, job = f"sqlite:///{tmp_path / 'sieve.db'}", tmp_path / "spool", tmp_path / "job"
    command = (
        "crawl", "articles", "-a", f"start_urls={site.url('/')}", "-a", "depth=2",
        "-s", f"JOBDIR={job}", "-s", "SIEVE_DB_BATCH_SIZE=20", "-s", "CONCURRENT_REQUESTS=4",
    )  # fmt: skip
    rows = Rows(db)
    killed_with = []
    for what, threshold in kills:
        proc = start(*command, db=db, spool=spool, log=tmp_path / "killed.log")

        def reached(proc=proc, what: str = what, threshold: int = threshold) -> bool:
            if proc.poll() is not None:
                return True
            if what == "stored":
                return stored_articles(rows) >= threshold
            return sum(site.hits[p] for p in paths) >= threshold

        wait_for(reached)
        assert proc.poll() is None, "the crawl ended before the kill: lower the threshold"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        killed_with.append(stored_articles(rows))

    final = run(*command, db=db, spool=spool)
    log = no_traceback(final)
    assert final.returncode == 0, log[-3000:]
    got = rows.urls()
    counts = rows.counts()
    rows.close()
    lost = set(paths) - set(got)
    assert not lost, f"{len(lost)} of {ARTICLES} pages lost"
    assert len(got) == len(set(got)) == ARTICLES, "only the articles, each once"
    assert counts["articles"] == ARTICLES and counts["errors"] == 0 and counts["page_versions"] == 0
    assert not list(spool.glob("*.jsonl")), "nothing needed the spool"
    refetched = sum(site.hits[p] for p in paths) - ARTICLES
    assert (job / "sieve-ledger.sqlite").exists()
    figures(
        f"kill -9 during a JOBDIR crawl of {ARTICLES} pages ({len(kills)} kills), then the same command again",
        tried=ARTICLES,
        survived=len(got),
        lost=len(lost),
        note=f"stored when killed: {killed_with}; pages fetched twice: {refetched}",
    )


@pytest.mark.parametrize("storage", [True, False], ids=["database", "export-only"])
def test_a_finished_jobdir_crawl_run_again_has_nothing_to_do_and_succeeds(site, tmp_path, storage):
    """Without the DatabasePipeline (an export-only crawl) the ledger checkpoints on its own clock."""
    paths = news_site(site, 10)
    db, spool = f"sqlite:///{tmp_path / 'sieve.db'}", tmp_path / "spool"
    command = [
        "crawl",
        "articles",
        "-a",
        f"start_urls={site.url('/')}",
        "-a",
        "depth=2",
        "-s",
        f"JOBDIR={tmp_path}/job",
    ]
    if not storage:
        command += ["-s", 'ITEM_PIPELINES={"crawler.pipelines.CleanPipeline": 300}', "-O", str(tmp_path / "out.jsonl")]
    first = run(*command, db=db, spool=spool)
    assert first.returncode == 0, first.stderr.decode()[-3000:]
    assert "'sieve/ledger/pending': 0" in first.stderr.decode()
    hits = sum(site.hits[p] for p in paths)
    again = run(*command, db=db, spool=spool)
    assert again.returncode == 0, again.stderr.decode()[-3000:]
    assert sum(site.hits[p] for p in paths) == hits == len(paths), "nothing fetched twice"
    if storage:
        rows = Rows(db)
        assert rows.counts()["articles"] == len(paths)
        rows.close()
