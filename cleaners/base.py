"""The cleaner plugin base class: a name, a label, and one method that finds spans."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from cleaners.page import Page, Span

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class Cleaner:
    """Base class of every cleaner.

    A subclass sets ``label`` and implements :meth:`find`. It never edits the
    text: it returns spans of the raw text it claims, and the chain checks them
    (in bounds, not already claimed) before recording them. Everything nobody
    claims is the article body.

    ``name`` defaults to the class name; ``version`` goes into the chain
    fingerprint, so bump it when the cleaner's output changes and stored pages
    become candidates for ``scrapy reclean``. ``domains`` scopes a cleaner to
    some sites (a page on ``www.example.com`` matches ``example.com``); empty
    means every site. The ``CLEANERS_DOMAINS`` setting overrides it per class.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = "body"
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

    def span(self, start: int, end: int, reason: str, **data: Any) -> Span:
        """A span with this cleaner's label; structured values go in ``data``."""
        return Span(start, end, self.label, reason, self.name, data)
