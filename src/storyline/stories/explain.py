"""Why an article is in its story: the decision as recorded, and the evidence as it stands.

Analysts must be able to check the machine; so every placement keeps its method, score and
runner-up, and the shared names, numbers and terms are listed with their weights.
"""

from __future__ import annotations

from typing import Any

from storyline.models import Article
from storyline.store import Store
from storyline.stories.assign import days_between
from storyline.stories.score import match, normalise

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
        },
    }
    if story is None:
        return out
    # The story without this article: what the article has to match.
    rest = {t: w - vec.get(t, 0.0) for t, w in story.centroid.items()}
    rest = normalise({t: w for t, w in rest.items() if w > 1e-9})
    langs = story.langs
    main = max(langs, key=lambda k: (langs[k], k)) if langs else None
    m = match(vec, rest, days=days_between(article.published, story.first_seen,
                                            story.last_seen),
              cross_language=bool(article.lang and main and article.lang != main))
    shared = sorted(((t, vec[t] * rest[t]) for t in vec if t in rest), key=lambda x: -x[1])
    out["now"] = {"score": round(m.score, 4), "lexical": round(m.lexical, 4),
                  "names_and_numbers": round(m.names, 4), "time_factor": round(m.time, 4),
                  "cross_language": m.cross_language}
    out["shared_names"] = [t[2:] for t, _ in shared if t.startswith("e:")][:SHOWN]
    out["shared_numbers"] = [t[2:] for t, _ in shared if t.startswith("n:")][:SHOWN]
    out["shared_terms"] = [(t, round(w, 4)) for t, w in shared if ":" not in t][:SHOWN]
    out["copies"] = [
        {"article_id": b if a == article.id else a, "similarity": s, "method": meth}
        for a, b, s, meth in store.copy_links([article.id])
    ]
    return out
