"""Moderation forms: input parsing only; the rules live in forum.moderation.actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from forum.moderation import rules


class QueueDecisionForm(FlaskForm):
    action = SelectField(_l("Decision"), choices=[("approve", _l("Approve")), ("reject", _l("Reject"))])
    reason = SelectField(_l("Reason (for a rejection)"),
                         choices=[("", _l("— Reason —"))] + [(k, v) for k, v in rules.REJECTION_REASONS.items()],
                         validate_choice=False)  # the action checks the reason (a rejection needs one)
    note = StringField(_l("Note"))
