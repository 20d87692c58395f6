from flask import Blueprint

from ptcc.accounts import views

bp = Blueprint("accounts", __name__, url_prefix="/account", template_folder="templates")

bp.add_url_rule("/signup", "signup", views.signup, methods=["GET", "POST"])
bp.add_url_rule("/verify/<token>", "verify", views.verify)
bp.add_url_rule("/verify/resend", "resend_verification", views.resend_verification, methods=["POST"])
bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/reset", "reset_request", views.reset_request, methods=["GET", "POST"])
bp.add_url_rule("/reset/<token>", "reset_password", views.reset_password, methods=["GET", "POST"])
bp.add_url_rule("/set-password/<token>", "set_password", views.set_password, methods=["GET", "POST"])
bp.add_url_rule("/", "profile", views.profile, methods=["GET", "POST"])
bp.add_url_rule("/export", "export", views.export)
bp.add_url_rule("/delete", "delete", views.delete, methods=["GET", "POST"])
