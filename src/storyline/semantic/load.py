"""Choosing a sentence model by the name a user gives (``--embeddings``,
``STORYLINE_EMBEDDINGS``, a store's record), in one place."""

from __future__ import annotations

from functools import lru_cache

from storyline.semantic.static import STATIC, STATIC_NAME, load_static
from storyline.semantic.transformer import BUNDLED_NAME, MINILM, load_transformer
from storyline.semantic.vectors import Encoder

#: Older name of ``minilm`` (when the MiniLM of the extra was the only model).
LEGACY_DEFAULT = "default"
#: Names that turn sentence vectors off.
OFF = ("", "none", "off")
#: The default of ``ingest``: the model the store records, else the static model.
AUTO = "auto"


def load_encoder(model: str | None = None, **options: object) -> Encoder:
    """``static`` (the default install's model), ``minilm`` (the extra's bundled
    all-MiniLM-L6-v2; ``default`` is an older name for it), or a local sentence-transformers
    folder or a model name in the Hugging Face cache. Raises ``EmbeddingsError`` (one line)
    when the model cannot be loaded offline."""
    name = (model or MINILM).strip()
    if name.lower() in (STATIC, STATIC_NAME):
        return _static()
    if name.lower() == LEGACY_DEFAULT:
        name = MINILM
    return load_transformer(name, **options)  # type: ignore[arg-type]


def spec_of(recorded: str) -> str:
    """How to ask again for the model a store records (``--embeddings``)."""
    if recorded == STATIC_NAME:
        return STATIC
    if recorded == BUNDLED_NAME:
        return MINILM
    return recorded


def chosen(model: str, recorded: str | None) -> str:
    """The model ``model`` asks for given the one a store records: ``auto`` is the store's
    own, or the static model for a store that has none yet."""
    if model.strip().lower() != AUTO:
        return model
    return spec_of(recorded) if recorded else STATIC


@lru_cache(maxsize=1)
def _static() -> Encoder:
    """The static model, loaded once per process: its weights are read-only, and every
    ingest and report would otherwise read them again (0.2 s)."""
    return load_static()
