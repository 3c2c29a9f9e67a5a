"""The Python API: everything the CLI does, as typed calls.

    >>> from storyline import Storyline
    >>> with Storyline("news.db") as sl:
    ...     report = sl.ingest(["articles/"])
    ...     for article in sl.articles(query="balloon"):
    ...         print(article.id, article.title)
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from storyline import pipeline
from storyline.analyse.digest import DIGEST_VERSION, StoryDigest, digest
from storyline.analyse.events import Report, StoryEvent, aggregate, value_range
from storyline.analyse.inputs import ArticleInput, StoryInputs
from storyline.analyse.types import SCHEMA_VERSION as REPORT_SCHEMA
from storyline.analyse.types import StoryReport
from storyline.clean.dates import parse_user_date
from storyline.dedupe.groups import CopyGroup, build_groups
from storyline.extract.canonical import Entity, Occurrence, resolve
from storyline.extract.event_confidence import default_min_confidence, shown
from storyline.extract.gazetteer import key
from storyline.extract.types import PLOVER_TYPES, TODAY, Actor, Event, Mention, Timex
from storyline.ingest.metadata import check_lang, check_published
from storyline.models import INPUT_FORMATS, Article, IngestReport, InputFormat, Overrides
from storyline.semantic.load import AUTO, chosen
from storyline.semantic.static import STATIC, STATIC_NAME
from storyline.semantic.vectors import EmbeddingsError, Encoder, model_name
from storyline.store import ArticleFilter, RejectRow, Store, StoreError, resolve_db
from storyline.stories import corrections
from storyline.stories.explain import explain
from storyline.stories.reembed import Reembedded

_Resolved = tuple[list[Entity], list[Occurrence], list[str]]


class EntityCache:
    """The store's entities, kept while the store is unchanged (``Store.fingerprint``).

    Resolving every mention of a big store takes seconds, and a web server answers many
    requests between two ingests; share one cache between the ``Storyline`` handles of one
    server. Thread-safe.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, ...] | None = None
        self._value: _Resolved | None = None
        self._index: tuple[list[Occurrence], _ArticleIndex] | None = None
        self._refreshing = False
        self._resolved_at = 0.0

    #: Seconds between two background refreshes while the store keeps changing: resolving
    #: a big store's entities takes seconds of CPU that the pages would otherwise share.
    REFRESH_EVERY = 15.0

    def get(self, key: tuple[int, ...], compute: Callable[[], _Resolved],
            refresh: Callable[[], tuple[tuple[int, ...], _Resolved]] | None = None
            ) -> _Resolved:
        """The cached value for ``key``, computed when there is none. When the store has
        changed and ``refresh`` is given (it opens its own connection and returns the key
        it saw with the value), the previous value is served while ``refresh`` runs in a
        background thread: an ingest changes the store every few seconds, and the pages
        must not wait seconds for each change. Refreshes start at most every
        ``REFRESH_EVERY`` seconds."""
        with self._lock:
            if self._value is None:
                self._value, self._key = compute(), key
                self._resolved_at = time.monotonic()
            elif key != self._key:
                if refresh is None:
                    self._value, self._key = compute(), key
                    self._resolved_at = time.monotonic()
                elif not self._refreshing and (
                        time.monotonic() - self._resolved_at >= self.REFRESH_EVERY):
                    self._refreshing = True
                    threading.Thread(target=self._refresh, args=(refresh,), daemon=True,
                                     name="storyline-entities").start()
            return self._value

    def _refresh(self, refresh: Callable[[], tuple[tuple[int, ...], _Resolved]]) -> None:
        try:
            key, value = refresh()
            with self._lock:
                self._value, self._key = value, key
                self._resolved_at = time.monotonic()
        except Exception:  # the next request retries (and reports, if it fails itself)
            pass
        finally:
            with self._lock:
                self._refreshing = False

    def article_index(self, occ: list[Occurrence]) -> _ArticleIndex:
        """Article id → positions of its occurrences in ``occ`` (the cached list), built
        once per cached value."""
        with self._lock:
            if self._index is None or self._index[0] is not occ:
                self._index = (occ, _article_index(occ))
            return self._index[1]


_ArticleIndex = dict[str, list[int]]


def _article_index(occ: Sequence[Occurrence]) -> _ArticleIndex:
    index: _ArticleIndex = {}
    for n, o in enumerate(occ):
        index.setdefault(o.article, []).append(n)
    return index


#: Articles re-extracted per transaction.
REEXTRACT_CHUNK = 200


class Storyline:
    """A handle on one store. ``db`` defaults to ``STORYLINE_DB`` or the per-user store."""

    def __init__(self, db: str | Path | None = None, *, cache: EntityCache | None = None
                 ) -> None:
        self.db_path = resolve_db(db)
        self.store = Store(self.db_path)
        self._cache = cache
        self._encoders: dict[str, Encoder] = {}

    def close(self) -> None:
        self.store.close()

    def snapshot(self) -> AbstractContextManager[None]:
        """``with sl.snapshot(): …``: every read inside sees the store as one moment, while
        other processes go on ingesting (an export that pages through articles neither
        misses nor repeats one)."""
        return self.store.snapshot()

    def __enter__(self) -> Storyline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ingest(
        self,
        paths: Sequence[str | Path],
        *,
        format: str = "auto",
        source: str | None = None,
        published: str | None = None,
        lang: str | None = None,
        stdin: bytes | BinaryIO | None = None,
        workers: int = 1,
        progress: pipeline.Progress | None = None,
        embeddings: str | Encoder | None = AUTO,
        dense_weight: float | None = None,
        executor: Executor | None = None,
        progress_total: pipeline.Total | None = None,
    ) -> IngestReport:
        """Read files, folders, globs (and ``-`` for ``stdin``) into the store.

        ``workers`` > 1 parses in that many processes (the CLI uses one per core); as with
        any multiprocessing code, a script doing so needs an ``if __name__ == "__main__":``
        guard. ``executor`` (a ``concurrent.futures.Executor``, such as a Dask cluster's:
        :func:`storyline.engines.dask_engine.dask_executor`) does the parsing, cleaning and
        extraction instead, ``workers`` tasks at a time; this process still links copies,
        places articles in stories and writes the store, in input order.

        ``source``, ``published`` and ``lang`` override what the documents say. Raises
        ValueError for a bad argument; bad *inputs* never raise, they end up in
        ``report.rejected`` and in the store's rejects list, and bad metadata inside a good
        input is dropped with a notice in ``report.warnings``. ``stdin`` may be bytes or a
        binary stream, read in pieces under the same limits as a file. ``progress`` is
        called once per input unit (an article or a reject) with its origin;
        ``progress_total`` with how many calls to expect, as far as is known (each input not
        yet read counts one; JSON Lines, WARC and feeds add theirs as they are split).

        ``embeddings`` adds a dense same-story signal. By default (``"auto"``) it is the
        model the store records, else the default install's static model (``"static"``);
        ``"minilm"`` is the bundled all-MiniLM-L6-v2 of the ``storyline[embeddings]`` extra,
        and a local sentence-transformers folder or a model name in the local HF cache also
        work (nothing is downloaded); a loaded :class:`~storyline.semantic.vectors.Encoder`
        too; None turns it off. ``dense_weight`` is its share of the score (default
        ``assign.DENSE_WEIGHT``). Raises ``EmbeddingsError`` (one line) when the extra or
        the model is missing, and its subclass ``ModelMismatchError`` when the store's
        embeddings come from another model (a store never mixes models).
        """
        fmt = _check_format(format)
        if dense_weight is not None:
            if embeddings is None:
                raise ValueError("a dense weight needs embeddings")
            if not 0.0 <= dense_weight <= 1.0:
                raise ValueError(f"dense weight must be between 0 and 1, not {dense_weight}")
        overrides = Overrides(
            source=source or None,
            published=check_published(published) if published else None,
            lang=_check_lang(lang),
        )
        encoder = self._ingest_encoder(embeddings)
        report = pipeline.ingest(
            self.store,
            [str(p) for p in paths],
            fmt=fmt,
            overrides=overrides,
            stdin=stdin,
            workers=workers,
            progress=progress,
            encoder=encoder,
            dense_weight=dense_weight,
            executor=executor,
            total=progress_total,
        )
        report.embeddings = model_name(encoder) if encoder is not None else None
        return report

    def _ingest_encoder(self, embeddings: str | Encoder | None) -> Encoder | None:
        """The encoder an ingest asked for. ``auto``: the store's recorded model, else the
        static one; a recorded model this machine cannot load (the extra's MiniLM without
        the extra) leaves the batch on the sparse score, which the report shows
        (``IngestReport.embeddings``), rather than stopping it."""
        if not (isinstance(embeddings, str) and embeddings.strip().lower() == AUTO):
            return _encoder(embeddings)
        recorded = self.store.stories.meta("embedding_model") or None
        try:
            return _encoder(chosen(embeddings, recorded))
        except EmbeddingsError:
            if recorded is None or recorded == STATIC_NAME:
                raise  # the default install's own model must load
            return None

    def load_batch(
        self,
        folder: str | Path,
        *,
        progress: pipeline.Progress | None = None,
        embeddings: str | Encoder | None = AUTO,
        dense_weight: float | None = None,
    ) -> IngestReport:
        """Store the results of a batch map (``storyline batch map``, written by
        :func:`storyline.engines.batch.map_inputs`) in input order: the store then holds
        what ``ingest`` of the same inputs gives. Raises ``BatchError`` (one line, nothing
        written) for a folder that is not a finished map of this version's format."""
        from storyline.engines.batch import check_folder, read_folder

        check_folder(Path(folder))  # before the batch is recorded
        encoder = self._ingest_encoder(embeddings)
        report = pipeline.ingest_results(self.store, read_folder(folder), label=[str(folder)],
                                         progress=progress, encoder=encoder,
                                         dense_weight=dense_weight)
        report.embeddings = model_name(encoder) if encoder is not None else None
        return report

    def articles(
        self,
        *,
        source: str | None = None,
        lang: str | None = None,
        since: str | None = None,
        until: str | None = None,
        query: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
    ) -> list[Article]:
        """Stored articles, newest first, or best match first when ``query`` is given."""
        return self.store.articles(
            ArticleFilter(
                source=source,
                lang=lang,
                since=parse_user_date(since)[:10] if since else None,
                until=parse_user_date(until)[:10] if until else None,
                query=query,
                limit=limit,
                offset=offset,
            )
        )

    def article(self, ref: str) -> Article | None:
        """One article by id (or a unique prefix of one)."""
        return self.store.article(ref)

    def rejects(self, limit: int | None = 100) -> list[RejectRow]:
        return self.store.rejects(limit)

    def stories(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        entity: str | None = None,
        lang: str | None = None,
        query: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
        digests: bool = False,
        compute_digests: bool = True,
    ) -> list[dict[str, Any]]:
        """Stories in the one listing order of the CLI, the API and the web: newest last
        report first (then newest first report), undated stories last. Each row has
        ``id``, ``headline``, ``article_ids``, ``sources`` (named outlets), ``languages``,
        ``first_seen``, ``last_seen``, ``article_count``; with ``digests`` also the counts
        the story page shows (``digests()``): ``source_count``, ``independent_sources``,
        ``conflicts``, ``shared_facts``, ``disputed``, ``single_source``; with
        ``compute_digests=False`` only those already stored, the others None (a report of
        a story of hundreds of articles takes many seconds: a web list must not wait).

        Every filter given must hold: ``since`` (last report on or after that date) and
        ``until`` (first report on or before; undated stories are in every window);
        ``source``, an article from that outlet (any case); ``entity``, a name its articles
        mention (as a phrase) or an entity id as ``entities()`` gives it
        ("person:antony-blinken"; an unknown id matches nothing); ``lang``, an article in
        that language; ``query``, full-text search over its articles. ``limit`` (None: all)
        and ``offset`` page through them; ``count_stories`` counts them all. ValueError
        (one line) for a bad filter: a date it cannot read, ``since`` after ``until``, a
        language that is no code.
        """
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be 0 or more, not {limit}")
        if offset < 0:
            raise ValueError(f"offset must be 0 or more, not {offset}")
        where = self._story_filter(since=since, until=until, source=source, entity=entity,
                                   lang=lang, query=query)
        if where is None:
            return []
        found = self.store.stories.summaries(**where, limit=limit, offset=offset)
        if digests:
            counts = self.digests([s["id"] for s in found], compute=compute_digests)
            for s in found:
                if s["id"] in counts:
                    s.update(counts[s["id"]].to_dict())
                else:
                    s.update(dict.fromkeys(("source_count", "independent_sources",
                                            "conflicts", "shared_facts", "disputed",
                                            "single_source")))
        return found

    def count_stories(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        entity: str | None = None,
        lang: str | None = None,
        query: str | None = None,
    ) -> int:
        """How many stories ``stories()`` lists with these filters (all pages)."""
        where = self._story_filter(since=since, until=until, source=source, entity=entity,
                                   lang=lang, query=query)
        return 0 if where is None else self.store.stories.count(**where)

    def _story_filter(self, *, since: str | None, until: str | None, source: str | None,
                      entity: str | None, lang: str | None, query: str | None
                      ) -> dict[str, Any] | None:
        """The store's filter for these arguments, checked; None when an entity id names
        nothing (no story can match)."""
        low = parse_user_date(since)[:10] if since else None
        high = parse_user_date(until)[:10] if until else None
        if low and high and low > high:
            raise ValueError(f"since ({since}) is after until ({until})")
        code = None
        if lang and lang.strip():
            code = lang.strip().lower()
            if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
                raise ValueError(f"language must be a code such as en, de or es, not {lang!r}")
        where: dict[str, Any] = {"since": low, "until": high, "source": source or None,
                                 "query": query or None, "lang": code}
        name = (entity or "").strip()
        if ENTITY_ID.match(name):
            named = self.entity(name)
            if named is None or not named.stories:
                return None
            where["ids"] = sorted({self.store.stories.resolve(s) for s in named.stories})
        else:
            where["phrase"] = name or None
        return where

    def digests(self, story_ids: Sequence[str], *, compute: bool = True
                ) -> dict[str, StoryDigest]:
        """Story id → its digest: the counts its story page shows (sources, independent
        sources, conflicts, shared facts; disputed, single source), from the store when
        still true of the story, else (``compute``) from its report, then stored: 15–90 ms
        for a story of a few articles, seconds for hundreds. Ids of no live story, and
        with ``compute=False`` those with no stored digest still true, are left out."""
        tables = self.store.stories
        ids = list(dict.fromkeys(story_ids))
        with self.store.snapshot():
            prints = tables.digest_fingerprints(ids)
            stored = tables.digests(prints)
        version = _digest_version(STATIC_NAME, default_min_confidence())
        out: dict[str, StoryDigest] = {}
        for sid in ids:
            if sid not in prints:
                continue
            kept = stored.get(sid)
            if kept is not None and kept[:2] == (prints[sid], version):
                out[sid] = kept[2]
            elif compute:  # the report stores its digest
                out[sid] = digest(self.report(sid))
        return out

    def _keep_digest(self, found: StoryDigest, fingerprint: str, version: str) -> None:
        """Store a digest; a store that cannot be written now (a read-only file, another
        writer holding it) goes without: the digest is computed again when asked."""
        try:
            with self.store.cache_transaction():
                self.store.stories.save_digest(found, fingerprint, version)
        except StoreError:
            pass

    def story(self, ref: str) -> dict[str, Any] | None:
        """One story (by id, alias or unique prefix) with its articles and copy groups."""
        sid = self._story_id(ref)
        if sid is None:
            return None
        found = self.store.stories.summaries(ids=[sid], limit=None)
        if not found:
            return None
        summary = found[0]
        articles = self.store.articles_by_id(summary["article_ids"])
        summary["articles"] = [articles[i] for i in summary["article_ids"] if i in articles]
        summary["copy_groups"] = self.dupes(summary["article_ids"])
        summary["aliases"] = self.store.stories.aliases(sid)
        return summary

    def _story_id(self, ref: str) -> str | None:
        tables = self.store.stories
        if tables.get(ref) is not None:
            return tables.resolve(ref)
        matches = tables.ids_with_prefix(ref) if len(ref) >= 4 else []
        return tables.resolve(matches[0]) if len(matches) == 1 else None

    def why(self, article_ref: str) -> dict[str, Any] | None:
        """Why an article is in its story: how it was placed, and the evidence now."""
        article = self.article(article_ref)
        if article is None or article.story_id is None:
            return None
        return explain(self.store, article)

    def merge(self, story_a: str, story_b: str) -> str:
        """Merge two stories (an analyst's correction); returns the surviving id."""
        return corrections.merge(self.store, story_a, story_b)

    def split(self, story: str, article_ids: Sequence[str]) -> str:
        """Split articles off a story into a new one; returns the new story's id."""
        return corrections.split(self.store, story, article_ids)

    def move(self, article: str, story: str) -> str:
        """Move an article to another story and pin it there; returns that story's id."""
        return corrections.move(self.store, article, story)

    def _scope(self, story: str | None) -> list[str] | None:
        if story is None:
            return None
        sid = self._story_id(story)
        if sid is None:
            raise ValueError(f"no story {story!r}")
        return self.store.stories.members(sid)

    def _entities(self, article_ids: list[str] | None
                  ) -> tuple[list[Entity], list[Occurrence], list[str]]:
        if article_ids is None and self._cache is not None:
            entities, occ, ids = self._cache.get(self.store.fingerprint(),
                                                 lambda: self._resolve(None),
                                                 refresh=self._fresh_resolve)
            return list(entities), occ, ids
        return self._resolve(article_ids)

    def _fresh_resolve(self) -> tuple[tuple[int, ...], _Resolved]:
        """The store's entities on a connection of its own (for a background refresh),
        with the fingerprint they were resolved at."""
        with Storyline(self.db_path) as sl:
            key = sl.store.fingerprint()
            return key, sl._resolve(None)

    def _resolve(self, article_ids: list[str] | None
                 ) -> tuple[list[Entity], list[Occurrence], list[str]]:
        meta = self.store.article_meta(article_ids)
        occ = [Occurrence(aid, meta.get(aid, (None, None, None))[0],
                          meta.get(aid, (None, None, None))[1], m)
               for aid, m in self.store.extraction.mentions(article_ids)]
        entities, ids = resolve(occ)
        return entities, occ, ids

    def entities(self, *, story: str | None = None, kind: str | None = None,
                 name: str | None = None, limit: int | None = 100) -> list[Entity]:
        """People, organisations and places, one entry per real-world thing across the
        articles (all, or one story's), most mentioned first."""
        if kind is not None and kind.upper() not in ("PERSON", "ORG", "GPE", "LOC"):
            raise ValueError(f"kind must be PERSON, ORG, GPE or LOC, not {kind!r}")
        entities, _, _ = self._entities(self._scope(story))
        if kind is not None:
            entities = [e for e in entities if e.kind == kind.upper()]
        if name is not None:
            wanted = key(name)
            entities = [e for e in entities if wanted in key(e.name) or
                        any(wanted in key(a) for a in e.aliases)]
        entities.sort(key=lambda e: (-e.mentions, -len(e.articles), e.name))
        return entities[:limit] if limit is not None else entities

    def entity(self, entity_id: str) -> Entity | None:
        """One entity by its id (as ``entities()`` gives it), or None."""
        entities, _, _ = self._entities(None)
        return next((e for e in entities if e.id == entity_id), None)

    def _store_occurrences(self, article_ids: Sequence[str]
                           ) -> tuple[list[Entity], list[tuple[Occurrence, str]]]:
        """The store's entities, and the occurrences (with their entity ids) in these
        articles, without reading every occurrence of the store when it is cached."""
        entities, occ, ids = self._entities(None)
        index = (self._cache.article_index(occ) if self._cache is not None
                 else _article_index(occ))
        return entities, [(occ[n], ids[n]) for a in dict.fromkeys(article_ids)
                          for n in index.get(a, ())]

    def counterparts(self, entity_id: str, limit: int | None = 12
                     ) -> list[tuple[Entity, int]]:
        """The entities most often named in the same articles as ``entity_id``, with the
        number of articles they share, most shared first."""
        return [(c.entity, c.articles) for c in self.co_occurrences(entity_id, limit)]

    def co_occurrences(self, entity_id: str, limit: int | None = 12) -> list[CoOccurrence]:
        """The entities named with ``entity_id``: in how many articles, and in how many
        sentences, both are named; most shared articles first (then sentences). Raises
        ValueError for an unknown entity."""
        target = self.entity(entity_id)
        if target is None:
            raise ValueError(f"no entity {entity_id!r}")
        entities, inside = self._store_occurrences(target.articles)
        by_id = {e.id: e for e in entities}
        own = {(o.article, o.mention.sentence) for o, i in inside if i == entity_id}
        shared: dict[str, set[str]] = {}
        together: dict[str, set[tuple[str, int]]] = {}
        for o, i in inside:
            if i == entity_id or i not in by_id:
                continue
            shared.setdefault(i, set()).add(o.article)
            where = (o.article, o.mention.sentence)
            if where in own:
                together.setdefault(i, set()).add(where)
        ranked = sorted((CoOccurrence(by_id[i], len(a), len(together.get(i, ())))
                         for i, a in shared.items()),
                        key=lambda c: (-c.articles, -c.sentences, -c.entity.mentions,
                                       c.entity.name))
        return ranked[:limit] if limit is not None else ranked

    def coverage(self, story_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        """Story id → articles per publication day ("2023-06-14" → 3), days in order;
        undated articles are left out (a story with none has an empty mapping)."""
        members = {sid: self.store.stories.members(sid) for sid in story_ids}
        meta = self.store.article_meta([a for ids in members.values() for a in ids])
        out: dict[str, dict[str, int]] = {}
        for sid, ids in members.items():
            days: dict[str, int] = {}
            for aid in ids:
                published = meta.get(aid, (None, None, None))[1]
                if published and len(published) >= 10:
                    days[published[:10]] = days.get(published[:10], 0) + 1
            out[sid] = dict(sorted(days.items()))
        return out

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """The stored articles' outlets (``sources``) and languages (``languages``), each
        with its number of articles, most first: the values the filters take."""
        return self.store.facets()

    def counts(self) -> dict[str, int]:
        """How much the store holds: articles, live stories, rejects."""
        return self.store.counts()

    def article_entities(self, article_id: str) -> list[tuple[Mention, Entity]]:
        """An article's mentions in text order, each with the entity it names across the
        store (the same ids ``entities()`` gives)."""
        article = self.article(article_id)
        if article is None:
            raise ValueError(f"no article {article_id!r}")
        # Within its story: the same names as across the store, for a fraction of the work.
        scope = self._scope(article.story_id) if article.story_id else [article.id]
        entities, occ, ids = self._entities(scope)
        by_id = {e.id: e for e in entities}
        return [(o.mention, by_id[i]) for o, i in zip(occ, ids, strict=True)
                if o.article == article_id]

    def mentions(self, *, story: str | None = None) -> list[tuple[Occurrence, Entity]]:
        """Every name found in the articles (all, or one story's), in article and text
        order, each with the entity it names (the ids ``entities()`` gives): the rows
        ``entities()`` counts, for exports that need them one by one. ValueError for an
        unknown story."""
        entities, occ, ids = self._entities(self._scope(story))
        by_id = {e.id: e for e in entities}
        return [(o, by_id[i]) for o, i in zip(occ, ids, strict=True) if i in by_id]

    def quotes(self, *, story: str | None = None, speaker: str | None = None,
               speaker_id: str | None = None, limit: int | None = 100) -> list[QuoteRow]:
        """Direct quotes with their speakers (as entities), in publication order.

        ``speaker`` matches names; ``speaker_id`` is one entity (as ``entities()`` gives
        it), and reads only the articles that entity appears in."""
        scope = self._scope(story)
        entities, occ, ids = self._entities(scope)
        names = {e.id: e.name for e in entities}
        if speaker_id is not None:
            entity = next((e for e in entities if e.id == speaker_id), None)
            if entity is None:
                return []
            inside = set(scope) if scope is not None else None
            scope = [a for a in entity.articles if inside is None or a in inside]
        if story is None and scope is not None:  # a few articles of the store-wide entities
            pairs = self._store_occurrences(scope)[1]
        else:
            wanted_articles = set(scope) if scope is not None else None
            pairs = [(o, i) for o, i in zip(occ, ids, strict=True)
                     if wanted_articles is None or o.article in wanted_articles]
        entity_of = {(o.article, o.mention.canonical): i for o, i in pairs}
        meta = self.store.article_meta(scope)
        rows = []
        for aid, q in self.store.extraction.quotes(scope):
            eid = entity_of.get((aid, q.speaker)) if q.speaker else None
            _, published, source = meta.get(aid, (None, None, None))
            rows.append(QuoteRow(aid, source, published,
                                 names.get(eid, q.speaker) if eid else q.speaker, eid, q.text,
                                 q.cue, q.partial, q.start, q.end))
        if speaker is not None:
            wanted = key(speaker)
            rows = [r for r in rows if r.speaker and wanted in key(r.speaker)]
        if speaker_id is not None:
            rows = [r for r in rows if r.speaker_id == speaker_id]
        rows.sort(key=lambda r: (r.published or "~", r.article_id, r.start))
        return rows[:limit] if limit is not None else rows

    def reextract(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Run extraction again over every stored article (after an upgrade that extracts
        more, such as dates and events): one transaction per chunk, so an interruption
        keeps what is done. Returns the number of articles."""
        from storyline.extract.run import extract  # spaCy loads only when needed

        ids = sorted(self.store.article_meta())
        done = 0
        for start in range(0, len(ids), REEXTRACT_CHUNK):
            chunk = self.store.articles_by_id(ids[start:start + REEXTRACT_CHUNK])
            results = [(a.id, extract(a.text, a.lang, a.published)) for a in chunk.values()]
            with self.store.transaction():
                for aid, x in results:
                    self.store.extraction.save(aid, x.mentions, x.quotes, x.timexes, x.events,
                                              x.sentences)
            done += len(results)
            if progress is not None:
                progress(done, len(ids))
        return done

    def reembed(self, embeddings: str | Encoder,
                progress: Callable[[int], None] | None = None) -> Reembedded:
        """Give every stored article the vectors of another sentence model (``static``,
        ``minilm``, a model folder, or a loaded encoder), and every story the dense centroid
        they sum to, in one transaction. Stories do not change. Raises ``EmbeddingsError``
        (one line) when the model cannot be loaded; nothing is written then."""
        from storyline.stories.reembed import reembed

        encoder = _encoder(embeddings)
        assert encoder is not None
        return reembed(self.store, encoder, progress)

    def dates(self, article_ref: str) -> tuple[Article, list[Timex]]:
        """An article and every time expression in it, in text order, with its value."""
        article = self.article(article_ref)
        if article is None:
            raise ValueError(f"no article {article_ref!r}")
        return article, [t for _, t in self.store.extraction.timexes([article.id])]

    def events(self, *, story: str | None = None, type: str | None = None,
               actor: str | None = None, since: str | None = None, until: str | None = None,
               status: str | None = None, entity: str | None = None,
               limit: int | None = 100, min_confidence: float | None = None
               ) -> list[EventRow]:
        """Events as each article reports them, in date order (the event's own day when the
        article gives one, else the publication day), each with the sentence that says so
        and how many articles and independent sources of its story report the same event.

        ``actor`` matches a source or target by name, words or code ("CHN", "USA-GOV");
        ``entity`` keeps events whose source or target is that entity (an id as
        ``entities()`` gives it; ValueError when there is none such);
        ``since``/``until`` take the same dates as ``stories``; ``min_confidence`` hides
        reports less sure than that (None: the calibrated default; 0: every event). The
        counts are of every report of the event, however sure.
        """
        threshold = _min_confidence(min_confidence)
        if type is not None and type.upper() not in PLOVER_TYPES:
            raise ValueError(f"type must be one of {', '.join(PLOVER_TYPES)}, not {type!r}")
        if status is not None and status not in ("happened", "planned", "negated"):
            raise ValueError(f"status must be happened, planned or negated, not {status!r}")
        low = parse_user_date(since)[:10] if since else None
        high = parse_user_date(until)[:10] if until else None
        scope = self._scope(story)
        names: dict[tuple[str, str], str] | None = None
        if entity is not None:
            target = self.entity(entity)
            if target is None:
                raise ValueError(f"no entity {entity!r}")
            inside = set(scope) if scope is not None else None
            scope = [a for a in target.articles if inside is None or a in inside]
            names = {(o.article, o.mention.canonical): i
                     for o, i in self._store_occurrences(scope)[1]}
        meta = self.store.article_meta(scope)
        found: list[tuple[str, Event]] = []
        for aid, e in self.store.extraction.events(scope):
            if not shown(e, threshold):
                continue
            if type is not None and e.type != type.upper():
                continue
            if status is not None and e.status != status:
                continue
            if actor is not None and not (_actor_matches(e.source, actor)
                                          or _actor_matches(e.target, actor)):
                continue
            if names is not None and not any(
                    a is not None and names.get((aid, a.canonical)) == entity
                    for a in (e.source, e.target)):
                continue
            day = event_day(e, meta.get(aid, (None, None, None))[1])
            if (low and (day is None or day < low)) or (high and (day is None or day > high)):
                continue
            found.append((aid, e))
        found.sort(key=lambda x: (event_day(x[1], meta.get(x[0], (None, None, None))[1])
                                  or "~", x[0], x[1].trigger_start))
        if limit is not None:
            found = found[:limit]
        counts = self._event_counts({sid for a, _ in found
                                     if (sid := meta.get(a, (None, None, None))[0])})
        texts = self.store.articles_by_id({a for a, _ in found})
        rows = []
        for aid, e in found:
            story_id, published, source = meta.get(aid, (None, None, None))
            article = texts.get(aid)
            n_articles, n_independent = counts.get((story_id, aid, e.trigger_start), (1, 1))
            rows.append(EventRow(
                aid, story_id, source, published, article.url if article else None,
                event_day(e, published), e,
                " ".join(article.text[e.start:e.end].split()) if article else "",
                n_articles, n_independent))
        return rows

    def story_events(self, story: str, min_confidence: float | None = None
                     ) -> list[StoryEvent]:
        """A story's distinct events, each with the articles and independent sources that
        report it (copies count once), in date order: those whose confidence, corroborated
        by all their independent reports, reaches ``min_confidence`` (None: the calibrated
        default)."""
        scope = self._scope(story)
        return self._story_events(scope or [], _min_confidence(min_confidence))

    def _story_events(self, article_ids: Sequence[str], threshold: float | None
                      ) -> list[StoryEvent]:
        meta = self.store.article_meta(article_ids)
        reports = [Report(aid, meta.get(aid, (None, None, None))[2],
                          meta.get(aid, (None, None, None))[1], e)
                   for aid, e in self.store.extraction.events(article_ids)]
        original_of = {a: g.original for g in self.dupes(article_ids) for a in g.ids}
        return aggregate(reports, original_of, threshold)

    def story_inputs(self, story: str) -> StoryInputs:
        """Everything the analysis of one story reads (its articles in publication order,
        their sentences and extraction, copy links, the story's entities)."""
        sid = self._story_id(story)
        if sid is None:
            raise ValueError(f"no story {story!r}")
        ids = self.store.stories.members(sid)
        articles = self.store.articles_by_id(ids)
        ext = self.store.extraction
        per: dict[str, dict[str, list[Any]]] = {
            a: {"mentions": [], "timexes": [], "quotes": [], "events": []} for a in articles}
        for name, rows in (("mentions", ext.mentions(ids)), ("timexes", ext.timexes(ids)),
                           ("quotes", ext.quotes(ids)), ("events", ext.events(ids))):
            for aid, item in rows:
                if aid in per:
                    per[aid][name].append(item)
        sentences = ext.sentences(ids)
        copy_of: dict[str, tuple[str, str]] = {}
        for g in self.dupes(ids):
            for c in g.copies:
                copy_of[c.article_id] = (g.original, c.method)
        entities, occ, eids = self._entities(ids)
        entity_of = {(o.article, o.mention.canonical): i for o, i in zip(occ, eids, strict=True)}
        ordered = sorted(articles.values(), key=lambda a: (a.published or "~", a.id))
        inputs = []
        for a in ordered:
            spans = sentences.get(a.id)
            if spans is None:  # stored before sentences were: split the same way now
                from storyline.extract.run import split_sentences

                spans = split_sentences(a.text, a.lang)
            original, method = copy_of.get(a.id, (None, None))
            inputs.append(ArticleInput(
                id=a.id, title=a.title, text=a.text, source=a.source, published=a.published,
                lang=a.lang, sentences=spans, mentions=tuple(per[a.id]["mentions"]),
                timexes=tuple(per[a.id]["timexes"]), quotes=tuple(per[a.id]["quotes"]),
                events=tuple(per[a.id]["events"]),
                copy_of=original if original in articles else None,
                copy_kind=method if original in articles else None))
        summary = self.store.stories.summaries(ids=[sid], limit=None)
        headline = summary[0]["headline"] if summary else ""
        entities.sort(key=lambda e: (-e.mentions, -len(e.articles), e.name))
        return StoryInputs(sid, headline, tuple(inputs), tuple(entities), entity_of)

    def report(self, story: str, *, embeddings: str | Encoder | None = STATIC,
               min_confidence: float | None = None) -> StoryReport:
        """The story report: summary, timeline, facts by source, single-source facts,
        conflicts, quotes, entities and copies (``storyline show``). Raises ValueError for
        an unknown story.

        ``embeddings`` (a model, as for ``ingest``, or a loaded encoder; the default
        install's static model unless None) also aligns statements by meaning;
        ``EmbeddingsError`` when the extra or model is missing. A model named here is
        loaded once per ``Storyline``. ``min_confidence`` as for ``events``."""
        from storyline.analyse.report import build_report

        if isinstance(embeddings, str):
            if embeddings not in self._encoders:
                loaded = _encoder(embeddings)
                assert loaded is not None
                self._encoders[embeddings] = loaded
            embeddings = self._encoders[embeddings]
        threshold = _min_confidence(min_confidence)
        sid = self._story_id(story)
        if sid is None:
            raise ValueError(f"no story {story!r}")
        with self.store.snapshot():  # the fingerprint of what the report reads
            fingerprint = self.store.stories.digest_fingerprints([sid]).get(sid)
            inputs = self.story_inputs(sid)
        report = build_report(inputs, encoder=embeddings, min_confidence=threshold)
        # The list's digest comes free with a report of the default analysis.
        version = _digest_version(model_name(embeddings) if embeddings is not None else None,
                                  threshold)
        if fingerprint is not None and version == _digest_version(
                STATIC_NAME, default_min_confidence()):
            self._keep_digest(digest(report), fingerprint, version)
        return report

    def _event_counts(self, story_ids: set[str]
                      ) -> dict[tuple[str | None, str, int], tuple[int, int]]:
        """(story, article, trigger) → (articles, independent sources) reporting the same
        event in that story (every report counts, however unsure)."""
        out: dict[tuple[str | None, str, int], tuple[int, int]] = {}
        for sid in story_ids:
            for se in self._story_events(self.store.stories.members(sid), None):
                for r in se.reports:
                    out[sid, r.article_id, r.event.trigger_start] = (se.articles,
                                                                     se.independent)
        return out

    def dupes(self, article_ids: Sequence[str] | None = None) -> list[CopyGroup]:
        """Copy groups (all, or those holding any of ``article_ids``), original first."""
        links = self.store.copy_links(article_ids)
        if article_ids is not None:  # complete the groups the given articles belong to
            seen: set[str] = set()
            frontier = {x for a, b, _, _ in links for x in (a, b)}
            while frontier - seen:
                seen |= frontier
                links = self.store.copy_links(seen)
                frontier = {x for a, b, _, _ in links for x in (a, b)}
        ids = {x for a, b, _, _ in links for x in (a, b)}
        return build_groups(links, self.store.articles_by_id(ids))


#: An entity id as ``Storyline.entities()`` gives it ("person:antony-blinken"): what a
#: story list's ``entity`` filter takes for an id rather than a name.
ENTITY_ID = re.compile(r"^(person|org|gpe|loc):\S+$")


def _digest_version(model: str | None, threshold: float) -> str:
    """What a stored digest was computed by: the digest rule, the report's schema, the
    Storyline version, the sentence model and the events' confidence threshold."""
    import storyline  # its version is set after this module is imported

    return (f"{DIGEST_VERSION}/{REPORT_SCHEMA}/{storyline.__version__}/{model or '-'}/"
            f"{threshold:.4f}")


def _min_confidence(value: float | None) -> float:
    """The threshold events are shown at: ``value``, else the calibrated default."""
    if value is None:
        return default_min_confidence()
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"min_confidence must be between 0 and 1, not {value!r}")
    return value


def event_day(event: Event, published: str | None) -> str | None:
    """The day an event is listed under: its own date when the article gives a day (a
    month or year as its first day's prefix; a week or quarter, its first day); the
    publication day for news of the day (``PRESENT_REF``: told in the present, or in the
    lead); else None, undated (background with no date is not the day's news)."""
    value = event.date or ""
    if len(value) >= 4 and value[:4].isdigit() and all(c.isdigit() or c == "-"
                                                      for c in value[:10]):
        return value[:10]
    span = value_range(value) if value[:4].isdigit() else None
    if span is not None:  # a week ("2024-W12"), a quarter: its first day
        return span[0]
    if value == TODAY:
        return published[:10] if published else None
    return None


def _actor_matches(actor: Actor | None, wanted: str) -> bool:
    if actor is None:
        return False
    w = key(wanted)
    code = actor.code or ""
    return (w in key(actor.canonical) or w in key(actor.text)
            or (wanted.isupper() and (code == wanted or code.startswith(wanted + "-")
                                      or actor.country == wanted)))


@dataclass(frozen=True, slots=True)
class EventRow:
    """An event as one article reports it."""

    article_id: str
    story_id: str | None
    source: str | None
    published: str | None
    url: str | None
    #: The event's day ("2023-06-14", "2023-06", "2023") or the publication day.
    day: str | None
    event: Event
    #: The sentence that reports it.
    evidence: str
    #: Articles and independent sources (copies count once) of the story that report the
    #: same event.
    articles: int
    independent: int


@dataclass(frozen=True, slots=True)
class CoOccurrence:
    """An entity named together with another: in how many articles, and in how many
    sentences, both are named."""

    entity: Entity
    articles: int
    sentences: int


@dataclass(frozen=True, slots=True)
class QuoteRow:
    """A quote as listed: the words, who said them (an entity), where they were reported."""

    article_id: str
    source: str | None
    published: str | None
    speaker: str | None
    speaker_id: str | None
    text: str
    cue: str | None
    partial: bool
    start: int
    end: int


def _encoder(embeddings: str | Encoder | None) -> Encoder | None:
    if embeddings is None or not isinstance(embeddings, str):
        return embeddings
    from storyline.semantic.load import load_encoder  # torch only for a transformer

    return load_encoder(embeddings)


def map_batch(
    paths: Sequence[str | Path],
    out: str | Path,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    format: str = "auto",
    source: str | None = None,
    published: str | None = None,
    lang: str | None = None,
) -> dict[str, int]:
    """The parallel half of an ingest, to Parquet parts in ``out``: one task per big input
    file or run of up to 32 small ones, on ``executor`` (a Dask cluster's) or ``workers``
    processes here. Load the folder with
    :meth:`Storyline.load_batch`. Returns counts: parts, reused, articles, rejects,
    notices. Raises ValueError for a bad argument, ``BatchError`` when there is no input."""
    from concurrent.futures import ProcessPoolExecutor

    from storyline.engines.batch import map_inputs

    fmt = _check_format(format)
    overrides = Overrides(
        source=source or None,
        published=check_published(published) if published else None,
        lang=_check_lang(lang),
    )
    names = [str(p) for p in paths]
    if executor is not None:
        return map_inputs(names, out, executor, fmt=fmt, overrides=overrides)
    with ProcessPoolExecutor(max_workers=workers or pipeline.default_workers(),
                             mp_context=pipeline.pool_context()) as pool:
        return map_inputs(names, out, pool, fmt=fmt, overrides=overrides)


def _check_format(value: str) -> InputFormat | None:
    if value == "auto":
        return None
    if value not in INPUT_FORMATS:
        raise ValueError(f"format must be auto or one of {', '.join(INPUT_FORMATS)}, not {value!r}")
    return value  # type: ignore[return-value]


def _check_lang(value: str | None) -> str | None:
    return check_lang(value) if value else None
