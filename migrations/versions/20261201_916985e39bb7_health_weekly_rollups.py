"""Health reports: per-week member rows (member_weeks), per-day distinct active counts (active_days) and the roll-up mark (event_rollup_marks).

Revision ID: 916985e39bb7
Revises: 5bc67783e3b4
Create Date: 2026-12-01 11:00:01.313125
"""

from alembic import op
import sqlalchemy as sa


revision = '916985e39bb7'
down_revision = '5bc67783e3b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('active_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('contributors', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_active_days')),
    sa.UniqueConstraint('day', 'category_id', name=op.f('uq_active_days_day_category_id'))
    )
    op.create_table('event_rollup_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_rollup_marks'))
    )
    op.create_table('member_weeks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('contributions', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_weeks')),
    sa.UniqueConstraint('week', 'category_id', 'user_id', name=op.f('uq_member_weeks_week_category_id_user_id'))
    )
    with op.batch_alter_table('member_weeks', schema=None) as batch_op:
        batch_op.create_index('ix_member_weeks_user_week', ['user_id', 'week'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('member_weeks', schema=None) as batch_op:
        batch_op.drop_index('ix_member_weeks_user_week')

    op.drop_table('member_weeks')
    op.drop_table('event_rollup_marks')
    op.drop_table('active_days')
