"""What counts as an item of a related list: a headline of another story, not a label, a card's metadata or a front."""

from __future__ import annotations

import pytest

from cleaners.builtin.items import is_front_url, is_meta_anchor, is_related_item, is_story_url

PAGE = "https://news.example/world/2023/12/01/ceasefire-talks-resume-in-cairo"


@pytest.mark.parametrize(
    ("title", "url"),
    [
        ("Ceasefire talks resume in Cairo after a week", "https://news.example/world/ceasefire-talks-resume"),
        ("Pharmacare wishes", "https://news.example/opinion/article_8d875330-a0e5-11ee.html"),  # id: a story
        ("Bus network to be redrawn", "https://news.example/transport/bus-network-to-be-redrawn"),
        ("Truck bomb kills dozens", None),  # a printed headline without a link (raw-text pages)
    ],
)
def test_headlines_of_other_stories_are_items(title: str, url: str | None) -> None:
    assert is_related_item(title, url, PAGE)


@pytest.mark.parametrize(
    ("title", "url"),
    [
        ("Food and Drink", "https://news.example/life/food-and-drink/"),  # a section label
        ("Breaking News Headlines & Top Stories", "https://news.example/"),  # the front page
        ("World news and analysis today", "https://news.example/world/"),  # a one-word section
        ("12 min read", "https://news.example/history/space-station-20th-food-on-iss/"),  # a card's reading time
        ("Article 3 years ago", "https://news.example/history/space-station-20th-food-on-iss/"),
        ("Read more", "https://news.example/world/ceasefire-talks-resume"),
        ("Ceasefire talks resume in Cairo", PAGE),  # the page itself
        ("Click to share on Facebook (Opens in new window)", PAGE + "/?share=facebook"),  # and its share link
    ],
)
def test_labels_fronts_and_card_metadata_are_not(title: str, url: str | None) -> None:
    assert not is_related_item(title, url, PAGE)


def test_url_shapes() -> None:
    assert is_front_url("https://news.example/") and is_front_url("https://news.example/sport")
    assert not is_front_url("https://news.example/sport/cup-final-goes-to-extra-time")
    assert is_story_url("https://news.example/a/b/12345") and is_story_url("https://x.example/one-two-three-four")
    assert not is_story_url("https://news.example/life/food-and-drink/")
    assert is_meta_anchor("4 min read") and not is_meta_anchor("Four more years for the mayor")


def test_a_query_addressed_site_links_other_pages_and_a_share_link_is_the_page_itself() -> None:
    page = "https://herald.example/news/article.php?id=30341"
    assert is_related_item(
        "Oman LNG signs supply deal with Japanese buyer", "https://herald.example/news/article.php?id=30344", page
    )
    assert not is_related_item("Share this story with a friend today", page + "&share=mail", page)
