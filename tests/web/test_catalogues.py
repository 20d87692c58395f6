"""Translations looked up once per request and language (ptcc.i18n.catalogue)."""

from __future__ import annotations

from flask_babel import force_locale, get_domain

from ptcc.i18n import catalogue, domain_gettext, install_template_gettext


def test_the_catalogue_follows_force_locale_within_a_request(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert catalogue().ugettext("Search") == "Rechercher"
        french = catalogue().ugettext("Sign out")
        with force_locale("en"):
            assert catalogue().ugettext("Sign out") == "Sign out"
        assert catalogue().ugettext("Sign out") == french != "Sign out"


def test_the_catalogue_is_flask_babels(app):
    for language in ("fr", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            assert catalogue() is get_domain().get_translations()


def test_a_plugin_domain_falls_back_to_the_core_in_the_request_language(app):
    volunteering = domain_gettext("volunteering")
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert volunteering.gettext("Volunteer missions") == "Missions bénévoles"
        assert volunteering.gettext("Sign out") == catalogue().ugettext("Sign out") != "Sign out"
        with force_locale("en"):
            assert volunteering.gettext("Volunteer missions") == "Volunteer missions"
            assert volunteering.ngettext("%(num)d answer waiting for a decision",
                                         "%(num)d answers waiting for a decision", 2) == "2 answers waiting for a decision"
        assert volunteering.ngettext("%(num)d answer waiting for a decision",
                                     "%(num)d answers waiting for a decision", 2) == "2 réponses en attente de décision"


def test_outside_any_context_nothing_is_translated(app):
    assert catalogue().ugettext("Sign out") == "Sign out"


def test_template_gettext_reads_the_same_catalogue(app):
    from jinja2 import Environment

    environment = Environment(extensions=["jinja2.ext.i18n"])

    class Holder:
        jinja_env = environment

    install_template_gettext(Holder)
    template = environment.from_string("{{ _('Sign out') }}|{{ ngettext('%(num)d answer', '%(num)d answers', 2) }}")
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        signed_out, plural = template.render().split("|")
        assert signed_out == catalogue().ugettext("Sign out") != "Sign out"
        assert plural == "2 answers"  # not in the core's catalogue: the source text


def test_formatted_dates_are_flask_babels_in_french_and_day_first_in_english(app):
    from datetime import date, datetime, timezone

    from flask_babel import format_date, format_datetime

    from ptcc.i18n import formatted_date, formatted_datetime

    moment = datetime(2026, 3, 14, 15, 9, tzinfo=timezone.utc)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        french = formatted_datetime(moment, "short")
        assert french == format_datetime(moment, "short") == formatted_datetime(moment, "short")
        assert formatted_date(date(2026, 3, 14)) == format_date(date(2026, 3, 14))
        with force_locale("en"):
            english = formatted_datetime(moment, "short")
            assert english == "14/03/2026, 16:09" != french  # British order: day first, 24 h (ptcc.i18n)
        assert formatted_datetime(moment, "short") == french
        assert formatted_datetime(None) == formatted_date(None) == ""
