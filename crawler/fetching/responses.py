"""Turning a downloaded response into a PageItem: size limit, content type, charset, fetch errors."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.http import Response

from cleaners.document.decode import decode_html
from cleaners.document.errors import InputError, too_large
from cleaners.record import error_record
from cleaners.timestamps import utc_now
from crawler.items import PageItem

logger = logging.getLogger(__name__)

#: The only content types whose body is extracted; anything else is recorded and skipped.
HTML_TYPES = ("text/html", "application/xhtml+xml")


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value is not None else None


def fetch_error(url: str, message: str, **fields: Any) -> PageItem:
    """A page that could not be fetched or decoded: no content, one fetch-stage error."""
    errors = [error_record("fetch", message)]
    return PageItem(url=url, content=None, errors=errors, fetched_at=utc_now().isoformat(), **fields)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def html_item(response: Response, max_bytes: int) -> PageItem:
    """A live HTML response as a PageItem, decoded from its bytes (never ``response.text``).

    The charset comes from the Content-Type header, a BOM or a ``<meta>``
    declaration; without one strict UTF-8 is tried before charset_normalizer's
    guess (Scrapy's own guess reads mostly-English UTF-8 with one Arabic
    sentence as cp1250). The encoding used is recorded on the item.
    """
    content_type = header(response, "Content-Type")
    common: dict[str, Any] = {"status": response.status, "content_type": content_type}
    if len(response.body) > max_bytes:
        return fetch_error(response.url, str(too_large(len(response.body), max_bytes)), **common)
    try:
        text, encoding = decode_html(response.body, content_type, max_bytes)
    except InputError as exc:
        return fetch_error(response.url, str(exc), **common)
    return PageItem(
        url=response.url,
        content=text,
        is_html=True,
        encoding=encoding,
        fetched_at=utc_now().isoformat(),
        **common,
    )
