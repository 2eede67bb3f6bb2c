"""Why a page cannot be cleaned, in words a user can act on."""

from __future__ import annotations


class InputError(ValueError):
    """A page that cannot be cleaned; the message says what was wrong and what to do."""


class ExtractionError(InputError):
    """The HTML could not be turned into text."""


class TooLarge(InputError):
    """A page over ``SIEVE_MAX_BYTES``: its class names a size cut-off in ``pages.fetch_error``."""


def too_large(size: int | None, limit: int, *, stream: bool = False) -> TooLarge:
    """The one message for a page over ``SIEVE_MAX_BYTES``, wherever the limit is hit.

    ``size`` None: a compressed page whose content would decompress past the
    limit, or (``stream``) input that was not read past the limit (stdin).
    """
    if stream:
        what = f"more than {limit} bytes (stopped reading there)"
    elif size is None:
        what = f"decompresses to more than {limit} bytes"
    else:
        what = f"{size} bytes is over the {limit}-byte limit"
    return TooLarge(f"{what} (SIEVE_MAX_BYTES); raise the limit to clean it")
