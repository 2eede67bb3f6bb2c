"""``scrapy evaluate``: the scores of one page, the seed end to end, the quality gate and --compare."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cleaners.evaluation.scoring import expected_path, find_cases, score_record, site_style
from tests.conftest import SEED_GOLD, SEED_TXT, run_scrapy

BROKEN = '{"cleaners.builtin.RelatedLinksCleaner": null}'


@pytest.fixture
def seed_tree(tmp_path: Path) -> Path:
    """A fixtures-shaped copy of the seed: pages/<site-style>/<name>.txt + <name>.expected.json."""
    style = tmp_path / "pages" / "arabstoday"
    style.mkdir(parents=True)
    shutil.copy(SEED_TXT, style / SEED_TXT.name)
    shutil.copy(SEED_GOLD, style / SEED_GOLD.name)
    return tmp_path


def test_cases_pair_pages_with_expected_files_and_name_the_site_style(seed_tree: Path):
    (seed_tree / "pages" / "arabstoday" / "no-gold.txt").write_text("a page nobody annotated\n", encoding="utf-8")
    cases = list(find_cases([seed_tree]))
    assert [c.page.name for c in cases] == [SEED_TXT.name]
    assert cases[0].style == "arabstoday"
    assert expected_path(Path("x/y.html.gz")) == Path("x/y.expected.json")
    assert site_style(Path("/a/fixtures/pages/wire/p.html")) == "wire"
    assert site_style(Path("/a/elsewhere/p.html")) == "elsewhere"


def _record(**kw):
    base = {"body": "", "source": None, "related_links": [], "boilerplate": [], "segments": []}
    return {**base, **kw}


def test_score_record_on_a_small_hand_made_page():
    text = "One two three four. source: AP Copyright 2020"
    expected = _record(
        body="One two three four.",
        source="AP",
        related_links=[{"title": "A b", "published": "2020-01-01"}, {"title": "C d", "published": None}],
        boilerplate=["Copyright 2020"],
        segments=[{"label": "body", "start": 0, "end": 19}, {"label": "source", "start": 20, "end": 30}],
    )
    got = _record(
        body="One two three four. source: AP",  # 2 extra tokens: P 4/6, R 1
        source=None,
        related_links=[{"title": "A  b", "published": "2020-01-02"}],  # title matches after whitespace folding
        boilerplate=["Copyright 2020"],
        segments=[{"label": "body", "start": 0, "end": 30}],
    )
    s = score_record(expected, got, text)
    assert s["body_p"] == pytest.approx(4 / 6) and s["body_r"] == 1.0
    assert s["source"] == 0.0
    assert (s["related_p"], s["related_r"]) == (1.0, 0.5)
    assert s["published"] == 0.0  # the one matched title has another time
    assert s["boilerplate"] == 1.0
    # non-whitespace characters: 16 + 9 + 13 = 38; "source:" + "AP" (9) are body instead of source;
    # the unlabelled tail "Copyright 2020" is body in both
    assert s["labels"] == pytest.approx(29 / 38)


def test_seed_scores_1_and_passes_the_gate(seed_tree: Path):
    proc = run_scrapy("evaluate", str(seed_tree), "--min-f1", "0.98", "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    out = json.loads(proc.stdout)
    for key in ("body", "source", "related", "published", "boilerplate", "labels"):
        assert out["overall"][key] == 1.0, key
    assert list(out["site_styles"]) == ["arabstoday"]


def test_broken_chain_reports_the_drop_and_fails_the_gate(seed_tree: Path):
    proc = run_scrapy("evaluate", str(seed_tree), "--min-f1", "0.98", "-s", f"CLEANERS={BROKEN}")
    assert proc.returncode == 1
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert "related F1" in err and "Traceback" not in err
    row = next(line for line in out.splitlines() if line.startswith("ALL"))
    assert "0.000" in row  # related F1 of the broken chain


def test_compare_prints_the_change_per_label(seed_tree: Path):
    proc = run_scrapy("evaluate", str(seed_tree), "--compare", BROKEN)
    assert proc.returncode == 0, proc.stderr.decode()  # the gate is on the configured chain only
    lines = proc.stdout.decode().splitlines()
    related = next(line for line in lines if line.startswith("related F1") and "related" in line.split()[2:3])
    assert related.split()[-3:] == ["1.000", "0.000", "-1.000"]
    body = next(line for line in lines if line.startswith("body F1") and len(line.split()) == 6)
    assert float(body.split()[-1]) < 0


def test_bad_expected_file_is_a_one_line_error(seed_tree: Path):
    (seed_tree / "pages" / "arabstoday" / SEED_GOLD.name).write_text("{not json", encoding="utf-8")
    proc = run_scrapy("evaluate", str(seed_tree))
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert "not readable JSON" in err and "Traceback" not in err


def test_no_cases_is_a_usage_error(tmp_path: Path):
    (tmp_path / "page.txt").write_text("text without an expected file\n", encoding="utf-8")
    proc = run_scrapy("evaluate", str(tmp_path))
    assert proc.returncode != 0
    assert b"expected.json" in proc.stderr and b"Traceback" not in proc.stderr


def test_compare_also_takes_setting_overrides(seed_tree: Path):
    proc = run_scrapy("evaluate", str(seed_tree), "--json", "--compare", f"CLEANERS={BROKEN}")
    assert proc.returncode == 0, proc.stderr.decode()
    out = json.loads(proc.stdout)
    assert out["overall"]["related"] == 1.0
    assert out["compare"]["overall"]["related"] == 0.0
