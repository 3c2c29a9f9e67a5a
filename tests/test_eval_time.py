"""eval time: the TimeML and MEANTIME readers and the TempEval-3-style scorer, on tiny files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.evaluation.time import (
    GoldTimex,
    SystemTimex,
    evaluate_time,
    match,
    read_gold,
)
from storyline.interfaces.cli import app

TIMEML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>{name}</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2023-06-14" temporalFunction="false" functionInDocument="CREATION_TIME">2023-06-14</TIMEX3></DCT>
<TEXT>
The council <EVENT eid="e1" class="OCCURRENCE">voted</EVENT> <TIMEX3 tid="t1" type="DATE" value="2023-06-13">yesterday</TIMEX3> to close the bridge <TIMEX3 tid="t2" type="DURATION" value="P3M">for three months</TIMEX3>. Repairs begin in <TIMEX3 tid="t3" type="DATE" value="2023-09">September</TIMEX3>. The mayor spoke on Friday about <TIMEX3 tid="t4" type="DATE" value="2023-W22">last week</TIMEX3>'s flood and <TIMEX3 tid="t5" type="DATE" value="XXXX">the holidays</TIMEX3>.
</TEXT>
</TimeML>
"""

MEANTIME_SENTENCES = [
    ["Bridge", "closes"],
    ["June", "14", ",", "2023"],
    ["The", "council", "voted", "yesterday", "."],
    ["Work", "lasts", "two", "weeks", "."],
    ["Traffic", "is", "heavy", "."],
    ["Buses", "run", "."],
    ["It", "reopens", "in", "July", "."],
]


def _meantime(sentences: list[list[str]]) -> str:
    tokens, t_id = [], 0
    ids: dict[str, list[int]] = {}
    for s, words in enumerate(sentences):
        for n, word in enumerate(words):
            t_id += 1
            tokens.append(f'<token number="{n}" sentence="{s}" t_id="{t_id}">{word}</token>')
            ids.setdefault(word, []).append(t_id)

    def anchors(*tids: int) -> str:
        return "".join(f'<token_anchor t_id="{t}"/>' for t in tids)

    markables = (
        f'<TIMEX3 functionInDocument="CREATION_TIME" m_id="1" type="DATE" value="2023-06-14">'
        f'{anchors(3, 4, 5, 6)}</TIMEX3>'
        f'<TIMEX3 functionInDocument="NONE" m_id="2" type="DATE" value="2023-06-13">'
        f'{anchors(ids["yesterday"][0])}</TIMEX3>'
        f'<TIMEX3 functionInDocument="NONE" m_id="3" type="DURATION" value="P2W">'
        f'{anchors(ids["two"][0], ids["weeks"][0])}</TIMEX3>'
        '<TIMEX3 functionInDocument="NONE" m_id="4" type="DATE" value="2023" TAG_DESCRIPTOR="x"/>'
    )
    return ('<?xml version="1.0" ?><Document doc_id="1" doc_name="bridge" lang="en">'
            + "".join(tokens) + f"<Markables>{markables}</Markables></Document>")


@pytest.fixture()
def timeml(tmp_path: Path) -> Path:
    folder = tmp_path / "tml"
    folder.mkdir()
    (folder / "a.tml").write_text(TIMEML.format(name="a"), encoding="utf-8")
    return folder


@pytest.fixture()
def meantime(tmp_path: Path) -> Path:
    folder = tmp_path / "mt" / "corpus_x"
    folder.mkdir(parents=True)
    (folder / "1_bridge.xml").write_text(_meantime(MEANTIME_SENTENCES), encoding="utf-8")
    return folder.parent


def test_timeml_reader_offsets_and_dct(timeml: Path) -> None:
    fmt, docs = read_gold(timeml)
    assert fmt == "timeml"
    (doc,) = docs
    assert doc.dct == date(2023, 6, 14)
    assert [(g.text, g.type, g.value) for g in doc.gold] == [
        ("yesterday", "DATE", "2023-06-13"), ("for three months", "DURATION", "P3M"),
        ("September", "DATE", "2023-09"), ("last week", "DATE", "2023-W22"),
        ("the holidays", "DATE", "XXXX")]
    assert all(doc.text[g.start:g.end] == g.text for g in doc.gold)
    assert "2023-06-14" not in doc.text  # the DCT is metadata, not text


def test_timeml_scores(timeml: Path) -> None:
    report = evaluate_time(timeml)
    row = report.rows()[0]
    # gold 5, system 5 (yesterday, three months, September, Friday, last week): 4 overlap,
    # 3 exactly ("for three months" ≠ "three months"), "last week" has the wrong value.
    assert (row["gold"], row["system"]) == (5, 5)
    assert (row["precision"], row["recall"], row["f1"]) == (0.8, 0.8, 0.8)
    assert (row["strict_precision"], row["strict_recall"], row["strict_f1"]) == (0.6, 0.6, 0.6)
    assert row["type_accuracy"] == 1.0
    assert row["value_accuracy"] == 0.75
    assert (row["value_precision"], row["value_recall"], row["value_f1"]) == (0.6, 0.6, 0.6)
    kinds = sorted((m.kind, m.gold.text if m.gold else m.system.text if m.system else "")
                   for m in report.mistakes)
    assert kinds == [("missed", "the holidays"), ("spurious", "Friday"),
                     ("wrong-value", "last week")]
    duration = next(r for r in report.rows() if r["type"] == "DURATION")
    assert (duration["gold"], duration["recall"], duration["strict_recall"]) == (1, 1.0, 0.0)


def test_meantime_reader_and_scored_sentences(meantime: Path) -> None:
    fmt, (doc,) = read_gold(meantime)
    assert fmt == "meantime"
    assert doc.text.split("\n")[1] == "June 14 , 2023"
    assert doc.dct == date(2023, 6, 14)
    assert [g.text for g in doc.gold] == ["June 14 , 2023", "yesterday", "two weeks"]
    report = evaluate_time(meantime)
    row = report.rows()[0]
    # "July" is in the seventh sentence, past the annotated part: not counted
    assert (row["gold"], row["system"], row["f1"], row["strict_f1"], row["value_f1"]) == (
        3, 3, 1.0, 1.0, 1.0)


def test_docs_split_and_limit(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.tml").write_text(TIMEML.format(name=name), encoding="utf-8")
    assert evaluate_time(tmp_path, docs="even").documents == 2
    assert evaluate_time(tmp_path, docs="odd").documents == 1
    assert evaluate_time(tmp_path, limit=1).documents == 1
    with pytest.raises(ValueError, match="docs must be"):
        evaluate_time(tmp_path, docs="half")


def test_match_is_one_to_one() -> None:
    gold = [GoldTimex(0, 10, "x", "DATE", "1"), GoldTimex(5, 12, "y", "DATE", "2")]
    system = [SystemTimex(4, 11, "z", "DATE", "1")]
    assert len(match(gold, system)) == 1


def test_bad_files_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.tml"
    bad.write_text("<TimeML><TEXT>oops</TimeML>", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.tml"):
        read_gold(bad)
    notext = tmp_path / "notext.tml"
    notext.write_text("<TimeML><DOCID>x</DOCID></TimeML>", encoding="utf-8")
    with pytest.raises(ValueError, match=r"notext.tml: no <TEXT>"):
        read_gold(notext)
    with pytest.raises(ValueError, match="no such file"):
        read_gold(tmp_path / "missing")


def test_cli_json_and_mistakes(timeml: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "time", str(timeml), "--format", "json",
                                 "--mistakes"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["rows"][0]["f1"] == 0.8
    assert {m["kind"] for m in data["mistakes"]} == {"missed", "spurious", "wrong-value"}
    result = runner.invoke(app, ["eval", "time", str(timeml), "--mistakes"])
    assert result.exit_code == 0
    assert "spurious" in result.output and "'Friday'" in result.output
    bad = tmp_path / "bad.tml"
    bad.write_text("<TimeML>", encoding="utf-8")
    result = runner.invoke(app, ["eval", "time", str(bad)])
    assert result.exit_code != 0
    assert "bad.tml" in result.output
