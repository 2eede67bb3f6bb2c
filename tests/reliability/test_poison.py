"""Cases 2 and 3: poison pages in a batch, on SQLite and PostgreSQL; `scrapy clean` and `import-spool` of them.

Before: one page whose JSON-LD held a lone surrogate failed its whole batch (up to 500 pages) and the spool
fallback too, exit 0; on PostgreSQL a NUL did the same and `scrapy db import-spool` failed on the file every time.
"""

from __future__ import annotations

import json

from storage.spool import Spool
from tests.reliability.conftest import Rows, no_traceback, run
from tests.reliability.site import Route, article, news_site

#: path -> page
POISON = {
    # the JSON-LD headline holds the escape, which json.loads turns into the character itself
    "/news/surrogate.html": article("Lone \\ud800 headline"),
    "/news/nul.html": article("Nul \\u0000 headline"),
    "/news/buggy.html": article("Plugin bug"),  # a plugin pipeline puts a dict in `author` (tests/reliability/plugins)
}
LONG_TYPE = "text/html; charset=utf-8; " + "x=" + "y" * 300  # a hostile server's 330-character Content-Type
PIPELINES = json.dumps(
    {
        "crawler.pipelines.CleanPipeline": 300,
        "tests.reliability.plugins.BuggyPluginPipeline": 700,
        "crawler.pipelines.DatabasePipeline": 800,
    }
)


def test_poison_pages_cost_nothing_but_themselves(site, db_url, tmp_path, figures):
    good = news_site(site, 30)
    for path, body in POISON.items():
        site.set(path, Route(body))
    site.set("/news/long-type.html", Route(article("Long type"), content_type=LONG_TYPE))
    links = [*good, *POISON, "/news/long-type.html"]
    site.set("/", Route(b"<html><body>" + b"".join(f'<a href="{p}">x</a>'.encode() for p in links) + b"</body></html>"))
    proc = run(
        "crawl", "articles", "-a", f"start_urls={site.url('/')}", "-a", "depth=1",
        "-s", "SIEVE_DB_BATCH_SIZE=500", "-s", f"ITEM_PIPELINES={PIPELINES}",
        db=db_url, spool=tmp_path / "spool",
    )  # fmt: skip
    log = no_traceback(proc)
    assert proc.returncode == 0, log[-3000:]
    rows = Rows(db_url)
    stored = rows.pages()
    assert set(stored) == set(links), "every page is a row"
    assert all(stored[p].article_id for p in good), "the rest of the batch landed"
    for path in ("/news/surrogate.html", "/news/nul.html"):
        assert stored[path].article_id and stored[path].fetch_error is None
        assert "\ufffd headline" in stored[path].title
        assert any("NUL or lone surrogate" in m for _, m in rows.errors(path)), "the fact is recorded"
    assert stored["/news/long-type.html"].content_type == LONG_TYPE[:255] and stored["/news/long-type.html"].article_id
    buggy = stored["/news/buggy.html"]
    assert (buggy.fetch_error, buggy.article_id) == ("StoreError", None)
    assert [s for s, _ in rows.errors("/news/buggy.html")] == ["store"]
    rows.close()
    assert not list((tmp_path / "spool").glob("*.jsonl"))
    backend = db_url.split(":", 1)[0].split("+")[0]
    figures(
        f"poison pages (lone surrogate, NUL, a plugin's bad value, a 330-char header) in a batch of 34, {backend}",
        tried=len(links),
        survived=sum(1 for p in links if stored[p].article_id),
        lost=0,
        note="the plugin-bug page is a row with its store error, without its article",
    )


def test_scrapy_clean_prints_a_poison_page(tmp_path):
    page = tmp_path / "surrogate.html"
    page.write_bytes(POISON["/news/surrogate.html"])
    proc = run("clean", str(page), db="sqlite://", spool=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0
    (record,) = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert record["title"] == "Lone \ufffd headline"
    assert any("lone surrogate" in e["message"] for e in record["errors"])


def test_a_spool_file_holding_poison_imports(db_url, tmp_path, figures):
    """Written the way a crawl from before the fix spooled its batch: a NUL and a surrogate in the items."""
    from tests.conftest import SEED_TXT
    from tests.storage.conftest import cleaned_item

    seed = SEED_TXT.read_text(encoding="utf-8")
    items = [cleaned_item(seed + f"\nline {i}", f"https://example.com/{i}") for i in range(5)]
    items[1]["author"] = "Nul\x00Name"
    items[3]["title"] = "Lone\ud800"
    spool = Spool(tmp_path / "spool")
    spool.write(items)
    spool.close()
    proc = run("db", "import-spool", db=db_url, spool=tmp_path / "spool")
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "Imported 5 items" in proc.stdout.decode()
    rows = Rows(db_url)
    stored = rows.pages()
    rows.close()
    assert len(stored) == 5 and all(row.article_id for row in stored.values())
    assert list((tmp_path / "spool").glob("*.imported")) and not list((tmp_path / "spool").glob("*.jsonl"))
    figures("a spool file holding NUL and lone-surrogate items, imported", tried=5, survived=5, lost=0)
