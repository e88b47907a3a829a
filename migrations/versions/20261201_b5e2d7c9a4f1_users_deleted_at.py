"""users.deleted_at: a member who deleted their account stays as an anonymous row ("deleted member").

Revision ID: b5e2d7c9a4f1
Revises: 7d41c2a9e5f0
Create Date: 2026-12-01 12:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = "b5e2d7c9a4f1"
down_revision = "7d41c2a9e5f0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
