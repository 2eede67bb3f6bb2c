"""The page's and the cleaners' fast paths give what the plain code they replace gives.

Each fast path is checked against a straightforward reference (the code it
replaced, kept here) on generated pages: lines, claims and main ranges at
random, including claims that cut lines and main ranges that overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners.builtin.copyright import TRIGGER_RE as COPYRIGHT_TRIGGER
from cleaners.builtin.credits import TRIGGER_RE as CREDIT_TRIGGER
from cleaners.builtin.metalines import TRIGGER_RE as META_TRIGGER
from cleaners.builtin.promo import TRIGGER_RE as PROMO_TRIGGER
from cleaners.page import Block, Line, Link, Page, Span, _line
from cleaners.text import normalise_ws, trim, word_stems

PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = ["copyright", "© 2020", "share", "Photo: AP", "12:30", "x", "http://a.b", "rights", " ", "  ", "word"]
TEXT = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(["\n", "\n\n", " \n ", "\t"])), max_size=40).map(
    "".join
)


def reference_lines(page: Page, main: bool = False, containing: re.Pattern[str] | None = None) -> Iterator[Line]:
    """``Page.lines`` as it was: every stripped line, one by one, cut by the claims."""
    text, spans = page.text, page.spans
    for m in re.finditer(r"[^\S\n]*([^\n]*\S)", text):
        s, e = m.span(1)
        if main and not page.in_main(s, e):
            continue
        if containing is not None and not containing.search(page.lower_text, s, e):
            continue
        pos = s
        for span in spans:
            if span.end <= pos or span.start >= e:
                continue
            cs, ce = trim(text, pos, span.start) if span.start > pos else (pos, pos)
            if cs < ce and (not main or page.in_main(cs, ce)):
                if containing is None or containing.search(page.lower_text, cs, ce):
                    yield Line(cs, ce, text[cs:ce])
            pos = max(pos, span.end)
        if pos == s:
            yield Line(s, e, text[s:e])
            continue
        cs, ce = trim(text, pos, e)
        if cs < ce and (not main or page.in_main(cs, ce)):
            if containing is None or containing.search(page.lower_text, cs, ce):
                yield Line(cs, ce, text[cs:ce])


@st.composite
def pages(draw: st.DrawFn) -> Page:
    """A page with main ranges (perhaps overlapping) and disjoint claims, as the chain would add them."""
    text = draw(TEXT)
    n = len(text)
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=6)))
    main = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    if draw(st.booleans()) and n:
        main.append(tuple(sorted(draw(st.tuples(st.integers(0, n), st.integers(0, n))))))  # may overlap the others
    page = Page(text, main=main)
    bounds = sorted(set(draw(st.lists(st.integers(0, n), max_size=8))))
    for a, b in zip(bounds[::2], bounds[1::2], strict=False):
        page.add(Span(a, b, "boilerplate"))
    return page


@PROPS
@given(pages(), st.booleans())
def test_lines_are_the_plain_walk(page: Page, main: bool) -> None:
    assert list(page.lines(main=main)) == list(reference_lines(page, main))
    assert list(page.lines(main=main)) == list(reference_lines(page, main))  # again, from the cache


@PROPS
@given(pages(), st.booleans(), st.sampled_from([COPYRIGHT_TRIGGER, CREDIT_TRIGGER, PROMO_TRIGGER, META_TRIGGER]))
def test_lines_containing_are_the_plain_walk(page: Page, main: bool, trigger: re.Pattern[str]) -> None:
    assert list(page.lines(main=main, containing=trigger)) == list(reference_lines(page, main, trigger))


def test_lines_follow_new_claims() -> None:
    page = Page("one two\nthree four\nfive")
    assert [x.text for x in page.lines()] == ["one two", "three four", "five"]
    page.add(Span(8, 13, "boilerplate"))
    assert [x.text for x in page.lines()] == ["one two", "four", "five"]


@PROPS
@given(pages())
def test_main_flags_are_in_main(page: Page) -> None:
    for line, in_main in page._all_lines():
        assert in_main == page.in_main(line.start, line.end)


def test_fast_line_is_a_line() -> None:
    line = _line(3, 7, "abcd")
    assert line == Line(3, 7, "abcd") and type(line) is Line and hash(line) == hash(Line(3, 7, "abcd"))
    with pytest.raises(AttributeError):
        line.start = 4  # type: ignore[misc]  # still frozen


STEMS = r"comment|copy link|x\b|wires?\b|e-?mail|права|hak cipta|app\b"
PLAIN = re.compile(rf"\b(?:{STEMS})")


@pytest.mark.parametrize("after_first", [False, True])
@PROPS
@given(text=st.text(alphabet="comentpyilkxwrsa-прав hkcipt.\n_1", max_size=60))
def test_word_stems_match_where_the_plain_alternation_does(after_first: bool, text: str) -> None:
    grouped = re.compile(word_stems(STEMS, boundary_after_first=after_first))
    for pos in range(len(text) + 1):
        assert (grouped.match(text, pos) is None) == (PLAIN.match(text, pos) is None)
        for end in range(pos, len(text) + 1):
            assert (grouped.search(text, pos, end) is None) == (PLAIN.search(text, pos, end) is None)


@pytest.mark.parametrize("stem", [".com", "(a|b)", "[ab]c", "a?b", ""])
def test_word_stems_refuses_what_it_cannot_group(stem: str) -> None:
    with pytest.raises(ValueError):
        word_stems(f"word|{stem}")


def _linked_page() -> Page:
    """Three blocks; "Fire  guts mill" is linked twice (first without an http URL), "Menu" once."""
    text = "Fire  guts mill\nMenu Fire guts mill\nnothing here"
    blocks = [
        Block(0, 15, "main", "p", links=(Link(0, 15, "mailto:x@example.com"),)),
        Block(16, 35, "nav", "li", links=(Link(16, 20, "/menu"), Link(21, 35, "/news/fire-guts-mill"))),
        Block(36, 48, "main", "p"),
    ]
    return Page(text, url="https://example.com/a", blocks=blocks)


def test_url_of_text_is_links_get() -> None:
    for title in ["Fire guts mill", "Menu", "nothing", "Fire"]:
        assert _linked_page()._url_of_text(title) == _linked_page().links.get(title)
    page = _linked_page()
    assert page._url_of_text("Fire guts mill") == "https://example.com/news/fire-guts-mill"
    assert page._links is None  # found without resolving every link of the page
    given = Page("x", links={"Given": "https://example.com/g"})
    assert given._url_of_text("Given") == "https://example.com/g"


def test_anchor_texts_hold_every_text_links_has() -> None:
    page = _linked_page()
    assert set(page.links) <= set(page._anchor_texts())
    assert set(page._anchor_texts()) == {"Fire guts mill", "Menu"}
    assert set(Page("x", links={"Given": "u"})._anchor_texts()) == {"Given"}


def test_first_anchor_in_is_the_first_of_anchors_in() -> None:
    page = _linked_page()
    n = len(page.text)
    for start in range(n + 1):
        for end in range(start, n + 1):
            anchors = page.anchors_in(start, end)
            assert page._first_anchor_in(start, end) == (anchors[0] if anchors else None)


def test_chain_counts_reasons_and_spans_in_stats() -> None:
    from tests.conftest import make_chain

    chain = make_chain()  # with the offline crawler's stats collector, as `scrapy clean` has
    assert chain.stats is not None
    chain.run(Page("Story text here.\nCopyright 2020 Example Media. All rights reserved.\nMore text."))
    stats = chain.stats.get_stats()
    assert stats["sieve/reasons/copyright.notice"] == 1
    assert stats["cleaners/cleaners.builtin.CopyrightCleaner/spans"] == 1
    assert stats["cleaners/cleaners.builtin.CopyrightCleaner/seconds"] > 0


@PROPS
@given(
    st.text(
        alphabet=st.sampled_from(list("ab \t\n\r\x0b\x0c\x1c\x1d\x85\xa0\u1680\u2000\u2028\u3000\u200b.")), max_size=40
    )
)
def test_split_join_is_normalise_ws(text: str) -> None:
    """What ``CleanResult.body`` relies on: ``str.split()`` splits where ``normalise_ws``'s ``\\s+`` does."""
    assert " ".join(text.split()) == normalise_ws(text)


def test_credit_tail_is_no_longer_than_its_bound() -> None:
    """``credit_reason`` searches only the last ``CREDIT_TAIL_MAX`` (+1) characters of a line for the credit."""
    from re import _parser  # type: ignore[attr-defined]

    from cleaners.builtin import credits

    assert _parser.parse(credits._CREDIT_TAIL_RE.pattern).getwidth()[1] <= credits.CREDIT_TAIL_MAX


@pytest.mark.parametrize("pad", [0, 1, 50, 200])
def test_credit_tail_found_after_a_long_caption(pad: int) -> None:
    from cleaners.builtin.credits import credit_reason

    for tail in ["(credit: NASA)", "Photo: AP Photo/Jane Doe, the photographer of record", "in New York.Reuters"]:
        for end in ["", "\n"]:
            text = "x" * pad + " Caption words here " + tail + end
            assert credit_reason(text) == ("credit.caption" if len(text.split()) <= 40 else None)


def test_case_fold_oddities_are_all_there_are() -> None:
    """Every character ``re.I`` matches with an ASCII letter lowers to that letter, bar ``CASE_FOLD_ODDITIES``.

    And lowering keeps each other character one character, a word character
    or not, a space or not: so ``\\w``, ``\\b`` and ``\\s`` see the lowered line as ``re.I`` sees the line.
    """
    import string
    import sys

    from cleaners.builtin.promo import CASE_FOLD_ODDITIES

    letter = re.compile("[a-z]", re.I)
    odd = set()
    for cp in range(128, sys.maxunicode + 1):
        c = chr(cp)
        low = c.lower()
        if len(low) != 1 or low in string.ascii_letters or letter.fullmatch(c):
            odd.add(c)
        elif c.isalnum() != low.isalnum() or c.isspace() != low.isspace():
            odd.add(c)
    assert odd == set(CASE_FOLD_ODDITIES)


@PROPS
@given(
    st.lists(
        st.sampled_from(
            [
                "Sign up",
                "SUBSCRIBE to our",
                "Newsletter",
                "ſign up for our",
                "İnbox",
                "delivered to your inbox",
                "click HERE",
                "Get the App",
                "x",
                " ",
                "’",
                "Affiliate link",
                "KLICK",
                "ı",
                "tap here",
                "\u00e9",
            ]
        ),
        max_size=8,
    ).map(" ".join)
)
def test_phrase_on_the_lowered_line_is_the_case_insensitive_phrase(text: str) -> None:
    from cleaners.builtin.promo import _PHRASE_RE, _has_phrase

    literal = re.sub(r"\\.", "", _PHRASE_RE.pattern)  # escapes such as \S and \b are classes, not letters
    assert literal == literal.lower()
    assert _has_phrase(text, text.lower()) == (_PHRASE_RE.search(text) is not None)


@PROPS
@given(st.text(alphabet="wh.tp1:：x \n٣", max_size=30))
def test_meta_trigger_matches_where_the_plain_one_does(text: str) -> None:
    plain = re.compile(r"[\d:：]|www\.|http")
    for pos in range(len(text) + 1):
        for end in range(pos, len(text) + 1):
            assert (META_TRIGGER.search(text, pos, end) is None) == (plain.search(text, pos, end) is None)
