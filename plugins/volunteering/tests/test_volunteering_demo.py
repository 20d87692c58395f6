"""The demo missions ``ptcc demo`` adds to the Lyon demo territory."""

from __future__ import annotations

import sqlalchemy as sa

from ptcc.extensions import db


def test_build_demo_missions_on_the_lyon_demo_content(in_request, alpha):
    from ptcc.activity.models import ActivityEntry
    from ptcc.demo.builder import build_territory
    from ptcc.demo.content import TERRITORIES
    from ptcc_volunteering.demo import MISSIONS, build_demo_missions
    from ptcc_volunteering.models import Mission, Response, ResponseStatus

    with in_request("alpha"):
        build_territory(TERRITORIES["lyon"])
        lines = build_demo_missions()
        db.session.commit()
        missions = db.session.scalars(sa.select(Mission)).unique().all()
        assert len(missions) == len(MISSIONS) and lines[0].startswith(f"{len(MISSIONS)} volunteer missions")
        assert all(m.organisation.is_approved and m.created_by_id for m in missions)
        assert {m.commune for m in missions} >= {"Lyon", "Villeurbanne", "Vénissieux"}
        responses = db.session.scalars(sa.select(Response)).all()
        assert {r.status for r in responses} == {ResponseStatus.ACCEPTED, ResponseStatus.PENDING}
        kinds = db.session.scalars(sa.select(ActivityEntry.kind)).all()
        assert kinds.count("volunteering.mission_published") == len(MISSIONS)
        assert kinds.count("volunteering.volunteer_accepted") == 2
        # Running it again adds nothing.
        assert build_demo_missions() == ["volunteer missions already present, skipped"]
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Mission)) == len(MISSIONS)
    page = alpha.get("/missions/").get_data(as_text=True)
    assert f"{len(MISSIONS)} missions trouvées" in page and "Chantier de printemps" in page
