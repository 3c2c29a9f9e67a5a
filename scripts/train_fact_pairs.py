"""Fit the fact-alignment pair weights (src/storyline/data/models/fact_pairs.json).

A logistic regression of "these two claims state one fact" on three numbers the aligner
computes for any pair of one language: the TF-IDF cosine of their words, the overlap of
their anchors (names, figures, dates) and the cosine of their sentence vectors (text without
names). Trained on ECB+'s tune topics (1, 5, 9, ...; ``storyline.evaluation.ecb_facts``):
sentences of different reports that mention one event occurrence against sentences that
share only participants. The decision threshold is the logit that lets through
``NEGATIVE_RATE`` of the tune negatives. Check on other data than this: ``storyline eval
facts --ecbplus … --split check --embeddings static`` and the sample's ``storyline eval
facts --embeddings static``.

    python scripts/train_fact_pairs.py ../shared/eval/ecbplus-event-clusters

Needs the ECB+ folder (CC BY 3.0, Cybulska & Vossen 2014; it is read from where it lives,
never copied into the project) and scikit-learn (a dependency already).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from storyline.analyse.align import term_vectors
from storyline.evaluation import ecb_facts
from storyline.evaluation.facts import labelled_stories
from storyline.semantic.load import load_encoder
from storyline.semantic.vectors import model_name, normalise

OUT = Path(__file__).resolve().parent.parent / "src" / "storyline" / "data" / "models" \
    / "fact_pairs.json"
#: Share of the tune negatives (same participants, no common event) let through.
NEGATIVE_RATE = 0.02
SPLIT = "tune"


def features(folder: Path, split: str, model: str) -> tuple[np.ndarray, np.ndarray]:
    """(words, overlap, cosine) of each labelled same-language pair between independent
    articles (its best-matching claims), and its label."""
    encoder = load_encoder(model)
    rows, labels = [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = ecb_facts.write(folder, split, Path(tmp))
        for ls in labelled_stories(path):
            claims = ls.claims
            if not claims:
                continue
            x = term_vectors(claims)
            words = (x @ x.T).toarray()
            vectors = normalise(encoder.encode([c.gist for c in claims]))
            cosine = vectors @ vectors.T
            for p in ls.pairs:
                best = None
                for i in ls.mapped[p.a]:
                    for j in ls.mapped[p.b]:
                        a, b = claims[i], claims[j]
                        if a.original == b.original or a.lang != b.lang:
                            continue
                        union = a.anchors | b.anchors
                        f = (float(words[i, j]),
                             len(a.anchors & b.anchors) / len(union) if union else 0.0,
                             float(cosine[i, j]))
                        if best is None or f[0] + f[2] > best[0] + best[2]:
                            best = f
                if best is not None:
                    rows.append(best)
                    labels.append(p.positive)
    return np.array(rows), np.array(labels, dtype=bool)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ecbplus", type=Path, help="the ecbplus-event-clusters folder")
    parser.add_argument("--model", default="static")
    args = parser.parse_args()
    x, y = features(args.ecbplus, SPLIT, args.model)
    fit = LogisticRegression(C=10.0).fit(x, y)
    logits = fit.decision_function(x)
    threshold = float(np.quantile(logits[~y], 1 - NEGATIVE_RATE))
    w = fit.coef_[0]
    name = model_name(load_encoder(args.model))
    table = json.loads(OUT.read_text("utf-8")) if OUT.exists() else {}
    table.setdefault("models", {})[name] = {
        "lexical": round(float(w[0]), 4), "anchors": round(float(w[1]), 4),
        "meaning": round(float(w[2]), 4), "bias": round(float(fit.intercept_[0]), 4),
        "threshold": round(threshold, 4),
        "fitted_on": f"ECB+ {SPLIT} topics: {int(y.sum())} same-event and {int((~y).sum())} "
                     f"participants-only sentence pairs",
        "tune_recall": round(float(np.mean(logits[y] >= threshold)), 4),
        "tune_negative_rate": round(float(np.mean(logits[~y] >= threshold)), 4),
    }
    table["about"] = ("Pair weights of the fact aligner (storyline.analyse.align.PairWeights), "
                      "one entry per sentence-embedding model. Rebuilt by "
                      "scripts/train_fact_pairs.py from ECB+ (CC BY 3.0, Cybulska & Vossen "
                      "2014), read from ../shared/eval/ecbplus-event-clusters; the weights "
                      "are ours, under the project's licence.")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", "utf-8")
    print(json.dumps(table["models"][name], indent=1))


if __name__ == "__main__":
    main()
