"""Ingest stage: files, folders, globs and stdin in; raw documents (or rejects) out.

Formats: plain text, HTML pages, RSS/Atom feeds, WARC archives, JSON Lines — detected from
the content. See ``read.iter_units`` (main process) and ``read.parse_unit`` (workers).
"""

from storyline.ingest.read import iter_units, parse_unit
from storyline.ingest.sources import InputFile, expand
from storyline.ingest.units import Unit

__all__ = ["InputFile", "Unit", "expand", "iter_units", "parse_unit"]
