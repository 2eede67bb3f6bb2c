"""The whole visible page as lines: blocks, regions, list items, links, hidden and hostile markup."""

from __future__ import annotations

import random
import re
import sys
import time

import lxml.etree
import lxml.html

from cleaners.document.linearise import _normalise_space, linearise
from cleaners.document.parse import parse_html


def lines(html: str) -> list[str]:
    text, blocks = linearise(parse_html(html))
    assert text.split("\n") == [text[b.start : b.end] for b in blocks]  # a block a line, nothing else
    return text.split("\n")


def test_blocks_are_lines_and_inline_text_joins_as_a_browser_draws_it():
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<p>First  <b>bold</b>\n word.</p><div>Two<br>lines</div>"
        "<ul><li>one</li><li><span>against ISIS</span><span>GMT 22:04 2017 Monday ,23 October</span></li></ul>"
        "<table><tr><td>a cell</td><td>another</td></tr></table>"
        "<script>var x = 1;</script><p hidden>secret</p><p style='display: none'>also secret</p>"
        "<template><p>never</p></template><p>Last</p></body></html>"
    )
    assert lines(html) == [
        "First bold word.",
        "Two",
        "lines",
        "one",
        "against ISISGMT 22:04 2017 Monday ,23 October",  # glued, exactly as the page draws it
        "a cell",
        "another",
        "Last",
    ]


def test_each_block_knows_its_region_its_links_and_its_list_item():
    html = (
        "<body><header><nav><a href='/'>Home</a></nav></header>"
        "<main><article><h1>Title</h1><p>Text with <a href='/x'>a link</a> inside.</p></article>"
        "<aside><ul><li><span>GMT 1</span><a href='/a'>Headline A</a></li><li><a href='/b'>Headline B</a>"
        "<p>Its teaser.</p></li></ul></aside></main>"
        "<div class='site-footer'><p>© 2024 X</p></div><div role='contentinfo'>Contact</div></body>"
    )
    text, blocks = linearise(parse_html(html))
    got = [(text[b.start : b.end], b.region) for b in blocks]
    assert got == [
        ("Home", "nav"),
        ("Title", "article"),
        ("Text with a link inside.", "article"),
        ("GMT 1Headline A", "aside"),
        ("Headline B", "aside"),
        ("Its teaser.", "aside"),
        ("© 2024 X", "footer"),  # a class word names the region on a page without semantic elements
        ("Contact", "footer"),  # so does an ARIA role
    ]
    link = blocks[2].links[0]
    assert (text[link.start : link.end], link.href) == ("a link", "/x")
    # A headline and its teaser share their list item; the next item is another one.
    assert blocks[4].item == blocks[5].item != blocks[3].item != 0
    assert blocks[0].item == 0


def test_an_anchor_around_blocks_is_a_link_in_each_of_them():
    text, blocks = linearise(parse_html("<body><a href='/card'><h3>Card title</h3><p>Card text</p></a></body>"))
    assert [(text[link.start : link.end], link.href) for b in blocks for link in b.links] == [
        ("Card title", "/card"),
        ("Card text", "/card"),
    ]


def test_marked_elements_flag_their_blocks():
    root = parse_html("<body><p>out</p><div class='main'><p>in one</p><p>in two</p></div><p>out again</p></body>")
    text, blocks = linearise(root, set(root.cssselect(".main")))
    assert [(text[b.start : b.end], b.marked) for b in blocks] == [
        ("out", False),
        ("in one", True),
        ("in two", True),
        ("out again", False),
    ]


def test_preformatted_text_keeps_its_lines():
    assert lines("<body><pre>a = 1\n  b = 2</pre></body>") == ["a = 1", "b = 2"]


def test_deep_nesting_is_walked_without_recursion():
    # libxml2 stops nesting at 256 elements (deeper text is dropped by the parser, not by Sieve); the walk
    # itself must not care how deep a page goes.
    depth = 120  # 240 elements
    html = "<body>" + "<div><span>" * depth + "deep" + "</span></div>" * depth + "</body>"
    assert lines(html) == ["deep"]


def test_a_hostile_page_of_many_blocks_is_linear():
    html = "<body>" + "<p>x</p><br>" * 50_000 + "</body>"
    t0 = time.perf_counter()
    assert len(lines(html)) == 50_000
    assert time.perf_counter() - t0 < 60  # a generous bound against a quadratic walk, not a speed test


def test_a_tree_ten_thousand_levels_deep_is_walked_without_recursion():
    # Built directly: the parser would stop at 256 levels, a tree handed to linearise need not.
    root = lxml.html.Element("html")
    el = lxml.etree.SubElement(root, "body")
    for i in range(10_000):
        el = lxml.etree.SubElement(el, ("div", "span", "a", "li")[i % 4], {"class": "nav-menu"} if i % 5 == 0 else {})
        if el.tag == "a":
            el.set("href", f"/{i}")
        el.text = f"t{i}" if i % 1000 == 0 else None
    el.text = "deepest"
    assert sys.getrecursionlimit() < 10_000  # so a recursive walk would fail here
    text, blocks = linearise(root, {el})
    assert text.split("\n")[-1] == "deepest" and blocks[-1].marked and blocks[-1].region == "nav"
    assert len(blocks) == 11


def test_whitespace_fast_path_is_the_regex_it_skips():
    # The fast path rests on this: the only whitespace a printable string can hold is the ASCII space.
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c.isprintable()] == [" "]
    spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
    alphabet = [*spaces, " ", " ", "a", "b", "\u0627", "\u200b", "\u00ad", "\ufeff", "\u0301", "x y"]
    rng = random.Random(7)
    samples = [*spaces, *(f"{a}x{b}" for a in spaces for b in (" ", "\n", "")), "a  b", " a b ", "\n  a\n  "]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(20_000)]
    for text in samples:
        assert _normalise_space(text) == re.sub(r"\s+", " ", text), repr(text)


def test_hidden_article_paragraphs_are_text_but_hidden_chrome_is_not():
    para = (
        "The council voted on Tuesday night to close the Eastside pool for a full rebuild, "
        "ending months of debate over it."
    )
    assert len(para) >= 110  # a paragraph, not a label
    html = (
        f"<html><body><p>{para}</p>"
        f'<div class="subscriber-only" style="display:none"><p>{para} Second.</p></div>'
        f'<div hidden><div class="menu">Home Sports Weather</div></div>'
        f'<div style="display:none"><p>Subscribe to keep reading.</p><a href="/s">Subscribe</a></div>'
        "</body></html>"
    )
    assert lines(html) == [para, f"{para} Second."]


def test_a_short_paragraph_in_one_more_of_the_pages_hidden_prose_boxes_is_text_too():
    para = (
        "Engineers told the council in January that the pool's shell had cracked in three places and that patching it"
        " would buy five years."
    )
    assert len(para) >= 120
    box = '<div class="subscriber-only" style="display:none"><p>{}</p></div>'
    html = (
        f"<html><body><p>{para}</p>{box.format(para + ' Second.')}<script>x()</script>"
        f"{box.format('Events, dear reader. Events.')}"
        '<div class="offer" style="display:none"><p>Keep reading.</p></div>'  # not one of the prose boxes
        f'<div class="subscriber-only" style="display:none"><p>Subscribe</p><button>Join now for one dollar a week, '
        "cancel at any time you like</button></div>"  # text outside its paragraphs: an offer
        "</body></html>"
    )
    assert lines(html) == [para, f"{para} Second.", "Events, dear reader. Events."]
