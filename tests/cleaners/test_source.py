"""SourceCleaner: labels, wire datelines, credit lines and agency tags; sentences about sources stay body."""

from __future__ import annotations

import pytest

from cleaners.builtin.source import SourceCleaner, normalise_source
from cleaners.page import Page


def run(text: str):
    spans = sorted(SourceCleaner().find(Page(text)), key=lambda s: s.start)
    return [(text[s.start : s.end].strip(), s.data.get("name")) for s in spans]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("source: Alarabiya", "Alarabiya"),
        ("Source : AFP", "AFP"),
        ("SOURCE: Reuters.", "Reuters"),
        ("Sources: Associated Press", "AP"),
        ("المصدر: رويترز", "Reuters"),
        ("المصدر: وكالة الأنباء الأردنية", "Petra"),
        ("Source: European Space Agency", "European Space Agency"),
        ("Bron: ANP", "ANP"),
        ("Źródło: PAP", "PAP"),
        ("Källa: TT", "TT"),
        ("Πηγή: ΑΠΕ-ΜΠΕ", "ΑΠΕ-ΜΠΕ"),
        ("来源：新华社", "新华社"),
    ],
)
def test_source_label_lines(line, name):
    assert run(f"The article body says something.\n{line}\nGMT 16:39 2017 Sunday ,05 November") == [(line, name)]


def test_a_label_glued_to_the_last_sentence():
    text = "Prime Minister Saad al-Hariri said so.source: Alarabiya"
    assert run(text) == [("source: Alarabiya", "Alarabiya")]


@pytest.mark.parametrize(
    ("first", "claimed", "name"),
    [
        ("BEIRUT (Reuters) - Lebanon's government asked the bank", "BEIRUT (Reuters) -", "Reuters"),
        ("PARIS (AFP) — French lawmakers approved a bill", "PARIS (AFP) —", "AFP"),
        ("CAIRO, Nov 5 (AP) -- Egypt's parliament approved", "CAIRO, Nov 5 (AP) --", "AP"),
    ],
)
def test_wire_dateline_on_the_first_line(first, claimed, name):
    spans = list(SourceCleaner().find(Page(first + "\nMore body.")))
    assert [(first[s.start : s.end].strip(), s.data["name"]) for s in spans] == [(claimed, name)]
    assert spans[0].data["dateline"] == claimed.split(" (")[0]


def test_a_dateline_later_in_the_article_is_body():
    assert run("The body starts.\nBEIRUT (Reuters) - this is a quote of another story") == []


def test_credit_lines_and_trailing_agency_tags():
    text = "Body line one.\nThe last body line, officials said. (AFP)"
    assert run(text) == [("(AFP)", "AFP")]
    assert run("Body line one.\nLast line.\n— AFP") == [("— AFP", "AFP")]
    credit = "Reporting by Laila Bassam; Editing by Alex Richardson"
    assert run(f"Body line.\n{credit}") == [(credit, None)]


@pytest.mark.parametrize(
    "line",
    [
        "A source close to the talks said Russia had pushed for a shorter extension.",
        "Two senior sources at the finance ministry said talks were unlikely to resume.",
        "The county said sources of drinking water had not been contaminated.",
        "Our sources: two officials and a diplomat, all speaking on condition of anonymity, said it first.",
        "قال مصدر في الوزارة إن المدارس لن تغلق أبوابها.",
        "He blamed the Associated Press for the error.",
    ],
)
def test_sentences_about_sources_stay_body(line):
    assert run(f"{line}\nAnother body sentence follows.") == []


def test_normalise_source():
    assert normalise_source(" reuters. ") == "Reuters"
    assert normalise_source("Thomson Reuters") == "Reuters"
    assert normalise_source("Alarabiya") == "Alarabiya"
    assert normalise_source("Some Local Paper") == "Some Local Paper"


BODY = "The mayor said on Monday that the bridge would reopen next week after repairs to its deck were finished."


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("By Associated Press", "AP"),
        ("By The Associated Press", "AP"),
        ("By Jane Smith, Reuters", "Reuters"),
        ("Par Le Monde et AFP", "AFP"),
        ("Von dpa", "dpa"),
        ("AFP, MANILA", "AFP"),
        ("Quelle: dpa", "dpa"),
        ("Fuente: EFE", "EFE"),
        ("With files from The Associated Press", "AP"),
        ("This report was based on original reporting by Bloomberg.", "Bloomberg"),
        ("— Associated Press writer Jane Doe contributed to this report.", "AP"),
    ],
)
def test_wire_credits_in_every_form_name_their_source(line, name):
    assert run(f"{line}\n{BODY}") == [(line, name)]
    assert run(f"{BODY}\n{line}") == [(line, name)]


@pytest.mark.parametrize(
    "line",
    [
        "By Jane Smith",  # a staff byline names an author, not a source
        "By the end of the week the bridge would reopen, Reuters reported after the vote on Monday.",
        "The AP style guide was updated, and Reuters staff writers had to follow it for the new year.",
    ],
)
def test_bylines_and_sentences_that_mention_an_agency_are_not_claimed(line):
    assert run(f"{line}\n{BODY}") == []


def test_an_agency_on_its_own_site_is_the_publisher_not_a_source():
    text = f"By The Associated Press\n{BODY}"
    on_own_site = sorted(SourceCleaner().find(Page(text, url="https://apnews.com/article/bridge-reopens-1a2b3c")))
    elsewhere = sorted(SourceCleaner().find(Page(text, url="https://news.example/local/bridge-reopens-next-week")))
    assert [s.data.get("name") for s in on_own_site] == [None] and on_own_site[0].data["publisher"] == "AP"
    assert [s.data.get("name") for s in elsewhere] == ["AP"]
