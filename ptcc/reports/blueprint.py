from flask import Blueprint

from ptcc.reports import views

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

bp.add_url_rule("/", "queue", views.queue)
bp.add_url_rule("/new/<content_type>/<int:object_id>", "new", views.new, methods=["GET", "POST"])
bp.add_url_rule("/<int:report_id>", "show", views.show)
bp.add_url_rule("/<int:report_id>/hide", "hide", views.hide, methods=["GET", "POST"])
bp.add_url_rule("/<int:report_id>/dismiss", "dismiss", views.dismiss, methods=["GET", "POST"])
bp.add_url_rule("/<int:report_id>/restore", "restore", views.restore, methods=["GET", "POST"])
