"""Grid search of the story-assignment parameters on development files (tuning sets only).

    python benchmarks/tune_stories.py TUNE.jsonl [TUNE2.jsonl ...]

Prints B-cubed F1 per file and the mean for each setting. Choose on tuning files, then
report with `storyline eval clusters` on *other* files; never report a tuning file.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from storyline.evaluation.clusters import evaluate_clusters
from storyline.stories import assign, score


def main() -> None:
    files = [Path(p) for p in sys.argv[1:]]
    grid = {
        "JOIN_THRESHOLD": [0.16, 0.2, 0.24, 0.28],
        "LEXICAL_SHARE": [0.5, 0.7],
        "ENTITY_BOOST": [1.0, 1.6],
    }
    print("JOIN  LEX  BOOST  " + "  ".join(f.stem[:14].ljust(14) for f in files) + "  mean")
    for join, lex, boost in itertools.product(*grid.values()):
        assign.JOIN_THRESHOLD = join
        score.LEXICAL_SHARE = lex
        score.ENTITY_BOOST = boost
        f1 = [evaluate_clusters(f).bcubed_f1 for f in files]
        print(f"{join:<5} {lex:<4} {boost:<6} " + "  ".join(f"{x:<14.4f}" for x in f1)
              + f"  {sum(f1) / len(f1):.4f}", flush=True)


if __name__ == "__main__":
    main()
