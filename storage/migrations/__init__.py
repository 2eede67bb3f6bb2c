"""Alembic migrations of Sieve's schema (see storage/alembic.ini)."""
