"""Forms of the organisation pages.

The services check everything again; the forms' own validators exist so that
every mistake of a form shows at once, next to its field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ptcc.organisations import identifiers
from ptcc.organisations.labels import CIRCLE_LABELS, KIND_LABELS, ROLE_LABELS
from ptcc.organisations.models import Circle, MembershipRole, OrganisationKind
from ptcc.organisations.services import MAX_DECLARED_MEMBERS
from ptcc.web.forms import FilterForm, Form


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _kind_choices():
    return [(kind.value, KIND_LABELS[kind]) for kind in OrganisationKind]


def _circle_choices():
    return [(circle.value, CIRCLE_LABELS[circle]) for circle in Circle]


def _role_choices():
    return [(role.value, ROLE_LABELS[role]) for role in MembershipRole]


def _identifier(cleaner):
    def check(form, field):
        try:
            field.data = cleaner(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    return check


class OrganisationForm(Form):
    """Creation and edition of a profile; ``topics.choices`` are set by the view."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the organisation's name.")), Length(max=160)])
    kind = SelectField(_l("Kind of organisation"), choices=_kind_choices)
    circle = RadioField(
        _l("Circle"), choices=_circle_choices, default=Circle.FIRST.value,
        description=_l("The first circle gathers field actors (associations, ESS enterprises, citizen media "
                       "and collectives); the second, partners (local authorities, research centres, "
                       "federations)."))
    description = TextAreaField(
        _l("Presentation"), validators=[Optional(), Length(max=20000)],
        description=_l("What the organisation does, for whom, how to reach it. Markdown is accepted: "
                       "**bold**, *italics*, [link](https://…), lists."))
    topics = MultiCheckboxField(_l("Topics"), choices=[])
    new_topics = StringField(
        _l("Other topics"), validators=[Optional(), Length(max=400)],
        description=_l("Topics missing from the list, separated by commas."))
    commune = StringField(_l("Commune"), validators=[
        DataRequired(_l("Give the commune where the organisation is based.")), Length(max=120)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)],
                          description=_l("For instance https://example.org."))
    declared_members = IntegerField(
        _l("Number of members"), validators=[Optional(), NumberRange(min=0, max=MAX_DECLARED_MEMBERS)],
        description=_l("As the organisation declares it; shown as declared."))
    rna = StringField(_l("RNA number"), validators=[Optional(), _identifier(identifiers.clean_rna)],
                      description=_l("Associations: W followed by 9 digits."))
    siren = StringField(_l("SIREN number"), validators=[Optional(), _identifier(identifiers.clean_siren)],
                        description=_l("9 digits."))
    siret = StringField(_l("SIRET number"), validators=[Optional(), _identifier(identifiers.clean_siret)],
                        description=_l("14 digits: the SIREN and the establishment's number."))

    #: Shown only when the submitted organisation looks like one already registered.
    not_duplicate = BooleanField(_l("This is a different organisation: register it anyway"))

    def validate_siret(self, field):
        problem = identifiers.siren_siret_mismatch(self.siren.data or "", field.data or "")
        if problem and not self.siren.errors:
            raise ValidationError(problem)


class OrganisationCommuneForm(OrganisationForm):
    """The same, in a territory that has imported its communes: the commune is one of them
    (its INSEE code; ``commune.choices`` set by the view). ``communes.js`` turns the select
    into an autocomplete; without JavaScript it stays a select."""

    commune = SelectField(
        _l("Commune"), validators=[DataRequired(_l("Choose the commune where the organisation is based."))],
        # The service checks the choice (by INSEE code, or by name for older clients).
        validate_choice=False,
        description=_l("Type the first letters of its name or its postal code to narrow the list."))


#: (legend, field names) in page order.
ORGANISATION_SECTIONS = [
    (_l("Identity"), ["name", "kind", "circle", "description"]),
    # Not "Topics": the checkboxes inside are a fieldset of that name (no group in a group alike).
    (_l("Fields of action"), ["topics", "new_topics"]),
    (_l("Where and how big"), ["commune", "website", "declared_members"]),
    (_l("Official identifiers (optional)"), ["rna", "siren", "siret"]),
]


class RefusalForm(Form):
    reason = TextAreaField(
        _l("Reason for the refusal"),
        validators=[DataRequired(_l("Explain the refusal in a sentence: the requester will read it.")),
                    Length(min=5, max=2000)],
        description=_l("Sent to the organisation's owners and kept in the audit log."))


class SuspensionForm(Form):
    reason = TextAreaField(
        _l("Reason for the suspension"),
        validators=[DataRequired(_l("Explain the suspension in a sentence: the owners will read it.")),
                    Length(min=5, max=2000)],
        description=_l("Sent to the organisation's owners, shown to its members and kept in the audit log."))


class MergeTargetForm(FilterForm):
    """The GET form choosing the organisation to keep; choices set by the view."""

    into = SelectField(_l("Organisation to keep"), validators=[Optional()], validate_choice=False)


class MergeForm(Form):
    """The confirmation of a merge: the organisation to keep, as previewed."""

    into = StringField(validators=[DataRequired(), Length(max=80)])


class InvitationForm(Form):
    email = EmailField(_l("E-mail address"),
                       validators=[DataRequired(_l("Give the e-mail address of the person to invite.")),
                                   Length(max=254)])
    role = SelectField(_l("Role"), choices=_role_choices, default=MembershipRole.MEMBER.value)
    may_sign = BooleanField(_l("May sign on behalf of the organisation"))


class MembershipForm(Form):
    role = SelectField(_l("Role"), choices=_role_choices)
    may_sign = BooleanField(_l("May sign on behalf of the organisation"))


class DirectoryFilterForm(FilterForm):
    """The GET form above the directory (no CSRF: it changes nothing); choices set by the view."""

    kind = SelectField(_l("Kind"), validators=[Optional()], validate_choice=False)
    topic = SelectField(_l("Topic"), validators=[Optional()], validate_choice=False)
    commune = SelectField(_l("Commune"), validators=[Optional()], validate_choice=False)
