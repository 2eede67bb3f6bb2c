"""Sieve's cleaner plugin API: subclass :class:`Cleaner`, claim :class:`Span` s of a :class:`Page`."""

from cleaners.base import Cleaner
from cleaners.chain import CleanerChain, CleanResult
from cleaners.page import Line, Page, Span

__all__ = ["Cleaner", "CleanerChain", "CleanResult", "Line", "Page", "Span"]
