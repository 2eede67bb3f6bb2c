"""``scrapy cleaners``: what is installed against what runs, in order, after NotConfigured and None."""

from __future__ import annotations

import json

from scrapy.utils.conf import build_component_list

from tests.conftest import project_settings, run_scrapy

PLUGINS = "tests.cleaners.test_plugin_api"
BASE = project_settings().getwithbase("CLEANERS")


def enabled_rows(out: str) -> list[str]:
    """Dotted paths of the 'Enabled, in order' section, in printed order."""
    section = out.split("Enabled, in order", 1)[1].split("chain fingerprint", 1)[0]
    return [line.split()[1] for line in section.splitlines()[1:] if line.strip()]


def installed_states(out: str) -> dict[str, str]:
    section = out.split("Installed (", 1)[1]
    rows = {}
    for line in section.splitlines()[1:]:
        if line.strip():
            path, _, state = line.strip().partition("  ")
            rows[path] = state.strip("() ")
    return rows


def test_default_chain_lists_the_builtins_in_order_and_once_each():
    proc = run_scrapy("cleaners", timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    builtins = build_component_list(BASE)
    assert "cleaners.builtin.CopyrightCleaner" in builtins
    assert enabled_rows(out) == builtins
    # The entry points name the same classes by module path: listed once, under the settings key.
    states = installed_states(out)
    assert {p: states[p] for p in builtins} == dict.fromkeys(builtins, "enabled")
    assert not [p for p in states if p.startswith("cleaners.builtin.") and p not in builtins]


def test_reordered_disabled_and_not_configured_cleaners_line_up():
    cleaners = {
        f"{PLUGINS}.NeedsSettingCleaner": 1,  # raises NotConfigured: must not shift the rows below
        f"{PLUGINS}.ShoutCleaner": 150,
        "cleaners.builtin.SourceCleaner": None,
        "cleaners.builtin.CopyrightCleaner": 9000,
    }
    proc = run_scrapy("cleaners", "-s", f"CLEANERS={json.dumps(cleaners)}", timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()
    out = proc.stdout.decode()
    expected = [p for p in build_component_list({**BASE, **cleaners}) if p != f"{PLUGINS}.NeedsSettingCleaner"]
    assert enabled_rows(out) == expected
    assert expected[-1] == "cleaners.builtin.CopyrightCleaner"
    assert f"{PLUGINS}.ShoutCleaner" in expected
    assert "cleaners.builtin.SourceCleaner" not in expected
    section = out.split("Enabled, in order", 1)[1]
    assert f"150  {PLUGINS}.ShoutCleaner  [shout]" in section
    assert "9000  cleaners.builtin.CopyrightCleaner  [boilerplate]" in section
    states = installed_states(out)
    assert states[f"{PLUGINS}.NeedsSettingCleaner"].startswith("disabled: raised NotConfigured")
    assert states["cleaners.builtin.SourceCleaner"] == "disabled: None in CLEANERS"
    assert states[f"{PLUGINS}.ShoutCleaner"] == "enabled"


def test_a_bad_cleaners_setting_is_one_clear_line():
    proc = run_scrapy("cleaners", "-s", 'CLEANERS={"no.such.Cleaner": 10}', timeout=120)
    err = proc.stderr.decode()
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert "CLEANERS: 'no.such.Cleaner' is not importable" in err


def test_a_cleaner_enabled_by_its_entry_point_name_is_one_enabled_row(monkeypatch):
    from importlib.metadata import EntryPoint

    from crawler.commands import cleaners as command

    shout = EntryPoint(name="shout", value=f"{PLUGINS}:ShoutCleaner", group=command.ENTRY_POINT_GROUP)
    monkeypatch.setattr(command, "entry_points", lambda group: [shout] if group == command.ENTRY_POINT_GROUP else [])
    merged = {**BASE, "shout": 450}
    listed = build_component_list(merged)
    rows = dict(command.installed_cleaners(merged, listed, listed))
    assert rows["shout"] == "enabled"
    assert f"{PLUGINS}.ShoutCleaner" not in rows  # not listed a second time as "not in CLEANERS"


# -- --timing: each cleaner's time over pages --------------------------------------------------------------------------

SLOW = "tests.crawler.faulty_cleaners.SlowCleaner"


def timing_rows(out: str) -> list[tuple[str, float, float, float, int]]:
    """(cleaner, seconds, ms/page, share %, spans) per printed row, in printed order; the chain's total row last."""
    rows = []
    for line in out.splitlines()[2:]:
        seconds, per_page, share, spans, name = line.split(maxsplit=4)
        rows.append((name, float(seconds), float(per_page), float(share.rstrip("%")), int(spans)))
    return rows


def test_timing_lists_every_enabled_cleaner_with_numbers():
    proc = run_scrapy("cleaners", "--timing", timeout=300)  # default: fixtures/pages
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    from cleaners.document.files import expand_paths
    from tests.conftest import ROOT

    pages = len(expand_paths([str(ROOT / "fixtures" / "pages")]))
    assert out.startswith(f"Cleaner time over {pages} page(s)")
    *rows, total = timing_rows(out)
    assert sorted(name for name, *_ in rows) == sorted(build_component_list(BASE))
    assert [seconds for _, seconds, *_ in rows] == sorted((seconds for _, seconds, *_ in rows), reverse=True)
    assert all(min(seconds, per_page, share) >= 0 for _, seconds, per_page, share, _ in rows)
    assert total[0] == "(the chain)" and total[1] > 0 and total[3] == 100.0
    assert total[4] == sum(spans for *_, spans in rows) > 0
    spans = dict((name, spans) for name, *_, spans in rows)
    assert spans["cleaners.builtin.SourceCleaner"] > 0 and spans["cleaners.builtin.RelatedLinksCleaner"] > 0


def test_a_slow_plugin_comes_out_on_top():
    cleaners = json.dumps({SLOW: 1})
    proc = run_scrapy(
        "cleaners", "--timing", "fixtures/pages/arabstoday", "-s", f"CLEANERS={cleaners}",
        "-s", "SIEVE_TEST_SLOW_SECONDS=0.05", timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode()
    *rows, _ = timing_rows(proc.stdout.decode())
    assert rows[0][0] == SLOW
    assert {name for name, *_ in rows} == {SLOW, *build_component_list(BASE)}


def test_paths_without_timing_are_a_usage_error():
    proc = run_scrapy("cleaners", "fixtures/pages", timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.decode().splitlines() == [
        "scrapy cleaners: paths are for --timing (scrapy cleaners --timing fixtures/pages)"
    ]
