"""SQL for the extraction stage: entity mentions, quotes, time expressions and events, each
with its evidence span.

Shares the store's connection, so rows are written inside the ingest transaction of the
article they belong to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from storyline.extract.types import Actor, Event, Mention, Quote, Timex
from storyline.store.backend import Backend, Row
from storyline.store.chunks import in_chunks

_MENTION_COLUMNS = ("start", "end", "text", "kind", "sentence", "canonical", "rule",
                    "country", "geonameid", "role")
_QUOTE_COLUMNS = ("start", "end", "text", "sentence", "speaker", "speaker_start",
                  "speaker_end", "cue", "partial")
_TIMEX_COLUMNS = ("start", "end", "text", "sentence", "type", "value", "granularity", "mod",
                  "anchored", "earliest", "latest", "note")
_ACTOR_COLUMNS = ("start", "end", "text", "name", "country", "sector")
_EVENT_COLUMNS = ("type", "mode", "sentence", "start", "end", "trigger", "trigger_start",
                  "trigger_end", *(f"source_{c}" for c in _ACTOR_COLUMNS),
                  *(f"target_{c}" for c in _ACTOR_COLUMNS), "status", "location",
                  "location_geonameid", "date", "date_text", "pattern", "confidence")


class ExtractionTables:
    def __init__(self, db: Backend) -> None:
        self._db = db

    def save(self, article_id: str, mentions: Iterable[Mention], quotes: Iterable[Quote],
             timexes: Iterable[Timex] = (), events: Iterable[Event] = (),
             sentences: Iterable[tuple[int, int]] = (), *, replace: bool = True) -> None:
        """Replace what is stored for the article (re-extraction after an upgrade);
        ``replace=False`` for an article just added, which has nothing to replace."""
        if replace:
            for table in ("mentions", "quotes", "timexes", "events", "sentences"):
                self._db.execute(f"DELETE FROM {table} WHERE article_id=?", (article_id,))
        self._db.executemany(
            'INSERT INTO sentences(article_id, idx, start, "end") VALUES (?, ?, ?, ?)',
            ((article_id, i, s, e) for i, (s, e) in enumerate(sentences)))
        self._db.executemany(
            f"INSERT INTO timexes(article_id, {_names(_TIMEX_COLUMNS)}) "
            f"VALUES (?{', ?' * len(_TIMEX_COLUMNS)})",
            ((article_id, t.start, t.end, t.text, t.sentence, t.type, t.value, t.granularity,
              t.mod, int(t.anchored), t.earliest, t.latest, t.note) for t in timexes),
        )
        self._db.executemany(
            f"INSERT INTO events(article_id, {_names(_EVENT_COLUMNS)}) "
            f"VALUES (?{', ?' * len(_EVENT_COLUMNS)})",
            ((article_id, e.type, e.mode, e.sentence, e.start, e.end, e.trigger,
              e.trigger_start, e.trigger_end, *_actor_row(e.source), *_actor_row(e.target),
              e.status, e.location, e.location_geonameid, e.date, e.date_text, e.pattern,
              e.confidence)
             for e in events),
        )
        self._db.executemany(
            f"INSERT INTO mentions(article_id, {_names(_MENTION_COLUMNS)}) "
            f"VALUES (?{', ?' * len(_MENTION_COLUMNS)})",
            ((article_id, m.start, m.end, m.text, m.kind, m.sentence, m.canonical, m.rule,
              m.country, m.geonameid, m.role) for m in mentions),
        )
        self._db.executemany(
            f"INSERT INTO quotes(article_id, {_names(_QUOTE_COLUMNS)}) "
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

    def timexes(self, article_ids: Iterable[str] | None = None
                ) -> Iterator[tuple[str, Timex]]:
        for r in self._select("timexes", _TIMEX_COLUMNS, article_ids):
            yield r[0], Timex(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]),
                              r[10], r[11], r[12])

    def events(self, article_ids: Iterable[str] | None = None) -> Iterator[tuple[str, Event]]:
        """(article id, event) in article and text order."""
        for r in self._select("events", _EVENT_COLUMNS, article_ids, order="trigger_start"):
            yield r[0], Event(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                              _actor(r[9:15]), _actor(r[15:21]), r[21], r[22], r[23], r[24],
                              r[25], r[26], r[27])

    def sentences(self, article_ids: Iterable[str]) -> dict[str, tuple[tuple[int, int], ...]]:
        """Article id → its sentence spans in order (absent: stored before sentences were)."""
        out: dict[str, list[tuple[int, int]]] = {}
        for part, marks in in_chunks(article_ids):
            for aid, start, end in self._db.execute(
                    f'SELECT article_id, start, "end" FROM sentences WHERE article_id IN '
                    f'({marks}) ORDER BY article_id, idx', part):
                out.setdefault(aid, []).append((start, end))
        return {a: tuple(s) for a, s in out.items()}

    def _select(self, table: str, columns: tuple[str, ...], article_ids: Iterable[str] | None,
                order: str = "start") -> Iterator[Row]:
        sql = f"SELECT article_id, {_names(columns)} FROM {table}"
        if article_ids is None:
            yield from self._db.execute(f"{sql} ORDER BY article_id, {order}")
            return
        for part, marks in in_chunks(article_ids):
            yield from self._db.execute(
                f"{sql} WHERE article_id IN ({marks}) ORDER BY article_id, {order}", part)


def _names(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _actor_row(a: Actor | None) -> tuple[object, ...]:
    if a is None:
        return (None,) * len(_ACTOR_COLUMNS)
    return a.start, a.end, a.text, a.canonical, a.country, a.sector


def _actor(r: tuple[object, ...]) -> Actor | None:
    if r[0] is None:
        return None
    return Actor(*r)  # type: ignore[arg-type]


def _mention(r: Row) -> Mention:
    return Mention(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10])


def _quote(r: Row) -> Quote:
    return Quote(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]))
