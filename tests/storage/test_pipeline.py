"""DatabasePipeline in-process: batching, stats, and spooling when the database is unreachable."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from sqlalchemy import func, select
from twisted.internet.task import Clock

from crawler.commands.db import import_spool
from crawler.components import offline_crawler
from crawler.items import PageItem
from crawler.pipelines import DatabasePipeline
from storage.db import open_database
from storage.repository import articles, pages
from storage.spool import spool_files
from tests.conftest import project_settings
from tests.storage.conftest import cleaned_item


def make_pipeline(url: str, spool_dir: Path, **settings: object) -> DatabasePipeline:
    settings = {"DATABASE_URL": url, "SIEVE_SPOOL_DIR": str(spool_dir), "SIEVE_DB_FLUSH_SECS": 0, **settings}
    crawler = offline_crawler(project_settings(**settings))
    return DatabasePipeline.from_crawler(crawler)


def page_items(seed_text: str, n: int) -> list[PageItem]:
    """Real PageItems (not dicts), as the crawl's CleanPipeline leaves them."""
    return [PageItem(**cleaned_item(seed_text + f"\nline {i}", f"https://example.com/{i}")) for i in range(n)]


def test_batches_and_stats(db_url, tmp_path, seed_text):
    pipe = make_pipeline(db_url, tmp_path / "spool", SIEVE_DB_BATCH_SIZE=2)
    pipe.open_spider()
    items = page_items(seed_text, 5)
    for item in items:
        assert pipe.process_item(item) is item  # items go on unchanged (exports still work)
    assert len(pipe.buffer) == 1  # two full batches written, one item waiting
    pipe.close_spider()
    stats = pipe.crawler.stats.get_stats()
    assert stats["storage/batches"] == 3
    assert stats["storage/pages/new"] == 5
    assert stats["storage/spooled"] == 0
    pipe = make_pipeline(db_url, tmp_path / "spool", SIEVE_DB_BATCH_SIZE=500)
    pipe.open_spider()
    for item in items:
        pipe.process_item(item)
    pipe.close_spider()
    stats = pipe.crawler.stats.get_stats()
    assert stats["storage/batches"] == 1 and stats["storage/pages/unchanged"] == 5
    assert "storage/pages/new" not in stats
    engine = open_database(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(pages)).scalar_one() == 5
    engine.dispose()


def test_timer_flushes_a_partial_batch(tmp_path, seed_text):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    pipe = make_pipeline(db, tmp_path / "spool", SIEVE_DB_FLUSH_SECS=5)
    pipe.clock = Clock()
    pipe.open_spider()
    pipe.process_item(page_items(seed_text, 1)[0])
    pipe.clock.advance(4)
    assert len(pipe.buffer) == 1
    pipe.clock.advance(1)
    assert pipe.buffer == [] and pipe.crawler.stats.get_value("storage/pages/new") == 1
    pipe.close_spider()
    assert not pipe.clock.getDelayedCalls()  # the timer is stopped


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_unreachable_database_spools_and_import_loads(tmp_path, seed_text, caplog):
    down = f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/nothing"
    pipe = make_pipeline(down, tmp_path / "spool", SIEVE_DB_BATCH_SIZE=2)
    pipe.open_spider()
    for item in page_items(seed_text, 3):
        pipe.process_item(item)
    pipe.close_spider()
    assert "is unreachable" in caplog.text
    assert pipe.crawler.stats.get_value("storage/spooled") == 3
    files = spool_files(tmp_path / "spool")
    assert len(files) == 1
    lines = files[0].read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["url"] for x in lines] == [f"https://example.com/{i}" for i in range(3)]

    target = f"sqlite:///{tmp_path / 'later.db'}"
    engine = open_database(target)
    assert import_spool(engine, tmp_path / "spool", batch_size=2) == 0
    assert spool_files(tmp_path / "spool") == []  # renamed *.imported, never loaded twice
    assert list((tmp_path / "spool").glob("*.jsonl.imported"))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(articles)).scalar_one() == 3
        bodies = conn.execute(select(articles.c.body).order_by(articles.c.id)).scalars().all()
    assert all(body.endswith(f"line {i}") for i, body in enumerate(bodies))
    engine.dispose()


def test_unusable_sqlite_path_spools(tmp_path, seed_text, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    pipe = make_pipeline(f"sqlite:///{blocker / 'sieve.db'}", tmp_path / "spool")
    pipe.open_spider()
    pipe.process_item(page_items(seed_text, 1)[0])
    pipe.close_spider()
    assert "cannot create the folder" in caplog.text
    assert pipe.crawler.stats.get_value("storage/spooled") == 1


def test_a_poison_item_costs_one_item_and_every_flush_says_when_all_is_stored(db_url, tmp_path, seed_text):
    """Issue 9, cases 2 and 3: one bad page failed its whole batch (up to 500 pages) and then the spool."""
    from crawler.signals import items_stored

    pipe = make_pipeline(db_url, tmp_path / "spool", SIEVE_DB_BATCH_SIZE=10)
    heard: list[tuple[int, bool]] = []

    def listener(items: list, spooled: bool) -> None:  # held here: signal receivers are weak references
        heard.append((len(items), spooled))

    pipe.crawler.signals.connect(listener, signal=items_stored)
    pipe.open_spider()
    items = page_items(seed_text, 5)
    items[2].author = "Nul\x00and\ud800lone"  # as a custom pipeline or an old spool might hand it over
    items[3].author = {"name": "not text"}  # a plugin's bug: no driver can bind a dict
    for item in items:
        pipe.process_item(item)
    pipe.flush()
    pipe.flush()  # nothing buffered: still said
    pipe.close_spider()
    stats = pipe.crawler.stats.get_stats()
    assert stats["storage/pages/new"] == 4 and stats["storage/pages/failed"] == 1  # the bare row: content not stored
    assert stats["storage/spooled"] == 0
    assert stats["storage/items/repaired"] == 1 and stats["storage/items/bare"] == 1
    assert heard == [(5, False), (0, False), (0, False)]
    engine = open_database(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(articles)).scalar_one() == 4
    engine.dispose()


def test_items_neither_the_database_nor_the_spool_takes_are_kept_then_counted_lost(tmp_path, seed_text):
    down = f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/nothing"
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    pipe = make_pipeline(down, blocker / "spool", SIEVE_DB_BATCH_SIZE=2)
    pipe.open_spider()
    for item in page_items(seed_text, 3):
        pipe.process_item(item)
    assert len(pipe.buffer) == 3, "a batch that could not be spooled stays for the next flush"
    pipe.close_spider()
    assert pipe.crawler.stats.get_value("storage/lost") == 3
