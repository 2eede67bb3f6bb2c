"""CreditCleaner: contributor, contact and photo-credit lines are claimed as source; prose is not."""

from __future__ import annotations

import pytest

from cleaners.builtin.credits import CreditCleaner, credit_reason
from cleaners.page import Page


@pytest.mark.parametrize(
    "line",
    [
        "Keith Bradsher contributed reporting from Hong Kong.",
        "Associated Press writers Alan Fram and Zeke Miller contributed to this report.",
        "Contributing: Kristine Phillips",
        "Write to Al Root at allen.root@dowjones.com",
        "paul.takahashi@chron.com",
        "twitter.com/paultakahashi",
        "Photo: John Smith/Getty Images",
        "[사진=JTBC, 이매진아시아]",
        "The WeWork logo is displayed outside of a co-working space in New York.Reuters",
        "The core stage of the first SLS at Michoud after the installation of its engines. (credit: NASA)",
    ],
)
def test_credit_lines_are_claimed(line: str):
    assert credit_reason(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "Reuters reported that the talks had stalled.",
        "The photo was taken in 2019 by a tourist who later sold it.",
        "Das Thema wird seit Jahren diskutiert: Die elektronische Patientenakte (ePA)",
        "Readers can reach the helpline around the clock.",
        "“We got her!” an officer shouted, according to AP",
        "Contributors",  # a section's label over a card ("Contributors / Opinion / <headline>")
    ],
)
def test_prose_is_not_claimed(line: str):
    assert credit_reason(line) is None


def test_claims_are_source_spans_with_the_credit_text():
    text = "Body.\nContributing: Kristine Phillips\n"
    (span,) = CreditCleaner().find(Page(text))
    assert span.label == "source" and span.data["credits"] == "Contributing: Kristine Phillips"


@pytest.mark.parametrize(
    "line",
    [
        "Reach the reporters on Twitter at http://twitter.com/MegKinnardAP",
        'Mike Wall\'s book "Out There" is out now. Follow him on Twitter @michaeldwall.',
    ],
)
def test_contact_and_bio_lines_are_claimed(line: str):
    assert credit_reason(line) is not None


def test_following_someone_in_a_story_is_not_a_bio():
    assert credit_reason("Police decided to follow him to the station, where he was arrested.") is None


def test_an_abbreviation_in_parentheses_is_not_a_photo_credit():
    assert credit_reason("The rules were written by the Environmental Protection Agency (EPA)") is None
    assert credit_reason("The launch was run by the National Aeronautics and Space Administration (NASA)") is None
    assert credit_reason("Protesters march in Hong Kong on Sunday. (AP Photo/Kin Cheung)") is not None
