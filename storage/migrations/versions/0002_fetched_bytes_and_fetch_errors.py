"""Keep the fetched bytes and the latest fetch's error class; drop the dead pages.container column.

- pages.raw_bytes, page_versions.raw_bytes: the bytes as fetched (zlib), when they are not simply the
  stored HTML in UTF-8, so `scrapy reclean` can decode a page again (issue 9, case 5).
- pages.fetch_error: the error class of the latest fetch when it failed (HttpError, DownloadTimeoutError,
  TooLarge, ...), NULL once a fetch succeeds (issue 9, case 6).
- pages.container: nothing has written it since site profiles moved to the extractor.

Written by hand and checked against `alembic revision --autogenerate` (tests/storage/test_migrations.py
compares the result with the models on SQLite and PostgreSQL). Plain ALTER TABLE, no batch mode: on
SQLite, batch mode recreates `pages`, and dropping the old table with foreign keys on would cascade-delete
every article and error; SQLite (3.35+) adds and drops these plain columns in place.

Existing rows: raw_bytes and fetch_error start NULL (the bytes of old pages were never kept; their raw_html
is what `scrapy reclean` uses, as before). container held no data.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('pages', sa.Column('raw_bytes', sa.LargeBinary(), nullable=True))
    op.add_column('pages', sa.Column('fetch_error', sa.String(length=64), nullable=True))
    op.drop_column('pages', 'container')
    op.add_column('page_versions', sa.Column('raw_bytes', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    """Downgrade schema (the fetched bytes and fetch error classes are lost)."""
    op.drop_column('page_versions', 'raw_bytes')
    op.add_column('pages', sa.Column('container', sa.Text(), nullable=True))
    op.drop_column('pages', 'fetch_error')
    op.drop_column('pages', 'raw_bytes')
