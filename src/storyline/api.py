"""The Python API: everything the CLI does, as typed calls.

    >>> from storyline import Storyline
    >>> with Storyline("news.db") as sl:
    ...     report = sl.ingest(["articles/"])
    ...     for article in sl.articles(query="balloon"):
    ...         print(article.id, article.title)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from storyline import pipeline
from storyline.clean.dates import parse_user_date
from storyline.dedupe.groups import CopyGroup, build_groups
from storyline.models import INPUT_FORMATS, Article, IngestReport, InputFormat, Overrides
from storyline.store import ArticleFilter, RejectRow, Store, resolve_db


class Storyline:
    """A handle on one store. ``db`` defaults to ``STORYLINE_DB`` or the per-user store."""

    def __init__(self, db: str | Path | None = None) -> None:
        self.db_path = resolve_db(db)
        self.store = Store(self.db_path)

    def close(self) -> None:
        self.store.close()

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
        stdin: bytes | None = None,
        workers: int | None = None,
        progress: pipeline.Progress | None = None,
    ) -> IngestReport:
        """Read files, folders, globs (and ``-`` for ``stdin``) into the store.

        ``source``, ``published`` and ``lang`` override what the documents say. Raises
        ValueError for a bad argument; bad *inputs* never raise, they end up in
        ``report.rejected`` and in the store's rejects list.
        """
        fmt = _check_format(format)
        overrides = Overrides(
            source=source or None,
            published=parse_user_date(published) if published else None,
            lang=_check_lang(lang),
        )
        return pipeline.ingest(
            self.store,
            [str(p) for p in paths],
            fmt=fmt,
            overrides=overrides,
            stdin=stdin,
            workers=workers,
            progress=progress,
        )

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


def _check_format(value: str) -> InputFormat | None:
    if value == "auto":
        return None
    if value not in INPUT_FORMATS:
        raise ValueError(f"format must be auto or one of {', '.join(INPUT_FORMATS)}, not {value!r}")
    return value  # type: ignore[return-value]


def _check_lang(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    code = value.strip().lower()
    if not (2 <= len(code) <= 3 and code.isalpha()):
        raise ValueError(f"language must be an ISO 639 code such as en, de or es, not {value!r}")
    return code
