"""The HTML report renderer on its own: escaping, summary counts, colours, navigation, bad segments, size."""

from __future__ import annotations

import base64
import colorsys
import hashlib
import re
import time

import lxml.html
import pytest

from cleaners.report import KNOWN_COLOURS, ReportPage, ReportSegment, label_class, label_colour, render_report

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = f"Intro {SCRIPT} middle {IMG} end\nsource: Evil & Co\n"
HOSTILE_REASON = '"quoted" and \'single\' <b>bold</b> "><img src=x onerror=alert(2)>'
HOSTILE_CLEANER = "Bad\"Cleaner'><script>alert(3)</script>"
HOSTILE_URL = "https://example.com/a?q=\"x\"&r='y'<script>alert(4)</script>"


def seg(label, start, end, cleaner=None, reason="", data=None) -> ReportSegment:
    return ReportSegment(label, start, end, cleaner, reason, data)


def hostile_page() -> ReportPage:
    text = HOSTILE_TEXT
    src = text.index("source:")
    return ReportPage(
        name=f"{IMG}.txt",
        url=HOSTILE_URL,
        title=f"Title {SCRIPT}",
        raw_text=text,
        segments=[
            seg("body", 0, src - 1),
            seg("source", src, len(text) - 1, HOSTILE_CLEANER, HOSTILE_REASON, {"name": f"</script>{SCRIPT}"}),
        ],
        errors=[{"stage": "clean", "cleaner": HOSTILE_CLEANER, "message": f"boom {IMG}"}],
    )


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def raw_texts(doc: lxml.html.HtmlElement) -> list[str]:
    """The text of each page's ``<pre>`` as a browser shows it.

    The renderer opens every ``<pre>`` with a newline that HTML5 parsers drop (so a raw text that starts with a
    newline keeps it); libxml2's parser keeps it, so it is checked and removed here. The browser test checks
    what Chromium shows.
    """
    texts = []
    for pre in doc.cssselect("pre.raw"):
        text = pre.text_content()
        assert text.startswith("\n"), text[:20]
        texts.append(text[1:])
    return texts


# -- escaping ----------------------------------------------------------------------------------------------------


def test_hostile_page_creates_no_markup_and_reads_back_literally():
    html = render_report([hostile_page()], title=f"Report {SCRIPT}")
    # Nothing from the page survives as markup in the source...
    assert SCRIPT not in html and IMG not in html and "<b>bold" not in html
    assert html.count("<script") == 1  # the report's own script, nothing else
    doc = parse(html)
    # ...nor in the parsed document: no element or event-handler attribute came from page content.
    tags = {el.tag for el in doc.iter() if isinstance(el.tag, str)}
    assert not tags & {"img", "iframe", "svg", "object", "embed"}
    assert [b.text_content() for b in doc.iter("b")] == ["clean"]  # the error's stage: the reason's <b> is text
    assert len(doc.cssselect("script")) == 1
    for el in doc.iter():
        if isinstance(el.tag, str):
            assert not [a for a in el.attrib if a.lower().startswith("on")], (el.tag, dict(el.attrib))
    # And every piece reads back exactly as given, in text and in attributes.
    assert raw_texts(doc) == [HOSTILE_TEXT]
    source = doc.cssselect("span.seg.lbl-source")[0]
    assert source.get("data-reason") == HOSTILE_REASON
    assert source.get("data-cleaner") == HOSTILE_CLEANER
    assert HOSTILE_REASON in source.get("title") and HOSTILE_CLEANER in source.get("title")
    assert source.get("data-data") == '{"name": "</script><script>alert(1)</script>"}'
    section = doc.cssselect("section.page")[0]
    assert section.get("data-name") == f"{IMG}.txt"
    assert doc.cssselect("section.page h2")[0].text_content() == f"1. {IMG}.txt"
    assert doc.cssselect("title")[0].text_content() == f"Report {SCRIPT}"
    assert f"boom {IMG}" in doc.cssselect(".errors")[0].text_content()
    link = doc.cssselect("p.url a")[0]
    assert link.get("href") == HOSTILE_URL and link.text_content() == HOSTILE_URL


def test_only_http_urls_become_links():
    pages = [
        ReportPage("a", "x", url="javascript:alert(1)"),
        ReportPage("b", "x", url="data:text/html,<script>alert(1)</script>"),
        ReportPage("c", "x", url="file:///etc/passwd"),
        ReportPage("d", "x", url="HTTPS://example.com/ok"),
    ]
    doc = parse(render_report(pages))
    hrefs = [a.get("href") for a in doc.cssselect("a[href]")]
    assert [h for h in hrefs if not h.startswith("#")] == ["HTTPS://example.com/ok"]
    assert [p.text_content() for p in doc.cssselect("p.url")] == [p.url for p in pages]


def test_hostile_label_gets_a_safe_class_and_escaped_legend():
    label = '"><script>alert(5)</script>'
    html = render_report([ReportPage("p", "abc def", [seg(label, 0, 3, "X", "r"), seg("body", 4, 7)])])
    assert "<script>alert(5)" not in html
    doc = parse(html)
    span = doc.cssselect("span.seg")[0]
    assert span.get("data-label") == label
    cls = label_class(label)
    assert re.fullmatch(r"lbl--[0-9a-f]{12}", cls) and cls in span.get("class").split()
    assert label in [li.text_content() for li in doc.cssselect(".legend li")]
    # The generated style sheet holds only class names and colours, never the label itself.
    style = doc.cssselect("style")[0].text_content()
    assert f".{cls} {{ background: {label_colour(label)}; }}" in style and "script" not in style


def test_csp_allows_exactly_the_reports_own_style_and_script():
    html = render_report([hostile_page()])
    doc = parse(html)
    csp = doc.cssselect('meta[http-equiv="Content-Security-Policy"]')[0].get("content")

    def digest(source: str) -> str:
        return "sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()

    # Taken from the raw HTML, not the parsed tree: the hash is over the exact characters.
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    assert f"style-src '{digest(style)}'" in csp
    assert f"script-src '{digest(script)}'" in csp
    assert "default-src 'none'" in csp and "unsafe" not in csp


# -- what is shown ----------------------------------------------------------------------------------------------


def two_pages() -> list[ReportPage]:
    a_text = "BEIRUT (Reuters) - The road reopened.\nRelated one\nRelated two\nReporting by A"
    a = ReportPage(
        "wire/a.txt",
        a_text,
        [
            seg("source", 0, 18, "SourceCleaner", "wire dateline"),
            seg("body", 19, 37),
            seg("related", 38, 49, "RelatedLinksCleaner", "header-led list"),
            seg("related", 50, 61, "RelatedLinksCleaner", "header-led list"),
            seg("source", 62, 76, "CreditCleaner", "credit line"),
        ],
    )
    b_text = "Headline\nThe body.\n(c) 2024 All rights reserved\npromo: subscribe"
    b = ReportPage(
        "wp/b.html",
        b_text,
        [
            seg("boilerplate", 0, 8, "HeadlineCleaner", "headline repeated"),
            seg("body", 9, 18),
            seg("boilerplate", 19, 47, "CopyrightCleaner", "copyright line"),
            seg("promo", 48, 64, "NewsletterCleaner", "newsletter prompt"),
        ],
        errors=[{"stage": "clean", "cleaner": "BrokenCleaner", "message": "ValueError: x"}],
    )
    assert (len(a_text), a_text[62:], len(b_text), b_text[48:]) == (76, "Reporting by A", 64, "promo: subscribe")
    return [a, b]


def table_rows(doc, selector: str) -> dict[str, list[str]]:
    rows = {}
    for tr in doc.cssselect(f"{selector} tbody tr"):
        cells = [c.text_content().strip() for c in tr]
        rows[cells[0]] = cells[1:]
    return rows


def test_summary_counts_by_label_and_by_cleaner():
    doc = parse(render_report(two_pages()))
    summary = doc.cssselect("#summary")[0]
    total = 76 + 64
    # label -> spans, characters, share of the raw text, pages
    assert table_rows(summary, "table.by-label") == {
        "body": ["2", "27", f"{27 / total:.1%}", "2"],
        "source": ["2", "32", f"{32 / total:.1%}", "1"],
        "related": ["2", "22", f"{22 / total:.1%}", "1"],
        "boilerplate": ["2", "36", f"{36 / total:.1%}", "1"],
        "promo": ["1", "16", f"{16 / total:.1%}", "1"],
    }
    # cleaner -> labels, spans, characters, pages (most characters first; unclaimed text last)
    cleaners = table_rows(summary, "table.by-cleaner")
    assert cleaners == {
        "CopyrightCleaner": ["boilerplate", "1", "28", "1"],
        "RelatedLinksCleaner": ["related", "2", "22", "1"],
        "SourceCleaner": ["source", "1", "18", "1"],
        "NewsletterCleaner": ["promo", "1", "16", "1"],
        "CreditCleaner": ["source", "1", "14", "1"],
        "HeadlineCleaner": ["boilerplate", "1", "8", "1"],
        "(none: unclaimed text)": ["body", "2", "27", "2"],
    }
    assert list(cleaners)[-1] == "(none: unclaimed text)"
    # Pages table: per-label span counts per page, errors flagged.
    pages = table_rows(summary, "table.pages")
    assert pages["1"] == ["wire/a.txt", "76", "5", "1", "2", "2", "0", "0", "0"]
    assert pages["2"] == ["wp/b.html", "64", "4", "1", "0", "0", "2", "1", "1"]
    assert "1 page with errors or segment problems" in summary.cssselect("p.counts")[0].text_content()


def test_per_page_tables_and_error_flag():
    doc = parse(render_report(two_pages()))
    second = doc.cssselect("#page-2")[0]
    by_label = table_rows(second, "table.by-label")
    assert by_label == {
        "body": ["1", "9", f"{9 / 64:.1%}"],
        "boilerplate": ["2", "36", f"{36 / 64:.1%}"],
        "promo": ["1", "16", f"{16 / 64:.1%}"],
    }
    assert list(by_label) == ["body", "boilerplate", "promo"]  # Sieve's labels first, then others
    errors = second.cssselect(".errors")[0].text_content()
    assert "1 error" in errors and "BrokenCleaner" in errors and "ValueError: x" in errors
    assert not doc.cssselect("#page-1 .errors")
    nav = doc.cssselect("#toc li")
    assert nav[0].get("class") is None and nav[1].get("class") == "flagged"
    assert "1 error" in nav[1].text_content()
    assert "4 spans: 1 body, 2 boilerplate, 1 promo" in nav[1].text_content()


def test_spans_carry_label_class_cleaner_reason_and_text():
    doc = parse(render_report(two_pages()))
    spans = doc.cssselect("#page-1 span.seg")
    assert [s.text_content() for s in spans] == [
        "BEIRUT (Reuters) -",
        "The road reopened.",
        "Related one",
        "Related two",
        "Reporting by A",
    ]
    first = spans[0]
    assert first.get("class").split() == ["seg", "lbl-source"]
    assert (first.get("data-cleaner"), first.get("data-reason")) == ("SourceCleaner", "wire dateline")
    assert (first.get("data-start"), first.get("data-end")) == ("0", "18")
    assert first.get("title") == "source \u2014 SourceCleaner: wire dateline [0\u201318]"
    body = spans[1]
    assert body.get("data-cleaner") is None and body.get("title") == "body \u2014 unclaimed [19\u201337]"
    assert [s.get("id") for s in spans] == [f"p1-s{i}" for i in range(5)]


def test_pager_links_and_anchors():
    pages = [ReportPage(f"p{i}", f"text {i}", [seg("body", 0, 6)]) for i in range(1, 4)]
    doc = parse(render_report(pages))
    assert [s.get("id") for s in doc.cssselect("section.view")] == ["summary", "page-1", "page-2", "page-3"]
    assert [a.get("href") for a in doc.cssselect("#toc a")] == ["#summary", "#page-1", "#page-2", "#page-3"]

    def pager(n: int) -> tuple:
        nav = doc.cssselect(f"#page-{n} nav.pager")[0]
        prev, nxt = nav.cssselect(".prev")[0], nav.cssselect(".next")[0]
        return prev.get("href"), nxt.get("href"), nav.cssselect(".pos")[0].text_content()

    assert pager(1) == (None, "#page-2", "1 / 3")
    assert pager(2) == ("#page-1", "#page-3", "2 / 3")
    assert pager(3) == ("#page-2", None, "3 / 3")


def hls(colour: str) -> tuple[float, float, float]:
    return colorsys.rgb_to_hls(*(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)))


def test_colours_known_labels_fixed_others_stable_and_distinct():
    assert label_colour("source") == KNOWN_COLOURS["source"]
    generated = {label: label_colour(label) for label in ("promo", "caption", "paywall", "ad", "comments")}
    assert len(set(generated.values())) == len(generated)
    assert not set(generated.values()) & set(KNOWN_COLOURS.values())
    known_hues = [hls(c)[0] for label, c in KNOWN_COLOURS.items() if label != "chrome"]  # chrome is a grey
    for label in [*generated, *(f"plugin{i}" for i in range(200))]:
        colour = label_colour(label)
        assert re.fullmatch(r"#[0-9a-f]{6}", colour)
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        assert 0.2126 * r + 0.7152 * g + 0.0722 * b > 150  # light enough for black text
        hue = hls(colour)[0]
        assert min(abs((hue - k + 0.5) % 1 - 0.5) for k in known_hues) * 360 >= 17.9, (label, colour)
    # The same label gets the same colour in another report, whatever else the report holds.
    one = render_report([ReportPage("a", "x y", [seg("promo", 0, 1, "P", "r")])])
    two = render_report(two_pages())
    rule = f".lbl-promo {{ background: {generated['promo']}; }}"
    assert rule in one and rule in two
    legend = [li.get("data-label") for li in parse(two).cssselect(".legend li")]
    assert legend == ["body", "source", "related", "boilerplate", "promo"]


def test_text_outside_segments_and_bad_segments_are_shown_not_lost():
    text = "\nalpha beta\r\ngamma\x00 delta"
    page = ReportPage(
        "bad",
        text,
        [
            seg("source", 7, 11, "S", "r"),  # "beta"
            seg("related", 9, 17, "R", "overlaps beta"),
            seg("boilerplate", 20, 999, "B", "past the end"),
            seg("boilerplate", 3, 3, "B", "empty"),
            ReportSegment("body", "x", 2),  # type: ignore[arg-type]
        ],
    )
    doc = parse(render_report([page]))
    # The browser-facing text is the raw text, character for character (CR kept, NUL shown as U+FFFD).
    assert raw_texts(doc) == [text.replace("\x00", "\ufffd")]
    problems = [li.text_content() for li in doc.cssselect(".problems li")]
    assert problems == [
        "body segment ('x', 2): offsets are not integers; not shown",
        "boilerplate segment (3, 3) is empty; not shown",
        "related segment (9, 17) overlaps the segment before it; shown from 11",
        f"boilerplate segment (20, 999) is outside the raw text (0..{len(text)}); clamped",
    ]
    spans = doc.cssselect("span.seg")
    assert [(s.get("data-label"), s.get("data-start"), s.get("data-end")) for s in spans] == [
        ("source", "7", "11"),
        ("related", "11", "17"),
        ("boilerplate", "20", str(len(text))),
    ]
    gap = doc.cssselect("pre span.gap")[0]
    assert gap.text_content() == "\nalpha "  # unsegmented non-blank text is marked, and counted
    assert "(in no segment)" in doc.cssselect("#summary table.by-label")[0].text_content()
    assert "flagged" == doc.cssselect("#toc li")[0].get("class")


def test_from_record_reads_scrapy_clean_output():
    record = {
        "title": "T",
        "segments": [
            {"label": "source", "start": 0, "end": 4, "cleaner": "SourceCleaner", "reason": "r", "text": "ABCD"},
            {"label": "body", "start": 5, "end": 8, "cleaner": None, "reason": ""},
        ],
        "errors": [{"stage": "clean", "cleaner": "X", "message": "m"}],
        "raw_text": "ABCD efg",
    }
    page = ReportPage.from_record("f.txt", record)
    assert page.raw_text == "ABCD efg" and page.title == "T" and page.url is None
    assert page.segments == [ReportSegment("source", 0, 4, "SourceCleaner", "r"), ReportSegment("body", 5, 8, None, "")]
    assert page.errors == [{"stage": "clean", "cleaner": "X", "message": "m"}]
    assert ReportPage.from_record("f.txt", {**record, "raw_text": None}, "other").raw_text == "other"
    assert ReportPage.from_record("x", {"segments": [], "errors": []}).raw_text == ""


def test_empty_report_is_still_a_document():
    doc = parse(render_report([]))
    assert doc.cssselect("#summary") and not doc.cssselect("section.page")
    assert "0 pages" in doc.cssselect("header.top")[0].text_content()


def test_pages_are_consumed_once_lazily():
    seen = []

    def gen():
        for i in range(3):
            seen.append(i)
            yield ReportPage(f"p{i}", "x")

    assert len(parse(render_report(gen())).cssselect("section.page")) == 3
    assert seen == [0, 1, 2]


@pytest.mark.parametrize("n_segments", [1, 40_000])
def test_a_megabyte_page_renders_quickly_and_exactly(n_segments):
    line = 'All work and <no> play & makes "Jack" a dull boy.\n'
    text = (line * (1_000_000 // len(line) + 1))[:1_000_000]
    step = len(text) // n_segments
    segments = [
        seg("body" if i % 3 else "boilerplate", i * step, min((i + 1) * step, len(text)), None if i % 3 else "C", "r")
        for i in range(n_segments)
    ]
    started = time.perf_counter()
    html = render_report([ReportPage("big", text, segments)])
    elapsed = time.perf_counter() - started
    # Linear work takes 0.01 s (1 segment) to 0.3 s (40,000 segments) here; quadratic string building
    # over a megabyte would take minutes. The bound is generous for slow CI machines.
    assert elapsed < 20, elapsed
    doc = parse(html)
    assert raw_texts(doc) == [text]
    assert len(doc.cssselect("span.seg")) == n_segments
