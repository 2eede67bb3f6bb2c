"""HeadlineCleaner: the metadata title repeated at the top is claimed; body lines are not."""

from __future__ import annotations

from cleaners.builtin.headline import HeadlineCleaner, matches_title
from cleaners.page import Page


def claimed(text: str, title: str | None) -> list[str]:
    page = Page(text, metadata={"title": title})
    return [text[s.start : s.end] for s in HeadlineCleaner().find(page)]


def test_title_with_a_site_suffix_matches_the_bare_headline():
    assert matches_title("PG&E begins new mass power shutoff", "PG&E begins new mass power shutoff - Times Union")
    assert not matches_title(
        "PG&E said on Tuesday it would begin a new power shutoff across the state.",
        "PG&E begins new mass power shutoff",
    )


def test_headline_and_short_kicker_are_claimed_body_is_not():
    text = "Review\nCells That Taste Danger\nTuft cells in the gut sense parasites, researchers found.\n"
    assert claimed(text, "Cells That Taste Danger | Quanta Magazine") == ["Review", "Cells That Taste Danger"]


def test_no_title_or_no_match_claims_nothing():
    text = "Cells That Taste Danger\nBody.\n"
    assert claimed(text, None) == []
    assert claimed(text, "Something else entirely") == []


def test_a_title_repeated_deep_in_the_body_is_left_alone():
    text = "First paragraph.\nSecond paragraph.\nThird paragraph.\nFourth paragraph.\nThe Headline Here\n"
    assert claimed(text, "The Headline Here") == []
