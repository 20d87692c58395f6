"""Forms of the reports: sending one, and a moderator's decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ptcc.reports.services import MAX_DECISION, MAX_DETAILS, REASON_LABELS
from ptcc.web.forms import Form


class ReportForm(Form):
    reason = RadioField(_l("Why do you report it?"), validators=[DataRequired(_l("Choose a reason."))],
                        choices=[(reason.value, label) for reason, label in REASON_LABELS.items()])
    details = TextAreaField(_l("Anything the moderators should know"), validators=[Optional(), Length(max=MAX_DETAILS)],
                            description=_l("Required when you choose “Something else”. The moderators read it; "
                                           "the content's authors do not."))


class DecisionForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give the reason.")),
                                                     Length(max=MAX_DECISION)])
