"""The site-furniture learner: keys, statistics, thresholds, the cleaner, and the hard negatives it must leave alone."""

from __future__ import annotations

import itertools
import random
import re
import sys
import unicodedata

import pytest

from cleaners.builtin.furniture import FurnitureCleaner
from cleaners.chain import CleanerChain
from cleaners.furniture.keys import line_key, normalise_line, page_lines, site_key
from cleaners.furniture.policy import Thresholds
from cleaners.furniture.stats import Evidence, MemorySiteStats
from cleaners.page import Page
from cleaners.process import clean_content, learn_content

TIP = "Got a story? Email the Valley Ledger night desk; an editor reads every message before dawn."
WIRE = "Reuters could not independently verify the report."
QUOTE = "“We will rebuild every house,” the governor said."


def own_text(site: str, n: int) -> list[str]:
    """Sentences no other page has."""
    return [f"Story {n} of {site} reports event number {n * 7 + k} in district {k} of the city." for k in range(4)]


def page_text(site: str, n: int, extra: list[str]) -> str:
    lines = own_text(site, n)
    for i, line in enumerate(extra):
        lines.insert(1 + i, line)
    return "\n".join(lines)


def url(site: str, n: int) -> str:
    return f"https://www.{site}/news/{n}.html"


def chain_with(stats: MemorySiteStats | None = None) -> CleanerChain:
    return CleanerChain([FurnitureCleaner(stats)])


def run_site(chain: CleanerChain, site: str, texts: list[str]) -> list[str]:
    """Two passes, as `scrapy clean DIR` does: learn every page, then clean each; the bodies."""
    for n, text in enumerate(texts):
        learn_content(chain, text, is_html=False, url=url(site, n))
    return [clean_content(chain, text, is_html=False, url=url(site, n)).record["body"] for n, text in enumerate(texts)]


# -- keys ----------------------------------------------------------------------------------------------------------


def test_normalisation_folds_case_space_and_typography_but_not_digits():
    assert (
        normalise_line("  Sign   UP for our\u00a0“Daily” newsletter — now ")
        == 'sign up for our "daily" newsletter - now'
    )
    assert line_key(normalise_line("Police said 3 people")) != line_key(normalise_line("Police said 12 people"))


def test_page_lines_counts_a_line_once_and_skips_lines_without_letters():
    lines = page_lines("Advertisement\n2024\n---\nAdvertisement\nSome text.")
    assert sorted(lines.values()) == ["advertisement", "some text."]


def test_normalisation_fast_paths_are_the_definition():
    # The definition, spelt out the slow way; normalise_line skips steps that cannot change a line.
    table = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})

    def reference(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).translate(table)
        return re.sub(r"\s+", " ", text).strip().casefold()

    spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
    alphabet = [*spaces, *"‘’“”–—", "Ab", "1", "ß", "ẞ", "İ", "ﬁ", "Ａ", "㍻", "\u00bd", "e\u0301", "\u0627", "\u200b"]
    rng = random.Random(11)
    samples = [*spaces, *alphabet, "  Sign   UP\t—  now\x1c", "\x1f\x85plain ascii\x0b\x0c"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10))) for _ in range(20_000)]
    for text in samples:
        assert normalise_line(text) == reference(text), repr(text)
    page = "\n".join(samples[:3000])
    expected: dict[str, str] = {}
    for m in re.finditer(r"[^\n]+", page):
        line = reference(m.group())
        if line and len(line) <= 1000 and re.search(r"[^\W\d_]", line):
            expected.setdefault(line_key(line), line)
    assert list(page_lines(page).items()) == list(expected.items())


@pytest.mark.parametrize(
    ("host", "site"),
    [
        ("www.example.com", "example.com"),
        ("news.example.co.uk", "example.co.uk"),
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
        (None, None),
    ],
)
def test_site_key(host, site):
    assert site_key(host) == site


# -- statistics ----------------------------------------------------------------------------------------------------


def test_memory_stats_count_pages_idempotently_and_uncount_a_changed_page():
    stats = MemorySiteStats()
    stats.observe("a.com", "u1", {"k1": "x", "k2": "y"})
    stats.observe("a.com", "u1", {"k1": "x", "k2": "y"})  # the same page again: nothing changes
    stats.observe("a.com", "u2", {"k1": "x"})
    ev = stats.evidence("a.com", {"k1", "k2", "k3"})
    assert (ev.site_pages, dict(ev.pages)) == (2, {"k1": 2, "k2": 1})
    stats.observe("a.com", "u1", {"k3": "z"})  # u1 changed: its old lines are uncounted
    ev = stats.evidence("a.com", {"k1", "k2", "k3"})
    assert (ev.site_pages, dict(ev.pages)) == (2, {"k1": 1, "k3": 1})
    stats.observe("b.com", "v1", {"k1": "x"})
    assert stats.other_sites("a.com", {"k1", "k3"}) == {"k1": 1}
    assert stats.other_sites("b.com", {"k1"}) == {"k1": 1}


def test_counts_do_not_depend_on_the_order_pages_came_in():
    pages = [(f"u{n}", {f"k{n}": "a", "shared": "b", f"k{n % 2}": "c"}) for n in range(5)]
    results = set()
    for order in itertools.permutations(pages):
        stats = MemorySiteStats()
        for page, lines in order:
            stats.observe("a.com", page, lines)
        ev = stats.evidence("a.com", {"shared", "k0", "k1", "k4"})
        results.add((ev.site_pages, tuple(sorted(ev.pages.items()))))
    assert len(results) == 1


# -- thresholds ----------------------------------------------------------------------------------------------------


def test_thresholds():
    th = Thresholds(min_site_pages=5, min_pages=4, min_share=0.4, prose_words=6)
    ev = Evidence("a.com", 10, {"k": 4, "few": 3, "rare": 2}, {}, frozenset())
    assert th.claims(ev, "k", 3)
    assert not th.claims(ev, "few", 3)  # 3 pages < min_pages
    assert not th.claims(Evidence("a.com", 11, {"k": 4}), "k", 3)  # 4 of 11 < 40%
    assert not th.claims(Evidence("a.com", 4, {"k": 4}), "k", 3)  # a site of 4 pages says too little
    assert not th.claims(Evidence("a.com", 10, {"k": 9}, {"k": 1}), "k", 8)  # a sentence other sites print
    assert th.claims(Evidence("a.com", 10, {"k": 9}, {"k": 3}), "k", 1)  # a short label is furniture anywhere
    assert not th.claims(Evidence("a.com", 10, {"k": 9}, {}, frozenset({"k"})), "k", 1)  # vetoed


# -- the cleaner ---------------------------------------------------------------------------------------------------


def test_a_line_on_every_page_is_claimed_with_its_evidence():
    chain = chain_with()
    texts = [page_text("ledger.example", n, [TIP]) for n in range(8)]
    for n, text in enumerate(texts):
        learn_content(chain, text, is_html=False, url=url("ledger.example", n))
    record = clean_content(chain, texts[3], is_html=False, url=url("ledger.example", 3)).record
    assert TIP not in record["body"]
    for sentence in own_text("ledger.example", 3):
        assert sentence in record["body"]
    (claim,) = [s for s in record["segments"] if s["label"] == "boilerplate"]
    assert claim["reason"] == "furniture.repeated" and claim["cleaner"].endswith("FurnitureCleaner")
    assert claim["data"]["evidence"] == "seen on 8 of 8 pages of ledger.example"
    assert claim["data"]["pages"] == 8 and claim["data"]["key"] == line_key(normalise_line(TIP))


def test_text_seen_on_one_page_only_is_never_claimed():
    chain = chain_with()
    texts = [page_text("ledger.example", n, []) for n in range(10)]
    assert run_site(chain, "ledger.example", texts) == [t for t in texts]


def test_nothing_is_learned_or_claimed_without_a_site():
    chain = chain_with()
    text = page_text("x", 1, [TIP])
    for _ in range(10):
        learn_content(chain, text, is_html=False, url=None)
    assert clean_content(chain, text, is_html=False, url=None).record["body"] == text


def test_the_result_does_not_depend_on_the_order_of_the_pages():
    texts = [page_text("ledger.example", n, [TIP] if n % 3 else []) for n in range(9)]
    forward = run_site(chain_with(), "ledger.example", texts)
    chain = chain_with()
    for n in reversed(range(len(texts))):
        learn_content(chain, texts[n], is_html=False, url=url("ledger.example", n))
    backward = [
        clean_content(chain, text, is_html=False, url=url("ledger.example", n)).record["body"]
        for n, text in enumerate(texts)
    ]
    assert forward == backward and all(TIP not in body for body in forward)


# -- hard negatives ------------------------------------------------------------------------------------------------


def test_a_quote_repeated_on_two_pages_stays_body():
    texts = [page_text("ledger.example", n, [QUOTE] if n in (2, 5) else []) for n in range(6)]
    bodies = run_site(chain_with(), "ledger.example", texts)
    assert QUOTE in bodies[2] and QUOTE in bodies[5]
    # ... even on a site of only two pages, where it is on every page
    assert all(
        QUOTE in b for b in run_site(chain_with(), "tiny.example", [page_text("tiny", n, [QUOTE]) for n in (0, 1)])
    )


def test_a_standard_sentence_all_wire_stories_share_stays_body():
    """Every wire story of every site carries it: on each site it is on the wire stories, a minority of pages,
    and it is a sentence other sites print too: shared language, not one site's furniture."""
    chain = chain_with()
    sites = ("ledger.example", "courier.example", "gazette.example")
    texts = {s: [page_text(s, n, [WIRE] if n % 3 == 0 else []) for n in range(12)] for s in sites}
    for s in sites:
        for n, text in enumerate(texts[s]):
            learn_content(chain, text, is_html=False, url=url(s, n))
    # A wire-only site: the sentence is on every one of its pages, and still stays body.
    wire_only = [page_text("wire.example", n, [WIRE]) for n in range(8)]
    for n, text in enumerate(wire_only):
        learn_content(chain, text, is_html=False, url=url("wire.example", n))
    for s, pages in [*texts.items(), ("wire.example", wire_only)]:
        for n, text in enumerate(pages):
            body = clean_content(chain, text, is_html=False, url=url(s, n)).record["body"]
            assert body == text, (s, n)


def test_a_vetoed_pattern_is_never_claimed():
    stats = MemorySiteStats()
    stats.vetoes["ledger.example"] = {line_key(normalise_line(TIP))}
    texts = [page_text("ledger.example", n, [TIP]) for n in range(8)]
    assert run_site(chain_with(stats), "ledger.example", texts) == texts


def test_it_claims_only_main_content_and_only_what_is_unclaimed():
    stats = MemorySiteStats()
    text = "Menu line\nArticle sentence one is here.\nFurniture line"
    for n in range(6):
        stats.observe("a.com", f"https://a.com/{n}", page_lines(text))
    page = Page(text, url="https://a.com/0", domain="a.com", main=[(10, 39)])
    claimed = list(FurnitureCleaner(stats, Thresholds(min_share=0.5)).find(page))
    assert [text[s.start : s.end] for s in claimed] == ["Article sentence one is here."]


def test_the_default_chain_runs_it_last():
    from tests.conftest import make_chain

    chain = make_chain()
    assert chain.paths[-1] == "cleaners.builtin.FurnitureCleaner" and chain.learns
