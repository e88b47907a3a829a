"""NPS survey and follow-ups, the moderation gate per scope, flags, escalations and appeals.

Revision ID: 01953b0bf51a
Revises: b06e5be0575f
Create Date: 2026-12-01 10:08:04.513230
"""

from alembic import op
import sqlalchemy as sa


revision = '01953b0bf51a'
down_revision = 'b06e5be0575f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('moderation_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('mode', sa.Enum('open', 'guarded', 'strict', name='mode', native_enum=False, length=20), nullable=False),
    sa.Column('nps', sa.Float(), nullable=True),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('margin', sa.Float(), nullable=True),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=True),
    sa.Column('from_fallback', sa.Boolean(), nullable=False),
    sa.Column('override_mode', sa.Enum('open', 'guarded', 'strict', name='mode', native_enum=False, length=20), nullable=True),
    sa.Column('override_note', sa.Text(), nullable=False),
    sa.Column('override_until', sa.DateTime(), nullable=True),
    sa.Column('override_by_id', sa.Integer(), nullable=True),
    sa.Column('override_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_moderation_policies_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['override_by_id'], ['users.id'], name=op.f('fk_moderation_policies_override_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_policies')),
    sa.UniqueConstraint('category_id', name=op.f('uq_moderation_policies_category_id')),
    sa.UniqueConstraint('scope', name=op.f('uq_moderation_policies_scope'))
    )
    with op.batch_alter_table('moderation_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_policies_override_by_id'), ['override_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_policies_override_until'), ['override_until'], unique=False)

    op.create_table('nps_prompt_dismissals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('dismissed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_nps_prompt_dismissals_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nps_prompt_dismissals')),
    sa.UniqueConstraint('user_id', name=op.f('uq_nps_prompt_dismissals_user_id'))
    )
    op.create_table('nps_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('organization_tier', sa.Enum('benchmark', 'value_added', 'standard', name='tier', native_enum=False, length=20), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 10', name=op.f('ck_nps_responses_score_range')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_nps_responses_category_id_categories'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_nps_responses_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_nps_responses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nps_responses'))
    )
    with op.batch_alter_table('nps_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nps_responses_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nps_responses_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_nps_responses_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_nps_responses_user_created', ['user_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_nps_responses_user_id'), ['user_id'], unique=False)

    op.create_table('flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('flagger_id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('content_id', sa.Integer(), nullable=False),
    sa.Column('content_author_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.Enum('pending', 'upheld', 'dismissed', name='flagoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['content_author_id'], ['users.id'], name=op.f('fk_flags_content_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_flags_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['flagger_id'], ['users.id'], name=op.f('fk_flags_flagger_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['moderation_items.id'], name=op.f('fk_flags_item_id_moderation_items'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flags')),
    sa.UniqueConstraint('flagger_id', 'content_type', 'content_id', name=op.f('uq_flags_flagger_id_content_type_content_id'))
    )
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.create_index('ix_flags_content', ['content_type', 'content_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_content_author_id'), ['content_author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_decided_by_id'), ['decided_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_flagger_id'), ['flagger_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_outcome'), ['outcome'], unique=False)

    op.create_table('followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('nps', 'post', name='followupsource', native_enum=False, length=20), nullable=False),
    sa.Column('nps_response_id', sa.Integer(), nullable=True),
    sa.Column('content_type', sa.String(length=20), nullable=True),
    sa.Column('content_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'contacted', 'resolved', name='followupstatus', native_enum=False, length=20), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['nps_response_id'], ['nps_responses.id'], name=op.f('fk_followups_nps_response_id_nps_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_followups_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_followups_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followups')),
    sa.UniqueConstraint('content_type', 'content_id', name=op.f('uq_followups_content_type_content_id')),
    sa.UniqueConstraint('nps_response_id', name=op.f('uq_followups_nps_response_id'))
    )
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followups_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_followups_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followups_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_followups_user_id'), ['user_id'], unique=False)

    op.create_table('followup_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('followup_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'contacted', 'resolved', name='followupstatus', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_followup_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['followup_id'], ['followups.id'], name=op.f('fk_followup_notes_followup_id_followups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_notes'))
    )
    with op.batch_alter_table('followup_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_notes_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_notes_followup_id'), ['followup_id'], unique=False)

    with op.batch_alter_table('moderation_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('negative', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('escalated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('escalated_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('appeal_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('appeal_note', sa.Text(), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_moderation_items_escalated_by_id'), ['escalated_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_moderation_items_escalated_by_id_users'), 'users', ['escalated_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_moderation_items_appeal_of_id_moderation_items'), 'moderation_items', ['appeal_of_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('moderation_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_moderation_items_appeal_of_id_moderation_items'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_moderation_items_escalated_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_moderation_items_escalated_by_id'))
        batch_op.drop_column('appeal_note')
        batch_op.drop_column('appeal_of_id')
        batch_op.drop_column('escalated_by_id')
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('negative')

    with op.batch_alter_table('followup_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followup_notes_followup_id'))
        batch_op.drop_index(batch_op.f('ix_followup_notes_author_id'))

    op.drop_table('followup_notes')
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followups_user_id'))
        batch_op.drop_index(batch_op.f('ix_followups_status'))
        batch_op.drop_index(batch_op.f('ix_followups_organization_id'))
        batch_op.drop_index(batch_op.f('ix_followups_due_at'))

    op.drop_table('followups')
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flags_outcome'))
        batch_op.drop_index(batch_op.f('ix_flags_flagger_id'))
        batch_op.drop_index(batch_op.f('ix_flags_decided_by_id'))
        batch_op.drop_index(batch_op.f('ix_flags_content_author_id'))
        batch_op.drop_index('ix_flags_content')

    op.drop_table('flags')
    with op.batch_alter_table('nps_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nps_responses_user_id'))
        batch_op.drop_index('ix_nps_responses_user_created')
        batch_op.drop_index(batch_op.f('ix_nps_responses_organization_id'))
        batch_op.drop_index(batch_op.f('ix_nps_responses_created_at'))
        batch_op.drop_index(batch_op.f('ix_nps_responses_category_id'))

    op.drop_table('nps_responses')
    op.drop_table('nps_prompt_dismissals')
    with op.batch_alter_table('moderation_policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_policies_override_until'))
        batch_op.drop_index(batch_op.f('ix_moderation_policies_override_by_id'))

    op.drop_table('moderation_policies')
