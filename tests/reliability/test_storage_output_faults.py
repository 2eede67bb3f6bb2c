"""Storage and output files under faults (issue 25, cases 4 and 12).

Case 4, before: on PostgreSQL one page reached by a redirect to a 4 KB URL (too large for the btree index
on ``pages.url``) cost its whole batch: the error was taken for "database down", the batch was spooled and
``scrapy db import-spool`` failed on it on every try.
Case 12, before: two ``scrapy clean -o out.jsonl`` at once interleaved their records in one file (NUL bytes,
unreadable lines), and a killed run left half a file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.reliability.conftest import Rows, no_traceback, run
from tests.reliability.site import Route, article, news_site

#: Longer than any btree index entry PostgreSQL takes (about 2.7 KB), and random enough not to compress.
LONG_PATH = "/news/moved/" + "".join(hashlib.sha256(b"%d" % n).hexdigest() for n in range(63))[:4000] + ".html"


def _spooled(spool: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(spool.glob("*.jsonl")) for line in f.open(encoding="utf-8")]


def test_a_url_too_large_for_the_index_costs_only_its_own_page(site, db_url, tmp_path, figures):
    paths = news_site(site, 28)
    moved = paths[7]
    site.set(moved, Route(b"", status=301, headers={"Location": site.url(LONG_PATH)}))
    site.set(LONG_PATH, Route(article("The story that moved")))
    spool = tmp_path / "spool"
    proc = run(
        "crawl", "articles", "-a", f"start_urls={site.url('/')}", "-a", "depth=2",
        "-s", "SIEVE_DB_BATCH_SIZE=100",
        db=db_url, spool=spool,
    )  # fmt: skip
    log = no_traceback(proc)
    assert proc.returncode == 0, log[-3000:]
    rows = Rows(db_url)
    stored = set(rows.urls())
    articles = rows.counts()["articles"]
    rows.close()
    others = set(paths) - {moved}
    assert others <= stored, f"pages lost with the long URL's batch: {sorted(others - stored)}"
    spooled = _spooled(spool)
    # Whatever the database could not take is the long URL alone, kept in the spool with its error.
    assert [item["url"] for item in spooled] == ([] if LONG_PATH in stored else [site.url(LONG_PATH)])
    assert all(item.get("_quarantined") for item in spooled)
    if spooled:
        assert "index row" in spooled[0]["_quarantined"]
        # import-spool loads what it can and says in one line what it keeps; it is never "database down".
        imported = run("db", "import-spool", db=db_url, spool=spool)
        err = imported.stderr.decode(errors="replace")
        assert "Traceback" not in err and "the database failed" not in err, err
        assert imported.returncode == 1 and "could not be stored even without their content" in err, err
        assert [item["url"] for item in _spooled(spool)] == [site.url(LONG_PATH)]
    kept = len(others & stored) + (LONG_PATH in stored) + len(spooled)
    backend = db_url.split(":", 1)[0].split("+")[0]
    figures(
        f"{backend}: one page redirected to a 4 KB URL in a batch of 28 articles",
        tried=28,
        survived=kept,
        lost=28 - kept,
        note=f"{articles} articles stored; {len(spooled)} quarantined in the spool with its error",
    )
