from flask import Blueprint

from ptcc.legal import services, views

bp = Blueprint("legal", __name__, template_folder="templates")
#: base.html shows the territory's contact address in its footer.
bp.add_app_template_global(services.contact_email, "territory_contact_email")

#: Stable addresses, linked from every page's footer.
bp.add_url_rule("/legal/notice", "notice", views.notice)
bp.add_url_rule("/legal/privacy", "privacy", views.privacy)
bp.add_url_rule("/legal/terms", "terms", views.terms)
bp.add_url_rule("/legal/accessibility", "accessibility", views.accessibility)

KINDS = "any(notice, privacy, terms, accessibility)"
bp.add_url_rule("/admin/legal", "admin", views.admin)
bp.add_url_rule("/admin/legal/details", "details", views.details, methods=["GET", "POST"])
bp.add_url_rule(f"/admin/legal/<{KINDS}:kind>", "edit", views.edit, methods=["GET", "POST"])
bp.add_url_rule(f"/admin/legal/<{KINDS}:kind>/restore", "restore", views.restore, methods=["GET", "POST"])
