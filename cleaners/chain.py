"""The cleaner chain: loads cleaners the way Scrapy loads pipelines and runs them over a page."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import build_from_crawler, load_object

from cleaners.base import Cleaner
from cleaners.page import Page, Span
from cleaners.text import normalise_ws, trim
from cleaners.urls import in_domains

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


@dataclass
class CleanResult:
    """What the chain made of one page. ``to_dict`` is the stable output contract."""

    text: str
    spans: list[Span]
    errors: list[dict[str, Any]] = field(default_factory=list)

    def segments(self) -> list[Span]:
        """Claimed spans plus body spans (unclaimed text, trimmed), sorted."""
        out: list[Span] = []
        pos = 0
        text = self.text
        for span in [*self.spans, None]:
            hi = span.start if span is not None else len(text)
            s, e = trim(text, pos, hi)
            if s < e:
                out.append(Span(s, e, "body"))
            if span is not None:
                out.append(span)
                pos = span.end
        return out

    @property
    def body(self) -> str:
        lines: list[str] = []
        for seg in self.segments():
            if seg.label == "body":
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
        return {
            "body": self.body,
            "source": self.source,
            "related_links": self.related_links,
            "boilerplate": self.boilerplate,
            "segments": [
                {"label": s.label, "start": s.start, "end": s.end, "cleaner": s.cleaner, "reason": s.reason}
                for s in self.segments()
            ],
            "errors": list(self.errors),
        }


class CleanerChain:
    """Cleaners in order; each sees what the earlier ones claimed.

    Built from the ``CLEANERS`` setting merged over ``CLEANERS_BASE`` with
    Scrapy's own ``build_component_list``, so ordering, adding and disabling a
    cleaner work exactly like ``ITEM_PIPELINES``.
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
        #: Dotted path each cleaner was loaded from, aligned with ``cleaners``
        #: (a cleaner that raised ``NotConfigured`` is in neither).
        if paths is None:
            paths = [f"{type(c).__module__}.{type(c).__qualname__}" for c in cleaners]
        self.paths = list(paths)
        if len(self.paths) != len(self.cleaners):
            raise ValueError("CleanerChain: paths must name every cleaner, in order")
        domains = domains or {}
        self._domains = {c.name: tuple(domains.get(c.name, c.domains)) for c in self.cleaners}
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanerChain:
        settings = crawler.settings
        cleaners: list[Cleaner] = []
        paths: list[str] = []
        for path in build_component_list(settings.getwithbase("CLEANERS")):
            try:
                cleaner_cls = load_object(path)
            except (ImportError, AttributeError, ValueError, NameError) as exc:
                raise ValueError(f"CLEANERS: {path!r} is not importable: {exc}") from exc
            if not (isinstance(cleaner_cls, type) and issubclass(cleaner_cls, Cleaner)):
                raise ValueError(f"CLEANERS: {path!r} is not a subclass of cleaners.Cleaner")
            try:
                cleaner = build_from_crawler(cleaner_cls, crawler)
            except NotConfigured as exc:
                logger.info("Disabled cleaner %s: %s", path, exc)
                continue
            cleaners.append(cleaner)
            paths.append(path)
        scoped = settings.getdict("CLEANERS_DOMAINS")  # keyed by dotted path or cleaner name
        domains: dict[str, list[str]] = {}
        for c, path in zip(cleaners, paths, strict=True):
            for key in (path, c.name):
                if key in scoped:
                    value = scoped[key]
                    domains[c.name] = [value] if isinstance(value, str) else list(value)
        stats = getattr(crawler, "_stats", None)
        return cls(cleaners, domains=domains, stats=stats, paths=paths)

    @property
    def fingerprint(self) -> str:
        """Names, versions and order of the cleaners: changes when the output may change."""
        desc = ";".join(f"{c.name}@{c.version}:{','.join(self._domains[c.name])}" for c in self.cleaners)
        return hashlib.sha256(desc.encode()).hexdigest()[:16]

    def scope(self, cleaner: Cleaner) -> tuple[str, ...]:
        """The domains ``cleaner`` runs on; empty means every site."""
        return self._domains[cleaner.name]

    def describe(self) -> list[str]:
        return [f"{c.name}@{c.version}" for c in self.cleaners]

    def _inc(self, key: str, n: int = 1) -> None:
        if self.stats is not None and n:
            self.stats.inc_value(key, n)

    def run(self, page: Page) -> CleanResult:
        """Run every in-scope cleaner; a failing cleaner is recorded and skipped."""
        errors: list[dict[str, Any]] = []
        text = page.text
        for cleaner in self.cleaners:
            if not in_domains(page.domain, self._domains[cleaner.name]):
                continue
            try:
                found = list(cleaner.find(page))
            except Exception as exc:  # a plugin bug must not lose the page
                logger.warning("Cleaner %s failed on %s: %r", cleaner.name, page.url, exc)
                errors.append({"stage": "clean", "cleaner": cleaner.name, "message": f"{type(exc).__name__}: {exc}"})
                self._inc(f"cleaners/{cleaner.name}/errors")
                continue
            added = 0
            for span in found:
                problem = None
                if not isinstance(span, Span) or not span.label:
                    problem = f"{span!r:.80} is not a labelled Span"
                elif not (isinstance(span.start, int) and isinstance(span.end, int)):
                    problem = f"offsets ({span.start!r:.20}, {span.end!r:.20}) are not integers"
                elif not (0 <= span.start <= span.end <= len(text)):
                    problem = f"({span.start}, {span.end}) is out of bounds 0..{len(text)}"
                else:
                    s, e = trim(text, span.start, span.end)
                    if s == e:
                        continue  # an empty or all-whitespace claim changes nothing
                    if not page.is_free(s, e):
                        problem = f"({s}, {e}) overlaps a span already claimed"
                if problem:
                    errors.append({"stage": "clean", "cleaner": cleaner.name, "message": f"span {problem}; dropped"})
                    continue
                page.add(Span(s, e, span.label, span.reason, cleaner.name, span.data))
                added += 1
            self._inc(f"cleaners/{cleaner.name}/spans", added)
        return CleanResult(text, page.spans, errors)
