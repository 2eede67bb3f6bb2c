"""LinkListCleaner: runs of same-site article headlines are claimed as related; linked prose is not."""

from __future__ import annotations

from cleaners.builtin.linklists import LinkListCleaner, is_article_url
from cleaners.page import Page
from cleaners.urls import site_of

URL = "https://www.example.co.uk/news/2019/11/story-about-things"
LINKS = {
    "Pats place Olszewski on IR": "https://www.example.co.uk/nfl/news/pats-place-olszewski-on-ir/",
    "Playoff picture: Raiders in pursuit": "https://sports.example.co.uk/nfl/playoff-picture-raiders-in-pursuit",
    "Rams top Bears as offenses struggle": "https://www.example.co.uk/nfl/news/12345678",
    "Jones tells Belichick story": "https://other-site.com/jones-tells-belichick-story",
    "Google has bought CloudSimple, a startup": "https://www.example.co.uk/google-buys-cloudsimple-2019-11",
    "Sports front page here": "https://www.example.co.uk/sports/",
}


def claimed(text: str, url: str | None = URL) -> list[tuple[str, str]]:
    page = Page(text, url=url, links=LINKS)
    return [(text[s.start : s.end], str(s.data.get("url", "-"))) for s in LinkListCleaner().find(page)]


def test_site_and_article_urls():
    assert site_of("https://www.express.co.uk/x") == "express.co.uk"
    assert site_of("https://news.example.com/x") == "example.com"
    assert is_article_url("https://a.com/nfl/news/pats-place-olszewski-on-ir/")
    assert is_article_url("https://a.com/story/12345678")
    assert not is_article_url("https://a.com/sports/")


def test_a_run_of_same_site_headlines_with_teasers_and_its_header_is_claimed():
    text = (
        "The article's last paragraph.\n"
        "More NFL news\n"
        "- Pats place Olszewski on IR New England's roster is re-shuffling\n"
        "- Playoff picture: Raiders in pursuit Breaking down the playoff picture\n"
        "- Rams top Bears as offenses struggle\n"
    )
    got = claimed(text)
    assert [t for t, _ in got] == text.splitlines()[1:]
    assert got[1][1] == LINKS["Pats place Olszewski on IR"]


def test_two_items_other_sites_section_links_or_no_url_are_not_enough():
    two = "- Pats place Olszewski on IR\n- Rams top Bears as offenses struggle\n"
    assert claimed(two) == []
    mixed = two + "- Jones tells Belichick story\n- Sports front page here\n"
    assert claimed(mixed) == []  # other site, then a section front: the run stays at two
    assert claimed(two + "- Playoff picture: Raiders in pursuit\n", url=None) == []


def test_paragraphs_that_open_with_a_link_stay_body():
    para = (
        "- Google has bought CloudSimple, a startup. It was launched to help Microsoft woo customers.\n"
        "- Pats place Olszewski on IR and then, in a move nobody expected, the team also released two veterans "
        "who had started every game this season for the club\n"
        "- Rams top Bears as offenses struggle\n"
    )
    assert claimed(para) == []


def test_header_may_end_in_an_ellipsis_or_colon_but_not_a_full_stop():
    items = (
        "- Pats place Olszewski on IR\n- Rams top Bears as offenses struggle\n- Playoff picture: Raiders in pursuit\n"
    )
    assert claimed("You may also like...\n" + items)[0][0] == "You may also like..."
    assert claimed("Read these:\n" + items)[0][0] == "Read these:"
    assert claimed("That was the end.\n" + items)[0][0] == "- Pats place Olszewski on IR"


def titles(text: str) -> list[str | None]:
    return [s.data.get("title") for s in LinkListCleaner().find(Page(text, url=URL, links=LINKS))]


ITEMS = "- Pats place Olszewski on IR\n- Rams top Bears as offenses struggle\n- Playoff picture: Raiders in pursuit\n"


def test_a_run_nothing_presents_is_claimed_without_items():
    spans = list(LinkListCleaner().find(Page("That was the end.\n" + ITEMS, url=URL, links=LINKS)))
    assert [s.reason for s in spans] == ["related.unheaded"] * 3
    assert all("title" not in s.data for s in spans)
    assert titles("More NFL news\n" + ITEMS)[1:] == [
        "Pats place Olszewski on IR", "Rams top Bears as offenses struggle", "Playoff picture: Raiders in pursuit",
    ]  # fmt: skip


def test_an_article_sentence_ending_in_a_colon_introduces_its_list():
    intro = "Planning a trip to the city this winter or simply a long weekend? I have got resources for you:\n"
    assert titles(intro + ITEMS) == [
        "Pats place Olszewski on IR", "Rams top Bears as offenses struggle", "Playoff picture: Raiders in pursuit",
    ]  # fmt: skip


def test_a_line_between_two_runs_of_one_wall_is_not_a_header():
    wall = ITEMS + "Carousel Injury\n" + ITEMS.replace("- ", "* ")
    assert all(t is None for t in titles("That was the end.\n" + wall))


def test_only_a_heading_or_related_words_present_a_run_on_an_html_page():
    from cleaners.api import Sieve

    sentence = "The council met for the {}th time on Tuesday and agreed to study the budget again."
    prose = " ".join(sentence.format(n) for n in range(30))
    run = "".join(f'<div><a href="/news/2023/other-story-number-{n}-words/">Other story headline number {n}</a></div>'
                  for n in range(4))  # fmt: skip
    url = "https://news.example/news/2023/the-council-meets-again/"

    def items(above: str) -> list[str]:
        html = f"<html><body><article><h1>Council</h1><p>{prose}</p></article>{above}{run}</body></html>"
        return [item["title"] for item in Sieve().clean(html, url=url).related_links]

    assert len(items("<h2>Elsewhere in the city</h2>")) == 4
    assert len(items("<div>People also read</div>")) == 4
    assert items("<div>Courtesy of the city archive</div>") == []  # a credit over a teaser wall
    assert items("<h3>By Van Sias Dec 21, 2023</h3>") == []  # a byline in a heading
