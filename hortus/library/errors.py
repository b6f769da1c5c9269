"""The one exception the library raises, so callers never see raw database errors."""

from __future__ import annotations


class LibraryError(Exception):
    """A library that cannot be opened, read or written; the message names the URL and why."""
