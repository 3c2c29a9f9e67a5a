"""Quantities in a sentence, as ranges: "about 16,000 people", "more than 2,000", "between
18,000 and 20,000", "2.122 muertos".

Two reports disagree on a figure only when their ranges do not overlap, so every figure is
read as the interval it claims: "more than 2,000" is (2000, ∞), "about 40" is 36–44, a bare
"2,012" is exactly 2012. What the figure counts (its *measure*) comes from the nearest
measure word of ``data/measures.tsv`` ("killed" → deaths, "heridos" → injured), else the
noun that follows it ("hours"): figures of different measures are never compared.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

#: Comma and semicolon count as this many tokens of distance to a measure word: "El número
#: de muertos … ascendió a 2.122, según …, que eleva a 2.421 la cifra de heridos".
PUNCT_DISTANCE = 6
#: Farthest a measure word may be from its figure (tokens, punctuation weighted).
MEASURE_WINDOW = 20
#: The relative width of "about N".
APPROX = 0.1

_NUM = r"\d{1,3}(?:[,.\u202f\u00a0]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_TOKEN = re.compile(rf"{_NUM}|[^\W\d_][\w'’-]*|[,;:()%]|[.!?]")
_NUMBER = re.compile(rf"^(?:{_NUM})$")

_SCALES = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9,
           "bn": 1e9, "m": 1e6, "mn": 1e6, "millionen": 1e6, "milliarden": 1e9,
           "millones": 1e6, "mil": 1e3, "tausend": 1e3, "milliards": 1e9, "trillion": 1e12}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
          "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
          "dozen": 12, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "zehn": 10, "dos": 2,
          "tres": 3, "cuatro": 4, "cinco": 5, "diez": 10}
#: Vague plurals: a range rather than a figure ("thousands" of people).
_VAGUE = {"dozens": (24.0, 199.0), "hundreds": (200.0, 1999.0),
          "thousands": (2000.0, 99999.0), "cientos": (200.0, 1999.0),
          "miles": (2000.0, 99999.0), "hunderte": (200.0, 1999.0),
          "tausende": (2000.0, 99999.0), "centaines": (200.0, 1999.0),
          "milliers": (2000.0, 99999.0)}
# Qualifiers that come before a figure, longest first when matched.
_LOWER = ("more than", "over", "above", "at least", "upwards of", "in excess of", "tops",
          "topped", "past", "exceeding", "más de", "al menos", "por lo menos", "mehr als",
          "über", "mindestens", "plus de", "au moins")
_UPPER = ("less than", "fewer than", "under", "up to", "at most", "below", "nearly",
          "almost", "close to", "menos de", "casi", "hasta", "weniger als", "fast", "knapp",
          "bis zu", "moins de", "près de", "presque", "jusqu'à")
_ABOUT = ("about", "around", "roughly", "approximately", "some", "an estimated",
          "estimated", "circa", "ca", "unos", "unas", "alrededor de", "cerca de", "rund",
          "etwa", "ungefähr", "environ", "quelque")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure in the text and the range it claims (``high`` may be infinite)."""

    start: int
    end: int
    #: The words as written, qualifier included ("more than 2,000").
    text: str
    low: float
    high: float
    #: What it counts: a measure class ("deaths") or the noun after it ("hours").
    measure: str

    def overlaps(self, other: Quantity) -> bool:
        return self.low <= other.high and other.low <= self.high

    def same(self, other: Quantity) -> bool:
        return self.low == other.low and self.high == other.high

    @property
    def key(self) -> str:
        """A readable normalised value: "2012", ">2000", "18000–20000", "~40"."""
        if self.low == self.high:
            return _fmt(self.low)
        if math.isinf(self.high):
            return f">{_fmt(self.low)}"
        if self.low == 0:
            return f"<{_fmt(self.high)}"
        mid = (self.low + self.high) / 2
        if abs(self.high - self.low - 2 * APPROX * mid) < 1e-6 * max(mid, 1):
            return f"~{_fmt(mid)}"
        return f"{_fmt(self.low)}–{_fmt(self.high)}"


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:g}"


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    low: str
    start: int
    end: int


@lru_cache(maxsize=1)
def measure_words() -> dict[str, str]:
    """Word (lower case) → measure class, from ``data/measures.tsv``."""
    out: dict[str, str] = {}
    text = (resources.files("storyline.analyse") / "data" / "measures.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        measure, _, words = line.partition("\t")
        for w in words.split():
            out[w.lower()] = measure.strip()
    return out


_PEOPLE = frozenset({"people", "persons", "personas", "menschen", "personnes", "residents"})
#: Nouns too vague to be a measure on their own: "2,000 people" counts whatever the
#: sentence says happened to them.
#: Words that end a figure's clause going forward: "sent 400 soldiers and 20 boats to help
#: with the evacuation" counts soldiers, not evacuees.
_FORWARD_STOPS = frozenset({"and", "to", "for", "with", "while", "but", "after", "before",
                            "y", "und", "et", "para", "um", "pour", "mit", "con", "avec"})
_GENERIC_UNITS = frozenset({"people", "persons", "personas", "menschen", "personnes",
                            "residents", "of", "the", "and", "in", "on", "a", "de", "la",
                            "el", "los", "las", "die", "der", "des", "les", "le"})


def parse_number(text: str, lang: str | None) -> float | None:
    """"2,012" → 2012; "2.122" → 2122 in Spanish or German, 2.122 in English; "6.8" → 6.8."""
    s = text.replace("\u202f", "").replace("\u00a0", "")
    grouped = re.fullmatch(r"\d{1,3}(?:([,.])\d{3})+(?:([.,])\d+)?", s)
    if grouped:
        sep = grouped.group(1)
        english = lang in (None, "en", "zh", "ja", "ko")
        if sep == "," or not english or s.count(".") > 1:
            dec = grouped.group(2)
            whole, _, frac = (s.rpartition(dec) if dec else (s, "", ""))
            try:
                return float(re.sub(r"[,.]", "", whole) + ("." + frac if frac else ""))
            except ValueError:
                return None
    if "," in s and lang not in (None, "en"):
        s = s.replace(",", ".")
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def _tokens(text: str, base: int) -> list[_Tok]:
    return [_Tok(m.group(), m.group().lower(), base + m.start(), base + m.end())
            for m in _TOKEN.finditer(text)]


def _qualifier(toks: list[_Tok], i: int) -> tuple[str | None, int]:
    """The qualifier ending right before token ``i`` and the index it starts at ("more
    than a dozen": past the article)."""
    if i > 0 and toks[i - 1].low in ("a", "an") and toks[i].low in _WORDS:
        qual, start = _qualifier(toks, i - 1)
        if qual is not None:
            return qual, start
    for size in (3, 2, 1):
        if i - size < 0:
            continue
        phrase = " ".join(t.low for t in toks[i - size:i])
        for kind, words in (("lower", _LOWER), ("upper", _UPPER), ("about", _ABOUT)):
            if phrase in words:
                return f"{kind}:{phrase}", i - size
    return None, i


def find_quantities(text: str, start: int, end: int, lang: str | None,
                    skip: list[tuple[int, int]] | None = None,
                    stops: frozenset[str] = frozenset()) -> list[Quantity]:
    """Figures in ``text[start:end]`` with their measure; spans in ``skip`` (dates) and
    years, times, scores and figures whose measure is unknown are left out."""
    toks = _tokens(text[start:end], start)
    measures = measure_words()
    out: list[Quantity] = []
    skip = skip or []
    i = 0
    while i < len(toks):
        t = toks[i]
        value, vague = _value(t, lang)
        if value is None and vague is None:
            i += 1
            continue
        if any(a <= t.start < b for a, b in skip):
            i += 1
            continue
        first, last = i, i
        low, high = (value, value) if value is not None else vague  # type: ignore[misc]
        # scale words: "4.5 million"
        if value is not None and i + 1 < len(toks) and toks[i + 1].low in _SCALES:
            low = high = value * _SCALES[toks[i + 1].low]
            last = i + 1
        # ranges: "between 18,000 and 20,000", "18,000 to 20,000", "entre X y Y"
        nxt = _range_end(toks, last, lang)
        if nxt is not None:
            high, last = nxt
        qual, first = _qualifier(toks, first)
        if qual is not None and nxt is None:
            kind, _, phrase = qual.partition(":")
            if kind == "lower":
                high = math.inf
            elif kind == "upper":
                low = 0.0 if phrase in ("less than", "fewer than", "under", "up to",
                                        "at most", "below", "menos de", "hasta",
                                        "weniger als", "bis zu", "moins de", "jusqu'à") \
                    else low * (1 - APPROX)
            else:
                mid = low
                low, high = mid * (1 - APPROX), mid * (1 + APPROX)
        elif first > 0 and toks[first - 1].low == "between" and nxt is not None:
            first -= 1
        if _not_a_figure(toks, i, last, value) or _in_score(text, t):
            i = last + 1
            continue
        measure = _measure(toks, first, last, measures, stops)
        if measure is not None:
            out.append(Quantity(toks[first].start, toks[last].end,
                                text[toks[first].start:toks[last].end], low, high, measure))
        i = last + 1
    return out


def _value(t: _Tok, lang: str | None) -> tuple[float | None, tuple[float, float] | None]:
    if _NUMBER.match(t.text):
        return parse_number(t.text, lang), None
    if t.low in _WORDS:
        return float(_WORDS[t.low]), None
    if t.low in _VAGUE:
        return None, _VAGUE[t.low]
    return None, None


def _range_end(toks: list[_Tok], i: int, lang: str | None) -> tuple[float, int] | None:
    if i + 2 < len(toks) and toks[i + 1].low in ("and", "to", "y", "und", "et", "a", "bis") \
            and _NUMBER.match(toks[i + 2].text):
        before = toks[i - 1].low if i > 0 else ""
        if toks[i + 1].low in ("and", "y", "und", "et") and before not in (
                "between", "entre", "zwischen"):
            return None
        value = parse_number(toks[i + 2].text, lang)
        if value is None:
            return None
        last = i + 2
        if last + 1 < len(toks) and toks[last + 1].low in _SCALES:
            value *= _SCALES[toks[last + 1].low]
            last += 1
        return value, last
    return None


def _in_score(text: str, t: _Tok) -> bool:
    """"1-0", "3–2": a score or a code, not a figure."""
    before = text[t.start - 1] if t.start > 0 else ""
    after = text[t.end:t.end + 2]
    return (before in "-–" and before != "") or (len(after) == 2 and after[0] in "-–"
                                               and after[1].isdigit())


#: Words after a figure that make it an age: "a 35-year-old driver", "35 years old".
_AGE_AFTER = frozenset({"year-old", "years-old", "year-olds", "jährige", "jähriger",
                        "jährigen", "jähriges", "jährig", "ans", "años"})
#: Words before a figure that make it an age: "aged 35", "de 35 años".
_AGE_BEFORE = frozenset({"aged", "age", "ages", "âgé", "âgée", "alter", "edad"})


def _not_a_figure(toks: list[_Tok], i: int, last: int, value: float | None) -> bool:
    """Years, clock times, scores, ordinals, list numbers and ages are not figures of the
    story."""
    t = toks[i]
    if value is not None and t.text.isdigit() and len(t.text) == 4 and 1800 <= value <= 2100:
        return True
    after = toks[last + 1].low if last + 1 < len(toks) else ""
    if after in _AGE_AFTER or (after in ("years", "year") and last + 2 < len(toks)
                               and toks[last + 2].low == "old"):
        return True
    if i > 0 and (toks[i - 1].low in _AGE_BEFORE or (
            i > 1 and toks[i - 1].low in ("and", "to") and toks[i - 2].text.isdigit()
            and i > 2 and toks[i - 3].low in _AGE_BEFORE)):
        return True
    return after in (":", ")") or (i > 0 and toks[i - 1].text in ("(", ":", "No", "no", "#"))


def _measure(toks: list[_Tok], first: int, last: int, measures: dict[str, str],
             stops: frozenset[str]) -> str | None:
    """The nearest measure word around the figure (same sentence), else the unit noun."""
    best: tuple[float, str] | None = None
    word_number = toks[first].low.isalpha() and toks[last].low.isalpha()
    # "400 soldiers and 20 boats to help with the evacuation": a figure that names what
    # it counts keeps to its own clause; "40,000 people need to be evacuated" does not.
    nxt = toks[last + 1] if last + 1 < len(toks) else None
    own_noun = (nxt is not None and nxt.text.isalpha() and nxt.text.islower()
                and nxt.low not in _GENERIC_UNITS and nxt.low not in measures)
    clause_ends = _FORWARD_STOPS if own_noun else frozenset()
    for direction in (-1, 1):
        j = first - 1 if direction < 0 else last + 1
        distance = 0.0
        # "the number of dead … rose to 2,122" reaches back; forward only the next words.
        reach = 3 if word_number else MEASURE_WINDOW if direction < 0 else 8
        while 0 <= j < len(toks) and distance <= reach:
            w = toks[j].low
            if w in (".", "!", "?") or (direction > 0 and w in clause_ends):
                break
            distance += PUNCT_DISTANCE if w in (",", ";", ":", "(", ")") else 1
            m = measures.get(w)
            # ties go forward: "2,000 people are feared dead and thousands are missing"
            if m is not None and (best is None or distance <= best[0]):
                best = (distance, m)
                break
            j += direction
    if best is not None:
        return best[1]
    for j in range(last + 1, min(last + 3, len(toks))):
        w = toks[j].low
        if w == "%" or w in ("percent", "per", "prozent", "por"):
            return "percent"
        if w in _PEOPLE:
            return "people"
        if toks[j].text.isalpha() and toks[j].text.islower() and w not in _GENERIC_UNITS \
                and w not in stops and len(w) > 2:
            return w[:-1] if w.endswith("s") and len(w) > 4 else w
    return None
