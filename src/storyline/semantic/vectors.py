"""Sentence vectors, behind one small interface: ``Encoder.encode(texts) -> rows``.

Every stage that compares meaning (stories, facts, the summary, conflicts) asks an
:class:`Encoder` for L2-normalised float32 rows, one per text; an all-zero row means "no
vector" (an empty text, a script the model does not know). Which model answers — the static
one of the default install (``static.py``) or a sentence-transformers model of the
``storyline[embeddings]`` extra (``transformer.py``) — is chosen once, by ``load.py``.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

#: Models read at most a few hundred word pieces; ~200 words of news text is about that much.
MAX_WORDS = 200

Vectors = npt.NDArray[np.float32]


class EmbeddingsError(RuntimeError):
    """The embeddings extra is missing or a model cannot be loaded (one-line message)."""


class ModelMismatchError(EmbeddingsError):
    """A store's embeddings come from another model than the one asked for."""


#: Model names taken as multilingual (the rule of :func:`is_multilingual`).
MULTILINGUAL_MARKS = ("multilingual", "labse", "-m3", "xlm")


class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows, one row per text."""

    def encode(self, texts: list[str]) -> Vectors: ...


def article_text(title: str, body: str, max_words: int = MAX_WORDS) -> str:
    """Title plus the first ``max_words`` words of the body: the lead carries the story and
    the encoder would cut the rest anyway."""
    lead = " ".join(body.split()[:max_words])
    title = " ".join(title.split())
    return f"{title}\n{lead}" if title and lead else title or lead


def is_multilingual(model: str) -> bool:
    """Whether a model is taken to compare texts across languages: its name says so
    ("multilingual", LaBSE, BGE-M3, XLM). All-MiniLM-L6-v2, the default, is English-only."""
    name = model.lower()
    return any(mark in name for mark in MULTILINGUAL_MARKS)


def covers(lang: str | None, multilingual: bool) -> bool:
    """Whether an article in ``lang`` gets an embedding: any language for a multilingual
    model, else English only (an English model's vectors of other languages are noise)."""
    return multilingual or lang == "en"


def model_name(encoder: object) -> str:
    """The name an encoder is recorded under in a store (its ``name``, else its class)."""
    name = getattr(encoder, "name", None)
    return str(name) if name else type(encoder).__qualname__


def normalise(rows: npt.ArrayLike) -> Vectors:
    """Rows scaled to unit length (all-zero rows stay zero), as float32."""
    matrix = np.asarray(rows, dtype=np.float32)
    if matrix.ndim != 2:
        raise ValueError(f"expected a 2-D array of embeddings, got shape {matrix.shape}")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(matrix / norms, dtype=np.float32)


