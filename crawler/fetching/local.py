"""Saved page files as ``file://`` requests and their responses as PageItems, for offline crawls."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from w3lib.url import file_uri_to_path

from cleaners.document.decode import DECODE_STAGE
from cleaners.document.errors import InputError, too_large
from cleaners.document.files import decode_page, find_pages
from cleaners.record import bytes_to_keep, error_record
from cleaners.timestamps import utc_now
from crawler.fetching.responses import fetch_error, header, input_error
from crawler.items import PageItem


def path_problem(path: str) -> str | None:
    """Why ``-a path=`` names nothing to crawl (None: it exists); ``scrapy crawl`` asks before the crawl starts."""
    return None if Path(path).exists() else f"no such file or directory: {path} (give -a path=FILE_OR_DIR)"


def page_files(path: str, logger: Any, follow_symlinks: bool = False, stats: Any = None) -> list[Path]:
    """The page files at ``path`` (a file, or a folder searched recursively); closes the spider if none.

    Links to outside the folder are skipped (one warning each, counted as
    ``sieve/skipped/symlink``) unless ``follow_symlinks`` (``-a follow_symlinks=1``).
    """
    root = Path(path)
    problem = path_problem(path)
    if problem is not None:
        logger.error("%s", problem)
        raise CloseSpider("path_not_found")
    skipped: list[Path] = []
    pages = [root] if root.is_file() else list(find_pages(root, follow_symlinks=follow_symlinks, skipped=skipped))
    for link in skipped:
        logger.warning("skipped %s: a link to outside %s (-a follow_symlinks=1 reads it)", link, path)
        if stats is not None:
            stats.inc_value("sieve/skipped/symlink")
    if not pages:
        logger.error("no pages (.txt, .html, .htm, .html.gz) under %s", path)
        raise CloseSpider("no_pages")
    return pages


def file_requests(
    path: str,
    max_bytes: int,
    callback: Callable[..., Any],
    errback: Callable[..., Any],
    logger: Any,
    *,
    follow_symlinks: bool = False,
    stats: Any = None,
) -> Iterator[Request | PageItem]:
    """One ``file://`` request per page; a file over ``max_bytes`` is never read and becomes a fetch error.

    Scrapy's ``file://`` handler ignores ``DOWNLOAD_MAXSIZE``, hence the check here.
    """
    for page in page_files(path, logger, follow_symlinks, stats):
        page = page.resolve()
        url = page.as_uri()
        try:
            size = page.stat().st_size
        except OSError as exc:
            yield fetch_error(url, f"cannot read {page}: {exc.strerror or exc}", error_class=type(exc).__name__)
            continue
        if size > max_bytes:
            yield input_error(url, too_large(size, max_bytes))
            continue
        yield Request(url, callback=callback, errback=errback, dont_filter=True)


def file_item(response: Response, max_bytes: int) -> PageItem:
    """A saved page, decoded exactly as ``scrapy clean`` decodes it (:func:`cleaners.document.files.decode_page`)."""
    name = Path(file_uri_to_path(response.url)).name
    content_type = header(response, "Content-Type") or mimetypes.guess_type(name)[0]
    common: dict[str, Any] = {"status": response.status, "content_type": content_type}
    if len(response.body) > max_bytes:  # the file grew after the size check
        return input_error(response.url, too_large(len(response.body), max_bytes), **common)
    try:
        decoded = decode_page(name, response.body, max_bytes)
    except InputError as exc:
        return input_error(response.url, exc, **common)
    return PageItem(
        url=response.url,
        content=decoded.text,
        is_html=decoded.is_html,
        encoding=decoded.encoding,
        errors=[error_record(DECODE_STAGE, decoded.note)] if decoded.note else [],
        fetched_bytes=bytes_to_keep(response.body, decoded.text, exact=decoded.exact),
        fetched_at=utc_now().isoformat(),
        **common,
    )
