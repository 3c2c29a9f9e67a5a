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
)

SCHEMA_VERSION = len(MIGRATIONS)
