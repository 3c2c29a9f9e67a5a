"""SQL for the extraction stage: entity mentions and quotes, each with its evidence span.

Shares the store's connection, so rows are written inside the ingest transaction of the
article they belong to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from storyline.extract.types import Mention, Quote
from storyline.store.chunks import in_chunks

_MENTION_COLUMNS = ("start", "end", "text", "kind", "sentence", "canonical", "rule",
                    "country", "geonameid", "role")
_QUOTE_COLUMNS = ("start", "end", "text", "sentence", "speaker", "speaker_start",
                  "speaker_end", "cue", "partial")


class ExtractionTables:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def save(self, article_id: str, mentions: Iterable[Mention], quotes: Iterable[Quote]
             ) -> None:
        """Replace what is stored for the article (re-extraction after an upgrade)."""
        self._db.execute("DELETE FROM mentions WHERE article_id=?", (article_id,))
        self._db.execute("DELETE FROM quotes WHERE article_id=?", (article_id,))
        self._db.executemany(
            f"INSERT INTO mentions(article_id, {', '.join(_MENTION_COLUMNS)}) "
            f"VALUES (?{', ?' * len(_MENTION_COLUMNS)})",
            ((article_id, m.start, m.end, m.text, m.kind, m.sentence, m.canonical, m.rule,
              m.country, m.geonameid, m.role) for m in mentions),
        )
        self._db.executemany(
            f"INSERT INTO quotes(article_id, {', '.join(_QUOTE_COLUMNS)}) "
            f"VALUES (?{', ?' * len(_QUOTE_COLUMNS)})",
            ((article_id, q.start, q.end, q.text, q.sentence, q.speaker, q.speaker_start,
              q.speaker_end, q.cue, int(q.partial)) for q in quotes),
        )

    def mentions(self, article_ids: Iterable[str] | None = None
                 ) -> Iterator[tuple[str, Mention]]:
        """(article id, mention) in article and text order; all articles when None."""
        for r in self._select("mentions", _MENTION_COLUMNS, article_ids):
            yield r[0], _mention(r)

    def quotes(self, article_ids: Iterable[str] | None = None) -> Iterator[tuple[str, Quote]]:
        for r in self._select("quotes", _QUOTE_COLUMNS, article_ids):
            yield r[0], _quote(r)

    def _select(self, table: str, columns: tuple[str, ...], article_ids: Iterable[str] | None
                ) -> Iterator[sqlite3.Row]:
        cols = ", ".join(f'"{c}"' for c in columns)
        sql = f"SELECT article_id, {cols} FROM {table}"
        if article_ids is None:
            yield from self._db.execute(f"{sql} ORDER BY article_id, start")
            return
        for part, marks in in_chunks(article_ids):
            yield from self._db.execute(
                f"{sql} WHERE article_id IN ({marks}) ORDER BY article_id, start", part)


def _mention(r: sqlite3.Row) -> Mention:
    return Mention(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10])


def _quote(r: sqlite3.Row) -> Quote:
    return Quote(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]))
