"""Local page files: which files are pages, and how their bytes become text for the chain."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from cleaners.document.decode import decode_html, decode_text, gunzip
from cleaners.document.errors import InputError

PAGE_SUFFIXES = (".txt", ".html", ".htm", ".html.gz", ".htm.gz", ".txt.gz")
EXPECTED_SUFFIX = ".expected.json"


def is_page(path: Path) -> bool:
    return path.name.lower().endswith(PAGE_SUFFIXES)


def find_pages(root: Path) -> Iterator[Path]:
    """Page files under ``root``, recursively, in a stable (sorted) order."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and is_page(path) and not any(p.startswith(".") for p in path.relative_to(root).parts):
            yield path


def expand_paths(args: list[str], *, stdin: bool = True) -> list[str | Path]:
    """Every page named by ``args`` (files, folders searched recursively, ``-`` for stdin), in order.

    Raises :class:`InputError` for an argument that names no page, before
    anything is read: a typo in the last argument must not leave half an
    output file behind.
    """
    pages: list[str | Path] = []
    for arg in args:
        if arg == "-" and stdin:
            pages.append("-")
            continue
        path = Path(arg)
        if path.is_dir():
            found = list(find_pages(path))
            if not found:
                raise InputError(f"no pages (.txt, .html, .html.gz) under {arg}")
            pages.extend(found)
        elif path.is_file():
            pages.append(path)
        elif path.exists():
            raise InputError(f"not a regular file or folder: {arg}")
        else:
            raise InputError(f"no such file or directory: {arg}")
    return pages


def read_inputs(pages: list[str | Path], stdin: bytes | None = None) -> Iterator[tuple[str, bytes | None, str | None]]:
    """``(name, bytes or None, error)`` for each page named by :func:`expand_paths`, in order.

    ``-`` is standard input: ``stdin`` when the caller already read it (a two-pass run reads it once), else read now.
    """
    for page in pages:
        if page == "-":
            yield "-", sys.stdin.buffer.read() if stdin is None else stdin, None
            continue
        try:
            yield str(page), Path(page).read_bytes(), None
        except OSError as exc:
            yield str(page), None, f"cannot read {page}: {exc.strerror or exc}"


def decode_page(name: str, data: bytes, max_bytes: int, content_type: str | None = None) -> tuple[str, bool, str]:
    """``(content, is_html, encoding)`` for a page file's bytes, by its name.

    ``.txt`` is raw text handed straight to the cleaners; ``.html`` goes through
    extraction; ``.gz`` is decompressed first. A name with no known suffix
    (stdin) is HTML when it starts like markup.
    """
    lower = name.lower()
    if lower.endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = gunzip(data, max_bytes)
        lower = lower.removesuffix(".gz")
    if lower.endswith(".txt"):
        return decode_text(data, max_bytes), False, "utf-8"
    if lower.endswith((".html", ".htm")) or data.lstrip()[:1] == b"<":
        text, encoding = decode_html(data, content_type, max_bytes)
        return text, True, encoding
    return decode_text(data, max_bytes), False, "utf-8"


def page_stem(path: Path) -> str:
    """The file name without its page suffix: ``a.html.gz`` -> ``a``."""
    name = path.name
    for suffix in sorted(PAGE_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def expected_path(page: Path) -> Path:
    """``fixtures/pages/wire/a.html.gz`` -> ``fixtures/pages/wire/a.expected.json``, beside the page."""
    return page.with_name(page_stem(page) + EXPECTED_SUFFIX)
