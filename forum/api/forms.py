"""Forms of the API part's pages: a webhook's address, description, events and state; deleting one's account."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from forum.api import rules


class EventsField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WebhookForm(FlaskForm):
    url = StringField(_l("Address (URL)"), validators=[DataRequired(_l("Enter the address to send events to.")),
                                                       Length(max=rules.URL_MAX)],
                      description=_l("An https:// address that accepts POST requests with a JSON body."))
    description = StringField(_l("Description"), validators=[Length(max=rules.DESCRIPTION_MAX)],
                              description=_l("What receives these events, e.g. “CRM sync”."))
    events = EventsField(_l("Events"), validators=[DataRequired(_l("Choose at least one event."))])
    active = BooleanField(_l("Active (send deliveries)"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.events.choices = [SelectChoice(e.value, f"{e.value} — {rules.EVENT_LABELS[e]}") for e in rules.WebhookEvent]


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your current password"), validators=[DataRequired(_l("Enter your password."))])
    confirm = BooleanField(_l("I understand that my account cannot be restored."),
                           validators=[DataRequired(_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Delete my account"))
