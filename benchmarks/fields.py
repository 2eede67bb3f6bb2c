#!/usr/bin/env python
"""The four fields on real publishers' pages: Sieve beside trafilatura, scored against the hand-made gold.

Usage (from the repository root)::

    .venv/bin/python benchmarks/fields.py --naeb NAEB_DIR --wcxb WCXB_DIR --aeb AEB_DIR
    .venv/bin/python benchmarks/fields.py ... --pages tune       # every miss on the tuning half, page by page
    .venv/bin/python benchmarks/fields.py ... -s 'CLEANERS={"cleaners.builtin.SourceCleaner": null}'

The gold is ``benchmarks/gold/fields/*.json`` (see ``benchmarks/gold/README.md``: how it was annotated, and what
each field means); the pages come from the dev-set folders. Figures are printed for each half of the by-site
split (``devsets.half_of``): the cleaners are tuned on ``tune``; ``report`` is the figure to quote.

- **source**: share of pages whose predicted name is one of the gold names (after the alias table below), or
  both empty. trafilatura has no source field: its row is "always empty", the floor a source cleaner must beat.
- **related**: precision, recall and F1 of predicted items against gold items, matched one to one on their title
  (``\\w+`` tokens, case-folded; a predicted title holding the gold one with at most a few tokens more, such as a
  glued time, still matches); ``url`` is the share of matched items whose URL is the gold URL.
- **copyright**: recall of gold copyright lines (every copy) among the spans Sieve claimed with a
  ``copyright.*`` reason, and the precision of those spans.
- **body**: ``first``/``last`` is the share of pages whose body holds the gold first (last) sentence within
  ``EDGE`` tokens of its start (end); ``both`` needs both. **leaks**: pages whose body holds a gold related
  title or copyright line; ``credit`` counts pages whose body still holds an attribution line of the gold.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import devsets  # noqa: E402

GOLD = ROOT / "benchmarks" / "gold" / "fields"
#: How far (in ``\w+`` tokens) the gold first sentence may start from the body's start, or the last end from its end:
#: room for a standfirst or a caption, not for a related box.
EDGE = 40
TOKEN = re.compile(r"\w+")

#: Names that mean the same source, compared after case-folding and stripping "the".
ALIASES = {
    "associated press": "ap",
    "the associated press": "ap",
    "a.p.": "ap",
    "agence france-presse": "afp",
    "agence france presse": "afp",
    "france-presse": "afp",
    "reuters": "reuters",
    "thomson reuters": "reuters",
    "deutsche presse-agentur": "dpa",
    "bloomberg news": "bloomberg",
    "united press international": "upi",
    "press association": "pa",
    "pa media": "pa",
    "asian news international": "ani",
    "press trust of india": "pti",
    "agencia efe": "efe",
    "xinhua news agency": "xinhua",
    "kyodo news": "kyodo",
}


def tokens(text: str | None) -> list[str]:
    return TOKEN.findall((text or "").casefold())


def norm_name(name: str | None) -> str:
    key = " ".join((name or "").casefold().split()).strip(" .,;:-—")
    key = ALIASES.get(key, key)
    if key.startswith("the "):
        key = ALIASES.get(key[4:], key[4:])
    return key


def find(needle: Sequence[str], hay: Sequence[str]) -> int:
    """Index of the first occurrence of the token list ``needle`` in ``hay``, or -1."""
    if not needle or len(needle) > len(hay):
        return -1
    first, n = needle[0], len(needle)
    for i in range(len(hay) - n + 1):
        if hay[i] == first and list(hay[i : i + n]) == list(needle):
            return i
    return -1


def title_match(gold: Sequence[str], pred: Sequence[str]) -> bool:
    if not gold or not pred:
        return False
    if list(gold) == list(pred):
        return True
    # A predicted title that holds the gold headline plus a glued time or section (a few tokens more), or a gold
    # headline the page prints with a kicker the prediction dropped.
    longer, shorter = (pred, gold) if len(pred) > len(gold) else (gold, pred)
    return len(shorter) >= 3 and len(longer) - len(shorter) <= max(4, len(shorter) // 2) and find(shorter, longer) >= 0


def norm_url(url: str | None) -> str:
    url = (url or "").split("#", 1)[0].strip()
    return url[:-1] if url.endswith("/") else url


@dataclass
class Gold:
    set: str
    id: str
    url: str
    site: str
    half: str
    names: list[str]
    lines: list[str]
    related: list[dict[str, Any]]
    copyright: list[str]
    first: str
    last: str

    @classmethod
    def load(cls, path: Path) -> Gold:
        d = json.loads(path.read_text(encoding="utf-8"))
        site = devsets.site_of_url(d["url"])
        return cls(
            d["set"],
            d["id"],
            d["url"],
            site,
            devsets.half_of(site),
            list((d.get("source") or {}).get("names") or []),
            list((d.get("source") or {}).get("lines") or []),
            list(d.get("related") or []),
            list(d.get("copyright") or []),
            (d.get("body") or {}).get("first") or "",
            (d.get("body") or {}).get("last") or "",
        )


@dataclass
class Prediction:
    body: str
    source: str | None = None
    related: list[dict[str, Any]] | None = None  # None: the system has no such field
    copyright: list[str] | None = None


@dataclass
class PageScore:
    gold: Gold
    source_ok: bool
    rel_tp: int = 0
    rel_pred: int = 0
    rel_gold: int = 0
    url_ok: int = 0
    cr_gold: int = 0
    cr_found: int = 0
    cr_pred: int = 0
    cr_pred_ok: int = 0
    first_ok: bool = False
    last_ok: bool = False
    leaks: list[str] = field(default_factory=list)
    credit_in_body: bool = False
    misses: list[str] = field(default_factory=list)


def score_page(gold: Gold, pred: Prediction) -> PageScore:
    gold_names = {norm_name(n) for n in gold.names}
    got = norm_name(pred.source)
    source_ok = (not gold_names and not got) or got in gold_names
    s = PageScore(gold, source_ok)
    if not source_ok:
        s.misses.append(f"source: {pred.source!r}, gold {gold.names}")
    body = tokens(pred.body)

    # related: greedy one-to-one matching on titles
    if pred.related is not None:
        preds = [(tokens(x.get("title")), x) for x in pred.related]
        used = [False] * len(preds)
        s.rel_pred, s.rel_gold = len(preds), len(gold.related)
        for item in gold.related:
            want = tokens(item.get("title"))
            for j, (have, x) in enumerate(preds):
                if not used[j] and title_match(want, have):
                    used[j] = True
                    s.rel_tp += 1
                    s.url_ok += norm_url(x.get("url")) == norm_url(item.get("url"))
                    break
            else:
                s.misses.append(f"related missed: {item.get('title')!r}")
        s.misses += [f"related extra: {x.get('title')!r}" for (_, x), u in zip(preds, used, strict=True) if not u]

    # copyright lines: each gold copy is found by one claimed span holding it (or held by it)
    if pred.copyright is not None:
        spans = [tokens(t) for t in pred.copyright]
        used = [False] * len(spans)
        s.cr_gold, s.cr_pred = len(gold.copyright), len(spans)
        for line in gold.copyright:
            want = tokens(line)
            for j, have in enumerate(spans):
                if not used[j] and want and (find(want, have) >= 0 or (len(have) >= 3 and find(have, want) >= 0)):
                    used[j] = True
                    s.cr_found += 1
                    break
            else:
                s.misses.append(f"copyright missed: {line!r}")
        s.cr_pred_ok = sum(used)
        s.misses += [f"copyright extra: {t!r}" for t, u in zip(pred.copyright, used, strict=True) if not u]

    first, last = tokens(gold.first), tokens(gold.last)
    i = find(first, body)
    s.first_ok = 0 <= i <= EDGE if first else True
    j = rfind(last, body)
    s.last_ok = j >= 0 and len(body) - (j + len(last)) <= EDGE if last else True
    if not s.first_ok:
        s.misses.append(f"body first: at {i} of {len(body)} tokens")
    if not s.last_ok:
        s.misses.append(f"body last: {len(body) - (j + len(last)) if j >= 0 else 'absent'} tokens after")
    for item in gold.related:
        t = tokens(item.get("title"))
        if len(t) >= 4 and find(t, body) >= 0:
            s.leaks.append(f"related title {item.get('title')!r}")
    for line in gold.copyright:
        t = tokens(line)
        if len(t) >= 3 and find(t, body) >= 0:
            s.leaks.append(f"copyright {line!r}")
    s.credit_in_body = any(len(tokens(x)) >= 2 and find(tokens(x), body) >= 0 for x in gold.lines)
    s.misses += [f"leak: {x}" for x in s.leaks]
    return s


def rfind(needle: Sequence[str], hay: Sequence[str]) -> int:
    i = find(list(reversed(needle)), list(reversed(hay)))
    return -1 if i < 0 else len(hay) - i - len(needle)


# -- the systems ---------------------------------------------------------------------------------------------------


def sieve_system(overrides: list[str]) -> Any:
    from cleaners.api import Sieve

    settings: dict[str, Any] = {}
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"fields.py: -s {item!r} is not NAME=VALUE")
        settings[key.strip()] = value
    sieve = Sieve(settings=settings)

    def run(page: devsets.DevPage) -> Prediction:
        result = sieve.clean(page.bytes(), url=page.url)
        copyright_spans = [
            result.text_of(seg)
            for seg in result.segments
            if seg["label"] == "boilerplate" and str(seg.get("reason") or "").startswith("copyright")
        ]
        return Prediction(result.body, result.source, result.related_links, copyright_spans)

    return run


def trafilatura_system(page: devsets.DevPage) -> Prediction:
    import trafilatura

    return Prediction(trafilatura.extract(page.html(), url=page.url, include_comments=False) or "")


# -- the report ----------------------------------------------------------------------------------------------------


def summary(scores: Sequence[PageScore]) -> dict[str, float | None]:
    n = len(scores) or 1
    tp, pred, gold = (sum(getattr(s, k) for s in scores) for k in ("rel_tp", "rel_pred", "rel_gold"))
    p = tp / pred if pred else None
    r = tp / gold if gold else None
    cr_gold, cr_pred = sum(s.cr_gold for s in scores), sum(s.cr_pred for s in scores)
    return {
        "pages": len(scores),
        "source": sum(s.source_ok for s in scores) / n,
        "rel_p": p,
        "rel_r": r if pred or gold else None,
        "rel_f1": (2 * p * r / (p + r) if p and r else 0.0) if p is not None and r is not None else None,
        "url": sum(s.url_ok for s in scores) / tp if tp else None,
        "cr_r": sum(s.cr_found for s in scores) / cr_gold if cr_gold and cr_pred is not None else None,
        "cr_p": sum(s.cr_pred_ok for s in scores) / cr_pred if cr_pred else None,
        "first": sum(s.first_ok for s in scores) / n,
        "last": sum(s.last_ok for s in scores) / n,
        "both": sum(s.first_ok and s.last_ok for s in scores) / n,
        "leaks": sum(bool(s.leaks) for s in scores),
        "credit": sum(s.credit_in_body for s in scores),
    }


COLUMNS = (
    ("pages", "pages", "{:5d}"),
    ("source", "source", "{:6.3f}"),
    ("rel P", "rel_p", "{:6.3f}"),
    ("rel R", "rel_r", "{:6.3f}"),
    ("rel F1", "rel_f1", "{:6.3f}"),
    ("url", "url", "{:6.3f}"),
    ("©  R", "cr_r", "{:6.3f}"),
    ("©  P", "cr_p", "{:6.3f}"),
    ("first", "first", "{:6.3f}"),
    ("last", "last", "{:6.3f}"),
    ("both", "both", "{:6.3f}"),
    ("leaks", "leaks", "{:5d}"),
    ("credit", "credit", "{:6d}"),
)


def table(rows: Iterable[tuple[str, dict[str, float | None]]]) -> list[str]:
    out = [f"{'':<34}" + " ".join(f"{h:>6}" for h, _, _ in COLUMNS)]
    for name, s in rows:
        cells = []
        for _, key, fmt in COLUMNS:
            value = s[key]
            cells.append(f"{'-':>6}" if value is None else f"{fmt.format(value):>6}")
        out.append(f"{name:<34}" + " ".join(cells))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--naeb", type=Path, help="the NAEB dev set folder")
    ap.add_argument("--wcxb", type=Path, help="the WCXB-dev folder")
    ap.add_argument("--aeb", type=Path, help="the AEB folder")
    ap.add_argument("--gold", type=Path, default=GOLD, help="the gold files' folder (default benchmarks/gold/fields)")
    ap.add_argument("--pages", choices=("tune", "report", "all"), help="list each page's misses for this half")
    ap.add_argument("--only", help="score only pages whose set-id contains this")
    ap.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Sieve setting")
    args = ap.parse_args(argv)
    folders = {"naeb": args.naeb, "wcxb": args.wcxb, "aeb": args.aeb}
    golds = [Gold.load(p) for p in sorted(args.gold.glob("*.json"))]
    if args.only:
        golds = [g for g in golds if args.only in f"{g.set}-{g.id}"]
    if not golds:
        raise SystemExit(f"fields.py: no gold files in {args.gold}")
    wanted = {g.set for g in golds}
    missing = sorted(k for k in wanted if folders[k] is None)
    if missing:
        raise SystemExit("fields.py: the gold needs " + ", ".join(f"--{k} DIR" for k in missing))
    pages: dict[tuple[str, str], devsets.DevPage] = {}
    for kind in sorted(wanted):
        pages.update({(kind, p.id): p for p in devsets.load(folders[kind], kind)})
    sieve = sieve_system(args.set)
    systems = (("Sieve", sieve), ("trafilatura (include_comments=False)", trafilatura_system))
    results: dict[str, list[PageScore]] = {}
    for name, run in systems:
        results[name] = [score_page(g, run(pages[(g.set, g.id)])) for g in golds]
    for half in ("tune", "report"):
        rows = [(name, summary([s for s in scores if s.gold.half == half])) for name, scores in results.items()]
        print(f"\n{half} half")
        print("\n".join(table(rows)))
    print("\nall pages")
    print("\n".join(table((name, summary(scores)) for name, scores in results.items())))
    if args.pages:
        for s in results["Sieve"]:
            if args.pages in ("all", s.gold.half) and s.misses:
                print(f"\n{s.gold.set}-{s.gold.id} ({s.gold.site}, {s.gold.half})")
                for miss in s.misses:
                    print(f"  {miss[:200]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
