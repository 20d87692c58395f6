"""Forms of the mission pages. Every form that changes something carries a CSRF token."""

from __future__ import annotations

from wtforms import DateField, IntegerField, SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ptcc.web import forms as base
from ptcc_volunteering.i18n import _l
from ptcc_volunteering.services import MAX_MESSAGE, MAX_VOLUNTEERS


class MissionForm(base.Form):
    organisation = SelectField(_l("Organisation"), coerce=int, validate_choice=True,
                               validators=[InputRequired(_l("Choose the organisation that posts the mission."))])
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the mission a title.")), Length(max=160)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=20000)],
        description=_l("What volunteers will do, with whom, what is provided. Markdown is accepted: "
                       "**bold**, *italics*, [link](https://…), lists."))
    skills = StringField(_l("Skills"), validators=[Optional(), Length(max=700)],
                         description=_l("Separated by commas, for instance: cooking, welcoming, DIY."))
    commune = StringField(_l("Commune"), validators=[DataRequired(_l("Say in which commune the mission takes place.")),
                                                    Length(max=120)])
    starts_on = DateField(_l("First day"), validators=[Optional()],
                          description=_l("Leave the dates empty for a recurring mission and describe it below."))
    ends_on = DateField(_l("Last day"), validators=[Optional()],
                        description=_l("Leave empty for a one-day mission."))
    availability = StringField(_l("Recurring availability"), validators=[Optional(), Length(max=200)],
                               description=_l("For instance: every Saturday morning, two hours a week."))
    volunteers_needed = IntegerField(
        _l("Number of volunteers needed"), default=1,
        validators=[InputRequired(_l("Give the number of volunteers needed.")),
                    NumberRange(min=1, max=MAX_VOLUNTEERS)])
    contact = StringField(_l("Contact"), validators=[Optional(), Length(max=200)],
                          description=_l("An e-mail address or phone number, shown to signed-in people only."))

    #: Fields passed to the services, in page order.
    MISSION_FIELDS = ("title", "description", "skills", "commune", "starts_on", "ends_on", "availability",
                      "volunteers_needed", "contact")

    def mission_values(self) -> dict:
        return {name: self[name].data for name in self.MISSION_FIELDS}


class EditMissionForm(MissionForm):
    """The same fields; the organisation of a mission does not change."""

    organisation = None


class AnswerForm(base.Form):
    message = TextAreaField(
        _l("Message to the organisation (optional)"), validators=[Optional(), Length(max=MAX_MESSAGE)],
        description=_l("The organisation will see your name, your e-mail address and this message."))


class ConfirmForm(base.Form):
    """A button confirming an action; only the CSRF token is checked."""

#: Beyond this many organisations with open missions, the filter asks for a part of a name.
MAX_LISTED_ORGANISATIONS = 50


class FilterForm(base.FilterForm):
    """The GET form above the mission list (no CSRF: it changes nothing)."""

    commune = SelectField(_l("Commune"), validators=[Optional()], validate_choice=False)
    skill = SelectField(_l("Skill"), validators=[Optional()], validate_choice=False)
    date = DateField(_l("Available on"), validators=[Optional()],
                     description=_l("Missions taking place that day; recurring missions are always shown."))
    organisation = SelectField(_l("Organisation"), validators=[Optional()], validate_choice=False)
    #: Shown instead of ``organisation`` when a list of every organisation would be too long to use.
    organisation_name = SearchField(_l("Organisation"), validators=[Optional(), Length(max=160)],
                                    description=_l("A part of its name, for instance “jardin”."))

    def fill_choices(self, choices: dict, everything) -> None:
        self.commune.choices = [("", everything)] + [(c, c) for c in choices["communes"]]
        self.skill.choices = [("", everything)] + list(choices["skills"])
        organisations = list(choices["organisations"])
        #: Whether the organisations fit in a list a person can read (and a page can carry).
        self.organisation_listed = len(organisations) <= MAX_LISTED_ORGANISATIONS
        self.organisation.choices = [("", everything)] + (organisations if self.organisation_listed else [])


class VolunteeringSettingsForm(base.Form):
    """The plugin's per-territory settings, shown on the territory's settings page."""

    # Optional: a settings form posted without this field (another page, an older client) keeps
    # the current value; left empty, the default applies again.
    home_missions = IntegerField(
        _l("Missions shown on the home page"), default=3,
        validators=[Optional(), NumberRange(min=0, max=12, message=_l("Give a number between 0 and 12."))],
        description=_l("The latest open missions shown on the territory's home page (0 hides them; "
                       "empty: 3)."))
