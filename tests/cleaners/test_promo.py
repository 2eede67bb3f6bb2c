"""PromoCleaner: calls to action and widget labels are claimed; prose that mentions them is not."""

from __future__ import annotations

import pytest

from cleaners.builtin.promo import PromoCleaner, promo_reason
from cleaners.page import Page


@pytest.mark.parametrize(
    "line",
    [
        "Get the latest updates right in your inbox. Subscribe to NJ.com’s newsletters.",
        "Sign Up: Stay on top of the latest breaking film and TV news! Sign up for our Email Newsletters here.",
        "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
        "Like this story? Share it with a friend!",
        "CLICK HERE TO GET THE FOX NEWS APP",
        "Subscribe to the Morning Review newsletter",
        "Listen: http://po.st/TP_615",
        "Comments",
        "Explore further",
        "Thanks for signing up!",
        "If you buy something through this post, IGN may get a share of the sale. For more, learn more.",
    ],
)
def test_promotion_lines_are_claimed(line: str):
    assert promo_reason(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "The newsletter, which has 40,000 subscribers, was sold to a rival publisher on Monday.",
        "Follow-up talks are expected next week, the ministry said.",
        "Sign up for the Disney+ bundle using the same email as your Hulu account",
        "Get started with the basics here.",
        "Readers commented on the decision in their thousands.",
        "He said Twitter had suspended the account after the comments were reported to police, and that the "
        "company would click through every complaint it received about harassment in the coming weeks and months "
        "because it had promised its users to act, which it had not done in the past, the lawyer said on Friday.",
    ],
)
def test_prose_is_not_claimed(line: str):
    assert promo_reason(line) is None


def test_cleaner_claims_whole_lines_only():
    text = "Body sentence one.\nFollow us on Twitter\nBody sentence two.\n"
    spans = list(PromoCleaner().find(Page(text)))
    assert [text[s.start : s.end] for s in spans] == ["Follow us on Twitter"]
    assert spans[0].label == "boilerplate"


@pytest.mark.parametrize(
    "line",
    [
        "Pick Six Newsletter",
        "Follow AP's full coverage of Brexit and British politics at https://www.apnews.com/Brexit",
    ],
)
def test_newsletter_box_titles_and_coverage_links_are_claimed(line: str):
    assert promo_reason(line) is not None


def test_a_sentence_about_a_newsletter_is_not_a_box_title():
    assert promo_reason("The council voted to close the newsletter.") is None
    assert promo_reason("Lawmakers will follow the coverage closely, she said.") is None


def test_a_platform_named_in_a_sentence_is_not_a_call_to_action():
    assert promo_reason("Get this: Facebook paid $5bn to settle the case.") is None
    assert promo_reason("Follow the money: Instagram made more than its parent expected.") is None
    assert promo_reason("Listen to The Tennis Podcast on Spotify") is not None
