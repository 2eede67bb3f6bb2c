"""The README's promises: its example cleaner works, and CI runs its test command verbatim."""

from __future__ import annotations

import re
import sys
import types

from cleaners import CleanerChain, Page
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(lang: str = "") -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, re.S)


def test_readme_example_cleaner_claims_what_it_says():
    source = next(b for b in code_blocks("python") if "class NewsletterCleaner" in b)
    module = types.ModuleType("readme_example")
    exec(compile(source, "README.md", "exec"), module.__dict__)
    sys.modules["readme_example"] = module
    assert len(source.strip().splitlines()) <= 20, "the minimal cleaner should stay about 15 lines"
    text = "The council met on Monday.\nSign up for our daily newsletter here\nIt voted to close the road."
    result = CleanerChain([module.NewsletterCleaner()]).run(Page(text)).to_dict()
    assert [(s["label"], text[s["start"] : s["end"]]) for s in result["segments"]] == [
        ("body", "The council met on Monday."),
        ("promo", "Sign up for our daily newsletter here"),
        ("body", "It voted to close the road."),
    ]
    assert result["segments"][1]["cleaner"] == "readme_example.NewsletterCleaner"


def test_ci_runs_the_readme_test_command_verbatim():
    commands = [b.strip() for b in code_blocks() if b.strip().startswith("python3 -m venv")]
    assert len(commands) == 2, "the README starts with two set-up commands: the main job and the tests"
    main_job, tests = commands
    assert "scrapy crawl fixtures" in main_job
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()
