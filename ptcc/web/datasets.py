"""Open datasets written once per data version, then served as files.

A dataset (every open mission as CSV or JSON) is the same for every visitor until the
territory's data changes, and portals that harvest open data fetch it again and again:
generating thousands of rows for each request kept a worker busy a quarter of a second.
The first request after a change writes the dataset to
``<instance>/datasets/<territory>/<name>.<version>`` (written aside, then renamed, so that no
reader ever sees half a file), a gzip copy beside it (``….gz``), and removes the previous
version; every later request is a file sent by the server, with ``ETag`` and ranges, and the
gzip copy to a client that accepts it (harvesters do: Python's requests asks for gzip by
default), about eight times smaller.

Without a data version (a database being emptied) or when the file cannot be written
(disk full, read-only instance), the dataset is streamed as before: nothing fails.
"""

from __future__ import annotations

import gzip
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import Response, current_app, request, send_file, stream_with_context

from ptcc.caching import data_version
from ptcc.tenancy import current_tenant

log = logging.getLogger(__name__)


def dataset_folder() -> Path:
    return Path(current_app.config["PTCC_INSTANCE_PATH"]) / "datasets" / current_tenant.slug


def _compressed(target: Path) -> Path:
    return target.with_name(target.name + ".gz")


def _write_aside(folder: Path, name: str, target: Path, write) -> None:
    """``write(binary file)`` into a temporary file of ``folder``, renamed to ``target`` once
    complete: a reader sees the whole file or none."""
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write(folder: Path, name: str, target: Path, chunks: Iterable[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)

    def text(out) -> None:
        for chunk in chunks:
            out.write(chunk.encode("utf-8"))

    def compressed(out) -> None:
        # mtime=0: the same data gives the same bytes, whichever worker wrote them.
        with open(target, "rb") as source, gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as packed:
            shutil.copyfileobj(source, packed)

    _write_aside(folder, name, target, text)
    try:
        _write_aside(folder, name, _compressed(target), compressed)
    except OSError as exc:  # the plain file is enough to answer
        log.warning("gzip copy of dataset %s of %s not written (%s)", name, current_tenant.slug, exc)
    kept = {target, _compressed(target)}
    for older in folder.glob(f"{name}.*"):
        if older not in kept:  # a worker still sending it keeps its open file
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
    packed = _compressed(target)
    send_packed = request.accept_encodings["gzip"] > 0 and packed.exists()
    # Each file has its own ETag: a strong validator differs between the two encodings.
    try:
        response = send_file(packed if send_packed else target, mimetype=mimetype, conditional=True,
                             etag=True, max_age=0, as_attachment=download_name is not None,
                             download_name=download_name)
    except FileNotFoundError:  # removed since by a worker that wrote a newer version
        return _streamed(chunks, mimetype, download_name)
    if send_packed:
        response.content_encoding = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def _streamed(chunks, mimetype: str, download_name: str | None) -> Response:
    response = Response(stream_with_context(chunks()), mimetype=mimetype)
    if download_name:
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response
