"""Dedupe stage. Exact identity lives here now; near-duplicate detection joins it later."""

from storyline.dedupe.exact import article_id, canonical_url, content_hash, identify

__all__ = ["article_id", "canonical_url", "content_hash", "identify"]
