"""Plugins for the content-fault cases (issue 25): an extractor whose text the page does not hold, cleaners
whose span data no JSON can hold."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cleaners import Cleaner, Page, Span
from cleaners.document.document import Document
from cleaners.document.extract import TrafilaturaExtractor


class UnalignedExtractor(TrafilaturaExtractor):
    """trafilatura's text in capitals: real text, kept by a real extraction, that matches no block of the page.

    Stands for any extractor output the alignment cannot place (the way a control character made trafilatura's
    output and the page disagree): the body comes out empty although the extractor kept an article.
    """

    def main_text(self, doc: Document, **overrides: Any) -> str:
        return super().main_text(doc, **overrides).upper()


class _DataCleaner(Cleaner):
    """Claims the line holding ``marker`` as boilerplate, with ``data`` no JSON can hold."""

    label = "boilerplate"
    marker = ""

    def value(self) -> Any:
        raise NotImplementedError

    def find(self, page: Page) -> Iterator[Span]:
        at = page.text.find(self.marker)
        if at >= 0:
            end = page.text.find("\n", at)
            yield self.span(at, len(page.text) if end < 0 else end, "test.bad-data", value=self.value())


class BytesDataCleaner(_DataCleaner):
    marker = "Promo for bytes"

    def value(self) -> Any:
        return b"\x00\xffraw"


class ObjectDataCleaner(_DataCleaner):
    marker = "Promo for objects"

    def value(self) -> Any:
        return object()


class NaNDataCleaner(_DataCleaner):
    marker = "Promo for numbers"

    def value(self) -> Any:
        return [1.0, float("nan")]
