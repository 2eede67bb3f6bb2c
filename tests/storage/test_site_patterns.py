"""Site statistics in SQL agree with the in-memory ones, are idempotent, keep text from the second page, and veto."""

from __future__ import annotations

from random import Random

import pytest
from sqlalchemy import func, select

from cleaners.furniture.keys import line_key, normalise_line
from cleaners.furniture.stats import MemorySiteStats
from storage.site_patterns import (
    list_patterns,
    list_sites,
    observe_page,
    observe_sites,
    set_veto,
    site_pages,
    site_patterns,
)
from storage.site_stats import DatabaseSiteStats


def lines(*texts: str) -> dict[str, str]:
    return {line_key(normalise_line(t)): normalise_line(t) for t in texts}


@pytest.mark.parametrize("flush_pages", [1, 7, 1000])
def test_database_stats_agree_with_memory_stats_whatever_the_history(db_url, flush_pages):
    """Pending observations count at once in this process: before, between and after writes."""
    rng = Random(5)
    vocab = [f"line {i}" for i in range(12)]
    history = []
    for _ in range(40):  # pages seen, some of them again with other lines
        site = rng.choice(["a.example", "b.example"])
        history.append((site, f"https://{site}/{rng.randint(0, 9)}", lines(*rng.sample(vocab, rng.randint(1, 6)))))
    memory = MemorySiteStats()
    database = DatabaseSiteStats(db_url, flush_pages=flush_pages, flush_seconds=3600)
    keys = set(lines(*vocab))
    try:
        for n, (site, url, found) in enumerate(history):
            memory.observe(site, url, found)
            database.observe(site, url, found)
            if n % 5 == 4:
                for asked in ("a.example", "b.example", "c.example"):
                    assert database.evidence(asked, keys) == memory.evidence(asked, keys)
                    assert database.other_sites(asked, keys) == memory.other_sites(asked, keys)
        database.flush()
        for site in ("a.example", "b.example", "c.example"):
            assert database.evidence(site, keys) == memory.evidence(site, keys)
            assert database.other_sites(site, keys) == memory.other_sites(site, keys)
    finally:
        database.close()


def test_counting_a_batch_equals_counting_page_by_page(engine, db_url):
    """``observe_sites`` sums a batch's changes per site and key: the rows are those of one page at a time."""
    rng = Random(11)
    vocab = [f"line {i}" for i in range(15)]
    sites = ["a.example", "b.example", "c.example"]

    def pages(site: str) -> dict[str, dict[str, str]]:
        return {f"https://{site}/{rng.randint(0, 6)}": lines(*rng.sample(vocab, rng.randint(0, 8))) for _ in range(3)}

    batches = [{site: pages(site) for site in rng.sample(sites, rng.randint(1, 3))} for _ in range(10)]
    everything = select(site_patterns.c.site, site_patterns.c.key, site_patterns.c.page_count, site_patterns.c.text)
    with engine.begin() as conn:
        for batch in batches:
            observe_sites(conn, batch)
        batched = conn.execute(everything.order_by("site", "key")).all()
        conn.execute(site_patterns.delete())
        conn.execute(site_pages.delete())
        for batch in batches:
            for site, pages in batch.items():
                for url, found in pages.items():
                    observe_page(conn, site, url, found)
        one_by_one = conn.execute(everything.order_by("site", "key")).all()
    assert [row[:3] for row in batched] == [row[:3] for row in one_by_one] and len(batched) > 15
    # A line on two pages or more has its text either way. (A row that a batch nets out, one page dropping the
    # line and another adding it, keeps the text it had, where one page at a time deletes it and starts again.)
    assert [row.text for row in batched if row.page_count >= 2] == [
        row.text for row in one_by_one if row.page_count >= 2
    ]
    assert all(row.text for row in batched if row.page_count >= 2) and any(row.page_count >= 2 for row in batched)


def test_another_process_sees_observations_once_written(db_url):
    """Two crawl workers: each sees its own pending pages at once, the other's after a write."""
    first = DatabaseSiteStats(db_url, flush_pages=1000, flush_seconds=3600)
    second = DatabaseSiteStats(db_url, flush_pages=1000, flush_seconds=3600)
    key = line_key("tip line")
    try:
        first.observe("a.example", "https://a.example/1", lines("Tip line"))
        assert first.evidence("a.example", {key}).pages == {key: 1}
        assert second.evidence("a.example", {key}).pages == {}
        first.flush()
        second.observe("a.example", "https://a.example/2", lines("Tip line"))
        assert second.evidence("a.example", {key}).pages == {key: 2}
        assert first.evidence("a.example", {key}).pages == {key: 1}  # the second's page is not written yet
        second.close()
        assert first.evidence("a.example", {key}).pages == {key: 2}
    finally:
        first.close()
        second.close()


def test_observing_is_idempotent_and_text_is_kept_from_the_second_page(engine):
    with engine.begin() as conn:
        assert observe_page(conn, "a.example", "https://a.example/1", lines("Tip line", "Own text one"))
        assert not observe_page(conn, "a.example", "https://a.example/1", lines("Tip line", "Own text one"))
        assert observe_page(conn, "a.example", "https://a.example/2", lines("Tip line", "Own text two"))
    with engine.connect() as conn:
        rows = {r.text: r.page_count for r in conn.execute(select(site_patterns))}
        assert rows == {"tip line": 2, None: 1}  # one-page lines keep no text
        assert conn.execute(select(func.count()).select_from(site_pages)).scalar_one() == 2
        assert list_sites(conn) == [("a.example", 2)]
        shown = list_patterns(conn, "a.example")
        assert [(p.text, p.page_count, p.vetoed) for p in shown] == [("tip line", 2, False)]


def test_a_changed_page_is_uncounted_first_and_empty_patterns_go(engine):
    with engine.begin() as conn:
        observe_page(conn, "a.example", "https://a.example/1", lines("Old line"))
        observe_page(conn, "a.example", "https://a.example/1", lines("New line"))
    with engine.connect() as conn:
        assert conn.execute(select(site_patterns.c.page_count, site_patterns.c.key)).all() == [
            (1, line_key("new line"))
        ]


def test_veto_by_key_prefix_or_text(engine):
    with engine.begin() as conn:
        for n in range(3):
            observe_page(conn, "a.example", f"https://a.example/{n}", lines("Tip line", f"Own {n}"))
        key = line_key("tip line")
        assert [p.key for p in set_veto(conn, "a.example", key[:6])] == [key]
        assert set_veto(conn, "a.example", "no such line") == []
        assert [p.vetoed for p in set_veto(conn, "a.example", "TIP  line", vetoed=False)] == [False]
        set_veto(conn, "a.example", key)
    stats = DatabaseSiteStats(str(engine.url.render_as_string(hide_password=False)))
    try:
        assert stats.evidence("a.example", {key}).vetoed == {key}
    finally:
        stats.close()


@pytest.mark.parametrize("kind", ["folder", "not a url"])
def test_an_unusable_database_falls_back_to_memory(tmp_path, caplog, kind):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    # A folder that cannot be created; or a string that is no URL (its error message must not fail in turn).
    url = f"sqlite:///{blocker}/sub/x.db" if kind == "folder" else "notaurl"
    stats = DatabaseSiteStats(url)
    stats.observe("a.example", "https://a.example/1", lines("Tip line"))
    assert stats.evidence("a.example", set(lines("Tip line"))).pages == {line_key("tip line"): 1}
    assert "learned in memory" in caplog.text
