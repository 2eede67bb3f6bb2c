"""Turning a downloaded response into a PageItem: size limit, content type, charset, fetch errors."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.http import Response

from cleaners.document.decode import DECODE_STAGE, decode_html
from cleaners.document.errors import InputError, too_large
from cleaners.record import bytes_to_keep, error_record
from cleaners.timestamps import utc_now
from crawler.items import PageItem

logger = logging.getLogger(__name__)

#: The only content types whose body is extracted; anything else is recorded and skipped.
HTML_TYPES = ("text/html", "application/xhtml+xml")


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value is not None else None


def fetch_error(url: str, message: str, *, error_class: str = "InputError", **fields: Any) -> PageItem:
    """A page that could not be fetched or decoded: no content, one fetch-stage error and its class."""
    errors = [error_record("fetch", message)]
    return PageItem(
        url=url, content=None, errors=errors, error_class=error_class, fetched_at=utc_now().isoformat(), **fields
    )


def input_error(url: str, exc: InputError, **fields: Any) -> PageItem:
    """A page Sieve refused to decode (too large, binary, empty): the exception's class is the error class."""
    return fetch_error(url, str(exc), error_class=type(exc).__name__, **fields)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def html_item(response: Response, max_bytes: int) -> PageItem:
    """A live HTML response as a PageItem, decoded from its bytes (never ``response.text``).

    The charset comes from the Content-Type header, a BOM or a ``<meta>``
    declaration; without one strict UTF-8 is tried before charset_normalizer's
    guess (Scrapy's own guess reads mostly-English UTF-8 with one Arabic
    sentence as cp1250). A declaration that leaves bytes undecodable yields to
    the next candidate, with a ``decode`` note in ``errors``. The encoding used
    is recorded on the item, and the fetched bytes too unless they are the
    text's own UTF-8, so ``scrapy reclean`` can decode them again.
    """
    content_type = header(response, "Content-Type")
    common: dict[str, Any] = {"status": response.status, "content_type": content_type}
    if len(response.body) > max_bytes:
        return input_error(response.url, too_large(len(response.body), max_bytes), **common)
    try:
        decoded = decode_html(response.body, content_type, max_bytes)
    except InputError as exc:
        return input_error(response.url, exc, **common)
    return PageItem(
        url=response.url,
        content=decoded.text,
        is_html=True,
        encoding=decoded.encoding,
        errors=[error_record(DECODE_STAGE, decoded.note)] if decoded.note else [],
        fetched_bytes=bytes_to_keep(response.body, decoded.text, exact=decoded.exact),
        fetched_at=utc_now().isoformat(),
        **common,
    )
