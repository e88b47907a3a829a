"""Indexes for the question list and idea board sorts (created_at/score/last_activity_at with their
ties), so the lists, signed in or not, walk an index instead of sorting every row.

Revision ID: f2c8a4e6b1d9
Revises: d3b8f0a6c2e1
Create Date: 2026-12-01
"""

from alembic import op

revision = "f2c8a4e6b1d9"
down_revision = "d3b8f0a6c2e1"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_questions_status_score_created", "questions", ["status", "score", "created_at"]),
    ("ix_questions_status_active", "questions", ["status", "last_activity_at"]),
    ("ix_questions_created_id", "questions", ["created_at", "id"]),
    ("ix_questions_score_created", "questions", ["score", "created_at"]),
    ("ix_ideas_created_id", "ideas", ["created_at", "id"]),
    ("ix_ideas_supporters_created", "ideas", ["supporters", "created_at"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
