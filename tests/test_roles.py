"""Who did it to whom from the shipped parser: subjects, objects, passives, nouns, pronouns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.evaluation.actors import evaluate, part_of, read_gold
from storyline.extract import syntax
from storyline.extract.run import extract
from storyline.extract.types import Event


def sides(text: str, trigger: str) -> tuple[str | None, str | None]:
    for e in extract(text, "en", score=False).events:
        if e.trigger.lower().startswith(trigger):
            return (e.source.text if e.source else None, e.target.text if e.target else None)
    raise AssertionError(f"no event at {trigger!r} in {text!r}")


def test_parser_ships_and_parses() -> None:
    assert syntax.parser() is not None, "the parser in data/models/parser is missing"
    (p,) = syntax.parse([["Police", "arrested", "two", "protesters", "in", "Lima", "."]])
    assert p.heads[0] == 1 and p.deps[0] == "nsubj"
    assert p.deps[3] == "obj" and p.heads[3] == 1
    assert p.tags[1].startswith("VB")
    assert syntax.parse([]) == []


def test_parser_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYLINE_PARSER", "off")
    assert syntax.parser() is None
    assert syntax.parse([["Police", "arrested", "them", "."]]) == []


def test_subject_not_the_nearest_name() -> None:
    # the nearest name before the verb is the minister's country, not the doer
    text = "The foreign minister of Peru, Ana Castillo, accused Chile of spying on Monday."
    assert sides(text, "accused") == ("Ana Castillo", "Chile")


def test_passive_agent_and_subject() -> None:
    text = "Two journalists were detained by police in Minsk on Sunday."
    assert sides(text, "detained") == ("police", "journalists")


def test_passive_without_agent_names_no_doer() -> None:
    # "police said" reports the arrest; it does not make the police its named doer
    text = "Omar Haddad was arrested near the border, the ministry said."
    source, target = sides(text, "arrested")
    assert source is None
    assert target == "Omar Haddad"


def test_noun_with_possessor_and_target() -> None:
    text = "Russia's attack on Ukraine drew condemnation from the European Union."
    assert sides(text, "attack") == ("Russia", "Ukraine")


def test_light_verb_carries_the_subject() -> None:
    text = "The United States imposed new sanctions on Iran after the talks failed."
    assert sides(text, "sanctions") == ("United States", "Iran")


def test_object_control() -> None:
    # "urged Y to withdraw": Y withdraws
    text = "The United Nations urged Ethiopia to withdraw its troops from the border."
    source, _target = sides(text, "withdraw")
    assert source == "Ethiopia"


def test_met_with_after_a_day_name() -> None:
    text = "Japan's prime minister met on Wednesday with Chancellor Olaf Scholz in Berlin."
    _source, target = sides(text, "met")
    assert target == "Olaf Scholz"


def test_gold_actors_file_is_well_formed() -> None:
    gold = read_gold()
    assert len(gold) > 2000
    parts = {part_of(i.rsplit(":", 1)[0]) for i in gold}
    assert parts == {"tune", "check"}
    # ECB+ even topics are held out: no gold event comes from one
    assert all(i.startswith("ngec") or int(i.split("_", 1)[0]) % 2 == 1 for i in gold)


def test_evaluate_scores_sides(tmp_path: Path) -> None:
    root = tmp_path / "eval"
    (root / "ecbplus-event-clusters").mkdir(parents=True)
    (root / "events-ngec-synthetic-plover").mkdir()
    text = "Police arrested two protesters in Lima. Rebels attacked the town."
    (root / "ecbplus-event-clusters" / "docs.jsonl").write_text(
        json.dumps({"doc_id": "1_1ecb", "topic": 1, "text": text}) + "\n", encoding="utf-8")
    (root / "events-ngec-synthetic-plover" / "gpt_synthetic_events_2023-10-19.csv").write_text(
        "text\n", encoding="utf-8")
    found = {e.trigger: e for e in extract(text, "en", score=False).events}
    arrest, attack = found["arrested"], found["attacked"]
    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text("\n".join(json.dumps(r) for r in [
        {"id": f"1_1ecb:{arrest.trigger_start}", "source": "Police", "target": "protesters"},
        {"id": f"1_1ecb:{attack.trigger_start}", "source": "Rebels", "target": "Lima"},
        {"id": "1_1ecb:9999", "source": "X", "target": None},
    ]) + "\n", encoding="utf-8")

    def rules(t: str) -> list[Event]:
        return list(extract(t, "en", score=False).events)

    report = evaluate(root, rules, "tune", read_gold(gold_file))
    assert report.events == 2 and report.not_found == 1
    src, tgt = report.sides["source"], report.sides["target"]
    assert src.right == 2 and src.figures()["precision"] == 1.0
    # the town is no actor: the target is either missing or wrong, never counted right
    assert tgt.right == 1 and tgt.named == 2
    assert evaluate(root, rules, "check", read_gold(gold_file)).events == 0
    with pytest.raises(ValueError, match="part"):
        evaluate(root, rules, "dev", read_gold(gold_file))


def test_bad_gold_line_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"source": "X"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold\.jsonl:1"):
        read_gold(bad)


def test_only_english_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = syntax.parse

    def counting(sentences: list[list[str]], nlp: object = None) -> list[syntax.Parse]:
        calls.append(len(sentences))
        return real(sentences)

    monkeypatch.setattr(syntax, "parse", counting)
    extract("Police arrested two protesters in Lima on Monday.", "en", score=False)
    assert calls and calls[-1] == 1
    calls.clear()
    # the English patterns may fire on a German sentence, but no English parse is made
    extract("Die Polizei hat in Berlin protestiert.", "de", score=False)
    assert not calls or calls[-1] == 0


def test_a_missing_parser_folder_is_said_and_falls_back(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    monkeypatch.setenv("STORYLINE_PARSER", str(tmp_path / "nowhere"))
    with pytest.warns(RuntimeWarning, match="nowhere: no parser there"):
        assert syntax.parser() is None
    found = extract("Police arrested two protesters in Lima.", "en", score=False).events
    assert found and found[0].source is not None  # word order still reads the sides
