"""The story headline: the most central title, unless a nearly as central one is cleaner."""

from __future__ import annotations

import json
from itertools import permutations
from pathlib import Path

import pytest

from storyline import Storyline
from storyline.analyse.inputs import ArticleInput, StoryInputs
from storyline.analyse.summary import headline as report_headline
from storyline.stories.headline import (
    Candidate,
    choose_headline,
    close_set,
    shouting,
    typo_words,
    vocabulary,
)

# Made-up reports of one made-up event; only the second title misspells the mayor's name.
BRIDGE = [
    ("Mayor Hendricksen opens new bridge",
     "Mayor Lotte Hendricksen cut a ribbon on the Velmora harbour bridge on Saturday "
     "morning. A brass band from the music "
     "school played and pupils sold lemonade to raise money for the rowing club. Hendricksen "
     "thanked the welders, the divers and the volunteers who painted the railings."),
    ("Hendriksen opens the Velmora harbour bridge to traffic",
     "Velmora's new harbour bridge opened to traffic on Saturday, with mayor Lotte Hendricksen "
     "leading a walk across the span. The harbour bridge links the old town with the eastern "
     "docks after four years of building. The ferry service across the harbour will continue "
     "for several months, Hendricksen said."),
    ("Velmora harbour bridge opens to traffic after four years",
     "Traffic started moving over the Velmora harbour bridge on Saturday afternoon. Mayor "
     "Hendricksen, who opened the bridge in the morning, called it a link between the old town "
     "and the eastern docks. The city expects the ferry across the harbour to stop in autumn."),
]


def test_typo_words_are_near_misses_of_the_majority_spelling() -> None:
    words = vocabulary(f"{t}\n{x}" for t, x in BRIDGE)
    assert words["hendricksen"] == 3 and words["hendriksen"] == 1
    assert typo_words(BRIDGE[1][0], words) == ["hendriksen"]
    assert typo_words(BRIDGE[0][0], words) == []
    assert typo_words("HENDRIKSEN BRIDGE", words) == ["hendriksen"], "case does not hide it"


def test_evenly_split_spellings_and_inflections_are_not_typos() -> None:
    even = vocabulary(["Kowalczyk wins", "Kowalcyzk wins"])
    assert typo_words("Kowalcyzk wins", even) == [] and typo_words("Kowalczyk wins", even) == []
    forms = vocabulary(["officials announced", "officials announced", "official announces"])
    assert typo_words("Official announces", forms) == []
    short = vocabulary(["Baden votes", "Baden votes", "Biden votes"])
    assert typo_words("Biden votes", short) == [], "five-letter words one letter apart differ"


def test_shouting_titles() -> None:
    assert shouting("HENDRICKSEN BRIDGE OPENS")
    assert shouting("Mayor Hendricksen Opens The New Bridge To Traffic")
    assert not shouting("Mayor Hendricksen opens new bridge")
    assert not shouting("Mayor Hendricksen Opens the New Bridge to Traffic"), "headline case"
    assert not shouting("Velmora Bridge: The Long Wait Ends"), "after a colon, a capital"
    assert not shouting("Velmora Harbour Bridge Opens"), "no function word to tell"
    assert not shouting("NATO summit"), "an acronym is not shouting"


def test_a_clean_title_beats_a_nearly_as_central_typo_but_not_a_far_more_central_one() -> None:
    words = vocabulary(f"{t}\n{x}" for t, x in BRIDGE)
    typo = Candidate("b", BRIDGE[1][0], 0.80)
    clean = Candidate("a", BRIDGE[0][0], 0.73)
    assert choose_headline([typo, clean], words) is clean
    assert choose_headline([clean, typo], words) is clean
    far = Candidate("a", BRIDGE[0][0], 0.50)
    assert close_set([typo, far]) == [typo]
    assert choose_headline([typo, far], words) is typo, "centrality still comes first"


def test_case_only_decides_between_titles_closer_still() -> None:
    loud = Candidate("c", "HENDRICKSEN HARBOUR BRIDGE OPENS", 0.70)
    calm = Candidate("d", "Hendricksen opens harbour bridge", 0.68)
    assert choose_headline([loud, calm], {}) is calm
    less = Candidate("d", calm.title, 0.64)
    assert less in close_set([loud, less]), "close enough for a typo to matter…"
    assert choose_headline([loud, less], {}) is loud, "…not for the case alone"


def test_lead_sentences_yield_to_real_titles_but_beat_typos() -> None:
    words = vocabulary(f"{t}\n{x}" for t, x in BRIDGE)
    lead = Candidate("l", "Mayor Lotte Hendricksen cut the ribbon on the Velmora bridge…", 0.9,
                     inferred=True)
    real = Candidate("a", BRIDGE[0][0], 0.7)
    assert choose_headline([lead, real], words) is real, "a real title, even less central"
    typo = Candidate("b", BRIDGE[1][0], 0.85)
    assert choose_headline([typo, lead], words) is lead


def test_ties_keep_the_input_order() -> None:
    one, two = Candidate("x", "Bridge opens in Velmora", 0.5), Candidate("y", "Velmora bridge "
                                                                          "opens", 0.5)
    assert choose_headline([one, two], {}) is one and choose_headline([two, one], {}) is two
    assert choose_headline([], {}) is None


def _ingest(tmp_path: Path, order: tuple[int, ...], name: str) -> dict[str, str]:
    path = tmp_path / f"{name}.jsonl"
    path.write_text("\n".join(json.dumps({
        "title": BRIDGE[n][0], "text": BRIDGE[n][1], "source": f"Outlet {n}",
        "published": "2031-05-10", "url": f"https://outlet{n}.example/bridge"}) for n in order))
    with Storyline(tmp_path / f"{name}.db") as sl:
        sl.ingest([path], workers=1)
        stories = [s for s in sl.stories(limit=None) if s["article_count"] > 1]
        assert len(stories) == 1, stories
        full = sl.story(stories[0]["id"])
        assert full is not None
        return {"stored": stories[0]["headline"], "ids": ",".join(sorted(
            a.id for a in full["articles"]))}


def test_ingest_never_names_the_story_by_its_misspelt_title(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n, order in enumerate(permutations(range(3))):
        got = _ingest(tmp_path, order, f"o{n}")
        assert got["ids"].count(",") == 2, "all three reports are one story"
        # The misspelt title is the most central; the other Velmora title is nearly as
        # central and spells the mayor's name as the reports do.
        assert got["stored"] == BRIDGE[2][0], (order, got)
    assert _ingest(tmp_path, (0, 2, 1), "again")["stored"] == BRIDGE[2][0]
    monkeypatch.setattr("storyline.stories.headline.CLOSE", 1.01)  # centrality alone
    assert _ingest(tmp_path, (0, 2, 1), "central")["stored"] == BRIDGE[1][0]


def _inputs(titles: list[str], texts: list[str]) -> StoryInputs:
    return StoryInputs("s1", "", tuple(
        ArticleInput(f"a{n}", t, x, f"Outlet {n}", "2031-05-10", "en", ((0, len(x)),))
        for n, (t, x) in enumerate(zip(titles, texts, strict=True))))


def test_the_report_headline_follows_the_same_rule() -> None:
    titles = [BRIDGE[1][0], BRIDGE[0][0], BRIDGE[2][0]]
    texts = [BRIDGE[1][1], BRIDGE[0][1], BRIDGE[2][1]]
    chosen = report_headline(_inputs(titles, texts))
    assert chosen != BRIDGE[1][0] and chosen in titles
