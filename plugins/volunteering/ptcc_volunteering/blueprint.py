"""URL rules of the volunteering plugin: pages under /missions, the JSON API under /api/volunteering."""

from flask import Blueprint

from ptcc_volunteering import api, views
from ptcc_volunteering.i18n import _, _n

bp = Blueprint("volunteering", __name__, url_prefix="/missions", template_folder="templates")

bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/new", "create", views.create, methods=["GET", "POST"])
bp.add_url_rule("/manage", "manage", views.manage)
bp.add_url_rule("/<int:mission_id>", "show", views.show)
bp.add_url_rule("/<int:mission_id>/edit", "edit", views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:mission_id>/close", "close", views.close, methods=["POST"])
bp.add_url_rule("/<int:mission_id>/reopen", "reopen", views.reopen, methods=["POST"])
bp.add_url_rule("/<int:mission_id>/answer", "answer", views.answer, methods=["POST"])
bp.add_url_rule("/<int:mission_id>/responses", "responses", views.responses)
bp.add_url_rule("/responses/<int:response_id>/accept", "accept", views.accept, methods=["POST"])
bp.add_url_rule("/responses/<int:response_id>/decline", "decline", views.decline, methods=["GET", "POST"])
bp.add_url_rule("/responses/<int:response_id>/withdraw", "withdraw", views.withdraw, methods=["GET", "POST"])
bp.add_url_rule("/commitments", "commitments", views.commitments)
bp.add_url_rule("/commitments/calendar/<token>.ics", "commitments_calendar", views.commitments_calendar)
bp.add_url_rule("/organisations/<slug>/calendar.ics", "organisation_calendar", views.organisation_calendar)
bp.add_url_rule("/open-data/missions.csv", "open_data_csv", views.open_data_csv)
bp.add_url_rule("/open-data/missions.json", "open_data_json", views.open_data_json)

api_bp = Blueprint("volunteering_api", __name__, url_prefix="/api/volunteering")

api_bp.add_url_rule("/missions", "missions", api.missions)
api_bp.add_url_rule("/missions/<int:mission_id>", "mission", api.mission)


@bp.record_once
def install_template_gettext(state) -> None:
    """Templates translate the plugin's strings with ``_v`` and ``_vn`` (its own domain)."""
    state.app.jinja_env.globals.update(_v=_, _vn=_n)
