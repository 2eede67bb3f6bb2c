"""Sieve's built-in cleaners, enabled through ``CLEANERS_BASE``."""

from cleaners.builtin.boilerplate import CopyrightCleaner
from cleaners.builtin.related import RelatedLinksCleaner
from cleaners.builtin.source import SourceCleaner

__all__ = ["CopyrightCleaner", "RelatedLinksCleaner", "SourceCleaner"]
