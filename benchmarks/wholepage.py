#!/usr/bin/env python
"""Whole news pages in HTML: does Sieve find the source, the related links and the copyright lines a page holds?

Usage (from the repository root)::

    .venv/bin/python benchmarks/wholepage.py                      # 60 pages, url=None (a saved file)
    .venv/bin/python benchmarks/wholepage.py --url-known          # the page URL passed in, as a crawl does
    .venv/bin/python benchmarks/wholepage.py --layout table --dump /tmp/wholepage   # one layout; pages + gold

Why: the Article Extraction Benchmark (``aeb.py``) scores the body only, and
the fixture pages of the seed's site family go through a site profile's
container selector. Neither says whether Sieve, given an ordinary HTML page of
that family with no profile, finds the other three things it promises: the
source attribution, the related-links list (titles, GMT stamps, URLs) and the
copyright boilerplate. On a real page those sit outside the article container
(a ``source:`` line under the article, the related list in a sidebar, the
copyright pair twice in the footer), which is exactly what a generic
extractor such as trafilatura leaves out.

What: ``--per-layout`` (20) pages per layout are generated, deterministically
from ``--seed``, with their gold annotation known by construction, in three
layouts: semantic HTML5 (``header/nav``, ``main/article``, ``aside``,
``footer``), div soup (only div/span/p/a with meaningless class names) and an
old table layout (nested tables, ``<font>``, ``<br>``). Pages vary the site
(several fictional ``*.example`` domains, each with a canonical URL), the
source name and its spelling, how the related list's stamps sit against their
headlines (before, after, glued with no whitespace), relative and absolute
hrefs, and the body prose, which includes hard negatives that must stay body.

Three systems read the same pages in one process: Sieve (``scrapy clean``'s
record: extraction plus the cleaner chain), trafilatura alone
(``include_comments=False``) and trafilatura with the options Sieve's
extractor passes it. Scores, overall and per layout:

- related links: title precision / recall / F1 (exact titles after whitespace
  normalisation, pooled over pages), and the share of gold links whose
  ``published`` and whose ``url`` Sieve gets right;
- copyright lines: recall of the gold lines (both copies) among Sieve's
  ``boilerplate`` (multiset), and the precision of the boilerplate lines that
  look like copyright or site-credit lines;
- source accuracy (the normalised name, page by page; nothing found is wrong);
- body token precision / recall / F1 (``cleaners.metrics.token_prf``,
  macro-averaged over pages);
- docs/s, the median of ``--rounds`` interleaved timed rounds, and its ratio
  to trafilatura alone (median of the per-round ratios), as in ``aeb.py``.

trafilatura produces text only, so its rows print ``-`` for the structured
fields; a second table shows what its text still contains (titles, stamps,
copyright lines, the source line), which bounds what any cleaner reading that
text could find. Sieve's raw text is trafilatura's with Sieve's options (no
site profile names a ``*.example`` domain), so that row's figures bound Sieve's;
a last table splits Sieve's related links by where the stamps sit.

``--dump DIR`` writes each page (``<layout>-NN.html``), its gold
(``.gold.json``) and Sieve's record (``.sieve.json``). The scores are
deterministic for a seed; docs/s depends on the machine, so read the ratios.
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import logging
import posixpath
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from random import Random
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.builtin.source import normalise_source  # noqa: E402
from cleaners.chain import normalise_ws  # noqa: E402
from cleaners.evaluation.metrics import PRF, token_prf  # noqa: E402

DEFAULT_SEED = 20171105  # the seed page's related list starts on Sunday 5 November 2017
LAYOUTS = ("semantic", "div-soup", "table")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = tuple("January February March April May June July August September October November December".split())
#: trafilatura's keyword arguments as Sieve's extractor passes them (TrafilaturaExtractor.defaults and
#: SIEVE_EXTRACTOR_OPTIONS); the header warns when the extractor reports other options.
SIEVE_TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "deduplicate": False,
    "fast": True,
}

# -- the site family --------------------------------------------------------------------------------------------


CREDIT = "Maintained and developed by"


@dataclass(frozen=True)
class Site:
    name: str
    host: str
    #: Article path, formatted with ``id``, ``slug``, ``section``, ``y``, ``m``, ``d``.
    path: str
    developer: str  # "Maintained and developed by <developer>", the name a link
    year: int  # "All rights reserved to <name> Media Group <year> ©"
    credit_first: bool = True

    def article_url(self, art_id: int, title: str, section: str, when: datetime) -> str:
        path = self.path.format(
            id=art_id, slug=slugify(title), section=section.lower(), y=when.year, m=f"{when.month:02d}", d=when.day
        )
        return f"https://{self.host}{path}"

    @property
    def copyright_pair(self) -> tuple[str, str]:
        credit, rights = f"{CREDIT} {self.developer}", f"All rights reserved to {self.name} Media Group {self.year} ©"
        return (credit, rights) if self.credit_first else (rights, credit)


SITES = (
    Site("Gulf Daily", "www.gulfdaily.example", "/en/{id}/{slug}", "Gulf Daily Web SAL.", 2023),
    Site("Levant Today", "levanttoday.example", "/news/{section}/{id}-{slug}.html", "Levant Digital Services", 2022),
    Site("Nile Herald", "news.nileherald.example", "/article/{id}/{slug}", "Nile Media Technologies.", 2024, False),
    Site("Maghreb Times", "www.maghrebtimes.example", "/{y}/{m}/{d}/{slug}", "Atlas Web Group SARL.", 2021),
    Site("Arab Wire", "arabwire.example", "/en/{section}/{id}/{slug}", "Arab Wire Group SAL.", 2023),
    Site("Amman Post", "www.ammanpost.example", "/news/story.php?id={id}", "Jordan Web Solutions", 2020, False),
)
SECTIONS = ("Politics", "Economy", "Business", "Sport", "Technology", "Culture", "Health", "Lifestyle")
#: Canonical source name -> how pages print it (normalise_source maps each back).
SOURCES = {
    "Alarabiya": ("Alarabiya", "Al Arabiya"),
    "AFP": ("AFP", "Agence France-Presse"),
    "Reuters": ("Reuters",),
    "Petra": ("Petra",),
    "WAM": ("WAM",),
    "Anadolu": ("Anadolu", "Anadolu Agency"),
}
SOURCE_LABELS = ("source: {}", "Source: {}", "Source : {}", "SOURCE: {}")
#: Where a related list's stamp sits against its headline.
STAMP_MODES = ("before", "after", "glued-after", "glued-before")
HREF_FORMS = ("absolute", "root-relative", "document-relative", "scheme-relative")

# -- prose --------------------------------------------------------------------------------------------------------


def pool(names: str) -> tuple[str, ...]:
    """``"a | b | c"`` -> ``("a", "b", "c")``: the word pools below stay compact."""
    return tuple(name.strip() for name in names.split("|"))


COUNTRIES = pool(
    "Jordan | Egypt | Lebanon | Iraq | Saudi Arabia | Kuwait | Oman | Qatar | Bahrain | Morocco | Tunisia | Algeria"
    " | the UAE | Libya | Sudan"
)
CITIES = pool(
    "Amman | Cairo | Beirut | Baghdad | Riyadh | Kuwait City | Muscat | Doha | Manama | Rabat | Tunis | Algiers"
    " | Abu Dhabi | Aqaba | Alexandria | Basra | Jeddah | Tripoli | Khartoum | Irbid"
)
OFFICIALS = pool(
    "the prime minister | the finance minister | the energy minister | a government spokesman"
    " | the central bank governor | the interior minister | the foreign minister | the health minister"
    " | the city's mayor | the transport minister"
)
ORGS = pool(
    "the World Bank | the International Monetary Fund | the United Nations | the Arab League"
    " | the World Health Organization | the European Union | the African Development Bank | the Red Crescent"
    " | UNICEF | the Islamic Development Bank"
)
TOPICS = pool(
    "water sharing | fuel subsidies | the new electoral law | border security | the return of refugees | gas exports"
    " | public sector wages | the reconstruction fund | customs duties | the ceasefire terms"
)
ACTIONS = pool(
    "present a revised budget to parliament | raise the minimum wage | cut import duties on medicines"
    " | open two new border crossings | launch a tender for a second desalination plant"
    " | reduce electricity prices for farmers | hire several thousand new teachers | extend the fuel price freeze"
)
GRIEVANCES = pool(
    "rising bread prices | power cuts | the new tax on mobile phones | delays in paying public sector salaries"
    " | the closure of a textile factory"
)
THINGS = pool(
    "a solar power plant | a new container terminal | a desalination plant | a children's hospital | a wind farm"
    " | a metro line | a free trade zone"
)
ORDINALS = ("second", "third", "fourth", "fifth")

SENTENCES = (
    "{official} said on {day} that the government would {action} before the end of the year.",
    "{org} said in a report published on {day} that growth in {country} was expected to reach {pct} percent "
    "this year, up from {pct2} percent in {year}.",
    "Talks between the two sides on {topic} have stalled several times since {month}, and diplomats say a deal "
    "is not expected soon.",
    "About {n} people gathered in central {city} on {day} to protest against {grievance}, according to witnesses.",
    "The project, which is financed in part by {org}, is expected to create around {n} jobs over the next {k} years.",
    "Officials in {city} said schools and government offices would remain closed until the weekend as a precaution.",
    "{country} imports most of its energy needs, and the cost of those imports has weighed heavily on public finances.",
    "Analysts said the decision was widely expected and would have little immediate effect on markets in the region.",
    "The ministry said {n} families had been moved to temporary shelters in and around {city}.",
    "Trade between {country} and {country2} reached {k} billion dollars last year, according to official figures.",
    "Residents of {city} complained of long queues at petrol stations and bakeries for a second week.",
    "The agreement still needs the approval of parliament, which is due to debate it when it returns from recess.",
    "Opposition members walked out of the session in protest, saying they had not been given time to study the draft.",
    "Engineers at the site said work on the first phase was {pct} percent complete and should be finished by {month}.",
    "The {ordinal} round of negotiations is scheduled to take place in {city} later this month.",
    "Prices of basic goods have risen by more than {pct} percent since the start of the year, putting pressure on "
    "low-income households.",
    "Rescue teams worked through the night to reach villages cut off by the floods north of {city}.",
    "The airline said it would add three weekly flights between {city} and {city2} from the start of {month}.",
    "Police said {n} people had been arrested and that an investigation was under way.",
    "“We are working to make sure that every family has access to clean water,” {official} said.",
    "{org} has warned that without new funding its programmes in the region could be cut by a third.",
    "The plan includes {thing} near {city}, which officials say will be ready within {k} years.",
    "Unemployment among young people in {country} remains above {pct} percent, according to the statistics office.",
    "{official} is expected to visit {city} next week to meet business leaders and local officials.",
    "Shopkeepers in the old market of {city} said sales had fallen sharply since the start of {month}.",
    "The government has promised to publish the full text of the agreement once it has been signed.",
    "Several lawmakers have called for an inquiry into how the contracts were awarded.",
    "The authorities in {country2} have not yet commented on the decision.",
)
#: Sentences that look like what the cleaners claim but are body text; each page carries one to three kinds.
HARD_NEGATIVES = {
    "source": (
        "A source close to the talks said the two sides had agreed on most points but were still divided over {topic}.",
        "A source close to the negotiations told reporters that a final text could be ready within days.",
        "According to a source close to {official}, the cabinet will discuss {topic} at its next meeting.",
    ),
    "time": (
        "The session is due to resume at {hhmm} on {day}, when ministers are expected to vote on the draft.",
        "Flights will resume at {hhmm} on {day} once the runway has been inspected, the airport authority said.",
        "Polling stations opened at {hhmm} on {day} and will close in the evening, the electoral commission said.",
    ),
    "rights": (
        "Organisers said the festival's name and logo were registered trademarks with all rights reserved, and warned "
        "vendors against selling unlicensed goods.",
        "The broadcaster said it had bought the tournament's television rights outright, with all rights reserved "
        "for its own channels until {year2}.",
        "The ministry said the new banknote design was registered with all rights reserved to the central bank and "
        "that copies found in the markets would be seized.",
    ),
}
HEADLINES = (
    "{country} opens {thing} in {city}",
    "{country} and {country2} sign deal on {topic}",
    "Talks on {topic} stall in {city}",
    "{n} families moved to shelters as floods hit {city}",
    "Central bank in {country} keeps interest rates on hold",
    "{org} raises growth forecast for {country}",
    "Protesters in {city} demand action on {grievance}",
    "Airline adds flights between {city} and {city2}",
    "Parliament in {country} debates {topic}",
    "Storm closes schools in {city}",
    "{city} marathon draws a record {n} runners",
    "{country}'s exports rise {pct} percent in {month}",
    "New metro line opens in {city}",
    "Police arrest {n} after clashes in {city}",
    "{country} launches tender for {thing}",
    "Aid groups warn of funding gap in {country}",
    "Ministers meet in {city} to discuss {topic}",
    "{country} to {action}",
    "{org} approves loan for {thing} in {country}",
    "Heatwave pushes power demand to record in {country}",
)
MOST_READ_HEADINGS = ("Most read", "Most read", "Most Read", "Most popular")
SHARE = (
    ("Facebook", "https://www.facebook.com/sharer.php?u={u}"),
    ("Twitter", "https://twitter.com/intent/tweet?url={u}"),
    ("WhatsApp", "https://wa.me/?text={u}"),
    ("Telegram", "https://t.me/share/url?url={u}"),
)
#: A boilerplate line this benchmark counts as a copyright or site-credit line (its own rule, not Sieve's).
COPYRIGHTISH_RE = re.compile(
    r"©|\(c\)|\bcopyright\b|\ball rights reserved\b"
    r"|\b(?:maintained|developed|designed|powered|hosted)(?: and (?:maintained|developed|designed))? by\b",
    re.I,
)

_FIELD_RE = re.compile(r"\{(\w+)\}")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def gmt_stamp(when: datetime) -> str:
    """``GMT 16:39 2017 Sunday ,05 November``, the seed family's stamp; the weekday is the date's own."""
    return f"GMT {when:%H:%M} {when.year} {WEEKDAYS[when.weekday()]} ,{when.day:02d} {MONTHS[when.month - 1]}"


def fill(template: str, rng: Random) -> str:
    """``template`` with its ``{slots}`` filled; ``x2`` differs from ``x``; the first letter capitalised."""
    pools: dict[str, Callable[[], str]] = {
        "country": lambda: rng.choice(COUNTRIES),
        "city": lambda: rng.choice(CITIES),
        "official": lambda: rng.choice(OFFICIALS),
        "org": lambda: rng.choice(ORGS),
        "topic": lambda: rng.choice(TOPICS),
        "action": lambda: rng.choice(ACTIONS),
        "grievance": lambda: rng.choice(GRIEVANCES),
        "thing": lambda: rng.choice(THINGS),
        "ordinal": lambda: rng.choice(ORDINALS),
        "day": lambda: rng.choice(WEEKDAYS),
        "month": lambda: rng.choice(MONTHS),
        "year": lambda: str(rng.randint(2012, 2016)),
        "n": lambda: str(rng.choice((rng.randint(12, 95), rng.randint(100, 900), rng.randint(1, 9) * 1000))),
        "k": lambda: str(rng.randint(2, 9)),
        "pct": lambda: str(rng.randint(2, 40)),
        "hhmm": lambda: f"{rng.randint(7, 21)}:{rng.choice(('00', '15', '30', '45'))}",
    }
    values: dict[str, str] = {}
    for name in _FIELD_RE.findall(template):
        if name in values:
            continue
        base = name.rstrip("2")
        if name == "year2":
            values[name] = str(rng.randint(2025, 2030))
            continue
        value = pools[base]()
        while name.endswith("2") and value == values.get(base):
            value = pools[base]()
        values[name] = value
    text = template.format(**values)
    return text[:1].upper() + text[1:]


def body_paragraphs(rng: Random) -> list[str]:
    """4-7 paragraphs of 1-3 sentences, with one to three kinds of hard negative among them."""
    sizes = [rng.choice((1, 2, 2, 2, 3, 3)) for _ in range(rng.randint(4, 7))]
    sentences = [fill(t, rng) for t in rng.sample(SENTENCES, sum(sizes))]
    kinds = rng.sample(sorted(HARD_NEGATIVES), rng.randint(1, 3))
    for kind, i in zip(kinds, rng.sample(range(len(sentences)), len(kinds)), strict=True):
        sentences[i] = fill(rng.choice(HARD_NEGATIVES[kind]), rng)  # replaced, so the paragraph sizes stay
    out, i = [], 0
    for size in sizes:
        out.append(" ".join(sentences[i : i + size]))
        i += size
    return out


def headlines(rng: Random, k: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < k:
        title = fill(rng.choice(HEADLINES), rng)
        if title not in taken:
            taken.add(title)
            out.append(title)
    return out


def href_for(target: str, page_url: str, form: str) -> str:
    """How the page links to ``target`` (same site); resolving it against ``page_url`` gives ``target`` back."""
    t, p = urlsplit(target), urlsplit(page_url)
    path = t.path + (f"?{t.query}" if t.query else "")
    if form == "absolute":
        href = target
    elif form == "scheme-relative":
        href = f"//{t.netloc}{path}"
    elif form == "root-relative":
        href = path
    else:
        rel = posixpath.relpath(t.path, posixpath.dirname(p.path) or "/")
        href = rel + (f"?{t.query}" if t.query else "")
    if urljoin(page_url, href) != target:
        raise AssertionError(f"{href!r} against {page_url!r} does not resolve to {target!r}")
    return href


# -- one page: what it says, then how a layout prints it ---------------------------------------------------------


@dataclass(frozen=True)
class RelatedLink:
    title: str
    published: str  # ISO 8601 UTC, as Sieve reports it
    url: str  # absolute
    stamp: str  # as printed
    href: str  # as linked


@dataclass
class Story:
    """Everything one page says, independent of its layout."""

    site: Site
    url: str
    section: str
    title: str
    published: datetime
    paragraphs: list[str]
    source_line: str
    source: str
    related: list[RelatedLink]
    related_heading: str | None
    stamp_mode: str
    most_read: list[tuple[str, str]]  # (title, href)
    most_read_heading: str
    nav: list[tuple[str, str]]  # (label, href)
    share: list[tuple[str, str]]
    jsonld: bool

    @property
    def copyright(self) -> list[str]:
        """The gold copyright lines: the pair, twice, in page order."""
        return [*self.site.copyright_pair, *self.site.copyright_pair]


@dataclass
class Gold:
    url: str
    layout: str
    title: str
    body: str  # the paragraphs, one a line
    paragraphs: list[str]
    source: str
    source_line: str
    related_links: list[dict[str, str]]  # {title, published, url}
    stamps: list[str]
    copyright: list[str]
    stamp_mode: str


@dataclass
class Case:
    name: str
    layout: str
    url: str
    html: str
    gold: Gold


def make_story(rng: Random) -> Story:
    site = rng.choice(SITES)
    section = rng.choice(SECTIONS)
    taken: set[str] = set()
    (title,) = headlines(rng, 1, taken)
    published = datetime(2015, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randrange(9 * 365 * 24 * 60))
    art_id = rng.randint(300000, 899999)
    url = site.article_url(art_id, title, section, published)
    forms = rng.sample(HREF_FORMS, rng.randint(1, 3))  # a site links one to three ways
    related: list[RelatedLink] = []
    when = published
    for rel_title in headlines(rng, rng.randint(3, 6), taken):
        when -= timedelta(minutes=rng.randint(3 * 60, 9 * 24 * 60))
        art_id -= rng.randint(20, 400)
        target = site.article_url(art_id, rel_title, section, when)
        related.append(
            RelatedLink(rel_title, when.isoformat(), target, gmt_stamp(when), href_for(target, url, rng.choice(forms)))
        )
    most_read: list[tuple[str, str]] = []
    for most_title in headlines(rng, rng.randint(2, 5), taken):
        target = site.article_url(art_id - rng.randint(500, 5000), most_title, rng.choice(SECTIONS), when)
        most_read.append((most_title, href_for(target, url, rng.choice(forms))))
    agency = rng.choice(sorted(SOURCES))
    surface = rng.choice(SOURCES[agency])
    nav = [("Home", "/")] + [(s, f"/{s.lower()}/") for s in rng.sample(SECTIONS, rng.randint(4, 7))]
    share = [(label, pattern.format(u=quote(url, safe=""))) for label, pattern in rng.sample(SHARE, rng.randint(2, 4))]
    return Story(
        site=site,
        url=url,
        section=section,
        title=title,
        published=published,
        paragraphs=body_paragraphs(rng),
        source_line=rng.choice(SOURCE_LABELS).format(surface),
        source=normalise_source(surface),
        related=related,
        related_heading=rng.choice(("Related news", "Related", "Read also", f"More from {section}", section, None)),
        stamp_mode=rng.choice(STAMP_MODES),
        most_read=most_read,
        most_read_heading=rng.choice(MOST_READ_HEADINGS),
        nav=nav,
        share=share,
        jsonld=rng.random() < 0.7,
    )


def e(text: str) -> str:
    return html.escape(text, quote=True)


def head(story: Story, rng: Random, old: bool = False) -> str:
    meta = [
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">' if old else '<meta charset="utf-8">',
        f"<title>{e(story.title)} {rng.choice(('|', '-', '::'))} {e(story.site.name)}</title>",
        f'<meta name="description" content="{e(story.paragraphs[0][:150])}">',
        f'<link rel="canonical" href="{e(story.url)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{e(story.url)}">',
        f'<meta property="og:title" content="{e(story.title)}">',
        f'<meta property="og:site_name" content="{e(story.site.name)}">',
    ]
    if story.jsonld and not old:
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": story.published.isoformat(),
            "mainEntityOfPage": story.url,
            "publisher": {"@type": "Organization", "name": story.site.name},
        }
        meta.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    return "<head>\n  " + "\n  ".join(meta) + "\n</head>"


def link(href: str, text: str, attrs: str = "") -> str:
    return f'<a href="{e(href)}"{attrs}>{e(text)}</a>'


def copyright_html(story: Story, line: str) -> str:
    """One copyright line; the developer's name is a link, as on the seed's site."""
    if line.startswith(CREDIT):
        return f"{CREDIT} {link(f'https://{story.site.host}/about', story.site.developer)}"
    return e(line).replace("©", "&copy;")


def related_item(r: RelatedLink, mode: str, stamp: str, title: str) -> str:
    """A headline and its stamp; ``stamp``/``title`` wrap them (``{}`` is the content)."""
    s, t = stamp.format(e(r.stamp)), title.format(link(r.href, r.title))
    if mode == "before":
        return f"{s}\n      {t}"
    if mode == "after":
        return f"{t}\n      {s}"
    return t + s if mode == "glued-after" else s + t


def render_semantic(story: Story, rng: Random) -> str:
    nav = "\n".join(f"        <li>{link(h, t)}</li>" for t, h in story.nav)
    paras = "\n".join(f"        <p>{e(p)}</p>" for p in story.paragraphs)
    inline = story.stamp_mode.startswith("glued")
    stamp = '<span class="news-date">{}</span>' if inline or story.stamp_mode == "before" else "<time>{}</time>"
    title = "{}" if inline else "<h3>{}</h3>"
    items = "\n".join(
        f'      <li class="related-item">{related_item(r, story.stamp_mode, stamp, title)}</li>' for r in story.related
    )
    heading = f'\n      <h2 class="block-title">{e(story.related_heading)}</h2>' if story.related_heading else ""
    related = f'    <aside class="related-news">{heading}\n      <ul>\n{items}\n      </ul>\n    </aside>'
    share = " ".join(link(h, t) for t, h in story.share)
    most = "\n".join(f"        <li>{link(h, t)}</li>" for t, h in story.most_read)
    footer_pair = "\n".join(f"        <p>{copyright_html(story, line)}</p>" for line in story.site.copyright_pair)
    date_line = (
        f'<time datetime="{story.published.isoformat()}">{gmt_stamp(story.published)}</time>'
        if rng.random() < 0.5
        else f'<div class="article-date">{gmt_stamp(story.published)}</div>'
    )
    source = f'    <div class="article-source">{e(story.source_line)}</div>'
    after_article = [source, f'    <div class="share-bar">{share}</div>']
    if rng.random() < 0.5:
        after_article.reverse()
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
{head(story, rng)}
<body class="article-page">
  <header class="site-header">
    {link("/", story.site.name, ' class="logo"')}
    <nav class="main-menu">
      <ul>
{nav}
      </ul>
    </nav>
  </header>
  <div class="page-wrap">
  <main class="main-column">
    <div class="breadcrumb">{link("/", "Home")} &rsaquo; {link(f"/{story.section.lower()}/", story.section)}</div>
    <article>
      <h1>{e(story.title)}</h1>
      {date_line}
      <div class="article-body">
{paras}
      </div>
    </article>
{chr(10).join(after_article)}
{related}
  </main>
  <aside class="sidebar">
    <section class="most-read">
      <h2 class="block-title">{e(story.most_read_heading)}</h2>
      <ol>
{most}
      </ol>
    </section>
  </aside>
  </div>
  <footer class="site-footer">
    <div class="footer-top">
{footer_pair}
    </div>
    <nav class="footer-links">{link("/contact", "Contact us")} {link("/privacy", "Privacy policy")}</nav>
    <div class="footer-bottom">
{footer_pair}
    </div>
  </footer>
</body>
</html>
"""


def junk_class(rng: Random) -> str:
    """A meaningless class name, as minified front ends emit: ``k3f9``, ``x_0a2``."""
    return rng.choice("bcdfghjkmnpqrstvwxz") + rng.choice(("", "_")) + f"{rng.randrange(16**3):03x}"


def render_divsoup(story: Story, rng: Random) -> str:
    c = functools.partial(junk_class, rng)
    nav = " ".join(f'<span class="{c()}">{link(h, t)}</span>' for t, h in story.nav)
    tag = rng.choice(("p", "div"))
    paras = "\n".join(f'      <{tag} class="{c()}">{e(p)}</{tag}>' for p in story.paragraphs)
    inline = story.stamp_mode.startswith("glued")
    stamp = f'<span class="{c()}">{{}}</span>' if inline else f'<div class="{c()}"><span>{{}}</span></div>'
    title = "{}" if inline else f'<div class="{c()}">{{}}</div>'
    items = "\n".join(
        f'    <div class="{c()}">{related_item(r, story.stamp_mode, stamp, title)}</div>' for r in story.related
    )
    heading = f'\n    <div class="{c()}"><span>{e(story.related_heading)}</span></div>' if story.related_heading else ""
    most = "\n".join(f'    <div class="{c()}">{link(h, t)}</div>' for t, h in story.most_read)
    share = " ".join(f'<span class="{c()}">{link(h, t)}</span>' for t, h in story.share)
    footer_pair = "\n".join(
        f'    <div class="{c()}"><span>{copyright_html(story, line)}</span></div>' for line in story.site.copyright_pair
    )
    return f"""<!DOCTYPE html>
<html lang="en">
{head(story, rng)}
<body>
<div class="{c()}">
  <div class="{c()}">{link("/", story.site.name)}</div>
  <div class="{c()}">{nav}</div>
</div>
<div class="{c()}">
  <div class="{c()}">
    <div class="{c()}"><span>{e(story.title)}</span></div>
    <div class="{c()}"><span>{gmt_stamp(story.published)}</span></div>
    <div class="{c()}">
{paras}
    </div>
  </div>
  <div class="{c()}"><span>{e(story.source_line)}</span></div>
  <div class="{c()}">{share}</div>
  <div class="{c()}">{heading}
{items}
  </div>
  <div class="{c()}">
    <div class="{c()}"><span>{e(story.most_read_heading)}</span></div>
{most}
  </div>
</div>
<div class="{c()}">
  <div class="{c()}">
{footer_pair}
  </div>
  <div class="{c()}">{link("/contact", "Contact us")} <span>|</span> {link("/privacy", "Privacy policy")}</div>
  <div class="{c()}">
{footer_pair}
  </div>
</div>
</body>
</html>
"""


def render_table(story: Story, rng: Random) -> str:
    face = rng.choice(("Arial", "Verdana", "Tahoma"))
    nav = "\n".join(f'        <tr><td><font face="{face}" size="2">{link(h, t)}</font></td></tr>' for t, h in story.nav)
    most = "<br>\n          ".join(link(h, t) for t, h in story.most_read)
    if rng.random() < 0.5:
        paras = "\n".join(f'          <p><font face="{face}" size="2">{e(p)}</font></p>' for p in story.paragraphs)
    else:
        joined = "<br><br>\n          ".join(e(p) for p in story.paragraphs)
        paras = f'          <font face="{face}" size="2">{joined}</font>'
    stamp = '<font size="1" color="#888888">{}</font>'
    sep = "" if story.stamp_mode.startswith("glued") else "<br>"  # stamp and headline on two lines unless glued
    items = [related_item(r, story.stamp_mode, stamp, "{}").replace("\n", sep + "\n") for r in story.related]
    if rng.random() < 0.5:
        rows = "\n".join(f"            <tr><td>{item}</td></tr>" for item in items)
        related = f'<table width="100%" cellpadding="3" cellspacing="0" border="0">\n{rows}\n          </table>'
    else:
        related = "\n          ".join(item + "<br>" for item in items)
    heading = ""
    if story.related_heading:
        heading = f'<font face="{face}" size="2"><b>{e(story.related_heading)}</b></font><br>'
    share = " | ".join(link(h, t) for t, h in story.share)
    pair = "\n".join(
        f'        <tr><td align="center"><font face="{face}" size="1" color="#ffffff">{copyright_html(story, line)}'
        "</font></td></tr>"
        for line in story.site.copyright_pair
    )
    footer_row = (
        '  <tr>\n    <td colspan="2" bgcolor="#333366">\n'
        f'      <table width="100%" cellpadding="4">\n{pair}\n      </table>\n    </td>\n  </tr>'
    )
    return f"""<html>
{head(story, rng, old=True)}
<body bgcolor="#ffffff" topmargin="0" leftmargin="0">
<table width="780" border="0" cellspacing="0" cellpadding="0" align="center">
  <tr><td colspan="2"><font face="{face}" size="5"><b>{e(story.site.name)}</b></font></td></tr>
  <tr>
    <td width="160" valign="top" bgcolor="#e8e8e8">
      <table width="100%" cellpadding="4">
{nav}
        <tr><td><font face="{face}" size="2"><b>{e(story.most_read_heading)}</b></font><br>
          {most}
        </td></tr>
      </table>
    </td>
    <td width="620" valign="top">
      <table width="100%" cellpadding="8">
        <tr><td>
          <font face="{face}" size="4"><b>{e(story.title)}</b></font><br>
          <font face="{face}" size="1">{gmt_stamp(story.published)}</font><br>
{paras}
        </td></tr>
        <tr><td><font face="{face}" size="2">{e(story.source_line)}</font></td></tr>
        <tr><td><font face="{face}" size="1">Share: {share}</font></td></tr>
        <tr><td>
          {heading}
          {related}
        </td></tr>
      </table>
    </td>
  </tr>
{footer_row}
{footer_row}
</table>
</body>
</html>
"""


RENDERERS: dict[str, Callable[[Story, Random], str]] = {
    "semantic": render_semantic,
    "div-soup": render_divsoup,
    "table": render_table,
}


def gold_of(story: Story, layout: str) -> Gold:
    return Gold(
        url=story.url,
        layout=layout,
        title=story.title,
        body="\n".join(story.paragraphs),
        paragraphs=list(story.paragraphs),
        source=story.source,
        source_line=story.source_line,
        related_links=[{"title": r.title, "published": r.published, "url": r.url} for r in story.related],
        stamps=[r.stamp for r in story.related],
        copyright=[normalise_ws(line) for line in story.copyright],
        stamp_mode=story.stamp_mode,
    )


def generate(seed: int = DEFAULT_SEED, per_layout: int = 20) -> list[Case]:
    """``per_layout`` pages of each layout, the same for the same seed whichever layouts are then run."""
    rng = Random(seed)
    cases: list[Case] = []
    for layout in LAYOUTS:
        for i in range(1, per_layout + 1):
            story = make_story(rng)
            cases.append(
                Case(f"{layout}-{i:02d}", layout, story.url, RENDERERS[layout](story, rng), gold_of(story, layout))
            )
    return cases


def dump(cases: Sequence[Case], folder: Path) -> None:
    """``<name>.html`` and ``<name>.gold.json`` per page."""
    folder.mkdir(parents=True, exist_ok=True)
    for case in cases:
        (folder / f"{case.name}.html").write_text(case.html, encoding="utf-8")
        gold = json.dumps(asdict(case.gold), ensure_ascii=False, indent=1)
        (folder / f"{case.name}.gold.json").write_text(gold + "\n", encoding="utf-8")


# -- the systems ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _sieve() -> tuple[Any, Any]:
    """Sieve's chain and extractor, built from the project settings exactly as ``scrapy clean`` builds them."""
    from scrapy.settings import Settings

    from crawler.components import load_chain, load_extractor, offline_crawler

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    crawler = offline_crawler(settings)
    return load_chain(crawler), load_extractor(crawler)


def sieve_record(html: str, url: str | None) -> dict[str, Any]:
    """Sieve's output record for one HTML page (the ``scrapy clean`` contract): this file's only call into Sieve."""
    from cleaners.process import clean_content

    chain, extractor = _sieve()
    return clean_content(chain, html, is_html=True, extractor=extractor, url=url).record


def sieve_description() -> str:
    chain, extractor = _sieve()
    options = getattr(extractor, "options", None)
    note = ""
    if options is not None and options != SIEVE_TRAFILATURA_OPTIONS:
        note = f" (NB: the 'Sieve's options' row uses {SIEVE_TRAFILATURA_OPTIONS})"
    return f"Sieve chain: {' > '.join(chain.describe())}; extractor options {options}{note}"


@dataclass
class Prediction:
    body: str
    #: Only Sieve fills these; None means "this system does not produce the field".
    source: str | None = None
    related: list[tuple[str, str | None, str | None]] | None = None  # (title, published, url)
    boilerplate: list[str] | None = None
    #: The extracted text, for the "what the text still holds" table (trafilatura rows).
    text: str | None = None
    #: Sieve's whole output record, for ``--dump``.
    record: dict[str, Any] | None = None

    @property
    def structured(self) -> bool:
        return self.related is not None


def sieve_predict(html: str, url: str | None) -> Prediction:
    record = sieve_record(html, url)
    return Prediction(
        body=record.get("body") or "",
        source=record.get("source"),
        related=[
            (normalise_ws(x.get("title") or ""), x.get("published"), x.get("url"))
            for x in record.get("related_links") or []
        ],
        boilerplate=[normalise_ws(x) for x in record.get("boilerplate") or []],
        record=record,
    )


def trafilatura_predict(**options: Any) -> Callable[[str, str | None], Prediction]:
    import trafilatura

    def run(html: str, url: str | None) -> Prediction:
        text = trafilatura.extract(html, url=url, output_format="txt", **options) or ""
        return Prediction(body=text, text=text)

    return run


@dataclass(frozen=True)
class System:
    name: str
    predict: Callable[[str, str | None], Prediction]


def systems() -> list[System]:
    return [
        System("Sieve (trafilatura + cleaner chain)", sieve_predict),
        System("trafilatura (include_comments=False)", trafilatura_predict(include_comments=False)),
        System("trafilatura (Sieve's options)", trafilatura_predict(**SIEVE_TRAFILATURA_OPTIONS)),
    ]


def timed(
    runs: Sequence[System], cases: Sequence[Case], url_known: bool, rounds: int
) -> list[tuple[list[Prediction], list[float]]]:
    """Predictions and per-round seconds of each system; rounds interleave (A B C, A B C, ...) as in aeb.py."""
    seconds: list[list[float]] = [[] for _ in runs]
    preds: list[list[Prediction]] = [[] for _ in runs]
    for _ in range(rounds):
        for i, system in enumerate(runs):
            t0 = time.perf_counter()
            preds[i] = [system.predict(c.html, c.url if url_known else None) for c in cases]
            seconds[i].append(time.perf_counter() - t0)
    return list(zip(preds, seconds, strict=True))


# -- scoring ------------------------------------------------------------------------------------------------------


@dataclass
class PageScore:
    """One page, one system: counts to pool and per-page figures to average."""

    layout: str
    stamp_mode: str
    body: PRF
    structured: bool
    source_ok: bool = False
    rel_tp: int = 0
    rel_pred: int = 0
    rel_gold: int = 0
    published_ok: int = 0
    url_ok: int = 0
    cr_gold: int = 0
    cr_found: int = 0  # gold lines among the boilerplate (multiset)
    cr_pred: int = 0  # copyright-ish boilerplate lines
    cr_pred_ok: int = 0  # ... that are gold lines (multiset)
    # what the extracted text still holds (text systems only)
    txt: dict[str, tuple[int, int]] = field(default_factory=dict)  # measure -> (present, gold)


def score_page(gold: Gold, pred: Prediction) -> PageScore:
    s = PageScore(gold.layout, gold.stamp_mode, token_prf(gold.body, pred.body), pred.structured)
    if pred.related is not None and pred.boilerplate is not None:
        s.source_ok = pred.source == gold.source
        want = Counter(normalise_ws(x["title"]) for x in gold.related_links)
        have = Counter(title for title, _, _ in pred.related)
        s.rel_tp, s.rel_pred, s.rel_gold = sum((want & have).values()), sum(have.values()), sum(want.values())
        by_title: dict[str, list[tuple[str | None, str | None]]] = {}
        for title, published, url in pred.related:
            by_title.setdefault(title, []).append((published, url))
        for x in gold.related_links:
            found = by_title.get(normalise_ws(x["title"]))
            if found:
                published, url = found.pop(0)
                s.published_ok += published == x["published"]
                s.url_ok += url == x["url"]
        gold_lines = Counter(gold.copyright)
        boiler = Counter(pred.boilerplate)
        copyrightish = Counter({line: n for line, n in boiler.items() if COPYRIGHTISH_RE.search(line)})
        s.cr_gold = sum(gold_lines.values())
        s.cr_found = sum((gold_lines & boiler).values())
        s.cr_pred = sum(copyrightish.values())
        s.cr_pred_ok = sum((gold_lines & copyrightish).values())
    if pred.text is not None:
        text = normalise_ws(pred.text)
        lowered = text.lower()
        titles = [normalise_ws(x["title"]) for x in gold.related_links]
        s.txt = {
            "paragraphs": (sum(p in text for p in gold.paragraphs), len(gold.paragraphs)),
            "source line": (int(normalise_ws(gold.source_line).lower() in lowered), 1),
            "related titles": (sum(t in text for t in titles), len(titles)),
            "stamps": (sum(stamp in text for stamp in gold.stamps), len(gold.stamps)),
            "copyright lines": (
                sum(min(text.count(line), n) for line, n in Counter(gold.copyright).items()),
                len(gold.copyright),
            ),
        }
    return s


@dataclass
class Summary:
    pages: int
    body_p: float
    body_r: float
    body_f1: float
    structured: bool
    rel: tuple[float | None, float, float] = (None, 0.0, 0.0)  # P (None: nothing predicted), R, F1
    published: float = 0.0
    url: float = 0.0
    cr_recall: float = 0.0
    cr_precision: float | None = None  # None: no copyright-ish line predicted
    source: float = 0.0
    txt: dict[str, float] = field(default_factory=dict)


def summarise(scores: Sequence[PageScore]) -> Summary:
    n = len(scores)

    def mean(values: Sequence[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    out = Summary(
        n,
        mean([s.body.precision for s in scores]),
        mean([s.body.recall for s in scores]),
        mean([s.body.f1 for s in scores]),
        bool(scores) and scores[0].structured,
    )
    if out.structured:
        tp, pred, gold = (sum(getattr(s, k) for s in scores) for k in ("rel_tp", "rel_pred", "rel_gold"))
        p = tp / pred if pred else None
        r = tp / gold if gold else 0.0
        out.rel = (p, r, 2 * p * r / (p + r) if p and p + r else 0.0)
        out.published = sum(s.published_ok for s in scores) / gold if gold else 0.0
        out.url = sum(s.url_ok for s in scores) / gold if gold else 0.0
        cr_gold, cr_pred = sum(s.cr_gold for s in scores), sum(s.cr_pred for s in scores)
        out.cr_recall = sum(s.cr_found for s in scores) / cr_gold if cr_gold else 0.0
        out.cr_precision = sum(s.cr_pred_ok for s in scores) / cr_pred if cr_pred else None
        out.source = mean([float(s.source_ok) for s in scores])
    keys = [k for s in scores for k in s.txt]
    for key in dict.fromkeys(keys):
        present, total = (sum(s.txt[key][i] for s in scores if key in s.txt) for i in (0, 1))
        out.txt[key] = present / total if total else 0.0
    return out


# -- report -------------------------------------------------------------------------------------------------------

NAME_W = 38
#: The main table: (group, ((heading, width), ...)); groups are two spaces apart, columns one.
COLUMNS: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = (
    ("related links", (("P", 6), ("R", 6), ("F1", 6), ("publ.", 6), ("url", 6))),
    ("copyright", (("R", 6), ("P", 6))),
    ("source", (("acc", 6),)),
    ("body tokens", (("P", 6), ("R", 6), ("F1", 6))),
    ("speed", (("docs/s", 7), ("ratio", 6))),
)
TXT_KEYS = ("paragraphs", "source line", "related titles", "stamps", "copyright lines")


def line(name: str, groups: Sequence[Sequence[str]]) -> str:
    return f"{name:<{NAME_W}}" + "".join("  " + " ".join(cells) for cells in groups)


def header(speed: bool = True) -> list[str]:
    columns = COLUMNS if speed else COLUMNS[:-1]
    spans = [sum(w for _, w in cols) + len(cols) - 1 for _, cols in columns]
    return [
        line("", [[f"{title:<{span}}"] for (title, _), span in zip(columns, spans, strict=True)]).rstrip(),
        line("system", [[f"{h:>{w}}" for h, w in cols] for _, cols in columns]),
    ]


def fmt(value: float | None, width: int, produced: bool = True) -> str:
    """A score; ``-`` where the system does not produce the field, ``n/a`` where it predicted nothing."""
    if not produced:
        return f"{'-':>{width}}"
    if value is None:
        return f"{'n/a':>{width}}"
    return f"{value:>{width}.3f}"


def row(name: str, s: Summary, speed: tuple[float, float] | None) -> str:
    values: list[list[float | None]] = [
        [*s.rel, s.published, s.url],
        [s.cr_recall, s.cr_precision],
        [s.source],
        [s.body_p, s.body_r, s.body_f1],
    ]
    produced = [s.structured, s.structured, s.structured, True]
    groups = [
        [fmt(v, w, ok) for v, (_, w) in zip(vals, cols, strict=True)]
        for vals, (_, cols), ok in zip(values, COLUMNS[:4], produced, strict=True)
    ]
    if speed is not None:
        groups.append([f"{speed[0]:>7.1f}", f"{speed[1]:>5.2f}x"])
    return line(name, groups)


def txt_table(groups: dict[str, dict[str, Summary]]) -> list[str]:
    """What each text-only system's output still holds, per layout."""
    lines = [
        "What the extracted text still holds (share of gold items found verbatim in it, whitespace normalised; "
        "an upper bound for any cleaner reading that text):",
        line("system", [[f"{'layout':<9}", *(f"{k:>15}" for k in TXT_KEYS)]]),
    ]
    for group, by_system in groups.items():
        for name, s in by_system.items():
            if s.txt:
                lines.append(line(name, [[f"{group:<9}", *(f"{s.txt[k]:>15.3f}" for k in TXT_KEYS)]]))
    return lines


def stamp_table(name: str, scores: Sequence[PageScore], text_scores: Sequence[PageScore]) -> list[str]:
    """A structured system's related links by where the stamp sits against its headline.

    ``text_scores`` are the same pages read by the text-only system whose text
    is the structured system's raw text: its "in text" share says how many gold
    titles were there to be found at all.
    """
    lines = [
        f"{name}: related links by where the stamp sits against its headline (all layouts)",
        line("stamp position", [[f"{h:>7}" for h in ("pages", "in text", "P", "R", "publ.", "url")]]),
    ]
    for mode in STAMP_MODES:
        picked = [i for i, x in enumerate(scores) if x.stamp_mode == mode]
        if not picked:
            continue
        s = summarise([scores[i] for i in picked])
        present, total = (sum(text_scores[i].txt["related titles"][k] for i in picked) for k in (0, 1))
        in_text = present / total if total else 0.0
        cells = [f"{s.pages:>7}", fmt(in_text, 7), fmt(s.rel[0], 7), fmt(s.rel[1], 7), fmt(s.published, 7)]
        lines.append(line(mode, [[*cells, fmt(s.url, 7)]]))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"generator seed (default {DEFAULT_SEED})")
    parser.add_argument("--per-layout", type=int, default=20, help="pages per layout (default 20)")
    parser.add_argument("--layout", choices=LAYOUTS, help="run one layout only (the pages are the same)")
    parser.add_argument(
        "--url-known",
        action="store_true",
        help="pass each page's URL to the systems, as a crawl does (default: url=None, as `scrapy clean FILE`)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timed rounds (default 5)")
    parser.add_argument("--dump", type=Path, metavar="DIR", help="write the pages, their gold and Sieve's records")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.per_layout < 1:
        parser.error("--rounds and --per-layout must be at least 1")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("trafilatura").setLevel(logging.ERROR)

    cases = [c for c in generate(args.seed, args.per_layout) if args.layout in (None, c.layout)]
    if args.dump:
        dump(cases, args.dump)
    layouts = [layout for layout in LAYOUTS if any(c.layout == layout for c in cases)]
    runs = systems()
    sieve_record(cases[0].html, None)  # build the chain and import everything before the clock starts
    url_mode = (
        "the page URL passed in (as a crawl does)"
        if args.url_known
        else "url=None (as `scrapy clean FILE` does: the URL comes from the page's canonical link)"
    )
    print(
        f"{len(cases)} generated pages (seed {args.seed}; {args.per_layout} per layout: {', '.join(layouts)}); "
        f"{url_mode}"
    )
    print(
        f"docs/s = median of {args.rounds} interleaved timed rounds; ratio = docs/s against trafilatura alone "
        "(median of per-round ratios)"
    )
    print(
        "related links and copyright lines are pooled over pages; source and body are averaged over pages; "
        "'-' = not produced by the system, n/a = nothing predicted"
    )
    print(sieve_description())

    results = timed(runs, cases, args.url_known, args.rounds)
    base_secs = results[1][1]
    per_layout = layouts if len(layouts) > 1 else []  # one layout: the overall table is that layout's
    groups: dict[str, dict[str, Summary]] = {"all": {}, **{layout: {} for layout in per_layout}}
    speeds: dict[str, tuple[float, float]] = {}
    page_scores: dict[str, list[PageScore]] = {}
    for system, (preds, secs) in zip(runs, results, strict=True):
        ratios = sorted(b / s for b, s in zip(base_secs, secs, strict=True))
        speeds[system.name] = (len(cases) / statistics.median(secs), statistics.median(ratios))
        scores = page_scores[system.name] = [score_page(c.gold, p) for c, p in zip(cases, preds, strict=True)]
        groups["all"][system.name] = summarise(scores)
        for layout in per_layout:
            groups[layout][system.name] = summarise([s for s in scores if s.layout == layout])
    for group, by_system in groups.items():
        n = sum(group in ("all", c.layout) for c in cases)
        print(f"\n{'overall' if group == 'all' else 'layout ' + group} ({n} pages)")
        print("\n".join(header(speed=group == "all")))
        for name, s in by_system.items():
            print(row(name, s, speeds[name] if group == "all" else None))
    print()
    print("\n".join(txt_table(groups)))
    print()
    sieve, same_text = runs[0].name, runs[2].name  # Sieve's raw text is trafilatura's with Sieve's options
    print("\n".join(stamp_table(sieve, page_scores[sieve], page_scores[same_text])))

    if args.dump:
        for case, pred in zip(cases, results[0][0], strict=True):
            text = json.dumps(pred.record, ensure_ascii=False, indent=1)
            (args.dump / f"{case.name}.sieve.json").write_text(text + "\n", encoding="utf-8")
        print(f"\npages, gold and Sieve's records written to {args.dump}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
