"""The JSON API blueprint (docs/api.md), registered by create_app as ``forum.api.views.bp``.

Each route module registers its routes on ``forum.api.core.bp`` when imported; other parts add
their module's import line below.
"""

from __future__ import annotations

from flask import Flask

from forum.api import core
from forum.api import accounts, qa  # noqa: F401  (route modules register on bp)
from forum.api import ideas, moderation  # noqa: F401
from forum.api import search  # noqa: F401
from forum.api import rewards  # noqa: F401
from forum.api import nps  # noqa: F401
from forum.api import reports  # noqa: F401
from forum.api import reports_accounts  # noqa: F401
from forum.api import privacy  # noqa: F401
from forum.api import pages

bp = core.bp


def init_app(app: Flask) -> None:
    core.init_app(app)
    app.register_blueprint(pages.bp)
