"""Storyline: turn piles and streams of news articles into stories, offline.

The package is laid out along the data flow: ``ingest`` → ``clean`` → ``dedupe`` → ``store``
→ ``interfaces``; ``pipeline`` wires the stages, ``api`` is the public Python entry point.
"""

from storyline.api import Storyline
from storyline.models import Article, IngestReport, RawDocument, Reject, RemovedLine

__all__ = ["Article", "IngestReport", "RawDocument", "Reject", "RemovedLine", "Storyline"]
__version__ = "0.1.0"
