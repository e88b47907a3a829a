"""The `flask forum ...` command group; each part adds its commands from its own cli.py."""

from __future__ import annotations

from flask.cli import AppGroup

forum_cli = AppGroup("forum", help="Forum administration and periodic work.")
