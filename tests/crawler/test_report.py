"""``scrapy report`` and ``scrapy clean --explain`` as a user runs them, and the report in a real headless Chromium.

The browser tests drive Debian's ``chromium`` with the ``playwright`` package (never Playwright's own browser
download). They skip when either is missing, unless ``SIEVE_TEST_BROWSER=required`` (``.ci/run`` sets it after
installing ``chromium``), in which case a missing browser fails the run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest

from cleaners.document.files import find_pages
from cleaners.report import KNOWN_COLOURS, ReportPage, ReportSegment, render_report
from storage.db import open_database
from storage.repository import write_items
from tests.conftest import ROOT, run_scrapy
from tests.storage.conftest import cleaned_item, db_url  # noqa: F401  (db_url: a SQLite and a PostgreSQL database)

TIMEOUT = 180
FIXTURES = ROOT / "fixtures" / "pages"
WIRE = FIXTURES / "wire" / "reuters-lebanon-fuel.txt"
#: Page text that would run script, load an image or frame, or break out of an attribute if it were not escaped.
HOSTILE = (
    "Officials said the talks would resume on Monday after a week of delays.\n"
    "<script>window.__pwned = 1; alert(1)</script>\n"
    '<img src=x onerror="window.__pwned = 2; alert(2)">\n'
    '<svg onload="window.__pwned = 3"></svg> "\'><iframe src=javascript:alert(4)></iframe>\n'
    "source: Reuters\n"
)
HOSTILE_NAME = "2-<img src=x onerror=alert(9)>.txt"


def stderr_lines(proc) -> list[str]:
    return [line for line in proc.stderr.decode().splitlines() if line.strip()]


def one_line_error(proc, expected: str) -> None:
    err = proc.stderr.decode()
    assert proc.returncode == 2, (proc.returncode, err)
    assert "Traceback" not in err, err
    assert stderr_lines(proc) == [f"scrapy report: {expected}"]


def parse(path_or_html: Path | str | bytes) -> lxml.html.HtmlElement:
    data = path_or_html.read_bytes() if isinstance(path_or_html, Path) else path_or_html
    return lxml.html.document_fromstring(data)


def pre_text(section) -> str:
    text = section.cssselect("pre.raw")[0].text_content()
    assert text.startswith("\n")  # dropped by HTML5 parsers (browsers), kept by libxml2
    return text[1:]


def spans_of(section) -> list[tuple]:
    return [
        (
            s.get("data-label"),
            int(s.get("data-start")),
            int(s.get("data-end")),
            s.get("data-cleaner"),
            s.get("data-reason") or "",
            s.text_content(),
        )
        for s in section.cssselect("pre.raw span.seg")
    ]


@pytest.fixture
def pages_dir(tmp_path: Path) -> Path:
    """A wire page, then a page of hostile markup under a hostile file name."""
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(WIRE, folder / "1-wire.txt")
    (folder / HOSTILE_NAME).write_text(HOSTILE, encoding="utf-8")
    return folder


# -- scrapy clean --explain -----------------------------------------------------------------------------------------


def test_explain_adds_raw_text_and_segment_texts_and_changes_nothing_else(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 latin-1\n")
    plain = run_scrapy("clean", str(FIXTURES), str(bad), timeout=TIMEOUT)
    explained = run_scrapy("clean", "--explain", str(FIXTURES), str(bad), timeout=TIMEOUT)
    raw = run_scrapy("clean", "--raw", str(FIXTURES), str(bad), timeout=TIMEOUT)
    assert plain.returncode == explained.returncode == raw.returncode == 1  # the bad page, as before
    assert raw.stdout == explained.stdout
    assert stderr_lines(explained) == stderr_lines(plain)
    before = [json.loads(line) for line in plain.stdout.decode().splitlines()]
    after = [json.loads(line) for line in explained.stdout.decode().splitlines()]
    assert len(after) == len(before) == len(list(find_pages(FIXTURES))) + 1
    checked = 0
    for old, new in zip(before, after, strict=True):
        assert "raw_text" not in old and list(new) == [*old, "raw_text"]
        text = new["raw_text"]
        for seg in new["segments"]:
            assert seg["text"] == text[seg["start"] : seg["end"]]
            assert seg["text"].strip() == seg["text"] != ""
            checked += 1
        stripped = {**new, "segments": [{k: v for k, v in s.items() if k != "text"} for s in new["segments"]]}
        del stripped["raw_text"]
        assert stripped == old
        if old["path"].endswith(".txt") and not old["errors"]:
            assert text == Path(old["path"]).read_text(encoding="utf-8")  # a .txt page is its raw text
    assert checked > 100
    assert after[-1]["path"] == str(bad) and after[-1]["raw_text"] is None and after[-1]["segments"] == []


def test_explain_source_span_text(tmp_path):
    proc = run_scrapy("clean", "--explain", str(WIRE), timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    record = json.loads(proc.stdout)
    first = record["segments"][0]
    assert (first["label"], first["cleaner"], first["reason"], first["text"]) == (
        "source",
        "cleaners.builtin.SourceCleaner",
        "source.dateline",
        "BEIRUT (Reuters) -",
    )


# -- scrapy report PATH... -------------------------------------------------------------------------------------------


def test_report_from_files_matches_scrapy_clean(tmp_path):
    out = tmp_path / "report.html"
    proc = run_scrapy("report", str(FIXTURES), "-o", str(out), timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == b"" and stderr_lines(proc) == []
    clean = run_scrapy("clean", "--explain", str(FIXTURES), timeout=TIMEOUT)
    records = [json.loads(line) for line in clean.stdout.decode().splitlines()]
    doc = parse(out)
    sections = doc.cssselect("section.page")
    assert [s.get("data-name") for s in sections] == [r["path"] for r in records]
    labels: dict[str, list[int]] = {}
    cleaners: dict[str, list[int]] = {}
    for section, record in zip(sections, records, strict=True):
        assert pre_text(section) == record["raw_text"]
        assert spans_of(section) == [
            (s["label"], s["start"], s["end"], s["cleaner"], s["reason"] or "", s["text"]) for s in record["segments"]
        ]
        for s in record["segments"]:
            n = s["end"] - s["start"]
            for table, key in ((labels, s["label"]), (cleaners, s["cleaner"] or "(none: unclaimed text)")):
                row = table.setdefault(key, [0, 0])
                row[0] += 1
                row[1] += n
    summary = doc.cssselect("#summary")[0]
    shown_labels = {
        tr[0].text_content(): [int(tr[1].text_content().replace(",", "")), int(tr[2].text_content().replace(",", ""))]
        for tr in summary.cssselect("table.by-label tbody tr")
    }
    shown_cleaners = {
        tr[0].text_content(): [int(tr[2].text_content().replace(",", "")), int(tr[3].text_content().replace(",", ""))]
        for tr in summary.cssselect("table.by-cleaner tbody tr")
    }
    assert shown_labels == labels and set(labels) == {"body", "chrome", "source", "related", "boilerplate", "headline"}
    assert shown_cleaners == cleaners and len(cleaners) >= 5


def test_report_escapes_hostile_page_and_name(pages_dir, tmp_path):
    out = tmp_path / "report.html"
    proc = run_scrapy("report", str(pages_dir), "-o", str(out), timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    html = out.read_text(encoding="utf-8")
    assert "<script>window" not in html and "<img" not in html and "<svg" not in html and "<iframe" not in html
    assert html.count("<script") == 1
    doc = parse(out)
    hostile = doc.cssselect("#page-2")[0]
    assert hostile.get("data-name") == str(pages_dir / HOSTILE_NAME)
    assert pre_text(hostile) == HOSTILE
    assert not doc.cssselect("img, svg, iframe")


def test_report_to_stdout_and_from_stdin():
    proc = run_scrapy("report", "-", input=WIRE.read_bytes(), timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.startswith(b"<!DOCTYPE html>")
    doc = parse(proc.stdout)
    section = doc.cssselect("#page-1")[0]
    assert section.get("data-name") == "-"
    assert pre_text(section) == WIRE.read_text(encoding="utf-8")


def test_unreadable_page_is_flagged_and_exits_1(tmp_path):
    good, bad = tmp_path / "a.txt", tmp_path / "b.txt"
    shutil.copy(WIRE, good)
    bad.write_bytes(b"\x00\x01\x02binary\xff")
    out = tmp_path / "r.html"
    proc = run_scrapy("report", str(good), str(bad), "-o", str(out), timeout=TIMEOUT)
    assert proc.returncode == 1
    lines = stderr_lines(proc)
    assert len(lines) == 1 and lines[0].startswith(f"scrapy report: {bad}: ")
    doc = parse(out)
    assert [li.get("class") for li in doc.cssselect("#toc li")] == [None, "flagged"]
    assert "error" in doc.cssselect("#page-2 .errors")[0].text_content()
    assert "no raw text" in doc.cssselect("#page-2 p.counts")[0].text_content()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "give at least one file, folder or - (stdin), or --db"),
        (("{tmp}/nothere.txt",), "no such file or directory: {tmp}/nothere.txt"),
        (("{tmp}/empty",), "no pages (.txt, .html, .html.gz) under {tmp}/empty"),
        (("{wire}", "--domain", "example.com"), "--domain needs --db"),
        (("{wire}", "--limit", "3"), "--limit needs --db"),
        (("--db", "{wire}"), "--db takes no PATH arguments (got {wire})"),
        (("--db", "--limit", "0"), "--limit must be at least 1"),
        (("--db", "--limit", "many"), "--limit must be a whole number, not 'many'"),
        (
            ("{wire}", "-o", "{tmp}/no/such/folder/r.html"),
            "cannot write {tmp}/no/such/folder/r.html: no folder {tmp}/no/such/folder",
        ),
        (("{wire}", "-o", "{tmp}"), "cannot write {tmp}: it is a folder"),
        (
            ("{wire}", "-s", 'CLEANERS={{"no.such.Cleaner": 1}}'),
            "CLEANERS: 'no.such.Cleaner' is not importable: No module named 'no'",
        ),
    ],
)
def test_bad_arguments_are_one_line_exit_2(tmp_path, args, expected):
    (tmp_path / "empty").mkdir()
    fill = {"tmp": tmp_path, "wire": WIRE}
    proc = run_scrapy("report", *(a.format(**fill) for a in args), timeout=TIMEOUT)
    one_line_error(proc, expected.format(**fill))
    assert proc.stdout == b""


# -- scrapy report --db -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled_db(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A SQLite database filled by a real ``scrapy crawl fixtures`` of every fixture page plus a hostile and a bad page,
    and two pages of example.com (and one of notexample.com) written through the storage API."""
    tmp = tmp_path_factory.mktemp("db")
    folder = tmp / "pages"
    shutil.copytree(FIXTURES, folder, ignore=shutil.ignore_patterns("*.expected.json"))
    (folder / "zz-hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (folder / "zz-latin1.txt").write_bytes(b"caf\xe9\n")
    db = tmp / "sieve.db"
    url = f"sqlite:///{db}"
    proc = run_scrapy("crawl", "fixtures", "-a", f"path={folder}", "-s", f"DATABASE_URL={url}", timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    engine = open_database(url)
    with engine.begin() as conn:
        write_items(
            conn,
            [
                cleaned_item(WIRE.read_text(encoding="utf-8"), "https://example.com/news/1"),
                cleaned_item(HOSTILE, "https://news.example.com/a?b=\"c\"&d='e'"),
                cleaned_item(WIRE.read_text(encoding="utf-8"), "https://notexample.com/x"),
            ],
        )
    engine.dispose()
    yield url, db


def stored(db: Path) -> dict[str, dict]:
    """Every page's raw text, segments (with the substr SQL would need) and error count, read with plain sqlite3."""
    con = sqlite3.connect(db)
    pages: dict[str, dict] = {}
    for pid, url, raw in con.execute("select id, url, raw_text from pages order by id"):
        segs = con.execute(
            'select s.label, s.start, s."end", s.cleaner, s.reason, substr(p.raw_text, s.start + 1, s."end" - s.start)'
            " from segments s join articles a on a.id = s.article_id join pages p on p.id = a.page_id"
            " where p.id = ? order by s.position",
            (pid,),
        ).fetchall()
        n_errors = con.execute("select count(*) from errors where page_id = ?", (pid,)).fetchone()[0]
        pages[url] = {"raw_text": raw, "segments": [tuple(s) for s in segs], "errors": n_errors}
    con.close()
    return pages


def test_report_db_shows_exactly_what_was_stored(crawled_db, tmp_path):
    url, db = crawled_db
    out = tmp_path / "db.html"
    proc = run_scrapy("report", "--db", "-o", str(out), env={"SIEVE_DATABASE_URL": url}, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    assert stderr_lines(proc) == []
    expected = stored(db)
    assert len(expected) == len(list(find_pages(FIXTURES))) + 2 + 3
    doc = parse(out)
    sections = doc.cssselect("section.page")
    assert [s.get("data-name") for s in sections] == list(expected)  # by page id
    for section in sections:
        page = expected[section.get("data-name")]
        assert pre_text(section) == (page["raw_text"] or "")
        assert spans_of(section) == [(lb, s, e, c, r or "", t) for lb, s, e, c, r, t in page["segments"]]
        assert bool(section.cssselect(".errors")) == bool(page["errors"])
    latin1 = next(s for s in sections if s.get("data-name").endswith("zz-latin1.txt"))
    assert "invalid UTF-8" in latin1.cssselect(".errors")[0].text_content()
    assert doc.cssselect("title")[0].text_content() == f"Sieve report: {url}"
    total_spans = sum(len(p["segments"]) for p in expected.values())
    assert f"{total_spans:,} spans" in doc.cssselect("header.top")[0].text_content()


def test_report_db_domain_and_limit(crawled_db, tmp_path):
    url, db = crawled_db
    out = tmp_path / "d.html"
    proc = run_scrapy("report", "--db", "--domain", "example.com", "-o", str(out), "-s", f"DATABASE_URL={url}")
    assert proc.returncode == 0, proc.stderr.decode()
    names = [s.get("data-name") for s in parse(out).cssselect("section.page")]
    in_domain = [u for u in stored(db) if urlsplit(u).hostname in ("example.com", "news.example.com")]
    assert names == in_domain and len(names) == 2  # not notexample.com, not the file:// pages
    proc = run_scrapy("report", "--db", "--limit", "2", "--title", "Two <pages>", "-s", f"DATABASE_URL={url}")
    assert proc.returncode == 0, proc.stderr.decode()
    doc = parse(proc.stdout)
    assert len(doc.cssselect("section.page")) == 2 and doc.cssselect("h1")[0].text_content() == "Two <pages>"
    proc = run_scrapy("report", "--db", "--domain", "nowhere.org", "-s", f"DATABASE_URL={url}")
    one_line_error(proc, f"no pages of nowhere.org in the database {url}")


def test_report_db_errors_are_one_line(tmp_path):
    missing = tmp_path / "missing.db"
    one_line_error(
        run_scrapy("report", "--db", "-s", f"DATABASE_URL=sqlite:///{missing}"),
        f"no database at {missing} (DATABASE_URL sqlite:///{missing})",
    )
    assert not missing.exists()  # a report never creates a database
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    proc = run_scrapy("report", "--db", "-s", f"DATABASE_URL=sqlite:///{junk}")
    one_line_error(proc, f"cannot read the database sqlite:///{junk}: file is not a database")
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    empty.write_bytes(b"")
    proc = run_scrapy("report", "--db", "-s", f"DATABASE_URL=sqlite:///{empty}")
    one_line_error(proc, f"cannot read the database sqlite:///{empty}: no such table: pages")
    one_line_error(
        run_scrapy("report", "--db", "-s", "DATABASE_URL=not a url"),
        "DATABASE_URL 'not a url' is not a database URL; use e.g. sqlite:///data/sieve.db or "
        "postgresql+psycopg://user@host:5432/db",
    )


def test_report_db_on_each_backend(db_url, tmp_path):  # noqa: F811
    items = [
        cleaned_item(WIRE.read_text(encoding="utf-8"), "https://example.com/news/1"),
        cleaned_item(HOSTILE, "https://example.org/hostile"),
    ]
    engine = open_database(db_url)
    with engine.begin() as conn:
        write_items(conn, items)
    engine.dispose()
    out = tmp_path / "r.html"
    proc = run_scrapy("report", "--db", "-o", str(out), "-s", f"DATABASE_URL={db_url}", timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    sections = parse(out).cssselect("section.page")
    assert [s.get("data-name") for s in sections] == [item["url"] for item in items]
    for section, item in zip(sections, items, strict=True):
        raw = item["raw_text"]
        assert pre_text(section) == raw
        assert spans_of(section) == [
            (s["label"], s["start"], s["end"], s["cleaner"], s["reason"] or "", raw[s["start"] : s["end"]])
            for s in item["segments"]
        ]


def test_report_db_unreachable_server_is_one_line(tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    url = f"postgresql+psycopg://nobody:secret@127.0.0.1:{port}/nothing"
    out = tmp_path / "r.html"
    proc = run_scrapy("report", "--db", "-o", str(out), env={"SIEVE_DATABASE_URL": url})
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err
    lines = stderr_lines(proc)
    assert len(lines) == 1 and lines[0].startswith("scrapy report: cannot read the database postgresql+psycopg://")
    assert f"127.0.0.1:{port}" in lines[0] and "secret" not in lines[0]
    assert not out.exists()  # no half-made report


# -- in a real headless browser ---------------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "the playwright package is not installed (pip install -e '.[test]')"
    if problem is None and not os.access(CHROMIUM, os.X_OK):
        problem = f"no {CHROMIUM}: apt-get install -y chromium (never `playwright install`)"
    if problem:
        if os.environ.get("SIEVE_TEST_BROWSER") == "required":
            pytest.fail(f"SIEVE_TEST_BROWSER=required but {problem}")
        pytest.skip(f"headless-browser test: {problem}")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A browser tab that records every dialog, console message, page error and request."""

    def __init__(self, browser, url: str) -> None:
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = url
        self.page.goto(url)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_nothing_ran(self) -> None:
        page = self.page
        page.wait_for_timeout(300)  # an onerror/onload handler would have fired by now
        assert self.dialogs == [] and self.errors == [] and self.console == []
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
        assert page.evaluate("document.scripts.length") == 1
        assert {r.split("#")[0] for r in self.requests} == {self.url.split("#")[0]}  # nothing else was loaded


def shown(locator) -> None:
    """Visible now or within 5 s (navigation by hash is asynchronous)."""
    from playwright.sync_api import expect

    expect(locator).to_be_visible(timeout=5000)


def hidden(locator) -> None:
    from playwright.sync_api import expect

    expect(locator).to_be_hidden(timeout=5000)


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_browser_renders_spans_details_and_navigation(browser, pages_dir, tmp_path):
    out = tmp_path / "report.html"
    proc = run_scrapy("report", str(pages_dir), "-o", str(out), timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    tab = Watched(browser, out.as_uri())
    page = tab.page
    # The landing view is the summary; page sections are hidden until chosen.
    shown(page.locator("#summary"))
    hidden(page.locator("#page-1"))
    assert page.locator("#summary table.by-label tbody tr").all_inner_texts()[0].split("\t")[0].strip() == "body"
    page.locator("#toc a[href='#page-1']").click()
    first = page.locator("#page-1")
    shown(first)
    hidden(page.locator("#summary"))
    assert page.locator("#page-1 h2").inner_text() == f"1. {pages_dir / '1-wire.txt'}"
    # What the browser renders for a source span and a body span, and the source span's colour.
    source = page.locator("#page-1 pre .seg").first
    assert source.inner_text() == "BEIRUT (Reuters) -"
    assert source.get_attribute("class") == "seg lbl-source"
    assert source.evaluate("e => getComputedStyle(e).backgroundColor") == rgb(KNOWN_COLOURS["source"])
    swatch = page.locator(".legend li[data-label='source'] .swatch")
    assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") == rgb(KNOWN_COLOURS["source"])
    body = page.locator("#page-1 pre .seg.lbl-body")
    assert body.count() == 1
    assert body.inner_text().startswith("Lebanon's caretaker government asked the central bank on Wednesday")
    assert body.evaluate("e => getComputedStyle(e).backgroundColor") == rgb(KNOWN_COLOURS["body"])
    # The whole raw text is shown exactly (innerText of a <pre> keeps every character).
    assert page.locator("#page-1 pre.raw").inner_text() == WIRE.read_text(encoding="utf-8")
    # Hover text, then the details panel on click.
    assert source.get_attribute("title") == (
        "source \u2014 cleaners.builtin.SourceCleaner: source.dateline [0\u201318]"
    )
    details = page.locator("#details")
    hidden(details)
    source.click()
    shown(details)
    assert details.locator("[data-field='cleaner']").inner_text() == "cleaners.builtin.SourceCleaner"
    assert details.locator("[data-field='reason']").inner_text() == "source.dateline"
    assert details.locator("[data-field='label']").inner_text() == "source"
    assert details.locator("[data-field='offsets']").inner_text() == "0\u201318 (18 characters)"
    assert details.locator("[data-field='text']").inner_text() == "BEIRUT (Reuters) -"
    assert "sel" in source.get_attribute("class").split()
    body.click()
    assert details.locator("[data-field='cleaner']").inner_text() == "(none: unclaimed text)"
    hidden(details.locator("[data-field='reason']"))  # no reason for body text
    page.locator("#details-close").click()
    hidden(details)
    # Next page, by the pager and back by the keyboard.
    first.locator("a.next").click()
    second = page.locator("#page-2")
    shown(second)
    hidden(first)
    assert page.url.endswith("#page-2")
    assert second.locator("h2").inner_text() == f"2. {pages_dir / HOSTILE_NAME}"
    assert second.locator("pre.raw").inner_text() == HOSTILE  # the markup is shown as text
    assert second.locator(".pager .next").get_attribute("href") is None  # the last page
    page.keyboard.press("p")
    shown(first)
    hidden(second)
    tab.assert_nothing_ran()
    page.close()


def test_browser_runs_nothing_from_hostile_reasons_urls_labels_or_names(browser, tmp_path):
    reason = '"\'><img src=x onerror="window.__pwned=5;alert(5)"><script>window.__pwned=6</script>'
    cleaner = "<svg onload=window.__pwned=7>Cleaner"
    label = 'x"><script>window.__pwned=8</script>'
    text = "<b onmouseover=window.__pwned=9>hover me</b> and body"
    cut = text.index(" and")
    page_ = ReportPage(
        name="<script>window.__pwned=10</script>",
        url="javascript:window.__pwned=11",
        title="<img src=x onerror=window.__pwned=12>",
        raw_text=text,
        segments=[
            ReportSegment(label, 0, cut, cleaner, reason, {"k": "</script><script>window.__pwned=13</script>"}),
            ReportSegment("body", cut + 1, len(text)),
        ],
        errors=[{"stage": "clean", "cleaner": cleaner, "message": reason}],
    )
    other = ReportPage("second", "x", url='https://example.com/?q="<script>"')
    out = tmp_path / "hostile.html"
    out.write_text(render_report([page_, other], title="<script>window.__pwned=14</script>"), encoding="utf-8")
    tab = Watched(browser, out.as_uri() + "#page-1")
    page = tab.page
    assert page.title() == "<script>window.__pwned=14</script>"
    assert page.locator("#page-1 h2").inner_text() == "1. <script>window.__pwned=10</script>"
    assert page.locator("#page-1 p.url").inner_text() == "javascript:window.__pwned=11"
    assert page.locator("#page-1 p.url a").count() == 0  # not a link
    span = page.locator("#page-1 pre .seg").first
    assert span.inner_text() == "<b onmouseover=window.__pwned=9>hover me</b>"
    span.hover()
    span.click()
    details = page.locator("#details")
    assert details.locator("[data-field='reason']").inner_text() == reason
    assert details.locator("[data-field='cleaner']").inner_text() == cleaner
    assert details.locator("[data-field='label']").inner_text() == label
    assert details.locator("[data-field='data']").inner_text() == '{"k": "</script><script>window.__pwned=13</script>"}'
    assert page.locator("#page-1 .errors li").inner_text().endswith(reason)
    # A generated colour for the unknown label, the same as its legend swatch.
    colour = span.evaluate("e => getComputedStyle(e).backgroundColor")
    legend = page.evaluate(
        """label => getComputedStyle([...document.querySelectorAll(".legend li")]
             .find(li => li.dataset.label === label).querySelector(".swatch")).backgroundColor""",
        label,
    )
    assert colour == legend and colour not in {rgb(c) for c in KNOWN_COLOURS.values()}
    page.locator("#page-1 a.next").click()
    shown(page.locator("#page-2"))
    assert page.locator("#page-2 p.url a").get_attribute("href") == 'https://example.com/?q="<script>"'
    tab.assert_nothing_ran()
    page.close()
