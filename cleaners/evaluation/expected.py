"""Expected files of fixture pages: what a generated file pins, and how a hand-made gold file is compared.

``scrapy fixtures`` writes and checks them, ``tests/test_fixtures.py`` walks
them; both go through these functions so they can never disagree.
"""

from __future__ import annotations

import json
from typing import Any

from cleaners.record import FIELDS

#: The marker of a generated expected file. A file without it is a hand-made gold
#: annotation: ``--update`` never touches it and it is compared on its own fields.
GENERATED_BY = "scrapy fixtures"
#: Keys of an expected file that a review may add and ``--update`` keeps.
KEPT_KEYS = ("note",)


def is_generated(expected: dict[str, Any]) -> bool:
    return expected.get("generated_by") == GENERATED_BY


def merged_segments(segments: list[dict[str, Any]], text: str) -> list[tuple[str, int, int]]:
    """Neighbouring same-label segments separated only by whitespace, merged.

    A gold file may give one span where the chain gives one per line or per
    link; merged they must agree exactly.
    """
    out: list[list[Any]] = []
    for seg in sorted(segments, key=lambda s: s["start"]):
        if out and out[-1][0] == seg["label"] and not text[out[-1][2] : seg["start"]].strip():
            out[-1][2] = seg["end"]
        else:
            out.append([seg["label"], seg["start"], seg["end"]])
    return [(label, start, end) for label, start, end in out]


def comparable(record: dict[str, Any], expected: dict[str, Any], raw_text: str | None) -> dict[str, Any]:
    """The part of ``record`` an expected file pins down.

    A generated file pins the whole output contract. A gold annotation pins
    what it gives: body, source, related links (title, published), boilerplate
    and its labelled spans merged across whitespace.
    """
    if is_generated(expected):
        return {k: record.get(k) for k in FIELDS}
    out: dict[str, Any] = {}
    for key in ("body", "source", "boilerplate"):
        if key in expected:
            out[key] = record.get(key)
    if "related_links" in expected:
        out["related_links"] = [{"title": r["title"], "published": r["published"]} for r in record["related_links"]]
    if "segments" in expected:
        out["segments"] = merged_segments(record["segments"], raw_text or "")
    if "errors" in expected:
        out["errors"] = record.get("errors")
    return out


def expected_view(expected: dict[str, Any], raw_text: str | None) -> dict[str, Any]:
    """The same view of an expected file, to compare with :func:`comparable`."""
    return comparable(expected, expected, raw_text)


def generated_file(record: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """What ``--update`` writes: kept review keys, the marker, then the output contract."""
    kept = {k: old[k] for k in KEPT_KEYS if old and k in old}
    return {**kept, "generated_by": GENERATED_BY, **{k: record[k] for k in FIELDS}}


def dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
