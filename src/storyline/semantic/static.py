"""The sentence vectors of the default install: a static (context-free) model, wordllama's
l2_supercat at 256 dimensions, whose weights and tokenizer ship inside its PyPI wheel.

Why this model (measured side by side, ``benchmarks/semantic.py``): on SemEval-2022 dev
English pairs its cosine alone gives Pearson 0.833 (all-MiniLM-L6-v2 through torch: 0.858;
the sparse score: 0.732), it encodes about 15,000 sentences a second on one core and loads
in a quarter of a second, and it needs numpy, safetensors and tokenizers, not torch. A
model2vec distillation of MiniLM was as fast but far worse (0.632), and USE multilingual
missed the speed bar (729 sentences/s). It is English-only in practice: on German, Spanish
and cross-language pairs it is worse than the sparse score, so it claims no language but
English (``covers``).

Offline: ``WordLlama.load()`` looks for the tokenizer in a folder the wheel does not have
and then downloads it (ignoring ``HF_HUB_OFFLINE``). Here both files are named inside the
installed package and downloads are disabled, so a missing file is an error, never a fetch.

Licence: the wordllama package is MIT. Its README says the l2_supercat weights were trained
from the token-embedding codebooks of LLaMA 2 70B and phi-3-medium; Storyline depends on the
package and does not redistribute the weights.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from storyline.semantic.vectors import EmbeddingsError, Vectors, normalise

#: ``--embeddings static``.
STATIC = "static"
#: The name stores record for vectors of this model.
STATIC_NAME = "wordllama-l2-supercat-256"
DIMENSION = 256
#: Tokens read per text: the model has no context, so a longer text only dilutes its mean
#: (and wordllama pads a batch to its longest text: one 1 MB text costs gigabytes).
MAX_TOKENS = 512
#: Texts encoded per call to the model: bounds the padded batch.
BATCH = 256


class StaticEncoder:
    """wordllama l2_supercat-256 behind the ``Encoder`` interface: L2-normalised float32
    rows; an all-zero row for a text with no token the model knows (empty, whitespace)."""

    name = STATIC_NAME
    dimension = DIMENSION

    def __init__(self, model: Any) -> None:
        self._model = model

    def encode(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        rows = [self._model.embed([t if t.strip() else "" for t in texts[i:i + BATCH]],
                                  norm=False)
                for i in range(0, len(texts), BATCH)]
        out = normalise(np.vstack(rows))
        blank = np.array([not t.strip() for t in texts])
        out[blank] = 0.0  # no words, no vector (the model gives padding a direction)
        return out


    def encode_spans(self, texts: list[str], spans: list[list[tuple[int, int]]]
                     ) -> tuple[Vectors, list[Vectors]]:
        """Each text's vector and, from the same tokens, one vector per character span of
        it (the mean of the tokens inside the span): a text and its parts for the price of
        tokenising the text once. A span with no token gets an all-zero row."""
        model = self._model
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        parts: list[Vectors] = []
        table = model.embedding
        tokenizer = model.tokenizer
        tokenizer.no_padding()  # one text's tokens each: no padding to the longest
        try:
            encodings = tokenizer.encode_batch(texts, add_special_tokens=False) if texts else []
        finally:
            tokenizer.enable_padding()  # as wordllama's own embed() expects it
        for i, enc in enumerate(encodings):
            ids = np.clip(np.asarray(enc.ids, dtype=np.int64), 0, table.shape[0] - 1)
            mine = np.zeros((len(spans[i]), DIMENSION), dtype=np.float32)
            if not len(ids) or not texts[i].strip():
                parts.append(mine)
                continue
            # running sums: any stretch's mean is a difference of two rows
            sums = np.zeros((len(ids) + 1, DIMENSION), dtype=np.float32)
            np.cumsum(table[ids], axis=0, out=sums[1:])
            out[i] = sums[-1] / len(ids)
            if spans[i]:
                starts = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)[:, 0]
                bounds = np.asarray(spans[i], dtype=np.int64)
                lo = np.searchsorted(starts, bounds[:, 0], side="left")
                hi = np.searchsorted(starts, bounds[:, 1], side="left")
                count = (hi - lo).astype(np.float32)
                some = count > 0
                mine[some] = (sums[hi[some]] - sums[lo[some]]) / count[some, None]
            parts.append(normalise(mine))
        return normalise(out), parts


def package_folder() -> Path:
    """The installed wordllama package, which holds ``weights/`` and ``tokenizers/``."""
    try:
        import wordllama
    except ImportError as exc:
        raise EmbeddingsError("the static sentence model needs the wordllama package "
                              "(a dependency of storyline): pip install wordllama") from exc
    return Path(str(wordllama.__file__)).parent


def load_static() -> StaticEncoder:
    """Load the static model from the installed package's own files; never downloads."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        folder = package_folder()
        from wordllama import WordLlama

        model = WordLlama.load(config="l2_supercat", dim=DIMENSION, trunc_dim=None,
                               cache_dir=folder, disable_download=True)
        model.tokenizer.enable_truncation(max_length=MAX_TOKENS)
    except EmbeddingsError:
        raise
    except Exception as exc:  # a missing or damaged file: one line, never a download
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EmbeddingsError(f"cannot load the static sentence model from the installed "
                              f"wordllama package (nothing is downloaded): {reason}") from exc
    finally:
        # importing wordllama sets the root logger to INFO with a handler of its own
        root.setLevel(level)
        root.handlers[:] = handlers
    return StaticEncoder(model)
