"""Event evaluation: the three readers, the CAMEO table, parts, scores and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.evaluation.events import (
    cameo_to_plover,
    detect_format,
    evaluate_events,
    read_cameo_table,
    roots_of,
    select_part,
)
from storyline.extract.event_confidence import default_min_confidence
from storyline.interfaces.cli import app

PERU = "Peru accused Bolivia of harbouring smugglers."
POLICE = "Police arrested two journalists in Minsk."
JAPAN = "Japan donated medical equipment to Vietnam."


def _gsr(tmp_path: Path) -> Path:
    def actor(text: str, code: str, sector: str = "") -> dict[str, str]:
        return {"actorText": text, "code": code, "sector": sector}
    records = [
        {"id": "DOC", "event": "DOCUMENT", "eventText": "documentation"},
        {"id": "r0", "text": PERU, "event": "DISAPPROVE", "source": [actor("Peru", "PER")],
         "target": [actor("Bolivia", "BOL")]},
        {"id": "r1", "text": POLICE, "event": "FIGHT", "source": [actor("Police", "BLR", "COP")],
         "target": [actor("two journalists", "BLR", "MED")]},
        {"id": "r2", "text": JAPAN, "event": "AID", "source": {"actorText": "Japan", "code": "JPN"},
         "target": [actor("Vietnam", "VNM")]},
        {"id": "r3", "text": "The weather was mild.", "event": "PROTEST",
         "source": [actor("farmers", "FRA", "AGR")], "target": ""},
    ]
    path = tmp_path / "gsr.json"
    path.write_text(json.dumps(records), "utf-8")
    return path


def test_plover_gsr_scores(tmp_path: Path) -> None:
    report = evaluate_events(_gsr(tmp_path))
    s = report.summary()
    assert (s["records"], s["scored"], s["correct"], s["accuracy"]) == (4, 4, 2, 0.5)
    # sources: Peru and Japan by code; Police also by text; the weather has no event
    assert (s["source_n"], s["source_code"], s["source_text"]) == (4, 0.5, 0.75)
    # targets (r3 has none): Bolivia, Vietnam; "journalists in Minsk" are BLR
    assert (s["target_n"], s["target_code"], s["target_text"]) == (3, 1.0, 1.0)
    rows = report.per_type()
    assert rows["ACCUSE"] == (1.0, 1.0, 1.0, 1)
    assert rows["AID"] == (1.0, 1.0, 1.0, 1)
    assert rows["COERCE"][:3] == (0.0, 0.0, 0.0) and rows["ASSAULT"][3] == 1
    assert "NONE" not in rows
    assert sorted(report.confusions()) == [("ASSAULT", "COERCE", 1), ("PROTEST", "NONE", 1)]
    assert any("FIGHT→ASSAULT" in n for n in report.notes)
    assert evaluate_events(_gsr(tmp_path), part="tune").accuracy == 1.0
    assert evaluate_events(_gsr(tmp_path), part="held-out").accuracy == 0.0
    assert evaluate_events(_gsr(tmp_path), limit=1).records == 1


def _table(tmp_path: Path) -> Path:
    path = tmp_path / "CAMEO2PLOVER-2021.txt"
    path.write_text("# test table\n04: CONSULT\n042: CONSULT, visit,  # Make a visit\n"
                    "07: AID\n071: AID,  , economic # Provide economic aid\n"
                    "11: ACCUSE\n112: DISAPPROVE, , # Accuse\n17: COERCE\n173: COERCE, arrest,\n",
                    "utf-8")
    return path


def test_cameo_table(tmp_path: Path) -> None:
    table = read_cameo_table(_table(tmp_path))
    assert table["112"] == "ACCUSE" and table["042"] == "CONSULT"
    assert cameo_to_plover("0711", table) == "AID"
    assert cameo_to_plover("023", table) is None
    assert roots_of(table)["COERCE"] == frozenset({"17"})


def test_petrarch_scores(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "text": PERU, "expected_events": [{"source": "PER", "target": "BOL",
                                                        "event": "112"}]},
        {"id": "b", "text": JAPAN, "expected_events": [{"event": "0711"}]},
        {"id": "c", "text": POLICE, "expected_events": [{"event": "042"}]},
        {"id": "d", "text": "Officials spoke about the weather.",
         "expected_events": [{"event": "023"}]},
        {"id": "e", "text": "Rain fell on the capital.", "expected_events": [],
         "expect_no_events": True},
        {"id": "f", "text": "Broken.", "expected_events": [], "expected_error": "x"},
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines), "utf-8")
    report = evaluate_events(path, cameo_table=_table(tmp_path))
    s = report.summary()
    assert (s["records"], s["scored"], s["correct"], s["accuracy"]) == (5, 3, 2, 0.6667)
    assert (s["cameo_root_scored"], s["cameo_root_accuracy"]) == (4, 0.5)
    assert (s["unmapped_records"], s["expect_no_event"], s["expect_no_event_but_coded"]) == \
        (1, 1, 0)
    assert report.confusions() == [("CONSULT", "COERCE", 1)]


def _case(tmp_path: Path) -> Path:
    rows = [("1", "Gunmen attacked a police station in northern Mali.", "ATTACK"),
            ("2", "Thousands of teachers demonstrated outside the parliament in Nairobi.",
             "PEACE_PROTEST"),
            ("3", POLICE, "ARREST"),
            ("4", "Floods swept through the northern provinces.", "NATURAL_DISASTER"),
            ("5", "Canada imposed sanctions on Belarus.", "DIPLO"),
            ("6", JAPAN, "AGREEMENT")]
    path = tmp_path / "case.tsv"
    path.write_text("id\tEventSnippet\tSubType\n" + "\n".join("\t".join(r) for r in rows),
                    "utf-8")
    return path


def test_case2021_scores(tmp_path: Path) -> None:
    report = evaluate_events(_case(tmp_path))
    assert report.format == "case2021"
    s = report.summary()
    assert (s["scored"], s["correct"], s["accuracy"]) == (6, 5, 0.8333)
    rows = report.per_type()
    assert rows["VIOLENCE"] == (1.0, 1.0, 1.0, 1)
    assert rows["NONE"] == (1.0, 1.0, 1.0, 1)
    assert rows["DIPLOMACY"][:2] == (0.5, 1.0)
    assert rows["AGREEMENT"] == (0.0, 0.0, 0.0, 1)
    assert report.confusions() == [("AGREEMENT", "DIPLOMACY", 1)]


def test_formats_and_parts(tmp_path: Path) -> None:
    assert detect_format(Path("x.jsonl")) == "petrarch"
    assert detect_format(Path("x.tsv")) == "case2021"
    assert detect_format(Path("PLOVER_GSR_CAMEO.json")) == "plover-gsr"
    with pytest.raises(ValueError):
        detect_format(Path("x.xml"))
    with pytest.raises(ValueError):
        select_part([], "odd")
    with pytest.raises(ValueError):
        evaluate_events(_case(tmp_path), input_format="acled")


def test_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "events", str(_gsr(tmp_path)), "--format", "json",
                                 "--mistakes", "--part", "all", "--min-confidence", "0"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["summary"]["accuracy"] == 0.5 and data["summary"]["min_confidence"] == 0
    assert {m["id"] for m in data["mistakes"]} == {"r1", "r3"}
    # by default only the events shown to users count
    result = runner.invoke(app, ["eval", "events", str(_gsr(tmp_path)), "--format", "json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)["summary"]
    assert shown["min_confidence"] == default_min_confidence() > 0
    assert shown["correct"] <= data["summary"]["correct"]
    result = runner.invoke(app, ["eval", "events", str(_case(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "VIOLENCE" in result.output and "accuracy" in result.output
    result = runner.invoke(app, ["eval", "events", str(tmp_path / "missing.json")])
    assert result.exit_code != 0
