"""Why an article is in its story: the decision as recorded, and the evidence as it stands.

Analysts must be able to check the machine; so every placement keeps its method, score and
runner-up, and the shared names, numbers and terms are listed with their weights. When the
store has embeddings, the dense cosine with the story is shown too.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from storyline.models import Article
from storyline.semantic.vectors import is_multilingual
from storyline.store import Store
from storyline.stories.assign import DENSE_WEIGHT, days_between, dense_applies, main_language
from storyline.stories.score import Match, match, normalise

SHOWN = 10


def explain(store: Store, article: Article) -> dict[str, Any]:
    tables = store.stories
    sid = tables.resolve(article.story_id or "")
    story = tables.get(sid)
    vec = tables.vectors([article.id]).get(article.id, {})
    assignment = tables.assignment(article.id)
    out: dict[str, Any] = {
        "article_id": article.id, "title": article.title, "story_id": sid,
        "story_headline": story.headline if story else None,
        "decision": None if assignment is None else {
            "method": assignment.method, "score": assignment.score,
            "runner_up": assignment.runner_up, "runner_up_score": assignment.runner_up_score,
            "pinned": assignment.pinned, "at": assignment.at,
            **({} if assignment.dense is None else {"dense": assignment.dense}),
        },
    }
    if story is None:
        return out
    # The story without this article: what the article has to match.
    rest = {t: w - vec.get(t, 0.0) for t, w in story.centroid.items()}
    rest = normalise({t: w for t, w in rest.items() if w > 1e-9})
    main = main_language(story.langs)
    m = match(vec, rest, days=days_between(article.published, story.first_seen,
                                            story.last_seen),
              cross_language=bool(article.lang and main and article.lang != main))
    m = _with_dense(store, article, sid, main, m)
    shared = sorted(((t, vec[t] * rest[t]) for t in vec if t in rest), key=lambda x: -x[1])
    out["now"] = {"score": round(m.score, 4), "lexical": round(m.lexical, 4),
                  "names_and_numbers": round(m.names, 4), "time_factor": round(m.time, 4),
                  "cross_language": m.cross_language}
    if m.dense is not None:
        out["now"] |= {"sparse": round(m.sparse, 4), "dense": round(m.dense, 4),
                       "dense_evidence": round(m.dense_evidence or 0.0, 4),
                       "dense_weight": m.dense_weight,
                       "embedding_model": tables.meta("embedding_model")}
    out["shared_names"] = [t[2:] for t, _ in shared if t.startswith("e:")][:SHOWN]
    out["shared_numbers"] = [t[2:] for t, _ in shared if t.startswith("n:")][:SHOWN]
    out["shared_terms"] = [(t, round(w, 4)) for t, w in shared if ":" not in t][:SHOWN]
    out["copies"] = [
        {"article_id": b if a == article.id else a, "similarity": s, "method": meth}
        for a, b, s, meth in store.copy_links([article.id])
    ]
    return out


def _with_dense(store: Store, article: Article, story_id: str, main: str | None,
                m: Match) -> Match:
    """``m`` with the dense cosine between the article's embedding and the dense centroid
    of the rest of its story, when both exist and the model's languages allow it."""
    tables = store.stories
    model = tables.meta("embedding_model")
    if not model or not dense_applies(is_multilingual(model), article.lang, main):
        return m
    emb = tables.embeddings([article.id]).get(article.id)
    centroid = tables.dense_centroid(story_id)
    if emb is None or centroid is None or centroid.members < 2:
        return m
    rest = centroid.total - emb
    norm = float(np.linalg.norm(rest))
    if not norm:
        return m
    weight = float(tables.meta("embedding_weight", str(DENSE_WEIGHT)))
    return dataclasses.replace(m, dense=float(rest @ emb) / norm, dense_weight=weight)
