"""Timestamps as news sites print them next to related headlines, parsed to ISO 8601 UTC."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

MONTHS = {
    m.lower(): i
    for i, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sep", "Sept"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for m in names
}
WEEKDAYS = {
    d.lower(): i for i, d in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
}
WEEKDAYS.update({d[:3]: i for d, i in list(WEEKDAYS.items())})
# Arabic month names, Levantine/Iraqi and Egyptian/Gulf, with and without hamza; and weekdays.
_ARABIC_MONTHS = [
    ("كانون الثاني", "يناير"),
    ("شباط", "فبراير"),
    ("آذار", "اذار", "مارس"),
    ("نيسان", "أبريل", "ابريل"),
    ("أيار", "ايار", "مايو"),
    ("حزيران", "يونيو", "يونيه"),
    ("تموز", "يوليو", "يوليه"),
    ("آب", "اب", "أغسطس", "اغسطس"),
    ("أيلول", "ايلول", "سبتمبر"),
    ("تشرين الأول", "تشرين الاول", "أكتوبر", "اكتوبر"),
    ("تشرين الثاني", "نوفمبر"),
    ("كانون الأول", "كانون الاول", "ديسمبر"),
]
MONTHS.update({name: i for i, names in enumerate(_ARABIC_MONTHS, start=1) for name in names})
_ARABIC_WEEKDAYS = [
    ("الاثنين", "الإثنين"),
    ("الثلاثاء",),
    ("الأربعاء", "الاربعاء"),
    ("الخميس",),
    ("الجمعة",),
    ("السبت",),
    ("الأحد", "الاحد"),
]
WEEKDAYS.update({name: i for i, names in enumerate(_ARABIC_WEEKDAYS) for name in names})

_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WD = r"(?P<wd>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")"
_HM = r"(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d)"
_TZ = r"(?P<tz>GMT|UTC|Z)"

# Each format is anchored on digits or a month name, with bounded repetitions
# only, so matching is linear in the line length.
_FORMATS = [
    # GMT 16:39 2017 Sunday ,05 November   (the seed's site family)
    rf"{_TZ}\s?{_HM}\s(?P<Y>\d{{4}})\s{_WD}\s?,\s?(?P<d>\d{{1,2}})\s{_MON}",
    # 2017-11-05 16:39 / 2017-11-05T16:39:00Z / 2017-11-05
    rf"(?P<Y>\d{{4}})-(?P<m>\d\d)-(?P<d>\d\d)(?:[T ]{_HM}(?::\d\d)?\s?{_TZ}?)?",
    # Sunday 05 November 2017 16:39 GMT / 5 Nov 2017 / 05 November 2017, 16:39
    rf"(?:{_WD},?\s)?(?P<d>\d{{1,2}})\s{_MON}\s(?P<Y>\d{{4}})(?:,?\s{_HM}(?:\s?{_TZ})?)?",
    # November 5, 2017 / Sunday, November 5, 2017 at 16:39 GMT
    rf"(?:{_WD},?\s)?{_MON}\s(?P<d>\d{{1,2}}),\s?(?P<Y>\d{{4}})(?:,?\s(?:at\s)?{_HM}(?:\s?{_TZ})?)?",
]
TIMESTAMP_RES = [re.compile(f, re.I) for f in _FORMATS]
#: Every format carries a four-digit year (any four digits: a cheap first test, not a year check).
FOUR_DIGITS = re.compile(r"\d{4}")
#: The digits and spaces every match of the format at the same index contains (its year and what touches it).
#: Matching a case-insensitive alternation of month and weekday names at every position of a line is slow, and
#: these need no names and no case: a format whose anchor is not in the range cannot match there, and one
#: whose anchor is matches nowhere before ``_ANCHOR_OFFSET`` characters ahead of the anchor's first hit.
_ANCHORS = [
    re.compile(r"\d:\d\d\s\d{4}"),  # the hour's last digit, minutes and year of "GMT 16:39 2017 ..."
    re.compile(r"\d{4}-\d\d-\d\d"),  # where "2017-11-05 ..." starts
    re.compile(r"\d\s\S+(?: \S+)?\s\d{4}"),  # the day's last digit to the year: month names have at most one space
    re.compile(r"\d,\s?\d{4}"),  # the day's last digit to the year of "November 5, 2017"
]
#: How far into a match its anchor may start, at most: a weekday, a month name and a few digits and spaces
#: before it (each character of a pattern matches one character, case-insensitive or not).
_ANCHOR_OFFSET = max(map(len, WEEKDAYS)) + max(map(len, MONTHS)) + 16


@dataclass(frozen=True)
class Timestamp:
    start: int
    end: int
    published: str | None  # ISO 8601 (UTC when a time is given), None if invalid
    problem: str | None = None


def _parse(m: re.Match[str]) -> tuple[str | None, str | None]:
    g = m.groupdict()
    try:
        month = int(g["m"]) if g.get("m") else MONTHS[g["mon"].lower().rstrip(".")]
        day, year = int(g["d"]), int(g["Y"])
        if g.get("H") is None:
            date = datetime(year, month, day)
            iso = date.date().isoformat()
        else:
            date = datetime(year, month, day, int(g["H"]), int(g["M"]), tzinfo=timezone.utc)
            iso = date.isoformat()
    except (ValueError, KeyError):
        return None, "not a valid date"
    wd = g.get("wd")
    if wd and WEEKDAYS.get(wd.lower(), WEEKDAYS.get(wd.lower()[:3])) != date.weekday():
        return None, f"weekday {wd} does not match {date.date().isoformat()}"
    return iso, None


def find_timestamps(text: str, start: int = 0, end: int | None = None) -> Iterator[Timestamp]:
    """Non-overlapping timestamps in ``text[start:end]``, leftmost-longest first."""
    end = len(text) if end is None else end
    if not FOUR_DIGITS.search(text, start, end):
        return  # every format carries a four-digit year: most lines are done here
    found: list[tuple[int, int, re.Match[str]]] = []
    for rx, anchor in zip(TIMESTAMP_RES, _ANCHORS, strict=True):
        hit = anchor.search(text, start, end)
        if hit is None:
            continue  # no match can lie in the range without its anchor
        # No match starts earlier: the same matches as from ``start``, without trying the names at each position.
        for m in rx.finditer(text, max(start, hit.start() - _ANCHOR_OFFSET), end):
            # Not inside a word or number: "x12017-11-05" is not a date.
            if m.start() > 0 and text[m.start() - 1].isdigit():
                continue
            if m.end() < len(text) and text[m.end()].isdigit() and text[m.end() - 1].isdigit():
                continue  # (a stamp ending in a month name may be glued to a headline that opens with a number)
            found.append((m.start(), -m.end(), m))
    found.sort()
    pos = -1
    for s, neg_e, m in found:
        if s < pos:
            continue
        iso, problem = _parse(m)
        pos = -neg_e
        yield Timestamp(s, pos, iso, problem)


def utc_now() -> datetime:
    """The current time, aware and in UTC: every timestamp Sieve records."""
    return datetime.now(timezone.utc)
