"""Text helpers every layer shares: whitespace normalisation, span trimming, tokens, table rows, years."""

from __future__ import annotations

import re

_TOKEN_RE = re.compile(r"\w+")
#: A four-digit year of the 20th or 21st century, as a whole word.
YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")


def normalise_ws(text: str) -> str:
    """Collapse runs of whitespace to one space, stripped: the output form of a line.

    ``str.split()`` splits where ``re``'s ``\\s`` matches (both use ``str.isspace``), without a regex call: it
    runs on every line of every page.
    """
    return " ".join(text.split())


def is_blank(value: str | bytes) -> bool:
    """``not value.strip()`` without copying a whole page: ``isspace`` tests the same whitespace and stops early."""
    return not value or value.isspace()


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards past whitespace; equal when the range holds nothing else."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def word_stems(stems: str, *, boundary_after_first: bool = False) -> str:
    r"""``\b(?:stem|stem|...)`` for a ``|``-separated list of stems, grouped by their first character.

    Python's ``re`` tries the alternatives of an alternation one after another
    at every position of the text, which makes a trigger of sixty words cost
    half a millisecond on a whole page. Grouped under their first character
    (``c(?:omment|ontinue)|s(?:hare|kip)``) it tries one branch per distinct
    first character instead. A match starts at exactly the same positions
    (only which stem wins there may change, and a trigger only asks where
    something matches). A stem is a regular expression without groups, classes
    or alternation that opens with a plain letter.

    ``boundary_after_first=True`` writes the word boundary after the first
    letter (``c(?<!\w\w)(?:opyright|reated)``: the letter is a word character,
    so the look-behind says the same as ``\b`` before it). A pattern whose
    every alternative then opens with a plain character lets ``re`` skip, at C
    speed, every position whose character opens none: three times faster when
    the stems open with a few letters, slower when they open with most of the
    alphabet (the look-behind then runs at most positions).
    """
    groups: dict[str, list[str]] = {}
    for stem in stems.split("|"):
        if not stem[:1].isalnum() or stem[1:2] in ("?", "*", "+", "{") or any(c in stem for c in "()[]"):
            raise ValueError(f"word_stems: {stem!r} must open with a letter and hold no group or class")
        groups.setdefault(stem[0], []).append(stem[1:])
    if boundary_after_first:
        return "|".join(f"{first}(?<!\\w\\w)(?:{'|'.join(rests)})" for first, rests in groups.items())
    return r"\b(?:" + "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items()) + ")"


def tokens(text: str | None) -> list[str]:
    """Unicode ``\\w+`` tokens, case kept: the unit of every text measure and of alignment."""
    return _TOKEN_RE.findall(text or "")


def table_cells(text: str) -> list[str] | None:
    """The non-empty cells of a table row printed as ``| a | b |``, or None for any other line."""
    if len(text) < 2 or text[0] != "|" or text[-1] != "|":
        return None
    return [cell.strip() for cell in text[1:-1].split("|") if cell.strip()]


#: NUL and UTF-16 surrogates: valid in a Python str, refused by PostgreSQL text (NUL) and by UTF-8 (surrogates).
#: A JSON-LD ``"\ud800"`` or ``"\u0000"`` escape puts them in a title; a raw-text page may hold a NUL.
_UNSTORABLE_RE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def sanitise(value: object) -> tuple[object, int]:
    """``value`` with every NUL and lone surrogate replaced by U+FFFD, and how many were replaced.

    Walks strings, lists, tuples and dict values. One character becomes one
    character, so offsets into a sanitised text (segments) keep their meaning.
    Returns the very same object when nothing needed replacing (the common case
    costs one regex scan per string, no copies).
    """
    if isinstance(value, str):
        if _UNSTORABLE_RE.search(value) is None:
            return value, 0
        return _UNSTORABLE_RE.subn(REPLACEMENT, value)
    if isinstance(value, dict):
        count = 0
        out: dict[object, object] = {}
        for key, item in value.items():
            out[key], n = sanitise(item)
            count += n
        return (out, count) if count else (value, 0)
    if isinstance(value, (list, tuple)):
        pairs = [sanitise(item) for item in value]
        count = sum(n for _, n in pairs)
        if not count:
            return value, 0
        items = [item for item, _ in pairs]
        return (items if isinstance(value, list) else tuple(items)), count
    return value, 0


def sanitised_note(count: int) -> str:
    """The one wording of the fact, wherever text had to be sanitised."""
    return (
        f"{count} NUL or lone surrogate character(s) replaced with U+FFFD (neither UTF-8 nor PostgreSQL can store them)"
    )
