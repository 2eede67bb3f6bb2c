"""Timestamps as news sites print them, parsed to ISO 8601 (UTC when a time is given)."""

from __future__ import annotations

import pytest

from cleaners.timestamps import find_timestamps


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("GMT 16:39 2017 Sunday ,05 November", "2017-11-05T16:39:00+00:00"),
        ("GMT 22:04 2017 Monday ,23 October", "2017-10-23T22:04:00+00:00"),
        ("2017-11-05T16:39:00Z", "2017-11-05T16:39:00+00:00"),
        ("2017-11-05 16:39", "2017-11-05T16:39:00+00:00"),
        ("2017-11-05", "2017-11-05"),
        ("Sunday 05 November 2017 16:39 GMT", "2017-11-05T16:39:00+00:00"),
        ("5 Nov 2017", "2017-11-05"),
        ("March 3, 2021", "2021-03-03"),
        ("Sunday, November 5, 2017 at 16:39 GMT", "2017-11-05T16:39:00+00:00"),
        ("Sept. 4, 2019", "2019-09-04"),
    ],
)
def test_formats(text, published):
    (ts,) = find_timestamps(text)
    assert (ts.start, ts.end, ts.published, ts.problem) == (0, len(text), published, None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("GMT 16:39 2017 Monday ,05 November", "weekday Monday does not match 2017-11-05"),
        ("2017-02-30", "not a valid date"),
        ("31 April 2020", "not a valid date"),
    ],
)
def test_invalid_dates_are_found_but_not_published(text, problem):
    (ts,) = find_timestamps(text)
    assert ts.published is None and ts.problem == problem


def test_found_inside_text_with_offsets_and_window():
    text = "Truck bomb kills dozensGMT 22:04 2017 Monday ,23 October and 2017-11-05 too"
    got = [(text[t.start : t.end], t.published) for t in find_timestamps(text)]
    assert got == [
        ("GMT 22:04 2017 Monday ,23 October", "2017-10-23T22:04:00+00:00"),
        ("2017-11-05", "2017-11-05"),
    ]
    assert list(find_timestamps(text, 0, 30)) == []  # the window cuts the first stamp


@pytest.mark.parametrize("text", ["x12017-11-05", "2017-11-0512", "at 10:30 on Monday", "in 2017", "GMT 1"])
def test_not_timestamps(text):
    assert list(find_timestamps(text)) == []
