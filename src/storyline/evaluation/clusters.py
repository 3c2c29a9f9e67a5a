"""Story clustering against gold stories, through the same incremental path as ``ingest``.

Input: JSON Lines, one article a line — ``id``, ``title``, ``text``, ``story`` (gold), and
optionally ``published``, ``source``, ``lang``. Articles are fed in ``published`` order (file
order when absent) into a throw-away store, exactly as a stream of ingests would be.

Optionally (the ``storyline[embeddings]`` extra) with the dense same-story signal, as
``ingest --embeddings`` would use it, at a chosen dense weight.
"""

from __future__ import annotations

import math
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from storyline.evaluation.records import json_lines
from storyline.ingest.units import Unit
from storyline.pipeline import ingest_units
from storyline.semantic.vectors import Encoder
from storyline.store import Store


@dataclass
class ClusterScore:
    articles: int
    gold_clusters: int
    predicted_clusters: int
    bcubed_precision: float
    bcubed_recall: float
    pairwise_precision: float
    pairwise_recall: float
    ari: float
    nmi: float
    seconds: float

    @property
    def bcubed_f1(self) -> float:
        p, r = self.bcubed_precision, self.bcubed_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def pairwise_f1(self) -> float:
        p, r = self.pairwise_precision, self.pairwise_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles, "gold clusters": self.gold_clusters,
            "predicted clusters": self.predicted_clusters,
            "B3 precision": round(self.bcubed_precision, 4),
            "B3 recall": round(self.bcubed_recall, 4), "B3 F1": round(self.bcubed_f1, 4),
            "pairwise F1": round(self.pairwise_f1, 4), "ARI": round(self.ari, 4),
            "NMI": round(self.nmi, 4), "seconds": round(self.seconds, 2),
        }


def read_records(path: Path) -> list[dict[str, Any]]:
    records = []
    for n, record in json_lines(path):
        if "story" not in record or not record.get("text"):
            raise ValueError(f"{path}:{n}: each line needs 'text' and 'story'")
        record.setdefault("id", str(n))
        records.append(record)
    # Published order; undated records after the dated ones, in file order.
    order = sorted(range(len(records)),
                   key=lambda i: (not records[i].get("published"),
                                  str(records[i].get("published") or ""), i))
    return [records[i] for i in order]


def _units(records: list[dict[str, Any]]) -> Iterator[Unit]:
    for record in records:
        published = record.get("published") or None
        yield Unit(
            origin=f"eval#{record['id']}",
            format="jsonl",
            data=str(record["text"]),
            title=str(record.get("title") or "") or None,
            source=record.get("source") or None,
            published=published,
            published_from="metadata" if published else None,
            lang=record.get("lang") or None,
            # Records are title and lead (or a headline): teasers, not whole articles, so
            # the teaser minimum applies, not the article one.
            partial=True,
        )


def cluster_records(records: list[dict[str, Any]], workers: int = 1, *,
                    encoder: Encoder | None = None, dense_weight: float | None = None
                    ) -> dict[str, str]:
    """Record id → predicted story id, through a throw-away store."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "eval.db") as store:
        report = ingest_units(store, _units(records), label=["eval"], workers=workers,
                              encoder=encoder, dense_weight=dense_weight)
        stories = {}
        for origin, article_id in report.origins.items():
            article = store.article(article_id)
            story = article.story_id if article and article.story_id else f"none:{article_id}"
            stories[origin.removeprefix("eval#")] = store.stories.resolve(story)
        for reject in report.rejected:  # a record that could not be read is its own story
            rid = reject.origin.removeprefix("eval#")
            stories[rid] = f"rejected:{rid}"
    return stories


def score_clustering(gold: dict[str, str], predicted: dict[str, str], seconds: float = 0.0
                     ) -> ClusterScore:
    ids = sorted(gold)
    g = [gold[i] for i in ids]
    p = [predicted.get(i, f"missing:{i}") for i in ids]
    pairs = Counter(zip(g, p, strict=True))
    gsize, psize = Counter(g), Counter(p)
    # B-cubed: for each item, precision/recall of its predicted cluster vs its gold cluster.
    bp = sum(n * n / psize[pc] for (gc, pc), n in pairs.items()) / len(ids)
    br = sum(n * n / gsize[gc] for (gc, pc), n in pairs.items()) / len(ids)
    same_both = sum(math.comb(n, 2) for n in pairs.values())
    same_pred = sum(math.comb(n, 2) for n in psize.values())
    same_gold = sum(math.comb(n, 2) for n in gsize.values())
    return ClusterScore(
        articles=len(ids), gold_clusters=len(gsize), predicted_clusters=len(psize),
        bcubed_precision=bp, bcubed_recall=br,
        pairwise_precision=same_both / same_pred if same_pred else 1.0,
        pairwise_recall=same_both / same_gold if same_gold else 1.0,
        ari=float(adjusted_rand_score(g, p)), nmi=float(normalized_mutual_info_score(g, p)),
        seconds=seconds,
    )


def evaluate_clusters(path: Path, workers: int = 1, *, encoder: Encoder | None = None,
                      dense_weight: float | None = None) -> ClusterScore:
    """Scores of the clustering of ``path``; ``seconds`` is the wall time of the ingest
    (embedding included, model loading not)."""
    return clusters_report(path, workers, encoder=encoder, dense_weight=dense_weight)[0]


def clusters_report(path: Path, workers: int = 1, *, encoder: Encoder | None = None,
                    dense_weight: float | None = None
                    ) -> tuple[ClusterScore, dict[str, list[tuple[str, str]]]]:
    """The scores and the mixed stories (see ``errors``) of one clustering run."""
    import time

    records = read_records(path)
    start = time.perf_counter()
    predicted = cluster_records(records, workers=workers, encoder=encoder,
                                dense_weight=dense_weight)
    elapsed = time.perf_counter() - start
    gold = {str(r["id"]): str(r["story"]) for r in records}
    return score_clustering(gold, predicted, elapsed), _mixed(records, predicted)


def errors(path: Path, *, encoder: Encoder | None = None, dense_weight: float | None = None
           ) -> dict[str, list[tuple[str, str]]]:
    """Predicted stories with the gold stories mixed in them (for --mistakes)."""
    records = read_records(path)
    return _mixed(records, cluster_records(records, encoder=encoder, dense_weight=dense_weight))


def _mixed(records: list[dict[str, Any]], predicted: dict[str, str]
           ) -> dict[str, list[tuple[str, str]]]:
    by_pred: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in records:
        by_pred[predicted[str(r["id"])]].append((str(r["story"]), str(r.get("title", ""))[:80]))
    return {k: v for k, v in by_pred.items() if len({s for s, _ in v}) > 1}
