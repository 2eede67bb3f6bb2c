"""store_batch: one bad item costs one item, on SQLite and PostgreSQL; a dead database costs nothing but a spool."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError

from storage import writer
from storage.repository import articles, errors, pages
from storage.writer import STORE_ERROR, store_batch
from tests.storage.conftest import cleaned_item
from tests.storage.test_pipeline import closed_port


def items(seed_text: str, n: int) -> list[dict]:
    return [cleaned_item(seed_text + f"\nline {i}", f"https://example.com/{i}") for i in range(n)]


def stored(engine) -> dict[str, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(select(pages.c.url, pages.c.fetch_error, articles.c.author).outerjoin(articles)).all()
    return {url.rsplit("/", 1)[1]: (fetch_error, author) for url, fetch_error, author in rows}


def test_a_clean_batch_is_one_transaction(engine, seed_text):
    result = store_batch(engine, items(seed_text, 3))
    assert (result.stored, result.repaired, result.degraded, result.unstorable, result.not_tried) == (3, 0, 0, [], [])
    assert result.counts.new == 3


def test_a_value_the_database_cannot_take_is_stored_sanitised_and_the_rest_land(engine, seed_text):
    """NUL (PostgreSQL refuses it) and a lone surrogate (UTF-8 cannot encode it), in an item cleaning never saw."""
    batch = items(seed_text, 4)
    batch[1]["author"] = "Nul\x00Writer"
    batch[2]["author"] = "Lone\ud800Writer"
    result = store_batch(engine, batch)
    assert result.stored == 4 and result.unstorable == [] and result.degraded == 0
    got = stored(engine)
    assert got["2"] == (None, "Lone\ufffdWriter")
    assert got["1"][1] in ("Nul\x00Writer", "Nul\ufffdWriter")  # SQLite stores a NUL; PostgreSQL needs the repair
    assert got["0"] == got["3"] == (None, None)
    with engine.connect() as conn:
        notes = conn.execute(select(errors.c.stage, errors.c.message).where(errors.c.stage == "store")).all()
    assert notes and all("replaced with U+FFFD" in m for _, m in notes)


def test_an_item_of_the_wrong_shape_is_stored_bare_with_its_error(engine, seed_text):
    """A plugin that put a dict where text belongs: the page is a row with a store error, never dropped."""
    batch = items(seed_text, 3)
    batch[1]["author"] = {"name": "not text"}
    result = store_batch(engine, batch)
    assert (result.stored, result.degraded) == (3, 1)
    got = stored(engine)
    assert got["1"] == (STORE_ERROR, None) and got["0"][0] is None and got["2"][0] is None
    with engine.connect() as conn:
        (message,) = conn.execute(select(errors.c.message).where(errors.c.stage == "store")).one()
    assert message.startswith("the page could not be stored: ")


def test_an_item_nothing_can_store_is_handed_back(engine, seed_text, monkeypatch):
    batch = items(seed_text, 3)
    real = writer.write_items

    def refuse_one(conn, some):
        if any(str(i.get("url")).endswith("/1") for i in some):
            raise ValueError("refused")
        return real(conn, some)

    monkeypatch.setattr(writer, "write_items", refuse_one)
    result = store_batch(engine, batch)
    assert result.stored == 2
    assert [(item["url"], why) for item, why in result.unstorable] == [("https://example.com/1", "ValueError: refused")]


def test_a_dead_database_is_not_blamed_on_the_items(seed_text):
    dead = create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/x")
    batch = items(seed_text, 3)
    result = store_batch(dead, batch)
    assert result.stored == 0 and result.not_tried == batch and result.down
    dead.dispose()


@pytest.mark.parametrize("bad", [0, 2])
def test_the_database_dying_mid_batch_leaves_the_rest_to_spool(engine, seed_text, monkeypatch, bad):
    batch = items(seed_text, 3)
    batch[bad]["author"] = {"name": "not text"}  # the batch fails; one by one, the database dies at item 1
    real = writer.write_items

    def dies_at_one(conn, some):
        if len(some) == 1 and some[0]["url"].endswith("/1"):
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real(conn, some)

    monkeypatch.setattr(writer, "write_items", dies_at_one)
    result = store_batch(engine, batch)
    assert [i["url"] for i in result.not_tried] == ["https://example.com/1", "https://example.com/2"]
    assert result.stored == 1 and result.down
