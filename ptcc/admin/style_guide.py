"""The living style guide (/admin/style-guide): every component of templates/_ui.html drawn
with sample content in the territory's own theme, and the theme's colours with the contrast
of each pair the pages draw (ptcc.web.theme.PAIRS)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Optional

from ptcc.accounts.models import Role
from ptcc.accounts.permissions import require_role
from ptcc.admin.forms import MultiCheckboxField
from ptcc.tenancy.settings import territory_settings
from ptcc.web.assets import ICONS
from ptcc.web.forms import Form
from ptcc.web.theme import contrast_ratio, derive_palette, palette_pairs


@dataclass(frozen=True)
class SamplePage:
    """Enough of a query page for ui.pagination."""

    page: int = 2
    pages: int = 5
    has_prev: bool = True
    prev_num: int = 1
    has_next: bool = True
    next_num: int = 3


class SampleForm(Form):
    """Fields as the pages draw them; the style guide never saves anything."""

    name = StringField(_l("Name of the organisation"), validators=[DataRequired()])
    email = EmailField(_l("Contact e-mail address"), validators=[Optional()])
    topics = MultiCheckboxField(_l("Topics"), choices=[
        ("food", _l("Sustainable food")), ("mobility", _l("Soft mobility")), ("digital", _l("Free software")),
    ])
    agree = BooleanField(_l("I have read the charter"))


def style_guide_data(actor) -> dict:
    """What the style guide page draws; administrators only."""
    require_role(actor, Role.ADMIN)
    settings = territory_settings()
    palette = derive_palette(settings.primary_color, settings.accent_color)
    pairs = [
        {"fg": fg, "fg_colour": fg_colour, "bg": bg, "bg_colour": bg_colour, "minimum": minimum,
         "ratio": contrast_ratio(fg_colour, bg_colour)}
        for fg, fg_colour, bg, bg_colour, minimum in palette_pairs(settings.primary_color, settings.accent_color)
    ]
    return {"palette": palette, "pairs": pairs, "icons": ICONS, "sample_page": SamplePage()}
