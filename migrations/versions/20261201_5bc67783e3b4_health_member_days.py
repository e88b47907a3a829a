"""Health reports: per-day, per-member activity rows rolled up from the engagement log (member_days).

Revision ID: 5bc67783e3b4
Revises: 01953b0bf51a
Create Date: 2026-12-01 10:36:02.655297
"""

from alembic import op
import sqlalchemy as sa


revision = '5bc67783e3b4'
down_revision = '01953b0bf51a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('member_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('contributions', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_days')),
    sa.UniqueConstraint('day', 'user_id', 'category_id', name=op.f('uq_member_days_day_user_id_category_id'))
    )
    with op.batch_alter_table('member_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_days_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('member_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_days_user_id'))

    op.drop_table('member_days')
