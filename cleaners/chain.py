"""The cleaner chain: loads cleaners the way Scrapy loads pipelines and runs them over a page."""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import math
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import build_from_crawler, load_object

from cleaners.base import Cleaner
from cleaners.labels import BODY, CHROME, CLAIMED, check_labels
from cleaners.page import Page, Span
from cleaners.text import normalise_ws, trim
from cleaners.urls import in_domains

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: The entry-point group plugins list their cleaners in; its names may stand for dotted paths in ``CLEANERS``.
ENTRY_POINT_GROUP = "sieve.cleaners"


@dataclass
class CleanResult:
    """What the chain made of one page. ``to_dict`` is the stable output contract."""

    text: str
    spans: list[Span]
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: Main-content ranges of the page (whole text for a raw-text page).
    main: list[tuple[int, int]] | None = None

    def segments(self) -> list[Span]:
        """Claimed spans plus the unclaimed text, trimmed: ``body`` inside the main content, ``chrome`` outside."""
        out: list[Span] = []
        pos = 0
        for span in [*self.spans, None]:
            hi = span.start if span is not None else len(self.text)
            out.extend(self._unclaimed(pos, hi))
            if span is not None:
                out.append(span)
                pos = span.end
        return out

    def _unclaimed(self, lo: int, hi: int) -> list[Span]:
        main = [(0, len(self.text))] if self.main is None else self.main
        pieces: list[Span] = []
        i = max(0, bisect.bisect_right([s for s, _ in main], lo) - 1)
        pos = lo
        while pos < hi:
            while i < len(main) and main[i][1] <= pos:
                i += 1
            if i < len(main) and main[i][0] <= pos:
                cut, label = min(hi, main[i][1]), BODY
            else:
                cut, label = (min(hi, main[i][0]) if i < len(main) else hi), CHROME
            s, e = trim(self.text, pos, cut)
            if s < e:
                if pieces and pieces[-1].label == label and not self.text[pieces[-1].end : s].strip():
                    s = pieces.pop().start
                pieces.append(Span(s, e, label))
            pos = cut
        return pieces

    @property
    def body(self) -> str:
        return self._body(self.segments())

    def _body(self, segments: list[Span]) -> str:
        lines: list[str] = []
        for seg in segments:
            if seg.label == BODY:
                lines.extend(normalise_ws(x) for x in self.text[seg.start : seg.end].split("\n"))
        return "\n".join(x for x in lines if x)

    @property
    def source(self) -> str | None:
        for span in self.spans:
            if span.label == "source" and span.data.get("name"):
                return str(span.data["name"])
        return None

    @property
    def related_links(self) -> list[dict[str, Any]]:
        return [
            {"title": s.data["title"], "published": s.data.get("published"), "url": s.data.get("url")}
            for s in self.spans
            if s.label == "related" and s.data.get("title")
        ]

    @property
    def boilerplate(self) -> list[str]:
        return [normalise_ws(self.text[s.start : s.end]) for s in self.spans if s.label == "boilerplate"]

    def to_dict(self) -> dict[str, Any]:
        segments = self.segments()  # once, for the body and the segments both
        return {
            "body": self._body(segments),
            "source": self.source,
            "related_links": self.related_links,
            "boilerplate": self.boilerplate,
            "segments": [segment_dict(s) for s in segments],
            "errors": list(self.errors),
        }


def segment_dict(span: Span) -> dict[str, Any]:
    """A segment as output: label, offsets, who claimed it and why (a code); details only when there are any."""
    out: dict[str, Any] = {
        "label": span.label,
        "start": span.start,
        "end": span.end,
        "cleaner": span.cleaner,
        "reason": span.reason or None,
    }
    if span.data:
        out["data"] = dict(span.data)
    return out


def _where(exc: BaseException) -> str:
    """``file:line`` of the innermost frame of a cleaner's exception: where the plugin author should look."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"


class CleanerChain:
    """Cleaners in order; each sees what the earlier ones claimed.

    Built from the ``CLEANERS`` setting merged over ``CLEANERS_BASE`` with
    Scrapy's own ``build_component_list``, so ordering, adding and disabling a
    cleaner work exactly like ``ITEM_PIPELINES``. A cleaner is identified by
    the key it was configured under (a dotted path, or the name of an entry
    point in ``sieve.cleaners``): that is what segments, errors and stats name.
    """

    def __init__(
        self,
        cleaners: Sequence[Cleaner],
        *,
        domains: Mapping[str, Sequence[str]] | None = None,
        stats: StatsCollector | None = None,
        paths: Sequence[str] | None = None,
    ) -> None:
        self.cleaners = list(cleaners)
        if paths is None:
            paths = [f"{type(c).__module__}.{type(c).__qualname__}" for c in cleaners]
        #: Identity of each cleaner, aligned with ``cleaners`` (one that raised ``NotConfigured`` is in neither).
        self.paths = list(paths)
        if len(self.paths) != len(self.cleaners):
            raise ValueError("CleanerChain: paths must name every cleaner, in order")
        for cleaner, path in zip(self.cleaners, self.paths, strict=True):
            check_labels(getattr(cleaner, "label", None), cleaner.new_labels, f"CLEANERS: {path!r}")
        domains = domains or {}
        self._domains = [
            tuple(domains.get(path, domains.get(c.name, c.domains)))
            for c, path in zip(self.cleaners, self.paths, strict=True)
        ]
        self.stats = stats
        # Looked up once, not once a count: Scrapy's stats collector wraps every attribute access.
        self._inc_value = stats.inc_value if stats is not None else None
        #: Seconds spent in each cleaner's ``find`` (by identity), for ``scrapy cleaners --timing`` and stats.
        self.seconds: dict[str, float] = dict.fromkeys(self.paths, 0.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanerChain:
        settings = crawler.settings
        cleaners: list[Cleaner] = []
        paths: list[str] = []
        plugins = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
        for path in enabled_paths(settings):
            cleaner_cls = _load(path, plugins)
            try:
                cleaner = build_from_crawler(cleaner_cls, crawler)
            except NotConfigured as exc:
                logger.info("Disabled cleaner %s: %s", path, exc)
                continue
            except ValueError:
                raise  # a component's own message about its settings (SIEVE_SITE_STATS: ...)
            except Exception as exc:  # a plugin bug in from_crawler/__init__: one line that says where
                raise ValueError(
                    f"CLEANERS: {path!r} could not be built: {type(exc).__name__}: {exc} (at {_where(exc)})"
                ) from None
            cleaners.append(cleaner)
            paths.append(path)
        scoped = settings.getdict("CLEANERS_DOMAINS")  # keyed by dotted path, entry-point name or class name
        domains = {key: [value] if isinstance(value, str) else list(value) for key, value in scoped.items()}
        stats = getattr(crawler, "_stats", None) or getattr(crawler, "stats", None)
        return cls(cleaners, domains=domains, stats=stats, paths=paths)

    @property
    def fingerprint(self) -> str:
        """Identities, versions, scopes and order of the cleaners: changes when the output may change."""
        desc = ";".join(
            f"{path}@{c.version}:{','.join(scope)}"
            for c, path, scope in zip(self.cleaners, self.paths, self._domains, strict=True)
        )
        return hashlib.sha256(desc.encode()).hexdigest()[:16]

    def scope(self, cleaner: Cleaner) -> tuple[str, ...]:
        """The domains ``cleaner`` runs on; empty means every site."""
        return self._domains[self.cleaners.index(cleaner)]

    def describe(self) -> list[str]:
        return [f"{c.name}@{c.version}" for c in self.cleaners]

    def _inc(self, key: str, n: float = 1) -> None:
        if self._inc_value is not None and n:
            self._inc_value(key, n)  # type: ignore[arg-type]  # Scrapy adds any number; typed int

    @property
    def learns(self) -> bool:
        """True when some cleaner learns from pages (then a command shows it every input before cleaning)."""
        return any(type(c).learn is not Cleaner.learn for c in self.cleaners)

    def learn(self, page: Page) -> None:
        """Show ``page`` to every in-scope cleaner that learns; a failing learner is logged, never fatal."""
        for cleaner, path, scope in zip(self.cleaners, self.paths, self._domains, strict=True):
            if type(cleaner).learn is Cleaner.learn or not in_domains(page.domain, scope):
                continue
            try:
                cleaner.learn(page)
            except Exception as exc:  # a learner's bug must not lose the page
                logger.warning("Cleaner %s could not learn from %s: %s: %s", path, page.url, type(exc).__name__, exc)
                self._inc(f"cleaners/{path}/learn_errors")

    def finish_learning(self) -> None:
        """The learning pass is over: every learning cleaner publishes what it learned (a failure is logged)."""
        for cleaner, path in zip(self.cleaners, self.paths, strict=True):
            if type(cleaner).learn is Cleaner.learn:
                continue
            try:
                cleaner.finish_learning()
            except Exception as exc:
                logger.warning("Cleaner %s failed to finish learning: %s: %s", path, type(exc).__name__, exc)
                self._inc(f"cleaners/{path}/learn_errors")

    def close(self) -> None:
        """The run is over: every cleaner writes what it learned (a failure is logged)."""
        for cleaner, path in zip(self.cleaners, self.paths, strict=True):
            try:
                cleaner.close()
            except Exception as exc:
                logger.warning("Cleaner %s failed to close: %s: %s", path, type(exc).__name__, exc)

    def run(self, page: Page) -> CleanResult:
        """Run every in-scope cleaner; a failing cleaner is recorded and skipped."""
        errors: list[dict[str, Any]] = []
        text = page.text
        inc = self._inc
        for cleaner, path, scope in zip(self.cleaners, self.paths, self._domains, strict=True):
            if not in_domains(page.domain, scope):
                continue
            allowed = {cleaner.label, *cleaner.new_labels}
            t0 = time.perf_counter()
            try:
                found = list(cleaner.find(page))
            except Exception as exc:  # a plugin bug must not lose the page
                what = f"{type(exc).__name__}: {exc} (at {_where(exc)})"
                # DEBUG: the caller knows the page and reports the error (the crawl's pipeline logs it, with the
                # URL, in the process that runs Scrapy; `scrapy clean` prints it with the file's path).
                logger.debug("Cleaner %s failed on %s: %s", path, page.url or "a page", what)
                errors.append({"stage": "clean", "cleaner": path, "message": what})
                inc(f"cleaners/{path}/errors")
                continue
            finally:
                spent = time.perf_counter() - t0
                self.seconds[path] += spent
                inc(f"cleaners/{path}/seconds", spent)
            added = 0
            for span in found:
                problem = None
                if not isinstance(span, Span) or not span.label:
                    problem = f"{span!r:.80} is not a labelled Span"
                elif span.label not in allowed and span.label not in CLAIMED:
                    problem = f"label {span.label!r} is not declared by the cleaner"
                elif not (isinstance(span.start, int) and isinstance(span.end, int)):
                    problem = f"offsets ({span.start!r:.20}, {span.end!r:.20}) are not integers"
                elif not (0 <= span.start <= span.end <= len(text)):
                    problem = f"({span.start}, {span.end}) is out of bounds 0..{len(text)}"
                elif (bad := data_problem(span.data)) is not None:
                    problem = bad
                else:
                    s, e = trim(text, span.start, span.end)
                    if s == e:
                        continue  # an empty or all-whitespace claim changes nothing
                    if not page.is_free(s, e):
                        problem = f"({s}, {e}) overlaps a span already claimed"
                if problem:
                    errors.append({"stage": "clean", "cleaner": path, "message": f"span {problem}; dropped"})
                    continue
                page.add(Span(s, e, span.label, span.reason, path, span.data))
                if span.reason:
                    inc(f"sieve/reasons/{span.reason}")
                added += 1
            inc(f"cleaners/{path}/spans", added)
        return CleanResult(text, page.spans, errors, page.main)


#: Span data nested deeper than this is refused (a structure that holds itself would never end).
MAX_DATA_DEPTH = 32


def data_problem(data: object) -> str | None:
    """Why a span's ``data`` cannot go into a record, or None when it can.

    Records are JSON (``scrapy clean``'s output, the spool, the database's segment data): ``data`` must be a
    mapping of strings to strings, numbers, booleans, None, lists and mappings of the same. A NaN or infinity
    is refused too: ``json.dumps`` writes it as a bare ``NaN``, which no JSON reader accepts.
    """
    if data is None:
        return None
    if not isinstance(data, Mapping):
        return f"data is {type(data).__name__}, not a mapping"
    return _json_problem(data, "data", 0) if data else None


def _json_problem(value: object, where: str, depth: int) -> str | None:
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{where} is {value!r}, which JSON cannot hold"
    if depth >= MAX_DATA_DEPTH:
        return f"{where} is nested deeper than {MAX_DATA_DEPTH} levels"
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{where} has a key {key!r:.40} that is not a string"
            problem = _json_problem(item, f"{where}[{key!r:.40}]", depth + 1)
            if problem is not None:
                return problem
        return None
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            problem = _json_problem(item, f"{where}[{i}]", depth + 1)
            if problem is not None:
                return problem
        return None
    return f"{where} is {type(value).__name__} {value!r:.40}, which JSON cannot hold"


def enabled_paths(settings: BaseSettings) -> list[str]:
    """``CLEANERS`` over ``CLEANERS_BASE`` in order, ``None`` left out; ``ValueError`` names the setting.

    Scrapy's own messages (a JSON parse error, "Invalid value x for component y")
    do not say which setting was wrong; a typo on the command line deserves that.
    """
    try:
        return build_component_list(settings.getwithbase("CLEANERS"))
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"CLEANERS: {settings.get('CLEANERS')!r} is not JSON ({exc}); give e.g. '{{\"pkg.module.Cleaner\": 450}}'"
        ) from None
    except ValueError as exc:  # "Invalid value x for component y, please provide a real number or None instead"
        raise ValueError(f"CLEANERS: {exc}") from None
    except TypeError:
        raise ValueError(
            f"CLEANERS: {settings.get('CLEANERS')!r} is not a dict of dotted paths and order numbers (None disables)"
        ) from None


def _load(path: str, plugins: Mapping[str, Any]) -> type[Cleaner]:
    """A cleaner class from a dotted path or an entry-point name; ``ValueError`` says what is wrong."""
    try:
        obj = plugins[path].load() if path in plugins else load_object(path)
    except (ImportError, AttributeError, ValueError, NameError) as exc:
        hint = f" (and no entry point {path!r} in {ENTRY_POINT_GROUP!r})" if "." not in path else ""
        raise ValueError(f"CLEANERS: {path!r} is not importable{hint}: {exc}") from None
    if not (isinstance(obj, type) and issubclass(obj, Cleaner)):
        raise ValueError(f"CLEANERS: {path!r} is not a subclass of cleaners.Cleaner")
    return obj
