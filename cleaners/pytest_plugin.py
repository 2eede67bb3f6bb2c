"""Sieve's pytest plugin: fixtures for a cleaner package's tests, loaded wherever Sieve is installed.

Registered through the ``pytest11`` entry point (named ``sieve``; ``-p no:sieve``
turns it off), so a plugin package's tests use the fixtures with no
``conftest.py``. The fixtures hand out :mod:`cleaners.testing`'s functions;
that module is imported on first use, not when pytest starts, so a pytest run
that never asks for them pays nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import subprocess

    from cleaners.page import Page
    from cleaners.testing import Harness


@pytest.fixture
def sieve_page() -> Callable[..., Page]:
    """``sieve_page(text_or_html, url=None)``: the page the chain would see, to call ``find`` on directly."""
    from cleaners.testing import make_page

    return make_page


@pytest.fixture
def sieve_chain() -> Callable[..., Harness]:
    """``sieve_chain(MyCleaner())`` or ``sieve_chain({"myplugin": 450})``: a chain to clean and assert claims with."""
    from cleaners.testing import chain

    return chain


@pytest.fixture
def sieve_scrapy(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[bytes]]:
    """``sieve_scrapy("clean", str(page))``: a Sieve command in a subprocess, run in an empty temporary directory."""
    from cleaners.testing import run_scrapy

    def run(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        kwargs.setdefault("cwd", tmp_path)
        return run_scrapy(*args, **kwargs)

    return run
