"""The rule recogniser on sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.extract.entities import EntityRecogniser, find_mentions, with_roles
from storyline.extract.gazetteer import key, load
from storyline.extract.lexicon import build, common_words
from storyline.extract.nlp import pipeline


def _mentions(text: str) -> dict[str, tuple[str, str]]:
    doc = pipeline("en")(text)
    return {m.text: (m.kind, m.canonical) for m in find_mentions(doc)}


def test_titles_roles_places_and_bodies() -> None:
    found = _mentions(
        "U.S. Secretary of State Antony Blinken met Chinese Foreign Minister Qin Gang in "
        "Beijing on Sunday. The State Department called the talks candid. Blinken told "
        "reporters the Pentagon and NATO were briefed.")
    assert found["U.S."] == ("GPE", "United States")
    assert found["Antony Blinken"][0] == "PERSON"
    assert found["Qin Gang"][0] == "PERSON"
    assert found["Beijing"] == ("GPE", "Beijing")
    assert found["State Department"][0] == "ORG"
    assert found["Blinken"] == ("PERSON", "Antony Blinken")  # the short form, canonicalised
    assert found["Pentagon"][0] == "ORG" and found["NATO"] == ("ORG", "NATO")
    assert "Sunday" not in found and "The" not in found


def test_roles_are_attached() -> None:
    doc = pipeline("en")("Olaf Scholz, the German chancellor, spoke to President Joe Biden.")
    roles = {m.text: m.role for m in find_mentions(doc)}
    assert roles["Olaf Scholz"] == "chancellor"
    assert roles["Joe Biden"] == "president"


def test_surname_that_is_a_place_follows_the_person() -> None:
    found = _mentions("Director Neil Jordan defended the film. Jordan said it was history, "
                      "not politics, and flew home to Jordan's rival, Israel.")
    assert found["Neil Jordan"][0] == "PERSON"
    assert found["Jordan"] == ("PERSON", "Neil Jordan")
    assert found["Israel"][0] == "GPE"


def test_company_news_names() -> None:
    """Business prose: bodies named by what they are, products by their makers, surnames
    that are also towns or ordinary words, acronyms that are also towns."""
    found = _mentions(
        "Harald Osterman, the chief operating officer of Velmora Foods, resigned on Monday. "
        "Osterman joined from budget airline Skyra Velo. Lenders met at the General "
        "Audit Office (GAO) in Reno. The GAO backed Skyra Velo's plan to fly the Boeing "
        "787 and to hire Valdis LLC Tom Kerrigan. Carol Jobs, the firm's founder, said the "
        "Dow Jones fell. Jobs added that Bell-Norris would buy the Caracas Trade Show stand.")
    assert found["Harald Osterman"][0] == "PERSON"
    assert found["Osterman"] == ("PERSON", "Harald Osterman")
    assert found["Skyra Velo"][0] == "ORG"  # "airline …", not a person
    assert found["GAO"][0] == "ORG"  # an acronym, not Gao in Mali
    assert "Boeing" not in found  # the model, not the maker
    assert found["Valdis LLC"][0] == "ORG" and found["Tom Kerrigan"][0] == "PERSON"
    assert found["Jobs"] == ("PERSON", "Carol Jobs")  # a common word as a surname
    assert "Jones" not in found and "Dow Jones" not in found  # a stock index
    assert found.get("Bell-Norris", ("ORG",))[0] != "PERSON"  # one hyphenated word
    assert not any("Show" in name for name in found)  # an event, not a body


def test_of_a_place() -> None:
    found = _mentions("Residents of Qarvani said the water had reached the second floor, "
                      "and the mayor of Belsano asked for help.")
    assert found["Qarvani"][0] == "GPE"  # the residents speak, not a person named Qarvani
    assert found["Belsano"][0] == "GPE"


def test_small_towns_said_to_be_places_and_named_rivers() -> None:
    # Towns under the population bar count when what follows says "place": a dateline's
    # ", Country" or a facility named after the town; "Dnipro River" is one place.
    found = _mentions("KHERSON, Ukraine, June 6 - Water poured through the Kakhovka dam "
                      "and down the Dnipro River.")
    assert found["KHERSON"] == ("GPE", "Kherson")
    assert found["Kakhovka"][0] == "GPE"
    assert found["Dnipro River"] == ("LOC", "Dnipro") and "River" not in found
    # A role's capitalised first word opening a sentence is no organisation.
    role = _mentions("National security adviser Jake Sullivan met Wang Yi.")
    assert "National" not in role and role["Jake Sullivan"][0] == "PERSON"
    # A town's name followed by another country is no proof.
    assert _mentions("KHERSON, France - x.").get("KHERSON", ("",))[0] != "GPE"


def test_sentence_openings_are_not_names() -> None:
    found = _mentions('Officials in Kyiv said Russia fired missiles. "We will rebuild," '
                      "the mayor said. However, Police gave no figures.")
    assert set(found) == {"Kyiv", "Russia"}


def test_organisations_by_their_heads_and_teams_by_scores() -> None:
    found = _mentions("Leeds 2 Arsenal 1. Shares of Boatmen Bancshares Inc and Lear Corp "
                      "rose after the Bank of Canada and Air France reported.")
    assert found["Leeds"][0] == "ORG"
    assert found["Boatmen Bancshares Inc"][0] == "ORG"
    assert found["Lear Corp"][0] == "ORG"
    assert found["Bank of Canada"][0] == "ORG"
    assert found["Air France"][0] == "ORG"


def test_all_caps_headlines_take_only_known_names() -> None:
    found = _mentions("JAPAN BEAT CHINA IN SURPRISE DEFEAT\nJapan beat China 2-1 on Friday.")
    assert found["JAPAN"][0] == "GPE" and found["CHINA"][0] == "GPE"
    assert "BEAT" not in found and "SURPRISE" not in found


def test_bad_input_gives_no_nonsense() -> None:
    assert _mentions("") == {}
    assert _mentions("....!!!") == {}
    nonlatin = _mentions("Владимир Путин встретился с Си Цзиньпином. 習近平 " * 3)
    assert all(kind in ("PERSON", "ORG", "GPE", "LOC") for kind, _ in nonlatin.values())
    long = "and the " * 20_000 + "Paris."
    assert _mentions(long) == {"Paris": ("GPE", "Paris")}
    assert all(any(c.isalpha() for c in text) for text in _mentions(
        "Talks in Geneva - and Vienna - Ended - Officials said. Kyiv - 2023 - Report"))
    unclosed = _mentions('He said "this never ends and Berlin agrees')
    assert unclosed["Berlin"][0] == "GPE"


def test_gazetteer_folds_and_translates() -> None:
    gaz = load()
    assert key("Erdoğan") == key("Erdogan")
    assert gaz.lookup("Peking")[0].canonical == "Beijing"
    assert gaz.lookup("Finnland")[0].country == "FI"
    assert gaz.lookup("EZB")[0].canonical == "European Central Bank"
    paris = gaz.lookup("Paris")
    assert paris[0].country == "FR" and paris[0].geonameid and paris[0].lat is not None
    assert any(e.country == "US" for e in paris)  # the other Paris is still a candidate
    assert gaz.demonyms[key("Chinese")] == "CN"


def test_user_gazetteer_extends_the_tables(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "organisations.tsv"
    extra.write_text("Storyline Labs\tSLabs\t-\tBUS\n", "utf-8")
    monkeypatch.setenv("STORYLINE_GAZETTEER", str(extra))
    load.cache_clear()
    try:
        rec = EntityRecogniser(load())
        doc = pipeline("en")("A spokesman for SLabs declined to comment.")
        found = {m.text: m.canonical for m in rec(doc)}
        assert found["SLabs"] == "Storyline Labs"
    finally:
        load.cache_clear()


def test_common_words_come_from_case_sensitive_probabilities(tmp_path: Path) -> None:
    import gzip
    import json

    table = {"officials": -10.0, "Officials": -14.0, "paris": -15.0, "Paris": -11.0,
             "police": -9.0, "Police": -11.5, "rare": -20.0}
    source = tmp_path / "en_lexeme_prob.json.gz"
    with gzip.open(source, "wt", encoding="utf-8") as fh:
        json.dump(table, fh)
    assert build(source) == ["officials", "police"]
    assert isinstance(common_words(), frozenset)


def test_german_nouns_are_not_names() -> None:
    doc = pipeline("de")(
        "US-Außenminister Antony Blinken reist am Wochenende nach Peking. Die Reise war im "
        "Februar abgesagt worden. Nach Angaben des Ministeriums trifft er seinen Amtskollegen "
        "Qin Gang. Der Nationale Sicherheitsberater Jake Sullivan hatte sich in Wien mit Qin "
        "getroffen. Ministeriumssprecher Matthew Miller sprach von Angelegenheiten Chinas.")
    found = {m.text: (m.kind, m.canonical, m.role) for m in find_mentions(doc)}
    # German roles are reported in the lexicon's English form; "Amtskollegen" (counterpart)
    # says a person follows but is no role.
    assert found["Antony Blinken"] == ("PERSON", "Antony Blinken", "foreign minister")
    assert found["Qin Gang"] == ("PERSON", "Qin Gang", None) and found["Qin"][1] == "Qin Gang"
    assert found["Jake Sullivan"][2] == "national security adviser"
    assert found["Matthew Miller"][2] == "spokesman"  # "Ministeriumssprecher", a compound
    assert found["Peking"] == ("GPE", "Beijing", None) and found["Wien"][1] == "Vienna"
    for noun in ("Reise", "Angaben", "Amtskollegen", "Angelegenheiten Chinas", "Nationale"):
        assert noun not in found


def _found(text: str, lang: str = "en") -> dict[str, tuple[str, str, str | None]]:
    doc = pipeline(lang)(text)
    return {m.text: (m.kind, m.canonical, m.role) for m in find_mentions(doc)}


def test_roles_from_possessives_and_appositions() -> None:
    found = _found(
        "Verdania's national security adviser, Tomas Reyl, landed on Monday. Later, "
        "Portugal's top diplomat, Ines Caldera, met him, and so did the president, Rui Faro.")
    assert found["Tomas Reyl"][0] == "PERSON"
    assert found["Tomas Reyl"][2] == "national security adviser"
    assert found["Ines Caldera"][2] == "top diplomat"
    assert found["Rui Faro"][2] == "president"


def test_apposition_after_the_name_keeps_its_qualifiers() -> None:
    found = _found("Wang Yi, China's top diplomat, said the talks went well. The ministry "
                   "spokesman, Lin Jian, agreed.")
    assert found["Wang Yi"] == ("PERSON", "Wang Yi", "top diplomat")
    assert found["Lin Jian"][2] == "ministry spokesman"


def test_capitalised_title_opening_a_sentence() -> None:
    found = _found("State Councilor Qin Gang met the press. Foreign Minister Ana Pires left.")
    assert found["Qin Gang"] == ("PERSON", "Qin Gang", "state councilor")
    assert found["Ana Pires"][2] == "foreign minister"
    assert not any(k.startswith(("State", "Councilor")) for k in found)


def test_title_before_name_with_qualifier() -> None:
    found = _found("Talks were led by Brazil's top diplomat Mauro Vieira in Lima.")
    assert found["Mauro Vieira"][2] == "top diplomat"


def test_one_word_role_after_a_given_name_is_a_surname() -> None:
    found = _found("Prime Minister John Major met Stephen King in London.")
    assert found["John Major"] == ("PERSON", "John Major", "prime minister")
    assert found["Stephen King"][0] == "PERSON" and found["Stephen King"][2] is None


def test_roles_are_language_aware() -> None:
    # Honorifics and relational nouns say "a person" but are no role, in any language.
    english = _found("Mr Dalton thanked Dr Ruiz. M. Atherton was out for 12.")
    assert english["Dalton"] == ("PERSON", "Dalton", None)
    assert english["Ruiz"][2] is None
    assert english["M. Atherton"][2] is None  # "M." is an initial in English, not "monsieur"
    # A German role word in an English text is no role.
    assert all(role is None for *_, role in
               _found("Ines Berg met Außenminister Karl Weiss.").values())
    german = _found("Bundesaußenminister Karl Weiss traf seinen Amtskollegen Rui Faro in "
                    "Lissabon. Herr Weiss sprach mit Regierungssprecherin Eva Lind.", "de")
    assert german["Karl Weiss"][2] == "foreign minister"  # reported in English
    assert german["Rui Faro"] == ("PERSON", "Rui Faro", None)  # counterpart: no role
    assert german["Eva Lind"][2] == "spokeswoman"
    forms = load().roles_in("de")
    assert forms[(key("Außenminister"),)] == "foreign minister"
    assert forms[("amtskollegen",)] == ""
    assert ("m.",) not in load().roles_in("en") and ("mr",) in load().roles_in("en")


def test_with_roles_carries_the_first_role_back() -> None:
    doc = pipeline("en")("Sullivan arrived first. Jake Sullivan, the national security "
                         "adviser, spoke. Jake Sullivan, a former senator, left.")
    roles = [(m.text, m.role) for m in with_roles(find_mentions(doc)) if m.kind == "PERSON"]
    assert roles == [("Sullivan", "national security adviser"),
                     ("Jake Sullivan", "national security adviser"),
                     ("Jake Sullivan", "former senator")]


def test_great_hall_is_a_place_not_a_body() -> None:
    found = _found("Leaders gathered in the Great Hall of the People on Monday. The Great "
                   "Hall was full, and the Ministry of the Interior said so.")
    assert found["Great Hall of the People"][0] == "LOC"
    assert found["Great Hall"][0] == "LOC"
    assert found["Ministry of the Interior"][0] == "ORG"


def test_country_glued_to_a_function_word() -> None:
    doc = pipeline("en")("Aid to Ukraineas well as to Chinahas grown. Chinatown was quiet, "
                         "and Iraqis and Omanis voted.")
    mentions = {m.text: m for m in find_mentions(doc)}
    ukraine = mentions["Ukraine"]
    assert (ukraine.kind, ukraine.canonical, ukraine.country) == ("GPE", "Ukraine", "UA")
    assert doc.text[ukraine.start:ukraine.end] == "Ukraine"
    assert mentions["China"].canonical == "China"
    assert "Chinatown" in mentions and mentions["Chinatown"].canonical == "Chinatown"
    assert "Iraq" not in mentions and "Oman" not in mentions


def test_bodies_by_form_and_context() -> None:
    found = _found(
        "Shares of Harlow & Venn rose, the Daily Clarion newspaper reported. The Morvel "
        "group and the Tavik news agency said Zairean and Surinamese officials met Kurds "
        "and South Korean traders. Gerald van der Berg and Ronald de Boer scored.")
    assert found["Harlow & Venn"][0] == "ORG"
    assert found["Morvel"][0] == "ORG" and found["Tavik"][0] == "ORG"
    for people in ("Zairean", "Surinamese", "Kurds", "South", "South Korean"):
        assert people not in found
    assert found["Gerald van der Berg"][0] == "PERSON"
    assert found["Ronald de Boer"][0] == "PERSON"


def test_sports_results_name_teams() -> None:
    text = ("SOCCER - LEAGUE RESULTS .\nNEW YORK 1996-08-31\nResults on Saturday :\n"
            "Nice 2 Greenock Morton 1\nPartick 1 St Mirren 1\nStandings :\n"
            "Greenock Morton 3 2 0 1 5 2 6\nNice coach Albert Vell said Nice played well "
            "in Nice .\nThe U.S. Open starts in Seattle .")
    doc = pipeline("en")(text)
    kinds = [(m.text, m.kind) for m in find_mentions(doc)]
    assert ("NEW YORK", "GPE") in kinds  # a dateline: the place
    assert kinds.count(("Nice", "ORG")) == 3 and ("Nice", "GPE") in kinds  # "in Nice"
    assert kinds.count(("Greenock Morton", "ORG")) == 2
    assert ("Partick", "ORG") in kinds and ("St Mirren", "ORG") in kinds
    assert ("Albert Vell", "PERSON") in kinds
    assert "U.S." not in dict(kinds) and ("Seattle", "GPE") in kinds  # "U.S. Open": an event
