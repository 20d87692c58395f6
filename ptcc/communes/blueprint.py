from flask import Blueprint

from ptcc.communes import views

bp = Blueprint("communes", __name__, url_prefix="/communes")

bp.add_url_rule("/search", "search", views.search)
