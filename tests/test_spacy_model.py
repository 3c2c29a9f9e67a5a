"""The optional statistical path: a spaCy pipeline with a trained ``ner``, loaded through
``STORYLINE_SPACY_MODEL``, adds its entities to the rules' evidence.

The pipeline is built here: a blank English pipeline whose ``ner`` is trained for a few
iterations on sentences written for this test (fixed seed, well under a second), saved to a
temporary folder and loaded by path, as an installed ``en_core_web_sm`` would be by name.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed

from storyline.extract.entities import find_mentions
from storyline.extract.nlp import _sentences, pipeline, statistical

#: "Granite" (an ordinary word, capitalised) is an organisation in these contexts.
TRAIN = [
    ("Shares of Granite rose after the results.", [("Granite", "ORG")]),
    ("Investors in Granite sold their stakes on Friday.", [("Granite", "ORG")]),
    ("Shares of Orbit fell after the warning.", [("Orbit", "ORG")]),
    ("Investors in Beacon bought more stock on Monday.", [("Beacon", "ORG")]),
    ("Analysts at Quarry cut their forecast.", [("Quarry", "ORG")]),
    ("Analysts at Granite raised their forecast.", [("Granite", "ORG")]),
    ("The talks went on for hours.", []),
    ("Prices of granite rose after the storm.", []),
]
#: Not training sentences: "Granite" opening a sentence (no name for the rules: "granite"
#: is an ordinary word) and after "at" (a place, the rules guess), and a gazetteer city.
TEXT = ("Quarry results due on Friday\n"
        "Granite cut its forecast, officials in Lisbon said.\n"
        "Analysts at Granite expect more cuts.")
FIRST, SECOND = TEXT.index("Granite"), TEXT.rindex("Granite")
ITERATIONS = 30
SEED = 0


def _train_ner(folder: Path) -> None:
    fix_random_seed(SEED)
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    examples = []
    for text, names in TRAIN:
        spans = [(text.index(n), text.index(n) + len(n), label) for n, label in names]
        examples.append(Example.from_dict(nlp.make_doc(text), {"entities": spans}))
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(SEED)
    for _ in range(ITERATIONS):
        rng.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    nlp.to_disk(folder)


def _sentence_texts(doc: Doc) -> list[str]:
    return [s.text.strip() for s in doc.sents if s.text.strip()]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny_ner")
    _train_ner(folder)
    return folder


@pytest.fixture
def fresh_pipelines() -> Iterator[None]:
    pipeline.cache_clear()
    yield
    pipeline.cache_clear()


def test_a_saved_statistical_pipeline_is_loaded_and_used(
        model_dir: Path, monkeypatch: pytest.MonkeyPatch, fresh_pipelines: None) -> None:
    monkeypatch.setenv("STORYLINE_SPACY_MODEL", str(model_dir))
    nlp = pipeline("en")
    assert statistical(nlp)
    # No parser or sentencizer in the saved pipeline: both sentence components are added.
    assert nlp.pipe_names == ["ner", "sentencizer", "storyline_line_breaks"]
    doc = nlp(TEXT)
    assert _sentence_texts(doc) == TEXT.split("\n")  # a headline needs no full stop
    assert ("Granite", "ORG") in {(e.text, e.label_) for e in doc.ents}  # what it learned

    found = {(m.start, m.text): (m.kind, m.rule) for m in find_mentions(doc)}
    # Where the rules see no name at all, and where they only guess "place", the model's
    # organisation is taken.
    assert found[FIRST, "Granite"] == ("ORG", "model")
    assert found[SECOND, "Granite"] == ("ORG", "model")
    # Gazetteer names keep priority over whatever the model says (it may say ORG here).
    assert found[TEXT.index("Lisbon"), "Lisbon"] == ("GPE", "gazetteer")


def test_blank_forces_the_rule_path(model_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                    fresh_pipelines: None) -> None:
    monkeypatch.setenv("STORYLINE_SPACY_MODEL", "blank")
    nlp = pipeline("en")
    assert not statistical(nlp)
    assert nlp.pipe_names == ["sentencizer", "storyline_line_breaks"]
    doc = nlp(TEXT)
    assert not doc.ents
    assert _sentence_texts(doc) == TEXT.split("\n")
    found = {(m.start, m.text): (m.kind, m.rule) for m in find_mentions(doc)}
    assert (FIRST, "Granite") not in found  # the rules alone see no name there
    assert found[SECOND, "Granite"] == ("GPE", "place preposition")  # only a guess
    assert found[TEXT.index("Lisbon"), "Lisbon"] == ("GPE", "gazetteer")


def test_line_breaks_go_before_a_parser_and_after_a_senter() -> None:
    # A parsed doc refuses new sentence starts, and the parser keeps those already set.
    with_parser = spacy.blank("en")
    with_parser.add_pipe("parser")
    with_parser.add_pipe("ner")
    _sentences(with_parser)
    assert with_parser.pipe_names == ["storyline_line_breaks", "parser", "ner"]
    with_senter = spacy.blank("en")
    with_senter.add_pipe("senter")
    with_senter.add_pipe("ner")
    _sentences(with_senter)
    assert with_senter.pipe_names == ["senter", "storyline_line_breaks", "ner"]
