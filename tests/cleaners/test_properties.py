"""Properties of the whole chain on any text: offsets stay honest, nothing raises, nothing backtracks.

Hypothesis feeds arbitrary unicode and text built from the pieces real pages
are made of (timestamps, glued headlines, copyright lines, datelines, Arabic).
The backtracking guard runs every configured cleaner over 1 MB single-line
inputs in a forked process and compares its time with a few plain regex scans
of the same input, measured in the same process; a hang is killed, not waited
for.
"""

from __future__ import annotations

import multiprocessing
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners.page import Page
from cleaners.text import normalise_ws
from cleaners.timestamps import find_timestamps
from tests.conftest import make_chain

CHAIN = make_chain()
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PIECES = [
    "Hezbollah has captured much of an ISIS pocket on Syria’s side of the border, its leader said on Thursday.",
    "A source close to the talks said the deal was near.",
    "Officials met at 10:30 on Monday and again on 5 November 2017.",
    "“The old one said ‘all rights reserved’ on every door,” she said.",
    "Developed by judges, the doctrine is older than the internet.",
    "Copyright 2021 figures show ridership is down.",
    "source: Alarabiya",
    "Source : AFP",
    "SOURCE: Reuters.",
    "المصدر: وكالة الأنباء الأردنية",
    "قال مصدر في الوزارة إن المدارس لن تغلق.",
    "GMT 16:39 2017 Sunday ,05 November",
    "GMT 16:39 2017 Monday ,05 November",
    "Truck bomb kills dozens fleeing fighting against ISISGMT 22:04 2017 Monday ,23 October",
    "Syrian army controls entire Damascus-Deir Ezzor highwayMaintained and developed by Arabs Today Group SAL.",
    "Maintained and developed by Arabs Today Group SAL.",
    "All rights reserved to Arab Today Media Group 2023 ©",
    "© 2021 Harbor Times. All rights reserved.",
    "Powered by WordPress | Theme: Astra",
    "| Copyright © 2009 The Valley Gazette. All rights reserved. | Designed by Midwest Web Works |",
    "BEIRUT (Reuters) - ",
    "PARIS (AFP) — ",
    "Reporting by Laila Bassam; Editing by Alex Richardson",
    "— AFP",
    "(AFP)",
    "Related Posts",
    "Read more: Photographers push back on image scraping",
    "Council votes to expand bike lanes on Harbor Road",
    "March 3, 2021",
    "2017-11-05T16:39:00Z",
    "2017-02-30 10:00",
    "| More Local News School levy fails by 42 votes Fair board picks new grounds manager |",
    "| Related Stories |  |",
    "| School bond forum draws big crowd | Oct 12, 2023 |",
    "(",
    "©",
    "GMT 1",
    "\u200f",
    "\t",
]
SEPARATORS = ["\n", "", " ", "\n\n", "\r\n", "\u2028", " \n "]

realistic_text = st.lists(
    st.tuples(st.sampled_from(PIECES) | st.text(max_size=25), st.sampled_from(SEPARATORS)), max_size=30
).map(lambda parts: "".join(piece + sep for piece, sep in parts))
any_text = st.text(max_size=400) | realistic_text


def check_record(text: str, got: dict) -> None:
    """The output contract's invariants, for any input."""
    assert got["errors"] == [], got["errors"]  # no cleaner raised, no span was rejected
    pos = 0
    for seg in got["segments"]:
        start, end = seg["start"], seg["end"]
        assert 0 <= start < end <= len(text), seg
        assert start >= pos, f"segments overlap or are unsorted at {seg}"
        assert not text[pos:start].strip(), f"non-whitespace text outside every segment: {text[pos:start]!r}"
        piece = text[start:end]
        assert piece == piece.strip(), f"a segment starts or ends with whitespace: {piece!r}"
        pos = end
    assert not text[pos:].strip(), f"non-whitespace text after the last segment: {text[pos:]!r}"
    # The raw text is rebuilt exactly from the segments and the whitespace between them.
    rebuilt = list(text)
    for i, c in enumerate(text):
        if not c.isspace():
            rebuilt[i] = "\0"
    for seg in got["segments"]:
        rebuilt[seg["start"] : seg["end"]] = text[seg["start"] : seg["end"]]
    assert "".join(rebuilt) == text
    # Derived fields agree with the segments they come from.
    body_lines = [
        normalise_ws(line)
        for seg in got["segments"]
        if seg["label"] == "body"
        for line in text[seg["start"] : seg["end"]].split("\n")
    ]
    assert got["body"] == "\n".join(x for x in body_lines if x)
    boiler = [normalise_ws(text[s["start"] : s["end"]]) for s in got["segments"] if s["label"] == "boilerplate"]
    assert got["boilerplate"] == boiler
    for link in got["related_links"]:
        assert link["title"] and link["title"] == normalise_ws(link["title"])
        if link["published"] is not None:
            datetime.fromisoformat(link["published"])
    if got["source"] is not None:
        assert got["source"].strip()


@PROPS
@given(any_text)
def test_chain_output_is_consistent_on_any_text(text):
    check_record(text, CHAIN.run(Page(text)).to_dict())


#: Anchor texts of an imagined HTML page, so the link-aware paths run too.
LINKS = {
    title: f"https://news.example/{n}"
    for n, title in enumerate(
        [
            "School levy fails by 42 votes",
            "Fair board picks new grounds manager",
            "School bond forum draws big crowd",
            "Council votes to expand bike lanes on Harbor Road",
            "Photographers push back on image scraping",
            "School",
        ]
    )
}


@PROPS
@given(realistic_text)
def test_chain_output_is_consistent_with_html_links(text):
    got = CHAIN.run(Page(text, links=LINKS)).to_dict()
    check_record(text, got)
    for link in got["related_links"]:
        assert link["url"] is None or link["url"] == LINKS[link["title"]]


@PROPS
@given(realistic_text)
def test_each_cleaner_alone_stays_in_bounds_and_never_raises(text):
    for cleaner in CHAIN.cleaners:
        for span in cleaner.find(Page(text)):
            assert 0 <= span.start <= span.end <= len(text), (cleaner.name, span)
            assert span.label == cleaner.label or span.label


@PROPS
@given(any_text)
def test_cleaning_is_deterministic(text):
    assert CHAIN.run(Page(text)).to_dict() == CHAIN.run(Page(text)).to_dict()


@PROPS
@given(any_text, st.integers(0, 50), st.integers(0, 50))
def test_timestamps_are_sorted_disjoint_and_inside_the_window(text, a, b):
    start, end = min(a, len(text)), min(len(text), max(a, b))
    prev = start
    for ts in find_timestamps(text, start, end):
        assert prev <= ts.start < ts.end <= end
        assert (ts.published is None) == (ts.problem is not None)
        prev = ts.end


@PROPS
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2035, 12, 31)), st.integers(1, 6))
def test_gmt_timestamps_parse_to_utc_and_check_the_weekday(when, shift):
    when = when.replace(second=0, microsecond=0)
    line = when.strftime("GMT %H:%M %Y %A ,%d %B")
    (ts,) = find_timestamps(line)
    assert (ts.start, ts.end) == (0, len(line))
    assert ts.published == when.replace(tzinfo=timezone.utc).isoformat()
    wrong_day = (when + timedelta(days=shift)).strftime("%A")
    (bad,) = find_timestamps(line.replace(when.strftime("%A"), wrong_day))
    assert bad.published is None and "weekday" in (bad.problem or "")


# -- no catastrophic backtracking: every cleaner on 1 MB single lines ---------------------------------

MB = 1_000_000
ADVERSARIAL = {
    "words": "word " * (MB // 5),
    "repeated GMT 1": "GMT 1" * (MB // 5),
    "almost timestamps": "GMT 16:39 2017 Sunday ,05 " * (MB // 26),
    "repeated source:": "source:" * (MB // 7),
    "open parens": "(" * MB,
    "copyright signs": "©" * MB,
    "digits": "7" * MB,
    "no spaces": "a" * MB,
    "dashes": "-—" * (MB // 2),
    "glued pieces": "".join(PIECES[:20]).replace("\n", " ") * (MB // 1200),
}
#: A cleaner may do this many plain regex scans' worth of work on a line (the slowest today is ~25x, and
#: this machine is shared); catastrophic backtracking is quadratic or worse (hours on 1 MB), so the bound
#: is generous and still catches it.
MAX_SCANS = 100
_SCANS = [re.compile(p) for p in (r"\w+", r"\d\d?:\d\d\s[A-Z]", r"[A-Z][a-z]+\sby\s\S", r"[(©]\s?\d{4}\b")]


def _baseline(text: str) -> float:
    """Seconds for four plain regex scans of ``text`` (median of three runs)."""
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        for rx in _SCANS:
            rx.findall(text)
        runs.append(time.perf_counter() - t)
    return sorted(runs)[1]


def _time_cleaners(text: str, conn) -> None:
    """In the child: the baseline, then each cleaner's time (or its exception), one message each."""
    conn.send(("baseline", _baseline(text)))
    for cleaner in CHAIN.cleaners:
        t = time.perf_counter()
        try:
            n = len(list(cleaner.find(Page(text))))
        except Exception as exc:  # reported, not raised: the parent asserts
            conn.send((cleaner.name, f"raised {type(exc).__name__}: {exc}"))
            continue
        conn.send((cleaner.name, (time.perf_counter() - t, n)))
    conn.close()


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_no_cleaner_backtracks_on_a_1mb_line(name):
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_time_cleaners, args=(ADVERSARIAL[name], child), daemon=True)
    proc.start()
    child.close()
    try:
        assert parent.poll(60), "the child never reported its baseline"
        _, baseline = parent.recv()
        allowed = MAX_SCANS * baseline
        problems = []
        for cleaner in CHAIN.cleaners:
            # The kill guard is a little above the bound; the assertion below is the bound itself.
            if not parent.poll(2 * allowed + 5):
                problems.append(f"{cleaner.name} did not finish within {2 * allowed + 5:.1f}s (killed)")
                break
            cname, result = parent.recv()
            if isinstance(result, str):
                problems.append(f"{cname} {result}")
            elif result[0] > allowed:
                problems.append(f"{cname} took {result[0] / baseline:.0f}x the baseline (bound {MAX_SCANS}x)")
    finally:
        proc.kill()
        proc.join()
    assert not problems, f"{name!r} ({len(ADVERSARIAL[name])} chars, baseline {baseline * 1000:.0f} ms): {problems}"
