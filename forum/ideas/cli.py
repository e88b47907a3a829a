"""The idea board's share of the commands: its demo loader (`forum demo`) and its generator
(`forum generate --ideas`); the deadline job is ``actions.expire_overdue_ideas`` (`forum tick`)."""

from __future__ import annotations

import forum.ideas.demo  # noqa: F401  (registers the ideas loader of `forum demo`)
import forum.ideas.generate  # noqa: F401  (registers the ideas of `forum generate --ideas`)
