"""member_lasts: per member and category (and over every category, -1) the last rolled-up active day,
the last day with a contribution and the first with a contribution from the sign-up day on (the
activation day), filled from member_days.

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
        sa.Column("activated_day", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_lasts")),
        sa.UniqueConstraint("user_id", "category_id", name=op.f("uq_member_lasts_user_id_category_id")),
    )
    with op.batch_alter_table("member_lasts", schema=None) as batch_op:
        batch_op.create_index("ix_member_lasts_day", ["category_id", "last_day", "user_id", "last_contribution_day"],
                              unique=False)
    signup_day = "CAST(u.created_at AS DATE)" if op.get_bind().dialect.name == "postgresql" else "date(u.created_at)"
    columns = "user_id, category_id, last_day, last_contribution_day, activated_day"
    values = ("max(d.day), max(CASE WHEN d.contributions > 0 THEN d.day END), "
              f"min(CASE WHEN d.contributions > 0 AND d.day >= {signup_day} THEN d.day END)")
    joined = "member_days d LEFT OUTER JOIN users u ON u.id = d.user_id"
    op.execute(f"INSERT INTO member_lasts ({columns}) "
               f"SELECT d.user_id, d.category_id, {values} FROM {joined} GROUP BY d.user_id, d.category_id")
    op.execute(f"INSERT INTO member_lasts ({columns}) SELECT d.user_id, -1, {values} FROM {joined} GROUP BY d.user_id")


def downgrade() -> None:
    with op.batch_alter_table("member_lasts", schema=None) as batch_op:
        batch_op.drop_index("ix_member_lasts_day")
    op.drop_table("member_lasts")
