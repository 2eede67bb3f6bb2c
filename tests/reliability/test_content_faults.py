"""Issue 25: text the browser shows must reach the body.

Case 1. One character XML cannot hold (U+0001-0008, U+000B, U+000C, U+001B, U+FFFE, U+FFFF), raw or as a
character reference, anywhere in an article. Before: lxml refused it in the text trafilatura copies, trafilatura
discarded the page, and the body was stored empty ("the extractor kept nothing"), 10 of 10 pages, exit 0.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.repository import articles, pages
from tests.crawler.news_site import PARAGRAPHS
from tests.reliability.conftest import Rows, no_traceback, run
from tests.reliability.site import Route, article, index

#: How each page writes its character: raw, or as the reference a CMS escapes it to.
CONTROLS = {
    "u0001": "\x01",
    "u0008": "\x08",
    "u000b": "\x0b",
    "u000c": "\x0c",
    "u001b": "\x1b",
    "ufffe": "\ufffe",
    "uffff": "\uffff",
    "ref-x0b": "&#x0b;",
    "ref-27": "&#27;",
    "ref-xffff": "&#xFFFF;",
}


def control_page(name: str, char: str) -> bytes:
    # The character sits inside the article's prose, mid-sentence, as a pasted one does. The sentence is the
    # page's own: the five shared paragraphs are site furniture to the learner once enough pages repeat them.
    return article(f"Control {name}", extra_body=f"<p>The mayor's office{char} said the {name} figures were final.</p>")


def test_a_control_character_anywhere_in_an_article_leaves_its_text(site, tmp_path, figures):
    site.set("/robots.txt", Route(b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    paths = [f"/news/{name}.html" for name in CONTROLS]
    site.set("/", Route(index("Front page", paths)))
    for (name, char), path in zip(CONTROLS.items(), paths, strict=True):
        site.set(path, Route(control_page(name, char)))
    db = f"sqlite:///{tmp_path / 'sieve.db'}"
    proc = run("crawl", "articles", "-a", f"start_urls={site.url('/')}", "-a", "depth=1", db=db, spool=tmp_path / "s")
    log = no_traceback(proc)
    assert proc.returncode == 0, log[-3000:]
    rows = Rows(db)
    with rows.engine.connect() as conn:
        bodies = {
            url.rsplit("/", 1)[1]: body
            for url, body in conn.execute(select(pages.c.url, articles.c.body).join(articles)).all()
        }
    survived = 0
    for name in CONTROLS:
        body = bodies.get(f"{name}.html")
        assert body, f"{name}: no body stored"
        assert f"the {name} figures were final." in body, (name, body[-300:])
        stages = rows.errors(f"/news/{name}.html")
        assert not [m for s, m in stages if s == "extract"], (name, stages)
        (note,) = [m for s, m in stages if s == "decode"]
        assert note.startswith("1 control or non-character(s) XML cannot hold"), note
        survived += 1
    rows.close()
    figures(
        "one control character (U+0001-0008, U+000B/C, U+001B, U+FFFE/F, raw or as a reference) in an article",
        tried=len(CONTROLS),
        survived=survived,
        lost=len(CONTROLS) - survived,
        note="mapped one for one before parsing (VT/FF to a space, the rest to U+FFFD), with a decode note",
    )


def test_scrapy_clean_keeps_the_text_around_a_control_character(tmp_path):
    page = tmp_path / "vt.html"
    page.write_bytes(control_page("vt", "\x0b"))
    proc = run("clean", str(page), db="sqlite://", spool=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr.decode()
    (record,) = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    # A vertical tab is white space: the sentence reads as the browser shows it.
    assert PARAGRAPHS[0] in record["body"]
    assert "The mayor's office said the vt figures were final." in record["body"]
    assert [e["stage"] for e in record["errors"]] == ["decode"]


def test_an_empty_body_while_the_extractor_kept_text_is_an_error_the_record_names(tmp_path):
    page = tmp_path / "story.html"
    page.write_bytes(article("A story the alignment cannot place"))
    extractor = "SIEVE_EXTRACTOR=tests.reliability.content_plugins.UnalignedExtractor"
    proc = run("clean", str(page), "-s", extractor, db="sqlite://", spool=tmp_path)
    err = no_traceback(proc)
    assert proc.returncode == 1, err
    (record,) = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert record["body"] == ""
    (error,) = [e for e in record["errors"] if e["stage"] == "extract"]
    assert error["message"].startswith("main content lost: the extractor kept ")
    assert "none matched the page's blocks" in error["message"]
    assert err.strip().splitlines() == [f"scrapy clean: {page}: {error['message']}"]
