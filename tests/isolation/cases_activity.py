"""Isolation cases of the activity feed: beta's entries never show on alpha's feed."""

from ptcc.activity.models import ActivityEntry
from ptcc.extensions import db
from ptcc.plugins.manager import plugin_manager
from tests.isolation.framework import Case

ORDER = 40


def seed(ctx) -> dict:
    """One entry per declared activity kind, its subject carrying the territory's marker."""
    with ctx.territory():
        kinds = plugin_manager().activity_kinds() or {"isolation.undeclared": "isolation"}
        for kind, plugin in kinds.items():
            db.session.add(ActivityEntry(kind=kind, plugin=plugin, subject=f"Activity {ctx.marker}",
                                         endpoint="web.index", url_values={},
                                         actor_id=ctx.users["member"].id, actor_label=f"Member {ctx.marker}"))
        db.session.commit()
    return {}


CASES = {
    "web.activity": Case(),
}
