"""Reports: the whole life cycle, duplicates, rate limit, visibility of hidden content, permissions."""

from __future__ import annotations

import pytest

from ptcc.extensions import db
from tests.reports.conftest import audit_actions, reports_in

ORG = "organisations.organisation"


def report_url(object_id: int, content_type: str = ORG) -> str:
    return f"/reports/new/{content_type}/{object_id}"


def only_report_id(in_territory) -> int:
    from ptcc.reports.models import Report

    with in_territory("alpha"):
        return db.session.scalars(db.select(Report.id)).one()


def test_report_hide_life_cycle(alpha, person, make_org, make_user, in_territory, outbox, territory_client):
    owner = make_user(tenant="alpha", locale="en", display_name="Olga Owner")
    org_id, slug = make_org(owner, name="Shady Shop")
    reporter, reporter_client = person("member", display_name="Rita Reporter")
    moderator, moderator_client = person("moderator")

    page = reporter_client.get(f"/organisations/{slug}").get_data(as_text=True)
    assert report_url(org_id) in page
    assert report_url(org_id) not in alpha.get(f"/organisations/{slug}").get_data(as_text=True)

    form = reporter_client.get(report_url(org_id))
    assert form.status_code == 200 and "Shady Shop" in form.get_data(as_text=True)
    sent = reporter_client.submit(report_url(org_id), {"reason": "spam", "details": "Sells pills"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/organisations/{slug}")
    assert reports_in(in_territory) == [(ORG, org_id, reporter.id, "open", "")]

    assert "1 report waits for a moderator" in moderator_client.get("/dashboard").get_data(as_text=True)
    assert "/reports/" in moderator_client.get("/admin/").get_data(as_text=True)
    assert "report waits" not in reporter_client.get("/dashboard").get_data(as_text=True)
    queue = moderator_client.get("/reports/").get_data(as_text=True)
    assert "Shady Shop" in queue and "Spam or advertising" in queue
    report_id = only_report_id(in_territory)
    shown = moderator_client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Sells pills" in shown and "Rita Reporter" in shown

    # The confirmation page first, then the POST; a reason is required.
    confirm = moderator_client.get(f"/reports/{report_id}/hide")
    assert confirm.status_code == 200 and 'method="post"' in confirm.get_data(as_text=True)
    assert moderator_client.submit(f"/reports/{report_id}/hide", {"reason": " "}).status_code == 400
    assert reports_in(in_territory)[0][3] == "open"
    done = moderator_client.submit(f"/reports/{report_id}/hide", {"reason": "Advertises illegal products"})
    assert done.status_code == 302
    assert reports_in(in_territory) == [(ORG, org_id, reporter.id, "hidden", "Advertises illegal products")]
    assert audit_actions(in_territory)[-2:] == ["report.created", "report.content_hidden"]

    # Hidden from visitors, the directory and the search; still seen by its owner and the moderators.
    assert alpha.get(f"/organisations/{slug}").status_code == 404
    assert reporter_client.get(f"/organisations/{slug}").status_code == 404
    assert "Shady Shop" not in alpha.get("/organisations/").get_data(as_text=True)
    assert "Shady Shop" not in alpha.get("/search?q=Shady").get_data(as_text=True)
    owner_client = territory_client("alpha")
    owner_client.login(owner.email, "correct horse battery staple")
    owner_page = owner_client.get(f"/organisations/{slug}").get_data(as_text=True)
    assert "Hidden by the moderators" in owner_page and "Advertises illegal products" in owner_page
    assert moderator_client.get(f"/organisations/{slug}").status_code == 200

    mails = {m["recipient"]: m for m in outbox("alpha")}
    assert "Advertises illegal products" in mails[reporter.email]["body"]
    assert "hidden" in mails[reporter.email]["body"]
    assert "Advertises illegal products" in mails[owner.email]["body"]
    assert "Shady Shop" in mails[owner.email]["subject"]

    # Handled: it leaves the open queue, and a second decision is refused.
    assert "Shady Shop" not in moderator_client.get("/reports/").get_data(as_text=True)
    assert "Shady Shop" in moderator_client.get("/reports/?status=handled").get_data(as_text=True)
    again = moderator_client.submit(f"/reports/{report_id}/dismiss", {"reason": "Changed my mind"})
    assert again.status_code == 400 and "already handled" in again.get_data(as_text=True)

    # Shown again: public once more, audited.
    restored = moderator_client.submit(f"/reports/{report_id}/restore", {"reason": "Corrected by its owners"})
    assert restored.status_code == 302
    assert alpha.get(f"/organisations/{slug}").status_code == 200
    assert audit_actions(in_territory)[-1] == "report.content_restored"


def test_dismiss_tells_the_reporter_and_leaves_the_content(alpha, person, make_org, make_user, in_territory,
                                                           outbox):
    owner = make_user(tenant="alpha")
    org_id, slug = make_org(owner, name="Honest Bakery")
    reporter, reporter_client = person("member")
    _moderator, moderator_client = person("moderator")
    reporter_client.submit(report_url(org_id), {"reason": "other", "details": "I do not like bread"})
    report_id = only_report_id(in_territory)
    assert moderator_client.get(f"/reports/{report_id}/dismiss").status_code == 200
    assert moderator_client.submit(f"/reports/{report_id}/dismiss", {"reason": "Nothing wrong here"}).status_code == 302
    assert reports_in(in_territory)[0][3:] == ("dismissed", "Nothing wrong here")
    assert alpha.get(f"/organisations/{slug}").status_code == 200
    assert audit_actions(in_territory)[-1] == "report.dismissed"
    mail = [m for m in outbox("alpha") if m["recipient"] == reporter.email][-1]
    assert "Nothing wrong here" in mail["body"] and "leave the content as it is" in mail["body"]
    assert not [m for m in outbox("alpha") if m["recipient"] == owner.email]


def test_one_open_report_per_person_and_content(person, make_org, make_user, in_territory):
    owner = make_user(tenant="alpha")
    org_id, _slug = make_org(owner)
    reporter, client = person("member")
    other, other_client = person("member")
    assert client.submit(report_url(org_id), {"reason": "spam"}).status_code == 302
    second = client.submit(report_url(org_id), {"reason": "abusive"})
    assert second.status_code == 400 and "already reported" in second.get_data(as_text=True)
    assert "already reported" in client.get(report_url(org_id)).get_data(as_text=True)
    assert other_client.submit(report_url(org_id), {"reason": "abusive"}).status_code == 302
    assert [row[2] for row in reports_in(in_territory)] == [reporter.id, other.id]


def test_bad_reports_change_nothing(person, make_org, make_user, in_territory):
    owner = make_user(tenant="alpha")
    org_id, _slug = make_org(owner)
    _reporter, client = person("member")
    assert client.submit(report_url(org_id), {"reason": "emperor"}).status_code == 400
    refused = client.submit(report_url(org_id), {"reason": "other", "details": ""})
    assert refused.status_code == 400 and "what the problem is" in refused.get_data(as_text=True)
    assert client.submit(report_url(org_id), {"reason": "spam", "details": "x" * 2001}).status_code == 400
    assert client.get(report_url(org_id, "nothing.here")).status_code == 404
    assert client.get(report_url(999999)).status_code == 404
    assert reports_in(in_territory) == []


def test_signed_out_people_are_sent_to_sign_in(alpha, make_org, make_user, in_territory):
    owner = make_user(tenant="alpha")
    org_id, _slug = make_org(owner)
    answer = alpha.get(report_url(org_id))
    assert answer.status_code == 302 and "/account/login" in answer.headers["Location"]
    assert reports_in(in_territory) == []


def test_reports_are_rate_limited_per_person(app, person, make_org, make_user, monkeypatch, in_territory):
    monkeypatch.setitem(app.config, "PTCC_REPORTS_PER_HOUR", 2)
    owner = make_user(tenant="alpha")
    ids = [make_org(owner)[0] for _ in range(3)]
    _reporter, client = person("member")
    _other, other_client = person("member")
    assert client.submit(report_url(ids[0]), {"reason": "spam"}).status_code == 302
    assert client.submit(report_url(ids[1]), {"reason": "spam"}).status_code == 302
    third = client.submit(report_url(ids[2]), {"reason": "spam"})
    assert third.status_code == 400 and "many reports" in third.get_data(as_text=True)
    assert other_client.submit(report_url(ids[2]), {"reason": "spam"}).status_code == 302
    assert len(reports_in(in_territory)) == 3


def test_hiding_closes_every_open_report_about_the_content(person, make_org, make_user, in_territory, outbox):
    owner = make_user(tenant="alpha")  # French, the territory's language
    org_id, _slug = make_org(owner, name="Café\u00a0du coin")  # a no-break space, unfit for a subject line
    first, first_client = person("member", locale="")
    second, second_client = person("member")
    _moderator, moderator_client = person("moderator")
    first_client.submit(report_url(org_id), {"reason": "spam"})
    second_client.submit(report_url(org_id), {"reason": "abusive"})
    from ptcc.reports.models import Report

    with in_territory("alpha"):
        report_id = db.session.scalars(db.select(Report.id).order_by(Report.id)).first()
    moderator_client.submit(f"/reports/{report_id}/hide", {"reason": "Spam"})
    assert [row[3] for row in reports_in(in_territory)] == ["hidden", "hidden"]
    told = {m["recipient"] for m in outbox("alpha")}
    assert {first.email, second.email, owner.email} <= told


def test_empty_queue_and_pagination(app, person, make_org, make_user, monkeypatch):
    _moderator, moderator_client = person("moderator")
    assert "No report waits for a decision" in moderator_client.get("/reports/").get_data(as_text=True)
    assert "No report was handled yet" in moderator_client.get("/reports/?status=handled").get_data(as_text=True)
    monkeypatch.setitem(app.config, "PTCC_PER_PAGE", 2)
    owner = make_user(tenant="alpha")
    _reporter, client = person("member")
    for _ in range(3):
        client.submit(report_url(make_org(owner)[0]), {"reason": "spam"})
    first = moderator_client.get("/reports/").get_data(as_text=True)
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "Page 2 of 2" in moderator_client.get("/reports/?page=2").get_data(as_text=True)


MODERATOR_ROUTES = [
    ("GET", "/reports/"),
    ("GET", "/reports/{id}"),
    ("GET", "/reports/{id}/hide"),
    ("POST", "/reports/{id}/hide"),
    ("GET", "/reports/{id}/dismiss"),
    ("POST", "/reports/{id}/dismiss"),
    ("GET", "/reports/{id}/restore"),
    ("POST", "/reports/{id}/restore"),
]


@pytest.mark.parametrize("method,path", MODERATOR_ROUTES)
def test_members_cannot_see_the_queue_or_act(method, path, person, make_org, make_user, in_territory, alpha):
    owner = make_user(tenant="alpha")
    org_id, _slug = make_org(owner)
    _reporter, reporter_client = person("member")
    reporter_client.submit(report_url(org_id), {"reason": "spam", "details": "Secret details"})
    report_id = only_report_id(in_territory)
    url = path.format(id=report_id)
    if method == "GET":
        answer = reporter_client.get(url)
    else:
        answer = reporter_client.submit(url, {"reason": "Trying"})
    assert answer.status_code == 403
    assert "Secret details" not in answer.get_data(as_text=True)
    anonymous = alpha.get(url) if method == "GET" else alpha.post(url, data={"reason": "Trying"})
    assert anonymous.status_code in (302, 400) and "Secret details" not in anonymous.get_data(as_text=True)
    assert reports_in(in_territory)[0][3] == "open"
    assert audit_actions(in_territory) == ["report.created"]


def test_deleting_the_reporter_keeps_the_report_without_them(person, make_org, make_user, in_territory):
    owner = make_user(tenant="alpha")
    org_id, _slug = make_org(owner)
    reporter, client = person("member")
    client.submit(report_url(org_id), {"reason": "spam"})
    export = client.get("/account/export").get_json()
    assert export["reports"][0]["reason"] == "spam"
    assert client.submit("/account/delete", {"password": "correct horse battery staple"}).status_code == 302
    assert reports_in(in_territory) == [(ORG, org_id, None, "open", "")]
