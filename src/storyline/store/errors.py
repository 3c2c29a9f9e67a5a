"""The store's one error type, shared by every backend."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The store cannot be opened or used (newer schema, not a database, locked, no
    server...)."""
