"""Organisations of a territory: profiles, joining, memberships, directory."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ptcc.plugins import Block, MenuItem, PluginInfo, SearchResult, hookimpl

PLUGIN = PluginInfo(name="organisations", version="0.1.0", description="Organisations and the directory", core=True)


@hookimpl
def ptcc_blueprints():
    from ptcc.organisations.blueprint import bp

    return [bp]


@hookimpl
def ptcc_models():
    from ptcc.organisations import models as m

    return [m.Topic, m.Organisation, m.Membership, m.Invitation]


@hookimpl
def ptcc_menu_items(user):
    from ptcc.accounts.permissions import is_signed_in

    return [
        MenuItem(label=str(_l("Directory")), endpoint="organisations.directory", order=20),
        MenuItem(label=str(_l("My organisations")), endpoint="organisations.mine", order=25,
                 permission=is_signed_in),
    ]


@hookimpl
def ptcc_home_blocks():
    from ptcc.organisations import directory
    from ptcc.organisations.labels import TEMPLATE_HELPERS

    return [Block(template="organisations/_home_block.html", order=20,
                  context={"recent": directory.recent(5), "figures": directory.figures(), **TEMPLATE_HELPERS})]


@hookimpl
def ptcc_dashboard_blocks(user):
    from ptcc.accounts.models import Role
    from ptcc.accounts.permissions import has_role, is_signed_in
    from ptcc.organisations import dashboard
    from ptcc.organisations.labels import TEMPLATE_HELPERS

    if not is_signed_in(user):
        return []
    # Plain data cached per person and data version (ptcc.organisations.dashboard).
    mine = dashboard.personal_data(user.id)
    context = {
        "organisations": mine.organisations,
        "requests": mine.requests,
        "suspended": mine.suspended,
        "pending_organisations": dashboard.pending_organisations() if has_role(user, Role.MODERATOR) else 0,
        **TEMPLATE_HELPERS,
    }
    return [Block(template="organisations/_dashboard_block.html", order=20, context=context)]


@hookimpl
def ptcc_search(query, user, limit):
    from flask import url_for

    from ptcc.organisations import directory
    from ptcc.organisations.labels import kind_label

    kind = _("Organisation")
    kinds: dict[str, str] = {}  # each kind's label translated once, not once per result
    results = []
    # One query through the territory's search index, ranked (ptcc.search); columns, not objects.
    for hit in directory.search_hits(query, limit):
        if hit.kind not in kinds:
            kinds[hit.kind] = kind_label(hit.kind)
        excerpt = " · ".join(part for part in (kinds[hit.kind], hit.commune) if part)
        results.append(SearchResult(title=hit.name, url=url_for("organisations.show", slug=hit.slug),
                                    kind=kind, excerpt=excerpt, score=hit.score))
    return results


@hookimpl
def ptcc_search_sources():
    from ptcc.organisations.directory import search_sources

    return search_sources()


@hookimpl
def ptcc_open_data_datasets():
    from ptcc.plugins import Dataset

    return [Dataset(
        title=_("Directory of organisations"),
        description=_("The organisations that are members of the territory: name, kind, circle, commune and its "
                      "INSEE code, topics, presentation, website, RNA, SIREN and SIRET numbers. JSON-LD follows "
                      "schema.org (Organization, NGO for associations). No personal data."),
        formats={"CSV": "organisations.open_data_csv", "JSON": "organisations.open_data_json",
                 "JSON-LD": "organisations.open_data_json_ld"},
    )]


@hookimpl
def ptcc_personal_data(user):
    from ptcc.organisations.personal_data import export

    return export(user)


@hookimpl
def ptcc_before_user_delete(user):
    from ptcc.organisations.personal_data import erase

    erase(user)
