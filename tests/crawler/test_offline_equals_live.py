"""Offline equals live: `scrapy clean` of a saved page gives exactly what a crawl of the same page over HTTP exports.

Each saved HTML fixture that names its own URL (canonical link) is served at
that URL by a local proxy (https inside a CONNECT tunnel) and crawled with a
real `scrapy crawl articles`. The same settings go to `scrapy clean` on the
files. The records must be equal field for field: the URL a saved page resolves
for itself is the URL the crawl fetched, so URL- and domain-scoped cleaners run
on both. One page has a header-less list that only LinkListCleaner claims, and
PromoCleaner is scoped by CLEANERS_DOMAINS to one site whose page it changes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaners.document.document import Document
from cleaners.document.files import find_pages
from tests.conftest import ROOT, run_scrapy
from tests.crawler.proxy_site import ProxySite

PAGES_DIR = ROOT / "fixtures" / "pages"
SCOPED = {"cleaners.builtin.PromoCleaner": ["baysidetribune.example"]}
SETTINGS = ["-s", f"CLEANERS_DOMAINS={json.dumps(SCOPED)}"]


def saved_pages() -> dict[str, Path]:
    """Canonical URL -> file, for every HTML fixture that names its own URL."""
    found: dict[str, Path] = {}
    for page in find_pages(PAGES_DIR):
        if page.suffix in (".html", ".htm"):
            url = Document.parse(page.read_bytes().decode("utf-8", "replace")).url
            if url:
                found[url] = page
    return found


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[dict[str, dict], dict[str, dict]]:
    pages = saved_pages()
    tmp = tmp_path_factory.mktemp("live")
    site = ProxySite({url: ("text/html", path.read_bytes()) for url, path in pages.items()}).start()
    try:
        out = tmp / "live.jsonl"
        proc = run_scrapy(
            "crawl", "articles", "-a", "start_urls=" + ",".join(pages), "-a", "depth=0", "-a", "article=.",
            "-O", str(out), *SETTINGS, "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0",
            "-s", f"DATABASE_URL=sqlite:///{tmp}/live.db", "-s", f"SIEVE_SPOOL_DIR={tmp}/spool",
            env=site.env(), timeout=300,
        )  # fmt: skip
        log = proc.stderr.decode()
        assert proc.returncode == 0 and "Traceback" not in log, log[-3000:]
        assert all(url in site.requested for url in pages), "every page was fetched through the proxy"
    finally:
        site.stop()
    live = {rec.pop("url"): rec for rec in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    proc = run_scrapy("clean", *SETTINGS, *map(str, pages.values()), timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    by_path = {Path(rec.pop("path")): rec for rec in map(json.loads, proc.stdout.decode().splitlines())}
    offline = {url: by_path[path] for url, path in pages.items()}
    return offline, live


def test_every_saved_page_with_its_own_url_was_crawled(both):
    offline, live = both
    assert len(offline) >= 12
    assert set(live) == set(offline)


@pytest.mark.parametrize("url", sorted(saved_pages()), ids=lambda u: u.split("/")[2])
def test_scrapy_clean_equals_the_crawl_export(both, url):
    offline, live = both
    assert offline[url] == live[url]


def test_the_url_scoped_cleaners_ran_on_both_paths(both):
    offline, live = both
    for records in (offline, live):
        linklist = [
            r
            for r in records.values()
            if any(s["cleaner"] == "cleaners.builtin.LinkListCleaner" for s in r["segments"])
        ]
        assert len(linklist) == 1 and len(linklist[0]["related_links"]) == 4
        promo = {
            u for u, r in records.items() if any(s["cleaner"] == "cleaners.builtin.PromoCleaner" for s in r["segments"])
        }
        assert promo == {u for u in records if "baysidetribune.example" in u}
