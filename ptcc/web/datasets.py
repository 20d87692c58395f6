"""Open datasets written once per data version, then served as files.

A dataset (every open mission as CSV or JSON) is the same for every visitor until the
territory's data changes, and portals that harvest open data fetch it again and again:
generating thousands of rows for each request kept a worker busy a quarter of a second.
The first request after a change writes the dataset to
``<instance>/datasets/<territory>/<name>.<version>`` (written aside, then renamed, so that no
reader ever sees half a file) and removes the previous version; every later request is a
file sent by the server, with ``ETag`` and ranges.

Without a data version (a database being emptied) or when the file cannot be written
(disk full, read-only instance), the dataset is streamed as before: nothing fails.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import Response, current_app, send_file, stream_with_context

from ptcc.caching import data_version
from ptcc.tenancy import current_tenant

log = logging.getLogger(__name__)


def dataset_folder() -> Path:
    return Path(current_app.config["PTCC_INSTANCE_PATH"]) / "datasets" / current_tenant.slug


def _write(folder: Path, name: str, target: Path, chunks: Iterable[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for older in folder.glob(f"{name}.*"):
        if older != target:  # a worker still sending it keeps its open file
            older.unlink(missing_ok=True)


def kept_dataset(name: str, mimetype: str, chunks: Callable[[], Iterable[str]],
                 download_name: str | None = None) -> Response:
    """The dataset ``name`` of the current territory: ``chunks()`` yields its text, and is
    called only when the current data version has no file yet."""
    version = data_version()
    if version is None:
        return _streamed(chunks, mimetype, download_name)
    folder = dataset_folder()
    target = folder / f"{name}.{version:x}"
    if not target.exists():
        try:
            _write(folder, name, target, chunks())
        except OSError as exc:
            log.warning("dataset %s of %s not written (%s): streamed instead", name, current_tenant.slug, exc)
            return _streamed(chunks, mimetype, download_name)
    response = send_file(target, mimetype=mimetype, conditional=True, etag=True, max_age=0,
                         as_attachment=download_name is not None, download_name=download_name)
    return response


def _streamed(chunks, mimetype: str, download_name: str | None) -> Response:
    response = Response(stream_with_context(chunks()), mimetype=mimetype)
    if download_name:
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response
