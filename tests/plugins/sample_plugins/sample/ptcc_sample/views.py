from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask import Blueprint, Response, render_template

from ptcc.extensions import db
from ptcc.plugins.settings import plugin_setting
from ptcc_sample import t
from ptcc_sample.models import SampleNote

bp = Blueprint("sample", __name__, url_prefix="/sample")
t.install(bp)


@bp.route("/")
def index():
    notes = db.session.scalars(sa.select(SampleNote).order_by(SampleNote.id)
                               .limit(plugin_setting("sample", "per_page"))).all()
    return render_template("sample/index.html", notes=notes, greeting=plugin_setting("sample", "greeting"))


@bp.route("/notes.csv")
def notes_csv():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "title"])
    for note in db.session.scalars(sa.select(SampleNote).order_by(SampleNote.id)):
        writer.writerow([note.id, note.title])
    return Response(out.getvalue(), mimetype="text/csv")
