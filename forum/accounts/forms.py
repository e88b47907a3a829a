"""Accounts' forms: input shape only (required, lengths, matching passwords); rules live in actions."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (BooleanField, DateTimeLocalField, EmailField, HiddenField, IntegerField, PasswordField,
                     SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from forum.accounts.actions import PASSWORD_MIN, USERNAME_PATTERN
from forum.accounts.models import Tier

# How each language names itself (shown in its own script, never translated).
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}

TIER_LABELS = {"benchmark": _l("Benchmark"), "value_added": _l("Value added"), "standard": _l("Standard")}
ROLE_LABELS = {"moderator": _l("Moderator"), "product": _l("Product"), "cs": _l("Customer success"),
               "admin": _l("Admin"), "member": _l("Member")}
SCOPE_LABELS = {"read": _l("read — see what you can see"), "write": _l("write — post, vote and support as you"),
                "admin": _l("admin — staff calls allowed by your roles")}


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _password(label: Any) -> PasswordField:
    return PasswordField(label, validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=PASSWORD_MIN, max=200, message=_l("A password has %(min)d to %(max)d characters.")),
    ])


def _confirm(target: str) -> PasswordField:
    return PasswordField(_l("Repeat the password"), validators=[
        DataRequired(_l("Repeat the password.")), EqualTo(target, message=_l("The two passwords differ."))])


class SignupForm(FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(_l("Choose a username.")),
        Regexp(USERNAME_PATTERN, message=_l("A username has 3 to 30 letters, digits, dots, dashes or underscores, "
                                            "starting with a letter or digit.")),
    ], render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(_l("Enter your e-mail address.")),
        Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
        Length(max=254),
    ], render_kw={"autocomplete": "email"})
    password = _password(_l("Password"))
    confirm = _confirm("password")
    locale = SelectField(_l("Language"))
    next = HiddenField()
    submit = SubmitField(_l("Create account"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices()
        self.password.render_kw = {"autocomplete": "new-password"}
        self.confirm.render_kw = {"autocomplete": "new-password"}


class LoginForm(FlaskForm):
    login = StringField(_l("Username or e-mail"), validators=[DataRequired(_l("Enter your username or e-mail."))],
                        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(_l("Enter your e-mail address.")),
        Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
    ], render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Send the reset link"))


class ResetPasswordForm(FlaskForm):
    password = _password(_l("New password"))
    confirm = _confirm("password")
    submit = SubmitField(_l("Set the new password"))


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=80)],
                               description=_l("Shown instead of your username. Leave empty to use your username."))
    bio = TextAreaField(_l("About you"), validators=[Optional(), Length(max=2000)],
                        description=_l("A few words for other members: your role, your product areas."))
    locale = SelectField(_l("Language"))
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))],
                                     render_kw={"autocomplete": "current-password"})
    password = _password(_l("New password"))
    confirm = _confirm("password")
    submit = SubmitField(_l("Change password"))


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=80)],
                       description=_l("What the token is for, e.g. “CRM sync”."))
    scopes = MultiCheckboxField(_l("Scopes"), validators=[DataRequired(_l("Choose at least one scope."))])
    submit = SubmitField(_l("Create token"))

    def __init__(self, allowed: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes.choices = [SelectChoice(s, SCOPE_LABELS.get(s, s)) for s in allowed]


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("An organization needs a name.")), Length(max=120)])
    tier = SelectField(_l("Tier"), choices=[SelectChoice(t.value, TIER_LABELS[t.value]) for t in Tier], default="standard")
    arr = IntegerField(_l("ARR"), default=0, validators=[
        InputRequired(_l("Enter the annual recurring revenue (0 if unknown).")),
        NumberRange(min=0, message=_l("ARR is at least 0."))],
        description=_l("Annual recurring revenue, in whole currency units."))
    submit = SubmitField(_l("Save organization"))


class OrganizationMembersForm(FlaskForm):
    usernames = TextAreaField(_l("Members"), description=_l(
        "Usernames, separated by commas, spaces or new lines. Members not listed leave the organization."))
    submit = SubmitField(_l("Save members"))

    def username_list(self) -> list[str]:
        import re

        return [u for u in re.split(r"[,;\s]+", self.usernames.data or "") if u]


class OrganizationImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a CSV file.")), FileAllowed(["csv", "txt"], _l("The file must be a .csv file."))],
        description=_l("One organization per line: name, tier, ARR, member e-mails (separated by spaces or “;”). "
                       "A header line starting with “name” is skipped."))
    submit = SubmitField(_l("Import"))


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"))
    submit = SubmitField(_l("Save roles"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from forum.accounts.rules import ASSIGNABLE_ROLES

        super().__init__(*args, **kwargs)
        self.roles.choices = [SelectChoice(r, ROLE_LABELS[r]) for r in ASSIGNABLE_ROLES]


class SuspensionForm(FlaskForm):
    """A moderator suspends a member (the profile page); the action checks the rules."""

    until = DateTimeLocalField(_l("Suspended until (UTC)"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    reason = TextAreaField(_l("Reason (the member is told)"), validators=[Length(max=500)])


class LiftSuspensionForm(FlaskForm):
    pass


class EndSessionsForm(FlaskForm):
    """Settings: sign out everywhere else (only the CSRF token)."""
