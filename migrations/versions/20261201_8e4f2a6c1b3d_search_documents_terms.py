"""search_documents, search_terms: the PostgreSQL full-text search backend's index and vocabulary
(search part; on other databases the tables stay empty, the keyword index being Whoosh).

Revision ID: 8e4f2a6c1b3d
Revises: 3b9e6f1a0c7d
Create Date: 2026-12-01 16:00:00
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '8e4f2a6c1b3d'
down_revision = '3b9e6f1a0c7d'
branch_labels = None
depends_on = None

TSVECTOR = sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'search_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('doc_type', sa.String(length=20), nullable=False),
        sa.Column('doc_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('solved', sa.Boolean(), nullable=False),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.Column('tag_names', sa.Text(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('answers', sa.Text(), nullable=False),
        sa.Column('spell', sa.Text(), nullable=False),
        sa.Column('title_len', sa.Integer(), nullable=False),
        sa.Column('tagtext_len', sa.Integer(), nullable=False),
        sa.Column('body_len', sa.Integer(), nullable=False),
        sa.Column('answers_len', sa.Integer(), nullable=False),
        sa.Column('tags_len', sa.Integer(), nullable=False),
        sa.Column('tsv', TSVECTOR, nullable=False),
        sa.Column('head', TSVECTOR, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
        sa.UniqueConstraint('key', name=op.f('uq_search_documents_key')),
    )
    if op.get_bind().dialect.name == 'postgresql':  # a narrow heap (forum/search/models.py, NARROW_ROWS)
        op.execute("ALTER TABLE search_documents SET (toast_tuple_target = 128)")
        op.execute("ALTER TABLE search_documents ALTER COLUMN head SET STORAGE PLAIN")
    op.create_index(op.f('ix_search_documents_created'), 'search_documents', ['created'], unique=False)
    op.create_index('ix_search_documents_tsv', 'search_documents', ['tsv'], unique=False, postgresql_using='gin',
                    postgresql_with={'gin_pending_list_limit': 256})
    op.create_index('ix_search_documents_head', 'search_documents', ['head'], unique=False, postgresql_using='gin',
                    postgresql_with={'gin_pending_list_limit': 256})
    op.create_table(
        'search_terms',
        sa.Column('field_name', sa.String(length=10), nullable=False),
        sa.Column('term', sa.String(length=200), nullable=False),
        sa.Column('doc_count', sa.BigInteger(), nullable=False),
        sa.Column('changed', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('field_name', 'term', name=op.f('pk_search_terms')),
    )
    op.create_index('ix_search_terms_field_name_changed', 'search_terms', ['field_name', 'changed'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_search_terms_field_name_changed', table_name='search_terms')
    op.drop_table('search_terms')
    op.drop_index('ix_search_documents_head', table_name='search_documents')
    op.drop_index('ix_search_documents_tsv', table_name='search_documents')
    op.drop_index(op.f('ix_search_documents_created'), table_name='search_documents')
    op.drop_table('search_documents')
