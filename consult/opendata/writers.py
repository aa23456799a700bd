"""Streamed writers: a table as CSV, the whole record as JSON, all of it as a Data Package ZIP."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from consult.db import utcnow
from consult.drafts.models import Version
from consult.opendata.records import TABLES, TABLES_BY_NAME, Table, rows

CHUNK_ROWS = 500
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_chunks(version: Version, table: str) -> Iterator[str]:
    """A header line, then the rows in chunks (text is kept as written: no formula escaping,
    this is data for programs; the disposition report's CSV is the one for spreadsheets)."""
    spec = TABLES_BY_NAME[table]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spec.columns)
    for count, row in enumerate(rows(version, table), start=1):
        writer.writerow([_cell(v) for v in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
    yield buffer.getvalue()


def describe(version: Version) -> dict[str, Any]:
    document = version.document
    return {
        "document": {
            "slug": document.slug,
            "title": document.title,
            "group": document.group.slug,
        },
        "version": {
            "number": version.number,
            "status": version.status,
            "published_at": _cell(version.published_at),
            "opens_at": _cell(version.opens_at),
            "closes_at": _cell(version.closes_at),
        },
    }


def json_chunks(version: Version) -> Iterator[str]:
    """The whole record as one JSON object, each table a list of objects, streamed."""
    head = describe(version)
    head["generated_at"] = utcnow().isoformat()
    yield json.dumps(head, ensure_ascii=False)[:-1]
    for table in TABLES:
        yield f', "{table.name}": ['
        separator = ""
        batch: list[str] = []
        for row in rows(version, table.name):
            record = {name: _json(value) for name, value in zip(table.columns, row, strict=True)}
            batch.append(separator + json.dumps(record, ensure_ascii=False))
            separator = ","
            if len(batch) >= CHUNK_ROWS:
                yield "".join(batch)
                batch = []
        yield "".join(batch) + "]"
    yield "}\n"


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def base_name(version: Version) -> str:
    return f"{version.document.slug}-v{version.number}"


def datapackage(version: Version) -> dict[str, Any]:
    """The Frictionless Data Package descriptor of the ZIP's CSV files."""
    document = version.document
    return {
        "profile": "tabular-data-package",
        "name": f"{base_name(version)}-record".lower(),
        "title": f"{document.title}, version {version.number}: the public consultation record",
        "description": (
            "Provisions, public comments, endorsements, dispositions and the changes they "
            "motivated. Confidential and hidden comments are not included."
        ),
        "created": utcnow().isoformat(),
        "licenses": [LICENSE],
        "resources": [_resource(table) for table in TABLES],
    }


def _resource(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [
            {"name": f.name, "type": f.type, "description": f.description} for f in table.fields
        ],
        "primaryKey": list(table.primary_key),
        "missingValues": [""],
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": field, "reference": {"resource": resource, "fields": target}}
            for field, resource, target in table.foreign_keys
        ]
    return {
        "name": table.name,
        "title": table.title,
        "path": f"{table.name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


class _Sink(io.RawIOBase):
    """An unseekable file that hands over what was written (zipfile then streams)."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_chunks(version: Version) -> Iterator[bytes]:
    """A ZIP of datapackage.json, record.json and one CSV per table, written as it is read."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        descriptor = json.dumps(datapackage(version), indent=2, ensure_ascii=False)
        archive.writestr("datapackage.json", descriptor)
        yield sink.take()
        for table in TABLES:
            with archive.open(f"{table.name}.csv", "w", force_zip64=True) as member:
                for chunk in csv_chunks(version, table.name):
                    member.write(chunk.encode("utf-8"))
                    yield sink.take()
        with archive.open("record.json", "w", force_zip64=True) as member:
            for text in json_chunks(version):
                member.write(text.encode("utf-8"))
                yield sink.take()
    yield sink.take()
