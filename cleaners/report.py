"""A report a person can look at: each page's raw text with every claimed span coloured and explained.

Why: segments are offsets into a raw text that no other output shows next to
them, so checking what a cleaner claimed used to mean SQL with ``substr``. This
module turns pages (raw text plus segments) into ONE self-contained HTML file:
the raw text with spans coloured by label, who claimed each span and why (on
hover and in a details panel on click), per-page navigation, and a summary by
label and by cleaner. ``scrapy report`` feeds it from files or the database; it
is pure Python (no Scrapy, no storage) so anything else can feed it too.

Safety: page text is hostile input. Every piece of it (text, URL, name, label,
cleaner, reason, data, error) goes through :func:`html.escape` with quotes, in
element text and in attribute values alike; URLs become links only for http(s).
The one script is this module's own constant, and the file's Content Security
Policy allows exactly it and the generated style sheet (by hash), so even an
escaping mistake could not run anything a page carried.

Size: output is built as a list of strings joined once, every raw text is
escaped in slices that together cover it once, and the input pages are consumed
one at a time (only their rendered HTML and counts are kept), so a report grows
linearly with its pages and a 1 MB raw text costs a fraction of a second.
"""

from __future__ import annotations

import base64
import colorsys
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape
from typing import Any

__all__ = ["ReportPage", "ReportSegment", "label_colour", "render_report"]

#: Colours of the labels Sieve itself uses; any other label gets a stable generated colour (:func:`label_colour`).
KNOWN_COLOURS: dict[str, str] = {
    "body": "#e6f2da",
    "source": "#90caf9",
    "related": "#ffcc80",
    "boilerplate": "#ce93d8",
    "headline": "#fff59d",
    "chrome": "#cfd8dc",
}
#: Hues of the built-in colours (greys excluded) that generated colours keep away from, by ``_HUE_GAP`` of the wheel.
_KNOWN_HUES = tuple(
    hls[0]
    for hls in (colorsys.rgb_to_hls(*(int(c[i : i + 2], 16) / 255 for i in (1, 3, 5))) for c in KNOWN_COLOURS.values())
    if hls[2] > 0.3
)
_HUE_GAP = 0.05
#: Legend and table order: Sieve's labels first, then any others alphabetically.
_KNOWN_ORDER = {label: i for i, label in enumerate(KNOWN_COLOURS)}
#: Labels that are safe to use verbatim in a CSS class name.
_CLASS_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")


@dataclass(frozen=True, slots=True)
class ReportSegment:
    """``raw_text[start:end]`` carries ``label``, claimed by ``cleaner`` because ``reason``.

    Body spans (unclaimed text) have ``cleaner`` None. ``data`` is the span's structured values, if any.
    """

    label: str
    start: int
    end: int
    cleaner: str | None = None
    reason: str | None = None
    data: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ReportPage:
    """One page of a report: its name (a path or URL), raw text, segments and any errors.

    ``errors`` are mappings like the output contract's (``stage``, ``cleaner``,
    ``message``; optionally ``created_at``). Segments need not be valid: the
    renderer sorts them, clamps them to the text and reports overlaps as
    problems of the page instead of failing.
    """

    name: str
    raw_text: str
    segments: Sequence[ReportSegment] = ()
    url: str | None = None
    title: str | None = None
    errors: Sequence[Mapping[str, Any]] = ()

    @classmethod
    def from_record(
        cls, name: str, record: Mapping[str, Any], raw_text: str | None = None, *, url: str | None = None
    ) -> ReportPage:
        """A page from a ``scrapy clean`` output record (``raw_text`` from the argument or an ``--explain`` record)."""
        text = raw_text if raw_text is not None else record.get("raw_text")
        segments = [
            ReportSegment(
                label=str(s.get("label")),
                start=s.get("start"),  # type: ignore[arg-type]  # checked when rendered
                end=s.get("end"),  # type: ignore[arg-type]
                cleaner=s.get("cleaner"),
                reason=s.get("reason"),
                data=s.get("data"),
            )
            for s in record.get("segments") or []
            if isinstance(s, Mapping)
        ]
        return cls(
            name=name,
            raw_text=text or "",
            segments=segments,
            url=url if url is not None else record.get("url"),
            title=record.get("title"),
            errors=[e for e in record.get("errors") or [] if isinstance(e, Mapping)],
        )


def label_colour(label: str) -> str:
    """The background colour of ``label``: fixed for Sieve's labels, derived from the label's SHA-256 otherwise.

    The same label gets the same colour in every report and every run
    (unlike ``hash()``, which Python salts per process); generated colours are
    light, so black text stays readable on them.
    """
    if label in KNOWN_COLOURS:
        return KNOWN_COLOURS[label]
    digest = hashlib.sha256(label.encode("utf-8", "surrogatepass")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    while any(abs((hue - known + 0.5) % 1 - 0.5) < _HUE_GAP for known in _KNOWN_HUES):
        # Too close to a built-in label's colour: step round the wheel. Ten steps of 36 degrees, and each of the
        # four 36-degree gaps can hold at most one of them, so this ends.
        hue = (hue + 0.1) % 1
    lightness = 0.78 + digest[2] / 255 * 0.08
    saturation = 0.55 + digest[3] / 255 * 0.3
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def label_class(label: str) -> str:
    """A CSS class for ``label``: ``lbl-<label>`` when that is a safe identifier, else ``lbl--<digest>``.

    Safe labels start with a letter, so the two forms never collide.
    """
    if _CLASS_SAFE.fullmatch(label):
        return f"lbl-{label}"
    return "lbl--" + hashlib.sha256(label.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _label_key(label: str) -> tuple[int, str]:
    return (_KNOWN_ORDER.get(label, len(_KNOWN_ORDER)), label)


def _e(value: object) -> str:
    """Escaped for element text and (double- or single-quoted) attribute values alike."""
    return escape("" if value is None else str(value), quote=True)


def _t(piece: str) -> str:
    """A piece of raw text, escaped, that the browser shows character for character.

    An HTML parser turns CR LF and lone CR into LF and drops NUL, so those are
    written as character references (U+FFFD for NUL, which a document cannot hold).
    """
    out = escape(piece, quote=True)
    if "\r" in out:
        out = out.replace("\r", "&#13;")
    if "\x00" in out:
        out = out.replace("\x00", "&#xFFFD;")
    return out


def _n(value: int) -> str:
    return f"{value:,}"


@dataclass
class _Tally:
    """Spans and characters per label and per cleaner (and on how many pages each occurs)."""

    labels: dict[str, list[int]] = field(default_factory=dict)  # label -> [spans, chars, pages]
    cleaners: dict[str | None, list[int]] = field(default_factory=dict)  # cleaner -> [spans, chars, pages]
    cleaner_labels: dict[str | None, set[str]] = field(default_factory=dict)
    chars: int = 0
    outside: int = 0  # non-whitespace characters in no segment

    def add_segment(self, seg: ReportSegment) -> None:
        n = seg.end - seg.start
        row = self.labels.setdefault(seg.label, [0, 0, 1])
        row[0] += 1
        row[1] += n
        crow = self.cleaners.setdefault(seg.cleaner, [0, 0, 1])
        crow[0] += 1
        crow[1] += n
        self.cleaner_labels.setdefault(seg.cleaner, set()).add(seg.label)

    def merge(self, other: _Tally) -> None:
        for label, (spans, chars, pages) in other.labels.items():
            row = self.labels.setdefault(label, [0, 0, 0])
            row[0] += spans
            row[1] += chars
            row[2] += pages
        for cleaner, (spans, chars, pages) in other.cleaners.items():
            row = self.cleaners.setdefault(cleaner, [0, 0, 0])
            row[0] += spans
            row[1] += chars
            row[2] += pages
            self.cleaner_labels.setdefault(cleaner, set()).update(other.cleaner_labels.get(cleaner, ()))
        self.chars += other.chars
        self.outside += other.outside

    @property
    def spans(self) -> int:
        return sum(row[0] for row in self.labels.values())


@dataclass
class _NavEntry:
    number: int
    name: str
    chars: int
    spans: int
    label_spans: dict[str, int]
    errors: int
    problems: int


def _normalise(text_len: int, segments: Sequence[ReportSegment]) -> tuple[list[ReportSegment], list[str]]:
    """Segments sorted, inside the text and disjoint, plus a line per segment that had to be changed or dropped."""
    problems: list[str] = []
    valid: list[ReportSegment] = []
    for seg in segments:
        start, end = seg.start, seg.end
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
            problems.append(f"{seg.label} segment ({start!r:.20}, {end!r:.20}): offsets are not integers; not shown")
            continue
        valid.append(seg)
    valid.sort(key=lambda s: (s.start, s.end))
    out: list[ReportSegment] = []
    pos = 0
    for seg in valid:
        start, end = max(seg.start, 0), min(seg.end, text_len)
        where = f"{seg.label} segment ({seg.start}, {seg.end})"
        if (start, end) != (seg.start, seg.end):
            problems.append(f"{where} is outside the raw text (0..{text_len}); clamped")
        if start < pos:
            problems.append(f"{where} overlaps the segment before it; shown from {pos}")
            start = pos
        if start >= end:
            problems.append(f"{where} is empty; not shown")
            continue
        if (start, end) != (seg.start, seg.end):
            seg = ReportSegment(seg.label, start, end, seg.cleaner, seg.reason, seg.data)
        out.append(seg)
        pos = end
    return out, problems


def _segment_title(seg: ReportSegment) -> str:
    who = seg.cleaner if seg.cleaner else "unclaimed"
    reason = f": {seg.reason}" if seg.reason else ""
    return f"{seg.label} \u2014 {who}{reason} [{seg.start}\u2013{seg.end}]"


def _render_text(
    out: list[str], number: int, text: str, segments: Sequence[ReportSegment], tally: _Tally, labels: set[str]
) -> None:
    """The raw text in a ``<pre>``, each segment a ``<span>``; text outside segments as is (marked if not blank)."""
    out.append('<pre class="raw">\n')  # a newline right after <pre> is dropped by the parser: keeps one in the text
    pos = 0
    for i, seg in enumerate(segments):
        if seg.start > pos:
            _gap(out, text[pos : seg.start], tally)
        labels.add(seg.label)
        tally.add_segment(seg)
        attrs = [
            f'class="seg {label_class(seg.label)}" id="p{number}-s{i}"',
            f'data-label="{_e(seg.label)}" data-start="{seg.start}" data-end="{seg.end}"',
        ]
        if seg.cleaner:
            attrs.append(f'data-cleaner="{_e(seg.cleaner)}"')
        if seg.reason:
            attrs.append(f'data-reason="{_e(seg.reason)}"')
        if seg.data:
            attrs.append(f'data-data="{_e(json.dumps(seg.data, ensure_ascii=False, sort_keys=True, default=str))}"')
        attrs.append(f'title="{_e(_segment_title(seg))}"')
        out.append(f"<span {' '.join(attrs)}>{_t(text[seg.start : seg.end])}</span>")
        pos = seg.end
    if pos < len(text):
        _gap(out, text[pos:], tally)
    out.append("</pre>")


def _gap(out: list[str], piece: str, tally: _Tally) -> None:
    if piece.isspace():
        out.append(_t(piece))
        return
    tally.outside += sum(1 for c in piece if not c.isspace())
    out.append(f'<span class="gap" title="in no segment">{_t(piece)}</span>')


def _link(url: str | None) -> str:
    if not url:
        return ""
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noopener noreferrer nofollow">{_e(url)}</a>'
    return _e(url)


def _tables(tally: _Tally, label_order: Sequence[str], pages: bool) -> str:
    """The by-label and by-cleaner tables of ``tally`` (with a "pages" column for the whole report)."""
    total_chars = tally.chars or 1
    pages_head = "<th>pages</th>" if pages else ""
    rows = []
    for label in label_order:
        if label not in tally.labels:
            continue
        spans, chars, n_pages = tally.labels[label]
        rows.append(
            f'<tr data-label="{_e(label)}"><th scope="row"><span class="swatch {label_class(label)}"></span>'
            f"{_e(label)}</th><td>{_n(spans)}</td><td>{_n(chars)}</td>"
            f"<td>{chars / total_chars:.1%}</td>{f'<td>{_n(n_pages)}</td>' if pages else ''}</tr>"
        )
    if tally.outside:
        rows.append(
            f'<tr class="outside"><th scope="row"><span class="swatch gap"></span>(in no segment)</th><td></td>'
            f"<td>{_n(tally.outside)}</td><td>{tally.outside / total_chars:.1%}</td>{'<td></td>' if pages else ''}</tr>"
        )
    by_label = (
        '<table class="by-label"><caption>By label</caption><thead><tr><th>label</th><th>spans</th>'
        f"<th>characters</th><th>of the raw text</th>{pages_head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    crow = []
    ordered = sorted(tally.cleaners.items(), key=lambda kv: (kv[0] is None, -kv[1][1], kv[0] or ""))
    for cleaner, (spans, chars, n_pages) in ordered:
        name = _e(cleaner) if cleaner else '<span class="none">(none: unclaimed text)</span>'
        labels = ", ".join(_e(label) for label in sorted(tally.cleaner_labels.get(cleaner, ()), key=_label_key))
        crow.append(
            f'<tr data-cleaner="{_e(cleaner or "")}"><th scope="row">{name}</th><td>{labels}</td>'
            f"<td>{_n(spans)}</td><td>{_n(chars)}</td>{f'<td>{_n(n_pages)}</td>' if pages else ''}</tr>"
        )
    by_cleaner = (
        '<table class="by-cleaner"><caption>By cleaner</caption><thead><tr><th>cleaner</th><th>labels</th>'
        f"<th>spans</th><th>characters</th>{pages_head}</tr></thead><tbody>{''.join(crow)}</tbody></table>"
    )
    return f'<div class="tables">{by_label}{by_cleaner}</div>'


def _render_page(number: int, page: ReportPage, labels: set[str]) -> tuple[list[str], int, _Tally, _NavEntry]:
    """A page's ``<section>`` as parts, the index of its pager part (filled in later), its tally and nav entry."""
    text = page.raw_text or ""
    segments, problems = _normalise(len(text), page.segments)
    tally = _Tally(chars=len(text))
    raw: list[str] = []
    _render_text(raw, number, text, segments, tally, labels)
    errors = list(page.errors)
    parts: list[str] = [
        f'<section class="view page" id="page-{number}" data-name="{_e(page.name)}" aria-labelledby="page-{number}-h">'
        '<header class="page-head">',
        "",  # the pager: next/previous are known once every page is
        f'<h2 id="page-{number}-h"><span class="num">{number}.</span> {_e(page.name)}</h2>',
    ]
    if page.url:
        parts.append(f'<p class="url">{_link(page.url)}</p>')
    if page.title:
        parts.append(f'<p class="title">Title: {_e(page.title)}</p>')
    missing = "" if text else " (no raw text: the page could not be read or extracted)"
    parts.append(f'<p class="counts">{_n(len(text))} characters, {_plural(len(segments), "span")}{missing}</p>')
    if errors:
        items = "".join(_error_item(err) for err in errors)
        parts.append(f'<div class="errors" role="alert"><h3>{_plural(len(errors), "error")}</h3><ul>{items}</ul></div>')
    if problems:
        items = "".join(f"<li>{_e(p)}</li>" for p in problems)
        parts.append(
            f'<div class="problems" role="alert"><h3>{_plural(len(problems), "segment problem")}</h3>'
            f"<ul>{items}</ul></div>"
        )
    parts.append("</header>")
    parts.append(
        '<details class="page-summary" open><summary>Summary of this page</summary>'
        f"{_tables(tally, sorted(tally.labels, key=_label_key), False)}</details>"
    )
    parts.extend(raw)
    parts.append("</section>\n")
    entry = _NavEntry(
        number=number,
        name=page.name,
        chars=len(text),
        spans=len(segments),
        label_spans={label: row[0] for label, row in tally.labels.items()},
        errors=len(errors),
        problems=len(problems),
    )
    return parts, 1, tally, entry


def _plural(n: int, noun: str) -> str:
    return f"{_n(n)} {noun}{'' if n == 1 else 's'}"


def _error_item(err: Mapping[str, Any]) -> str:
    stage = _e(err.get("stage") or "error")
    cleaner = f" <code>{_e(err['cleaner'])}</code>" if err.get("cleaner") else ""
    when = f" <small>({_e(err['created_at'])})</small>" if err.get("created_at") else ""
    return f'<li><b class="stage">{stage}</b>{cleaner} {_e(err.get("message"))}{when}</li>'


def _pager(number: int, total: int) -> str:
    prev = (
        f'<a class="prev" href="#page-{number - 1}" rel="prev">&larr; previous</a>'
        if number > 1
        else '<span class="prev disabled">&larr; previous</span>'
    )
    nxt = (
        f'<a class="next" href="#page-{number + 1}" rel="next">next &rarr;</a>'
        if number < total
        else '<span class="next disabled">next &rarr;</span>'
    )
    return (
        f'<nav class="pager" aria-label="page {number}">{prev} <a class="up" href="#summary">summary</a> '
        f'<span class="pos">{number} / {total}</span> {nxt}</nav>'
    )


_SCRIPT = """(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");
  var views = Array.prototype.slice.call(doc.querySelectorAll(".view"));
  var navLinks = Array.prototype.slice.call(doc.querySelectorAll("#toc a[href^='#']"));
  var panel = doc.getElementById("details");
  var selected = null;
  var PREVIEW = 600;  // characters of a span's text shown in the details panel
  function show() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (err) { id = ""; }
    var target = id ? doc.getElementById(id) : null;
    var view = target && target.closest ? target.closest(".view") : null;
    if (!view) { view = views[0]; }
    views.forEach(function (v) { v.hidden = v !== view; });
    navLinks.forEach(function (a) {
      if (a.getAttribute("href") === "#" + view.id) { a.setAttribute("aria-current", "page"); }
      else { a.removeAttribute("aria-current"); }
    });
    if (target && target !== view) { target.scrollIntoView({block: "center"}); } else { window.scrollTo(0, 0); }
  }
  function field(name, value) {
    var el = panel.querySelector("[data-field='" + name + "']");
    el.textContent = value;
    el.parentNode.hidden = value === "";
  }
  function select(seg) {
    if (selected) { selected.classList.remove("sel"); }
    selected = seg;
    seg.classList.add("sel");
    var page = seg.closest(".page");
    var start = Number(seg.getAttribute("data-start")), end = Number(seg.getAttribute("data-end"));
    var text = seg.textContent;
    field("page", page ? page.getAttribute("data-name") : "");
    field("label", seg.getAttribute("data-label") || "");
    field("cleaner", seg.getAttribute("data-cleaner") || "(none: unclaimed text)");
    field("reason", seg.getAttribute("data-reason") || "");
    field("offsets", start + "\\u2013" + end + " (" + (end - start) + " characters)");
    field("data", seg.getAttribute("data-data") || "");
    field("text", text.length > PREVIEW ? text.slice(0, PREVIEW) + "\\u2026" : text);
    var cls = seg.className.split(/\\s+/).filter(function (c) { return c.indexOf("lbl-") === 0; })[0] || "";
    doc.getElementById("details-swatch").className = "swatch " + cls;
    panel.hidden = false;
  }
  doc.addEventListener("click", function (event) {
    var t = event.target;
    if (!t || !t.closest) { return; }
    if (t.closest("#details-close")) {
      panel.hidden = true;
      if (selected) { selected.classList.remove("sel"); selected = null; }
      return;
    }
    var seg = t.closest(".seg");
    if (seg) { select(seg); }
  });
  doc.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { panel.hidden = true; return; }
    if (event.ctrlKey || event.metaKey || event.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) {
      return;
    }
    var current = views.filter(function (v) { return !v.hidden; })[0];
    var rel = event.key === "n" ? "next" : event.key === "p" ? "prev" : null;
    var link = rel && current ? current.querySelector("a[rel='" + rel + "']") : null;
    if (link) { location.hash = link.getAttribute("href"); }
  });
  window.addEventListener("hashchange", show);
  show();
})();
"""

_CSS = """
:root { --fg: #1b1b1b; --muted: #5f6368; --line: #d7dade; --bad: #b3261e; --bad-bg: #fdecea; --warn-bg: #fff4e0; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { scroll-padding-top: 4.5rem; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
header.top { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line);
  padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; align-items: baseline; }
header.top h1 { font-size: 1.1rem; margin: 0; }
header.top .meta { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: .2rem .8rem; margin: 0; padding: 0; list-style: none; }
.legend li { white-space: nowrap; }
.swatch { display: inline-block; width: .9em; height: .9em; margin-right: .3em; vertical-align: -.1em;
  border: 1px solid rgba(0,0,0,.25); border-radius: 2px; }
.layout { display: flex; align-items: flex-start; }
#toc { position: sticky; top: 3rem; flex: 0 0 19rem; max-height: calc(100vh - 3rem); overflow: auto;
  padding: .5rem .8rem; border-right: 1px solid var(--line); font-size: 13px; }
#toc ol { padding-left: 1.6rem; margin: .3rem 0; }
#toc li { margin: .15rem 0; overflow-wrap: anywhere; }
#toc a[aria-current] { font-weight: 600; }
#toc .c { color: var(--muted); display: block; font-size: 12px; }
.flag { color: var(--bad); font-weight: 600; }
main { flex: 1 1 auto; min-width: 0; padding: .5rem 1.2rem 12rem; }
html:not(.js) .view + .view { border-top: 3px double var(--line); margin-top: 1rem; }
h2 { font-size: 1.15rem; margin: .4rem 0; overflow-wrap: anywhere; }
h2 .num { color: var(--muted); }
.pager { display: flex; gap: .8rem; align-items: baseline; color: var(--muted); }
.pager .disabled { color: #b0b0b0; }
.url, .title, .counts { margin: .15rem 0; overflow-wrap: anywhere; }
.counts { color: var(--muted); }
.errors { background: var(--bad-bg); border-left: 4px solid var(--bad); padding: .3rem .8rem; margin: .5rem 0; }
.problems { background: var(--warn-bg); border-left: 4px solid #e37400; padding: .3rem .8rem; margin: .5rem 0; }
.errors h3, .problems h3 { font-size: .95rem; margin: .2rem 0; }
.errors ul, .problems ul { margin: .2rem 0; padding-left: 1.2rem; }
.tables { display: flex; flex-wrap: wrap; gap: 1rem 2rem; margin: .5rem 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .15rem .6rem; text-align: right; }
th[scope=row], thead th:first-child, td.name, table.pages th.name { text-align: left; }
table.pages td.name { max-width: 32rem; overflow-wrap: anywhere; }
.none { color: var(--muted); font-style: italic; }
details.page-summary { margin: .4rem 0; }
details.page-summary > summary { cursor: pointer; color: var(--muted); }
pre.raw { white-space: pre-wrap; overflow-wrap: anywhere; font: 13.5px/1.6 ui-monospace, "DejaVu Sans Mono", monospace;
  border: 1px solid var(--line); border-radius: 4px; padding: .6rem .8rem; margin: .5rem 0; }
.seg { cursor: pointer; border-radius: 2px; box-shadow: inset 0 -1px 0 rgba(0,0,0,.28); }
.seg:hover { outline: 1px solid #333; }
.seg.sel { outline: 1px dashed #d93025; filter: saturate(2.5) brightness(.9); }
.gap { background: repeating-linear-gradient(45deg, #fff, #fff 4px, #f3d2d2 4px, #f3d2d2 8px); }
.details { position: fixed; right: 1rem; bottom: 1rem; z-index: 3; width: min(30rem, calc(100vw - 2rem));
  max-height: 60vh; overflow: auto; background: #fff; border: 1px solid #999; border-radius: 6px;
  box-shadow: 0 4px 16px rgba(0,0,0,.25); padding: .6rem .9rem; }
.details h2 { font-size: 1rem; margin: 0 0 .3rem; }
.details dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; }
.details dl > div { display: contents; }
.details dt { color: var(--muted); }
.details dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
#details-close { position: absolute; top: .3rem; right: .5rem; border: 0; background: none; font-size: 1.2rem;
  cursor: pointer; }
"""


def render_report(
    pages: Iterable[ReportPage], title: str = "Sieve report", *, generated: datetime | None = None
) -> str:
    """ONE self-contained HTML document showing every page's raw text with its segments; see the module docstring.

    ``pages`` is consumed once, in order. ``generated`` (default: now, UTC) is shown in the header.
    """
    sections: list[str] = []
    pagers: list[int] = []  # index in ``sections`` of each page's pager
    entries: list[_NavEntry] = []
    total = _Tally()
    labels: set[str] = set()
    for number, page in enumerate(pages, start=1):
        parts, pager_at, tally, entry = _render_page(number, page, labels)
        pagers.append(len(sections) + pager_at)
        sections.extend(parts)
        total.merge(tally)
        entries.append(entry)
    count = len(entries)
    for number, at in enumerate(pagers, start=1):
        sections[at] = _pager(number, count)
    label_order = sorted(labels, key=_label_key)
    css = _CSS + "".join(f".{label_class(label)} {{ background: {label_colour(label)}; }}\n" for label in label_order)
    flagged = sum(1 for e in entries if e.errors or e.problems)
    when = (generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")

    out: list[str] = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{_csp(css, _SCRIPT)}">\n',
        '<meta name="referrer" content="no-referrer">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{_e(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n",
        f'<header class="top"><h1>{_e(title)}</h1><span class="meta">{_n(count)} page{"s" if count != 1 else ""}'
        f", {_plural(total.spans, 'span')}, generated {_e(when)}</span>",
        '<ul class="legend" aria-label="labels">',
        *(
            f'<li data-label="{_e(label)}"><span class="swatch {label_class(label)}"></span>{_e(label)}</li>'
            for label in label_order
        ),
        "</ul></header>\n",
        '<div class="layout">\n<nav id="toc" aria-label="contents"><a href="#summary">Summary</a><ol>',
    ]
    for e in entries:
        flag = ""
        if e.errors:
            flag += f' <span class="flag">&#9888; {_plural(e.errors, "error")}</span>'
        if e.problems:
            flag += f' <span class="flag">&#9888; {_plural(e.problems, "segment problem")}</span>'
        per_label = ", ".join(f"{_n(e.label_spans[lb])} {_e(lb)}" for lb in sorted(e.label_spans, key=_label_key))
        css_class = ' class="flagged"' if flag else ""
        out.append(
            f'<li{css_class}><a href="#page-{e.number}">{_e(e.name)}</a>{flag}<span class="c">{_n(e.chars)} chars, '
            f"{_plural(e.spans, 'span')}{': ' + per_label if per_label else ''}</span></li>"
        )
    out.append("</ol></nav>\n<main>\n")
    out.append(_summary(entries, total, label_order, count, flagged))
    out.extend(sections)
    out.append(
        "</main>\n</div>\n"
        '<aside id="details" class="details" hidden aria-live="polite"><button id="details-close" type="button"'
        ' aria-label="close">&times;</button><h2><span id="details-swatch" class="swatch"></span>Segment</h2><dl>'
        + "".join(
            f'<div><dt>{name}</dt><dd data-field="{name}"></dd></div>'
            for name in ("page", "label", "cleaner", "reason", "offsets", "data", "text")
        )
        + "</dl></aside>\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )
    return "".join(out)


def _summary(entries: Sequence[_NavEntry], total: _Tally, label_order: Sequence[str], count: int, flagged: int) -> str:
    parts = [
        '<section class="view" id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>',
        f'<p class="counts">{_n(count)} page{"s" if count != 1 else ""}, {_n(total.chars)} characters of raw text, '
        f'{_plural(total.spans, "span")}; <span class="{"flag" if flagged else ""}">{_n(flagged)} '
        f"page{'s' if flagged != 1 else ''} with errors or segment problems</span>. "
        "Click a page, then any span of its text to see who claimed it and why "
        "(keys: n / p for the next and previous page).</p>",
        _tables(total, label_order, True),
        '<table class="pages"><caption>Pages</caption><thead><tr><th>#</th><th class="name">page</th>'
        "<th>characters</th><th>spans</th>",
        *(f'<th data-label="{_e(label)}">{_e(label)}</th>' for label in label_order),
        "<th>errors</th></tr></thead><tbody>",
    ]
    for e in entries:
        cells = "".join(f"<td>{_n(e.label_spans.get(label, 0))}</td>" for label in label_order)
        bad = f'<span class="flag">{e.errors}</span>' if e.errors else "0"
        if e.problems:
            bad += f' <span class="flag">+{e.problems} problem{"s" if e.problems != 1 else ""}</span>'
        parts.append(
            f'<tr id="row-{e.number}"><td>{e.number}</td><td class="name"><a href="#page-{e.number}">{_e(e.name)}</a>'
            f"</td><td>{_n(e.chars)}</td><td>{_n(e.spans)}</td>{cells}<td>{bad}</td></tr>"
        )
    parts.append("</tbody></table></section>\n")
    return "".join(parts)


def _csp(css: str, script: str) -> str:
    """Nothing may load or run except this file's own style sheet and script (allowed by their SHA-256)."""

    def digest(source: str) -> str:
        return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")

    return (
        f"default-src 'none'; style-src '{digest(css)}'; script-src '{digest(script)}'; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
