"""What the furniture learner counts: one key per distinct normalised line of a page, grouped by site.

Normalisation decides what "the same line" means. It folds what a template
varies without meaning anything (Unicode forms, runs of whitespace, letter
case, curly or straight quotes and dashes) and keeps everything else,
digits included: folding digits would make "Police said 3 people were
arrested." and "Police said 12 people were arrested." one pattern, and on
the generated multi-page set (``benchmarks/furniture.py --digits``) that
turns such template-made article sentences into false furniture, while
real furniture with numbers in it (a copyright year, a phone number) is the
same on every page of a site at a time anyway.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from collections.abc import Iterator

from cleaners.text import normalise_ws
from cleaners.urls import normalise_domain

_LETTER_RE = re.compile(r"[^\W\d_]")
#: Curly quotes, dashes and the no-break space, folded to their plain forms.
_PUNCT = (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"), ("\u00a0", " "))
#: Lines longer than this are article prose or data, never a template's furniture: not counted (bounds storage).
MAX_CHARS = 1000
#: Second-level labels under which a country's registrable names sit: ``bbc.co.uk``, ``abc.net.au``.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"})


def normalise_line(text: str) -> str:
    """The form two lines must share to count as one pattern (see the module docstring for why).

    Most lines are ASCII, which NFKC and the quote and dash folding leave as
    they are, so only other lines go through them.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        # str.replace per character is far faster than str.translate; no replacement makes another's source.
        for char, folded in _PUNCT:
            if char in text:
                text = text.replace(char, folded)
    return normalise_ws(text).casefold()


def line_key(normalised: str) -> str:
    """A short stable key for a normalised line: 16 hex digits of its SHA-1 (collisions within a site: ~never)."""
    return hashlib.sha1(normalised.encode("utf-8")).hexdigest()[:16]


def page_lines(text: str) -> dict[str, str]:
    """``{key: normalised line}`` for every distinct countable line of a page's raw text.

    A line counts when it has a letter and at most :data:`MAX_CHARS`
    characters; a line repeated on the same page counts once (the learner
    counts pages, not lines).
    """
    out: dict[str, str] = {}
    for line in iter_lines(text):
        out.setdefault(line_key(line), line)
    return out


def iter_lines(text: str) -> Iterator[str]:
    for raw in text.split("\n"):
        if not raw:
            continue
        line = normalise_line(raw)
        if line and len(line) <= MAX_CHARS and _LETTER_RE.search(line):
            yield line


def site_key(host: str | None) -> str | None:
    """The site a host belongs to: its registrable domain (``news.example.co.uk`` -> ``example.co.uk``).

    ``www.`` and other subdomains of one publisher share one template as a
    rule, so they share statistics. An IP address or a one-label host
    (``localhost``) is its own site. None when there is no host (a file with
    no canonical URL, stdin): such a page is neither learned from nor cleaned
    by learned furniture.
    """
    if not host:
        return None
    host = normalise_domain(host)
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) < 2:
        return host
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])
