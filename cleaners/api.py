"""Sieve as a function call: ``clean(text_or_html)`` gives what ``scrapy clean`` prints, with no Scrapy set-up.

``scrapy clean`` reads a page's bytes, decodes them, and hands them with the
chain and extractor built from the project's settings to
:func:`cleaners.process.clean_file`. :func:`clean` does exactly that, so the
two cannot drift apart (a test compares them over every fixture page):

- a ``str`` is text already decoded: it is HTML when it starts with ``<``
  (after whitespace), otherwise raw text, the rule ``scrapy clean -`` applies
  to stdin; a ``<meta charset>`` in it is not used to decode it again;
- ``bytes`` are exactly what ``scrapy clean -`` reads from stdin (gzip is
  unpacked, the charset comes from a BOM or ``<meta>``, else UTF-8, else a guess);
- a path (``pathlib.Path``) is exactly ``scrapy clean PATH``: ``.txt`` is raw
  text, ``.html``/``.htm`` is HTML, ``.gz`` is unpacked first.

The settings are Sieve's own module, :data:`SETTINGS_MODULE`, read on first use:
``scrapy.cfg`` and ``SCRAPY_SETTINGS_MODULE`` are ignored, so a library call
gives the same result wherever it runs. ``cleaners`` picks the chain:
``None`` is the default chain (``CLEANERS_BASE``); a dict is a ``CLEANERS``
setting merged over it (dotted paths or ``sieve.cleaners`` entry-point names,
``None`` disables); a list of :class:`~cleaners.base.Cleaner` instances is
exactly that chain, in that order, without the built-ins.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from scrapy.settings import Settings

from cleaners.base import Cleaner
from cleaners.chain import CleanerChain
from cleaners.process import Cleaned, clean_file

if TYPE_CHECKING:
    from cleaners.process import Extractor

#: The settings module :func:`clean` and :class:`Sieve` start from. A string, imported on first use,
#: so that importing ``cleaners`` never imports the ``crawler`` package.
SETTINGS_MODULE = "crawler.settings"
#: A ``str`` is already text: it reaches the decoder as UTF-8 with a header that says so, which wins over any
#: ``<meta charset>`` inside it (that charset described bytes this text no longer has).
_STR_CONTENT_TYPE = "text/html; charset=utf-8"

PageInput: TypeAlias = "str | bytes | os.PathLike[str]"
CleanersSpec: TypeAlias = "Mapping[str, int | None] | Sequence[Cleaner] | None"


@dataclass
class Result(Cleaned):
    """The output record of one page (what ``scrapy clean`` prints, without ``path``) and its raw text.

    ``record`` is the stable contract (:class:`cleaners.record.Record` fields, in
    order); ``raw_text`` is the text its ``segments`` index into, or ``None``
    when the page could not be read or extracted (``ok`` is then False and
    ``errors`` says why). A cleaner that failed is an entry in ``errors`` with
    stage ``clean``; the page is still cleaned by the others. The properties
    below are read-only views of ``record``.
    """

    @property
    def title(self) -> str | None:
        return self.record["title"]

    @property
    def published(self) -> str | None:
        return self.record["published"]

    @property
    def author(self) -> str | None:
        return self.record["author"]

    @property
    def language(self) -> str | None:
        return self.record["language"]

    @property
    def body(self) -> str:
        return str(self.record["body"])

    @property
    def source(self) -> str | None:
        return self.record["source"]

    @property
    def related_links(self) -> list[dict[str, Any]]:
        return list(self.record["related_links"])

    @property
    def boilerplate(self) -> list[str]:
        return list(self.record["boilerplate"])

    @property
    def segments(self) -> list[dict[str, Any]]:
        return list(self.record["segments"])

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.record["errors"])

    def text_of(self, segment: Mapping[str, Any]) -> str:
        """The raw text a segment covers: what the cleaner named in it claimed."""
        if self.raw_text is None:
            raise ValueError("the page was not cleaned (see errors): it has no raw text")
        return self.raw_text[segment["start"] : segment["end"]]

    def texts(self, label: str) -> list[str]:
        """The raw text of every segment with ``label``, in page order."""
        return [self.text_of(s) for s in self.segments if s["label"] == label]

    def by_label(self) -> dict[str, list[str]]:
        """``{label: [text of each segment, in page order]}`` for every label on the page, body and chrome included."""
        out: dict[str, list[str]] = {}
        for segment in self.segments:
            out.setdefault(segment["label"], []).append(self.text_of(segment))
        return out


def sieve_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """Sieve's settings (:data:`SETTINGS_MODULE`) with ``overrides`` at command-line priority, like ``-s``."""
    settings = Settings()
    settings.setmodule(SETTINGS_MODULE, priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


class Sieve:
    """The extractor and the cleaner chain, built once: clean many pages with one object.

    :func:`clean` builds one per call unless ``cleaners`` is None (the default
    one is built once and reused); build a :class:`Sieve` yourself to clean many
    pages with another chain. ``settings`` are Scrapy settings to override
    (``{"SIEVE_EXTRACTOR_OPTIONS": {...}, "CLEANERS_DOMAINS": {...}}``), as
    ``-s`` does; a cleaner's ``from_crawler`` sees them. Bad ``cleaners`` or
    settings raise ``ValueError`` (the one line ``scrapy clean`` would print);
    a bad page never raises, it comes back with ``errors``.
    """

    def __init__(self, cleaners: CleanersSpec = None, *, settings: Mapping[str, Any] | None = None) -> None:
        # Imported here, not at the top: the `crawler` package is Sieve's Scrapy project, and a plugin that
        # only imports `cleaners` must not pull it in (nor fail if it is absent until a chain is built).
        from crawler.components import load_chain, load_extractor, offline_crawler

        overrides = dict(settings or {})
        if isinstance(cleaners, Mapping):
            if "CLEANERS" in overrides:
                raise TypeError("Sieve: give CLEANERS either as `cleaners` or in `settings`, not both")
            overrides["CLEANERS"] = dict(cleaners)
        crawler = offline_crawler(sieve_settings(overrides))
        self.settings: Settings = crawler.settings
        if cleaners is None or isinstance(cleaners, Mapping):
            self.chain = load_chain(crawler)
        else:
            self.chain = CleanerChain(_instances(cleaners), stats=crawler.stats)
        self.extractor: Extractor = load_extractor(crawler)
        self.max_bytes = self.settings.getint("SIEVE_MAX_BYTES")

    def clean(self, text_or_html: PageInput, url: str | None = None) -> Result:
        """Clean one page (see the module docstring for how the input's type is read)."""
        name, data, content_type = _page_bytes(text_or_html)
        cleaned = clean_file(name, data, self.chain, self.extractor, self.max_bytes, url=url, content_type=content_type)
        return Result(cleaned.record, cleaned.raw_text)


def _instances(cleaners: object) -> list[Cleaner]:
    if isinstance(cleaners, str | bytes) or not isinstance(cleaners, Sequence):
        raise TypeError(f"cleaners: a dict like CLEANERS or a list of Cleaner instances, not {cleaners!r:.60}")
    for item in cleaners:
        if not isinstance(item, Cleaner):
            hint = " (an instance is needed: add ())" if isinstance(item, type) else ""
            raise TypeError(f"cleaners: {item!r:.60} is not a Cleaner instance{hint}")
    return list(cleaners)


def _page_bytes(page: PageInput) -> tuple[str, bytes, str | None]:
    """``(name, bytes, content type)`` as ``scrapy clean`` would read them; ``-`` is the name of stdin."""
    if isinstance(page, str):
        # surrogatepass: a lone surrogate becomes a `read` error on the page, not an exception here.
        return "-", page.encode("utf-8", "surrogatepass"), _STR_CONTENT_TYPE
    if isinstance(page, bytes | bytearray | memoryview):
        return "-", bytes(page), None
    if isinstance(page, os.PathLike):
        path = Path(page)
        return str(path), path.read_bytes(), None
    raise TypeError(f"clean: a str, bytes or a path, not {type(page).__name__}")


@cache
def default_sieve() -> Sieve:
    """The default chain and extractor, built on first use and shared."""
    return Sieve()


def clean(text_or_html: PageInput, url: str | None = None, cleaners: CleanersSpec = None) -> Result:
    """Clean one page with Sieve's extraction and cleaner chain; the same output as ``scrapy clean``.

    ``url`` is the page's address: it scopes site profiles and
    ``CLEANERS_DOMAINS`` (an HTML page's canonical link is used without it).
    ``cleaners``: None for the default chain, a ``CLEANERS``-style dict merged
    over it, or a list of Cleaner instances to run alone. See :class:`Result`.
    """
    sieve = default_sieve() if cleaners is None else Sieve(cleaners)
    return sieve.clean(text_or_html, url)
