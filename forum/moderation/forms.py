"""Moderation forms: input parsing only; the rules live in forum.moderation.actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from forum.moderation import rules


class QueueDecisionForm(FlaskForm):
    """One decision on a queue item (the queue page has an approve, a reject and an escalate form per
    item; only the reject form has the reason select). The action checks the rule."""

    action = HiddenField()
    reason = SelectField(_l("Reason"),
                         choices=[("", _l("— Reason —"))] + [(k, v) for k, v in rules.REJECTION_REASONS.items()],
                         validate_choice=False)  # the action checks the reason (a rejection needs one)
    note = StringField(_l("Note for the author (optional)"))


class AppealForm(FlaskForm):
    note = TextAreaField(_l("Why should the rejection be reconsidered?"))


class PolicyOverrideForm(FlaskForm):
    """An admin's override of a scope's mode (the policy page); the action checks the rule."""

    mode = SelectField(_l("Mode"), choices=[(m.value, rules.MODE_LABELS[m]) for m in rules.MODE_ORDER])
    note = TextAreaField(_l("Note (why; shown on this page)"))
    until = DateTimeLocalField(_l("Until (UTC; empty: the default length)"), format="%Y-%m-%dT%H:%M",
                               validators=[Optional()])
    category = HiddenField()


class ClearOverrideForm(FlaskForm):
    category = HiddenField()


# --------------------------------------------------------------------------- flags

class FlagForm(FlaskForm):
    """A member's flag on a question, answer, comment or idea; the action checks every rule."""

    content_type = HiddenField()
    content_id = HiddenField()
    reason = SelectField(_l("Why?"), choices=[(k, v) for k, v in rules.FLAG_REASONS.items()], validate_choice=False)
    note = TextAreaField(_l("Note for the moderators (optional)"))
    next = HiddenField()
