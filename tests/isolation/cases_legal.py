"""Isolation cases of the legal pages: beta's publisher and texts never show on alpha."""

from ptcc.extensions import db
from ptcc.legal.models import LegalDetails, LegalPage, PageKind
from tests.isolation.framework import Case

ORDER = 35


def seed(ctx) -> dict:
    """Legal details and a page of the territory's own, both carrying its marker."""
    with ctx.territory():
        db.session.add(LegalDetails(id=1, publisher=f"Publisher {ctx.marker}", address="", publication_director="",
                                    contact_email="contact@example.org", dpo_contact=f"DPO {ctx.marker}",
                                    host=f"Host {ctx.marker}", accessibility_exceptions=f"Maps {ctx.marker}",
                                    accessibility_contact="", accessibility_plan=""))
        db.session.add(LegalPage(kind=PageKind.PRIVACY, body=f"# Privacy of {ctx.marker}",
                                 updated_by_id=ctx.users["admin"].id))
        db.session.commit()
    return {"legal_kind": "privacy"}


CASES = {
    "legal.notice": Case(),
    "legal.privacy": Case(),
    "legal.terms": Case(),
    "legal.accessibility": Case(),
    "legal.admin": Case(),
    "legal.details": Case(form={"publisher": "Alpha's publisher", "contact_email": "contact@example.org",
                                "accessibility_state": "partial"}),
    "legal.edit": Case(values=lambda v: {"kind": "terms"}, form={"body": "# Terms", "action": "save"}),
    "legal.restore": Case(values=lambda v: {"kind": v["legal_kind"]}, form={}),
}
