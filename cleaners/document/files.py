"""Local page files: which files are pages, and how their bytes become text for the chain."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from cleaners.document.decode import Decoded, decode_html, decode_text, gunzip
from cleaners.document.errors import InputError, too_large

PAGE_SUFFIXES = (".txt", ".html", ".htm", ".html.gz", ".htm.gz", ".txt.gz")
EXPECTED_SUFFIX = ".expected.json"


def is_page(path: Path) -> bool:
    return path.name.lower().endswith(PAGE_SUFFIXES)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (OSError, RuntimeError, ValueError):  # a dangling or looping link is not inside either
        return False
    return True


def find_pages(root: Path, *, follow_symlinks: bool = False, skipped: list[Path] | None = None) -> Iterator[Path]:
    """Page files under ``root``, recursively, in a stable (sorted) order; hidden files and folders are left out.

    A symbolic link whose target lies outside ``root`` is skipped (and added to
    ``skipped``) unless ``follow_symlinks``: a folder of saved pages must not
    become a way to read any file on the machine. Linked folders are entered
    only with ``follow_symlinks`` (each real folder once, so a link loop ends).
    """
    real_root = root.resolve()
    found: list[Path] = []
    visited: set[str] = set()
    for folder, dirs, files in os.walk(root, followlinks=follow_symlinks):
        real = os.path.realpath(folder)
        if real in visited:
            dirs[:] = []
            continue
        visited.add(real)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(folder, name)
            if name.startswith(".") or not is_page(path) or not path.is_file():
                continue
            if path.is_symlink() and not follow_symlinks and not _inside(path, real_root):
                if skipped is not None:
                    skipped.append(path)
                continue
            found.append(path)
    yield from sorted(found)


def display_name(name: str) -> str:
    """A file name fit for JSON and terminals: bytes that were not UTF-8 shown as ``\\xfe`` instead of crashing.

    Python hands such names over with lone surrogates (``surrogateescape``),
    which UTF-8 output cannot encode.
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_limited(stream: BinaryIO, max_bytes: int, chunk_size: int = 1 << 16) -> bytes:
    """Read ``stream`` to its end in chunks, stopping as soon as it passes ``max_bytes``.

    ``scrapy clean -`` must not hold a gigabyte of stdin in memory to find out
    that it is over ``SIEVE_MAX_BYTES``: at most ``max_bytes`` plus one chunk
    is ever read.
    """
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(min(chunk_size, max_bytes + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise too_large(None, max_bytes, stream=True)


def expand_paths(
    args: list[str], *, stdin: bool = True, follow_symlinks: bool = False, skipped: list[Path] | None = None
) -> list[str | Path]:
    """Every page named by ``args`` (files, folders searched recursively, ``-`` for stdin), in order.

    Raises :class:`InputError` for an argument that names no page, before
    anything is read: a typo in the last argument must not leave half an
    output file behind. Links out of a folder are skipped as :func:`find_pages` says.
    """
    pages: list[str | Path] = []
    for arg in args:
        if arg == "-" and stdin:
            pages.append("-")
            continue
        path = Path(arg)
        if path.is_dir():
            found = list(find_pages(path, follow_symlinks=follow_symlinks, skipped=skipped))
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


def read_stdin(max_bytes: int) -> bytes | InputError:
    """Standard input, read once for a run that goes over its inputs twice; past ``max_bytes``, the error."""
    try:
        return read_limited(sys.stdin.buffer, max_bytes)
    except InputError as exc:
        return exc


def read_inputs(
    pages: list[str | Path], max_bytes: int, stdin: bytes | InputError | None = None
) -> Iterator[tuple[str, bytes | None, str | None]]:
    """``(name, bytes or None, error)`` for each page named by :func:`expand_paths`, in order.

    Never more than ``max_bytes`` plus one chunk is read of any input. The name
    is fit for JSON output: a file name that is not UTF-8 shows its odd bytes as
    ``\\xNN``. ``-`` is standard input: ``stdin`` when the caller already read it
    with :func:`read_stdin` (a two-pass run reads it once), else read now.
    """
    for page in pages:
        name = display_name(str(page))
        try:
            if page == "-":
                data = read_stdin(max_bytes) if stdin is None else stdin
                if isinstance(data, InputError):
                    raise data
                yield name, data, None
                continue
            with open(page, "rb") as f:
                size = os.fstat(f.fileno()).st_size  # 0 for a pipe: then read_limited decides
                if size > max_bytes:
                    raise too_large(size, max_bytes)
                data = read_limited(f, max_bytes)
            yield name, data, None
        except InputError as exc:
            yield name, None, str(exc)
        except OSError as exc:
            yield name, None, f"cannot read {name}: {exc.strerror or exc}"


def decode_page(name: str, data: bytes, max_bytes: int, content_type: str | None = None) -> Decoded:
    """A page file's bytes decoded, by its name (``is_html`` says which).

    ``.txt`` is raw text handed straight to the cleaners; ``.html`` goes through
    extraction; ``.gz`` is decompressed first. A name with no known suffix
    (stdin) is HTML when it starts like markup.
    """
    lower = name.lower()
    compressed = lower.endswith(".gz") or data[:2] == b"\x1f\x8b"
    if compressed:
        data = gunzip(data, max_bytes)
        lower = lower.removesuffix(".gz")
    if lower.endswith(".txt"):
        return Decoded(decode_text(data, max_bytes), "utf-8", is_html=False)
    if lower.endswith((".html", ".htm")) or data.lstrip()[:1] == b"<":
        decoded = decode_html(data, content_type, max_bytes)
        return replace(decoded, exact=False) if compressed else decoded  # the text is not the compressed bytes
    return Decoded(decode_text(data, max_bytes), "utf-8", is_html=False)


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
