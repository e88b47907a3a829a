"""search_vectors: the semantic retriever's int8 vector of each indexed document (search part).

Revision ID: a7c3e9f1d2b4
Revises: c4a1e7d2b9f3
Create Date: 2026-12-01 12:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'a7c3e9f1d2b4'
down_revision = 'c4a1e7d2b9f3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'search_vectors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('doc_type', sa.String(length=20), nullable=False),
        sa.Column('doc_id', sa.Integer(), nullable=False),
        sa.Column('model', sa.String(length=40), nullable=False),
        sa.Column('digest', sa.String(length=40), nullable=False),
        sa.Column('language', sa.String(length=8), server_default='en', nullable=False),
        sa.Column('vector', sa.LargeBinary(), nullable=True),
        sa.Column('scale', sa.Float(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_vectors')),
        sa.UniqueConstraint('doc_type', 'doc_id', name='uq_search_vectors_doc'),
    )
    op.create_index(op.f('ix_search_vectors_updated_at'), 'search_vectors', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_search_vectors_updated_at'), table_name='search_vectors')
    op.drop_table('search_vectors')
