"""An analyst's corrections: merge two stories, split articles off, move one article.

Corrections are applied at once, recorded (``corrections`` table), and hold for the future:
moved and split-off articles are pinned, and stories an analyst split apart are never
merged again automatically. Later articles follow the corrected stories naturally, since
each story's centroid and term index are rebuilt from its new members.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from storyline.store import Store
from storyline.stories.assign import StoryAssigner
from storyline.stories.records import Assignment, StoryRow


class CorrectionError(ValueError):
    """The correction cannot apply (unknown story or article, or nothing to do)."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _story(store: Store, ref: str) -> StoryRow:
    tables = store.stories
    sid = tables.resolve(ref) if tables.get(ref) else None
    if sid is None:
        matches = tables.ids_with_prefix(ref) if len(ref) >= 4 else []
        sid = tables.resolve(matches[0]) if len(matches) == 1 else None
    story = tables.get(sid) if sid else None
    if story is None:
        raise CorrectionError(f"no story with id {ref!r}")
    return story


def _pin(store: Store, article_id: str, story_id: str, method: str) -> None:
    store.stories.set_article_story(article_id, story_id)
    store.stories.record_assignment(
        Assignment(article_id, story_id, method, None, None, None, True, _now())
    )


def merge(store: Store, a: str, b: str) -> str:
    """Merge two stories; the older id survives and the other becomes its alias."""
    with store.transaction():
        first, second = _story(store, a), _story(store, b)
        if first.id == second.id:
            raise CorrectionError(f"{a} and {b} are the same story")
        keep, drop = sorted((first, second), key=lambda s: (s.created_at, s.id))
        for article_id in store.stories.members(drop.id):
            store.stories.set_article_story(article_id, keep.id)
        store.stories.retire(drop.id, keep.id)
        store.stories.allow_merge(keep.id, drop.id)
        StoryAssigner(store).rebuild(keep.id)
        store.stories.record_correction("merge", {"into": keep.id, "merged": drop.id})
    return keep.id


def split(store: Store, story_ref: str, article_ids: Sequence[str]) -> str:
    """Split articles off into a new story, which is never merged back automatically."""
    with store.transaction():
        story = _story(store, story_ref)
        members = set(store.stories.members(story.id))
        chosen = sorted({_article_id(store, ref) for ref in article_ids})
        outside = [aid for aid in chosen if aid not in members]
        if outside:
            raise CorrectionError(f"not in story {story.id}: {', '.join(outside)}")
        if len(chosen) == len(members):
            raise CorrectionError("splitting off every article leaves nothing behind")
        digest = hashlib.sha1(("split:" + ",".join(chosen)).encode()).hexdigest()
        new_id = f"s{digest[:11]}"
        store.stories.save(StoryRow(new_id, "", None, 0.0, None, None, 0, {}, {}), [])
        for aid in chosen:
            _pin(store, aid, new_id, "split")
        assigner = StoryAssigner(store)
        assigner.rebuild(new_id)
        assigner.rebuild(story.id)
        store.stories.forbid_merge(story.id, new_id)
        store.stories.record_correction("split", {"from": story.id, "into": new_id,
                                                  "articles": chosen})
    return new_id


def move(store: Store, article_ref: str, story_ref: str) -> str:
    """Move one article to another story and pin it there."""
    with store.transaction():
        article_id = _article_id(store, article_ref)
        target = _story(store, story_ref)
        article = store.article(article_id)
        assert article is not None
        source = store.stories.resolve(article.story_id) if article.story_id else None
        if source == target.id:
            raise CorrectionError(f"{article_id} is already in story {target.id}")
        _pin(store, article_id, target.id, "moved")
        assigner = StoryAssigner(store)
        assigner.rebuild(target.id)
        if source:
            left = assigner.rebuild(source)
            if left is not None and left.article_count == 0:
                store.stories.retire(source, target.id)
        store.stories.record_correction("move", {"article": article_id, "from": source,
                                                 "into": target.id})
    return target.id


def _article_id(store: Store, ref: str) -> str:
    article = store.article(ref)
    if article is None:
        raise CorrectionError(f"no article with id {ref!r}")
    return article.id
