"""Bytes to text: size limits, gzip, binary detection and encodings, with errors a user can act on."""

from __future__ import annotations

import gzip
import io
import zlib

from w3lib.encoding import html_to_unicode

from cleaners.document.errors import InputError, too_large

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: More attribute-like tokens than this in one tag and the tag loses its attributes
#: (libxml2 checks attributes pairwise: 100k of them take minutes to parse).
MAX_TAG_TOKENS = 1000


def gunzip(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Decompress, refusing output over ``max_bytes`` (a gzip bomb is a few KB)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
            out = f.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"not a valid gzip file ({exc}); save the page uncompressed or re-download it") from exc
    if len(out) > max_bytes:
        raise too_large(None, max_bytes)
    return out


def check_bytes(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes)
    if not data.strip():
        raise InputError("empty page: nothing to clean")
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("binary content (NUL bytes): not a text or HTML page")


def decode_text(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A raw-text page: strict UTF-8, because its offsets must mean the same thing everywhere."""
    check_bytes(data, max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"invalid UTF-8 at byte {exc.start}: raw-text pages must be UTF-8"
            " (convert with iconv -f <encoding> -t utf-8)"
        ) from None
    if not text.strip():
        raise InputError("empty page: nothing to clean")
    return text


def _guess_encoding(data: bytes) -> str | None:
    """Strict UTF-8 first: charset_normalizer reads mostly-English UTF-8 with a little Arabic as cp1250."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262144]).best()
    return best.encoding if best else None


def decode_html(data: bytes, content_type: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Decode with the declared charset (header, BOM or meta), else UTF-8, else a guess.

    Returns ``(text, encoding)``; the encoding is recorded with the page.
    """
    check_bytes(data, max_bytes)
    encoding, text = html_to_unicode(content_type, data, auto_detect_fun=_guess_encoding)
    if not text.strip():
        raise InputError("empty page: nothing to clean")
    return text, encoding


def defuse_attribute_floods(html: str, max_tokens: int = MAX_TAG_TOKENS) -> str:
    """Drop the attributes of any tag with more than ``max_tokens`` of them, keeping the text.

    A linear pass (split on ``>``), so it is safe to run on every page; real
    pages never come near the limit and go through unchanged.
    """
    if html.count("=") + html.count(" ") <= max_tokens:
        return html
    pieces = html.split(">")
    changed = False
    for i, piece in enumerate(pieces):
        lt = piece.rfind("<")
        if lt < 0 or len(piece) - lt < 2 * max_tokens:
            continue
        tokens = piece[lt + 1 :].split(None, max_tokens + 1)
        if len(tokens) > max_tokens:
            pieces[i] = piece[:lt] + "<" + tokens[0]
            changed = True
    return ">".join(pieces) if changed else html
