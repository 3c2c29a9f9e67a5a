"""Dependency parses of the sentences that need one, from the parser Storyline ships.

Who did what to whom is the subject and the object of a verb, not the nearest name; no
statistical spaCy pipeline installs from the package registries, so the project trains a
small tagger and parser on the Universal Dependencies English Web Treebank
(``scripts/train_parser.py``; weights in ``data/models/parser``, CC BY-SA 4.0) and parses
only the sentences where the event rules found a trigger: a few per article.

``STORYLINE_PARSER=off`` turns parsing off (events then fall back on word order alone), which
is also how the two are compared; ``STORYLINE_PARSER=<folder>`` loads another trained parser.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc

#: Sentences parsed together (spaCy's parser runs its network over a batch at once).
BATCH = 64


@dataclass(frozen=True, slots=True)
class Parse:
    """A sentence's tree over its words: ``heads[i]`` is the index of word ``i``'s head (its
    own index at the root), ``deps[i]`` its Universal Dependencies relation, ``tags[i]`` its
    Penn Treebank tag."""

    heads: tuple[int, ...]
    deps: tuple[str, ...]
    tags: tuple[str, ...]

    def children(self, i: int) -> list[int]:
        return [k for k, h in enumerate(self.heads) if h == i and k != i]

    def child(self, i: int, *deps: str) -> int | None:
        """The first child of ``i`` with one of the relations ``deps``."""
        for k, h in enumerate(self.heads):
            if h == i and k != i and self.deps[k] in deps:
                return k
        return None

    def verb(self, i: int) -> bool:
        return self.tags[i].startswith(("VB", "MD"))

    def noun(self, i: int) -> bool:
        return self.tags[i].startswith("NN")


def model_path() -> Path | None:
    """The parser's folder: the shipped one, another from ``STORYLINE_PARSER``, or None
    when that says ``off``."""
    chosen = os.environ.get("STORYLINE_PARSER", "").strip()
    if chosen.lower() in ("off", "0", "no"):
        return None
    if chosen:
        return Path(chosen)
    return Path(str(resources.files("storyline") / "data" / "models" / "parser"))


@lru_cache(maxsize=1)
def _load(path: str) -> Language | None:
    """The parser in ``path``; a folder that holds none is said once per process, and
    events then fall back on word order."""
    if not (Path(path) / "config.cfg").is_file():
        warnings.warn(f"{path}: no parser there (no config.cfg); events use word order "
                      "alone", RuntimeWarning, stacklevel=2)
        return None
    return spacy.load(path)


def parser() -> Language | None:
    """The shipped parser, loaded once per process; None when it is off or missing."""
    path = model_path()
    return _load(str(path)) if path is not None else None


def parse(sentences: Sequence[Sequence[str]], nlp: Language | None = None) -> list[Parse]:
    """Parse pre-tokenised sentences (each a list of word strings, as the rules split them).

    Each sentence is parsed on its own: the parser decides no sentence boundaries here. An
    empty list when no parser is available."""
    nlp = nlp if nlp is not None else parser()
    if nlp is None or not sentences:
        return []
    docs = [Doc(nlp.vocab, words=list(words)) for words in sentences]
    for doc in docs:
        if len(doc):
            doc[0].is_sent_start = True
            for token in doc[1:]:
                token.is_sent_start = False
    strings = nlp.vocab.strings
    out = []
    for doc in nlp.pipe(docs, batch_size=BATCH):
        if not len(doc):
            out.append(Parse((), (), ()))
            continue
        arr = doc.to_array(["HEAD", "DEP", "TAG"])  # uint64: a head is a wrapped offset
        heads = (arr[:, 0].astype(np.int64) + np.arange(len(doc))).tolist()
        out.append(Parse(tuple(heads), tuple(strings[d] for d in arr[:, 1].tolist()),
                         tuple(strings[t] for t in arr[:, 2].tolist())))
    return out
