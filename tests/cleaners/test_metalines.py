"""MetaLineCleaner: date stamps, reading time, page URLs and tag lines are claimed; prose with dates is not."""

from __future__ import annotations

import pytest

from cleaners.builtin.metalines import MetaLineCleaner, meta_reason
from cleaners.page import Page

URL = "https://example.com/news/a-story.html"


@pytest.mark.parametrize(
    "line",
    [
        "UPDATED: Tue., Nov. 19, 2019",
        "2019-11-19T08:57:40+01:00",
        "5:45 AM PST 11/19/2019 by Patrick Shanley",
        "sexta-feira, 22 de outubro de 2010 às 20:13",
        "Updated at 1:23 p.m.",
        "- Published 18 November 2019",
        "By Patrick Shanley, 5:45 AM PST 11/19/2019",
        "Tempo de leitura: 2 minutos",
        "Filed under: Politics |",
        URL,
        "https://static.example.com/image/5dd3a081-500-250/cover.jpg",
    ],
)
def test_metadata_lines_are_claimed(line: str):
    assert meta_reason(line, URL) is not None


@pytest.mark.parametrize(
    "line",
    [
        "The vote is on 5 November 2019.",
        "— Robert Maguire (@RobertMaguire_) November 18, 2019",  # closes an embedded tweet: content
        "4:14 p.m.",  # a live timeline entry's time
        "http://amzn.to/2iJFhRj",  # a link the article lists
        "The company was founded on March 3, 2001 by two brothers from Ohio who sold shoes",
        "Nov. 19, 2019: Lakers 112, OKC 107",  # a timeline entry
        "March 3, 2020 – Company founded",
    ],
)
def test_content_is_not_claimed(line: str):
    assert meta_reason(line, URL) is None


def test_cleaner_uses_the_page_url():
    text = f"{URL}\nBody text.\n"
    (span,) = MetaLineCleaner().find(Page(text, url=URL))
    assert text[span.start : span.end] == URL and span.label == "boilerplate"
    assert list(MetaLineCleaner().find(Page(text, url="https://example.com/other"))) == []
