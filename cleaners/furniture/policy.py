"""When a repeated line is a site's furniture: thresholds over the evidence, and why they are what they are.

A line is claimed when all of these hold:

- the site has at least ``min_site_pages`` pages: below that, a share means
  little (two pages that both quote the same sentence are 2 of 2);
- the line is on at least ``min_pages`` pages of the site: a quote repeated
  on two pages, a sentence of a story and of its follow-up, stays body;
- the line is on at least ``min_share`` of the site's pages: a sentence that
  some of a site's stories share (a wire agency's stock sentence on its wire
  stories, a stock phrase) is on a minority of the site's pages, while a
  template's furniture is on most of them;
- the line is not a sentence that other sites print too (``prose_words`` words
  or more, seen on another site): site furniture is the site's own, so a
  sentence several publishers share is shared language (wire copy, a quote,
  common English), not one site's template; short labels ("Advertisement",
  "Related") are exempt, they are furniture wherever they are;
- nobody vetoed it (``scrapy sites veto``).

The defaults come from the threshold sweep of ``benchmarks/furniture.py``
(12 generated sites of 6 to 40 pages, site-disjoint halves): on the tuning
half, ``min_pages`` 4 and ``min_share`` 0.4 is the best F1 (0.994) that loses
no hard-negative sentence; a lower share or count starts claiming a running
story's sentence that a small site repeats on a third to a half of its pages,
a higher share leaves a bio printed on 40% of pages. Without the cross-site
prose rule, every share that claims furniture also claims wire and
common-English sentences (20 to 45 of 65 lost). Folding digits changed nothing
measurable, so digits are kept (see :mod:`cleaners.furniture.keys`). The
README has the full table and the held-out figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleaners.furniture.stats import Evidence


@dataclass(frozen=True)
class Thresholds:
    min_site_pages: int = 5
    min_pages: int = 4
    min_share: float = 0.4
    prose_words: int = 6

    def claims(self, evidence: Evidence, key: str, words: int) -> bool:
        """True when the line with ``key`` (of ``words`` words) is furniture of ``evidence.site``."""
        if evidence.site_pages < self.min_site_pages or key in evidence.vetoed:
            return False
        pages = evidence.pages.get(key, 0)
        if pages < self.min_pages or pages < self.min_share * evidence.site_pages:
            return False
        return not (words >= self.prose_words and evidence.other_sites.get(key, 0) > 0)

    def candidate(self, evidence: Evidence, key: str) -> bool:
        """The per-site part of :meth:`claims`: lines worth asking the other sites about."""
        pages = evidence.pages.get(key, 0)
        return pages >= self.min_pages and pages >= self.min_share * evidence.site_pages
