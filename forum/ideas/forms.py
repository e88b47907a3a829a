"""Idea board forms: input parsing only; the rules live in forum.ideas.actions."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forum.ideas import rules


class IdeaForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=rules.TITLE_MAX)],
                        render_kw={"maxlength": rules.TITLE_MAX, "autocomplete": "off"})
    description = TextAreaField(_l("Description"), validators=[Length(max=rules.DESCRIPTION_MAX)],
                                render_kw={"rows": 10})
    category = SelectField(_l("Category"), coerce=int, default=0)
    image = FileField(_l("Image (optional)"),
                      description=LazyString(lambda: _("PNG, JPEG, GIF or WebP, at most %(n)s MB.",
                                                       n=rules.image_max_megabytes())),
                      render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"})

    def set_categories(self, categories: list) -> None:
        self.category.choices = [(0, _l("— No category —"))] + [(c.id, c.name) for c in categories]

    @property
    def category_id(self) -> int | None:
        return self.category.data or None


class SupportForm(FlaskForm):
    importance = SelectField(_l("How much does it matter to you?"), default="",
                             choices=[("", _l("— Say how much (optional) —"))]
                             + [(k, v) for k, v in rules.IMPORTANCE_LABELS.items()])
    comment = StringField(_l("A short comment (optional)"), validators=[Length(max=rules.SUPPORT_COMMENT_MAX)],
                          render_kw={"maxlength": rules.SUPPORT_COMMENT_MAX})


class ConfirmForm(FlaskForm):
    """A bare POST with its CSRF token (withdrawing a support)."""


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[Length(max=rules.COMMENT_MAX)],
                         render_kw={"maxlength": rules.COMMENT_MAX, "rows": 3})


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[])
    note = TextAreaField(_l("Public note (required)"), render_kw={"rows": 3})
    release_url = StringField(_l("Release URL (when shipped)"), validators=[Optional(), Length(max=rules.RELEASE_URL_MAX)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.note.render_kw = {"rows": 3, "maxlength": rules.note_max_chars()}


class MergeForm(FlaskForm):
    into = IntegerField(_l("Merge into idea number"), validators=[InputRequired()])
