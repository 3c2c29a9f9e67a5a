"""Online story assignment: each new article joins the best live story or opens a new one.

Nothing already assigned is re-clustered. Candidates come from the story term index
(stories sharing the article's strongest terms, within a time window), never from a scan of
the store. A copy joins the story of what it copies. When an article scores high with two
stories, they were one story all along and are merged (the older id survives; the newer
one stays valid as an alias) unless an analyst split them apart.

Optionally (``encoder``; the ``storyline[embeddings]`` extra), each article is also embedded
(title and lead) and each story keeps a dense centroid, the sum of its members' embeddings.
The dense cosine then enters the score, ``(1 - w) * sparse + w * evidence`` (times the time
factor as before; the evidence is the cosine rescaled so that ``score.DENSE_ZERO`` counts as
none, see ``Match``), and stories near the article by embedding alone are candidates too. An
English-only model (the default all-MiniLM-L6-v2) is used for English articles against
stories whose main language is English; a multilingual one (its name says so) everywhere.
Without an encoder nothing of this runs and the decisions are the sparse ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from storyline.dedupe.translation import evidence, is_translation
from storyline.models import Article
from storyline.semantic.load import spec_of
from storyline.semantic.vectors import (
    Encoder,
    ModelMismatchError,
    article_text,
    covers,
    is_multilingual,
    model_name,
    normalise,
)
from storyline.store import Store
from storyline.store.story_tables import as_stored
from storyline.stories.dense_stories import DenseStories, ordinal
from storyline.stories.headline import (
    Candidate,
    choose_headline,
    close_set,
    typo_words,
    vocabulary,
)
from storyline.stories.records import Assignment, Dense, DenseCentroid, StoryRow
from storyline.stories.score import (
    DENSE_ZERO,
    Match,
    Prepared,
    Vector,
    add_into,
    cosine,
    match_prepared,
    top,
    weigh,
)

#: An article joins a story when its score reaches this.
JOIN_THRESHOLD = 0.25
#: A second story scoring this high with the same article is merged into the first.
MERGE_THRESHOLD = 0.45
#: Strongest article terms used to look up candidate stories.
QUERY_TERMS = 16
#: Story terms kept in the lookup index.
INDEX_TERMS = 40
#: Candidate stories scored per article at most.
MAX_CANDIDATES = 25
#: Candidate stories, and members of each, checked for a translated original.
TRANSLATION_STORIES = 3
TRANSLATION_MEMBERS = 30
#: Stories kept parsed in memory during a batch, least recently used dropped first (a
#: parsed centroid costs tens of kB; time windows keep the live set small anyway).
CACHE_STORIES = 4_000
#: Document frequencies kept in memory during a batch before writing back.
CACHE_TERMS = 200_000
#: Stories whose last article is further away than this are not candidates.
WINDOW_DAYS = 21
#: With embeddings: the dense share of the score, (1 - w) * sparse + w * evidence (chosen
#: on AllSides validation with all-MiniLM-L6-v2; see benchmarks/README.md).
DENSE_WEIGHT = 0.5
#: With embeddings: stories found by embedding alone, scored besides the term-index ones...
DENSE_CANDIDATES = 10
#: ...when their dense cosine is above the no-evidence point.
DENSE_FLOOR = DENSE_ZERO
#: With embeddings: dense centroids loaded for a chunk at most (the newest first).
DENSE_LOAD = 20_000
#: A story's spelling (which headline words are typos) is read from its first articles at
#: most, besides the titles compared; only when two titles are about as central.
VOCABULARY_ARTICLES = 50


@dataclass(frozen=True, slots=True)
class Decision:
    story_id: str
    method: str  # "new", "joined", "copy", "translation", "merged"
    score: float | None
    runner_up: str | None
    runner_up_score: float | None
    merged: tuple[str, ...] = ()
    #: Dense cosine with the chosen story, when embeddings took part in the decision.
    dense: float | None = None


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def days_between(when: str | None, first: str | None, last: str | None) -> float | None:
    d, lo, hi = _day(when), _day(first), _day(last)
    if d is None or lo is None or hi is None:
        return None
    if lo <= d <= hi:
        return 0.0
    return float(min(abs((d - lo).days), abs((d - hi).days)))


def _main_lang(langs: Mapping[str, int]) -> str | None:
    """The most frequent language; on a tie English (the interface's language), else the
    alphabetically first."""
    if not langs:
        return None
    top = max(langs.values())
    tied = sorted(k for k, v in langs.items() if v == top)
    return "en" if "en" in tied else tied[0]


def story_id_for(article_id: str) -> str:
    """Deterministic: the same first article always opens the same story id."""
    return f"s{article_id[:11]}"


def dense_applies(multilingual: bool, article_lang: str | None, story_lang: str | None) -> bool:
    """Whether the dense cosine counts between an article and a story (by its main
    language): always for a multilingual model, else when both are English."""
    return multilingual or (article_lang == "en" and story_lang == "en")


def main_language(langs: Mapping[str, int]) -> str | None:
    return max(langs, key=lambda k: (langs[k], k)) if langs else None


def cli_model(name: str) -> str:
    """How to ask for a recorded model again (``--embeddings``)."""
    return spec_of(name)


class StoryAssigner:
    """Assigns articles in arrival order. Lives for one ingest batch, inside its transactions.

    ``encoder`` turns on the dense signal (see the module docs); ``model`` is the name the
    store records (the encoder's ``name`` by default): a store whose embeddings come from
    another model raises :class:`ModelMismatchError` here, before anything is written.
    """

    def __init__(self, store: Store, encoder: Encoder | None = None, *,
                 model: str | None = None, dense_weight: float | None = None,
                 multilingual: bool | None = None) -> None:
        self.store = store
        self.tables = store.stories
        self.encoder = encoder
        self.dense_weight = DENSE_WEIGHT if dense_weight is None else float(dense_weight)
        if not 0.0 <= self.dense_weight <= 1.0:
            raise ValueError(f"dense weight must be between 0 and 1, not {self.dense_weight}")
        self.model = (model or model_name(encoder)) if encoder is not None else None
        self.multilingual = (bool(multilingual) if multilingual is not None
                             else bool(self.model and is_multilingual(self.model)))
        #: article id → its embedding, encoded for the current chunk by ``prepare``.
        self._embedded: dict[str, Dense] = {}
        #: dense centroids of the stories around the current chunk (mirror of story_dense).
        self._dense = DenseStories()
        self._no_dense: set[str] = set()
        self._meta_written = False
        if encoder is not None:
            self._check_model()
        #: story id → (row, prepared centroid); valid for this assigner's lifetime, which
        #: is one batch: every write goes through ``_save``, which refreshes it.
        self._cache: dict[str, tuple[StoryRow, Prepared]] = {}
        #: Document frequencies read or changed in this batch; written back by ``flush``.
        self._df: dict[str, int] = {}
        self._df_dirty: set[str] = set()
        self._documents: int | None = None
        #: story id → (hash of its indexed term set, last date in the index), to skip
        #: rewriting an unchanged index.
        self._indexed: dict[str, tuple[int, str | None]] = {}

    def _load(self, story_id: str) -> tuple[StoryRow, Prepared] | None:
        hit = self._cache.pop(story_id, None)
        if hit is None:
            row = self.tables.get(story_id)
            if row is None:
                return None
            hit = (row, Prepared.of(row.centroid))
            while len(self._cache) >= CACHE_STORIES:
                self._cache.pop(next(iter(self._cache)))
        self._cache[story_id] = hit  # (re)inserted last: dicts keep insertion order
        return hit

    def forget(self) -> None:
        """Drop everything cached (after a rolled-back transaction)."""
        self._cache.clear()
        self._df.clear()
        self._df_dirty.clear()
        self._documents = None
        self._indexed.clear()
        self._embedded.clear()
        self._dense.clear()
        self._no_dense.clear()
        self._meta_written = False

    def reload(self, articles: Sequence[Article]) -> None:
        """Drop what was read from the store (another process has written since): story
        rows, document frequencies, the indexed terms and the dense centroids, which are
        read again inside this transaction; keep the chunk's prepared embeddings. Writing
        back a count read before another writer's commit would lose its increments."""
        self._cache.clear()
        self._df.clear()
        self._df_dirty.clear()
        self._documents = None
        self._indexed.clear()
        self._meta_written = False  # the other writer may have recorded a model
        if self.encoder is not None:
            self._check_model()
            self._load_window(articles)

    def flush(self) -> None:
        """Write the batch's statistics back; call inside the transaction, before commit."""
        if self._df_dirty:
            self.tables.set_document_frequencies({t: self._df[t] for t in self._df_dirty})
            self._df_dirty.clear()
        if self._documents is not None:
            self.tables.set_meta("documents", str(self._documents))

    def _count(self, terms: Mapping[str, float]) -> tuple[dict[str, int], int]:
        if self._documents is None:
            self._documents = int(self.tables.meta("documents", "0"))
        missing = [t for t in terms if t not in self._df]
        if missing:
            found = self.tables.document_frequencies(missing)
            for t in missing:
                self._df[t] = found.get(t, 0)
        if len(self._df) > CACHE_TERMS:
            self.flush()
            keep = {t: self._df[t] for t in terms}
            self._df = keep
        for t in terms:
            self._df[t] += 1
        self._df_dirty.update(terms)
        self._documents += 1
        return self._df, self._documents

    def assign(self, article: Article, raw: Mapping[str, float],
               copies_of: list[str] | None = None) -> Decision:
        tables = self.tables
        df, n = self._count(raw)
        vec = weigh(raw, df, n)
        tables.save_vector(article.id, vec)
        emb = self._embedding(article) if self.encoder is not None else None
        decision = self._decide(article, vec, copies_of or [], emb)
        loaded = self._load(decision.story_id)
        story = loaded[0] if loaded else None
        if story is None:
            story = StoryRow(decision.story_id, article.title, article.id, 0.0,
                             article.published, article.published, 0, {}, {})
        self._add_member(story, article, vec, emb,
                         copy=decision.method in ("copy", "translation"))
        for loser in decision.merged:
            self._merge_into(story, loser)
        self._save(story)
        tables.record_assignment(Assignment(
            article.id, story.id, decision.method, decision.score, decision.runner_up,
            decision.runner_up_score, False, datetime.now(UTC).isoformat(timespec="seconds"),
            decision.dense,
        ))
        return decision

    # -- embeddings (only with an encoder) -----------------------------------------------
    def _check_model(self) -> None:
        stored = self.tables.meta("embedding_model")
        if stored and stored != self.model:
            raise ModelMismatchError(
                f"this store's embeddings come from model {stored!r}, not {self.model!r}; a "
                f"store never mixes models: use --embeddings {cli_model(stored)}, or switch "
                f"the store with storyline reembed --embeddings {cli_model(self.model or 'MODEL')}")

    def prepare(self, articles: Sequence[Article]) -> None:
        """Before assigning a chunk: encode its articles in one call (those the model covers
        and the store does not hold yet), and load the dense centroids of the stories they
        may join. Does nothing without an encoder. Call outside the chunk's transaction."""
        if self.encoder is None:
            return
        self._embedded.clear()
        todo: dict[str, Article] = {}
        for a in articles:
            if (a.id not in todo and covers(a.lang, self.multilingual)
                    and self.store.existing_id(a) is None):
                todo[a.id] = a
        self._encode(list(todo.values()))
        self._load_window(articles)

    def _encode(self, articles: list[Article]) -> None:
        if not articles or self.encoder is None:
            return
        texts = [article_text(a.title, a.text) for a in articles]
        rows = self.encoder.encode(texts)
        if rows.ndim != 2 or rows.shape[0] != len(texts):
            raise ValueError(f"encoder returned {rows.shape[0]} rows for {len(texts)} texts")
        rows = normalise(rows)  # the Encoder contract, enforced: dot product = cosine
        # Used as the store keeps them (float16), so a centroid is exactly the sum of its
        # members' stored rows, whoever recomputes it.
        rows = as_stored(rows)
        for a, row in zip(articles, rows, strict=True):
            self._embedded[a.id] = row

    def _load_window(self, articles: Sequence[Article]) -> None:
        days = sorted(d for d in (_day(a.published) for a in articles) if d is not None)
        since = (days[0] - timedelta(days=WINDOW_DAYS)).isoformat() if days else None
        until = (days[-1] + timedelta(days=WINDOW_DAYS)).isoformat() + "~" if days else None
        self._dense.clear()
        self._no_dense.clear()
        for centroid in self.tables.dense_window(since=since, until=until, limit=DENSE_LOAD):
            self._dense.put(centroid)

    def _embedding(self, article: Article) -> Dense | None:
        """The article's embedding (prepared, or encoded now); None if the model does not
        cover its language. Saved with the article."""
        if not covers(article.lang, self.multilingual):
            return None
        emb = self._embedded.pop(article.id, None)
        if emb is None:  # not prepared (a caller outside the pipeline): encode it alone
            self._encode([article])
            self._load_window([article])
            emb = self._embedded.pop(article.id, None)
            if emb is None:
                return None
        if not self._meta_written:
            self._write_meta(emb.shape[0])
        self.tables.save_embedding(article.id, emb)
        return emb

    def _write_meta(self, dim: int) -> None:
        tables = self.tables
        self._check_model()
        stored_dim = tables.meta("embedding_dim")
        if stored_dim and int(stored_dim) != dim:
            raise ModelMismatchError(f"this store's embeddings have {stored_dim} dimensions, "
                                     f"the encoder gives {dim}")
        assert self.model is not None
        tables.set_meta("embedding_model", self.model)
        tables.set_meta("embedding_dim", str(dim))
        tables.set_meta("embedding_weight", str(self.dense_weight))
        self._meta_written = True

    def _dense_of(self, story_id: str) -> DenseCentroid | None:
        """A story's dense centroid: from the chunk's mirror, else from the store."""
        found = self._dense.get(story_id)
        if found is not None or story_id in self._no_dense:
            return found
        found = self.tables.dense_centroid(story_id)
        if self.encoder is not None:
            if found is None:
                self._no_dense.add(story_id)
            else:
                self._dense.put(found)
        return found

    def _put_dense(self, story: StoryRow, total: Dense | None, members: int) -> None:
        self._no_dense.discard(story.id)
        if total is None or members <= 0:
            self.tables.save_dense(story.id, np.zeros(0, dtype=np.float32), 0)
            self._dense.drop(story.id)
            return
        self.tables.save_dense(story.id, total, members)
        if self.encoder is not None:
            self._dense.put(DenseCentroid(story.id, total, members, story.first_seen,
                                          story.last_seen))

    def _dense_cosine(self, emb: Dense, story_id: str) -> float | None:
        cos = self._dense.cosine(story_id, emb)
        if cos is None and story_id not in self._dense and self._dense_of(story_id):
            cos = self._dense.cosine(story_id, emb)
        return cos

    # -- the decision --------------------------------------------------------------------
    def _decide(self, article: Article, vec: Vector, copies_of: list[str],
                emb: Dense | None = None) -> Decision:
        tables = self.tables
        for original in copies_of:
            row = self.store.article(original)
            if row is not None and row.story_id:
                return Decision(tables.resolve(row.story_id), "copy", 1.0, None, None)
        scored = self.score_candidates(article, vec, emb)
        translated = self._translation_of(article, [sid for sid, _ in scored[:TRANSLATION_STORIES]])
        if translated is not None:
            story_id, original, score = translated
            self.store.add_copy_link(article.id, original, score, "translation")
            return Decision(story_id, "translation", round(score, 4), None, None)
        if not scored or scored[0][1].score < JOIN_THRESHOLD:
            closest = scored[0] if scored else None
            return Decision(story_id_for(article.id), "new", None,
                            closest[0] if closest else None,
                            round(closest[1].score, 4) if closest else None)
        best_id, best = scored[0]
        runner_id: str | None = scored[1][0] if len(scored) > 1 else None
        runner: Match | None = scored[1][1] if len(scored) > 1 else None
        if (runner_id is not None and runner is not None and runner.score >= MERGE_THRESHOLD
                and not tables.merge_forbidden(best_id, runner_id)):
            older, newer = self._older_first(best_id, runner_id)
            return Decision(older, "merged", round(best.score, 4), newer,
                            round(runner.score, 4), (newer,), _rounded(best.dense))
        return Decision(best_id, "joined", round(best.score, 4), runner_id,
                        round(runner.score, 4) if runner else None, (), _rounded(best.dense))

    def _translation_of(self, article: Article, story_ids: list[str]
                        ) -> tuple[str, str, float] | None:
        """A member of a candidate story, in another language, that this article translates
        (or that translates it): (story id, article id, score)."""
        if not article.lang or not story_ids:
            return None
        mine: list[str] | None = None
        best: tuple[str, str, float] | None = None
        for sid in story_ids:
            loaded = self._load(sid)
            if loaded is None or not set(loaded[0].langs) - {article.lang}:
                continue  # no member in another language to be a translation of
            members = self.tables.members(sid)[-TRANSLATION_MEMBERS:]
            for other in self.store.articles_by_id(members).values():
                if not other.lang or other.lang == article.lang:
                    continue
                mine = mine if mine is not None else evidence(article.text)
                found, score = is_translation(mine, evidence(other.text))
                if found and (best is None or score > best[2]):
                    best = (sid, other.id, score)
        return best

    def score_candidates(self, article: Article, vec: Vector, emb: Dense | None = None
                         ) -> list[tuple[str, Match]]:
        """Candidate stories for ``vec`` (and the embedding ``emb``), best first, with the
        parts of each score."""
        tables = self.tables
        query = list(top(vec, QUERY_TERMS))
        when = _day(article.published)
        since = (when - timedelta(days=WINDOW_DAYS)).isoformat() if when else None
        until = (when + timedelta(days=WINDOW_DAYS)).isoformat() + "~" if when else None
        scored: list[tuple[str, Match]] = []
        mine = Prepared.of(vec)
        ids = tables.candidates(query, since=since, until=until, limit=MAX_CANDIDATES)
        if emb is not None:  # stories close by embedding, whatever their words
            near = self._dense.nearest(
                emb, k=DENSE_CANDIDATES, floor=DENSE_FLOOR,
                since=ordinal(since, 0.0) if since else None,
                until=ordinal(until, 0.0) if until else None)
            known = set(ids)
            ids += [sid for sid, _ in near if sid not in known]
        for sid in ids:
            loaded = self._load(sid)
            if loaded is None or not loaded[0].centroid:
                continue
            story, centroid = loaded
            main_lang = main_language(story.langs)
            cross = bool(article.lang and main_lang and article.lang != main_lang)
            dense = (self._dense_cosine(emb, sid)
                     if emb is not None and dense_applies(self.multilingual, article.lang,
                                                          main_lang) else None)
            m = match_prepared(
                mine, centroid, cross_language=cross,
                days=days_between(article.published, story.first_seen, story.last_seen),
                dense=dense, dense_weight=self.dense_weight,
            )
            scored.append((sid, m))
        scored.sort(key=lambda item: (-item[1].score, item[0]))
        return scored

    def _older_first(self, a: str, b: str) -> tuple[str, str]:
        sa, sb = self.tables.get(a), self.tables.get(b)
        ka = (sa.created_at if sa else "", a)
        kb = (sb.created_at if sb else "", b)
        return (a, b) if ka <= kb else (b, a)

    # -- story bookkeeping ---------------------------------------------------------------
    def _add_member(self, story: StoryRow, article: Article, vec: Vector,
                    emb: Dense | None = None, copy: bool = False) -> None:
        story.centroid = add_into(story.centroid, vec)
        story.article_count += 1
        if article.lang:
            story.langs[article.lang] = story.langs.get(article.lang, 0) + 1
        if article.published:
            day = article.published
            story.first_seen = min(filter(None, (story.first_seen, day)))
            story.last_seen = max(filter(None, (story.last_seen, day)))
        self.tables.set_article_story(article.id, story.id)
        fit = cosine(vec, story.centroid)
        current = self.store.article(story.headline_article) if story.headline_article else None
        main = _main_lang(story.langs)
        # The headline is in the story's main language: readers of an English story get an
        # English headline even when a Spanish report fits the centroid best.
        same_lang = not main or not article.lang or article.lang == main or (
            current is not None and current.lang != main)
        in_main = bool(main and article.lang == main)
        if current is not None and current.id != article.id:
            # The headline's own fit drifts as the story grows: measure it again.
            held = self.tables.vectors([current.id]).get(current.id)
            story.headline_score = cosine(held, story.centroid) if held else 0.0
        # A copy or translation never takes the headline from the report it copies; a real
        # title in the main language replaces one in another whatever the fit.
        inferred = article.title_inferred and current is not None and not current.title_inferred
        to_main = in_main and current is not None and current.lang not in (main, None)
        if current is None or current.id == article.id or (not copy and not inferred
                                                           and to_main):
            story.headline, story.headline_article, story.headline_score = (
                article.title, article.id, fit)
            if current is not None and current.id != article.id:
                self._spelled_right(story, main, [article, current])
        elif not copy and same_lang:
            # Both titles may name the story: the more central one, unless the other is
            # nearly as central and cleaner (no typo against the story's spelling, not
            # shouting); a real title before one made from a lead (stories/headline.py).
            kept = Candidate(current.id, story.headline, story.headline_score,
                             current.title_inferred)
            new = Candidate(article.id, article.title, fit, article.title_inferred)
            pair = [kept, new]
            read = (self._story_articles(story.id, [article, current])
                    if len(close_set(pair)) > 1 else None)
            words = vocabulary(_spelling(a) for a in read) if read is not None else None
            if choose_headline(pair, words or {}) is new:
                story.headline, story.headline_article, story.headline_score = (
                    article.title, article.id, fit)
                self._spelled_right(story, main, read or [article, current], words)
        if emb is not None:
            before = self._dense_of(story.id)
            if before is None:
                self._put_dense(story, emb.copy(), 1)
            else:
                self._put_dense(story, before.total + emb, before.members + 1)

    def _story_articles(self, story_id: str, compared: Sequence[Article]) -> list[Article]:
        """What the story's spelling is read from: the ``compared`` articles and its first
        ``VOCABULARY_ARTICLES`` members."""
        known = {c.id for c in compared}
        ids = [a for a in self.tables.members(story_id)[:VOCABULARY_ARTICLES] if a not in known]
        found = self.store.articles_by_id(ids)
        return [*compared, *(found[i] for i in ids if i in found)]

    def _spelled_right(self, story: StoryRow, main: str | None, read: list[Article],
                       words: Counter[str] | None = None) -> None:
        """The headline just went to ``read[0]``: if its title misspells the story's words,
        a nearly as central title among the story's first members may take over (the
        pairwise choice only saw the previous headline, which may have been far less
        central). Copies, translations and other languages' titles are not candidates.

        ``read`` starts with the new headline's article (then the previous one's, and the
        members ``_story_articles`` reads when ``words`` is their vocabulary)."""
        if words is None:
            read = self._story_articles(story.id, read)
            words = vocabulary(_spelling(a) for a in read)
        if not typo_words(story.headline, words):
            return
        others = [a for a in read[1:] if a.title.strip() and (not main or a.lang in (main, None))]
        vectors = self.tables.vectors([a.id for a in others])
        pool = [Candidate(read[0].id, story.headline, story.headline_score,
                          read[0].title_inferred)]
        for a in others:
            placed = self.tables.assignment(a.id)
            if placed is None or placed.method not in ("copy", "translation"):
                pool.append(Candidate(a.id, a.title, cosine(vectors.get(a.id, {}),
                                                            story.centroid), a.title_inferred))
        best = choose_headline(pool, words)
        if best is not None and best is not pool[0]:
            story.headline, story.headline_article, story.headline_score = (
                best.title, best.article_id, best.fit)

    def _merge_into(self, story: StoryRow, loser_id: str) -> None:
        self._cache.pop(loser_id, None)
        loser = self.tables.get(loser_id)
        if loser is None or loser.id == story.id:
            return
        members = self.tables.members(loser.id)
        for aid in members:
            self.tables.set_article_story(aid, story.id)
        for t, w in loser.centroid.items():
            story.centroid[t] = story.centroid.get(t, 0.0) + w
        story.centroid = top(story.centroid, len(story.centroid))
        story.article_count += len(members)
        for lang, c in loser.langs.items():
            story.langs[lang] = story.langs.get(lang, 0) + c
        story.first_seen = min(filter(None, (story.first_seen, loser.first_seen)), default=None)
        story.last_seen = max(filter(None, (story.last_seen, loser.last_seen)), default=None)
        lost = self._dense_of(loser.id)  # the dense centroids add up like the sparse ones
        if lost is not None:
            kept = self._dense_of(story.id)
            if kept is None:
                self._put_dense(story, lost.total, lost.members)
            else:
                self._put_dense(story, kept.total + lost.total, kept.members + lost.members)
        self._dense.drop(loser.id)
        self.tables.retire(loser.id, story.id)
        self.tables.record_correction("auto-merge", {"into": story.id, "merged": loser.id})

    def rebuild(self, story_id: str) -> StoryRow | None:
        """Recompute a story from its members (after a correction moved articles around)."""
        story = self.tables.get(story_id)
        if story is None:
            return None
        members = self.tables.members(story_id)
        vectors = self.tables.vectors(members)
        arts = self.store.articles_by_id(members)
        story.centroid, story.langs, story.article_count = {}, {}, len(members)
        dates = sorted(a.published for a in arts.values() if a.published)
        story.first_seen = dates[0] if dates else None
        story.last_seen = dates[-1] if dates else None
        for aid in members:
            story.centroid = add_into(story.centroid, vectors.get(aid, {}))
            lang = arts[aid].lang if aid in arts else None
            if lang:
                story.langs[lang] = story.langs.get(lang, 0) + 1
        main = _main_lang(story.langs)
        titled = [a for a in sorted(members, reverse=True) if a in arts]
        own = [a for a in titled if arts[a].lang in (main, None)] or titled
        pool = [Candidate(a, arts[a].title, cosine(vectors.get(a, {}), story.centroid),
                          arts[a].title_inferred) for a in own]
        close = [c.article_id for c in close_set(pool)]
        read = dict.fromkeys([*close, *members[:VOCABULARY_ARTICLES]]) if len(close) > 1 else {}
        best = choose_headline(pool, vocabulary(_spelling(arts[a]) for a in read if a in arts))
        if best is not None:
            story.headline, story.headline_article = best.title, best.article_id
            story.headline_score = best.fit
        embedded = self.tables.embeddings(members)
        rows = [embedded[a] for a in members if a in embedded]
        total = (np.asarray(np.sum(np.stack(rows), axis=0, dtype=np.float64), dtype=np.float32)
                 if rows else None)
        self._put_dense(story, total, len(rows))
        self._save(story)
        return story

    def _save(self, story: StoryRow) -> None:
        terms = frozenset(top(story.centroid, INDEX_TERMS))
        before = self._indexed.get(story.id)
        unchanged = before is not None and before[0] == hash(terms)
        self.tables.save(story, None if unchanged else sorted(terms))
        if unchanged and before is not None and before[1] != story.last_seen:
            self.tables.move_window(story.id, story.last_seen)
        self._indexed[story.id] = (hash(terms), story.last_seen)
        self._dense.move(story.id, story.first_seen, story.last_seen)
        self._cache.pop(story.id, None)
        while len(self._cache) >= CACHE_STORIES:
            self._cache.pop(next(iter(self._cache)))
        self._cache[story.id] = (story, Prepared.of(story.centroid))


def _spelling(article: Article) -> str:
    """What an article says, for the story's spelling: its title and text."""
    return f"{article.title}\n{article.text}"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
