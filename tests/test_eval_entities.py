"""The named-entity harness: readers, scorer and CLI, on tiny invented fixtures per format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.evaluation.entities import (
    Document,
    Span,
    _chunks,
    detect_format,
    mistakes,
    read_conll,
    read_gold,
    read_meantime,
    read_re3d,
    score,
)
from storyline.interfaces.cli import app

CONLL = """-DOCSTART- -X- -X- O

Marta NNP B-NP B-PER
Kowalski NNP I-NP I-PER
joined VBD B-VP O
Harbor NNP B-NP B-ORG
Freight NNP I-NP I-ORG
in IN B-PP O
Valparaiso NNP B-NP B-LOC
. . O O

GLASS NNP B-NP B-MISC
PRIZE NNP I-NP I-MISC
GOES VBZ B-VP O
TO TO B-PP O
OSLO NNP B-NP B-LOC

-DOCSTART- -X- -X- O

The DT B-NP O
Lisbon NNP I-NP B-MISC
Marathon NNP I-NP I-MISC
starts VBZ B-VP O
in IN B-PP O
Lisbon NNP B-NP B-LOC
. . O O
"""

# Wikigold style: IO tags, two columns, the first document before any -DOCSTART-.
WIKIGOLD = """Ana I-PER
Silva I-PER
and O
Rui I-PER
Costa I-PER
met O
Joana I-PER
Lima I-PER
Prado I-ORG
. O

-DOCSTART- O

Teo I-PER
. O

-DOCSTART- O

"""


def _names(doc: Document) -> list[tuple[str, str]]:
    return [(doc.text[s.start:s.end], s.type) for s in sorted(doc.gold)]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


# --- readers ------------------------------------------------------------------------------


def test_conll_documents_text_and_spans(tmp_path: Path) -> None:
    docs = read_conll(_write(tmp_path / "dev.txt", CONLL))
    assert len(docs) == 2
    first = docs[0]
    assert first.text == ("Marta Kowalski joined Harbor Freight in Valparaiso .\n"
                          "GLASS PRIZE GOES TO OSLO")
    assert first.gold == [Span(0, 14, "PER"), Span(22, 36, "ORG"), Span(40, 50, "LOC"),
                          Span(73, 77, "LOC")], "MISC (GLASS PRIZE) is dropped"
    assert first.tokens[:3] == [(0, 5), (6, 14), (15, 21)]
    assert first.anchors == [(0, "dev.txt:3"), (53, "dev.txt:12")]
    assert first.where(60) == "dev.txt:12"
    assert _names(docs[1]) == [("Lisbon", "LOC")]
    assert docs[1].gold == [Span(30, 36, "LOC")], "the second Lisbon, not the MISC one"


def test_io_tags_and_documents_before_the_first_docstart(tmp_path: Path) -> None:
    docs = read_conll(_write(tmp_path / "wiki.txt", WIKIGOLD))
    assert [d.origin for d in docs] == ["wiki.txt:1", "wiki.txt:14"], "trailing DOCSTART: no doc"
    assert _names(docs[0]) == [("Ana Silva", "PER"), ("Rui Costa", "PER"),
                               ("Joana Lima", "PER"), ("Prado", "ORG")]


def test_without_docstart_each_sentence_is_a_document(tmp_path: Path) -> None:
    docs = read_conll(_write(tmp_path / "s.txt", "Ana B-PER\n. O\n\nRui B-PER\n"))
    assert [d.text for d in docs] == ["Ana .", "Rui"]


def test_chunks_read_iob2_iob1_and_io() -> None:
    assert _chunks(["B-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"]) == [
        (0, 2, "PER"), (2, 3, "PER"), (4, 5, "LOC"), (5, 6, "ORG")]
    assert _chunks(["I-PER", "I-PER"]) == [(0, 2, "PER")], "IO: adjacent mentions merge"
    assert _chunks(["O", "I-MISC", "B-MISC"]) == [(1, 2, "MISC"), (2, 3, "MISC")]


@pytest.mark.parametrize(("text", "message"), [
    ("Ana B-PER\nRui\n", r"bad\.txt:2: expected 'token … tag'"),
    ("Ana B-PER\nRui X-PER\n", r"bad\.txt:2: bad tag 'X-PER'"),
    ("Ana B-\n", r"bad\.txt:1: bad tag 'B-'"),
])
def test_malformed_conll_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_conll(_write(tmp_path / "bad.txt", text))


RE3D_TEXT = "Lena Ortiz met the Harbor Council in Tarn.\nThe rifles arrived."


def _entity(begin: int, end: int, kind: str, confidence: float = 1) -> str:
    return json.dumps({"_id": f"d1-{begin}-{end}-{kind}", "documentId": "d1", "begin": begin,
                       "end": end, "type": kind, "value": RE3D_TEXT[begin:end],
                       "confidence": confidence})


def _write_re3d(folder: Path, entities: list[str]) -> Path:
    doc = json.dumps({"_id": "d1", "title": "Invented", "text": RE3D_TEXT})
    # mongoexport files start with a byte-order mark
    _write(folder / "Source_A" / "documents.json", "\ufeff" + doc + "\n")
    _write(folder / "Source_A" / "entities.json", "\ufeff" + "\n".join(entities) + "\n")
    return folder


def test_re3d_types_confidence_and_whitespace(tmp_path: Path) -> None:
    folder = _write_re3d(tmp_path / "re3d", [
        _entity(0, 10, "Person"),
        _entity(15, 33, "Location", 0),          # the same span twice: the confident
        _entity(15, 33, "Organisation", 0.9),    # type wins
        _entity(37, 41, "Location", 0.6),
        _entity(37, 41, "Organisation", 0.8),
        _entity(47, 53, "Weapon"),               # not scored
        _entity(0, 4, "Person", 0.3),            # not confident enough
        _entity(4, 11, "Organisation"),          # " Ortiz " loses its spaces
    ])
    assert detect_format(folder) == "re3d"
    assert detect_format(folder / "Source_A" / "entities.json") == "re3d"
    (doc,) = read_re3d(folder)
    assert doc.origin == "Source_A/d1"
    assert doc.tokens == [], "character offsets, no tokens"
    assert _names(doc) == [("Lena Ortiz", "PER"), ("Ortiz", "ORG"),
                           ("the Harbor Council", "ORG"), ("Tarn", "ORG")]


def test_re3d_offsets_outside_the_text_name_file_and_line(tmp_path: Path) -> None:
    folder = _write_re3d(tmp_path / "re3d", [_entity(0, 10, "Person"),
                                             _entity(50, 90, "Person")])
    with pytest.raises(ValueError, match=r"entities\.json:2: span 50-90 outside the text"):
        read_re3d(folder)
    _write(folder / "Source_A" / "entities.json", '{"documentId": "d1", "begin": 0}\n')
    with pytest.raises(ValueError, match=r"entities\.json:1: each line needs"):
        read_re3d(folder)


def _token(t_id: int, sentence: int, text: str) -> str:
    return f'<token number="{t_id - 1}" sentence="{sentence}" t_id="{t_id}">{text}</token>'


def _mention(m_id: int, t_ids: list[int], syntactic: str | None) -> str:
    attr = "" if syntactic is None else f' comment="" head="" syntactic_type="{syntactic}"'
    anchors = "".join(f'<token_anchor t_id="{t}"/>' for t in t_ids)
    return f'<ENTITY_MENTION m_id="{m_id}"{attr}>{anchors}</ENTITY_MENTION>'


def _refers(r_id: int, sources: list[int], target: int) -> str:
    src = "".join(f'<source m_id="{s}"/>' for s in sources)
    return f'<REFERS_TO r_id="{r_id}">{src}<target m_id="{target}"/></REFERS_TO>'


MEANTIME_WORDS = [
    (0, "Velta"), (0, "Motors"), (0, "opens"), (0, "plant"),
    (1, "Chief"), (1, "Nora"), (1, "Blix"), (1, "said"), (1, "the"), (1, "company"),
    (1, "chose"), (1, "Brazilian"), (1, "workers"), (1, "in"), (1, "Zeno"), (1, "Valley"),
    (2, "Blix"), (2, "thanked"), (2, "Velta"), (2, "Motors"), (2, "."),
]


def _write_meantime(folder: Path) -> Path:
    tokens = "\n".join(_token(i, s, w) for i, (s, w) in enumerate(MEANTIME_WORDS, start=1))
    markables = "\n".join([
        _mention(1, [1, 2], "NAM"),      # Velta Motors: ORG
        _mention(2, [6, 7], "NAM"),      # Nora Blix: PER
        _mention(3, [9, 10], "NOM"),     # the company: ORG, but not a name
        _mention(4, [12], "PRE.NAM"),    # Brazilian: LOC
        _mention(5, [15, 16], "NAM"),    # Zeno Valley: no entity, so unscored
        _mention(6, [4], "NAM"),         # plant: PRO, not scored
        _mention(7, [17], None),         # Blix, cross-document layer, past the scored part
        '<ENTITY m_id="100" ent_type="ORG" TAG_DESCRIPTOR="Velta Motors" instance_id="o1"/>',
        '<ENTITY m_id="101" ent_type="PER" TAG_DESCRIPTOR="Nora Blix" instance_id="p1"/>',
        '<ENTITY m_id="102" ent_type="LOC" TAG_DESCRIPTOR="Brazil" instance_id="l1"/>',
        '<ENTITY m_id="103" ent_type="PRO" TAG_DESCRIPTOR="Plant" instance_id="x1"/>',
    ])
    relations = "\n".join([_refers(1, [1, 3], 100), _refers(2, [2, 7], 101),
                           _refers(3, [4], 102), _refers(4, [6], 103)])
    xml = (f'<?xml version="1.0" ?><Document doc_id="1" doc_name="velta" lang="en">\n{tokens}\n'
           f"<Markables>\n{markables}\n</Markables>\n<Relations>\n{relations}\n</Relations>\n"
           "</Document>\n")
    _write(folder / "corpus_x" / "1_Velta.xml", xml)
    _write(folder / "SCHEMA.xsd.xml", "<xs:schema>\n  <broken\n")  # the release's schema
    return folder


def test_meantime_names_types_and_scored_sentences(tmp_path: Path) -> None:
    folder = _write_meantime(tmp_path / "meantime")
    assert detect_format(folder) == "meantime"
    (doc,) = read_meantime(folder)
    assert doc.text == ("Velta Motors opens plant\n"
                        "Chief Nora Blix said the company chose Brazilian workers in Zeno Valley\n"
                        "Blix thanked Velta Motors .")
    assert _names(doc) == [("Velta Motors", "ORG"), ("Nora Blix", "PER"), ("Brazilian", "LOC")]
    assert doc.unscored == {(85, 96)} and doc.text[85:96] == "Zeno Valley"
    assert doc.scored_end == doc.text.index("Blix thanked")
    assert doc.where(30) == "1_Velta.xml sentence 1"
    assert read_gold(folder / "corpus_x" / "1_Velta.xml")[0] == "meantime"


def test_meantime_bad_xml_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "doc.xml", '<Document doc_id="1">\n<token t_id="1">A\n')
    with pytest.raises(ValueError, match=r"doc\.xml:3: invalid XML"):
        read_meantime(path)


# --- scorer -------------------------------------------------------------------------------

TEXT = "Marta Kowalski joined Harbor Freight in Valparaiso and Lima .\nRosa went to Quito ."


def _at(name: str, kind: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(name, start + 1)
    return Span(start, start + len(name), kind)


def _doc() -> Document:
    words = TEXT.replace("\n", " ").split(" ")
    tokens, at = [], 0
    for w in words:
        tokens.append((at, at + len(w)))
        at += len(w) + 1
    gold = [_at("Marta Kowalski", "PER"), _at("Harbor Freight", "ORG"),
            _at("Valparaiso", "LOC"), _at("Lima", "LOC")]
    return Document("t", TEXT, gold, tokens, [(0, "t:1"), (TEXT.index("Rosa"), "t:2")])


def test_score_exact_spans_per_type_and_micro() -> None:
    predicted = [_at("Marta Kowalski", "PER"), _at("Harbor", "ORG"), _at("Valparaiso", "PER"),
                 _at("Quito", "LOC")]
    by_type, total = score([_doc()], [predicted])
    per, org, loc = by_type["PER"], by_type["ORG"], by_type["LOC"]
    assert (per.gold, per.predicted, per.correct) == (1, 2, 1)
    assert (per.precision, per.recall) == (0.5, 1.0) and per.f1 == pytest.approx(2 / 3)
    assert (org.gold, org.predicted, org.correct, org.f1) == (1, 1, 0, 0.0)
    assert (loc.gold, loc.predicted, loc.correct) == (2, 1, 0)
    assert (total.gold, total.predicted, total.correct) == (4, 4, 1)
    assert total.precision == total.recall == total.f1 == 0.25


def test_score_of_nothing_is_zero_not_an_error() -> None:
    by_type, total = score([_doc()], [[]])
    assert total.precision == total.recall == total.f1 == 0.0
    assert by_type["PER"].gold == 1


def test_unscored_spans_and_text_count_neither_way() -> None:
    doc = _doc()
    doc.scored_end = TEXT.index("Rosa")
    doc.unscored = frozenset({(_at("Lima", "LOC").start, _at("Lima", "LOC").end)})
    doc.gold = doc.gold[:3]
    predicted = [_at("Lima", "ORG"), _at("Rosa", "PER"), _at("Valparaiso", "LOC")]
    _, total = score([doc], [predicted])
    assert (total.gold, total.predicted, total.correct) == (3, 1, 1)
    assert mistakes(doc, predicted) == mistakes(doc, [_at("Valparaiso", "LOC")])


def test_mistakes_kinds_and_sentences() -> None:
    predicted = [_at("Marta Kowalski", "PER"), _at("Harbor", "ORG"), _at("Valparaiso", "PER"),
                 Span(TEXT.index("Lima") - 4, TEXT.index("Lima") + 4, "ORG"),
                 _at("Quito", "LOC"), Span(1, 5, "PER")]
    found = {(m.kind, m.gold_text, m.system_text, m.note) for m in mistakes(_doc(), predicted)}
    assert found == {
        ("spurious", "", "arta", "system span cuts a token"),
        ("boundary", "Harbor Freight", "Harbor", ""),
        ("type", "Valparaiso", "Valparaiso", ""),
        ("boundary+type", "Lima", "and Lima", ""),
        ("spurious", "", "Quito", ""),
    }
    by_kind = {m.kind: m for m in mistakes(_doc(), predicted)}
    assert by_kind["boundary"].sentence.startswith(
        "Marta Kowalski joined [{Harbor} Freight] in Valparaiso")
    assert "[{Valparaiso}]" in by_kind["type"].sentence
    assert by_kind["spurious"].where in ("t:1", "t:2")
    missed = mistakes(_doc(), [])
    assert [m.kind for m in missed] == ["missed"] * 4
    assert missed[-1].sentence.endswith("Valparaiso and [Lima] .")
    assert missed[-1].as_dict()["gold type"] == "LOC"


def test_mistakes_show_a_window_of_long_lines() -> None:
    text = "word " * 100 + "Tarn" + " word" * 100 + "\nNext line ."
    start = text.index("Tarn")
    (m,) = mistakes(Document("t", text, [Span(start, start + 4, "LOC")]), [])
    assert m.sentence.startswith("…") and m.sentence.endswith("…")
    assert "[Tarn]" in m.sentence and "Next" not in m.sentence
    assert len(m.sentence) <= 2 * 100 + len("[Tarn]") + 2


# --- CLI ----------------------------------------------------------------------------------

SCORE_FIELDS = {"type", "gold", "predicted", "correct", "precision", "recall", "F1"}


def test_cli_json_on_conll(tmp_path: Path) -> None:
    path = _write(tmp_path / "dev.txt", CONLL)
    result = CliRunner().invoke(app, ["eval", "entities", str(path), "--format", "json",
                                      "--mistakes"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["format"] == "conll" and report["documents"] == 2
    assert report["tokens"] > 0 and report["seconds"] >= 0 and report["setup seconds"] >= 0
    assert "tokens per second" in report and report["pipeline"].startswith("en")
    rows = {r["type"]: r for r in report["scores"]}
    assert list(rows) == ["PER", "ORG", "LOC", "all (micro)"]
    assert all(set(r) == SCORE_FIELDS for r in rows.values())
    assert [rows[t]["gold"] for t in rows] == [1, 1, 3, 5]
    assert all(0 <= r["precision"] <= 1 and 0 <= r["F1"] <= 1 for r in rows.values())
    for m in report["mistakes"]:
        assert m["kind"] in {"missed", "spurious", "type", "boundary", "boundary+type"}
        assert {"where", "gold", "system", "sentence"} <= set(m)


def test_cli_table_on_each_format(tmp_path: Path) -> None:
    runner = CliRunner()
    inputs = {"conll": _write(tmp_path / "dev.txt", CONLL),
              "re3d": _write_re3d(tmp_path / "re3d", [_entity(0, 10, "Person")]),
              "meantime": _write_meantime(tmp_path / "meantime")}
    for fmt, path in inputs.items():
        result = runner.invoke(app, ["eval", "entities", str(path), "--mistakes"])
        assert result.exit_code == 0, result.output
        assert f"({fmt}, 1 documents)" in result.output or f"({fmt}, 2 documents)" in \
            result.output
        for word in ("PER", "ORG", "LOC", "all (micro)", "precision", "recall", "F1",
                     "tokens/s"):
            assert word in result.output


def test_cli_input_format_override_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    path = _write(tmp_path / "dev.data", CONLL)
    result = runner.invoke(app, ["eval", "entities", str(path), "--input-format", "conll",
                                 "--limit", "1", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["documents"] == 1
    result = runner.invoke(app, ["eval", "entities", str(path), "--input-format", "brat"])
    assert result.exit_code == 2 and "input format must be one of" in result.output
    result = runner.invoke(app, ["eval", "entities", str(path), "--format", "csv"])
    assert result.exit_code == 2 and "--format must be table or json" in result.output
    bad = _write(tmp_path / "bad.txt", "Ana B-PER\nRui\n")
    result = runner.invoke(app, ["eval", "entities", str(bad)])
    assert result.exit_code == 2 and "bad.txt:2:" in result.output
    result = runner.invoke(app, ["eval", "entities", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "no such file or folder" in result.output


def test_document_halves_and_name_extents(tmp_path: Path) -> None:
    path = _write(tmp_path / "dev.txt", CONLL)  # two documents
    runner = CliRunner()
    halves = {}
    for part in ("even", "odd", "all"):
        result = runner.invoke(app, ["eval", "entities", str(path), "--format", "json",
                                     "--docs", part])
        assert result.exit_code == 0, result.output
        halves[part] = json.loads(result.output)
    assert halves["even"]["documents"] == halves["odd"]["documents"] == 1
    gold = {p: {r["type"]: r["gold"] for r in h["scores"]} for p, h in halves.items()}
    assert gold["even"]["all (micro)"] + gold["odd"]["all (micro)"] == gold["all"]["all (micro)"]
    bad = runner.invoke(app, ["eval", "entities", str(path), "--docs", "third"])
    assert bad.exit_code != 0 and "docs must be one of" in bad.output
    # MEANTIME extents: "the company's vice president John Smith" is scored as "John Smith"
    folder = _write_meantime(tmp_path / "meantime")
    (doc,) = read_meantime(folder, extent="name")
    assert ("Velta Motors", "ORG") in _names(doc)
    from storyline.evaluation.entities import _name_part

    words = ["the", "company", "'s", "vice", "president", "John", "Smith"]
    assert _name_part(words, 0, 6) == 5
    assert _name_part(["The", "Ford", "Motor", "Company"], 0, 3) == 1
    assert _name_part(["U.S.", "President", "Barack", "Obama"], 0, 3) == 0
