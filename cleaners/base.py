"""The cleaner plugin base classes: a label and one method that finds spans (or, per line, a reason)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from cleaners.page import Line, Page, Span

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class Cleaner:
    """Base class of every cleaner.

    A subclass sets ``label`` and implements :meth:`find`. It never edits the
    text: it returns spans of the raw text it claims, and the chain checks them
    (in bounds, not already claimed, a known label) before recording them.
    Everything nobody claims is the body (in the main content) or chrome
    (outside it).

    ``label`` is required and must be one of Sieve's claimable labels
    (``source``, ``related``, ``boilerplate``) or one the cleaner declares in
    ``new_labels`` ({label: what it means}). ``version`` goes into the chain
    fingerprint, so bump it when the cleaner's output changes and stored pages
    become candidates for ``scrapy reclean``. ``domains`` scopes a cleaner to
    some sites (a page on ``www.example.com`` matches ``example.com``); empty
    means every site; the ``CLEANERS_DOMAINS`` setting overrides it. ``name``
    (the class name by default) is for people; the chain identifies a cleaner
    by the dotted path or entry-point name it was configured under.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str]
    new_labels: ClassVar[Mapping[str, str]] = {}
    version: ClassVar[str] = "1"
    domains: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("name"):
            cls.name = cls.__name__

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Cleaner:
        """Override to read settings; raise ``NotConfigured`` to switch off."""
        return cls()

    def find(self, page: Page) -> Iterable[Span]:
        """Yield the spans of ``page.text`` this cleaner claims."""
        raise NotImplementedError

    def learn(self, page: Page) -> None:
        """Override to learn from a page (of the same crawl or run) before pages are cleaned; claims nothing.

        The chain shows a learning cleaner every page it sees: in a crawl just
        before the page is cleaned, in ``scrapy clean DIR``, ``scrapy evaluate``
        and ``scrapy reclean`` in a first pass over all inputs. ``page`` has its
        text, URL and domain; its main content is not known yet.
        """

    def finish_learning(self) -> None:
        """Override to make what was learned visible to every process of the run before any page is cleaned.

        Called once a learning pass has shown every page (``scrapy clean``,
        ``evaluate`` and ``reclean``; in every worker), never in a crawl, which
        learns as it goes. A cleaner that writes its lessons behind (to a
        database) writes them here, so a page's result does not depend on
        which worker learned from which page.
        """

    def close(self) -> None:
        """Override to write what the cleaner learned and release resources: called once, when the run ends."""

    def span(self, start: int, end: int, reason: str, **data: Any) -> Span:
        """A span with this cleaner's label; ``reason`` is a short stable code, structured values go in ``data``."""
        return Span(start, end, self.label, reason, None, data)


class LineCleaner(Cleaner):
    """A cleaner that judges whole lines: implement :meth:`reason`, the base does the loop.

    ``main_only = True`` looks only at lines of the main content (the
    article), for shapes that mean something only there. ``trigger``, a
    pattern every claimable line must contain, lets the page be searched
    once instead of calling :meth:`reason` on every line of a whole page.
    """

    main_only: ClassVar[bool] = False
    trigger: ClassVar[re.Pattern[str] | None] = None

    def reason(self, line: Line, page: Page) -> str | tuple[str, Mapping[str, Any]] | None:
        """Why the whole line is claimed (a reason code, or a code and span data), or None to leave it."""
        raise NotImplementedError

    def find(self, page: Page) -> Iterator[Span]:
        for line in page.lines(main=self.main_only, containing=self.trigger):
            found = self.reason(line, page)
            if found is None:
                continue
            code, data = (found, {}) if isinstance(found, str) else found
            yield self.span(line.start, line.end, code, **data)
