"""A kit for testing cleaners: build the page a cleaner sees, run a chain, assert what it claimed by text.

A plugin's tests should not need Scrapy settings, offsets or a hand-written
subprocess runner. This module gives them:

- :func:`make_page`: the :class:`~cleaners.page.Page` the chain would see for a
  text or an HTML page, to call a cleaner's ``find`` on directly;
- :func:`chain`: one cleaner alone, a list, or a ``CLEANERS`` dict over the
  default chain, with :meth:`Harness.claims` and :meth:`Harness.assert_claims`;
- :func:`assert_claims`: ``assert_claims(MyCleaner(), text, {"newsletter": ["Sign up ..."]})``
  with a failure message that lists what was missing, what was unexpected, and
  every claim on the page;
- :func:`assert_entry_point`: the plugin's ``sieve.cleaners`` entry point loads,
  is a valid cleaner, and ``CLEANERS`` accepts its name;
- :func:`run_scrapy`: a Sieve command in a subprocess, from any directory.

Pages go through :func:`cleaners.api.clean`'s code, so what a test sees is what
``scrapy clean`` and a crawl produce. The pytest fixtures ``sieve_page``,
``sieve_chain`` and ``sieve_scrapy`` (:mod:`cleaners.pytest_plugin`) wrap these.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TypeAlias

from cleaners.api import SETTINGS_MODULE, PageInput, Result, Sieve, _page_bytes, default_sieve
from cleaners.base import Cleaner
from cleaners.chain import ENTRY_POINT_GROUP
from cleaners.document.document import Document
from cleaners.document.files import decode_page
from cleaners.labels import LABELS, check_labels
from cleaners.page import Page
from cleaners.process import document_page
from cleaners.text import normalise_ws
from cleaners.urls import host_of

__all__ = [
    "Harness",
    "assert_claims",
    "assert_entry_point",
    "chain",
    "claims",
    "make_page",
    "run_scrapy",
]

CleanerLike: TypeAlias = "Cleaner | type[Cleaner]"
#: One cleaner (instance or class) alone, a list of them in order, a CLEANERS dict over the default chain, or None.
ChainSpec: TypeAlias = "CleanerLike | Sequence[CleanerLike] | Mapping[str, int | None] | None"
#: How much of each claim a failure message's listing shows (the differing texts are shown whole).
SHOW_CHARS = 100


def make_page(text_or_html: PageInput, url: str | None = None) -> Page:
    """The page the chain would see for this input, with nothing claimed yet.

    Text and HTML are told apart as :func:`cleaners.clean` does (a ``str``
    starting with ``<`` is HTML). An HTML page is linearised and its main
    content found by Sieve's extractor, so ``page.lines(main=True)``,
    ``page.blocks`` and ``page.links`` are what a crawl gives the cleaner. A page
    that cannot be read raises ``ValueError`` with the reason.
    """
    sieve = default_sieve()
    name, data, content_type = _page_bytes(text_or_html)
    decoded = decode_page(name, data, sieve.max_bytes, content_type)
    if not decoded.is_html:
        return Page(decoded.text, url=url, domain=host_of(url))
    page, _warnings = document_page(Document.parse(decoded.text, url), sieve.extractor)
    return page


def _instance(item: object) -> Cleaner:
    if isinstance(item, type) and issubclass(item, Cleaner):
        return item()
    if isinstance(item, Cleaner):
        return item
    raise TypeError(f"{item!r:.60} is not a Cleaner (an instance or a class)")


def _describe(spec: ChainSpec) -> str:
    if spec is None:
        return "the default chain"
    if isinstance(spec, Mapping):
        return f"the default chain with CLEANERS={dict(spec)}"
    items = [spec] if not isinstance(spec, Sequence) else list(spec)
    return " > ".join(i.__name__ if isinstance(i, type) else type(i).__name__ for i in items)


class Harness:
    """A chain under test: clean a page, list its claims by label, assert them."""

    def __init__(self, spec: ChainSpec = None, *, settings: Mapping[str, Any] | None = None) -> None:
        if spec is None and settings is None:
            self.sieve = default_sieve()
        elif spec is None or isinstance(spec, Mapping):
            self.sieve = Sieve(spec, settings=settings)
        else:
            items = [spec] if not isinstance(spec, Sequence) or isinstance(spec, str) else spec
            self.sieve = Sieve([_instance(i) for i in items], settings=settings)
        self.name = _describe(spec)

    def clean(self, text_or_html: PageInput, url: str | None = None) -> Result:
        """The page's full result, as :func:`cleaners.clean` gives it."""
        return self.sieve.clean(text_or_html, url)

    def claims(self, text_or_html: PageInput, url: str | None = None) -> dict[str, list[str]]:
        """``{label: [text, ...]}`` of every segment (body and chrome too), whitespace-normalised, in page order."""
        return _normalised(self.clean(text_or_html, url))

    @property
    def labels(self) -> set[str]:
        """Every label a segment of this chain can carry."""
        return {*LABELS, *(label for c in self.sieve.chain.cleaners for label in (c.label, *c.new_labels))}

    def assert_claims(
        self, text_or_html: PageInput, expected: Mapping[str, Sequence[str]], url: str | None = None
    ) -> Result:
        """Fail unless each label in ``expected`` covers exactly these texts, in this order.

        Texts are compared whitespace-normalised; labels not in ``expected``
        are not checked (``{"newsletter": []}`` asserts nothing was claimed as
        newsletter). A cleaner that raised or had a span dropped, or a page
        that could not be read, fails too. Returns the result for more checks.
        """
        for label, texts in expected.items():
            if isinstance(texts, str):
                raise TypeError(f"expected[{label!r}]: give a list of texts, not one string")
        unknown = sorted(set(expected) - self.labels)
        if unknown:
            raise AssertionError(
                f"{self.name}: no cleaner of this chain claims {', '.join(map(repr, unknown))}"
                f" (its labels: {', '.join(sorted(self.labels))})"
            )
        result = self.clean(text_or_html, url)
        if not result.ok:
            raise AssertionError(f"{self.name}: the page was not cleaned: {_errors(result)}")
        got = _normalised(result)
        problems: list[str] = []
        for label, texts in expected.items():
            want = [normalise_ws(t) for t in texts]
            have = got.get(label, [])
            if want == have:
                continue
            missing = list((Counter(want) - Counter(have)).elements())
            extra = list((Counter(have) - Counter(want)).elements())
            problems.append(f"  label {label!r}:")
            problems.extend(f"    expected, not claimed: {t!r}" for t in missing)
            problems.extend(f"    claimed, not expected: {t!r}" for t in extra)
            if not missing and not extra:
                problems.append(f"    the same texts in another order; claimed: {have!r}")
        failed = [e for e in result.errors if e["stage"] == "clean"]
        if failed:
            problems.append(f"  errors: {_errors(result, failed)}")
        if problems:
            heading = f"{self.name}: claims differ from the expected ones"
            raise AssertionError("\n".join([heading, *problems, _listing(result)]))
        return result


def chain(spec: ChainSpec = None, *, settings: Mapping[str, Any] | None = None) -> Harness:
    """A :class:`Harness` for one cleaner alone, a list in order, or a ``CLEANERS`` dict over the default chain."""
    return Harness(spec, settings=settings)


def claims(spec: ChainSpec, text_or_html: PageInput, url: str | None = None) -> dict[str, list[str]]:
    """``{label: [text, ...]}`` of what ``spec`` made of the page (see :meth:`Harness.claims`)."""
    return chain(spec).claims(text_or_html, url)


def assert_claims(
    spec: ChainSpec, text_or_html: PageInput, expected: Mapping[str, Sequence[str]], url: str | None = None
) -> Result:
    """``assert_claims(MyCleaner(), text, {"boilerplate": ["© 2021 X"]})`` (see :meth:`Harness.assert_claims`)."""
    return chain(spec).assert_claims(text_or_html, expected, url)


def _normalised(result: Result) -> dict[str, list[str]]:
    if result.raw_text is None:
        return {}
    return {label: [normalise_ws(t) for t in texts] for label, texts in result.by_label().items()}


def _short(text: str) -> str:
    return repr(text if len(text) <= SHOW_CHARS else text[: SHOW_CHARS - 3] + "...")


def _errors(result: Result, errors: list[dict[str, Any]] | None = None) -> str:
    return "; ".join(
        f"[{e['stage']}] {e['cleaner'] + ': ' if e['cleaner'] else ''}{e['message']}" for e in errors or result.errors
    )


def _listing(result: Result) -> str:
    """Every claim on the page, one a line: what a reader needs to see why the texts differ."""
    lines = ["what the chain claimed (label, cleaner, reason: text):"]
    for seg in result.segments:
        if seg["cleaner"] is not None:
            text = _short(normalise_ws(result.text_of(seg)))
            lines.append(f"    {seg['label']}  {seg['cleaner']}  {seg['reason']}: {text}")
    if len(lines) == 1:
        lines.append("    nothing")
    return "\n".join(lines)


def assert_entry_point(name: str, cls: type[Cleaner] | None = None) -> type[Cleaner]:
    """Fail unless ``name`` in the ``sieve.cleaners`` group loads a valid cleaner (``cls``, if given).

    Valid as the chain checks it: a :class:`Cleaner` subclass with a label
    it may claim, and ``CLEANERS={name: ...}`` builds a chain that runs it under
    that name. Returns the class. The package must be installed
    (``pip install -e .``): entry points are read from its installed metadata.
    """
    found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if not found:
        names = sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))
        raise AssertionError(
            f"no entry point {name!r} in {ENTRY_POINT_GROUP!r} (installed: {', '.join(names) or 'none'});"
            " is the package installed (pip install -e .)?"
        )
    if len({ep.value for ep in found}) > 1:
        raise AssertionError(f"entry point {name!r} is listed by more than one package: {[ep.value for ep in found]}")
    try:
        loaded = found[0].load()
    except Exception as exc:
        raise AssertionError(f"entry point {name!r} = {found[0].value!r} does not load: {exc!r}") from exc
    if cls is not None and loaded is not cls:
        raise AssertionError(f"entry point {name!r} loads {loaded!r}, not {cls!r}")
    if not (isinstance(loaded, type) and issubclass(loaded, Cleaner)):
        raise AssertionError(f"entry point {name!r} loads {loaded!r}, which is not a cleaners.Cleaner subclass")
    try:
        check_labels(getattr(loaded, "label", None), loaded.new_labels, f"entry point {name!r}")
        built = Sieve({name: 1}).chain
    except ValueError as exc:
        raise AssertionError(str(exc)) from exc
    if name not in built.paths:
        raise AssertionError(f"CLEANERS={{{name!r}: 1}} built a chain without it (NotConfigured?): {built.paths}")
    return loaded


def run_scrapy(
    *args: str,
    cwd: str | os.PathLike[str] | None = None,
    input: bytes | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``scrapy ARGS`` (``clean``, ``evaluate``, ``cleaners``, ``crawl``) with Sieve's settings, from any folder.

    A subprocess, because Scrapy's reactor cannot restart in the test's
    process; the interpreter running the tests, so the installed plugin is the
    one under test. ``SCRAPY_SETTINGS_MODULE`` is Sieve's (``env`` may set
    another), so no ``scrapy.cfg`` is needed in ``cwd``. Output is not decoded.
    """
    full_env = {**os.environ, "SCRAPY_SETTINGS_MODULE": SETTINGS_MODULE, **(env or {})}
    data = input.encode("utf-8") if isinstance(input, str) else input
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=Path(cwd) if cwd is not None else None,
        input=data,
        capture_output=True,
        timeout=timeout,
        env=full_env,
    )
