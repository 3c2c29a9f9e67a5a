"""Schema migrations, applied in order; ``PRAGMA user_version`` records how far a store got.

Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: articles with full-text search, ingest batches, rejects.
    """
    CREATE TABLE articles (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        url TEXT UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        source TEXT,
        byline TEXT,
        published TEXT,
        published_from TEXT,
        lang TEXT,
        lang_score REAL,
        origin TEXT NOT NULL,
        format TEXT NOT NULL,
        partial INTEGER NOT NULL DEFAULT 0,
        title_inferred INTEGER NOT NULL DEFAULT 0,
        removed TEXT NOT NULL DEFAULT '[]',
        story_id TEXT,
        batch_id INTEGER,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_source ON articles(source);
    CREATE INDEX articles_lang ON articles(lang);
    CREATE INDEX articles_story ON articles(story_id);

    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='pk',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.pk, new.title, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.pk, old.title, old.text);
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.pk, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.pk, new.title, new.text);
    END;

    CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'running',
        inputs TEXT NOT NULL DEFAULT '[]',
        ingested INTEGER NOT NULL DEFAULT 0,
        already_stored INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE rejects (
        id INTEGER PRIMARY KEY,
        origin TEXT NOT NULL,
        reason TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        times INTEGER NOT NULL DEFAULT 1,
        batch_id INTEGER,
        UNIQUE (origin, reason)
    );
    """,
    # 2: near-duplicate signatures and copy links.
    """
    CREATE TABLE signatures (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        minhash BLOB NOT NULL,
        shingles INTEGER NOT NULL,
        indexed INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE copy_links (
        a TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        b TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        similarity REAL NOT NULL,
        method TEXT NOT NULL,
        PRIMARY KEY (a, b)
    );
    CREATE INDEX copy_links_b ON copy_links(b);
    """,
    # 3: stories, their term index, article vectors, corrections.
    """
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        headline TEXT NOT NULL,
        headline_article TEXT,
        headline_score REAL NOT NULL DEFAULT 0,
        first_seen TEXT,
        last_seen TEXT,
        article_count INTEGER NOT NULL DEFAULT 0,
        centroid TEXT NOT NULL DEFAULT '{}',
        langs TEXT NOT NULL DEFAULT '{}',
        merged_into TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX stories_last_seen ON stories(last_seen);
    CREATE TABLE story_terms (
        term TEXT NOT NULL,
        story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        PRIMARY KEY (term, story_id)
    );
    CREATE INDEX story_terms_story ON story_terms(story_id);
    CREATE TABLE article_vectors (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        features TEXT NOT NULL
    );
    CREATE TABLE term_df (
        term TEXT PRIMARY KEY,
        df INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE assignments (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        story_id TEXT NOT NULL,
        method TEXT NOT NULL,
        score REAL,
        runner_up TEXT,
        runner_up_score REAL,
        pinned INTEGER NOT NULL DEFAULT 0,
        at TEXT NOT NULL
    );
    CREATE TABLE corrections (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        args TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE cannot_link (
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        PRIMARY KEY (a, b)
    );
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 4: the story term index carries each story's last date, so that the candidate lookup
    # reads only the postings inside the time window (its cost stays flat as stores grow).
    # '~' sorts after every ISO date: an undated story is inside every window.
    """
    ALTER TABLE story_terms ADD COLUMN seen_until TEXT NOT NULL DEFAULT '~';
    UPDATE story_terms SET seen_until = coalesce(
        (SELECT last_seen FROM stories WHERE stories.id = story_terms.story_id), '~');
    CREATE INDEX story_terms_window ON story_terms(term, seen_until);
    """,
    # 5: optional dense embeddings (``ingest --embeddings``): one float32 row per embedded
    # article, and per story the sum of its embedded members' rows (its dense centroid).
    # The model that made them is recorded in ``meta`` (embedding_model, embedding_dim), so
    # a store never mixes models. ``assignments.dense`` keeps the dense cosine behind a
    # placement (NULL when no embedding took part). story_dense rows are written as members
    # join, before the story row itself is saved, and removed when a story is retired.
    """
    CREATE TABLE article_embeddings (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        vector BLOB NOT NULL
    );
    CREATE TABLE story_dense (
        story_id TEXT PRIMARY KEY,
        centroid BLOB NOT NULL,
        members INTEGER NOT NULL
    );
    ALTER TABLE assignments ADD COLUMN dense REAL;
    """,
    # 6: the term index read in (term, seen_until, story_id) order, so that a query takes the
    # most recent postings of a term without sorting them; entity mentions and quotes, each
    # with its evidence span in the article text.
    """
    DROP INDEX story_terms_window;
    CREATE INDEX story_terms_window ON story_terms(term, seen_until, story_id);
    CREATE TABLE mentions (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        sentence INTEGER NOT NULL,
        canonical TEXT NOT NULL,
        rule TEXT NOT NULL,
        country TEXT,
        geonameid INTEGER,
        role TEXT
    );
    CREATE INDEX mentions_article ON mentions(article_id, start);
    CREATE INDEX mentions_canonical ON mentions(canonical);
    CREATE TABLE quotes (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        sentence INTEGER NOT NULL,
        speaker TEXT,
        speaker_start INTEGER,
        speaker_end INTEGER,
        cue TEXT,
        partial INTEGER NOT NULL
    );
    CREATE INDEX quotes_article ON quotes(article_id, start);
    CREATE INDEX quotes_speaker ON quotes(speaker);
    """,
    # 7: time expressions and events, each with its evidence span in the article text.
    # Articles stored before this migration have none until they are extracted again
    # (``storyline reextract``).
    """
    CREATE TABLE timexes (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        sentence INTEGER NOT NULL,
        type TEXT NOT NULL,
        value TEXT,
        granularity TEXT NOT NULL,
        mod TEXT,
        anchored INTEGER NOT NULL,
        earliest TEXT,
        latest TEXT,
        note TEXT
    );
    CREATE INDEX timexes_article ON timexes(article_id, start);
    CREATE TABLE events (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        mode TEXT,
        sentence INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        trigger_start INTEGER NOT NULL,
        trigger_end INTEGER NOT NULL,
        source_start INTEGER, source_end INTEGER, source_text TEXT, source_name TEXT,
        source_country TEXT, source_sector TEXT,
        target_start INTEGER, target_end INTEGER, target_text TEXT, target_name TEXT,
        target_country TEXT, target_sector TEXT,
        status TEXT NOT NULL,
        location TEXT,
        location_geonameid INTEGER,
        date TEXT,
        date_text TEXT,
        pattern TEXT NOT NULL
    );
    CREATE INDEX events_article ON events(article_id, trigger_start);
    CREATE INDEX events_type ON events(type);
    CREATE INDEX events_source ON events(source_name);
    CREATE INDEX events_target ON events(target_name);
    """,
    # 8: sentence spans, the units the story analysis aligns and cites. Articles stored
    # before have none; the analysis splits them again when asked (same pipeline).
    """
    CREATE TABLE sentences (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        PRIMARY KEY (article_id, idx)
    ) WITHOUT ROWID;
    """,
    # 9: who runs a batch (``store/owner.py``), so that a later run can mark the batch of a
    # killed ingest interrupted instead of leaving it running forever. NULL in batches
    # begun before: their owner is unknown, so they are never taken for stale.
    """
    ALTER TABLE batches ADD COLUMN pid INTEGER;
    ALTER TABLE batches ADD COLUMN host TEXT;
    ALTER TABLE batches ADD COLUMN pid_scope TEXT;
    ALTER TABLE batches ADD COLUMN pid_start TEXT;
    """,
    # 10: how sure each event is (``extract/event_confidence.py``). NULL for events stored
    # before: they have none until ``storyline reextract``, and are shown as before.
    """
    ALTER TABLE events ADD COLUMN confidence REAL;
    """,
    # 11: story digests (``analyse/digest.py``): the counts the story list shows (sources,
    # independent sources, conflicts, shared facts), read from a story's report and kept
    # with a fingerprint of what they were computed from (members, copy links, extraction)
    # and the analysis version, so a list never waits for reports it already made. The
    # listing index walks live stories newest first (last report, then first; undated
    # last) without sorting them all.
    """
    CREATE TABLE story_digests (
        story_id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        version TEXT NOT NULL,
        sources INTEGER NOT NULL,
        independent_sources INTEGER NOT NULL,
        conflicts INTEGER NOT NULL,
        shared_facts INTEGER NOT NULL,
        computed_at TEXT NOT NULL
    );
    CREATE INDEX stories_newest ON stories(coalesce(last_seen, '') DESC,
        coalesce(first_seen, '') DESC, id) WHERE merged_into IS NULL;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
