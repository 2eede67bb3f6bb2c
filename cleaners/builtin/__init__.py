"""Sieve's built-in cleaners, enabled through ``CLEANERS_BASE``."""

from cleaners.builtin.copyright import CopyrightCleaner
from cleaners.builtin.credits import CreditCleaner
from cleaners.builtin.furniture import FurnitureCleaner
from cleaners.builtin.headline import HeadlineCleaner
from cleaners.builtin.linklists import LinkListCleaner
from cleaners.builtin.metalines import MetaLineCleaner
from cleaners.builtin.promo import PromoCleaner
from cleaners.builtin.related import RelatedLinksCleaner
from cleaners.builtin.source import SourceCleaner

__all__ = [
    "CopyrightCleaner",
    "CreditCleaner",
    "FurnitureCleaner",
    "HeadlineCleaner",
    "LinkListCleaner",
    "MetaLineCleaner",
    "PromoCleaner",
    "RelatedLinksCleaner",
    "SourceCleaner",
]
