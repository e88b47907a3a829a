"""Q&A forms: input parsing only; the rules (lengths, tags, categories) live in forum.qa.actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forum.qa import rules


class QuestionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=rules.TITLE_MAX)],
                        render_kw={"maxlength": rules.TITLE_MAX, "autocomplete": "off"})
    body = TextAreaField(_l("Details"), validators=[Length(max=rules.BODY_MAX)])
    tags = StringField(_l("Tags"), render_kw={"autocomplete": "off"})
    category = SelectField(_l("Category"), coerce=int, default=0)

    def set_categories(self, categories: list) -> None:
        self.category.choices = [(0, _l("— No category —"))] + [(c.id, c.name) for c in categories]

    @property
    def category_id(self) -> int | None:
        return self.category.data or None


class AnswerForm(FlaskForm):
    body = TextAreaField(_l("Your answer"), validators=[Length(max=rules.BODY_MAX)])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[Length(max=rules.COMMENT_MAX)],
                         render_kw={"maxlength": rules.COMMENT_MAX, "rows": 2})


class VoteForm(FlaskForm):
    value = IntegerField(validators=[InputRequired(), NumberRange(min=-1, max=1)])


class ToggleForm(FlaskForm):
    """A yes/no switch (accept, official, follow): `on` is "1" or "0"."""

    on = HiddenField(validators=[InputRequired()])

    @property
    def is_on(self) -> bool:
        return self.on.data == "1"


class ConfirmForm(FlaskForm):
    """A POST with only the CSRF token: deletions."""


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=80)])
    slug = StringField(_l("Slug"), validators=[Length(max=80)],
                       description=_l("Lower-case letters, digits and hyphens; used in the address."))
    description = TextAreaField(_l("Description"), validators=[Length(max=500)], render_kw={"rows": 3})
    ambassadors_only = BooleanField(_l("Ambassadors only (visible to ambassadors and staff)"))
    position = IntegerField(_l("Position"), default=0, validators=[Optional()],
                            description=_l("Lower numbers are listed first."))
