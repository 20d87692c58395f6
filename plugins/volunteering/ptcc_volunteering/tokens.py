"""The private address of a volunteer's calendar.

Calendar applications cannot sign in, so the address carries a signed token
naming the person. Its salt names the territory (a token of one territory is
worthless in another) and it embeds the account's ``auth_version``: changing
the password, or signing out everywhere, revokes every calendar address given
before.
"""

from __future__ import annotations

from ptcc.accounts.models import User
from ptcc.accounts.tokens import BadToken, make_token, read_token
from ptcc.extensions import db

PURPOSE = "volunteering-calendar"


def calendar_token(user) -> str:
    return make_token(PURPOSE, [user.id, user.auth_version])


def user_from_calendar_token(token: str) -> User | None:
    try:
        user_id, auth_version = read_token(PURPOSE, token, max_age=None)
        user = db.session.get(User, int(user_id))
    except (BadToken, TypeError, ValueError):
        return None
    if user is None or user.auth_version != auth_version:
        return None
    return user
