"""Output files honour their extension: CSV with nested fields as JSON, a JSON array for .json, JSON Lines otherwise."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from cleaners.record import FIELDS
from crawler.exporters import CsvItemExporter, output_format
from tests.conftest import ROOT, run_scrapy

TIMEOUT = 300
#: Pages with related links, boilerplate, sources and both .txt and .html: every nested field has values.
PAGES = ROOT / "fixtures" / "pages" / "arabstoday"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_same(row: dict[str, str], record: dict[str, Any]) -> None:
    """A CSV row holds the record: nested values as JSON, None as an empty cell, text as itself."""
    assert list(row) == list(record)
    for name, value in record.items():
        if isinstance(value, (list, dict)):
            assert json.loads(row[name]) == value, name
        elif value is None:
            assert row[name] == "", name
        else:
            assert row[name] == str(value), name


def test_scrapy_clean_csv_holds_the_json_lines_records(tmp_path):
    jsonl, table = tmp_path / "out.jsonl", tmp_path / "out.csv"
    for out in (jsonl, table):
        proc = run_scrapy("clean", str(PAGES), "-o", str(out), timeout=TIMEOUT)
        assert proc.returncode == 0, proc.stderr.decode()
    records, rows = read_jsonl(jsonl), read_csv(table)
    assert len(rows) == len(records) > 1
    assert list(rows[0]) == ["path", *FIELDS]
    assert any(r["related_links"] for r in records) and any(r["boilerplate"] for r in records)
    for row, record in zip(rows, records, strict=True):
        assert_same(row, record)


def test_scrapy_clean_explain_csv_adds_the_raw_text_column(tmp_path):
    page = PAGES / "arabstoday-qalamoun.txt"
    proc = run_scrapy("clean", "--explain", str(page), "-o", str(tmp_path / "out.csv"), timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    (row,) = read_csv(tmp_path / "out.csv")
    assert row["raw_text"] == page.read_text(encoding="utf-8")
    assert all(seg["text"] == row["raw_text"][seg["start"] : seg["end"]] for seg in json.loads(row["segments"]))


def test_scrapy_clean_json_is_one_array_of_the_same_records(tmp_path):
    for name in ("out.jsonl", "out.json"):
        proc = run_scrapy("clean", str(PAGES), "-o", str(tmp_path / name), timeout=TIMEOUT)
        assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == read_jsonl(tmp_path / "out.jsonl")


def test_a_crawl_exports_csv_with_the_values_of_its_json_lines_export(tmp_path):
    jsonl, table = tmp_path / "out.jsonl", tmp_path / "out.csv"
    proc = run_scrapy(
        "crawl", "fixtures", "-a", f"path={PAGES}", "-O", str(jsonl), "-O", str(table),
        "-s", f"DATABASE_URL=sqlite:///{tmp_path}/sieve.db", "-s", f"SIEVE_SPOOL_DIR={tmp_path}/spool",
        timeout=TIMEOUT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    records = {r["url"]: r for r in read_jsonl(jsonl)}
    rows = {r["url"]: r for r in read_csv(table)}
    assert rows.keys() == records.keys() and len(rows) > 1
    for url, record in records.items():
        assert_same(rows[url], record)


def test_the_exporter_writes_lists_and_dicts_as_json_and_keeps_a_fields_serializer():
    out = io.BytesIO()
    exporter = CsvItemExporter(out, fields_to_export=["a", "b", "c", "d"])
    exporter.start_exporting()
    exporter.export_item({"a": ["x, y", 'say "hi"'], "b": {"k": [1, None]}, "c": None, "d": "plain, text"})
    exporter.finish_exporting()
    (row,) = csv.DictReader(io.StringIO(out.getvalue().decode("utf-8")))
    assert json.loads(row["a"]) == ["x, y", 'say "hi"']
    assert json.loads(row["b"]) == {"k": [1, None]}
    assert row["c"] == "" and row["d"] == "plain, text"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("out.jsonl", "jsonl"), ("x.JL", "jsonl"), ("x.ndjson", "jsonl"), ("/dev/stdout", "jsonl"), ("x.json", "json"),
     ("x.csv", "csv"), ("x.CSV", "csv")],
)  # fmt: skip
def test_formats_by_extension(name, kind):
    assert output_format(name) == kind


@pytest.mark.parametrize("name", ["x.parquet", "x.xml", "x.txt", "x.tsv"])
def test_other_extensions_are_refused(name):
    with pytest.raises(ValueError, match=r"cannot write '\.\w+' files; use \.jsonl"):
        output_format(name)
