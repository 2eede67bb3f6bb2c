"""Plugins for the content-fault cases (issue 25): an extractor whose text the page does not hold."""

from __future__ import annotations

from typing import Any

from cleaners.document.document import Document
from cleaners.document.extract import TrafilaturaExtractor


class UnalignedExtractor(TrafilaturaExtractor):
    """trafilatura's text in capitals: real text, kept by a real extraction, that matches no block of the page.

    Stands for any extractor output the alignment cannot place (the way a control character made trafilatura's
    output and the page disagree): the body comes out empty although the extractor kept an article.
    """

    def main_text(self, doc: Document, **overrides: Any) -> str:
        return super().main_text(doc, **overrides).upper()
