"""Text helpers every layer shares: whitespace normalisation, span trimming, tokens, table rows, years."""

from __future__ import annotations

import re

_WS_RE = re.compile(r"\s+")
_TOKEN_RE = re.compile(r"\w+")
#: A four-digit year of the 20th or 21st century, as a whole word.
YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")


def normalise_ws(text: str) -> str:
    """Collapse runs of whitespace to one space: the output form of a line."""
    return _WS_RE.sub(" ", text).strip()


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards past whitespace; equal when the range holds nothing else."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def tokens(text: str | None) -> list[str]:
    """Unicode ``\\w+`` tokens, case kept: the unit of every text measure and of alignment."""
    return _TOKEN_RE.findall(text or "")


def table_cells(text: str) -> list[str] | None:
    """The non-empty cells of a table row printed as ``| a | b |``, or None for any other line."""
    if len(text) < 2 or text[0] != "|" or text[-1] != "|":
        return None
    return [cell.strip() for cell in text[1:-1].split("|") if cell.strip()]
