"""Indexes for the health report: member_weeks (category_id, week, user_id, contributions), read
index-only for the period's active members and contributors; member_days (day, user_id,
category_id) where contributions > 0, read for activation.

Revision ID: 7d41c2a9e5f0
Revises: f2c8a4e6b1d9
Create Date: 2026-12-01 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "7d41c2a9e5f0"
down_revision = "f2c8a4e6b1d9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member_weeks", schema=None) as batch_op:
        batch_op.create_index("ix_member_weeks_members", ["category_id", "week", "user_id", "contributions"],
                              unique=False)
    with op.batch_alter_table("member_days", schema=None) as batch_op:
        batch_op.create_index("ix_member_days_contributing", ["day", "user_id", "category_id"], unique=False,
                              sqlite_where=sa.text("contributions > 0"),
                              postgresql_where=sa.text("contributions > 0"))


def downgrade() -> None:
    with op.batch_alter_table("member_days", schema=None) as batch_op:
        batch_op.drop_index("ix_member_days_contributing",
                            sqlite_where=sa.text("contributions > 0"),
                            postgresql_where=sa.text("contributions > 0"))
    with op.batch_alter_table("member_weeks", schema=None) as batch_op:
        batch_op.drop_index("ix_member_weeks_members")
