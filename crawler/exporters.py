"""Output files by extension: CSV whose nested fields are JSON, for ``scrapy crawl -O x.csv`` and ``scrapy clean -o``.

A record's lists and dicts (``segments``, ``errors``, ``related_links``,
``boilerplate``) have no CSV form. Scrapy's CSV exporter joins a list of
strings with commas and writes the Python ``repr`` of anything else, so the
file cannot be read back; here each such cell is one JSON string
(``json.loads`` gives the value back). ``FEED_EXPORTERS`` registers the
exporter for crawls; ``scrapy clean`` writes through :func:`open_writer`, which
uses the same exporter for ``.csv``.

A file named with ``-o`` is written to a temporary file in its folder and renamed
over the name when the writer is closed, so two runs onto one name never
interleave (the last to finish wins, whole) and a killed run leaves the previous
file as it was.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
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

    def discard(self) -> None: ...


class AtomicFile:
    """A file that appears under ``path`` only when :meth:`commit` renames it there, complete.

    Written as a hidden temporary file in ``path``'s folder (a rename across
    file systems is not atomic); a symlink's target is the file replaced. A
    path that exists and is not a regular file (``/dev/stdout``, a FIFO) is
    written directly: it cannot be renamed over, and it holds no earlier output.
    """

    def __init__(self, path: str, *, binary: bool) -> None:
        target = os.path.realpath(path)
        self.direct = os.path.exists(target) and not os.path.isfile(target)
        self.target, self.temp = target, None
        mode = "wb" if binary else "w"
        encoding = None if binary else "utf-8"
        if self.direct:
            self.file: IO[Any] = open(target, mode, encoding=encoding)  # noqa: SIM115 (closed by commit/discard)
            return
        folder, name = os.path.split(target)
        fd, self.temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder or ".")
        try:
            os.fchmod(fd, _new_file_mode(target))  # mkstemp's 0600 would make the output private
            self.file = os.fdopen(fd, mode, encoding=encoding)
        except BaseException:
            os.close(fd)
            os.unlink(self.temp)
            raise

    def commit(self) -> None:
        """Close and rename into place (``OSError`` if the data could not be written; the old file stays)."""
        if self.file.closed:
            return
        try:
            self.file.flush()
            if self.temp is not None:
                os.fsync(self.file.fileno())
        except BaseException:
            self.discard()
            raise
        self.file.close()
        if self.temp is not None:
            os.replace(self.temp, self.target)

    def discard(self) -> None:
        """Close and remove the temporary file: the name keeps what it had."""
        if not self.file.closed:
            try:
                self.file.close()
            except OSError:
                pass  # a write that failed may fail again on close; the file goes anyway
        if self.temp is not None and os.path.exists(self.temp):
            os.unlink(self.temp)


def _new_file_mode(target: str) -> int:
    """The mode a plain ``open(target, "w")`` would give: the old file's, else 0666 less the umask."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class JsonLinesWriter:
    """One JSON object a line, flushed after each, so a reader (or an interrupted run) has every finished page."""

    def __init__(self, out: IO[str], file: AtomicFile | None = None) -> None:
        self.out = out
        self.file = file

    def write(self, record: Mapping[str, Any]) -> None:
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.out.flush()

    def close(self) -> None:
        """Finish the output: a named file is renamed into place, complete."""
        if self.file is not None:
            self.file.commit()

    def discard(self) -> None:
        """Give the output up (writing it failed): a named file keeps what it had before the run."""
        if self.file is not None:
            self.file.discard()


class JsonArrayWriter(JsonLinesWriter):
    """One JSON array, one record a line; :meth:`close` ends it, also after Ctrl-C, so the file stays valid JSON."""

    def __init__(self, out: IO[str], file: AtomicFile | None = None) -> None:
        super().__init__(out, file)
        self.first = True
        out.write("[")

    def write(self, record: Mapping[str, Any]) -> None:
        self.out.write(("\n" if self.first else ",\n") + json.dumps(record, ensure_ascii=False))
        self.out.flush()
        self.first = False

    def close(self) -> None:
        if self.file is not None and self.file.file.closed:
            return
        try:
            self.out.write("\n]\n")
        except BaseException:
            self.discard()
            raise
        super().close()


class CsvWriter:
    """:class:`CsvItemExporter` over a file: a header line of ``fields``, then one row a record."""

    def __init__(self, out: IO[bytes], fields: Sequence[str], file: AtomicFile | None = None) -> None:
        self.out = out
        self.file = file
        # Scrapy annotates the file as BytesIO; any binary file works (its feed storages pass real files).
        self.exporter = CsvItemExporter(cast(BytesIO, out), fields_to_export=list(fields), encoding="utf-8")
        self.exporter.start_exporting()

    def write(self, record: Mapping[str, Any]) -> None:
        self.exporter.export_item(dict(record))
        self.out.flush()

    def close(self) -> None:
        if self.out.closed:
            return
        try:
            self.exporter.finish_exporting()
        except BaseException:
            self.discard()
            raise
        if self.file is not None:
            self.file.commit()
        else:
            self.out.close()

    def discard(self) -> None:
        if self.file is not None:
            self.file.discard()
        elif not self.out.closed:
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

    The file appears under ``path`` when the writer is closed (:class:`AtomicFile`);
    ``discard()`` instead leaves whatever ``path`` held. Call :func:`output_format`
    first to refuse an unknown extension before any work is done.
    """
    if path is None:
        return JsonLinesWriter(sys.stdout)
    kind = output_format(path)
    file = AtomicFile(path, binary=kind == "csv")  # committed or discarded by the writer
    if kind == "csv":
        return CsvWriter(file.file, fields, file)
    return JsonArrayWriter(file.file, file) if kind == "json" else JsonLinesWriter(file.file, file)
