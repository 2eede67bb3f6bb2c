"""The plugin API as a third party uses it: enable, order, scope, switch off, and survive bad cleaners."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.conf import build_component_list

from cleaners.base import Cleaner
from cleaners.page import Page, Span
from tests.conftest import make_chain, project_settings, run_scrapy

HERE = __name__  # dotted module path of the cleaners below, for CLEANERS
#: The built-in chain in its configured order, whatever CLEANERS_BASE holds today.
BUILTINS = build_component_list(project_settings().getwithbase("CLEANERS"))


class ShoutCleaner(Cleaner):
    """Claims lines written in capitals, with a plugin label of its own."""

    label = "shout"
    new_labels = {"shout": "lines written in capitals"}

    def find(self, page: Page) -> Iterator[Span]:
        for line in page.lines():
            if len(line.text) > 3 and line.text.isupper():
                yield self.span(line.start, line.end, "all capitals")


class NeedsSettingCleaner(ShoutCleaner):
    """Switches itself off unless SHOUT_ON is set, as Scrapy components do."""

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("SHOUT_ON"):
            raise NotConfigured("SHOUT_ON is not set")
        return cls()


class BrokenCleaner(Cleaner):
    label = "broken"
    new_labels = {"broken": "never lands: the cleaner fails"}

    def find(self, page: Page) -> Iterator[Span]:
        yield self.span(0, 1, "claims the first character, then fails")
        raise RuntimeError("plugin bug")


class OverlapCleaner(Cleaner):
    label = "overlap"
    new_labels = {"overlap": "two claims on the same words"}

    def find(self, page: Page) -> Iterator[Span]:
        m = re.search(r"\S+ \S+", page.text)
        if m:
            yield self.span(m.start(), m.end(), "two words")
            yield self.span(m.start() + 1, m.end(), "the same words again")


TEXT = (
    "Police closed the road on Monday.\nBREAKING NEWS\nThe road reopened later.\n"
    "source: Reuters\n© 2021 Example News. All rights reserved."
)


def labels(result) -> list[str]:
    return [s.label for s in result.segments()]


def test_custom_cleaner_runs_in_its_order_with_its_own_label():
    chain = make_chain(CLEANERS={f"{HERE}.ShoutCleaner": 1})
    assert chain.paths == [f"{HERE}.ShoutCleaner", *BUILTINS]
    assert type(chain.cleaners[0]) is ShoutCleaner
    result = chain.run(Page(TEXT))
    shout = [s for s in result.spans if s.label == "shout"]
    assert [TEXT[s.start : s.end] for s in shout] == ["BREAKING NEWS"]
    assert shout[0].cleaner == f"{HERE}.ShoutCleaner"  # a cleaner is known by the path it was configured under
    assert result.to_dict()["body"] == "Police closed the road on Monday.\nThe road reopened later."


def test_none_disables_a_builtin_and_order_numbers_reorder():
    chain = make_chain(CLEANERS={"cleaners.builtin.SourceCleaner": None, "cleaners.builtin.CopyrightCleaner": 9000})
    rest = [p for p in BUILTINS if p not in ("cleaners.builtin.SourceCleaner", "cleaners.builtin.CopyrightCleaner")]
    assert chain.paths == [*rest, "cleaners.builtin.CopyrightCleaner"]
    got = chain.run(Page(TEXT)).to_dict()
    assert got["source"] is None
    assert "source: Reuters" in got["body"]


def test_not_configured_switches_one_cleaner_off_and_keeps_paths_aligned():
    off = make_chain(CLEANERS={f"{HERE}.NeedsSettingCleaner": 1})
    assert f"{HERE}.NeedsSettingCleaner" not in off.paths
    assert off.paths == BUILTINS
    assert all(type(c).__name__ in p for p, c in zip(off.paths, off.cleaners, strict=True))
    on = make_chain(CLEANERS={f"{HERE}.NeedsSettingCleaner": 1}, SHOUT_ON=True)
    assert on.paths[0] == f"{HERE}.NeedsSettingCleaner"
    assert "shout" in labels(on.run(Page(TEXT)))


def test_cleaners_domains_scopes_a_cleaner_to_some_sites():
    chain = make_chain(CLEANERS={f"{HERE}.ShoutCleaner": 1}, CLEANERS_DOMAINS={f"{HERE}.ShoutCleaner": ["example.com"]})
    assert "shout" in labels(chain.run(Page(TEXT, domain="www.example.com")))
    assert "shout" not in labels(chain.run(Page(TEXT, domain="other.org")))
    assert "shout" not in labels(chain.run(Page(TEXT)))  # no domain: a scoped cleaner does not run


def test_a_raising_cleaner_is_recorded_and_the_others_keep_their_spans():
    chain = make_chain(CLEANERS={f"{HERE}.BrokenCleaner": 1})
    got = chain.run(Page(TEXT)).to_dict()
    [error] = got["errors"]
    assert (error["stage"], error["cleaner"]) == ("clean", f"{HERE}.BrokenCleaner")
    # The message says where the plugin failed, so its author can look there.
    assert re.fullmatch(r"RuntimeError: plugin bug \(at .*test_plugin_api\.py:\d+\)", error["message"])
    assert "broken" not in [s["label"] for s in got["segments"]]  # a failed cleaner's partial output is dropped
    assert got["source"] == "Reuters"
    assert got["boilerplate"] == ["© 2021 Example News. All rights reserved."]


def test_overlapping_spans_from_one_cleaner_give_an_error_and_keep_the_first():
    chain = make_chain(CLEANERS={f"{HERE}.OverlapCleaner": 1})
    got = chain.run(Page(TEXT)).to_dict()
    overlap = [s for s in got["segments"] if s["label"] == "overlap"]
    assert [(s["start"], s["end"]) for s in overlap] == [(0, len("Police closed"))]
    assert len(got["errors"]) == 1
    assert got["errors"][0]["cleaner"] == f"{HERE}.OverlapCleaner"
    assert "overlaps" in got["errors"][0]["message"]


def test_a_cleaner_that_is_not_importable_is_a_clear_error():
    with pytest.raises(ValueError, match="CLEANERS: 'no.such.Cleaner' is not importable"):
        make_chain(CLEANERS={"no.such.Cleaner": 10})


def test_scrapy_clean_loads_a_custom_cleaner_from_the_command_line(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(TEXT, encoding="utf-8")
    cleaners = json.dumps({f"{HERE}.ShoutCleaner": 1, "cleaners.builtin.SourceCleaner": None})
    proc = run_scrapy("clean", "-s", f"CLEANERS={cleaners}", str(page), timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    got = json.loads(proc.stdout)
    assert [s["label"] for s in got["segments"]] == ["body", "shout", "body", "boilerplate"]
    assert got["source"] is None


class UnlabelledCleaner(Cleaner):
    def find(self, page: Page) -> Iterator[Span]:
        yield from ()


class TypoCleaner(ShoutCleaner):
    label = "boilerplat"  # a misspelling must not become a new label and cut text from the body
    new_labels = {}


class UndeclaredSpanCleaner(ShoutCleaner):
    def find(self, page: Page) -> Iterator[Span]:
        yield Span(0, 6, "invented", "a label nobody declared")


def test_a_cleaner_without_a_label_or_with_an_unknown_one_is_refused_at_start():
    with pytest.raises(ValueError, match=r"UnlabelledCleaner' has no label"):
        make_chain(CLEANERS={f"{HERE}.UnlabelledCleaner": 1})
    with pytest.raises(ValueError, match=r"unknown label 'boilerplat' .*declare it in `new_labels`"):
        make_chain(CLEANERS={f"{HERE}.TypoCleaner": 1})


def test_a_span_with_an_undeclared_label_is_dropped_with_an_error():
    chain = make_chain(CLEANERS={f"{HERE}.UndeclaredSpanCleaner": 1})
    got = chain.run(Page(TEXT)).to_dict()
    assert "invented" not in [s["label"] for s in got["segments"]]
    assert [e["message"] for e in got["errors"]] == ["span label 'invented' is not declared by the cleaner; dropped"]


def test_an_entry_point_name_stands_for_its_dotted_path_in_cleaners():
    # "copyright" is the entry point Sieve itself lists in the sieve.cleaners group.
    chain = make_chain(CLEANERS={"copyright": 100, "cleaners.builtin.CopyrightCleaner": None})
    assert "copyright" in chain.paths and "cleaners.builtin.CopyrightCleaner" not in chain.paths
    got = chain.run(Page(TEXT)).to_dict()
    assert got["boilerplate"] == ["© 2021 Example News. All rights reserved."]
    assert [s["cleaner"] for s in got["segments"] if s["label"] == "boilerplate"] == ["copyright"]
    with pytest.raises(ValueError, match=r"'nosuchplugin' is not importable \(and no entry point 'nosuchplugin'"):
        make_chain(CLEANERS={"nosuchplugin": 100})
