from flask import Blueprint

from ptcc.admin import views

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

bp.add_url_rule("/", "dashboard", views.dashboard)
bp.add_url_rule("/settings", "settings", views.settings, methods=["GET", "POST"])
bp.add_url_rule("/people", "people", views.people)
bp.add_url_rule("/people/<int:user_id>/role", "change_role", views.change_role, methods=["GET", "POST"])
bp.add_url_rule("/audit", "audit_log", views.audit_log)
bp.add_url_rule("/style-guide", "style_guide", views.style_guide, methods=["GET", "POST"])
