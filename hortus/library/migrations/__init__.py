"""Alembic migrations of the library schema; run by the library itself, never from an ini file."""
