"""member_weeks.signup_week: the member's sign-up Monday, and its cohort index; event_rollup_marks.version.

Revision ID: e16740f5bd46
Revises: 916985e39bb7
Create Date: 2026-12-01 11:03:51.373006
"""

from alembic import op
import sqlalchemy as sa


revision = 'e16740f5bd46'
down_revision = '916985e39bb7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('member_weeks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signup_week', sa.Date(), nullable=True))
        batch_op.create_index('ix_member_weeks_cohort', ['category_id', 'signup_week', 'week'], unique=False)
    with op.batch_alter_table('event_rollup_marks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        joined, monday = "u.created_at::date", "date_trunc('week', u.created_at)::date"
    else:
        joined = "date(u.created_at)"
        monday = "date(u.created_at, '-' || ((cast(strftime('%w', u.created_at) as integer) + 6) % 7) || ' days')"
    # Existing rows: the sign-up Monday, None for a sign-up week row without activity from the sign-up day on.
    op.execute(f"UPDATE member_weeks SET signup_week = (SELECT CASE WHEN {monday} = member_weeks.week "
               f"AND member_weeks.last_day < {joined} THEN NULL ELSE {monday} END FROM users u "
               "WHERE u.id = member_weeks.user_id)")


def downgrade() -> None:
    with op.batch_alter_table('event_rollup_marks', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('member_weeks', schema=None) as batch_op:
        batch_op.drop_index('ix_member_weeks_cohort')
        batch_op.drop_column('signup_week')
