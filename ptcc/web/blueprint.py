from flask import Blueprint

from ptcc.web import pages, views
from ptcc.web.icons import icon_svg
from ptcc.web.theme import platform_url

bp = Blueprint("web", __name__, template_folder="templates")
bp.add_app_template_global(icon_svg, "ui_icon_svg")  # ui.icon (templates/_ui.html)
bp.add_app_template_global(platform_url, "platform_url")  # "powered by PTCC" (base.html)

bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/platform", "platform_index", views.platform_index)
bp.add_url_rule("/healthz", "health", views.health)
bp.add_url_rule("/theme.css", "theme_css", views.theme_css)
bp.add_url_rule("/logo", "logo", views.logo)
bp.add_url_rule("/banner", "banner", views.banner)
bp.add_url_rule("/fonts/<path:filename>", "font", views.font)
bp.add_url_rule("/language", "set_language", views.set_language, methods=["GET", "POST"])
bp.add_url_rule("/search", "search", pages.search)
bp.add_url_rule("/open-data", "open_data", pages.open_data)
bp.add_url_rule("/activity", "activity", pages.activity)
bp.add_url_rule("/dashboard", "dashboard", pages.dashboard)
