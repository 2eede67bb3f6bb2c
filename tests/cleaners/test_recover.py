"""Prose recovery: the paragraphs that continue a kept article come back; ads, lists and other regions do not."""

from __future__ import annotations

import lxml.html

from cleaners.document.linearise import linearise
from cleaners.document.recover import recover_prose

P = (
    "This paragraph of the article carries on the story with enough words to be prose, number {}, and it goes on "
    "for a while longer so that three of them make an article of some length worth continuing when it is cut."
)


def page(body: str) -> tuple[str, list]:
    return linearise(lxml.html.fromstring(f"<html><body>{body}</body></html>"))


def kept(text: str, blocks, flags) -> list[str]:
    return [text[b.start : b.end] for b, f in zip(blocks, flags, strict=True) if f]


def test_paragraphs_after_an_ad_break_come_back_and_the_ad_stays_out():
    html = (
        "<nav><p>" + P.format("nav") + "</p></nav><article>"
        + "".join(f"<p>{P.format(i)}</p>" for i in range(4))
        + "<div>Advertisement</div>"
        + "".join(f"<p>{P.format(i)}</p>" for i in range(4, 7))
        + "<ul><li>" + P.format("list") + "</li></ul><p>" + P.format("after the list") + "</p>"
        + "</article><aside><p>" + P.format("aside") + "</p></aside>"
    )  # fmt: skip
    text, blocks = page(html)
    first_four = [text[b.start : b.end] in {P.format(i) for i in range(4)} for b in blocks]
    out = kept(text, blocks, recover_prose(text, blocks, first_four))
    assert out == [P.format(i) for i in range(7)]


def test_a_long_block_of_another_kind_ends_the_walk():
    long_div = "A different block " * 10
    html = f"<article><p>{P.format(0)}</p><div>{long_div}</div><p>{P.format(1)}</p></article>"
    text, blocks = page(html)
    flags = [text[b.start : b.end] == P.format(0) for b in blocks]
    assert kept(text, blocks, recover_prose(text, blocks, flags)) == [P.format(0)]


def test_nothing_kept_or_no_prose_kept_changes_nothing():
    text, blocks = page(f"<article><p>{P.format(0)}</p><p>Short.</p><p>{P.format(1)}</p></article>")
    assert recover_prose(text, blocks, [False] * len(blocks)) == [False] * len(blocks)
    short_only = [text[b.start : b.end] == "Short." for b in blocks]
    assert recover_prose(text, blocks, short_only) == short_only


def test_one_stray_block_after_a_long_article_does_not_come_back():
    paragraphs = "".join(f"<p>{P.format(i)}</p>" for i in range(6))
    caption = "In this file photo, made available by the agency, two astronauts work outside the station in orbit."
    text, blocks = page(f"<article>{paragraphs}<p>{caption}</p></article>")
    flags = [text[b.start : b.end] != caption for b in blocks]
    assert recover_prose(text, blocks, flags) == flags
