"""URL and host helpers: which site a URL belongs to, and whether a host is in a list of domains."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

HTTP = ("http://", "https://")
#: Second-level labels under which a country's registrable names sit: ``bbc.co.uk``, ``abc.net.au``.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"})


def is_http(url: str | None) -> bool:
    return url is not None and url.startswith(HTTP)


def host_of(url: str | None) -> str | None:
    """The lower-cased host of an http(s) URL, without a trailing dot; None for anything else."""
    if url is None or not is_http(url):
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    return host.rstrip(".") if host else None


def normalise_domain(domain: str) -> str:
    return domain.strip().lower().strip(".")


def in_domains(host: str | None, domains: Iterable[str]) -> bool:
    """``www.example.com`` and ``news.example.com`` are both in ``example.com``; no domains means every host."""
    scopes = [normalise_domain(d) for d in domains]
    if not scopes:
        return True
    if not host:
        return False
    host = normalise_domain(host)
    return any(host == d or host.endswith("." + d) for d in scopes)


def site_of(url: str | None) -> str:
    """The registrable part of a URL's host, roughly: ``www.express.co.uk`` -> ``express.co.uk``."""
    host = host_of(url) or ""
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])
