"""``scrapy crawl fixtures``: saved pages on disk, fetched through ``file://`` like a live crawl."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure
from w3lib.url import file_uri_to_path

from cleaners.decode import InputError
from crawler.files import decode_page, find_pages
from crawler.items import PageItem
from crawler.spiders.fetched import fetch_error, header, utc_now

logger = logging.getLogger(__name__)

DEFAULT_PATH = "fixtures/pages"


class FixturesSpider(Spider):
    """Every page file under ``-a path=`` (a file or a folder; default ``fixtures/pages``).

    Each file goes through a ``file://`` request, the item pipelines and the
    exporters exactly as a downloaded page does, and is decoded by the same
    :func:`crawler.files.decode_page` that ``scrapy clean`` uses, so both give
    the same record for the same file. Scrapy's ``file://`` handler ignores
    ``DOWNLOAD_MAXSIZE``, so ``SIEVE_MAX_BYTES`` is enforced here: a file over
    it is never read and becomes an item with a fetch error.
    """

    name = "fixtures"
    custom_settings: dict[str, Any] = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}

    def __init__(self, path: str = DEFAULT_PATH, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.path = path

    @property
    def max_bytes(self) -> int:
        return self.crawler.settings.getint("SIEVE_MAX_BYTES")

    def page_files(self) -> list[Path]:
        root = Path(self.path)
        if not root.exists():
            logger.error("fixtures: no such file or directory: %s (give -a path=FILE_OR_DIR)", self.path)
            raise CloseSpider("path_not_found")
        pages = [root] if root.is_file() else list(find_pages(root))
        if not pages:
            logger.error("fixtures: no pages (.txt, .html, .htm, .html.gz) under %s", self.path)
            raise CloseSpider("no_pages")
        return pages

    async def start(self) -> AsyncIterator[Request | PageItem]:
        for path in self.page_files():
            path = path.resolve()
            url = path.as_uri()
            try:
                size = path.stat().st_size
            except OSError as exc:
                yield fetch_error(url, f"cannot read {path}: {exc.strerror or exc}")
                continue
            if size > self.max_bytes:
                yield fetch_error(url, f"{size} bytes is over the {self.max_bytes}-byte limit (SIEVE_MAX_BYTES)")
                continue
            yield Request(url, callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> PageItem:
        name = Path(file_uri_to_path(response.url)).name
        content_type = header(response, "Content-Type") or mimetypes.guess_type(name)[0]
        common: dict[str, Any] = {"status": response.status, "content_type": content_type}
        if len(response.body) > self.max_bytes:  # grew after the size check
            return fetch_error(
                response.url,
                f"{len(response.body)} bytes is over the {self.max_bytes}-byte limit (SIEVE_MAX_BYTES)",
                **common,
            )
        try:
            content, is_html, encoding = decode_page(name, response.body, self.max_bytes)
        except InputError as exc:
            return fetch_error(response.url, str(exc), **common)
        return PageItem(
            url=response.url, content=content, is_html=is_html, encoding=encoding, fetched_at=utc_now(), **common
        )

    def failed(self, failure: Failure) -> PageItem:
        url = failure.request.url if hasattr(failure, "request") else "file://"
        return fetch_error(url, f"cannot read the file: {failure.getErrorMessage()}")
