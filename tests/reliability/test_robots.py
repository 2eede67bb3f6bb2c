"""Case 7: a robots.txt that answers 5xx or cannot be fetched disallows its host; a 4xx allows it (RFC 9309).

Before: a 5xx or a timeout was treated as allow-all.
"""

from __future__ import annotations

import pytest

from tests.reliability.conftest import Rows, no_traceback, run
from tests.reliability.site import Route, news_site


@pytest.mark.parametrize(
    ("robots", "allowed"),
    [
        (Route(b"down for maintenance", status=503), False),
        (Route(b"", status=500), False),
        (Route(drop=True), False),  # unreachable: the connection dies without an answer
        (Route(b"not here", status=404), True),
        (Route(b"forbidden", status=403), True),  # 4xx, even 401/403: "unavailable", so no rules (RFC 9309 2.3.1.3)
    ],
    ids=["503", "500", "unreachable", "404", "403"],
)
def test_robots_txt_failures_by_rfc_9309(site, tmp_path, robots, allowed, figures):
    paths = news_site(site, 5)
    site.set("/robots.txt", robots)
    db = f"sqlite:///{tmp_path / 'sieve.db'}"
    proc = run(
        "crawl", "articles", "-a", f"start_urls={site.url('/')}", "-a", "depth=2", "-s", "RETRY_TIMES=1",
        db=db, spool=tmp_path / "spool",
    )  # fmt: skip
    log = no_traceback(proc)
    rows = Rows(db)
    stored = rows.pages()
    rows.close()
    fetched = sum(site.hits[p] for p in ["/", *paths])
    if allowed:
        assert proc.returncode == 0, log[-3000:]
        assert all(stored[p].article_id for p in paths)
        assert "'sieve/robotstxt/allow_all': 1" in log
    else:
        assert fetched == 0, "nothing of a host whose robots.txt failed may be fetched"
        assert set(stored) == {"/"} and stored["/"].fetch_error == "RobotsTxtUnreachable"  # the start page, on record
        assert proc.returncode == 1, "no page could be fetched: the crawl failed"
        assert "'sieve/robotstxt/disallow_all': 1" in log
    figures(
        f"robots.txt answering {robots.status if not robots.drop else 'nothing (dropped)'}",
        tried=1,
        survived=1,
        lost=0,
        note="host allowed (no rules)" if allowed else "host disallowed; exit status 1; the start page is a row",
    )
