"""Scoring cleaned pages against their expected JSON files, per page, per site style and overall.

Used by ``scrapy evaluate``. A *case* is a page file with ``<name>.expected.json``
beside it; its *site style* is the folder right under ``pages/`` (or the
page's own folder when there is no ``pages/`` in the path). Every page goes
through :func:`cleaners.process.clean_content`, so the scores describe exactly
what ``scrapy clean`` and a crawl produce with the same settings.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaners.chain import CleanerChain
from cleaners.document.errors import InputError
from cleaners.document.files import decode_page, expected_path, find_pages
from cleaners.evaluation.metrics import PRF, label_agreement, overlap, token_prf
from cleaners.process import Extractor, clean_content, learn_content
from cleaners.record import page_problems
from cleaners.text import normalise_ws

logger = logging.getLogger(__name__)

#: What is reported per page, in table order: (key, heading, kind). ``prf`` keys also carry _p and _r.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("body", "body F1", "prf"),
    ("source", "source", "acc"),
    ("related", "related F1", "prf"),
    ("published", "published", "acc"),
    ("boilerplate", "boilerpl. F1", "prf"),
    ("labels", "labels", "acc"),
)
#: The segment label each field is about, for ``--compare``'s "per label" view.
FIELD_LABEL = {
    "body": "body",
    "source": "source",
    "related": "related",
    "published": "related",
    "boilerplate": "boilerplate",
}


class CaseError(ValueError):
    """An expected file or its page that cannot be scored; the message names the file and the fix."""


@dataclass
class Case:
    page: Path
    expected: Path
    style: str


@dataclass
class PageScore:
    case: Case
    scores: dict[str, float | None] = field(default_factory=dict)
    error: str | None = None
    #: One line per cleaner that failed on the page (the page is still scored, without that cleaner's spans).
    cleaner_errors: list[str] = field(default_factory=list)

    @property
    def worst(self) -> float:
        values = [v for k, v in self.scores.items() if _is_headline_key(k) and v is not None]
        return min(values) if values else 0.0


def _is_headline_key(key: str) -> bool:
    return key in {k for k, _, _ in FIELDS}


def site_style(page: Path) -> str:
    parts = page.parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "pages" and i + 1 < len(parts) - 1:
            return parts[i + 1]
    return page.parent.name or "."


def find_cases(paths: Iterable[str | Path]) -> Iterator[Case]:
    """Pages that have an expected JSON beside them; a page without one is not a case."""
    for arg in paths:
        path = Path(arg)
        if not path.exists():
            raise CaseError(f"no such file or directory: {path}")
        pages = [path] if path.is_file() else list(find_pages(path))
        for page in pages:
            exp = expected_path(page)
            if exp.is_file():
                yield Case(page, exp, site_style(page.resolve()))


def load_expected(case: Case) -> dict[str, Any]:
    try:
        data = json.loads(case.expected.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CaseError(f"{case.expected}: not readable JSON ({exc}); regenerate it with scrapy clean") from None
    if not isinstance(data, dict) or not isinstance(data.get("body"), str):
        raise CaseError(f"{case.expected}: needs at least a 'body' string (the output of scrapy clean)")
    return data


def _segments(items: Sequence[Any]) -> list[tuple[str, int, int]]:
    out = []
    for seg in items or []:
        if isinstance(seg, dict) and {"label", "start", "end"} <= seg.keys():
            out.append((str(seg["label"]), int(seg["start"]), int(seg["end"])))
    return out


def score_record(expected: dict[str, Any], got: dict[str, Any], raw_text: str) -> dict[str, float | None]:
    """Every measure of one page. ``published`` is None when no expected related title was found."""
    scores: dict[str, float | None] = {}

    def put(key: str, prf: PRF) -> None:
        scores[key], scores[key + "_p"], scores[key + "_r"] = prf.f1, prf.precision, prf.recall

    put("body", token_prf(expected.get("body"), got.get("body")))
    scores["source"] = float((expected.get("source") or None) == (got.get("source") or None))
    want_links = [x for x in expected.get("related_links") or [] if isinstance(x, dict) and x.get("title")]
    have_links = [x for x in got.get("related_links") or [] if isinstance(x, dict) and x.get("title")]
    put(
        "related",
        overlap((normalise_ws(x["title"]) for x in want_links), (normalise_ws(x["title"]) for x in have_links)),
    )
    have_by_title: dict[str, list[Any]] = {}
    for x in have_links:
        have_by_title.setdefault(normalise_ws(x["title"]), []).append(x.get("published"))
    matched = agree = 0
    for x in want_links:
        stamps = have_by_title.get(normalise_ws(x["title"]))
        if stamps:
            matched += 1
            published = stamps.pop(0)
            agree += published == x.get("published")
    scores["published"] = agree / matched if matched else (None if want_links else 1.0)
    put(
        "boilerplate",
        overlap(
            (normalise_ws(x) for x in expected.get("boilerplate") or []),
            (normalise_ws(x) for x in got.get("boilerplate") or []),
        ),
    )
    want_segments = _segments(expected.get("segments") or [])
    scores["labels"] = (
        label_agreement(raw_text, want_segments, _segments(got.get("segments") or [])) if want_segments else None
    )
    return scores


def learn_case(case: Case, chain: CleanerChain, max_bytes: int) -> None:
    """Show a case's page to the chain's learning cleaners, as :func:`evaluate_case` will clean it (first pass)."""
    try:
        expected = load_expected(case)
        decoded = decode_page(case.page.name, case.page.read_bytes(), max_bytes)
    except (CaseError, InputError, OSError):
        return  # evaluate_case reports it
    learn_content(chain, decoded.text, is_html=decoded.is_html, url=expected.get("url"))


def evaluate_case(case: Case, chain: CleanerChain, extractor: Extractor, max_bytes: int) -> PageScore:
    """Clean one page with ``chain`` and score it; a page that cannot be read or cleaned scores zero."""
    try:
        expected = load_expected(case)
        decoded = decode_page(case.page.name, case.page.read_bytes(), max_bytes)
    except (CaseError, InputError, OSError) as exc:
        return PageScore(case, {k: 0.0 for k, _, _ in FIELDS}, str(exc))
    cleaned = clean_content(chain, decoded.text, is_html=decoded.is_html, extractor=extractor, url=expected.get("url"))
    if cleaned.raw_text is None:
        message = "; ".join(e["message"] for e in cleaned.record["errors"]) or "cleaning failed"
        return PageScore(case, {k: 0.0 for k, _, _ in FIELDS}, message)
    _, cleaner_errors = page_problems(cleaned.record)
    return PageScore(case, score_record(expected, cleaned.record, cleaned.raw_text), cleaner_errors=cleaner_errors)


def macro(pages: Sequence[PageScore]) -> dict[str, float | None]:
    """Mean of each measure over the pages where it is defined (None where it never is)."""
    keys: list[str] = []
    for p in pages:
        keys.extend(k for k in p.scores if k not in keys)
    out: dict[str, float | None] = {}
    for key in keys:
        values = [v for p in pages if (v := p.scores.get(key)) is not None]
        out[key] = sum(values) / len(values) if values else None
    return out


def by_style(pages: Sequence[PageScore]) -> dict[str, dict[str, float | None]]:
    groups: dict[str, list[PageScore]] = {}
    for p in pages:
        groups.setdefault(p.case.style, []).append(p)
    return {style: macro(group) for style, group in sorted(groups.items())}


def below_floor(summary: dict[str, float | None], floor: float) -> list[str]:
    """Headline measures (F1s and accuracies) under ``floor``."""
    return [k for k, _, _ in FIELDS if (v := summary.get(k)) is not None and v < floor]


# -- presentation -------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "    -" if value is None else f"{value:.3f}"


def table(rows: Sequence[tuple[str, int | None, dict[str, float | None]]], first: str) -> str:
    width = max([len(first), *(len(name) for name, _, _ in rows)])
    head = f"{first:<{width}}  {'pages':>5}  " + "  ".join(f"{h:>12}" for _, h, _ in FIELDS)
    lines = [head, "-" * len(head)]
    for name, n, scores in rows:
        count = "" if n is None else str(n)
        lines.append(f"{name:<{width}}  {count:>5}  " + "  ".join(f"{_fmt(scores.get(k)):>12}" for k, _, _ in FIELDS))
    return "\n".join(lines)


def report(pages: Sequence[PageScore], *, worst: int = 10) -> str:
    styles = by_style(pages)
    counts: dict[str, int] = {}
    for p in pages:
        counts[p.case.style] = counts.get(p.case.style, 0) + 1
    overall = macro(pages)
    rows = [(style, counts[style], s) for style, s in styles.items()] + [
        ("ALL (macro over pages)", len(pages), overall)
    ]
    out = [table(rows, "site style")]
    prf = "  ".join(
        f"{k} P {_fmt(overall.get(k + '_p'))} R {_fmt(overall.get(k + '_r'))}" for k, _, kind in FIELDS if kind == "prf"
    )
    out.append(prf)
    ranked = sorted(pages, key=lambda p: (p.worst, str(p.case.page)))[:worst]
    if ranked:
        out.append("")
        out.append(table([(str(p.case.page), None, p.scores) for p in ranked], "worst pages first"))
    for p in pages:
        if p.error:
            out.append(f"error: {p.case.page}: {p.error}")
    return "\n".join(out)


def compare_report(a: Sequence[PageScore], b: Sequence[PageScore]) -> str:
    """Overall A, B and B−A per measure, then the pages whose scores moved most."""
    sa, sb = macro(a), macro(b)
    lines = [f"{'measure':<16} {'label':<12} {'configured':>10} {'compare':>10} {'change':>9}"]
    for key, heading, kind in FIELDS:
        subkeys = [key, key + "_p", key + "_r"] if kind == "prf" else [key]
        for k in subkeys:
            va, vb = sa.get(k), sb.get(k)
            delta = "" if va is None or vb is None else f"{vb - va:+.3f}"
            name = heading if k == key else f"  {k.rsplit('_', 1)[1].upper()}"
            lines.append(f"{name:<16} {FIELD_LABEL.get(key, '-'):<12} {_fmt(va):>10} {_fmt(vb):>10} {delta:>9}")
    moved = []
    for pa, pb in zip(a, b, strict=True):
        d = pb.worst - pa.worst
        if abs(d) > 1e-9:
            moved.append((d, str(pa.case.page)))
    if moved:
        lines.append("")
        lines.append("pages that changed (worst measure, compare − configured):")
        lines.extend(f"  {d:+.3f}  {path}" for d, path in sorted(moved)[:20])
    return "\n".join(lines)


def as_json(pages: Sequence[PageScore]) -> dict[str, Any]:
    return {
        "overall": macro(pages),
        "site_styles": by_style(pages),
        "pages": [
            {"page": str(p.case.page), "site_style": p.case.style, "scores": p.scores, "error": p.error}
            for p in sorted(pages, key=lambda p: (p.worst, str(p.case.page)))
        ],
    }
