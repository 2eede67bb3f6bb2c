"""Saved page files as ``file://`` requests and their responses as PageItems, for offline crawls."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure
from w3lib.url import file_uri_to_path

from cleaners.document.errors import InputError, too_large
from cleaners.document.files import decode_page, find_pages
from cleaners.timestamps import utc_now
from crawler.fetching.responses import fetch_error, header
from crawler.items import PageItem


def page_files(path: str, logger: Any) -> list[Path]:
    """The page files at ``path`` (a file, or a folder searched recursively); closes the spider if none."""
    root = Path(path)
    if not root.exists():
        logger.error("no such file or directory: %s (give -a path=FILE_OR_DIR)", path)
        raise CloseSpider("path_not_found")
    pages = [root] if root.is_file() else list(find_pages(root))
    if not pages:
        logger.error("no pages (.txt, .html, .htm, .html.gz) under %s", path)
        raise CloseSpider("no_pages")
    return pages


def file_requests(
    path: str, max_bytes: int, callback: Callable[..., Any], errback: Callable[..., Any], logger: Any
) -> Iterator[Request | PageItem]:
    """One ``file://`` request per page; a file over ``max_bytes`` is never read and becomes a fetch error.

    Scrapy's ``file://`` handler ignores ``DOWNLOAD_MAXSIZE``, hence the check here.
    """
    for page in page_files(path, logger):
        page = page.resolve()
        url = page.as_uri()
        try:
            size = page.stat().st_size
        except OSError as exc:
            yield fetch_error(url, f"cannot read {page}: {exc.strerror or exc}")
            continue
        if size > max_bytes:
            yield fetch_error(url, str(too_large(size, max_bytes)))
            continue
        yield Request(url, callback=callback, errback=errback, dont_filter=True)


def file_item(response: Response, max_bytes: int) -> PageItem:
    """A saved page, decoded exactly as ``scrapy clean`` decodes it (:func:`cleaners.document.files.decode_page`)."""
    name = Path(file_uri_to_path(response.url)).name
    content_type = header(response, "Content-Type") or mimetypes.guess_type(name)[0]
    common: dict[str, Any] = {"status": response.status, "content_type": content_type}
    if len(response.body) > max_bytes:  # the file grew after the size check
        return fetch_error(response.url, str(too_large(len(response.body), max_bytes)), **common)
    try:
        content, is_html, encoding = decode_page(name, response.body, max_bytes)
    except InputError as exc:
        return fetch_error(response.url, str(exc), **common)
    return PageItem(
        url=response.url,
        content=content,
        is_html=is_html,
        encoding=encoding,
        fetched_at=utc_now().isoformat(),
        **common,
    )


def file_failed(failure: Failure) -> PageItem:
    request = getattr(failure, "request", None)
    return fetch_error(request.url if request else "file://", f"cannot read the file: {failure.getErrorMessage()}")
