"""The component library (templates/_ui.html): what each macro must render."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask import render_template_string
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from ptcc.tenancy import tenant_context
from ptcc.web.forms import Form
from ptcc.web.icons import UnknownIcon


@pytest.fixture
def render(app):
    """render('{{ ui.badge("x") }}', **context) inside a request of alpha, in English."""

    def render(source: str, **context) -> str:
        with tenant_context("alpha", app=app), app.test_request_context(
            "/somewhere?kind=association", base_url="http://alpha.test", headers={"Accept-Language": "en"}
        ):
            return render_template_string('{% import "_ui.html" as ui %}' + source, **context)

    return render


def test_data_table_is_a_real_table_that_can_stack(render):
    rows = [{"name": "Jardin <partagé>", "commune": "Lyon", "members": 12}]
    html = render(
        '{{ ui.data_table([("name", "Name"), ("commune", "Commune"), {"key": "members", "label": "Members", "numeric": true}], rows, "Organisations") }}',
        rows=rows,
    )
    assert "<caption>Organisations</caption>" in html
    assert html.count('<th scope="col"') == 3
    assert '<th scope="row" data-label="Name">Jardin &lt;partagé&gt;</th>' in html
    assert '<td data-label="Commune">Lyon</td>' in html
    assert '<td data-label="Members" class="numeric">12</td>' in html
    assert 'class="data-table"' in html and 'class="table-wrap"' in html


def test_data_table_cells_from_a_caller_and_an_empty_state(render):
    rows = [SimpleNamespace(name="Ada", slug="ada")]
    html = render(
        '{% call(row, key) ui.data_table([("name", "Name"), ("actions", "Actions")], rows, "People", caption_hidden=true, row_header=false) %}'
        '{% if key == "name" %}<a href="/p/{{ row.slug }}">{{ row.name }}</a>{% else %}—{% endif %}{% endcall %}',
        rows=rows,
    )
    assert '<caption class="visually-hidden">People</caption>' in html
    assert '<td data-label="Name"><a href="/p/ada">Ada</a></td>' in html
    assert 'scope="row"' not in html
    empty = render('{{ ui.data_table([("name", "Name")], [], "People", empty="Nobody yet.") }}')
    assert "<table" not in empty and "Nobody yet." in empty and "empty-state" in empty


def test_page_header_breadcrumbs_and_actions(render):
    html = render(
        '{% call ui.page_header("Edit", crumbs=[("Organisations", "/organisations/")], lead="Change it.") %}'
        '{{ ui.link_button("View", "/o/x", variant="secondary") }}{% endcall %}'
    )
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in html
    assert re.search(r'<a href="/">Home</a>.*<a href="/organisations/">Organisations</a>.*<span aria-current="page">Edit</span>', html, re.S)
    assert "<h1>Edit</h1>" in html and '<p class="lead">Change it.</p>' in html
    assert '<a class="button secondary " href="/o/x"><span>View</span></a>' in html
    plain = render('{{ ui.page_header("Alone") }}')
    assert "breadcrumbs" not in plain and "page-actions" not in plain and "<h1>Alone</h1>" in plain


def test_icons_are_hidden_or_labelled(render):
    hidden = render('{{ ui.icon("search") }}')
    assert 'aria-hidden="true" focusable="false"' in hidden and "<path" in hidden and "role=" not in hidden
    labelled = render('{{ ui.icon("search", label="Search") }}')
    assert 'role="img" aria-label="Search"' in labelled and "aria-hidden" not in labelled
    with pytest.raises(UnknownIcon):
        render('{{ ui.icon("no-such-icon") }}')


def test_checkbox_fieldset_is_one_fieldset_without_bullets(app, render):
    class Choices(Form):
        topics = SelectMultipleField("Topics", choices=[("a", "Alimentation"), ("b", "Biodiversité")],
                                     widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    with app.test_request_context():
        form = Choices(meta={"csrf": False})
    html = render('{{ ui.checkbox_fieldset(form.topics, help="Pick some.") }}', form=form)
    assert html.count("<fieldset") == 1 and "<legend>Topics</legend>" in html
    assert "<ul" not in html and "<li" not in html
    assert html.count('type="checkbox"') == 2 and '<label for="topics-1">Biodiversité</label>' in html
    assert 'aria-describedby="topics-help"' in html


def test_fields_keep_working_through_the_old_macros(app, render):
    class Sample(Form):
        name = StringField("Name", validators=[DataRequired()])
        agree = BooleanField("I agree")

    with app.test_request_context(method="POST", data={}):
        form = Sample(meta={"csrf": False})
        form.validate()
    html = render(
        '{% from "_macros.html" import field, form_errors, post_button, pagination %}'
        '{{ form_errors(form) }}{{ field(form.name, help="Your name") }}{{ field(form.agree) }}'
        '{{ post_button("/x", "Go") }}{{ pagination(page, "web.activity") }}',
        form=form, page=SimpleNamespace(pages=3, page=2, has_prev=True, prev_num=1, has_next=True, next_num=3),
    )
    assert "Please correct the errors below." in html
    assert 'aria-describedby="name-help name-error"' in html and 'aria-invalid="true"' in html
    assert 'type="checkbox"' in html and 'name="csrf_token"' in html
    # The pagination keeps the query string and moves the page number only.
    assert 'href="/activity?kind=association&amp;page=1" rel="prev"' in html
    assert "Page 2 of 3" in html


def test_small_components(render):
    html = render(
        '{{ ui.badge("New", tone="success") }}'
        '{{ ui.empty_state("No mission yet.", "Post one", "/missions/new") }}'
        '{% call ui.figure_tiles(label="Figures") %}{{ ui.figure_tile(42, "organisations", url="/o/") }}{% endcall %}'
        '{{ ui.description_list([("Commune", "Lyon"), ("Website", none), ("Members", 0)]) }}'
        '{{ ui.tabs([("Profile", "/somewhere"), ("Members", "/members")], "Sections") }}'
        '{{ ui.button("Save", icon="check") }}'
        '{% call ui.card_list() %}{% call ui.card("Jardin", url="/o/j", tag="li", meta="Lyon") %}Text{% endcall %}{% endcall %}'
    )
    assert '<span class="badge badge-success">New</span>' in html
    assert "No mission yet." in html and 'href="/missions/new"' in html
    assert '<strong class="figure-value">42</strong>' in html and '<a href="/o/">organisations</a>' in html
    assert "<dt>Commune</dt><dd>Lyon</dd>" in html and "Website" not in html and "<dd>0</dd>" in html
    assert '<a href="/somewhere" aria-current="page">Profile</a>' in html and '<a href="/members">Members</a>' in html
    assert '<button type="submit" class="button primary ">' in html
    assert '<ul class="cards">' in html and '<li class="card ">' in html and '<a href="/o/j">Jardin</a>' in html


def test_confirm_page_posts_with_its_token(render):
    html = render(
        '{{ ui.confirm_page("Delete Jardin?", "It cannot be undone.", "/o/j/delete", "Delete", "/o/j", hidden={"reason": "dup"}) }}'
    )
    assert '<form method="post" action="/o/j/delete"' in html
    assert 'name="csrf_token"' in html and '<input type="hidden" name="reason" value="dup">' in html
    assert "button danger" in html and 'href="/o/j"' in html and "<h1>Delete Jardin?</h1>" in html


def test_flash_messages_have_a_status_role(app, render):
    with tenant_context("alpha", app=app), app.test_request_context("/", base_url="http://alpha.test"):
        from flask import flash

        flash("Saved.", "success")
        html = render_template_string('{% import "_ui.html" as ui %}{{ ui.flash_messages() }}')
    assert 'role="status"' in html and '<p class="flash flash-success">' in html and "<span>Saved.</span>" in html
