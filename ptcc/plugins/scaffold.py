"""``ptcc plugin new NAME``: a working plugin package with one page, one model, one
migration in its own branch, one French translation and one test."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from pathlib import Path
from string import Template

from ptcc.plugins.manager import NAME_RE

PYPROJECT = '''[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "ptcc-$dist"
version = "0.1.0"
description = "PTCC plugin: $title"
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["ptcc"]

[project.entry-points."ptcc.plugins"]
$name = "ptcc_$name"

[tool.setuptools.packages.find]
include = ["ptcc_$name*"]

[tool.setuptools.package-data]
ptcc_$name = ["templates/**/*", "migrations/versions/*.py", "translations/*/LC_MESSAGES/*.po",
              "translations/*/LC_MESSAGES/*.mo"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
'''

README = '''# ptcc-$dist

A PTCC plugin. Its page is `/$url/`, its table `${name}_items`.

    pip install -e .                       # or keep it under PTCC_PLUGINS_PATH
    ptcc db upgrade                        # creates ${name}_items in every territory
    # enable it: plugins = ["$name"] in tenants/<slug>/tenant.toml, or on the settings page
    pytest                                 # its tests, with PTCC's published fixtures
    ptcc db revision -m "…" --plugin $name # after changing models.py

Translations (domain `$name`):

    pybabel extract -k _l -F babel.cfg -o ptcc_$name/translations/$name.pot ptcc_$name
    pybabel update -D $name -i ptcc_$name/translations/$name.pot -d ptcc_$name/translations
    pybabel compile -D $name -d ptcc_$name/translations
'''

BABEL_CFG = '''[python: ptcc_$name/**.py]
[jinja2: ptcc_$name/templates/**.html]
'''

INIT = '''"""$title: a PTCC plugin (see docs/plugins.md of PTCC for every hook)."""

from __future__ import annotations

from pathlib import Path

from ptcc.i18n import domain_gettext
from ptcc.plugins import MenuItem, PluginInfo, hookimpl

PLUGIN = PluginInfo(name="$name", version="0.1.0", description="$title")
HERE = Path(__file__).resolve().parent

#: This plugin's own gettext domain; templates of its blueprint use it too.
t = domain_gettext("$name", HERE / "translations")
_, _l = t.gettext, t.lazy_gettext


@hookimpl
def ptcc_blueprints():
    from ptcc_$name.blueprint import bp

    return [bp]


@hookimpl
def ptcc_models():
    from ptcc_$name.models import $model

    return [$model]


@hookimpl
def ptcc_migrations_dir():
    return HERE / "migrations" / "versions"


@hookimpl
def ptcc_translations_dir():
    return ("$name", HERE / "translations")


@hookimpl
def ptcc_menu_items(user):
    return [MenuItem(label=_("$title"), endpoint="$name.index", order=50)]


@hookimpl
def ptcc_default_settings():
    return {}
'''

BLUEPRINT = '''from flask import Blueprint

from ptcc_$name import t, views

bp = Blueprint("$name", __name__, url_prefix="/$url", template_folder="templates")
t.install(bp)

bp.add_url_rule("/", "index", views.index)
'''

VIEWS = '''from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from ptcc.extensions import db
from ptcc_$name.models import $model


def index():
    items = db.session.scalars(sa.select($model).order_by($model.created_at.desc()).limit(50)).all()
    return render_template("$name/index.html", items=items)
'''

MODELS = '''from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ptcc.db import UTCDateTime, utcnow
from ptcc.extensions import db


class $model(db.Model):
    #: Every table of the plugin starts with "${name}_"; PTCC refuses the plugin otherwise.
    __tablename__ = "${name}_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
'''

MIGRATION = '''"""create ${name}_items

Revision ID: $revision
Revises:
Create Date: $created
"""

from alembic import op
import sqlalchemy as sa
import ptcc.db


revision = '$revision'
down_revision = None
branch_labels = ('$name',)
depends_on = '$core_head'


def upgrade():
    op.create_table('${name}_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_${name}_items'))
    )


def downgrade():
    op.drop_table('${name}_items')
'''

TEMPLATE = '''{% extends "base.html" %}
{% block title %}{{ _("$title") }}{% endblock %}
{% block content %}
<h1>{{ _("$title") }}</h1>
{% if items %}
<ul>
  {% for item in items %}<li>{{ item.title }}</li>{% endfor %}
</ul>
{% else %}
<p class="empty">{{ _("Nothing here yet.") }}</p>
{% endif %}
{% endblock %}
'''

PO_FR = '''msgid ""
msgstr ""
"Project-Id-Version: ptcc-$dist 0.1.0\\n"
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

msgid "$title"
msgstr "$title (fr)"

msgid "Nothing here yet."
msgstr "Rien pour l’instant."
'''

TEST = '''"""Tests of the $name plugin, with PTCC's published pytest fixtures (the `ptcc` pytest plugin).

Every discovered plugin is enabled in the test territories alpha and beta;
``territory_plugins`` changes that for one test.
"""

from ptcc.extensions import db
from ptcc_$name.models import $model


def test_the_page_lists_the_territory_items_in_french(alpha, in_territory):
    with in_territory("alpha"):
        db.session.add($model(title="First $name item"))
        db.session.commit()
    response = alpha.get("/$url/", headers={"Accept-Language": "fr"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "First $name item" in html
    assert "$title (fr)" in html


def test_the_page_answers_404_where_the_plugin_is_disabled(alpha, beta, territory_plugins):
    territory_plugins("beta", [])
    assert beta.get("/$url/").status_code == 404
    assert alpha.get("/$url/").status_code == 200
    assert "/$url/" not in beta.get("/").get_data(as_text=True)


def test_the_migration_creates_what_the_model_declares(app, territories):
    from ptcc import migrate
    from ptcc.tenancy import tenant_context

    with tenant_context("alpha", app=app):
        drift = migrate.schema_drift(territories["alpha"])
    assert [d for d in drift if "${name}_" in repr(d)] == []
'''


def _model_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Item"


def scaffold(name: str, parent: Path, core_head: str) -> list[Path]:
    """Write ``parent/<name>/`` and return the files written. Refuses an existing folder."""
    if not NAME_RE.match(name):
        raise ValueError(f"plugin name {name!r}: 2 to 31 lowercase letters, digits or underscores, "
                         "starting with a letter")
    root = Path(parent) / name
    if root.exists():
        raise FileExistsError(f"{root} already exists")
    values = {
        "name": name,
        "dist": name.replace("_", "-"),
        "url": name.replace("_", "-"),
        "title": name.replace("_", " ").capitalize(),
        "model": _model_name(name),
        "revision": secrets.token_hex(6),
        "core_head": core_head,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
    }
    package = f"ptcc_{name}"
    files = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        "babel.cfg": BABEL_CFG,
        f"{package}/__init__.py": INIT,
        f"{package}/blueprint.py": BLUEPRINT,
        f"{package}/views.py": VIEWS,
        f"{package}/models.py": MODELS,
        f"{package}/migrations/versions/{values['revision']}_create_{name}_items.py": MIGRATION,
        f"{package}/templates/{name}/index.html": TEMPLATE,
        f"{package}/translations/fr/LC_MESSAGES/{name}.po": PO_FR,
        f"tests/test_{name}.py": TEST,
    }
    written = []
    for relative, template in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(template).substitute(values), encoding="utf-8")
        written.append(path)
    return written
