"""The arabstoday site profile: offline over its fixture pages, and its main-content override applied by domain."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from cleaners.document.document import Document
from cleaners.document.extract import TrafilaturaExtractor
from cleaners.document.files import find_pages
from cleaners.document.parse import parse_html
from cleaners.process import clean_content
from cleaners.sites import load_sites
from crawler.sites import ARABSTODAY
from tests.conftest import ROOT, make_chain, project_settings, run_scrapy

PAGES = ROOT / "fixtures" / "pages" / "arabstoday"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def crawl_run(tmp_path_factory) -> tuple[dict[str, dict], Path]:
    """One offline crawl of the site's fixture folder: exported records by file name, and its SQLite file."""
    tmp = tmp_path_factory.mktemp("arabstoday")
    out = tmp / "out.jsonl"
    proc = run_scrapy(
        "crawl", "arabstoday", "-a", f"path={PAGES}", "-O", str(out),
        "-s", f"DATABASE_URL=sqlite:///{tmp}/x.db", "-s", f"SIEVE_SPOOL_DIR={tmp}/spool",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    assert "Traceback" not in proc.stderr.decode()
    return {Path(rec["url"].removeprefix("file://")).name: rec for rec in read_jsonl(out)}, tmp / "x.db"


@pytest.fixture(scope="module")
def crawled(crawl_run) -> dict[str, dict]:
    return crawl_run[0]


def test_every_fixture_page_is_crawled(crawled):
    """Every page file in the folder (the HTML pages below and any raw-text pages of the site), nothing else."""
    assert len(list(PAGES.glob("*.html"))) >= 3
    assert sorted(crawled) == sorted(p.name for p in find_pages(PAGES))


def test_pages_are_stored_with_source_and_related_links(crawl_run):
    """The same crawl's SQLite database (DatabasePipeline): one article per page, its source and related links."""
    exported, db = crawl_run
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT p.url, a.source, a.body FROM pages p JOIN articles a ON a.page_id = p.id").fetchall()
        links = con.execute(
            "SELECT p.url, r.title, r.url, r.published FROM related_links r"
            " JOIN articles a ON a.id = r.article_id JOIN pages p ON p.id = a.page_id ORDER BY p.url, r.position"
        ).fetchall()
    assert {Path(url).name: source for url, source, _ in rows} == {k: v["source"] for k, v in exported.items()}
    assert all("rights reserved" not in body.lower() for _, _, body in rows)
    for name, rec in exported.items():
        stored = [(title, url) for page, title, url, _ in links if Path(page).name == name]
        assert stored == [(link["title"], link["url"]) for link in rec["related_links"]], name
    assert all(published for *_, published in links)


@pytest.mark.parametrize("name", sorted(p.name for p in find_pages(PAGES)))
def test_every_page_stores_source_timed_related_links_and_no_copyright_in_body(crawled, name):
    rec = crawled[name]
    assert rec["errors"] == []
    assert rec["source"]
    assert rec["related_links"] and all(link["published"].endswith("+00:00") for link in rec["related_links"])
    assert rec["boilerplate"]
    assert "rights reserved" not in rec["body"].lower() and "©" not in rec["body"]


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("*.html")))
def test_html_page_has_source_linked_related_links_and_both_copyright_pairs(crawled, name):
    rec = crawled[name]
    assert rec["errors"] == []
    assert rec["source"]
    assert len(rec["related_links"]) >= 3
    for link in rec["related_links"]:
        assert link["title"]
        assert link["url"].startswith("https://www.arabstoday.net/en/"), link
        assert link["published"].endswith("+00:00"), link  # UTC
    # The date line under the headline (a stamp), the share bar, then both copies of the footer's copyright pair.
    assert rec["boilerplate"][2:] == [
        "Maintained and developed by Arabs Today Group SAL.",
        "All rights reserved to Arab Today Media Group 2023 ©",
    ] * 2  # fmt: skip
    assert rec["boilerplate"][0].startswith("GMT ") and rec["boilerplate"][1] == "Facebook Twitter"
    assert "rights reserved" not in rec["body"].lower()
    assert "Maintained and developed" not in rec["body"]
    assert "source:" not in rec["body"]
    assert "GMT" not in rec["body"]
    # the related headlines were in the extracted text, but not in the body
    assert all(link["title"] not in rec["body"] for link in rec["related_links"])


def test_related_links_match_the_page_markup(crawled):
    """Titles and URLs come from the page's own links (the sidebar's "Most read" box is not related)."""
    name = sorted(p.name for p in PAGES.glob("*.html"))[0]
    root = parse_html((PAGES / name).read_text(encoding="utf-8"))
    items = root.cssselect(".related-news li")
    expected = [
        (" ".join(li.cssselect("a")[0].text_content().split()), li.cssselect("a")[0].get("href")) for li in items
    ]
    got = [
        (link["title"], link["url"].removeprefix("https://www.arabstoday.net"))
        for link in crawled[name]["related_links"]
    ]
    assert got == expected


def test_scrapy_clean_gives_the_same_records(crawled):
    proc = run_scrapy("clean", str(PAGES))
    assert proc.returncode == 0, proc.stderr.decode()
    cleaned = {Path(rec.pop("path")).name: rec for rec in map(json.loads, proc.stdout.decode().splitlines())}
    assert cleaned == {name: {k: v for k, v in rec.items() if k != "url"} for name, rec in crawled.items()}


def test_profile_is_chosen_by_the_pages_own_domain():
    sites = load_sites(project_settings())
    page = (PAGES / sorted(p.name for p in PAGES.glob("*.html"))[0]).read_text(encoding="utf-8")
    assert sites.for_host(Document.parse(page).domain) is ARABSTODAY  # saved page: its canonical URL
    assert sites.for_host(Document.parse(page, "file:///tmp/x.html").domain) is ARABSTODAY
    assert sites.for_host(Document.parse(page, "https://arabstoday.net/en/1/x").domain) is ARABSTODAY
    assert sites.for_host(Document.parse(page, "https://www.example.com/copy").domain) is None  # a live URL wins
    assert sites.for_host("notarabstoday.net") is None
    assert Document.parse("<p>no canonical</p>").domain is None


def test_the_profile_overrides_main_content_and_the_cleaners_need_it_for_nothing_else():
    """Whole-page cleaning finds source, related links and both footers with or without the profile."""
    page = (PAGES / sorted(p.name for p in PAGES.glob("*.html"))[0]).read_text(encoding="utf-8")
    chain = make_chain()
    with_profile = clean_content(chain, page, is_html=True, extractor=TrafilaturaExtractor(sites=load_sites()))
    generic = clean_content(chain, page, is_html=True, extractor=TrafilaturaExtractor())
    for cleaned in (with_profile, generic):
        rec = cleaned.record
        copyright_lines = [line for line in rec["boilerplate"] if "developed by" in line or "rights reserved" in line]
        assert rec["source"] and len(rec["related_links"]) >= 3 and len(copyright_lines) == 4
    # With the profile the body is exactly the text of .article-body, paragraph by paragraph.
    root = Document.parse(page).tree
    paragraphs = [" ".join(p.text_content().split()) for p in root.cssselect(".article-body p")]
    assert with_profile.record["body"].splitlines() == paragraphs
