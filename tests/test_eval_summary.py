"""eval summary: unstemmed ROUGE by hand, the NeuS roundup reader, the systems and the
command, on a few stories written here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from storyline.evaluation.rouge import lcs_length, rouge_l, rouge_n, tokens
from storyline.evaluation.summary import (
    EVERYTHING,
    LEAD,
    ORACLE,
    RANDOM,
    bootstrap,
    greedy_oracle,
    load_stories,
    story_inputs,
    system_outputs,
)
from storyline.interfaces.cli import app

# (title, lead) of each member; written for these tests.
STORIES = {
    "val-0": [
        ("Flood closes the old bridge in Marrow.",
         "The river Tamsel burst its banks in Marrow on Tuesday and closed the old stone "
         "bridge to traffic. About 400 homes near the quay were evacuated overnight, the "
         "town council said."),
        ("Marrow evacuates 400 homes as the Tamsel floods.",
         "Rescue teams moved residents of 400 homes near the quay in Marrow to the sports "
         "hall as the Tamsel rose. The council said the stone bridge would stay shut until "
         "engineers inspect it."),
        ("Marrow bridge shut after river bursts banks.",
         "Engineers will inspect the closed stone bridge in Marrow once the water of the "
         "Tamsel falls again. Shops on the quay were flooded for the second time in three "
         "years."),
    ],
    "val-1": [
        ("Greyhaven opens a library in the old mill.",
         "The town of Greyhaven opened a public library in its restored grain mill on "
         "Saturday. The building holds 30,000 books and a reading room for children."),
        ("Old mill becomes Greyhaven's new library.",
         "Greyhaven's grain mill, empty for twenty years, reopened on Saturday as the "
         "town's public library. Volunteers spent two years restoring the building."),
        ("Library in the mill draws crowds.",
         "Hundreds of residents queued outside the new Greyhaven library in the old mill on "
         "its first day. The mayor thanked the volunteers who restored the mill."),
    ],
    "test-0": [
        ("Ferry strike ends in Calloway.",
         "Ferry crews in Calloway ended their three-day strike on Friday after the operator "
         "agreed to a new pay deal for all of its staff."),
        ("Calloway ferries sail again.", ""),
        ("Pay deal ends Calloway ferry strike.",
         "The operator of the Calloway ferries and the crews' union agreed a pay rise of "
         "six percent on Friday, ending the strike."),
    ],
}
TARGETS = {
    "val": ["TITLE=> Tamsel Floods Marrow Homes. ARTICLE=> The Tamsel flooded Marrow, 400 homes "
            "were evacuated and the old bridge was closed until engineers inspect it.",
            "TITLE=> Greyhaven Library Opens In Old Mill. ARTICLE=> Greyhaven opened a "
            "public library in its restored grain mill, drawing crowds on its first day."],
    "test": ["TITLE=> Calloway Ferry Strike Ends. ARTICLE=> Calloway ferry crews ended a "
             "three-day strike after a pay deal."],
}


def _write(folder: Path, targets: dict[str, list[str]] | None = None) -> Path:
    probe = folder / "naacl2022_probe"
    probe.mkdir(parents=True)
    lines = []
    for sid, members in STORIES.items():
        # Members out of order: the reader sorts them.
        for member in (2, 0, 1):
            title, lead = members[member]
            lines.append(json.dumps({"story_id": sid, "split": sid.split("-")[0],
                                     "member": member, "title": title, "lead": lead}))
    (probe / "articles_flat.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for split, rows in (targets or TARGETS).items():
        (probe / f"{split}.target").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return _write(tmp_path / "neus")


def test_tokens_are_lowercased_alphanumeric_runs() -> None:
    assert tokens("Kerry's COVID-19 plan!") == ["kerry", "s", "covid", "19", "plan"]
    assert tokens("Élan — 3.5%") == ["élan", "3", "5"]


def test_rouge_by_hand() -> None:
    # the cat sat on the mat / the cat lay on the mat: 5 of 6 words (the ×2, cat, on,
    # mat), 3 of 5 bigrams (the cat, on the, the mat), LCS the cat on the mat = 5.
    a, b = "The cat sat on the mat.", "the cat lay on the mat"
    assert rouge_n(a, b, 1).f1 == pytest.approx(5 / 6)
    assert rouge_n(a, b, 2).f1 == pytest.approx(3 / 5)
    assert rouge_l(a, b).f1 == pytest.approx(5 / 6)
    # 4 candidate words all in the 8-word reference: P 1, R 1/2, F1 2/3; bigrams: only
    # "two men", P 1/3, R 1/7, F1 0.2; LCS "two men" = 2: P 1/2, R 1/4, F1 1/3.
    c, r = "Police arrested two men.", "Two men were arrested by police on Monday."
    one = rouge_n(c, r, 1)
    assert (one.precision, one.recall, one.f1) == pytest.approx((1.0, 0.5, 2 / 3))
    two = rouge_n(c, r, 2)
    assert (two.precision, two.recall, two.f1) == pytest.approx((1 / 3, 1 / 7, 0.2))
    el = rouge_l(c, r)
    assert (el.precision, el.recall, el.f1) == pytest.approx((0.5, 0.25, 1 / 3))
    # Clipped counts: "the" ×4 matches the reference's one "the" once: P 1/4, R 1/2.
    assert rouge_n("the the the the", "the cat", 1).f1 == pytest.approx(1 / 3)
    # No n-gram on one side: 0, not an error.
    assert rouge_n("", "a b", 1).f1 == 0.0
    assert rouge_n("word", "word", 2).f1 == 0.0
    assert rouge_l("", "").f1 == 0.0
    assert lcs_length(list("abcbdab"), list("bdcaba")) == 4


def test_greedy_oracle_and_bootstrap() -> None:
    assert greedy_oracle(["x y", "c d", "a b"], "a b c d", 3) == [1, 2]  # stops at no gain
    assert greedy_oracle(["x y", "c d", "a b"], "a b c d", 1) in ([1], [2])
    values = np.array([0.0, 1.0, 0.5, 0.5])
    samples = np.random.default_rng(0).integers(0, 4, size=(200, 4))
    ci = bootstrap(values, samples)
    assert ci.mean == 0.5 and 0.0 <= ci.low <= 0.5 <= ci.high <= 1.0
    assert bootstrap(values, samples) == ci  # same resamples, same interval


def test_loader_maps_target_lines_to_story_ids(data: Path) -> None:
    stories = load_stories(data, "val")
    assert [s.story_id for s in stories] == ["val-0", "val-1"]
    flood = stories[0]
    assert [m.title for m in flood.members] == [t for t, _ in STORIES["val-0"]]
    assert flood.title == "Tamsel Floods Marrow Homes."
    assert flood.summary.startswith("The Tamsel flooded Marrow") and "ARTICLE" not in \
        flood.summary
    assert [s.story_id for s in load_stories(data, "val", limit=1)] == ["val-0"]
    # The probe folder itself works too.
    assert load_stories(data / "naacl2022_probe", "test")[0].title == \
        "Calloway Ferry Strike Ends."


def test_loader_errors_name_the_file(tmp_path: Path, data: Path) -> None:
    with pytest.raises(ValueError, match=r"nowhere: no articles_flat.jsonl"):
        load_stories(tmp_path / "nowhere", "val")
    with pytest.raises(ValueError, match=r"train.target: not found"):
        load_stories(data, "train")
    with pytest.raises(ValueError, match="split must be one of"):
        load_stories(data, "dev")
    bad = _write(tmp_path / "bad", {"val": [TARGETS["val"][0], "no marker here"]})
    with pytest.raises(ValueError, match=r"val.target:2: expected 'TITLE=>"):
        load_stories(bad, "val")
    short = _write(tmp_path / "short", {"val": TARGETS["val"][:1]})
    with pytest.raises(ValueError, match=r"val.target: 1 summaries, but .* 2 val stories"):
        load_stories(short, "val")
    broken = tmp_path / "broken"
    (broken / "naacl2022_probe").mkdir(parents=True)
    (broken / "naacl2022_probe" / "articles_flat.jsonl").write_text(
        '{"story_id": "val-0", "member": "zero", "title": "t", "lead": "l"}\n', "utf-8")
    with pytest.raises(ValueError, match=r"articles_flat.jsonl:1: expected story_id"):
        load_stories(broken, "val")


def test_systems_on_one_story(data: Path) -> None:
    story = load_stories(data, "val")[0]
    inputs = story_inputs(story)
    assert [a.source for a in inputs.articles] == ["member-0", "member-1", "member-2"]
    assert all(a.text == lead and a.sentences for a, (_, lead)
               in zip(inputs.articles, STORIES["val-0"], strict=True))
    summaries, headlines = system_outputs(story, inputs, seed=3)
    ours = summaries["storyline"]
    k, w = len(ours), len(" ".join(ours).split())
    assert 3 <= k <= 5
    leads = [lead for _, lead in STORIES["val-0"]]
    assert summaries[LEAD] == ["The river Tamsel burst its banks in Marrow on Tuesday and "
                               "closed the old stone bridge to traffic.",
                               "About 400 homes near the quay were evacuated overnight, the "
                               "town council said."]  # member 0 has only two sentences
    assert summaries[EVERYTHING] == [" ".join(" ".join(leads).split()[:w])]
    assert len(summaries[RANDOM]) == k and len(summaries[ORACLE]) <= k
    pool = {s for lead in leads for s in [lead[:lead.index(". ") + 1],
                                           lead[lead.index(". ") + 2:]]}
    assert set(summaries[RANDOM]) <= pool and set(summaries[ORACLE]) <= pool
    assert system_outputs(story, inputs, seed=3) == (summaries, headlines)
    titles = [t for t, _ in STORIES["val-0"]]
    assert headlines["storyline"] in titles and headlines["member 0 title"] == titles[0]
    assert headlines["random member title"] in titles
    # "Tamsel Floods Marrow Homes": title 1 holds all four words, the others one.
    assert headlines["oracle title (reads target)"] == \
        "Marrow evacuates 400 homes as the Tamsel floods."


def test_cli_end_to_end(data: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "summary", "--data", str(data), "--split", "val",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["stories"] == 2 and report["split"] == "val"
    assert "no stemming" in report["scoring"]
    systems = {(s["task"], s["system"]): s for s in report["systems"]}
    assert len(systems) == 9
    ours = systems["summary", "storyline"]
    assert systems["summary", EVERYTHING]["words"] == ours["words"]
    for s in report["systems"]:
        for key in ("rouge1_f1", "rouge2_f1", "rougeL_f1"):
            ci = s[key]
            assert 0.0 <= ci["ci_low"] <= ci["mean"] <= ci["ci_high"] <= 1.0
    assert systems["summary", ORACLE]["rouge1_f1"]["mean"] >= ours["rouge1_f1"]["mean"] > 0
    minus = {(d["task"], d["system"]): d for d in report["storyline_minus"]}
    assert len(minus) == 7 and ("summary", "storyline") not in minus
    assert minus["summary", RANDOM]["rouge1_f1"]["mean"] == pytest.approx(
        ours["rouge1_f1"]["mean"] - systems["summary", RANDOM]["rouge1_f1"]["mean"], abs=2e-4)
    assert report["command"] == (f"storyline eval summary --data {data} --split val "
                                 "--seed 0")
    result = runner.invoke(app, ["eval", "summary", "--data", str(data), "--split", "test",
                                 "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "test, 1 stories" in result.output and "storyline" in result.output
    assert "no stemming" in result.output and "headline: storyline − member 0 title: R1" \
        in result.output
    assert (f"rerun: storyline eval summary --data {data} --split test --limit 1 --seed 0"
            in result.output)


def test_cli_missing_data(tmp_path: Path, data: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "summary", "--data", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "missing: no articles_flat.jsonl" in result.output
    result = runner.invoke(app, ["eval", "summary", "--data", str(data), "--split", "train"])
    assert result.exit_code == 2 and "train.target: not found" in result.output
