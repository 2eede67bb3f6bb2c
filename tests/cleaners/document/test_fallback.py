"""The fuller extraction takes more of the same article, never another part of the page."""

from __future__ import annotations

from cleaners.document.extract import extended
from cleaners.document.linearise import Block

PARA = "word " * 70  # a paragraph: more than a stray box
STRAY = "word " * 30


def page(*blocks: tuple[str, str, str]) -> tuple[str, list[Block]]:
    """``(text, tag, region)`` per block, one a line."""
    text, out, pos = "", [], 0
    for body, tag, region in blocks:
        out.append(Block(pos, pos + len(body), region, tag))
        text += body + "\n"
        pos = len(text)
    return text, out


def test_paragraphs_between_and_after_the_kept_ones_are_taken_up_to_the_next_story():
    text, blocks = page(
        (PARA, "p", "article"), ("Advertisement", "div", "article"), (PARA, "p", "article"), (PARA, "p", "article"),
        ("Another story", "h1", "article"), (PARA, "p", "article"),
    )  # fmt: skip
    kept = [True, False, False, False, False, False]
    fuller = [True, False, True, True, True, True]
    assert extended(text, blocks, kept, fuller) == [True, False, True, True, False, False]


def test_the_article_ends_with_its_region():
    text, blocks = page((PARA, "p", "article"), (PARA, "p", "article"), (PARA, "p", "aside"))
    assert extended(text, blocks, [True, False, False], [True, True, True]) == [True, True, False]


def test_a_fuller_extraction_of_another_part_of_the_page_is_refused():
    text, blocks = page(*[(PARA, "p", "article")] * 5)
    # The first extraction kept four paragraphs; the fuller one drops them for the fifth (comments, say).
    assert extended(text, blocks, [True, True, True, True, False], [False, False, False, False, True]) is None


def test_a_kept_stray_box_is_replaced_only_by_something_much_larger():
    text, blocks = page((STRAY, "p", "main"), *[(PARA, "p", "main")] * 5)
    stray = [True, False, False, False, False, False]  # 30 words: no article
    assert extended(text, blocks, stray, [False, True, True, True, True, False]) == [
        False,
        True,
        True,
        True,
        True,
        False,
    ]
    assert extended(text, blocks, stray, [False, True, False, False, False, False]) is None
