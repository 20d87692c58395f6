"""Writing to the audit log. Called by services inside their own transaction."""

from __future__ import annotations

from ptcc.audit.models import AuditEntry
from ptcc.extensions import db


def record(actor, action: str, target=None, **details) -> AuditEntry:
    """Add an audit entry; the caller's commit makes it permanent with the change."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_label=f"{actor.display_name} <{actor.email}>" if actor is not None else "system",
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=str(getattr(target, "id", "") or ""),
        details={k: v for k, v in details.items() if v is not None},
    )
    db.session.add(entry)
    db.session.flush()
    return entry
