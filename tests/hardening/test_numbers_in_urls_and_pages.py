"""Finding 2: integers of 2⁶³ and more, in page numbers and in URL ids, are not a 500."""

from __future__ import annotations

import pytest

HUGE = [2**31, 2**63 - 1, 2**63, 10**20]


@pytest.mark.parametrize("page", [*HUGE, -(2**63), 0, "abc", "1e9"])
@pytest.mark.parametrize("path", ["/organisations/", "/activity", "/missions/", "/api/volunteering/missions",
                                  "/admin/people", "/admin/audit"])
def test_any_page_number_answers(signed_in, make_user, path, page):
    client = signed_in(make_user(role="admin"))
    response = client.get(f"{path}?page={page}")
    assert response.status_code == 200, (path, page, response.status_code)


def test_huge_per_page_in_the_api_is_bounded(alpha):
    response = alpha.get(f"/api/volunteering/missions?per_page={2**64}")
    assert response.status_code == 200 and response.json["per_page"] == 100


@pytest.mark.parametrize("number", [2**31, 2**63 - 1, 2**63, 10**20])
def test_huge_ids_in_urls_are_404(signed_in, make_user, make_org, number):
    admin = make_user(role="admin")
    slug = make_org(admin)
    client = signed_in(admin)
    gets = [f"/missions/{number}", f"/missions/{number}/edit", f"/missions/{number}/responses"]
    posts = [f"/missions/{number}/answer", f"/missions/{number}/close", f"/missions/responses/{number}/accept",
             f"/missions/responses/{number}/decline", f"/admin/people/{number}/role",
             f"/organisations/{slug}/members/{number}", f"/organisations/{slug}/members/{number}/remove",
             f"/organisations/{slug}/requests/{number}", f"/organisations/{slug}/invitations/{number}/cancel"]
    for path in gets:
        assert client.get(path).status_code == 404, path
    for path in posts:
        assert client.submit(path, {"role": "member", "accept": "1"}).status_code == 404, path


def test_the_largest_integer_a_column_holds_is_a_plain_404(signed_in, make_user):
    client = signed_in(make_user(role="admin"))
    assert client.get(f"/missions/{2**31 - 1}").status_code == 404
    assert client.get(f"/admin/people/{2**31 - 1}/role").status_code == 404


def test_an_integer_field_refuses_what_no_column_holds(signed_in, make_user, make_org):
    owner = make_user()
    slug = make_org(owner)
    response = signed_in(owner).submit(f"/organisations/{slug}/edit", {
        "name": "Collectif", "kind": "association", "circle": "first", "commune": "Lyon",
        "declared_members": str(10**20)})
    assert response.status_code == 400
