"""Sieve's cleaner plugin API: subclass :class:`Cleaner`, claim :class:`Span` s of a :class:`Page`.

:func:`clean` cleans one page as ``scrapy clean`` does, without Scrapy set-up
(:mod:`cleaners.api`); :mod:`cleaners.testing` is the kit for a plugin's tests.
"""

from cleaners.api import Result, Sieve, clean
from cleaners.base import Cleaner, LineCleaner
from cleaners.chain import CleanerChain, CleanResult
from cleaners.page import Line, Page, Span

__all__ = ["Cleaner", "CleanerChain", "CleanResult", "Line", "LineCleaner", "Page", "Result", "Sieve", "Span", "clean"]
