"""RelatedLinksCleaner: timestamped headline runs (glued or not) and header-led lists; body times stay body."""

from __future__ import annotations

import pytest

from cleaners.api import Sieve
from cleaners.builtin.related import RelatedLinksCleaner
from cleaners.page import Page


def run(text: str, links: dict[str, str] | None = None):
    page = Page(text, links=links)
    spans = sorted(RelatedLinksCleaner().find(page), key=lambda s: s.start)
    return spans, [
        (s.data.get("title"), s.data.get("published"), s.data.get("url")) for s in spans if "title" in s.data
    ]


def article(sentence: str, headline: str, n: int = 30) -> str:
    """An ``<article>`` of ``n`` numbered sentences: prose enough for the extractor to take it as the article."""
    prose = " ".join(sentence.format(i) for i in range(n))
    return f"<article><h1>{headline}</h1><p>{prose}</p></article>"


def related_titles(html: str, url: str) -> list[str]:
    return [item["title"] for item in Sieve().clean(html, url=url).related_links]


def test_glued_run_stamp_first_gives_each_headline_its_preceding_time():
    text = (
        "Body sentence ends here.\n"
        "GMT 16:39 2017 Sunday ,05 November\n"
        "Truck bomb kills dozens fleeing fighting against ISISGMT 22:04 2017 Monday ,23 October\n"
        "Syrian army controls entire Damascus-Deir Ezzor highway"
    )
    spans, links = run(text)
    assert links == [
        ("Truck bomb kills dozens fleeing fighting against ISIS", "2017-11-05T16:39:00+00:00", None),
        ("Syrian army controls entire Damascus-Deir Ezzor highway", "2017-10-23T22:04:00+00:00", None),
    ]
    assert text[spans[0].start : spans[-1].end].startswith("GMT 16:39")
    assert text[spans[-1].end :] == ""


def test_unglued_run_with_each_headline_on_the_line_after_its_stamp():
    text = (
        "GMT 11:05 2019 Sunday ,02 June\nLebanese army deploys in Tripoli\n"
        "GMT 19:40 2019 Thursday ,30 May\nHariri meets IMF delegation on public debt\n"
    )
    _, links = run(text)
    assert links == [
        ("Lebanese army deploys in Tripoli", "2019-06-02T11:05:00+00:00", None),
        ("Hariri meets IMF delegation on public debt", "2019-05-30T19:40:00+00:00", None),
    ]


def test_headline_first_run_with_date_lines():
    text = (
        "Related Posts\nCouncil votes to expand bike lanes\nMarch 3, 2021\n"
        "New ferry terminal design unveiled\nFebruary 24, 2021\n"
    )
    spans, links = run(text)
    assert links == [
        ("Council votes to expand bike lanes", "2021-03-03", None),
        ("New ferry terminal design unveiled", "2021-02-24", None),
    ]
    assert text[spans[0].start : spans[0].end] == "Related Posts"  # the header over the run is claimed too


def test_a_wrong_weekday_keeps_the_headline_but_not_the_time():
    text = "GMT 16:39 2017 Monday ,05 November\nFirst headline here\nGMT 22:04 2017 Monday ,23 October\nSecond headline"
    spans, links = run(text)
    assert links[0] == ("First headline here", None, None)
    assert spans[0].reason == "related.stamped"
    assert spans[0].data["problem"] == "weekday Monday does not match 2017-11-05"
    assert links[1][1] == "2017-10-23T22:04:00+00:00"


def test_header_led_list_takes_urls_from_the_html_links():
    text = "Body.\nRelated coverage\nGreen Line test runs begin\nBus network to be redrawn\nThe end of the page."
    links = {
        "Green Line test runs begin": "https://news.example/transport/green-line-test-runs-begin",
        "Bus network to be redrawn": "https://news.example/transport/bus-network-to-be-redrawn",
    }
    spans, got = run(text, links)
    assert got == [
        ("Green Line test runs begin", None, "https://news.example/transport/green-line-test-runs-begin"),
        ("Bus network to be redrawn", None, "https://news.example/transport/bus-network-to-be-redrawn"),
    ]
    assert [text[s.start : s.end] for s in spans][0] == "Related coverage"
    assert "The end of the page." not in [text[s.start : s.end] for s in spans]


def test_inline_read_more():
    _, links = run("Body.\nRead more: Photographers push back on image scraping\n")
    assert links == [("Photographers push back on image scraping", None, None)]


def test_times_and_dates_inside_body_sentences_stay_body():
    text = (
        "Ministers met at 10:30 on Monday and agreed on 5 November 2017 to extend the deal.\n"
        "Brent rose by 1400 GMT, its highest since 2017-11-05, traders said.\n"
        "The river crested at 24.6 feet late Tuesday, the highest since March 3, 2021.\n"
    )
    spans, _ = run(text)
    assert spans == []


def test_a_single_timestamp_is_not_a_run():
    spans, _ = run("Last updated\nGMT 16:39 2017 Sunday ,05 November\nSome headline text here")
    assert spans == []


def test_a_header_word_alone_without_headlines_stays_body():
    spans, _ = run("Read more\nThis is a full sentence of the article that ends with a full stop.")
    assert spans == []


def test_cards_that_open_with_a_kicker_keep_their_headlines_under_the_header():
    sentence = "The council met for the {}th time on Tuesday and agreed to study the budget again."
    cards = "".join(
        f'<li><div>Opinion</div><div>Columnists</div><h3><a href="/opinion/{slug}-{n}.html">{title}</a></h3>'
        f"<div>{n} hrs ago</div></li>"
        for n, (slug, title) in enumerate(
            [
                ("pharmacare", "Pharmacare wishes for the new year"),
                ("renaming", "Toronto renaming controversies teach a simple lesson"),
                ("penguin", "A Christmas memory of the little penguin"),
            ],
            start=1,
        )
    )
    html = (
        f"<html><body>{article(sentence, 'The council meets again')}"
        f"<section><h2>More Opinion</h2><ul>{cards}</ul></section>"
        "<footer><p>Contact us</p></footer></body></html>"
    )
    result = Sieve().clean(html, url="https://news.example/city/council-meets-again-123.html")
    assert [item["title"] for item in result.related_links] == [
        "Pharmacare wishes for the new year",
        "Toronto renaming controversies teach a simple lesson",
        "A Christmas memory of the little penguin",
    ]
    assert "Columnists" not in result.body


def test_div_cards_with_a_date_and_a_picture_link_give_one_item_each_and_stop_at_the_next_widget():
    sentence = "The survey found that {} of the city's bridges need repairs within the next ten years."
    stories = [
        ("/bridges/one-20251212/", "String theory inspires a brilliant new proof", "December 12, 2025"),
        ("/groups/two-20251203/", "What are the groups that shape symmetry", "December 3, 2025"),
        ("/logic/three-20251201/", "Reverse mathematics shows why hard problems are hard", "December 1, 2025"),
    ]
    topics = ["algebraic geometry", "group theory", "formal logic"]
    cards = "".join(
        f'<div class="card"><div><a href="{url}">{title}</a></div><div><a href="/tag/{n}/">{topic}</a></div>'
        f'<h3><a href="{url}">{title}</a></h3><div>{date}</div><div>Read Later</div></div>'
        for n, ((url, title, date), topic) in enumerate(zip(stories, topics, strict=True))
    )
    html = (
        f"<html><body>{article(sentence, 'Bridges need repairs')}"
        f"<section><h2>Also in Mathematics</h2>{cards}</section>"
        '<section><h2><a href="/popular/">Most read</a></h2>'
        '<div><a href="/city/popular-story-one-123/">A popular story about the harbour front</a></div>'
        '<div><a href="/city/popular-story-two-456/">Another popular story about the new tram line</a></div>'
        "</section></body></html>"
    )
    assert related_titles(html, url="https://mag.example/city/bridges-need-repairs-20251215/") == [
        title for _, title, _ in stories
    ]


@pytest.mark.parametrize(
    "header",
    [
        "Вам также может быть интересно",
        "Смотрите также",
        "También te puede interesar",
        "Ti potrebbe interessare",
        "À lire également",
        "İlgili Haberler",
        "Also in Mathematics",
    ],
)
def test_headers_in_other_languages_and_kickers_that_link_their_own_story(header: str):
    sentence = "Характеристики бега можно увеличить за счет кодов {} и стандартная скорость растёт."
    titles = [
        "Где находится самое почетное место в юрте",
        "Тарасун – молочная бурятская водка",
        "Юкола – сушено-вяленое мясо рыбы",
    ]
    cards = "".join(
        f'<div><div><a href="/story-{n}-slug-words/">Интересное 0</a></div>'
        f'<h3><a href="/story-{n}-slug-words/">{title}</a></h3></div>'
        for n, title in enumerate(titles)
    )
    html = f"<html><body>{article(sentence, 'Коды', 40)}<section><h2>{header}</h2>{cards}</section></body></html>"
    assert related_titles(html, url="https://site.example/kody-bega-slug-words/") == titles


def test_a_list_of_stories_on_other_sites_is_a_network_widget_not_related():
    sentence = "The studio renewed the series for a third season, {} months after the second one ended."

    def page(hrefs: list[str]) -> str:
        cards = "".join(
            f'<li><a href="{href}">Another story headline about the winter season number {n}</a></li>'
            for n, href in enumerate(hrefs)
        )
        return f"<html><body>{article(sentence, 'Renewed')}<h2>You may also like</h2><ul>{cards}</ul>"

    url = "https://www.trade.example/tv/tv-news/series-renewed-for-third-season-123/"
    sisters = [
        "https://spy.example/articles/a-b-c-d/",
        "https://robb.example/homes/e-f-g-h/",
        "https://vibe.example/m/i-j-k-l/",
    ]
    assert Sieve().clean(page(sisters), url=url).related_links == []
    own = [f"https://www.trade.example/tv/tv-news/other-story-{n}-words/" for n in range(3)]
    assert len(Sieve().clean(page(own), url=url).related_links) == 3


def test_div_cards_with_a_teaser_and_an_author_between_headlines_stay_one_list_until_the_footer():
    sentence = "Product teams track {} metrics each week and review them with the design team on Fridays."
    titles = [
        "UX Audit: how to conduct one, step by step",
        "Twelve UX metrics to measure and enhance",
        "Mobile UX best practices",
    ]
    cards = "".join(
        f'<div class="c"><h3><a href="/blog/story-{n}-slug/">{title}</a></h3>'
        f"<div>Navigate UX audits effortlessly with our beginner's guide, offering templates and a checklist.</div>"
        "<div>Tope Longe</div><div>Product Analytics Expert</div></div>"
        for n, title in enumerate(titles)
    )
    html = (
        f"<html><body>{article(sentence, 'UX metrics')}<section><h2>Related articles</h2>{cards}"
        '</section><footer><div><a href="/blog/about-our-company-story/">About our company and its story</a></div>'
        "</footer></body></html>"
    )
    result = Sieve().clean(html, url="https://app.example/blog/ux-metrics-guide/")
    assert [item["title"] for item in result.related_links] == titles
    assert "beginner's guide" not in result.body.split("\n")[0]


def test_a_header_styled_as_a_tab_inside_a_nav_still_heads_the_cards_below_it():
    sentence = "The mayor said on Monday that {} new bus routes would open before the end of the year."
    titles = ["Pharmacare wishes for the coming year", "Three reasons to be hopeful in the gloom"]
    cards = "".join(
        f'<div><h3><a href="/opinion/story-{n}-words-here/">{t}</a></h3></div>' for n, t in enumerate(titles)
    )
    html = (
        f"<html><body>{article(sentence, 'Bus routes')}"
        f'<nav class="tabs"><h2>More Opinion</h2></nav><section>{cards}</section>'
        '<nav><h2>More sections</h2><ul><li><a href="/sport/">Sport and games today</a></li>'
        '<li><a href="/life/">Life and style today</a></li></ul></nav></body></html>'
    )
    assert related_titles(html, url="https://paper.example/news/bus-routes-open-story/") == titles
