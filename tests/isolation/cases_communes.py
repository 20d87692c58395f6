"""Isolation cases of the communes: each territory searches its own list.

Both territories have the same codes; the names carry the territory's marker.
"""

from ptcc.communes.models import Commune
from ptcc.extensions import db
from tests.isolation.framework import Case

ORDER = 15


def seed(ctx) -> dict:
    with ctx.territory():
        db.session.add_all([
            Commune(code="69123", name="Lyon", folded_name="lyon", postal_codes=["69001"], departement="69"),
            Commune(code="99001", name=f"Commune {ctx.marker}", folded_name=f"commune {ctx.marker.lower()}",
                    postal_codes=["99001"], departement="99"),
        ])
        db.session.commit()
    return {}


CASES = {
    # Part of beta's marker, so that a result drawn from beta would show the whole marker.
    "communes.search": Case(values=lambda v: {"q": "SECRET"}),
}
