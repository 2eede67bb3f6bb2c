"""Sieve's own site profiles (``sieve.sites`` entry points in pyproject.toml); plugins ship theirs the same way."""

from __future__ import annotations

from cleaners.sites import SiteProfile

#: Arabs Today's English edition (the seed page's site family): section pages in, ``/en/<id>/<slug>``
#: articles out. Its article text sits in ``.article-body``: that is the main content, whatever an
#: extractor thinks. The source line, the related-news list with its ``GMT 16:39 2017 Sunday ,05
#: November`` times and both copies of the footer's copyright pair are found by the cleaners on the
#: whole page; the profile does not need to name them.
ARABSTODAY = SiteProfile(
    name="arabstoday",
    domains=("arabstoday.net",),
    start_urls=(
        "https://www.arabstoday.net/en/politics",
        "https://www.arabstoday.net/en/economy",
        "https://www.arabstoday.net/en/technology",
    ),
    allow=(r"^https://www\.arabstoday\.net/en/(?:\d+/[\w-]+|politics|economy|technology|sport|lifestyle)/?$",),
    deny=(r"/(?:tag|author|search|print)/",),
    article=r"^https://www\.arabstoday\.net/en/\d+/",
    main=".article-body",
    depth=1,
)
