"""Case 4: `scrapy reclean` racing a crawl that stores new content for the same pages.

Before: reclean wrote results built from the old raw text over 61 freshly crawled articles, so their
segments no longer indexed the stored raw text. Now each reclean write is conditional on the page's
content hash being the one it read. Whichever process wins each page, every article must be exactly
what cleaning that page's stored content gives, with the chain its fingerprint names.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from cleaners.process import clean_content
from crawler.components import load_extractor, offline_crawler
from storage.records import decompress, output_hash
from storage.repository import articles, pages
from tests.conftest import make_chain, project_settings
from tests.reliability.conftest import Rows, run, start
from tests.reliability.site import Route, article, news_site

PAGES = 60
#: reclean's chain: a different output (no source cleaner), and slow, so that the crawl can store pages it is cleaning
#: Site furniture is left out of both chains: what it claims depends on every page the site has stored so far,
#: so cleaning one page alone (the check below) could not say what its article should be.
CRAWL_CHAIN = {"cleaners.builtin.FurnitureCleaner": None}
RECLEAN_CHAIN = {**CRAWL_CHAIN, "cleaners.builtin.SourceCleaner": None, "tests.reliability.plugins.SlowCleaner": 900}


def test_reclean_racing_a_crawl_never_leaves_an_article_that_does_not_match_its_page(site, db_url, tmp_path, figures):
    paths = news_site(site, PAGES)
    spool = tmp_path / "spool"
    crawl = ("crawl", "articles", "-a", f"start_urls={site.url('/')}", "-a", "depth=2", "-s", "SIEVE_DB_BATCH_SIZE=3")
    crawl += ("-s", f"CLEANERS={json.dumps(CRAWL_CHAIN)}")
    first = run(*crawl, db=db_url, spool=spool)
    assert first.returncode == 0, first.stderr.decode()[-3000:]
    for i, path in enumerate(paths):  # the site publishes corrections; the re-crawl is slow
        site.set(
            path,
            Route(article(f"Story number {i}", extra_body=f"<p>Correction {i}: a name was misspelt.</p>"), delay=0.05),
        )

    crawler = start(*crawl, "-s", "CONCURRENT_REQUESTS=2", db=db_url, spool=spool, log=tmp_path / "crawl.log")
    conflicts, runs = 0, 0
    while crawler.poll() is None or runs == 0:
        out = run("reclean", "--chunk-size", "4", "-s", f"CLEANERS={json.dumps(RECLEAN_CHAIN)}", db=db_url, spool=spool)
        assert out.returncode == 0, out.stderr.decode()[-3000:]
        m = re.search(r"(\d+) left to a crawl", out.stdout.decode())
        assert m, out.stdout.decode()
        conflicts += int(m[1])
        runs += 1
    assert crawler.wait(timeout=60) == 0, (tmp_path / "crawl.log").read_text()[-3000:]

    extractor = load_extractor(offline_crawler(project_settings()))
    chains = {c.fingerprint: c for c in (make_chain(CLEANERS=CRAWL_CHAIN), make_chain(CLEANERS=RECLEAN_CHAIN))}
    rows = Rows(db_url)
    with rows.engine.connect() as conn:
        stored = conn.execute(
            select(
                pages.c.url, pages.c.raw_html, pages.c.raw_text, articles.c.fingerprint, articles.c.output_hash
            ).join(articles, articles.c.page_id == pages.c.id)
        ).all()
    rows.close()
    assert len(stored) == PAGES
    mismatched = []
    for page in stored:
        cleaned = clean_content(
            chains[page.fingerprint], decompress(page.raw_html), is_html=True, extractor=extractor, url=page.url
        )
        if cleaned.raw_text != page.raw_text or output_hash(cleaned.record) != page.output_hash:
            mismatched.append(page.url)
    assert not mismatched, f"{len(mismatched)} articles do not match their page's stored content"
    corrected = sum(1 for page in stored if "Correction" in page.raw_text)
    assert corrected == PAGES, "every page holds the crawl's new content"
    backend = db_url.split(":", 1)[0].split("+")[0]
    figures(
        f"`scrapy reclean` racing a crawl of {PAGES} changed pages, {backend}",
        tried=PAGES,
        survived=PAGES - len(mismatched),
        lost=len(mismatched),
        note=f"{runs} reclean runs during the crawl; {conflicts} writes skipped because the crawl had stored the page",
    )
