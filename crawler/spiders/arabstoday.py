"""``scrapy crawl arabstoday``: the site profile for Arabs Today (the seed page's site family)."""

from __future__ import annotations

from crawler.spiders.articles import ArticlesSpider


class ArabsTodaySpider(ArticlesSpider):
    """Arabs Today's English edition: section pages in, ``/en/<id>/<slug>`` articles out.

    A site profile is this small: start URLs, link patterns and an article URL
    pattern. Its article container (body, ``source:`` line, the related-news
    list with its ``GMT 16:39 2017 Sunday ,05 November`` times, and both
    copies of the footer's copyright pair) is in ``SIEVE_SITE_CONTAINERS``
    under ``arabstoday.net``, not here, because the extractor looks it up by
    the page's domain: ``scrapy clean`` on a saved page (by its canonical URL)
    and this spider then extract the same text. trafilatura alone drops the
    source line, the related list and the footer, which the cleaners need to
    see to record them.

    Offline over saved pages: ``scrapy crawl arabstoday -a path=fixtures/pages/arabstoday``.
    """

    name = "arabstoday"
    allowed_domains = ["arabstoday.net"]
    start_urls = [
        "https://www.arabstoday.net/en/politics",
        "https://www.arabstoday.net/en/economy",
        "https://www.arabstoday.net/en/technology",
    ]
    allow = [r"^https://www\.arabstoday\.net/en/(?:\d+/[\w-]+|politics|economy|technology|sport|lifestyle)/?$"]
    deny = [r"/(?:tag|author|search|print)/"]
    article = r"^https://www\.arabstoday\.net/en/\d+/"
    depth = 1
