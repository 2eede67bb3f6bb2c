"""SQLAlchemy 2 models: every fetched page, its old versions, its cleaning result and why each span was removed."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Constraint names that are the same on every backend, so Alembic migrations can refer to them.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend.

    PostgreSQL keeps the zone (``timestamptz``); SQLite has none, so values are
    stored as naive UTC and come back marked UTC. A naive value handed in is
    taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {datetime: UTCDateTime()}


class Page(Base):
    """One canonical URL and its current raw content: the HTML as fetched and the text the cleaners saw.

    ``raw_html`` is the decoded HTML, zlib-compressed UTF-8 (None for ``.txt``
    pages, whose ``raw_text`` is the file itself). ``raw_bytes`` are the bytes
    as fetched, zlib-compressed, kept when they are not simply that text in
    UTF-8 (another charset, a BOM, undecodable bytes): with ``content_type``
    they let ``scrapy reclean`` decode the page again. ``content_hash`` is the
    SHA-256 of the decoded content; a re-crawl with the same hash only moves
    ``last_fetched``.

    ``fetch_error`` is the error class of the latest fetch when it failed
    (``HttpError``, ``DownloadTimeoutError``, ``TooLarge``...), None once a
    fetch succeeds. A failed fetch never touches the stored content (nor the
    ``status`` it came with; a page that never had content takes the failure's
    status); the errors table keeps each failure's message.
    """

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    first_fetched: Mapped[datetime]
    last_fetched: Mapped[datetime]
    #: When the current content was first fetched (older content is in page_versions).
    content_since: Mapped[datetime | None]
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(255))
    encoding: Mapped[str | None] = mapped_column(String(64))
    is_html: Mapped[bool] = mapped_column(Boolean)
    raw_html: Mapped[bytes | None] = mapped_column(LargeBinary)
    raw_text: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    raw_bytes: Mapped[bytes | None] = mapped_column(LargeBinary)
    fetch_error: Mapped[str | None] = mapped_column(String(64))


class PageVersion(Base):
    """Raw content a page no longer has: kept, never overwritten.

    ``reason`` is ``content`` (the URL served something else later),
    ``extraction`` (``scrapy reclean`` re-extracted the same HTML into a
    different raw text; the old segments pointed into this one) or
    ``decoding`` (``scrapy reclean`` decoded the stored bytes into different
    HTML, e.g. after a charset fix).
    """

    __tablename__ = "page_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    raw_html: Mapped[bytes | None] = mapped_column(LargeBinary)
    raw_text: Mapped[str | None] = mapped_column(Text)
    raw_bytes: Mapped[bytes | None] = mapped_column(LargeBinary)
    fetched_from: Mapped[datetime | None]
    fetched_until: Mapped[datetime | None]
    archived_at: Mapped[datetime]


class Article(Base):
    """The current cleaning result of a page's raw text.

    ``output_hash`` is a digest of the output contract, so ``scrapy reclean``
    can tell whether a new chain changed anything without comparing rows.
    """

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    #: As the extractor found it (ISO 8601 date or date-time), so sortable as text.
    published: Mapped[str | None] = mapped_column(String(64), index=True)
    author: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(255), index=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    cleaned_at: Mapped[datetime]
    output_hash: Mapped[str] = mapped_column(String(64))


class Segment(Base):
    """A labelled span of the page's raw text (body spans included), with who claimed it and why."""

    __tablename__ = "segments"
    # Keyed by (article, position) in one B-tree (SQLite: WITHOUT ROWID): one index fewer to maintain on the
    # hottest insert path, and rows are read back in page order.
    __table_args__ = {"sqlite_with_rowid": False}

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(String(32))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    cleaner: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(Text)


class RelatedLink(Base):
    """One headline of a related-links footer, in page order; ``published`` is UTC."""

    __tablename__ = "related_links"
    # Keyed by (article, position) in one B-tree (SQLite: WITHOUT ROWID): one index fewer to maintain on the
    # hottest insert path, and rows are read back in page order.
    __table_args__ = {"sqlite_with_rowid": False}

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text)
    published: Mapped[datetime | None] = mapped_column(index=True)
    url: Mapped[str | None] = mapped_column(Text)


class Error(Base):
    """Something that went wrong with a page: ``stage`` is fetch, decode, extract, clean or store."""

    __tablename__ = "errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(16), index=True)
    cleaner: Mapped[str | None] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class SitePattern(Base):
    """A normalised line and on how many pages of one site it was seen: what ``FurnitureCleaner`` learns.

    ``site`` is the registrable domain (``cleaners.furniture.keys.site_key``);
    ``key`` is 16 hex digits of the SHA-1 of the normalised line. ``text`` is
    kept once the line is on two pages (a line seen once is every article's
    own prose: its text would double the stored text for nothing). A person
    can ``vetoed`` a pattern (``scrapy sites veto``): it is never claimed.
    """

    __tablename__ = "site_patterns"

    site: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: Indexed on its own too: "on how many other sites is this line" is asked by key.
    key: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)
    text: Mapped[str | None] = mapped_column(Text)
    page_count: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    vetoed: Mapped[bool] = mapped_column(Boolean, default=False)


class SitePage(Base):
    """A page the furniture learner counted, and the keys it counted for it.

    It makes learning idempotent (a page seen again with the same lines
    changes nothing; with other lines, its old keys are uncounted first), so
    the counts depend on the set of pages, not on the order they came in, and
    ``site_patterns`` can be rebuilt from it. ``page`` is the SHA-1 of the URL;
    ``keys`` are the 8-byte keys, sorted and concatenated.
    """

    __tablename__ = "site_pages"

    site: Mapped[str] = mapped_column(String(255), primary_key=True)
    page: Mapped[str] = mapped_column(String(40), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    keys: Mapped[bytes] = mapped_column(LargeBinary)
    seen_at: Mapped[datetime]
