"""The article decision: declared types are believed, otherwise several signals are weighed, none alone."""

from __future__ import annotations

import re

from cleaners.document.article import check_article

BRIEF = (
    "The port authority said on Tuesday that the northern breakwater would close for repairs from next week, "
    "diverting small craft to the southern channel for about a month. Harbour master Lina Haddad said the work "
    "had been planned since the winter storms damaged the outer wall. Fishing cooperatives asked for the "
    "closure to be moved to the off season, but the authority said the damage could not wait. Ferry services "
    "will not be affected, and the marina will stay open to visitors throughout the works, the statement said."
)  # about 100 words: a wire brief


def verdict(html: str, url: str = "https://news.example.com/2024/05/07/breakwater-closes-for-repairs"):
    return check_article(html, url, None, min_chars=800)


def test_a_short_brief_with_a_headline_in_an_article_element_is_an_article():
    v = verdict(f"<html><body><article><h1>Breakwater closes</h1><p>{BRIEF}</p></article></body></html>")
    assert (v.is_article, v.reason) == (True, "signals"), v.detail


def test_og_type_website_does_not_veto_a_long_article():
    body = "".join(f"<p>{BRIEF}</p>" for _ in range(3))
    html = f"<html><head><meta property='og:type' content='website'></head><body><h1>T</h1>{body}</body></html>"
    assert verdict(html).is_article


def test_declared_types_and_the_sites_article_pattern_are_believed():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
    assert verdict(f"<html><head>{ld}</head><body><p>Short.</p></body></html>").reason == "jsonld"
    og = "<meta property='og:type' content='article'>"
    assert verdict(f"<html><head>{og}</head><body><p>Short.</p></body></html>").reason == "og-article"
    page = "<html><body><p>Short.</p></body></html>"
    pattern = re.compile(r"/2024/\d\d/")
    assert check_article(page, "https://news.example.com/2024/05/x", pattern, 800).reason == "url-pattern"


def test_a_listing_of_teasers_is_not_an_article_even_with_a_headline_and_text():
    cards = "".join(f"<article><h2><a href='/s/{i}'>Story {i}</a></h2><p>{BRIEF[:120]}</p></article>" for i in range(8))
    v = verdict(f"<html><body><h1>News</h1>{cards}</body></html>", "https://news.example.com/news/")
    assert (v.is_article, v.reason) == (False, "listing")
    ld = ",".join('{"@type": "NewsArticle", "headline": "h"}' for _ in range(5))
    html = f'<html><head><script type="application/ld+json">[{ld}]</script></head><body><p>x</p></body></html>'
    assert not verdict(html).is_article  # five articles declared on one page: a listing


def test_a_page_with_little_text_is_not_an_article():
    v = verdict("<html><body><h1>About us</h1><p>Contact the desk.</p></body></html>", "https://news.example.com/about")
    assert (v.is_article, v.reason) == (False, "too-little-text")
