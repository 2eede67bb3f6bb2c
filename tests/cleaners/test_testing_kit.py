"""``cleaners.testing`` and its pytest plugin, used the way a plugin package's tests use them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from cleaners import Cleaner, Page, Span, clean
from cleaners.builtin import CopyrightCleaner, RelatedLinksCleaner
from cleaners.testing import assert_claims, assert_entry_point, chain, claims, make_page, run_scrapy

TEXT = "Police closed the road on Monday.\nBREAKING NEWS\nThe road reopened later.\n© 2021 Example News."
HTML = (
    '<html><head><title>Road reopens</title><link rel="canonical" href="https://news.example.com/a/1"></head><body>'
    "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Road reopens</h1>"
    "<p>Police reopened the coastal road on Monday after the storm had closed it for three days.</p>"
    "<p>Engineers said the sea wall held and that repairs to the surface would take a week.</p></article>"
    "<footer>© 2021 Example News. All rights reserved.</footer></body></html>"
)


class ShoutCleaner(Cleaner):
    label = "shout"
    new_labels = {"shout": "lines in capitals"}

    def find(self, page: Page) -> Iterator[Span]:
        for line in page.lines():
            if line.text.isupper():
                yield self.span(line.start, line.end, "shout.caps")


class BrokenCleaner(ShoutCleaner):
    def find(self, page: Page) -> Iterator[Span]:
        raise RuntimeError("plugin bug")


def test_assert_claims_passes_on_the_right_texts_and_returns_the_result():
    result = assert_claims(ShoutCleaner(), TEXT, {"shout": ["BREAKING NEWS"]})
    assert result.texts("shout") == ["BREAKING NEWS"]
    # A class is instantiated; whitespace is normalised on both sides; [] asserts nothing was claimed.
    assert_claims(ShoutCleaner, TEXT, {"shout": ["  BREAKING\nNEWS "], "boilerplate": []})


def test_a_failed_assertion_says_what_is_missing_what_is_extra_and_lists_every_claim():
    with pytest.raises(AssertionError) as info:
        assert_claims({f"{__name__}.ShoutCleaner": 1}, TEXT, {"shout": ["BREAKING"], "boilerplate": []})
    assert str(info.value) == "\n".join(
        [
            f"the default chain with CLEANERS={{'{__name__}.ShoutCleaner': 1}}: claims differ from the expected ones",
            "  label 'shout':",
            "    expected, not claimed: 'BREAKING'",
            "    claimed, not expected: 'BREAKING NEWS'",
            "  label 'boilerplate':",
            "    claimed, not expected: '© 2021 Example News.'",
            "what the chain claimed (label, cleaner, reason: text):",
            f"    shout  {__name__}.ShoutCleaner  shout.caps: 'BREAKING NEWS'",
            "    boilerplate  cleaners.builtin.CopyrightCleaner  copyright.notice: '© 2021 Example News.'",
        ]
    )


def test_the_same_texts_in_another_order_fail_too():
    text = "ONE LINE\nbody text here\nTWO LINES"
    with pytest.raises(AssertionError, match=r"the same texts in another order; claimed: \['ONE LINE', 'TWO LINES'\]"):
        assert_claims(ShoutCleaner(), text, {"shout": ["TWO LINES", "ONE LINE"]})


def test_a_label_no_cleaner_claims_is_a_typo_not_a_pass():
    with pytest.raises(AssertionError, match=r"ShoutCleaner: no cleaner of this chain claims 'shuot'"):
        assert_claims(ShoutCleaner(), TEXT, {"shuot": []})
    with pytest.raises(TypeError, match="give a list of texts"):
        assert_claims(ShoutCleaner(), TEXT, {"shout": "BREAKING NEWS"})  # type: ignore[dict-item]


def test_a_cleaner_that_raises_or_a_page_that_cannot_be_read_fails():
    with pytest.raises(AssertionError, match=r"errors: \[clean\] .*BrokenCleaner: RuntimeError: plugin bug \(at "):
        assert_claims(BrokenCleaner(), TEXT, {"shout": []})
    with pytest.raises(AssertionError, match=r"the page was not cleaned: \[read\] empty page"):
        assert_claims(ShoutCleaner(), "   ", {"shout": []})


def test_claims_and_a_chain_harness_agree_with_clean():
    # Whitespace-normalised: a body segment over three lines is one line of words.
    assert claims(None, TEXT) == {
        "body": ["Police closed the road on Monday. BREAKING NEWS The road reopened later."],
        "boilerplate": ["© 2021 Example News."],
    }
    assert clean(TEXT).by_label()["body"] == [
        "Police closed the road on Monday.\nBREAKING NEWS\nThe road reopened later."
    ]
    harness = chain([CopyrightCleaner, ShoutCleaner()])
    assert harness.name == "CopyrightCleaner > ShoutCleaner"
    assert harness.claims(TEXT) == {
        "body": ["Police closed the road on Monday.", "The road reopened later."],
        "shout": ["BREAKING NEWS"],
        "boilerplate": ["© 2021 Example News."],
    }


def test_make_page_gives_the_page_the_chain_sees():
    page = make_page(TEXT, url="https://www.example.com/a")
    assert (page.text, page.domain, page.main) == (TEXT, "www.example.com", [(0, len(TEXT))])
    html_page = make_page(HTML)
    assert html_page.text == clean(HTML).raw_text  # exactly the raw text the record's offsets index into
    assert html_page.url == "https://news.example.com/a/1"  # the canonical link
    main = [line.text for line in html_page.lines(main=True)]
    assert main[-2:] == [
        "Police reopened the coastal road on Monday after the storm had closed it for three days.",
        "Engineers said the sea wall held and that repairs to the surface would take a week.",
    ]
    assert "Home World" not in main
    assert html_page.spans == []
    with pytest.raises(ValueError, match="binary content"):
        make_page(b"\x00\x00 not a page")


def test_assert_entry_point_checks_what_the_chain_will_load():
    assert assert_entry_point("copyright", CopyrightCleaner) is CopyrightCleaner
    with pytest.raises(AssertionError, match=r"loads .*CopyrightCleaner'>, not .*RelatedLinksCleaner"):
        assert_entry_point("copyright", RelatedLinksCleaner)
    with pytest.raises(AssertionError, match=r"no entry point 'nosuch' in 'sieve.cleaners' \(installed: .*copyright"):
        assert_entry_point("nosuch")


def test_run_scrapy_works_where_there_is_no_scrapy_cfg(tmp_path):
    proc = run_scrapy("clean", "-", input=TEXT, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip() == clean_line("-", TEXT)
    assert list(tmp_path.iterdir()) == []


def clean_line(path: str, text: str) -> str:
    return json.dumps({"path": path, **clean(text).record}, ensure_ascii=False)


PLUGIN_USER = textwrap.dedent(
    """
    from cleaners.builtin import CopyrightCleaner

    def test_fixtures(sieve_page, sieve_chain, sieve_scrapy, tmp_path):
        text = "The road reopened.\\n© 2021 Example News."
        assert sieve_page(text).text == text
        sieve_chain(CopyrightCleaner()).assert_claims(text, {"boilerplate": ["© 2021 Example News."]})
        proc = sieve_scrapy("clean", "-", input=text)
        assert proc.returncode == 0 and b"Example News" in proc.stdout
    """
)


def test_the_pytest_plugin_is_loaded_through_its_entry_point(tmp_path):
    (tmp_path / "test_user.py").write_text(PLUGIN_USER, encoding="utf-8")
    run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"]
    proc = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"\b1 passed\b", proc.stdout)
    # Switched off by its entry-point name, the fixtures are gone: they came from the plugin, not a conftest.
    off = subprocess.run([*run, "-p", "no:sieve"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert off.returncode == 1 and "fixture 'sieve_page' not found" in off.stdout
