"""Stories with the static model's vectors: names alone never join two stories, and the
same input gives the same stories.

A fake encoder gives each text a fixed unit vector, so the dense cosines are the ones the
static model gives in practice: ~0.65 for a follow-up on the same story told from a new angle,
~0.1 for unrelated news.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import placed_stories
from storyline.ingest.units import Unit
from storyline.semantic.static import STATIC_NAME
from storyline.semantic.vectors import Vectors
from storyline.store import Store

QUAKE = ("Earthquake kills hundreds in Morocco's Atlas mountains",
         "A powerful earthquake struck the High Atlas mountains south of Marrakech late on "
         "Friday, killing hundreds of people and flattening villages of mud-brick houses. "
         "Rescuers dug through rubble overnight as aftershocks shook the region.")
# The same story two days on, about the aid: few of the first report's words.
AID = ("Rabat accepts help from Spain, Britain, Qatar and the Emirates",
       "After the earthquake, the government in Rabat said it would take offers from four "
       "countries only, turning down French and American teams, and that coordination "
       "mattered more than numbers. Charities said supplies for Atlas villages and rescuers "
       "were waiting at the airport.")
# Another story altogether that shares the names.
FOOTBALL = ("Morocco beat Spain on penalties in Marrakech friendly",
            "Morocco's footballers beat Spain on penalties in a friendly in Marrakech on "
            "Sunday, with the goalkeeper saving twice. Britain and Qatar send scouts to "
            "watch the Atlas Lions before the tournament.")

DIM = 8
AXIS = np.eye(DIM, dtype=np.float32)


def _towards(cos: float, other: int) -> np.ndarray:
    """A unit vector with cosine ``cos`` to the first axis."""
    return np.asarray(cos * AXIS[0] + np.sqrt(1 - cos * cos) * AXIS[other], dtype=np.float32)


class FixedEncoder:
    """Fake encoder: a fixed row per text, chosen by its title."""

    def __init__(self, name: str, rows: dict[str, np.ndarray]) -> None:
        self.name = name
        self.rows = rows

    def encode(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = next(r for title, r in self.rows.items() if text.startswith(title))
        return out


ROWS = {QUAKE[0]: AXIS[0], AID[0]: _towards(0.66, 1), FOOTBALL[0]: _towards(0.12, 2)}


def _unit(key: str, article: tuple[str, str], day: str) -> Unit:
    title, text = article
    return Unit(origin=f"t#{key}", format="jsonl", data=text, title=title, source="Test",
                published=day, published_from="metadata", lang="en")


def _place(db: Path, units: list[Unit], **kwargs: Any) -> dict[str, str]:
    with Store(db) as store:
        return placed_stories(store, units, **kwargs)


def test_shared_names_alone_do_not_join_with_static_model(tmp_path: Path) -> None:
    units = [_unit("quake", QUAKE, "2023-09-09"), _unit("aid", AID, "2023-09-11"),
             _unit("football", FOOTBALL, "2023-09-11")]
    placed = _place(tmp_path / "static.db", units, encoder=FixedEncoder(STATIC_NAME, ROWS))
    assert placed["football"] not in (placed["quake"], placed["aid"])


@pytest.mark.parametrize("model", [STATIC_NAME, "fake-minilm"])
def test_same_input_same_stories(tmp_path: Path, model: str) -> None:
    units = [_unit("quake", QUAKE, "2023-09-09"), _unit("aid", AID, "2023-09-11"),
             _unit("football", FOOTBALL, "2023-09-11")]
    first = _place(tmp_path / "a.db", units, encoder=FixedEncoder(model, ROWS))
    again = _place(tmp_path / "b.db", units, encoder=FixedEncoder(model, ROWS))
    assert first == again
