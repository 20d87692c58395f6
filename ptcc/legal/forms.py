"""Forms of the legal pages' administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ptcc.legal.models import Compliance
from ptcc.legal.services import BODY_MAX, COMPLIANCE_LABELS
from ptcc.web.forms import Form


class PageForm(Form):
    body = TextAreaField(
        _l("Text of the page"),
        validators=[DataRequired(), Length(max=BODY_MAX)],
        description=_l("Markdown: # for a heading, ## for a sub-heading, **bold**, [link](https://…), lists with -."),
    )


def _compliance_choices():
    return [(state.value, str(COMPLIANCE_LABELS[state])) for state in Compliance]


class DetailsForm(Form):
    publisher = StringField(_l("Publisher"), validators=[Optional(), Length(max=200)],
                            description=_l("The body that publishes the site: a commune, an EPCI, an association…"))
    address = TextAreaField(_l("Postal address"), validators=[Optional(), Length(max=500)])
    publication_director = StringField(_l("Director of publication"), validators=[Optional(), Length(max=200)],
                                       description=_l("Usually the head of the publishing body."))
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Email(), Length(max=254)])
    dpo_contact = TextAreaField(_l("Data protection officer"), validators=[Optional(), Length(max=500)],
                                description=_l("Name or service, and how to reach them."))
    host = TextAreaField(_l("Host"), validators=[Optional(), Length(max=500)],
                         description=_l("Name, address and telephone number of the hosting provider."))
    accessibility_state = SelectField(_l("Accessibility compliance (RGAA)"), choices=_compliance_choices)
    accessibility_audit_date = DateField(_l("Date of the accessibility audit"), validators=[Optional()],
                                         description=_l("Leave empty if the site has not been audited."))
    accessibility_exceptions = TextAreaField(_l("Content that is not accessible"),
                                             validators=[Optional(), Length(max=BODY_MAX)],
                                             description=_l("Markdown: what is not accessible, and why."))
    accessibility_contact = TextAreaField(
        _l("Accessibility feedback contact"), validators=[Optional(), Length(max=500)],
        description=_l("Where to report an accessibility problem; empty: the contact e-mail."))
    accessibility_plan = TextAreaField(_l("Multi-year accessibility plan"),
                                       validators=[Optional(), Length(max=BODY_MAX)],
                                       description=_l("Markdown: the plan, or a link to it."))


#: (legend, field names) in page order.
DETAIL_SECTIONS = [
    (_l("Publisher"), ["publisher", "address", "publication_director", "contact_email", "host"]),
    (_l("Personal data"), ["dpo_contact"]),
    (_l("Accessibility"), ["accessibility_state", "accessibility_audit_date", "accessibility_exceptions",
                           "accessibility_contact", "accessibility_plan"]),
]
