"""Site profiles: everything Sieve knows about one site, as one piece of data.

A profile names a site's domains, where a crawl of it starts, which links to
follow, what its article URLs look like, and optionally which part of its
pages is the article (``main``, a CSS selector that overrides the extractor's
choice of main content). The spider (``scrapy crawl <name>``) and the
extractor both read the same object, so a saved page cleaned offline and the
same page crawled live apply the same profile: the extractor finds it by the
page's own domain.

Profiles are registered like cleaners: packages list them in the entry-point
group ``sieve.sites``; a project can also name them in the ``SIEVE_SITES``
setting (dotted paths). A profile never changes what a cleaner claims; it only
says where the article is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from cleaners.urls import in_domains, normalise_domain

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "sieve.sites"


@dataclass(frozen=True)
class SiteProfile:
    """One site. ``allow``/``deny``/``article`` are regular expressions over URLs; ``main`` is a CSS selector."""

    name: str
    domains: tuple[str, ...]
    start_urls: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    article: str | None = None
    main: str | None = None
    depth: int = 1

    def __post_init__(self) -> None:
        if not self.name or not self.domains:
            raise ValueError("a SiteProfile needs a name and at least one domain")


class SiteRegistry:
    """The registered profiles, looked up by a page's host (``www.x.com`` finds the profile of ``x.com``)."""

    def __init__(self, profiles: Iterable[SiteProfile] = ()) -> None:
        self.profiles: dict[str, SiteProfile] = {}
        for profile in profiles:
            if profile.name in self.profiles and self.profiles[profile.name] != profile:
                raise ValueError(f"two site profiles are named {profile.name!r}")
            self.profiles[profile.name] = profile

    def __iter__(self) -> Any:
        return iter(self.profiles.values())

    def __len__(self) -> int:
        return len(self.profiles)

    def get(self, name: str) -> SiteProfile | None:
        return self.profiles.get(name)

    def for_host(self, host: str | None) -> SiteProfile | None:
        """The profile whose domain is the longest suffix of ``host``."""
        if not host:
            return None
        best: tuple[int, SiteProfile] | None = None
        for profile in self.profiles.values():
            for domain in profile.domains:
                if in_domains(host, [domain]):
                    size = len(normalise_domain(domain))
                    if best is None or size > best[0]:
                        best = (size, profile)
        return best[1] if best else None


def load_sites(settings: BaseSettings | None = None) -> SiteRegistry:
    """Profiles from the ``sieve.sites`` entry points and the ``SIEVE_SITES`` setting (dotted paths).

    A broken plugin is logged and skipped; a broken ``SIEVE_SITES`` entry is the
    user's own setting and raises ``ValueError`` with the fix.
    """
    from scrapy.utils.misc import load_object

    profiles: list[SiteProfile] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as exc:
            logger.warning("site profile entry point %r is not importable: %s", ep.name, exc)
            continue
        if isinstance(obj, SiteProfile):
            profiles.append(obj)
        else:
            logger.warning("site profile entry point %r is not a SiteProfile", ep.name)
    for path in settings.getlist("SIEVE_SITES") if settings is not None else []:
        try:
            obj = load_object(path)
        except (ImportError, AttributeError, ValueError, NameError) as exc:
            raise ValueError(f"SIEVE_SITES: {path!r} is not importable: {exc}") from None
        if not isinstance(obj, SiteProfile):
            raise ValueError(f"SIEVE_SITES: {path!r} is not a cleaners.sites.SiteProfile")
        profiles.append(obj)
    return SiteRegistry(profiles)
