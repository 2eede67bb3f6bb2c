"""Output files by extension: CSV whose nested fields are JSON, for ``scrapy crawl -O x.csv`` and ``scrapy clean -o``.

A record's lists and dicts (``segments``, ``errors``, ``related_links``,
``boilerplate``) have no CSV form. Scrapy's CSV exporter joins a list of
strings with commas and writes the Python ``repr`` of anything else, so the
file cannot be read back; here each such cell is one JSON string
(``json.loads`` gives the value back). ``FEED_EXPORTERS`` registers the
exporter for crawls; ``scrapy clean`` writes through :func:`open_writer`, which
uses the same exporter for ``.csv``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from io import BytesIO
from pathlib import Path
from typing import IO, Any, Protocol, cast

from scrapy.exporters import CsvItemExporter as ScrapyCsvItemExporter

#: ``scrapy clean -o`` formats by file extension; a name without an extension (``/dev/stdout``) is JSON Lines.
JSON_LINES = (".jsonl", ".jl", ".jsonlines", ".ndjson", "")
FORMATS = "use .jsonl (JSON Lines, also .jl, .ndjson or no extension), .json (one JSON array) or .csv"


class CsvItemExporter(ScrapyCsvItemExporter):
    """Scrapy's CSV exporter, with every list or dict written as one JSON string."""

    def serialize_field(self, field: Mapping[str, Any], name: str, value: Any) -> Any:
        if "serializer" in field:
            return field["serializer"](value)
        if isinstance(value, (list, tuple, dict)):
            return json.dumps(value, ensure_ascii=False)
        return value


class RecordWriter(Protocol):
    def write(self, record: Mapping[str, Any]) -> None: ...

    def close(self) -> None: ...


class JsonLinesWriter:
    """One JSON object a line, flushed after each, so a reader (or an interrupted run) has every finished page."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, record: Mapping[str, Any]) -> None:
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.out.flush()

    def close(self) -> None:
        if self.out is not sys.stdout:
            self.out.close()


class JsonArrayWriter(JsonLinesWriter):
    """One JSON array, one record a line; :meth:`close` ends it, also after Ctrl-C, so the file stays valid JSON."""

    def __init__(self, out: IO[str]) -> None:
        super().__init__(out)
        self.first = True
        out.write("[")

    def write(self, record: Mapping[str, Any]) -> None:
        self.out.write(("\n" if self.first else ",\n") + json.dumps(record, ensure_ascii=False))
        self.out.flush()
        self.first = False

    def close(self) -> None:
        try:
            self.out.write("\n]\n")
        finally:
            super().close()


class CsvWriter:
    """:class:`CsvItemExporter` over a file: a header line of ``fields``, then one row a record."""

    def __init__(self, out: IO[bytes], fields: Sequence[str]) -> None:
        self.out = out
        # Scrapy annotates the file as BytesIO; any binary file works (its feed storages pass real files).
        self.exporter = CsvItemExporter(cast(BytesIO, out), fields_to_export=list(fields), encoding="utf-8")
        self.exporter.start_exporting()

    def write(self, record: Mapping[str, Any]) -> None:
        self.exporter.export_item(dict(record))
        self.out.flush()

    def close(self) -> None:
        try:
            self.exporter.finish_exporting()
        finally:
            self.out.close()


def output_format(path: str) -> str:
    """``jsonl``, ``json`` or ``csv`` for an output file name; ``ValueError`` says which names work."""
    suffix = Path(path).suffix.lower()
    if suffix in JSON_LINES:
        return "jsonl"
    if suffix in (".json", ".csv"):
        return suffix[1:]
    raise ValueError(f"-o {path}: cannot write {suffix!r} files; {FORMATS}")


def open_writer(path: str | None, fields: Sequence[str]) -> RecordWriter:
    """A writer for ``path`` by its extension (stdout: JSON Lines); ``OSError`` if it cannot be created.

    Call :func:`output_format` first to refuse an unknown extension before any work is done.
    """
    if path is None:
        return JsonLinesWriter(sys.stdout)
    kind = output_format(path)
    if kind == "csv":
        return CsvWriter(open(path, "wb"), fields)  # closed by the writer
    out = open(path, "w", encoding="utf-8")  # closed by the writer
    return JsonArrayWriter(out) if kind == "json" else JsonLinesWriter(out)
