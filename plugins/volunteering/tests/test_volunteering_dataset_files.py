"""The open datasets are written once per data version and then sent as files
(ptcc.web.datasets): a change shows at the next request, a territory never gets another's
file, and a file that cannot be written leaves the dataset streamed."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest
from werkzeug.http import parse_options_header

CSV = "/missions/open-data/missions.csv"
JSON = "/missions/open-data/missions.json"


def titles(response) -> set[str]:
    return {row["title"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}


def files_of(app, slug: str) -> list[Path]:
    """The datasets' files (their gzip copies left out)."""
    folder = Path(app.config["PTCC_INSTANCE_PATH"]) / "datasets" / slug
    return sorted(path for path in folder.iterdir() if path.suffix != ".gz") if folder.exists() else []


def compressed_files_of(app, slug: str) -> list[Path]:
    folder = Path(app.config["PTCC_INSTANCE_PATH"]) / "datasets" / slug
    return sorted(folder.glob("*.gz")) if folder.exists() else []


def test_one_file_per_dataset_replaced_when_the_data_changes(app, cast, alpha, make_mission):
    first = alpha.get(CSV)
    assert titles(first) == {"Distribution alimentaire"}
    disposition, options = parse_options_header(first.headers["Content-Disposition"])
    assert (disposition, options["filename"]) == ("attachment", "missions-benevoles.csv")
    assert first.mimetype == "text/csv" and first.headers.get("ETag")
    written = files_of(app, "alpha")
    assert [path.name.split(".")[:2] for path in written] == [["missions", "csv"]]

    assert alpha.get(CSV, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    make_mission("alpha", cast["organisation"], title="Atelier vélo")
    assert titles(alpha.get(CSV)) == {"Distribution alimentaire", "Atelier vélo"}
    replaced = files_of(app, "alpha")
    assert len(replaced) == 1 and replaced != written  # the old version was removed
    assert [path.name for path in compressed_files_of(app, "alpha")] == [replaced[0].name + ".gz"]


@pytest.mark.parametrize("path", [CSV, JSON])
def test_a_client_that_accepts_gzip_gets_the_compressed_copy(app, cast, alpha, path):
    plain = alpha.get(path)
    packed = alpha.get(path, headers={"Accept-Encoding": "gzip, deflate"})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == "gzip" and packed.mimetype == plain.mimetype
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    for response in (plain, packed):
        assert "Accept-Encoding" in response.headers["Vary"]
    assert packed.headers["ETag"] != plain.headers["ETag"]  # one validator per encoding
    again = alpha.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    refused = alpha.get(path, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert refused.headers.get("Content-Encoding") is None and refused.get_data() == plain.get_data()


def test_without_its_gzip_copy_a_dataset_is_sent_plain(app, cast, alpha, monkeypatch):
    from ptcc.web import datasets

    def no_compression(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(datasets.gzip, "GzipFile", no_compression)
    response = alpha.get(CSV, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers.get("Content-Encoding") is None
    assert titles(response) == {"Distribution alimentaire"}
    assert len(files_of(app, "alpha")) == 1 and compressed_files_of(app, "alpha") == []


def test_each_territory_has_its_own_files(app, cast, alpha, beta, make_organisation, make_mission):
    other = make_organisation("beta", name="Beta Asso")
    make_mission("beta", other, title="Mission de beta")
    assert titles(alpha.get(CSV)) == {"Distribution alimentaire"}
    assert titles(beta.get(CSV)) == {"Mission de beta"}
    assert {m["title"] for m in beta.get(JSON).get_json()["missions"]} == {"Mission de beta"}
    assert len(files_of(app, "alpha")) == 1 and len(files_of(app, "beta")) == 2


def test_a_dataset_that_cannot_be_written_is_streamed(app, cast, alpha, monkeypatch):
    from ptcc.web import datasets

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(datasets.tempfile, "mkstemp", full_disk)
    response = alpha.get(CSV)
    assert response.status_code == 200 and response.is_streamed
    assert titles(response) == {"Distribution alimentaire"}
    assert files_of(app, "alpha") == []


@pytest.mark.parametrize("path", [CSV, JSON])
def test_a_failure_while_writing_leaves_no_partial_file(app, cast, alpha, monkeypatch, path):
    from ptcc_volunteering import exports

    def broken(*_args, **_kwargs):
        yield "half a "
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(exports, "missions_csv" if path == CSV else "missions_json", broken)
    response = alpha.get(path)
    assert response.status_code == 200 and response.is_streamed  # then streamed: it fails the same way
    with pytest.raises(OSError):
        response.get_data()
    assert files_of(app, "alpha") == []
