"""Issue 25, cases 3, 8, 15 and 16c: copies of one page under many URLs, sitemaps without end or that are none,
a Redis frontier that is down at start.

Each crawl runs as a real ``scrapy crawl`` subprocess against a local server; the figures are the server's own
request counts and the database's rows.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import create_engine, select

from crawler.fetching.hygiene import canonical_url
from storage.repository import pages
from tests.frontier.conftest import free_port
from tests.reliability.conftest import Rows, no_traceback, run
from tests.reliability.site import Route, Site, article, index, news_site

XML = "application/xml"
ROBOTS = Route(b"User-agent: *\nAllow: /\n", content_type="text/plain")


def stored_urls(db: str) -> list[str]:
    engine = create_engine(db)
    with engine.connect() as conn:
        urls = list(conn.execute(select(pages.c.url)).scalars())
    engine.dispose()
    return urls


def crawl(tmp_path: Path, *args: str) -> tuple[str, str]:
    db = f"sqlite:///{tmp_path / 'sieve.db'}"
    proc = run("crawl", "articles", *args, db=db, spool=tmp_path / "spool")
    log = no_traceback(proc)
    assert proc.returncode == 0, log[-3000:]
    return db, log


def fetched(site: Site, prefix: str) -> dict[str, int]:
    return {path: n for path, n in site.hits.items() if path.startswith(prefix)}


# -- case 3: session ids and tracking parameters ------------------------------------------------------------------


def test_session_and_tracking_parameters_make_no_copies(site, tmp_path, figures):
    """Before: every ``?PHPSESSID=`` (and ``utm_*``) variant of a page was fetched and stored as a page of its own."""
    paths = [f"/news/{i:04}.html" for i in range(6)]
    site.set("/robots.txt", ROBOTS)
    site.set("/", Route(index("Front page", [f"{p}?PHPSESSID=front{n}" for n, p in enumerate(paths)])))
    for i, path in enumerate(paths):
        # every page links to every article again, with this visit's session id and a campaign's tags
        links = "".join(
            f'<a href="{p}?PHPSESSID=visit{i}x{n}&amp;utm_source=feed&amp;utm_medium=rss">more</a>'
            f'<a href="{p}?fbclid=IwAR{i}{n}">shared</a>'
            for n, p in enumerate(paths)
        )
        site.set(path, Route(article(f"Story number {i}", extra_body=f"<nav>{links}</nav>")))
    db, _ = crawl(tmp_path, "-a", f"start_urls={site.url('/')}", "-a", "depth=4")
    urls = stored_urls(db)
    assert sorted(urlsplit(u).path for u in urls) == paths, "one row per article"
    assert all(not urlsplit(u).query for u in urls), urls
    assert fetched(site, "/news/") == dict.fromkeys(paths, 1), "each article fetched once"
    figures(
        "session-id and utm/fbclid copies of 6 articles, depth 4",
        tried=len(paths),
        survived=len(paths),
        lost=0,
        note=f"{len(urls)} rows, {sum(fetched(site, '/news/').values())} article fetches",
    )


def test_copies_under_urls_no_rule_recognises_are_stored_once(site, tmp_path, figures):
    """Before: the same bytes under ``/index.html``, ``?from=rss`` or another path were each a stored page."""
    site.set("/robots.txt", ROBOTS)
    page = article("Story number 0")
    copies = ["/news/0000.html", "/news/0000.html?from=rss", "/news/0000.html?ref=home", "/mirror/0000.html"]
    site.set("/", Route(index("Front page", copies + ["/news/0001.html"])))
    site.set("/news/0000.html", Route(page))
    site.set("/mirror/0000.html", Route(page))
    site.set("/news/0001.html", Route(article("Story number 1")))
    db, _ = crawl(tmp_path, "-a", f"start_urls={site.url('/')}")
    stored = stored_urls(db)
    assert len(stored) == 2 and site.url("/news/0001.html") in stored, stored
    assert sum(n for p, n in site.hits.items() if p.endswith("0000.html")) == len(copies), "each copy was fetched"
    figures("one article under 4 URLs no parameter rule names", tried=4, survived=1, lost=0, note="1 row")


def test_a_per_site_page_cap_bounds_the_fetches(site, tmp_path, figures):
    """``SIEVE_SITE_MAX_PAGES``: what no parameter list catches (a site of endless distinct URLs) stops at the cap."""
    news_site(site, 40, per_index=10)
    cap = 8
    db, _ = crawl(tmp_path, "-a", f"start_urls={site.url('/')}", "-a", "depth=2", "-s", f"SIEVE_SITE_MAX_PAGES={cap}")
    requests = sum(n for path, n in site.hits.items() if path != "/robots.txt")
    stored = stored_urls(db)
    assert requests == cap, site.hits
    assert 0 < len(stored) <= cap
    figures("a 45-page site with SIEVE_SITE_MAX_PAGES=8", tried=45, survived=len(stored), lost=0, note="capped")


def test_canonical_url_keeps_what_names_the_page():
    assert canonical_url("https://u:p@x.com:443/a;jsessionid=9F?id=3&PHPSESSID=1&utm_x=2#top") == "https://x.com/a?id=3"
    assert canonical_url("http://x.com/search?q=a&page=2") == "http://x.com/search?q=a&page=2"
    assert canonical_url("mailto:someone@x.com") == "mailto:someone@x.com"


# -- case 16c: credentials in URLs --------------------------------------------------------------------------------


def test_links_with_credentials_are_not_another_copy(site, tmp_path, figures):
    """Before: ``http://user:pass@host/page`` was fetched and stored beside ``http://host/page``, password and all."""
    site.set("/robots.txt", ROBOTS)
    host = urlsplit(site.base).netloc
    links = ["/news/0000.html", f"http://editor:s3cret@{host}/news/0000.html", f"http://guest@{host}/news/0001.html"]
    site.set("/", Route(index("Front page", links)))
    site.set("/news/0000.html", Route(article("Story number 0")))
    site.set("/news/0001.html", Route(article("Story number 1")))
    db, _ = crawl(tmp_path, "-a", f"start_urls={site.url('/')}")
    urls = stored_urls(db)
    assert sorted(urls) == [site.url("/news/0000.html"), site.url("/news/0001.html")]
    assert site.hits["/news/0000.html"] == 1
    figures("links with user:pass@ credentials", tried=3, survived=2, lost=0, note="1 copy not made, none stored")


# -- case 8: sitemap indexes without end --------------------------------------------------------------------------


SITEMAP_HEAD = '<?xml version="1.0"?><{0} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'


def sitemap_index(locs: list[str]) -> bytes:
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return (SITEMAP_HEAD.format("sitemapindex") + entries + "</sitemapindex>").encode()


def urlset(locs: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return (SITEMAP_HEAD.format("urlset") + entries + "</urlset>").encode()


def test_a_chain_of_sitemap_indexes_stops_at_the_depth_limit(site, tmp_path, figures):
    """Before: each index naming the next was followed to the end (44,705 requests in 90 s on an endless one)."""
    site.set("/robots.txt", ROBOTS)
    chain = 300
    for n in range(chain):
        site.set(f"/sitemap/{n}.xml", Route(sitemap_index([site.url(f"/sitemap/{n + 1}.xml")]), content_type=XML))
    db, _ = crawl(tmp_path, "-a", f"sitemap={site.url('/sitemap/0.xml')}", "-s", "SIEVE_SITEMAP_MAX_DEPTH=5")
    assert sorted(fetched(site, "/sitemap/"), key=lambda p: int(p.split("/")[2][:-4])) == [
        f"/sitemap/{n}.xml" for n in range(6)
    ]
    figures("a chain of 300 sitemap indexes, depth limit 5", tried=chain, survived=6, lost=0, note="6 fetched")


def test_an_index_of_many_sitemaps_stops_at_the_count_limit(site, tmp_path, figures):
    site.set("/robots.txt", ROBOTS)
    listed = 40
    site.set("/index.xml", Route(sitemap_index([site.url(f"/urls/{n}.xml") for n in range(listed)]), content_type=XML))
    for n in range(listed):
        site.set(f"/urls/{n}.xml", Route(urlset([site.url(f"/news/{n:04}.html")]), content_type=XML))
        site.set(f"/news/{n:04}.html", Route(article(f"Story number {n}")))
    db, _ = crawl(tmp_path, "-a", f"sitemap={site.url('/index.xml')}", "-s", "SIEVE_SITEMAP_MAX_COUNT=10")
    followed = fetched(site, "/urls/")
    assert len(followed) == 10
    # every sitemap followed gave its article; none of the others was fetched
    stored = sorted(urlsplit(u).path for u in stored_urls(db))
    assert stored == sorted(f"/news/{p.split('/')[2][:-4]:0>4}.html" for p in followed)
    figures("a sitemap index of 40 sitemaps, count limit 10", tried=listed, survived=10, lost=0, note="10 followed")


# -- case 15: a sitemap that is none; a frontier that is down --------------------------------------------------------


def test_a_sitemap_that_is_not_one_is_a_row(site, tmp_path, figures):
    """Before: a binary sitemap raised in Scrapy's parser (a traceback); an HTML page was a WARNING, exit 0, no row."""
    site.set("/robots.txt", ROBOTS)
    site.set("/binary.xml", Route(os.urandom(4096), content_type="application/octet-stream"))
    site.set("/page.xml", Route(index("Not a sitemap", ["/a"]), content_type="text/html"))
    site.set("/sitemap", Route(index("Not a sitemap either", ["/b"])))
    site.set("/empty.xml", Route(b"", content_type=XML))
    bad = ["/binary.xml", "/page.xml", "/sitemap", "/empty.xml"]
    db, _ = crawl(tmp_path, "-a", "sitemap=" + ",".join(site.url(p) for p in bad))
    rows = Rows(db)
    found = rows.pages()
    assert sorted(found) == sorted(bad)
    for path in bad:
        assert found[path].fetch_error == "InvalidSitemap", (path, found[path])
        ((stage, message),) = rows.errors(path)
        assert stage == "fetch" and message.startswith("not a sitemap: "), (path, message)
    rows.close()
    figures("a binary, an HTML, an extensionless HTML and an empty sitemap", tried=4, survived=4, lost=0, note="rows")


def test_a_redis_frontier_that_is_down_at_start_is_one_line(site, tmp_path, figures):
    """Before: three tracebacks (``Engine slot not assigned``)."""
    news_site(site, 2)
    redis_url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    db = f"sqlite:///{tmp_path / 'sieve.db'}"
    proc = run(
        "crawl", "articles", "-a", f"start_urls={site.url('/')}", "-s", f"SIEVE_REDIS_URL={redis_url}", db=db,
        spool=tmp_path / "spool",
    )  # fmt: skip
    log = no_traceback(proc)
    assert proc.returncode == 1
    assert len(log.strip().splitlines()) == 1 and "hunter2" not in log, log
    assert not site.hits, "nothing is fetched without the frontier"
    figures("a Redis frontier that is down at start", tried=1, survived=1, lost=0, note="exit 1, one line")
