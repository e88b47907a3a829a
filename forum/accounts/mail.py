"""Outgoing e-mail: SMTP when MAIL_URL is set, otherwise the app log (logger ``forum.mail``).

MAIL_URL forms: ``smtp://user:password@host:587`` (STARTTLS when the server offers it),
``smtps://user:password@host:465`` (TLS from the start), ``smtp://host:25`` (no login).
Without MAIL_URL (the embedded mode) each message is written to the log at INFO level, so a
developer can follow a password-reset link from the console.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app

logger = logging.getLogger("forum.mail")


def init_app(app: Flask) -> None:
    """Make sure logged mail is visible: INFO for ``forum.mail``, through Flask's log handler."""
    _ = app.logger  # installs Flask's default handler on the `forum` logger if none is configured
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=current_app.config["MAIL_FROM"].rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text message now (callers send after their transaction is decided)."""
    message = build_message(to, subject, body)
    url = current_app.config.get("MAIL_URL")
    if not url:
        logger.info("Mail to %s\nSubject: %s\n\n%s", to, subject, body)
        return
    _send_smtp(url, message)


def _send_smtp(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(f"MAIL_URL must start with smtp:// or smtps://, not {parts.scheme}://")
    host = parts.hostname or "localhost"
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if parts.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(host, port, timeout=20, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=20)
    with smtp:
        smtp.ehlo()
        if parts.scheme == "smtp" and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)
    logger.info("Mail sent to %s: %s", message["To"], message["Subject"])
