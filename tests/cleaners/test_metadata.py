"""Page metadata: declared tags are read directly; trafilatura's search fills only what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

import cleaners.document.metadata as metadata
from cleaners.document.files import decode_page
from cleaners.document.parse import parse_html

PAGES = sorted(p for p in (Path(__file__).parents[2] / "fixtures" / "pages").rglob("*.htm*") if p.is_file())

DECLARED = """<html><head><title>Ignored | Site</title>
<meta property="og:title" content="Truce talks begin">
<meta property="article:published_time" content="2017-08-24T18:05:00+03:00">
<meta name="author" content="Jane Doe">
</head><body><p>Body.</p></body></html>"""

JSONLD = """<html><head><script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [{"@type": "WebSite"},
 {"@type": "NewsArticle", "headline": "Border offensive advances", "datePublished": "2019-03-02",
  "author": [{"@type": "Person", "name": "A. Writer"}, {"name": "B. Writer"}]}]}
</script></head><body><p>Body.</p></body></html>"""

UNDECLARED = """<html><head><title>Council votes to close the road</title></head>
<body><h1>Council votes to close the road</h1><p class="date">Published 5 November 2017</p>
<p>The council met on Monday.</p></body></html>"""


def test_declared_tags_skip_the_search(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("trafilatura's search must not run when title and date are declared")

    monkeypatch.setattr("trafilatura.metadata.extract_metadata", fail)
    monkeypatch.setattr(metadata, "_trafilatura_search", fail)
    meta = metadata.page_metadata(parse_html(DECLARED), None)
    assert (meta.title, meta.date, meta.author) == ("Truce talks begin", "2017-08-24", "Jane Doe")


def test_jsonld_graph_is_read():
    meta = metadata.declared_metadata(parse_html(JSONLD))
    assert (meta.title, meta.date, meta.author) == ("Border offensive advances", "2019-03-02", "A. Writer; B. Writer")


def test_missing_fields_come_from_trafilatura():
    declared = metadata.declared_metadata(parse_html(UNDECLARED))
    assert declared.title is None and declared.date is None
    meta = metadata.page_metadata(parse_html(UNDECLARED), "https://example.com/a")
    assert meta.title == "Council votes to close the road"
    assert meta.date == "2017-11-05"


@pytest.mark.parametrize("html", [DECLARED, JSONLD, UNDECLARED, *PAGES], ids=lambda h: getattr(h, "name", "inline"))
def test_the_cut_search_finds_what_extract_metadata_finds(html):
    """The search stops after the date; title, date and author must be exactly extract_metadata's."""
    from trafilatura.metadata import extract_metadata

    if isinstance(html, Path):
        html = decode_page(html.name, html.read_bytes(), 10**8).text
    url = "https://example.com/news/2020/01/02/a-story"
    full = extract_metadata(parse_html(html), default_url=url, extensive=False)
    cut = metadata.searched_metadata(parse_html(html), url)
    assert (cut.title, cut.date, cut.author) == (full.title, full.date, full.author)
