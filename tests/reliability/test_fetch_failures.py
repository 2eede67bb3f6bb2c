"""Case 6: HTTP 500/503/429/404/403, a timeout, a size cut-off, a dropped connection, DNS and a refused port.

Before: none of them reached the database; they were log lines, some with tracebacks.
"""

from __future__ import annotations

import re

from tests.reliability.conftest import Rows, no_traceback, run
from tests.reliability.site import Route, article, index, news_site
from tests.storage.test_pipeline import closed_port

FAILING = {
    "/err/500.html": Route(b"oops", status=500),
    "/err/503.html": Route(b"busy", status=503),
    "/err/429.html": Route(b"slow down", status=429),
    "/err/404.html": Route(b"gone", status=404),
    "/err/403.html": Route(b"no", status=403),
    "/slow.html": Route(article("Slow"), delay=2.5),
    "/huge.html": Route(article("Huge") + b"<!--" + b"x" * 600_000 + b"-->"),
    "/drop.html": Route(drop=True),
}
#: What each failing page's row says: (fetch_error, status)
EXPECTED = {
    "/err/500.html": ("HttpError", 500),
    "/err/503.html": ("HttpError", 503),
    "/err/429.html": ("HttpError", 429),
    "/err/404.html": ("HttpError", 404),
    "/err/403.html": ("HttpError", 403),
    "/slow.html": ("DownloadTimeoutError", None),
    "/huge.html": ("DownloadCancelledError", None),
}
SETTINGS = ("-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_MAXSIZE=500000")


def test_failed_fetches_are_rows_and_a_later_success_supersedes_them(site, tmp_path, figures):
    good = news_site(site, 5)
    for path, route in FAILING.items():
        site.set(path, route)
    site.set("/", Route(index("Front", [*good, *FAILING])))
    dns, refused = "http://no-such-host.invalid/news/1.html", f"http://127.0.0.1:{closed_port()}/news/2.html"
    db, spool = f"sqlite:///{tmp_path / 'sieve.db'}", tmp_path / "spool"
    command = ("crawl", "articles", "-a", f"start_urls={site.url('/')},{dns},{refused}", "-a", "depth=1", *SETTINGS)
    proc = run(*command, db=db, spool=spool)
    log = no_traceback(proc)
    assert proc.returncode == 0, log[-3000:]
    rows = Rows(db)
    by_url = {row.url: row for row in rows.pages().values()}  # keyed by URL: two hosts share paths
    failed = {url: row for url, row in by_url.items() if row.fetch_error}
    for path, (error_class, status) in EXPECTED.items():
        row = by_url[site.url(path)]
        assert (row.fetch_error, row.status, row.content_hash) == (error_class, status, None), path
        (stage, message), *_ = rows.errors(path)
        assert stage == "fetch" and message
    assert by_url[site.url("/drop.html")].fetch_error  # the class depends on where the connection died
    # robots.txt is fetched first, fails the same way, and RFC 9309 then disallows the host: the row says so
    assert by_url[dns].fetch_error == by_url[refused].fetch_error == "RobotsTxtUnreachable"
    assert "CannotResolveHostError: DNS lookup failed" in rows.errors("/news/1.html")[-1][1]
    assert "DownloadConnectionRefusedError" in rows.errors("/news/2.html")[-1][1]
    assert all(by_url[site.url(p)].article_id for p in good)
    tried = len(FAILING) + 2

    summary = run("db", "summary", db=db, spool=spool)
    out = summary.stdout.decode()
    assert re.search(rf"^failed fetches: {tried} pages whose latest fetch failed \(HttpError 5, ", out, re.M), out

    for path in FAILING:  # the site recovers
        site.set(path, Route(article(f"Recovered {path}")))
    again = run(*command, db=db, spool=spool)
    no_traceback(again)
    by_url = {row.url: row for row in rows.pages().values()}
    recovered = [p for p in FAILING if by_url[site.url(p)].fetch_error is None and by_url[site.url(p)].article_id]
    assert recovered == list(FAILING), "a later successful fetch supersedes the failure"
    assert by_url[dns].fetch_error and by_url[refused].fetch_error  # still failing, still one row each
    assert len([e for e in rows.errors() if e[0] == "fetch"]) == tried, "no error row twice for the same failure"
    rows.close()
    figures(
        "failed fetches (HTTP 500/503/429/404/403, timeout, size cut-off, dropped connection, DNS, refused port)",
        tried=tried,
        survived=len(failed),
        lost=tried - len(failed),
        note="each is a pages row (status, error class) with an errors row; superseded once the site recovered",
    )
