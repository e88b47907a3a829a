"""member_lasts: per member and category (and over every category, -1) the last rolled-up active day
and the last day with a contribution, filled from member_days.

Revision ID: 3b9e6f1a0c7d
Revises: b5e2d7c9a4f1
Create Date: 2026-12-01 12:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "3b9e6f1a0c7d"
down_revision = "b5e2d7c9a4f1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_lasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("last_contribution_day", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_lasts")),
        sa.UniqueConstraint("user_id", "category_id", name=op.f("uq_member_lasts_user_id_category_id")),
    )
    with op.batch_alter_table("member_lasts", schema=None) as batch_op:
        batch_op.create_index("ix_member_lasts_day", ["category_id", "last_day", "user_id", "last_contribution_day"],
                              unique=False)
    contributed = "max(CASE WHEN contributions > 0 THEN day END)"
    op.execute("INSERT INTO member_lasts (user_id, category_id, last_day, last_contribution_day) "
               f"SELECT user_id, category_id, max(day), {contributed} FROM member_days GROUP BY user_id, category_id")
    op.execute("INSERT INTO member_lasts (user_id, category_id, last_day, last_contribution_day) "
               f"SELECT user_id, -1, max(day), {contributed} FROM member_days GROUP BY user_id")


def downgrade() -> None:
    with op.batch_alter_table("member_lasts", schema=None) as batch_op:
        batch_op.drop_index("ix_member_lasts_day")
    op.drop_table("member_lasts")
