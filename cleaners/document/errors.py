"""Why a page cannot be cleaned, in words a user can act on."""

from __future__ import annotations


class InputError(ValueError):
    """A page that cannot be cleaned; the message says what was wrong and what to do."""


class ExtractionError(InputError):
    """The HTML could not be turned into text."""


def too_large(size: int | None, limit: int) -> InputError:
    """The one message for a page over ``SIEVE_MAX_BYTES``, wherever the limit is hit.

    ``size`` None: a compressed page whose content would decompress past the limit.
    """
    what = (
        f"decompresses to more than {limit} bytes" if size is None else f"{size} bytes is over the {limit}-byte limit"
    )
    return InputError(f"{what} (SIEVE_MAX_BYTES); raise the limit to clean it")
