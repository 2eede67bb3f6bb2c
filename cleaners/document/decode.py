"""Bytes to text: size limits, gzip, binary detection and encodings, with errors a user can act on."""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from dataclasses import dataclass

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, to_unicode

from cleaners.document.errors import InputError, too_large
from cleaners.text import is_blank

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: The error stage of a charset decision worth knowing (:attr:`Decoded.note`).
DECODE_STAGE = "decode"
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
    if is_blank(data):
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
    if is_blank(text):
        raise InputError("empty page: nothing to clean")
    return text


def utf8_evidence(data: bytes) -> tuple[int, int]:
    """``(undecodable sequences, multi-byte characters)`` of ``data`` read as UTF-8.

    A U+FFFD the page itself holds (``EF BF BD``) is neither.
    """
    text = data.decode("utf-8", "replace")
    own = data.count(b"\xef\xbf\xbd")
    replaced = text.count("\ufffd")
    return replaced - own, _non_ascii(text) - replaced


def _non_ascii(text: str) -> int:
    """How many characters of ``text`` are not ASCII (counted in C: a page is up to megabytes)."""
    return len(text) - len(text.encode("ascii", "ignore"))


def _only_strays(bad: int, decoded: int) -> bool:
    """A handful of undecodable sequences, or few beside the characters that decode: strays, not a wrong codec."""
    return bad <= MAX_STRAY or bad * STRAY_RATIO <= decoded


def mostly_utf8(data: bytes) -> bool:
    """Whether bytes that are not strict UTF-8 are UTF-8 with a few stray bytes all the same.

    Valid multi-byte sequences almost never happen by chance in legacy text, so a page that has them and few
    failures (:data:`MAX_STRAY`, or one per :data:`STRAY_RATIO` characters) is UTF-8; a legacy charset would
    turn each of those characters into two or three of mojibake. Without a single multi-byte character there
    is no evidence, and a single-byte guess decodes a lone ``0xE9`` as the ``é`` it likely is.
    """
    bad, multibyte = utf8_evidence(data)
    return multibyte > 0 and _only_strays(bad, multibyte)


def _guess_encoding(data: bytes) -> str | None:
    """UTF-8 first, strict or nearly: charset_normalizer reads mostly-English UTF-8 with a little Arabic, or
    with one stray byte, as cp1250."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if mostly_utf8(data):
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262144]).best()
    return best.encoding if best else None


@dataclass(frozen=True)
class Decoded:
    """A page's text and the decision behind it.

    ``note`` says why the page is not decoded as it declared (or that no
    candidate fitted its bytes); None when the declaration, or the guess for
    an undeclared page, decoded every byte.
    """

    text: str
    encoding: str
    note: str | None = None
    is_html: bool = True
    #: ``text`` is its bytes decoded as strict UTF-8, so ``text.encode("utf-8")`` gives them back exactly: a
    #: crawl then keeps no copy of the bytes, without encoding the page again to find that out.
    exact: bool = False


def _codec(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def _fits(data: bytes, encoding: str) -> bool:
    """Whether every byte decodes under ``encoding`` (a BOM, if any, decodes as U+FEFF under its own encoding)."""
    try:
        data.decode(encoding, "strict")
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _decoded_whole(data: bytes, encoding: str, text: str) -> bool:
    """:func:`_fits`, without decoding a UTF-8 page a second time when its text shows it already fitted.

    w3lib decodes with ``errors="replace"``: UTF-8 text without a U+FFFD had
    no undecodable byte (a BOM, which w3lib strips, is valid UTF-8 too). A
    U+FFFD may also be the page's own character, so then, and for every other
    codec, the bytes are decoded again strictly.
    """
    if "\ufffd" not in text and _codec(encoding) == "utf-8":
        return True
    return _fits(data, encoding)


def _candidates(data: bytes, content_type: str | None) -> list[str]:
    """Encodings worth trying, best first: the header's, the ``<meta>``'s, UTF-8, then charset_normalizer's guess."""
    names = [http_content_type_encoding(content_type), html_body_declared_encoding(data), "utf-8"]
    out: list[str] = []
    for name in names:
        codec = _codec(name)
        if codec and codec not in out:
            out.append(codec)
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262144]).best()
    guess = _codec(best.encoding if best else None)
    if guess and guess not in out:
        out.append(guess)
    return out


#: A declared charset is kept despite undecodable bytes when it decodes this many non-ASCII characters per
#: failure: a UTF-8 page with a few stray bytes stays UTF-8 (a single-byte charset would "fit" every byte
#: and turn all of its text into mojibake); a cp1256 page served as UTF-8 decodes almost nothing.
STRAY_RATIO = 20
#: Up to this many undecodable sequences are strays whatever else the page holds.
MAX_STRAY = 3
#: Codecs whose declaration is never second-guessed by the UTF-8 test (they are found by a BOM, or are UTF-8).
_UNICODE_CODECS = frozenset(
    {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}
)


def decode_html(data: bytes, content_type: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Decode with the declared charset (header, BOM or meta), else UTF-8, else a guess.

    A declaration is not believed when most of what it decodes fails (a
    cp1256 page served as UTF-8 would become a page of U+FFFD): the next
    candidate that decodes every byte is used instead (:func:`_candidates`).
    Either way a page with undecodable bytes gets a note, so it is flagged
    rather than silently mangled or silently "fixed". The encoding used is
    recorded with the page.
    """
    check_bytes(data, max_bytes)
    encoding, text = html_to_unicode(content_type, data, auto_detect_fun=_guess_encoding)
    note = None
    if _codec(encoding) not in _UNICODE_CODECS and not data.isascii() and _fits(data, "utf-8"):
        # Non-ASCII bytes that are valid UTF-8 throughout are UTF-8: legacy text almost never forms valid
        # multi-byte sequences page-wide, while templates copied between sites keep a stale <meta charset>.
        note = f"the page declares {encoding}, but its bytes are valid UTF-8: decoded as UTF-8"
        encoding, text = "utf-8", to_unicode(data, "utf-8")
    elif not _decoded_whole(data, encoding, text):
        bad = text.count("\ufffd")
        decoded = _non_ascii(text) - bad
        chosen = _codec(encoding)
        better = None
        # A handful of stray bytes never make a page "mostly undecodable": a single 0xFF in an ASCII page stays
        # the page's declared UTF-8 (a single-byte charset would fit it and mangle nothing visible, then everything).
        if not _only_strays(bad, decoded):
            better = next((c for c in _candidates(data, content_type) if c != chosen and _fits(data, c)), None)
        if better is not None:
            note = (
                f"the page's charset {encoding} leaves {bad} undecodable byte sequence(s); "
                f"decoded as {better}, which fits every byte"
            )
            encoding, text = better, to_unicode(data, better)
        else:
            note = f"{bad} undecodable byte sequence(s) became U+FFFD (decoded as {encoding})"
    if is_blank(text):
        raise InputError("empty page: nothing to clean")
    # w3lib strips a BOM; without one, UTF-8 text without U+FFFD that fitted every byte is exactly the bytes.
    exact = (
        note is None and _codec(encoding) == "utf-8" and "\ufffd" not in text and not data.startswith(codecs.BOM_UTF8)
    )
    return Decoded(text, encoding, note, exact=exact)


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
