"""One spider per registered site profile: ``scrapy crawl <profile name>``.

Profiles come from the ``sieve.sites`` entry points (Sieve's own in
``crawler/sites.py``, and any installed plugin's), so a package that ships a
site gets its spider without touching this project. Each spider is the
generic ``articles`` spider with the profile's start URLs, link patterns,
article pattern and depth; ``-a`` arguments still override them.
"""

from __future__ import annotations

from cleaners.sites import SiteProfile, load_sites
from crawler.spiders.articles import ArticlesSpider


def spider_class(profile: SiteProfile) -> type[ArticlesSpider]:
    """The spider of one profile, a subclass of :class:`ArticlesSpider` named after it."""
    class_name = "".join(part.capitalize() for part in profile.name.replace("-", "_").split("_")) + "Spider"
    attributes = {
        "__module__": __name__,
        "__doc__": f"Site profile {profile.name!r} ({', '.join(profile.domains)}): same as articles, defaults from the "
        "profile.",
        "name": profile.name,
        "profile": profile,
        "allowed_domains": list(profile.domains),
        "start_urls": list(profile.start_urls),
        "allow": list(profile.allow),
        "deny": list(profile.deny),
        "article": profile.article,
        "depth": profile.depth,
    }
    return type(class_name, (ArticlesSpider,), attributes)


for _profile in load_sites():
    _cls = spider_class(_profile)
    globals()[_cls.__name__] = _cls
del _profile, _cls  # one name per spider class: Scrapy lists every class it finds in the module
