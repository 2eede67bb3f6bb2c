"""The worker pool: the same records with one worker or two, and a hung or killed worker costs one page."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from cleaners.document.files import find_pages
from crawler.pool import CleaningPool, PageTimeout, PoolError, WorkerDied
from crawler.pool_tasks import settings_values
from tests.conftest import ROOT, project_settings, run_scrapy
from tests.crawler.faulty_cleaners import HANG, KILL

FIXTURES = ROOT / "fixtures" / "pages"
FAULTY = json.dumps(
    {"tests.crawler.faulty_cleaners.HangingCleaner": 10, "tests.crawler.faulty_cleaners.KillingCleaner": 11}
)


def records(proc) -> dict[str, dict]:
    assert proc.returncode in (0, 1), proc.stderr.decode()[-2000:]
    return {r.pop("path"): r for r in map(json.loads, proc.stdout.decode().splitlines())}


def test_one_worker_and_two_give_identical_records_over_every_fixture():
    one = run_scrapy("clean", "-j", "1", str(FIXTURES))
    two = run_scrapy("clean", "-j", "2", str(FIXTURES))
    assert len(list(find_pages(FIXTURES))) == len(records(one)) > 20
    assert one.stdout == two.stdout  # byte for byte, in input order


def pages(tmp_path: Path) -> Path:
    """Six saved pages; one makes a cleaner hang, one makes it kill its worker."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in sorted(find_pages(FIXTURES / "wire"))[:4]:
        shutil.copy(page, folder / page.name)
    (folder / "hang.txt").write_text(f"A page.\n{HANG}\nThe end.\n", encoding="utf-8")
    (folder / "kill.txt").write_text(f"Another page.\n{KILL}\n", encoding="utf-8")
    return folder


def test_a_hung_and_a_killed_worker_cost_one_page_each_in_scrapy_clean(tmp_path):
    folder = pages(tmp_path)
    proc = run_scrapy(
        "clean", "-j", "2", str(folder), "-s", f"CLEANERS={FAULTY}", "-s", "SIEVE_PAGE_TIMEOUT=5", timeout=180
    )
    got = records(proc)
    assert proc.returncode == 1  # two pages could not be cleaned
    assert len(got) == 6
    by_name = {Path(p).name: r for p, r in got.items()}
    assert "longer than 5" in by_name["hang.txt"]["errors"][0]["message"]
    assert "died (killed by signal 9)" in by_name["kill.txt"]["errors"][0]["message"]
    assert all(r["errors"] == [] and r["body"] for n, r in by_name.items() if n not in ("hang.txt", "kill.txt"))


def test_a_crawl_records_the_hung_and_the_killed_page_and_goes_on(tmp_path):
    folder = pages(tmp_path)
    proc = run_scrapy(
        "crawl", "fixtures", "-a", f"path={folder}", "-s", f"CLEANERS={FAULTY}", "-s", "SIEVE_PAGE_TIMEOUT=5",
        "-s", "SIEVE_WORKERS=2", "-s", f"DATABASE_URL=sqlite:///{tmp_path}/x.db", "-s", f"SIEVE_SPOOL_DIR={tmp_path}/s",
        timeout=180,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    with sqlite3.connect(tmp_path / "x.db") as con:
        stored = dict(con.execute("SELECT url, raw_text IS NOT NULL FROM pages").fetchall())
        errors = dict(con.execute("SELECT p.url, e.message FROM errors e JOIN pages p ON p.id = e.page_id").fetchall())
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert len(stored) == 6 and articles == 4  # every page kept; the two bad ones without a cleaning result
    assert {Path(u).name for u in errors} == {"hang.txt", "kill.txt"}
    assert "worker_restarts': 2" in proc.stderr.decode()


def test_the_pool_replaces_a_dead_worker_and_keeps_going():
    settings = project_settings(CLEANERS={"tests.crawler.faulty_cleaners.KillingCleaner": 10})
    with CleaningPool(settings_values(settings), workers=1, timeout=30) as pool:
        dead = pool.submit("clean_file", "kill.txt", f"x\n{KILL}\n".encode())
        alive = pool.submit("clean_file", "ok.txt", b"A quiet page about the harbour.\n")
        with pytest.raises(WorkerDied):
            dead.result(timeout=60)
        assert alive.result(timeout=60).value.record["body"] == "A quiet page about the harbour."
        assert pool.restarts == 1


def test_a_task_over_its_timeout_fails_alone():
    settings = project_settings(CLEANERS={"tests.crawler.faulty_cleaners.HangingCleaner": 10})
    with CleaningPool(settings_values(settings), workers=1, timeout=3) as pool:
        hung = pool.submit("clean_file", "hang.txt", f"x\n{HANG}\n".encode())
        after = pool.submit("clean_file", "ok.txt", b"Still cleaned.\n")
        with pytest.raises(PageTimeout):
            hung.result(timeout=60)
        assert after.result(timeout=60).value.record["body"] == "Still cleaned."


def test_workers_that_cannot_start_fail_every_task_with_the_reason(monkeypatch):
    def no_processes(self):
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(CleaningPool, "_start_worker", no_processes)
    with CleaningPool(settings_values(project_settings()), workers=2, timeout=30) as pool:
        queued = pool.submit("clean_file", "a.txt", b"A page.\n")  # may be queued before the failure is known
        with pytest.raises(PoolError, match="could not start: Resource temporarily unavailable"):
            queued.result(timeout=30)
        with pytest.raises(PoolError, match="could not start"):
            pool.broadcast("finish_learning")
        later = pool.submit("clean_file", "b.txt", b"Another page.\n")
        with pytest.raises(PoolError, match="could not start"):
            later.result(timeout=30)


def database_rows(db: Path) -> list[tuple]:
    """Every stored article with its segments and links: what reclean writes, without times."""
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT p.url, a.body, a.source, a.output_hash, a.fingerprint, "
            "(SELECT group_concat(s.label || ':' || s.start || '-' || s.\"end\", ' ') FROM segments s "
            " WHERE s.article_id = a.id), "
            "(SELECT group_concat(l.url, ' ') FROM related_links l WHERE l.article_id = a.id) "
            "FROM pages p JOIN articles a ON a.page_id = p.id ORDER BY p.url"
        ).fetchall()


def test_reclean_with_one_worker_and_two_writes_identical_rows(tmp_path):
    db = tmp_path / "crawled.db"
    crawled = run_scrapy("crawl", "fixtures", "-s", f"DATABASE_URL=sqlite:///{db}", timeout=600)
    assert crawled.returncode == 0, crawled.stderr.decode()[-3000:]
    reduced = json.dumps({"cleaners.builtin.SourceCleaner": None})  # a chain change that changes some articles
    results = {}
    for jobs in ("1", "2"):
        copy = tmp_path / f"j{jobs}.db"
        with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
            source.backup(target)  # the WAL's pages too, which copying the file could miss
        proc = run_scrapy(
            "reclean", "-j", jobs, "-s", f"DATABASE_URL=sqlite:///{copy}", "-s", f"CLEANERS={reduced}", timeout=600
        )
        assert proc.returncode == 0, proc.stderr.decode()[-3000:]
        results[jobs] = (proc.stdout.decode().split("(chain")[0], database_rows(copy))
    assert results["1"] == results["2"]
    summary, rows = results["1"]
    changed = int(summary.split(" changed")[0].rsplit(" ", 1)[1])
    assert changed > 0 and len(rows) > 20, summary  # the comparison covers changed and unchanged articles
    assert rows != database_rows(db)


def test_reclean_records_a_hung_and_a_killed_page_and_goes_on(tmp_path):
    folder, db = pages(tmp_path), tmp_path / "x.db"
    url = ["-s", f"DATABASE_URL=sqlite:///{db}"]
    crawled = run_scrapy("crawl", "fixtures", "-a", f"path={folder}", *url, timeout=300)
    assert crawled.returncode == 0, crawled.stderr.decode()[-3000:]
    proc = run_scrapy(
        "reclean", "-j", "2", *url, "-s", f"CLEANERS={FAULTY}", "-s", "SIEVE_PAGE_TIMEOUT=5", timeout=300
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    assert "6 pages: 0 changed, 4 unchanged, 2 failed" in proc.stdout.decode()
    log = proc.stderr.decode()
    assert "hang.txt) failed: cleaning took longer than 5" in log and "kill.txt) failed:" in log and "died" in log


def test_the_forkserver_preloads_the_configured_cleaners_extractor_and_site_statistics():
    from crawler.pool import _component_modules

    crawl = _component_modules(settings_values(project_settings(SIEVE_SITE_STATS="database")))
    assert {"cleaners.builtin", "cleaners.document.extract", "storage.site_stats"} <= set(crawl)
    plugin_settings = project_settings(CLEANERS={"tests.crawler.faulty_cleaners.FailingCleaner": 5})
    plugin = _component_modules(settings_values(plugin_settings))
    assert "tests.crawler.faulty_cleaners" in plugin and "cleaners.furniture.stats" in plugin
