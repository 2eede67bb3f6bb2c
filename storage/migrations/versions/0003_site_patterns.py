"""Site furniture: site_patterns (line counts per site) and site_pages (which pages were counted, with their keys).

Written to match storage/models.py (SitePattern, SitePage); tests/storage/test_migrations.py checks it on
SQLite and PostgreSQL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('site_patterns',
    sa.Column('site', sa.String(length=255), nullable=False),
    sa.Column('key', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('vetoed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('site', 'key', name=op.f('pk_site_patterns'))
    )
    op.create_index(op.f('ix_site_patterns_key'), 'site_patterns', ['key'], unique=False)

    op.create_table('site_pages',
    sa.Column('site', sa.String(length=255), nullable=False),
    sa.Column('page', sa.String(length=40), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('keys', sa.LargeBinary(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('site', 'page', name=op.f('pk_site_pages'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('site_pages')
    op.drop_index(op.f('ix_site_patterns_key'), table_name='site_patterns')
    op.drop_table('site_patterns')
