"""CSV for open datasets: cells a spreadsheet will not run as formulas, written in chunks."""

from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator, Sequence

#: A spreadsheet would run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Rows written per chunk of a streamed dataset.
CHUNK_ROWS = 200


def spreadsheet_cell(value) -> str:
    """A record's value as CSV text: lists joined, None empty, a would-be formula quoted."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(value)
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_chunks(fields: Sequence[str], records: Iterable[dict]) -> Iterator[str]:
    """The header, then the records' ``fields``, in chunks of ``CHUNK_ROWS`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for n, record in enumerate(records, 1):
        writer.writerow([spreadsheet_cell(record[name]) for name in fields])
        if n % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
