"""NPS forms: input parsing only; the rules live in forum.nps.actions."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length

from forum.nps import rules


class NpsForm(FlaskForm):
    """The survey: a score 0–10 (radio buttons), an optional comment and product category."""

    score = RadioField(_l("How likely are you to recommend the product to a friend or colleague?"),
                       choices=[(str(n), str(n)) for n in range(rules.SCORE_MIN, rules.SCORE_MAX + 1)],
                       validate_choice=False)
    comment = TextAreaField(_l("What is the main reason for your score? (optional)"),
                            validators=[Length(max=rules.COMMENT_MAX)],
                            render_kw={"rows": 2, "maxlength": rules.COMMENT_MAX})
    category = SelectField(_l("Product (optional)"), coerce=str, default="", validate_choice=False)
    next = HiddenField()

    def set_categories(self, categories: list[Any]) -> None:
        self.category.choices = [("", _l("— Any product —"))] + [(str(c.id), c.name) for c in categories]

    @property
    def score_value(self) -> int | None:
        raw = self.score.data
        return int(raw) if isinstance(raw, str) and raw.isdigit() else None

    @property
    def category_id(self) -> int | None:
        raw = self.category.data
        return int(raw) if isinstance(raw, str) and raw.isdigit() else None


class DismissForm(FlaskForm):
    """Hide the prompt for a while (CSRF only)."""

    next = HiddenField()


class FollowupForm(FlaskForm):
    """Mark a follow-up contacted or resolved, with a note."""

    status = SelectField(_l("Status"), choices=[("contacted", _l("Contacted")), ("resolved", _l("Resolved"))],
                         validate_choice=False)
    note = TextAreaField(_l("Note (required)"), render_kw={"rows": 2})
