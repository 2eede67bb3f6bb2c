"""``cleaners.clean``: the output of ``scrapy clean``, inputs read by the documented rule, chains picked by value."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaners import Cleaner, Page, Result, Sieve, Span, clean
from cleaners.builtin import CopyrightCleaner, SourceCleaner
from cleaners.document.files import find_pages
from tests.conftest import ROOT, run_scrapy

PAGES = ROOT / "fixtures" / "pages"
TEXT = "Police closed the road on Monday.\nsource: Reuters\n© 2021 Example News. All rights reserved."


def line_for(path: str, result: Result) -> str:
    """The line ``scrapy clean`` prints for a page, made from the API's result."""
    return json.dumps({"path": path, **result.record}, ensure_ascii=False)


@pytest.fixture(scope="module")
def scrapy_clean_lines() -> dict[str, str]:
    """``scrapy clean fixtures/pages`` in a real subprocess: path -> the line it printed."""
    proc = run_scrapy("clean", "fixtures/pages", timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode("utf-8").splitlines()
    return {json.loads(line)["path"]: line for line in lines}


def test_clean_matches_scrapy_clean_on_every_fixture_page(scrapy_clean_lines):
    pages = list(find_pages(PAGES))
    assert len(pages) >= 20 and {p.suffix for p in pages} >= {".txt", ".html"}
    assert set(scrapy_clean_lines) == {str(p.relative_to(ROOT)) for p in pages}
    for page in pages:
        name = str(page.relative_to(ROOT))
        expected = scrapy_clean_lines[name]
        # A path is read as `scrapy clean PATH` reads it; bytes as stdin; a str as the text it already is.
        assert line_for(name, clean(page)) == expected, name
        assert line_for(name, clean(page.read_bytes())) == expected, name
        # A str has no bytes to decode, so it carries no `decode` note on how its bytes were read (a lying charset).
        as_text = json.loads(line_for(name, clean(page.read_text(encoding="utf-8"))))
        want = json.loads(expected)
        want["errors"] = [e for e in want["errors"] if e["stage"] != "decode"]
        assert as_text == want, name


def test_bytes_follow_the_stdin_rule_and_a_path_its_suffix(tmp_path):
    # Starts with '<' but is named .txt: `scrapy clean FILE` reads raw text, `scrapy clean -` reads HTML.
    data = b"<p>The council approved the new budget for the harbour on Tuesday evening.</p>\nsource: Reuters\n"
    page = tmp_path / "page.txt"
    page.write_bytes(data)
    by_name = run_scrapy("clean", str(page), timeout=120)
    by_stdin = run_scrapy("clean", "-", input=data, timeout=120)
    assert by_name.returncode == 0 and by_stdin.returncode == 0, (by_name.stderr, by_stdin.stderr)
    assert line_for(str(page), clean(page)) == by_name.stdout.decode().strip()
    assert line_for("-", clean(data)) == by_stdin.stdout.decode().strip()
    assert line_for("-", clean(data.decode())) == by_stdin.stdout.decode().strip()
    assert clean(page).raw_text == data.decode()  # raw text: the markup is text
    assert "<p>" not in (clean(data).raw_text or "")  # HTML: the markup is gone


def test_a_str_is_not_decoded_again_by_its_meta_charset():
    html = (
        '<html><head><meta charset="iso-8859-1"></head><body><article><p>The café on the corner of the old '
        "market square reopened on Monday after a year of repairs to its roof and walls.</p></article></body></html>"
    )
    assert "The café on the corner" in clean(html).body
    # Bytes are decoded as declared, as `scrapy clean -` would; the same characters as UTF-8 bytes are
    # valid UTF-8, which a legacy declaration does not override (no mojibake, and the decision is recorded).
    assert "The café on the corner" in clean(html.encode("iso-8859-1")).body
    as_utf8 = clean(html.encode("utf-8"))
    assert "The café on the corner" in as_utf8.body
    assert any("valid UTF-8" in e["message"] for e in as_utf8.errors), as_utf8.errors


def test_a_bad_page_is_a_result_with_errors_not_an_exception():
    for page, words in [(b"\x00\x01\x02 binary", "binary content"), ("  \n", "empty page")]:
        result = clean(page)
        assert not result.ok and result.raw_text is None
        assert [(e["stage"], words in e["message"]) for e in result.errors] == [("read", True)]
        assert result.body == "" and result.segments == []
    with pytest.raises(FileNotFoundError):
        clean(Path("no/such/page.html"))  # not a page at all: `scrapy clean` refuses it before cleaning too
    with pytest.raises(TypeError, match="a str, bytes or a path, not int"):
        clean(42)  # type: ignore[arg-type]


def test_the_result_shows_what_each_segment_claimed():
    result = clean(TEXT)
    assert result.ok and result.source == "Reuters"
    assert result.by_label() == {
        "body": ["Police closed the road on Monday."],
        "source": ["source: Reuters"],
        "boilerplate": ["© 2021 Example News. All rights reserved."],
    }
    assert result.texts("source") == ["source: Reuters"]
    [source] = [s for s in result.segments if s["label"] == "source"]
    assert result.text_of(source) == TEXT[source["start"] : source["end"]]


def test_cleaners_as_a_dict_over_the_default_chain_or_a_list_alone():
    assert clean(TEXT, cleaners={"cleaners.builtin.SourceCleaner": None}).source is None
    by_name = clean(TEXT, cleaners={"copyright": 100, "cleaners.builtin.CopyrightCleaner": None})
    assert [s["cleaner"] for s in by_name.segments if s["label"] == "boilerplate"] == ["copyright"]
    alone = clean(TEXT, cleaners=[CopyrightCleaner()])
    assert alone.by_label() == {
        "body": ["Police closed the road on Monday.\nsource: Reuters"],
        "boilerplate": ["© 2021 Example News. All rights reserved."],
    }
    # Order is the list's order: the source cleaner runs alone after copyright and still finds its line.
    assert clean(TEXT, cleaners=[CopyrightCleaner(), SourceCleaner()]).source == "Reuters"


class ShoutCleaner(Cleaner):
    label = "shout"
    new_labels = {"shout": "lines in capitals"}
    domains = ("example.com",)

    def find(self, page: Page) -> Iterator[Span]:
        for line in page.lines():
            if line.text.isupper():
                yield self.span(line.start, line.end, "shout.caps")


class TypoCleaner(ShoutCleaner):
    label = "boilerplat"
    new_labels = {}


def test_url_scopes_a_cleaner_to_its_domains():
    text = "BREAKING NEWS\nThe road reopened later."
    assert clean(text, url="https://www.example.com/a", cleaners=[ShoutCleaner()]).texts("shout") == ["BREAKING NEWS"]
    assert clean(text, url="https://other.org/a", cleaners=[ShoutCleaner()]).texts("shout") == []
    assert clean(text, cleaners=[ShoutCleaner()]).texts("shout") == []


def test_bad_cleaners_raise_the_line_scrapy_clean_prints():
    with pytest.raises(ValueError, match=r"CLEANERS: 'nope\.Missing' is not importable"):
        clean(TEXT, cleaners={"nope.Missing": 10})
    with pytest.raises(ValueError, match=r"unknown label 'boilerplat'"):
        clean(TEXT, cleaners=[TypoCleaner()])
    with pytest.raises(TypeError, match=r"is not a Cleaner instance \(an instance is needed: add \(\)\)"):
        clean(TEXT, cleaners=[ShoutCleaner])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="not both"):
        Sieve({"copyright": 1}, settings={"CLEANERS": {}})


def test_settings_reach_the_chain_like_dash_s():
    sieve = Sieve(settings={"CLEANERS_DOMAINS": {"cleaners.builtin.SourceCleaner": ["example.com"]}})
    assert sieve.clean(TEXT).source is None
    assert sieve.clean(TEXT, url="https://example.com/news/1").source == "Reuters"


def test_importing_cleaners_does_not_import_the_scrapy_project():
    code = (
        "import sys, cleaners, cleaners.api, cleaners.testing, cleaners.pytest_plugin\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'crawler'))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
