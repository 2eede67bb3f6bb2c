"""The ``sieve`` console script works from any folder; the distribution's name and entry points are what plugins use."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import distribution, packages_distributions
from pathlib import Path

import pytest

from cleaners import clean
from tests.conftest import ROOT, SEED_TXT

PAGE = ROOT / "fixtures" / "pages" / "wire" / "reuters-markets-gold.html"
#: Sieve's distribution name: "sieve" on PyPI is an unrelated project, a plugin depending on it would get that.
DIST = "sieve-news"


def sieve_script() -> Path:
    script = Path(sys.executable).parent / ("sieve.exe" if os.name == "nt" else "sieve")
    if not script.exists():
        pytest.fail(f"no `sieve` script beside {sys.executable}: reinstall with `pip install -e '.[test]'`")
    return script


def run_sieve(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """The installed script, with no SCRAPY_SETTINGS_MODULE inherited: as a user's shell runs it."""
    base = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    return subprocess.run(
        [sieve_script(), *args], cwd=cwd, capture_output=True, timeout=120, env={**base, **(env or {})}
    )


def test_sieve_clean_works_in_an_empty_folder(tmp_path):
    (tmp_path / "page.html").write_bytes(PAGE.read_bytes())
    proc = run_sieve("clean", "page.html", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip() == json.dumps({"path": "page.html", **clean(PAGE).record}, ensure_ascii=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]  # nothing left behind


def test_sieve_keeps_the_error_policy_and_lists_sieves_commands(tmp_path):
    proc = run_sieve("clean", "nothere.txt", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == "scrapy clean: no such file or directory: nothere.txt"
    listing = run_sieve(cwd=tmp_path)
    assert listing.returncode == 0
    for command in ("clean", "cleaners", "evaluate", "fixtures", "reclean", "db"):
        assert f"\n  {command} " in listing.stdout.decode(), command


def test_a_scrapy_project_or_settings_module_named_by_the_user_wins(tmp_path):
    # Inside another Scrapy project, its settings are used, as `scrapy` would: it has no `clean` command.
    (tmp_path / "scrapy.cfg").write_text("[settings]\ndefault = other_project.settings\n", encoding="utf-8")
    (tmp_path / "other_project").mkdir()
    (tmp_path / "other_project" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "other_project" / "settings.py").write_text("BOT_NAME = 'other'\n", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    proc = run_sieve("clean", str(SEED_TXT), cwd=sub, env={"PYTHONPATH": str(tmp_path)})
    assert proc.returncode == 2 and "Unknown command: clean" in proc.stdout.decode()
    # The variable set explicitly wins over the scrapy.cfg, as it does for `scrapy`.
    proc = run_sieve("clean", str(SEED_TXT), cwd=sub, env={"SCRAPY_SETTINGS_MODULE": "crawler.settings"})
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["source"] == "Alarabiya"


def test_the_import_packages_come_from_the_renamed_distribution_with_its_entry_points():
    # Membership, not equality: a venv made before the rename may still hold the old "sieve" install beside it.
    owners = packages_distributions()
    assert [package for package in ("cleaners", "crawler", "storage") if DIST not in owners.get(package, [])] == []
    groups = {(ep.group, ep.name): ep.value for ep in distribution(DIST).entry_points}
    assert groups[("console_scripts", "sieve")] == "crawler.cli:main"
    assert groups[("pytest11", "sieve")] == "cleaners.pytest_plugin"
    assert groups[("sieve.cleaners", "copyright")] == "cleaners.builtin.copyright:CopyrightCleaner"


def test_the_example_plugin_depends_on_this_distribution():
    example = (ROOT / "examples" / "sieve-newsletter-cleaner" / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^dependencies = \["sieve-news>=[\d.]+"\]$', example, re.M)
    assert re.search(r'^name = "sieve-news"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
