"""A generated one-site news site whose articles all carry the same unknown furniture paragraph in their text."""

from __future__ import annotations

from random import Random

HTML = "text/html; charset=utf-8"
#: No built-in rule knows this line: only learning from the site's pages can find it.
FURNITURE = (
    "Readers of the Lakeside Register can reach the night desk through the form on the contact page; "
    "a duty editor reviews every message before the morning meeting."
)
PLACES = ("Ashford", "Bramley", "Corwen", "Dunmore", "Eastleigh", "Fenwick", "Glenrock", "Halton", "Irvine", "Jarrow")
SUBJECTS = ("The county council", "A group of residents", "The water company", "Local farmers", "The school board",
            "The harbour authority", "Two opposition members", "The regional health trust", "Shop owners",
            "The fire service")  # fmt: skip
VERBS = ("approved", "rejected", "questioned", "welcomed", "postponed", "criticised", "funded", "reviewed")
OBJECTS = ("a plan to widen the ring road", "the budget for new classrooms", "a proposal to close the library",
           "the contract for bin collections", "a study of flooding on the lower meadows",
           "new rules for holiday lets", "a bid to host the regional games", "repairs to the sea wall")  # fmt: skip
TAILS = ("after a long debate on {day}", "despite objections from {n} households", "at a cost of {n} thousand pounds",
         "in a vote that split the chamber", "following complaints dating back to {year}",
         "ahead of the consultation that closes in {month}")  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
MONTHS = ("March", "April", "May", "June", "July")


def sentence(rng: Random, place: str) -> str:
    tail = rng.choice(TAILS).format(
        day=rng.choice(DAYS), n=rng.randint(12, 900), year=rng.randint(2001, 2019), month=rng.choice(MONTHS)
    )
    return f"{rng.choice(SUBJECTS)} in {place} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {tail}."


def article(n: int, seed: int = 12) -> tuple[str, list[str]]:
    """(title, paragraphs) of article ``n``: its own prose, different on every page."""
    rng = Random(seed * 1000 + n)
    place = PLACES[n % len(PLACES)]
    paragraphs = [" ".join(sentence(rng, place) for _ in range(rng.randint(2, 3))) for _ in range(rng.randint(4, 6))]
    return f"{place}: council business, report {n}", paragraphs


def article_html(n: int) -> tuple[bytes, list[str]]:
    """The page of article ``n`` and its own paragraphs (the gold body); the furniture sits among them."""
    title, paragraphs = article(n)
    shown = list(paragraphs)
    shown.insert(1 + n % (len(paragraphs) - 1), FURNITURE)
    body = "".join(f"<p>{p}</p>" for p in shown)
    html = (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>"
        '<script type="application/ld+json">{"@type": "NewsArticle"}</script></head><body>'
        "<header><nav><a href='/site/'>Home</a> <a href='/site/news/'>News</a></nav></header>"
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        "<footer><p>Lakeside Register, 4 Quay Street</p></footer></body></html>"
    )
    return html.encode(), paragraphs


def furniture_pages(count: int) -> tuple[dict[str, tuple[str, bytes]], dict[str, list[str]]]:
    """Pages to serve under ``/site/`` (an index and ``count`` articles) and each article's gold paragraphs."""
    pages: dict[str, tuple[str, bytes]] = {}
    gold: dict[str, list[str]] = {}
    links = "".join(f'<li><a href="/site/{n}.html">Report {n}</a></li>' for n in range(1, count + 1))
    pages["/site/"] = (HTML, f"<html><head><title>Site</title></head><body><ul>{links}</ul></body></html>".encode())
    for n in range(1, count + 1):
        html, paragraphs = article_html(n)
        pages[f"/site/{n}.html"] = (HTML, html)
        gold[f"/site/{n}.html"] = paragraphs
    return pages, gold
