"""Pages of the territory that gather what every active plugin contributes."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from ptcc.activity.services import feed_page, latest
from ptcc.web.discovery import open_datasets, search_everywhere
from ptcc.web.forms import page_number
from ptcc.web.menu import blocks


def search():
    outcome = search_everywhere(request.args.get("q", ""), current_user._get_current_object())
    return render_template("web/search.html", outcome=outcome)


def open_data():
    return render_template("web/open_data.html", datasets=open_datasets())


def activity():
    return render_template("web/activity.html", page=feed_page(page_number()))


@login_required
def dashboard():
    user = current_user._get_current_object()
    return render_template("web/dashboard.html", blocks=blocks("ptcc_dashboard_blocks", user=user),
                           latest=latest(5))
