"""Time expressions: found with compiled regexes, normalised TIMEX3-style.

Speed comes from not running every pattern over the whole text: one cheap pass finds the
trigger words an expression must contain (a month, a weekday, a unit, "yesterday", a
year-like number…), and only the pattern families that word can be part of (dates, times,
relative words, durations, sets…) run, on a window around it. Overlapping matches are
resolved longest-first; each is then turned into a :class:`~storyline.extract.types.Timex`.

Relative expressions are anchored to the publication date (TimeML's convention). "That
year" and "the following month" take the closest date before them in the text instead;
"three weeks later" has no clear anchor and stays an unanchored duration. Month and weekday
names without a year are placed by the tense of the nearest verb cue in the same clause
("will … on Friday" → the coming Friday; "announced Wednesday" → the past one); with no cue,
a month is the nearest such month and a weekday the past one (news reports the past).

English first; German and Spanish month names, weekday names and deictic words ("gestern",
"ayer", "la semana pasada", …) are read too, chosen by ``doc.lang_``.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType

from spacy.tokens import Doc

from storyline.extract.nlp import text_of
from storyline.extract.types import Granularity, Timex, TimexType

# --- vocabulary ----------------------------------------------------------------------------

_MONTHS_EN = MappingProxyType({
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
})
_MONTHS_DE = MappingProxyType({
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
})
_MONTHS_ES = MappingProxyType({
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
})
#: Month names, all languages at once (no clash between them that changes a month).
MONTHS: Mapping[str, int] = MappingProxyType({**_MONTHS_EN, **_MONTHS_DE, **_MONTHS_ES})

_WEEKDAYS_EN = MappingProxyType({
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thu": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
})
_WEEKDAYS_DE = MappingProxyType({
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5,
    "sonnabend": 5, "sonntag": 6,
})
_WEEKDAYS_ES = MappingProxyType({
    "lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4,
    "sábado": 5, "sabado": 5, "domingo": 6,
})
WEEKDAYS: Mapping[str, int] = MappingProxyType({**_WEEKDAYS_EN, **_WEEKDAYS_DE,
                                                **_WEEKDAYS_ES})

NUMBERS: Mapping[str, float] = MappingProxyType({
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "half": 0.5, "a half": 0.5,
    "single": 1, "twenty-four": 24, "twenty four": 24, "forty-eight": 48,
})
#: Vague counts: the duration's number is unknown (TimeML ``X``).
VAGUE = frozenset({"several", "a few", "few", "many", "some", "the next few", "recent",
                   "a couple of", "couple of"})

#: Unit word → (TimeML duration letter, is a time unit, granularity).
UNITS: Mapping[str, tuple[str, bool, Granularity]] = MappingProxyType({
    "second": ("S", True, "minute"), "minute": ("M", True, "minute"),
    "hour": ("H", True, "hour"), "day": ("D", False, "day"), "week": ("W", False, "week"),
    "weekend": ("WE", False, "weekend"), "month": ("M", False, "month"),
    "quarter": ("Q", False, "quarter"), "year": ("Y", False, "year"),
    "decade": ("DE", False, "decade"), "century": ("CE", False, "century"),
})
_ORDINALS = MappingProxyType({
    "first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
    "last": 4, "final": 4})
_SEASONS = MappingProxyType({
    "spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"})
_PARTS = MappingProxyType({"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"})
_MODS = MappingProxyType({
    "early": "START", "earlier": "START", "beginning": "START", "start": "START",
    "mid": "MID", "middle": "MID", "late": "END", "later": "END", "end": "END",
    "close": "END"})
_APPROX = MappingProxyType({"about": "APPROX", "around": "APPROX", "nearly": "LESS_THAN",
           "almost": "LESS_THAN", "some": "APPROX", "roughly": "APPROX",
           "approximately": "APPROX", "more than": "MORE_THAN", "over": "MORE_THAN",
           "less than": "LESS_THAN", "under": "LESS_THAN", "at least": "EQUAL_OR_MORE",
           "up to": "EQUAL_OR_LESS", "at most": "EQUAL_OR_LESS", "fewer than": "LESS_THAN"})

# --- regex building blocks -----------------------------------------------------------------


def _alt(words: Iterable[str]) -> str:
    """An alternation, longest first, so "sept" wins over "sep"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_FULL_MONTHS = frozenset(w for w in MONTHS if len(w) > 4 or w in ("may", "june", "july"))
_MON = rf"(?:{_alt(_FULL_MONTHS & set(_MONTHS_EN))}|(?:{_alt(set(_MONTHS_EN) - _FULL_MONTHS)})\.?)"
_MON_ALL = rf"(?:{_alt(_FULL_MONTHS)}|(?:{_alt(set(MONTHS) - _FULL_MONTHS)})\.?)"
_WD = rf"(?:{_alt(w for w in _WEEKDAYS_EN if w.endswith('day'))}|" \
      rf"(?:{_alt(w for w in _WEEKDAYS_EN if not w.endswith('day'))})\.?)"
_WD_ALL = rf"(?:{_alt(WEEKDAYS)})"
_NUMW = rf"(?:\d+(?:\.\d+)?|{_alt(NUMBERS)}|{_alt(VAGUE)})"
_UNIT = rf"(?:{_alt(UNITS)}|centuries)s?"
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})"
_DAYN = r"(?:[012]?[0-9]|3[01])(?:st|nd|rd|th)?"
_MODP = r"(?:(?:the\s+)?(?:early|mid|late|beginning\s+of|start\s+of|middle\s+of|end\s+of)[\s-]+)"
_APPROXP = rf"(?:(?:{_alt(_APPROX)})\s+(?!the\s))"  # "over the past year": a signal
_B = r"(?<![\w$€£-])"
_E = r"(?![\w-]|,\d|\.\d)"

_F = re.IGNORECASE
#: (kind, pattern): one regex pass each; the longest match wins where they overlap. A
#: pattern with a group ``x`` matches context around the expression, which is ``x``.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(rf"{_B}(?P<y>{_YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)"
                       rf"(?:[T\s](?P<h>[0-2]\d):(?P<mi>[0-5]\d)(?::\d\d)?)?{_E}")),
    ("numeric", re.compile(rf"{_B}(?P<a>\d{{1,2}})[/.](?P<b>\d{{1,2}})[/.](?P<y>{_YEAR}){_E}")),
    ("mdy", re.compile(
        rf"{_B}(?P<app>{_APPROXP})?(?P<mod>{_MODP})?(?:(?P<wd>{_WD}),?\s+)?"
        rf"(?P<mon>{_MON})\s+(?P<d>{_DAYN})(?:\s?,?\s+(?P<y>{_YEAR}))?{_E}", _F)),
    ("dmy", re.compile(
        rf"{_B}(?:(?P<wd>{_WD_ALL}),?\s+)?(?P<d>{_DAYN})\.?\s+"
        rf"(?:de\s+|of\s+)?(?P<mon>{_MON_ALL})(?:\s?,?\s+(?:de\s+)?(?P<y>{_YEAR}))?{_E}", _F)),
    ("month", re.compile(
        rf"{_B}(?P<app>{_APPROXP})?(?P<mod>{_MODP})?(?P<rel>(?:this|last|next|past)\s+)?"
        rf"(?P<mon>{_MON_ALL})(?:\s?,?\s+(?:de\s+|of\s+)?(?P<y>{_YEAR})|"
        r"\s+(?:of\s+)?(?P<ry>this|last|next)\s+year)?(?![\w-]|,\d|\.\d)", _F)),
    ("year", re.compile(
        rf"{_B}(?P<app>{_APPROXP})?(?P<mod>{_MODP})?(?P<fy>fiscal\s+)?(?P<y>{_YEAR}){_E}",
        _F)),
    ("spoken", re.compile(
        r"(?<![\w-])(?P<c>nineteen|twenty)[\s-]+(?P<t>ten|eleven|twelve|thirteen|fourteen|"
        r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
        r"eighty|ninety|oh[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))"
        r"(?:[\s-]+(?P<u>one|two|three|four|five|six|seven|eight|nine))?(?![\w-])", _F)),
    ("century", re.compile(
        r"(?<![\w-])(?:the\s+)?(?P<mod>(?:early|mid|late)[\s-]+)?(?:(?P<o>[12]?\d)(?:st|nd|rd|th)|"
        r"(?P<w>eighteenth|nineteenth|twentieth|twenty-first))[\s-]+century(?![\w-])", _F)),
    ("decade", re.compile(
        rf"{_B}(?P<app>{_APPROXP})?(?P<mod>{_MODP})?(?:the\s+)?(?:(?P<y>1[0-9]{{2}}0|20[0-9]0)"
        r"|'?(?P<yy>[0-9]0))s(?![\w-])", _F)),
    ("quarter", re.compile(
        rf"{_B}(?:the\s+)?(?:(?P<y0>{_YEAR})\s+|fiscal[\s-]+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|final|last)"
        rf"[\s-]+(?P<unit>quarter|half)(?:\s+of\s+(?P<rel>this|last|next|the)?\s*"
        rf"(?P<y>{_YEAR}|year))?(?:\s+(?P<y2>{_YEAR}))?{_E}|"
        rf"{_B}(?P<q>Q[1-4]|H[12])(?:\s+(?P<y3>{_YEAR}))?{_E}", _F)),
    ("season", re.compile(
        rf"{_B}(?P<mod>{_MODP})?(?:(?P<rel>this|last|next|past)\s+)?"
        rf"(?P<s>spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(?P<y>{_YEAR}))?{_E}", _F)),
    ("time", re.compile(
        rf"{_B}(?:(?P<h>[01]?\d|2[0-3])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>[ap]\.?m\.?)"
        r"|(?P<h24>[01]\d|2[0-3]):?(?P<mi24>[0-5]\d)(?=\s*(?:UTC|GMT|h\b|Uhr))"
        rf"|(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)(?!:?\d)|(?P<noon>noon|midday|midnight))"
        r"(?P<tz>\s*(?:UTC|GMT|EST|EDT|CET|CEST|BST|Uhr|h\b))?"
        rf"(?:\s+(?:on\s+)?(?P<wd>{_WD})|\s+(?P<rel>today|tonight|yesterday|tomorrow))?{_E}",
        _F)),
    ("weekday", re.compile(
        rf"{_B}(?P<rel>(?:last|next|this|past|coming|este|el\s+próximo|"
        rf"el\s+pasado|vergangenen|nächsten|letzten)\s+)?(?P<wd>{_WD_ALL}|{_WD})"
        r"(?:\s+(?P<part>morning|afternoon|evening|night))?(?P<pl>s)?(?![\w-])", _F)),
    ("deictic", re.compile(
        r"(?<![\w-])(?P<mod>(?:early|late|earlier|later)\s+)?(?P<w>"
        r"the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|"
        r"today|tonight|yesterday|tomorrow|now|currently|nowadays|recently|lately|"
        r"soon|these\s+days|right\s+now|at\s+present|the\s+near\s+future|the\s+time\s+being|"
        r"current(?!\s+(?:account|affairs|events|prices|dollars|ratio|liabilities|assets))|"
        r"recent(?!\s+(?:days|weeks|months|years|decades|quarters))|"
        r"the\s+past|the\s+future|the\s+present|in\s+future|overnight|"
        r"vorgestern|übermorgen|gestern|heute|morgen|jetzt|derzeit|"
        r"anteayer|pasado\s+mañana|ayer|hoy|mañana|ahora|actualmente)"
        r"(?:\s+(?P<part>morning|afternoon|evening|night))?(?![\w-])", _F)),
    ("this", re.compile(
        r"(?<![\w-])(?P<mod>(?:(?:the\s+)?(?:early|earlier|late|later|beginning\s+of|end\s+of"
        r"|start\s+of|middle\s+of|mid)[\s-]+)|(?:the\s+)?(?:rest\s+of\s+))?"
        r"(?P<rel>this|(?:the\s+)?(?:last|next|previous|coming|current)|past|the\s+same|that|"
        r"(?:the\s+)?(?:following|prior|preceding)|the(?=\s+(?:week|month|year)\b))\s+"
        r"(?P<unit>week|weekend|month|quarter|year|decade|century|morning|afternoon|"
        r"evening|night)(?![\w-])", _F)),
    ("fin", re.compile(
        r"(?<![\w-])(?P<the>the\s+)?(?P<w>(?:(?:latest|current|year-ago|year-earlier|"
        r"fiscal|full|entire|whole|(?P<yr>1[0-9]{3}|20[0-9]{2}))(?:\s+fiscal)?[\s-]+"
        r"(?:quarter|period|year))|year-ago|year-earlier|quarter|weekend|year|day)"
        r"(?![\w-]|\s+\d)", _F)),
    ("deictic_xx", re.compile(
        r"(?<![\w-])(?P<w>la\s+semana\s+pasada|la\s+próxima\s+semana|el\s+año\s+pasado|"
        r"el\s+próximo\s+año|este\s+año|esta\s+semana|este\s+mes|el\s+mes\s+pasado|"
        r"letzte\s+Woche|nächste\s+Woche|diese\s+Woche|letztes\s+Jahr|nächstes\s+Jahr|"
        r"dieses\s+Jahr|letzten\s+Monat|nächsten\s+Monat|diesen\s+Monat|"
        r"vergangene\s+Woche|vergangenes\s+Jahr)(?![\w-])", _F)),
    ("ago", re.compile(
        rf"(?<![\w-])(?P<app>{_APPROXP})?(?P<n>{_NUMW})[\s-]+(?P<unit>{_UNIT})\s+"
        r"(?P<dir>ago|earlier|before|later|after|from\s+now|hence|previously)(?![\w-])", _F)),
    ("span", re.compile(
        rf"(?<![\w-])(?P<app>{_APPROXP})?(?P<rel>the\s+)?"
        r"(?P<dir>past|last|next|coming|previous|recent|first|final|"
        rf"following)\s+(?P<n>{_NUMW}\s+)?(?P<unit>{_UNIT})(?![\w-])", _F)),
    ("recent", re.compile(
        rf"(?<![\w-])(?P<dir>recent|coming)\s+(?P<unit>{_UNIT})(?![\w-])", _F)),
    ("duration", re.compile(
        rf"(?<![\w$€£/-])(?P<app>{_APPROXP})?(?P<n>{_NUMW})(?P<half>\s+and\s+a\s+half|\s+1/2)?"
        r"[\s-]+"
        rf"(?P<unit>{_UNIT})(?P<old>-old|-long)?(?![\w-])", _F)),
    ("bare", re.compile(
        r"\b(?:for|over|in|within|after|took|take|takes|lasted)\s+"
        r"(?P<x>years|months|weeks|days|decades|hours|minutes)(?![\w-])", _F)),
    ("set", re.compile(
        r"(?<![\w-])(?P<w>daily|weekly|monthly|annually|yearly|hourly|nightly|"
        r"annual|biannual)(?![\w-])|"
        rf"(?<![\w-])(?P<ev>every|each|per|a)\s+(?P<n>other\s+|{_NUMW}\s+)?"
        rf"(?P<unit>{_UNIT}|{_WD}|morning|evening|night|afternoon)(?![\w-])", _F)),
)

_PRIORITY = MappingProxyType({kind: i for i, (kind, _) in enumerate(PATTERNS)})

#: How far (characters) before and after a trigger word its patterns are run: wider than
#: the longest stretch an expression reaches on either side of its trigger ("the end of
#: the third | quarter", "June | 14, 2023").
_REACH = 30
_REACH_AFTER = 20
_YEAR_KINDS = frozenset({"iso", "numeric", "year", "decade", "quarter", "time", "season",
                         "month"})
_DECADE_KINDS = frozenset({"decade"})
_CLOCK_KINDS = frozenset({"time", "numeric", "iso"})


def _trigger_table() -> Mapping[str, frozenset[str]]:
    """Trigger word → the pattern kinds that can contain it."""
    table: dict[str, set[str]] = {}

    def add(words: Iterable[str], kinds: Iterable[str]) -> None:
        for w in words:
            table.setdefault(w, set()).update(kinds)

    add(MONTHS, ("mdy", "dmy", "month"))
    add(WEEKDAYS, ("weekday", "mdy", "dmy", "time", "set"))
    singular = [u for u in UNITS if u != "second"]  # "second" is mostly an ordinal
    add(singular, ("ago", "span", "duration", "set"))
    add(("week", "weekend", "month", "quarter", "year", "decade", "century"), ("this",))
    add(("year", "quarter", "weekend", "period", "day"), ("fin",))
    add(("quarter",), ("quarter",))
    add((*(u + "s" for u in UNITS), "centuries"), ("ago", "span", "recent", "duration",
                                                   "bare", "set"))
    add(_PARTS, ("this", "weekday", "deictic", "set"))
    add((*_PARTS, *(p + "s" for p in _PARTS)), ("weekday",))
    add(("half", "q1", "q2", "q3", "q4", "h1", "h2"), ("quarter",))
    add(_SEASONS, ("season",))
    add(("nineteen", "twenty"), ("spoken",))
    add(("century",), ("century",))
    add(_SET_WORDS, ("set",))
    add(("noon", "midday", "midnight", "utc", "gmt", "uhr"), ("time",))
    add(("today", "tonight", "yesterday", "tomorrow"), ("deictic", "time"))
    add(("now", "currently", "nowadays", "recently", "lately", "soon", "days", "present",
         "past", "future", "overnight", "current", "recent", "ongoing", "being",
         "vorgestern", "übermorgen", "gestern", "heute", "morgen", "jetzt", "derzeit",
         "anteayer", "mañana", "ayer", "hoy", "ahora", "actualmente"), ("deictic",))
    add(("woche", "jahr", "monat", "semana", "año", "mes"), ("deictic_xx",))
    return MappingProxyType({w: frozenset(k) for w, k in table.items()})

#: Tense cues near an expression: the nearest one wins.
_CUES = re.compile(
    r"(?<![\w'])(?P<fut>will|'ll|shall|is\s+expected|are\s+expected|expects?|plans?\s+to|"
    r"is\s+due|are\s+due|scheduled|going\s+to|(?:is|are)\s+to\s+be|upcoming|payable|"
    r"expires?|until|(?:is|are)\s+set\s+to|due\s+to\s+(?!the\b)|"
    r"wird|werden|soll|va\s+a|van\s+a|será|serán)(?![\w'])"
    r"|(?<![\w'])(?<!\bbe\s)(?<!\bbeen\s)(?<!\bbeing\s)(?<!\bis\s)(?<!\bare\s)(?<!\bun)"
    r"(?P<past>said|says|was|were|had|did|announced|\w{3,}(?<!e)(?<!hundr)ed|told|"
    r"went|came|made|took|"
    r"gave|met|left|held|began|spoke|wrote|saw|got|found|became|fell|rose|won|lost|paid|"
    r"sent|sold|struck|thought|brought|bought|kept|led|ran|sought|fought|knew|felt|"
    r"(?:re|over|under)?took|(?:re)?built|blew|broke|chose|drew|drove|flew|fled|froze|"
    r"grew|heard|overran|shot|shook|sank|spent|stood|stole|swept|threw|withdrew|wore|"
    r"tore|hung|dug|meant|"
    r"hat|haben|hatte|war|wurde|dijo|fue|ha|han)(?![\w'])", re.IGNORECASE)

#: "would" makes a weekday a coming one ("would travel on Thursday"), not a month.
_WOULD = re.compile(r"\bwould\b", re.IGNORECASE)

#: Cues further away than this (characters) belong to another clause: no tense then.
_CUE_REACH = 60

#: Given names and titles that make "May" a name, not a month.
_NAME_BEFORE = re.compile(
    r"(?:\b(?:Theresa|Brian|Mrs|Ms|Mr|Dr|Prime\s+Minister|Minister|Elaine|Karin)\.?\s+)$")
_MARCH_VERB = re.compile(r"(?:\b(?:a|the|to|will|would|protesters|they|we|people|'ll|did)"
                         r"\s+)$", re.IGNORECASE)
_NOT_AFTER = re.compile(r"^\s*(?:Times|Telegraph|Mirror|Express|Herald|Post|Star|"
                        r"Tribune|Morning|School|Service)\b")


@dataclass(frozen=True, slots=True)
class _Norm:
    """What a normaliser gives back: everything of a Timex but its span."""

    type: TimexType
    value: str | None
    granularity: Granularity
    mod: str | None = None
    anchored: bool = False
    earliest: str | None = None
    latest: str | None = None
    note: str | None = None


# --- the public function -------------------------------------------------------------------


def find_timexes(doc: Doc, published: date | datetime | None) -> list[Timex]:
    """Time expressions in ``doc``, in text order, normalised against ``published``."""
    text = text_of(doc)  # (doc.text is rebuilt from the tokens on every access)
    if not text.strip():
        return []
    dct = published.date() if isinstance(published, datetime) else published
    sent_starts = _sentence_starts(doc)
    sent_ends = [*sent_starts[1:], len(text)]
    found: list[Timex] = []
    taken: list[tuple[int, int]] = []
    for start, end, kind, match in _candidates(text, doc.lang_):
        if any(s < end and start < e for s, e in taken):
            continue
        si = max(0, bisect_right(sent_starts, start) - 1)
        context = _Context(text, sent_starts[si], sent_ends[si], start, end, dct)
        try:
            norm = NORMALISERS[kind](match, context)
        except (ValueError, OverflowError) as exc:
            # "31 February": a date in form, not in the calendar; say so rather than guess
            norm = _Norm("DATE", None, "day", note=f"invalid date: {exc}")
        if norm is None:
            continue  # a shorter candidate inside may still be one
        taken.append((start, end))
        found.append(Timex(start, end, text[start:end], si, norm.type, norm.value,
                           norm.granularity, norm.mod, norm.anchored, norm.earliest,
                           norm.latest, norm.note))
    found.sort(key=lambda t: t.start)
    return _narrative(found)


#: The note on "the day" until a day named earlier in the text replaces the publication date.
_THE_DAY = "the day of publication: no day named before it"
_NARRATIVE = re.compile(r"^(?:the\s+)?(?P<rel>that|same|following|prior|preceding|previous)"
                        r"\s+(?P<unit>year|month)$", re.IGNORECASE)


def _narrative(found: list[Timex]) -> list[Timex]:
    """"that year", "the following month": resolved against the closest date before them in
    the text (story time), not the publication date; left without a value if there is none.
    "The day" ("stocks ended the day higher") is the last day named before it, if any.
    """
    out: list[Timex] = []
    last: tuple[int, int | None] | None = None  # (year, month) of the latest absolute date
    last_day: str | None = None
    for t in found:
        m = _NARRATIVE.match(t.text) if t.value is None and t.note == "anchor unclear" else None
        if m is not None and last is not None:
            step = {"following": 1, "prior": -1, "preceding": -1, "previous": -1}.get(
                m["rel"].lower(), 0)
            year, month = last
            if m["unit"].lower() == "year":
                value, lo, hi = str(year + step), f"{year + step}-01-01", f"{year + step}-12-31"
            elif month is not None:
                y, mo = _shift_month(year, month, step)
                value, (lo, hi) = f"{y}-{mo:02d}", _month_bounds(y, mo)
            else:
                out.append(t)
                continue
            t = Timex(t.start, t.end, t.text, t.sentence, t.type, value, t.granularity, t.mod,
                      False, lo, hi, "anchored to the date before it in the text")
        elif t.note == _THE_DAY and last_day is not None:
            t = Timex(t.start, t.end, t.text, t.sentence, t.type, last_day, t.granularity,
                      t.mod, False, last_day, last_day, "the day named before it in the text")
        elif t.type == "DATE" and t.value and t.value[:4].isdigit():
            month = int(t.value[5:7]) if t.value[5:7].isdigit() else None
            last = (int(t.value[:4]), month)
            if len(t.value) == 10 and t.note != _THE_DAY:
                last_day = t.value
        out.append(t)
    return out


def _sentence_starts(doc: Doc) -> list[int]:
    """Character offsets where ``doc.sents`` begin, read off two arrays (iterating spans
    costs more than the whole regex work); [0] for a doc without sentence boundaries."""
    if len(doc) < 2:
        return [0]
    starts = doc.to_array("SENT_START")[1:]
    offsets = doc.to_array("IDX")[1:]
    return [0, *offsets[starts == 1].tolist()]


def _candidates(text: str, lang: str = "en") -> list[tuple[int, int, str, re.Match[str]]]:
    """Pattern matches near trigger words, longest first (the earlier pattern on ties).

    Running every pattern over the whole text costs a pass each; instead one pass finds the
    words an expression must contain (a month, a unit, "yesterday", a year…), and only the
    patterns that word can start are run, on a window around it.
    """
    windows: dict[str, list[tuple[int, int]]] = {}
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lower-case to two: keep offsets
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    size = len(text)
    for t in _trigger_matches(lowered, lang):
        word = t.group()
        kinds = _TRIGGER_KINDS.get(word)
        if kinds is None:
            kinds = _number_kinds(word, lowered, t.end())
            if kinds is None:
                continue
        lo = lowered.rfind(" ", 0, max(0, t.start() - _REACH)) + 1
        hi = lowered.find(" ", min(size, t.end() + _REACH_AFTER))
        hi = size if hi < 0 else hi
        for kind in kinds:
            spans = windows.setdefault(kind, [])
            if spans and lo <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
            else:
                spans.append((lo, hi))
    raw: list[tuple[int, int, int, str, re.Match[str]]] = []
    for kind, pattern in PATTERNS:
        only = "x" in pattern.groupindex  # the expression is group x, the rest is context
        for lo, hi in windows.get(kind, ()):
            for m in pattern.finditer(text, lo, hi):
                start, end = m.span("x") if only else m.span()
                if end > start:
                    raw.append((start, end - start, _PRIORITY[kind], kind, m))
    raw.sort(key=lambda r: (-r[1], r[2], r[0]))
    return [(start, start + length, kind, m) for start, length, _, kind, m in raw]


# --- context: tense and anchor -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    text: str
    sent_start: int
    sent_end: int
    start: int
    end: int
    dct: date | None

    def before(self, n: int = 40) -> str:
        return self.text[max(self.sent_start, self.start - n):self.start]

    def after(self, n: int = 40) -> str:
        return self.text[self.end:min(self.sent_end, self.end + n)]

    def tense(self) -> str:
        """'future', 'past' or '' from the nearest verb cue in the sentence."""
        best = ("", 10**9)
        sentence = self.text[self.sent_start:self.sent_end]
        for m in _CUES.finditer(sentence):
            at = m.start() + self.sent_start
            if self.start <= at < self.end:
                continue
            word = m.group()
            if at < self.start:
                dist = self.start - m.end() - self.sent_start
            elif word.lower().endswith("ed") and m.group("past"):
                continue  # after the expression an -ed word is as often an adjective
            else:
                dist = at - self.end + 15  # cues before weigh a little more
            if dist < best[1] and dist <= _CUE_REACH:
                best = ("future" if m.group("fut") else "past", dist)
        return best[0]


def _relative(type_: TimexType, gran: Granularity, ctx: _Context,
              compute: Callable[[date], tuple[str, str | None, str | None]],
              mod: str | None = None) -> _Norm:
    """A relative expression: computed from the publication date, or unanchored."""
    if ctx.dct is None:
        return _Norm(type_, None, gran, mod, False, note="no publication date")
    value, lo, hi = compute(ctx.dct)
    return _Norm(type_, value, gran, mod, True, lo, hi)


# --- calendar helpers ----------------------------------------------------------------------


def _valid_year(y: int) -> bool:
    return 1000 <= y <= 2099


def _month_bounds(y: int, m: int) -> tuple[str, str]:
    return date(y, m, 1).isoformat(), date(y, m, calendar.monthrange(y, m)[1]).isoformat()


def _week_value(d: date) -> str:
    iso = d.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def _week_bounds(d: date) -> tuple[str, str]:
    monday = d - timedelta(days=d.weekday())
    return monday.isoformat(), (monday + timedelta(days=6)).isoformat()


def _shift_month(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _mod_bounds(lo: str, hi: str, mod: str | None) -> tuple[str, str]:
    """Narrow a range to its first, middle or last third for START, MID, END."""
    if mod not in ("START", "MID", "END"):
        return lo, hi
    a, b = date.fromisoformat(lo), date.fromisoformat(hi)
    third = (b - a).days // 3
    if mod == "START":
        return lo, (a + timedelta(days=third)).isoformat()
    if mod == "MID":
        return (a + timedelta(days=third)).isoformat(), (b - timedelta(days=third)).isoformat()
    return (b - timedelta(days=third)).isoformat(), hi


def _mod_of(raw: str | None) -> str | None:
    if not raw:
        return None
    low = raw.lower()
    for word, mod in _MODS.items():
        if word in low:
            return mod
    return None


def narrowed(lo: str, hi: str, words: str | None) -> tuple[str, str]:
    """A value's range narrowed by the edge its words name ("early June" is the first
    third of June): for callers that keep a value and its words, not the expression."""
    return _mod_bounds(lo, hi, _mod_of(words))


def _approx_of(raw: str | None) -> str | None:
    if not raw:
        return None
    return _APPROX.get(" ".join(raw.lower().split()))


def _number(raw: str | None) -> float | None:
    """A count: 3, "three", "a" → 1; None for vague counts ("several")."""
    if raw is None:
        return 1
    low = " ".join(raw.lower().replace("-", " ").split())
    if low in VAGUE:
        return None
    if low in NUMBERS:
        return NUMBERS[low]
    hyph = raw.lower().replace(" ", "-")
    if hyph in NUMBERS:
        return NUMBERS[hyph]
    try:
        return float(low)
    except ValueError:
        return None


def _unit(raw: str) -> tuple[str, bool, Granularity]:
    low = raw.lower()
    if low == "centuries":
        return UNITS["century"]
    if low.endswith("s") and low[:-1] in UNITS:
        low = low[:-1]
    return UNITS[low]


#: A half of a unit, in the next smaller one: "2 1/2 years" is P2Y6M.
_HALVES = MappingProxyType({
    "Y": "6M", "M": "15D", "D": "T12H", "W": "3DT12H", "H": "30M", "M_T": "30S"})


def _duration(n: float | None, unit: str) -> str:
    letter, is_time, _ = _unit(unit)
    if n is not None and n != int(n) and n * 2 == int(n * 2) and n > 1 and letter in _HALVES:
        half = _HALVES["M_T" if is_time and letter == "M" else letter]
        whole = f"{int(n)}{letter}"
        return f"PT{whole}{half}" if is_time else f"P{whole}{half}"
    count = "X" if n is None else (str(int(n)) if float(n).is_integer() else str(n))
    if letter == "DE":
        return f"P{count if n is None else int(n * 10)}Y" if n is not None else "PXY"
    if letter == "CE":
        return f"P{int(n * 100)}Y" if n is not None else "PXY"
    return f"PT{count}{letter}" if is_time else f"P{count}{letter}"


def _month_year(m: int, ctx: _Context) -> int | None:
    """The year of a month named without one: by tense, else the nearest such month."""
    if ctx.dct is None:
        return None
    y, pm = ctx.dct.year, ctx.dct.month
    tense = ctx.tense()
    if tense == "future":
        return y if m >= pm else y + 1
    if tense == "past":
        return y if m <= pm else y - 1
    return min((y - 1, y, y + 1), key=lambda c: abs((c * 12 + m) - (y * 12 + pm)))


def _weekday_date(wd: int, ctx: _Context, rel: str) -> date | None:
    assert ctx.dct is not None
    dct = ctx.dct
    rel = rel.lower()
    explicit = rel in ("next", "coming", "nächsten", "el próximo")
    future = explicit or (
        rel not in ("last", "past", "vergangenen", "letzten", "el pasado")
        and not ctx.after(3).startswith("'s")  # "Wednesday's ruling": a past event
        and (ctx.tense() == "future" or _WOULD.search(ctx.before(40)) is not None))
    if future:
        # "next Friday": the coming one, as in news; "will close on Friday" written on a
        # Friday: that day
        ahead = (wd - dct.weekday()) % 7 or (7 if explicit else 0)
        return dct + timedelta(days=ahead)
    back = (dct.weekday() - wd) % 7
    if rel in ("last", "past", "vergangenen", "letzten") and back == 0:
        back = 7
    return dct - timedelta(days=back)


# --- normalisers, one per pattern kind -----------------------------------------------------


def _is_month_word(m: re.Match[str], ctx: _Context, group: str = "mon") -> bool:
    """Rule out "May" the name, "March" the verb or noun, and lower-case English months."""
    word = m.group(group)
    low = word.rstrip(".").lower()
    if word[0].islower() and low in _MONTHS_EN and low not in _MONTHS_ES and \
            low not in _MONTHS_DE:
        return False
    if word.isupper() and len(word) > 1 and not ctx.text[ctx.sent_start:ctx.sent_end].isupper():
        return False
    begin = m.start(group)
    before = ctx.text[max(ctx.sent_start, begin - 30):begin]
    after = ctx.text[m.end(group):m.end(group) + 20]
    if low == "may":
        if _NAME_BEFORE.search(before) or (re.match(r"^\s+[A-Z][a-z]+", after) and not \
                re.match(r"^\s+(?:Day|of)\b", after)):
            return _g(m, "y") is not None
        if re.search(r"\b(?:I|we|you|they|he|she|it|which|who|that)\s+$", before, re.I):
            return False
        if not _g(m, "y") and re.search(r"(?:^|\W)\s*$", before) and \
                re.match(r"^\s+(?:be|have|not|also|well|still|need|take|go|see|want)\b",
                         after, re.I):
            return False
    if low in ("march", "mar") and (_MARCH_VERB.search(before) or
                                    (re.match(r"^\s+(?:on|to|through|against|in\s+the)\b",
                                             after, re.I) and not _g(m, "y"))):
        return low == "march" and bool(re.match(r"^\s+\d", after))
    if low in ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
               "dec") and not word.endswith(".") and not re.match(r"^\s*\d", after):
        return False
    return not _NOT_AFTER.match(after)


def _g(m: re.Match[str], name: str) -> str | None:
    """Group ``name``, or None when the pattern has no such group (normalisers are shared)."""
    return m.group(name) if name in m.re.groupindex else None


def _norm_iso(m: re.Match[str], ctx: _Context) -> _Norm | None:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    day = date(y, mo, d)
    if m["h"]:
        return _Norm("TIME", f"{day.isoformat()}T{m['h']}:{m['mi']}", "minute",
                     earliest=day.isoformat(), latest=day.isoformat())
    return _Norm("DATE", day.isoformat(), "day", earliest=day.isoformat(),
                 latest=day.isoformat())


def _norm_numeric(m: re.Match[str], ctx: _Context) -> _Norm | None:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    # 06/14/2023 is American; 14/06/2023 and 14.06.2023 are not; a first number above 12
    # settles it, otherwise English reads month first.
    month, day_n = (b, a) if a > 12 or "." in m.group(0) else (a, b)
    day = date(y, month, day_n)
    return _Norm("DATE", day.isoformat(), "day", earliest=day.isoformat(),
                 latest=day.isoformat())


def _day(raw: str) -> int:
    return int(re.sub(r"\D", "", raw))


def _norm_mdy(m: re.Match[str], ctx: _Context) -> _Norm | None:
    if not _is_month_word(m, ctx):
        return None
    month = MONTHS[m["mon"].rstrip(".").lower()]
    d = _day(m["d"])
    mod = _mod_of(_g(m, "mod")) or _approx_of(_g(m, "app"))
    if _g(m, "y"):
        day = date(int(m["y"]), month, d)
        return _Norm("DATE", day.isoformat(), "day", mod, earliest=day.isoformat(),
                     latest=day.isoformat())
    if ctx.dct is None:
        date(2000, month, d)  # still reject 31 February
        return _Norm("DATE", None, "day", mod, note="no publication date")
    year = _month_year(month, ctx)
    assert year is not None
    day = date(year, month, d)
    return _Norm("DATE", day.isoformat(), "day", mod, True, day.isoformat(), day.isoformat())


def _norm_dmy(m: re.Match[str], ctx: _Context) -> _Norm | None:
    word = m["mon"].rstrip(".").lower()
    if word in ("may", "march", "mar") and not _g(m, "y") and not re.search(r"\d", m["d"]):
        return None
    return _norm_mdy(m, ctx)


def _norm_month(m: re.Match[str], ctx: _Context) -> _Norm | None:
    if not _is_month_word(m, ctx):
        return None
    month = MONTHS[m["mon"].rstrip(".").lower()]
    mod = _mod_of(_g(m, "mod")) or _approx_of(_g(m, "app"))
    rel = (m["rel"] or "").strip().lower()
    if m["ry"] and ctx.dct is not None:
        y = ctx.dct.year + {"this": 0, "last": -1, "next": 1}[m["ry"].lower()]
        lo, hi = _mod_bounds(*_month_bounds(y, month), mod)
        return _Norm("DATE", f"{y}-{month:02d}", "month", mod, True, lo, hi)
    if _g(m, "y"):
        y = int(m["y"])
        lo, hi = _mod_bounds(*_month_bounds(y, month), mod)
        return _Norm("DATE", f"{y}-{month:02d}", "month", mod, earliest=lo, latest=hi)
    if ctx.dct is None:
        return _Norm("DATE", None, "month", mod, note="no publication date")
    if rel in ("last", "past"):
        y = ctx.dct.year if month < ctx.dct.month else ctx.dct.year - 1
    elif rel == "next":
        y = ctx.dct.year if month > ctx.dct.month else ctx.dct.year + 1
    elif rel == "this":
        y = ctx.dct.year
    else:
        y = _month_year(month, ctx) or ctx.dct.year
    lo, hi = _mod_bounds(*_month_bounds(y, month), mod)
    return _Norm("DATE", f"{y}-{month:02d}", "month", mod, True, lo, hi)


#: Counted things that can follow a number: a year is followed by these only as a quantity.
_QUANTITY = re.compile(
    r"^\s+(?:people|troops|soldiers|workers|jobs|men|women|children|students|units|cars|"
    r"shares|employees|points|votes|residents|members|copies|acres|tons|tonnes|barrels|"
    r"miles|kilometers|kilometres|feet|meters|metres|pounds|dollars|euros|cases|deaths|"
    r"homes|houses|vehicles|flights|passengers|officers|police|refugees|protesters)\b")
#: Any plural noun after a number, but for words that end in s without being plurals, and
#: plurals a year often qualifies ("2008 elections", "1998 sales").
_PLURAL_AFTER = re.compile(
    r"^\s+(?!(?:was|has|is|as|its|this|his|hers|does|goes|says|plus|thus|us|less|unless|"
    r"across|towards|always|perhaps|whereas|besides|news|series|sales|earnings|results|"
    r"levels|prices|rates|highs|lows|elections|games|olympics|finals|talks|accords)\b)"
    r"[a-z]{2,}s\b")


def _norm_year(m: re.Match[str], ctx: _Context) -> _Norm | None:
    y = int(m["y"])
    after = ctx.after(30)
    before = ctx.before(12)
    # "2000 people" is a crowd; "the 1992 protests" a date: a plural after a number
    # rules out a year only when the number is an unlikely year for the story
    likely = 1900 <= y <= (ctx.dct.year if ctx.dct else 2030) + 5
    if _QUANTITY.match(after) or (not likely and _PLURAL_AFTER.match(after)) or \
            re.search(r"(?:[$€£#]|No\.|number)\s*$", before, re.I):
        return None
    if re.match(r"^\s*(?:%|percent|per\s+cent|am|pm|a\.m|p\.m|GMT|UTC|hours|:)", after, re.I):
        return None
    if re.search(r"\d[\s,.-]*$", before) or re.match(r"^\s*-\s*\d", after):
        return None  # scores, ranges of amounts, phone numbers
    if y < 1800 and not re.search(r"\b(?:in|since|of|from|by|until|year)\s+$", before, re.I):
        return None
    if ctx.dct is not None and y > ctx.dct.year + 50:
        return None
    # TimeML tags the year inside "the 2023 election" as a DATE (the gold data does too).
    mod = _mod_of(m["mod"]) or _approx_of(m["app"])
    lo, hi = _mod_bounds(f"{y}-01-01", f"{y}-12-31", mod)
    return _Norm("DATE", str(y), "year", mod, earliest=lo, latest=hi)


_SPOKEN = MappingProxyType({
    "oh": 0, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9})


def _norm_spoken(m: re.Match[str], ctx: _Context) -> _Norm | None:
    """Years read out in broadcast transcripts: "nineteen ninety-six" is 1996."""
    tens = m["t"].lower().split()
    rest = _SPOKEN[tens[0].split("-")[0]] + (_SPOKEN[tens[-1]] if len(tens) > 1 else 0)
    if m["u"]:
        if rest % 10 or rest < 20:
            return None  # "nineteen twelve five" is no year
        rest += _SPOKEN[m["u"].lower()]
    y = (19 if m["c"].lower() == "nineteen" else 20) * 100 + rest
    if _QUANTITY.match(ctx.after(30)) or _PLURAL_AFTER.match(ctx.after(30)) or (
            ctx.dct is not None and y > ctx.dct.year + 50):
        return None
    return _Norm("DATE", str(y), "year", None, False, f"{y}-01-01", f"{y}-12-31")


def _norm_century(m: re.Match[str], ctx: _Context) -> _Norm | None:
    """"the 20th century" is 19XX (its years start with 19)."""
    words = {"eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21}
    n = int(m["o"]) if m["o"] else words[m["w"].lower()]
    if not 1 <= n <= 21:
        return None
    c = n - 1
    mod = _mod_of(m["mod"])
    lo, hi = _mod_bounds(f"{max(c * 100, 1):04d}-01-01", f"{c * 100 + 99:04d}-12-31", mod)
    return _Norm("DATE", f"{c:02d}XX", "century", mod, False, lo, hi)


def _norm_decade(m: re.Match[str], ctx: _Context) -> _Norm | None:
    if m["y"]:
        y = int(m["y"])
    else:
        yy = int(m["yy"])
        y = (1900 if yy > 20 or ctx.dct is None or ctx.dct.year < 2000 else 2000) + yy
    mod = _mod_of(m["mod"]) or _approx_of(m["app"])
    if y % 100 == 0 and m["y"]:
        cent = y // 100
        return _Norm("DATE", f"{cent}XX", "century", mod, earliest=f"{y}-01-01",
                     latest=f"{y + 99}-12-31")
    lo, hi = _mod_bounds(f"{y}-01-01", f"{y + 9}-12-31", mod)
    return _Norm("DATE", f"{y // 10}X", "decade", mod, earliest=lo, latest=hi)


def _norm_quarter(m: re.Match[str], ctx: _Context) -> _Norm | None:
    if m["q"]:
        code = m["q"].upper()
        unit = "half" if code[0] == "H" else "quarter"
        n = int(code[1])
        year_raw = m["y3"]
        rel = ""
    else:
        unit = m["unit"].lower()
        if unit == "half" and "-" in m[0] and not (m["y"] or m["y2"] or m["y0"] or m["rel"]):
            return None  # "a first-half strike": a match's half, not the year's
        n = _ORDINALS[m["ord"].lower()]
        if unit == "half" and n > 2:
            n = 2
        year_raw = m["y"] if m["y"] and m["y"].isdigit() else m["y2"] or m["y0"]
        rel = (m["rel"] or "").lower()
    letter = "H" if unit == "half" else "Q"
    gran: Granularity = "half" if unit == "half" else "quarter"
    months = 6 if unit == "half" else 3

    def bounds(y: int) -> tuple[str, str]:
        first = (n - 1) * months + 1
        return date(y, first, 1).isoformat(), _month_bounds(y, first + months - 1)[1]

    if year_raw:
        y = int(year_raw)
        return _Norm("DATE", f"{y}-{letter}{n}", gran, None, False, *bounds(y))
    if ctx.dct is None:
        return _Norm("DATE", None, gran, note="no publication date")
    y = ctx.dct.year + (-1 if rel == "last" else 1 if rel == "next" else 0)
    if not rel and unit == "quarter" and n > (ctx.dct.month - 1) // 3 + 1 \
            and ctx.tense() != "future":
        y -= 1
    return _Norm("DATE", f"{y}-{letter}{n}", gran, None, True, *bounds(y))


def _norm_season(m: re.Match[str], ctx: _Context) -> _Norm | None:
    word = m["s"].lower()
    if word == "fall" and not (m["rel"] or m["y"] or m["mod"]):
        return None  # "prices fall"
    if not (m["rel"] or m["y"] or m["mod"]) and not re.search(
            r"\b(?:in|this|the|by|until|since|during|over|last|next)\s+$", ctx.before(12), re.I):
        return None
    code = _SEASONS[word]
    mod = _mod_of(m["mod"])
    if m["y"]:
        return _Norm("DATE", f"{m['y']}-{code}", "season", mod, False,
                     *_mod_bounds(*_season_bounds(int(m["y"]), code), mod))
    if ctx.dct is None:
        return _Norm("DATE", None, "season", mod, note="no publication date")
    rel = (m["rel"] or "").lower()
    y = ctx.dct.year + (-1 if rel in ("last", "past") else 1 if rel == "next" else 0)
    return _Norm("DATE", f"{y}-{code}", "season", mod, True,
                 *_mod_bounds(*_season_bounds(y, code), mod))


def _season_bounds(y: int, code: str) -> tuple[str, str]:
    """Meteorological seasons of the northern hemisphere; winter runs into the next year."""
    first = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
    end_y, end_m = _shift_month(y, first, 2)
    return date(y, first, 1).isoformat(), _month_bounds(end_y, end_m)[1]


def _norm_time(m: re.Match[str], ctx: _Context) -> _Norm | None:
    if m["noon"]:
        word = m["noon"].lower()
        hour, minute = (24 if word == "midnight" else 12), 0
    elif m["h"] is not None:
        hour, minute = int(m["h"]), int(m["mi"] or 0)
        ap = m["ap"].lower()[0]
        if hour > 12:
            return None
        hour = hour % 12 + (12 if ap == "p" else 0)
    elif m["h24"] is not None:
        hour, minute = int(m["h24"]), int(m["mi24"])
    else:
        hour, minute = int(m["h2"]), int(m["mi2"])
        if re.match(r"^\s*-", ctx.after(3)) or re.search(r"\d[-:]\s*$", ctx.before(4)):
            return None
    tz = "Z" if m["tz"] and m["tz"].strip().upper() in ("UTC", "GMT") else ""
    clock = "T24" if hour == 24 else f"T{hour:02d}:{minute:02d}"
    if ctx.dct is None:
        return _Norm("TIME", None, "minute", note="no publication date")
    day = ctx.dct
    if m["wd"]:
        wd = _weekday_date(WEEKDAYS[m["wd"].rstrip(".").lower()], ctx, "")
        day = wd or day
    elif m["rel"]:
        day = day + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(m["rel"].lower(), 0))
    return _Norm("TIME", f"{day.isoformat()}{clock}{tz}", "minute", None, True,
                 day.isoformat(), day.isoformat())


_REL_WD = re.compile(r"^(?:last|past|vergangenen|letzten|el\s+pasado)$", re.I)


def _norm_weekday(m: re.Match[str], ctx: _Context) -> _Norm | None:
    word = m["wd"]
    low = word.rstrip(".").lower()
    if len(low) <= 4 and not word.endswith("."):
        return None  # "sat", "sun", "wed" alone are words or too ambiguous
    if word[0].islower() and low in _WEEKDAYS_EN:
        return None
    if _NOT_AFTER.match(ctx.after(20)) and not m["part"]:
        return None  # "Sunday Times"
    if re.match(r"^\s+(?:[A-Z][a-z]+\s+)?(?:Times|Telegraph|Mirror|Post)\b", ctx.after(30)):
        return None
    wd = WEEKDAYS[low]
    rel = " ".join((m["rel"] or "").split())
    part = m["part"]
    if m["pl"]:
        if part:
            return _Norm("SET", f"XXXX-WXX-{wd + 1}T{_PARTS[part.lower()]}", "set")
        return _Norm("SET", f"XXXX-WXX-{wd + 1}", "set")
    if ctx.dct is None:
        return _Norm("TIME" if part else "DATE", None, "part-of-day" if part else "day",
                     note="no publication date")
    day = _weekday_date(wd, ctx, rel if _REL_WD.match(rel) or rel.lower() in (
        "next", "coming", "nächsten", "el próximo") else "")
    assert day is not None
    if part:
        return _Norm("TIME", f"{day.isoformat()}T{_PARTS[part.lower()]}", "part-of-day", None,
                     True, day.isoformat(), day.isoformat())
    return _Norm("DATE", day.isoformat(), "day", None, True, day.isoformat(), day.isoformat())


_DEICTIC_DAYS = MappingProxyType({
    "today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
    "the day after tomorrow": 2, "heute": 0, "gestern": -1, "morgen": 1, "vorgestern": -2,
    "übermorgen": 2, "hoy": 0, "ayer": -1, "mañana": 1, "anteayer": -2, "pasado mañana": 2,
})
_REFS = MappingProxyType({
    "now": "PRESENT_REF", "currently": "PRESENT_REF", "nowadays": "PRESENT_REF",
    "these days": "PRESENT_REF", "right now": "PRESENT_REF", "at present": "PRESENT_REF",
    "the present": "PRESENT_REF", "jetzt": "PRESENT_REF", "derzeit": "PRESENT_REF",
    "ahora": "PRESENT_REF", "actualmente": "PRESENT_REF", "recently": "PAST_REF",
    "lately": "PAST_REF", "previously": "PAST_REF", "formerly": "PAST_REF",
    "the past": "PAST_REF", "soon": "FUTURE_REF", "the future": "FUTURE_REF",
    "current": "PRESENT_REF", "recent": "PAST_REF", "ongoing": "PRESENT_REF",
    "the near future": "FUTURE_REF", "the time being": "PRESENT_REF",
    "in future": "FUTURE_REF",
})


def _norm_deictic(m: re.Match[str], ctx: _Context) -> _Norm | None:
    word = " ".join(m["w"].split())
    low = word.lower()
    if low == "morgen" and word[0].isupper() and ctx.start > ctx.sent_start:
        return None  # "Morgen" the noun: morning
    if low == "mañana" and re.search(r"\b(?:la|esta|por|de)\s+$", ctx.before(8), re.I):
        return None  # "la mañana": the morning
    mod = _mod_of(m["mod"])
    if low in _REFS:
        if mod:
            return None
        value = _REFS[low]
        if ctx.dct is None:
            return _Norm("DATE", value, "unknown", note="no publication date")
        if value == "PAST_REF" and low in ("recently", "lately"):
            lo = (ctx.dct - timedelta(days=30)).isoformat()
            return _Norm("DATE", value, "unknown", None, True, lo, ctx.dct.isoformat())
        return _Norm("DATE", value, "unknown", None, True)
    if low == "overnight":
        return _relative("TIME", "part-of-day", ctx, lambda d: (
            f"{(d - timedelta(days=1)).isoformat()}TNI", None, None))
    offset = _DEICTIC_DAYS[low]
    part = m["part"]
    if low == "tonight":
        part = "night"
    if part:
        code = _PARTS[part.lower()]
        return _relative("TIME", "part-of-day", ctx, lambda d: (
            f"{(d + timedelta(days=offset)).isoformat()}T{code}",
            (d + timedelta(days=offset)).isoformat(),
            (d + timedelta(days=offset)).isoformat()), mod)

    def compute(d: date) -> tuple[str, str, str]:
        day = (d + timedelta(days=offset)).isoformat()
        return day, day, day
    return _relative("DATE", "day", ctx, compute, mod)


def _norm_this(m: re.Match[str], ctx: _Context) -> _Norm | None:
    rel = " ".join(m["rel"].lower().split()).removeprefix("the ")
    unit = m["unit"].lower()
    raw_mod = (m["mod"] or "").lower()
    if rel == "the" and not any(edge in raw_mod for edge in ("end", "beginning", "start",
                                                             "middle")):
        return None  # "the week before" is no date; "the end of the week" is this week's end
    mod = _mod_of(raw_mod) if "rest" not in raw_mod else None
    if rel in ("that", "the same", "following", "the following", "prior", "the prior",
               "preceding", "the preceding"):
        return _Norm("DATE", None, _unit(unit)[2] if unit in UNITS else "part-of-day", mod,
                     note="anchor unclear")
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(rel, 0)
    if unit in _PARTS:
        if ctx.dct is None:
            return _Norm("TIME", None, "part-of-day", mod, note="no publication date")
        day = ctx.dct + timedelta(days=step)
        return _Norm("TIME", f"{day.isoformat()}T{_PARTS[unit]}", "part-of-day", mod, True,
                     day.isoformat(), day.isoformat())
    gran = _unit(unit)[2]
    if ctx.dct is None:
        return _Norm("DATE", None, gran, mod, note="no publication date")
    d = ctx.dct
    if unit == "week":
        w = d + timedelta(weeks=step)
        lo, hi = _week_bounds(w)
        value = _week_value(w)
    elif unit == "weekend":
        w = d + timedelta(weeks=step)
        iso = w.isocalendar()
        sat = w - timedelta(days=w.weekday()) + timedelta(days=5)
        lo, hi = sat.isoformat(), (sat + timedelta(days=1)).isoformat()
        value = f"{iso[0]}-W{iso[1]:02d}-WE"
    elif unit == "month":
        y, mo = _shift_month(d.year, d.month, step)
        lo, hi = _month_bounds(y, mo)
        value = f"{y}-{mo:02d}"
    elif unit == "quarter":
        q = (d.month - 1) // 3 + step
        y = d.year + q // 4
        q = q % 4
        lo = date(y, q * 3 + 1, 1).isoformat()
        hi = _month_bounds(y, q * 3 + 3)[1]
        value = f"{y}-Q{q + 1}"
    elif unit == "year":
        y = d.year + step
        lo, hi = f"{y}-01-01", f"{y}-12-31"
        value = str(y)
    elif unit == "decade":
        y = (d.year // 10 + step) * 10
        lo, hi = f"{y}-01-01", f"{y + 9}-12-31"
        value = f"{y // 10}X"
    else:
        c = d.year // 100 + step
        lo, hi = f"{c * 100}-01-01", f"{c * 100 + 99}-12-31"
        value = f"{c}XX"
    if mod in ("START", "MID", "END"):
        lo, hi = _mod_bounds(lo, hi, mod)
    if raw_mod.startswith("earlier"):
        hi = min(hi, d.isoformat())
    elif raw_mod.startswith("later"):
        lo = max(lo, d.isoformat())
    return _Norm("DATE", value, gran, mod, True, lo, hi)


_XX_WORDS = MappingProxyType({
    "la semana pasada": ("week", -1), "la próxima semana": ("week", 1),
    "el año pasado": ("year", -1), "el próximo año": ("year", 1), "este año": ("year", 0),
    "esta semana": ("week", 0), "este mes": ("month", 0), "el mes pasado": ("month", -1),
    "letzte woche": ("week", -1), "nächste woche": ("week", 1), "diese woche": ("week", 0),
    "letztes jahr": ("year", -1), "nächstes jahr": ("year", 1), "dieses jahr": ("year", 0),
    "letzten monat": ("month", -1), "nächsten monat": ("month", 1),
    "diesen monat": ("month", 0), "vergangene woche": ("week", -1),
    "vergangenes jahr": ("year", -1),
})


def _reporting_quarter(d: date) -> tuple[int, int]:
    """The quarter a business story published on ``d`` reports on: the one that ended last,
    give or take the weeks results take to come out."""
    back = d - timedelta(days=45)
    return back.year, (back.month - 1) // 3 + 1


def _quarter_norm(y: int, q: int, anchored: bool = True) -> _Norm:
    return _Norm("DATE", f"{y}-Q{q}", "quarter", None, anchored,
                 date(y, q * 3 - 2, 1).isoformat(), _month_bounds(y, q * 3)[1])


def _norm_fin(m: re.Match[str], ctx: _Context) -> _Norm | None:
    """Business-report phrases: "the quarter", "the year-ago period", "the weekend"."""
    w = " ".join(m["w"].lower().replace("-", " ").split())
    last = w.split()[-1]
    if not m["the"] and last in ("quarter", "weekend", "year", "period", "day") and \
            not w.startswith(("year ago", "year earlier")):
        return None
    if ctx.dct is None:
        return _Norm("DATE", None, "unknown", note="no publication date")
    d = ctx.dct
    if w == "day":
        # "stocks ended the day higher": the day of the report; not "the day before", "the
        # day of the vote", "the day (that) he left"
        if re.match(r"\s*(?:before|after|of|when|that|which|on|he|she|they|it|we|I)\b",
                    ctx.after(12)):
            return None
        return _Norm("DATE", d.isoformat(), "day", None, True, d.isoformat(), d.isoformat(),
                     _THE_DAY)
    if w == "weekend":
        past = ctx.tense() != "future"
        sat = d - timedelta(days=d.weekday()) + timedelta(days=5)
        if past and sat > d:
            sat -= timedelta(weeks=1)
        iso = sat.isocalendar()
        return _Norm("DATE", f"{iso[0]}-W{iso[1]:02d}-WE", "weekend", None, True,
                     sat.isoformat(), (sat + timedelta(days=1)).isoformat())
    y, q = _reporting_quarter(d)
    if m["yr"]:
        if last == "year":
            return None  # "the 2023 year": leave it to the year pattern
        return _quarter_norm(int(m["yr"]), q)  # "the 1988 quarter": the same quarter then
    if w.startswith(("year ago", "year earlier")):
        if last in ("quarter", "period") or "quarter" in ctx.text:
            return _quarter_norm(y - 1, q)
        return _Norm("DATE", str(d.year - 1), "year", None, True, f"{d.year - 1}-01-01",
                     f"{d.year - 1}-12-31")
    if last in ("quarter", "period"):
        if last == "period" and "quarter" not in ctx.text:
            return None
        return _quarter_norm(y, q)
    if w == "year":
        return _Norm("DURATION", "P1Y", "duration")  # "the year": TimeML mostly a duration
    return _Norm("DATE", str(d.year), "year", None, True, f"{d.year}-01-01", f"{d.year}-12-31")


def _norm_deictic_xx(m: re.Match[str], ctx: _Context) -> _Norm | None:
    unit, step = _XX_WORDS[" ".join(m["w"].lower().split())]
    rel = {-1: "last", 0: "this", 1: "next"}[step]
    fake = re.match(r"(?P<mod>)?(?P<rel>\w+) (?P<unit>\w+)", f"{rel} {unit}")
    assert fake is not None
    return _norm_this(fake, ctx)


def _norm_ago(m: re.Match[str], ctx: _Context) -> _Norm | None:
    """"two days ago" is a date; "about two years ago" a duration with its modifier, as
    TimeML annotates it (the bounds still say when)."""
    norm = _ago_date(m, ctx)
    n = _number(m["n"])
    if norm is None or norm.mod is None or n is None or norm.type != "DATE":
        return norm
    return _Norm("DURATION", _duration(n, m["unit"]), "duration", norm.mod, norm.anchored,
                 norm.earliest, norm.latest, norm.note)


def _ago_date(m: re.Match[str], ctx: _Context) -> _Norm | None:
    n = _number(m["n"])
    unit = m["unit"].lower()
    letter, is_time, gran = _unit(unit)
    direction = " ".join(m["dir"].lower().split())
    sign = -1 if direction in ("ago", "earlier", "before", "previously") else 1
    mod = _approx_of(m["app"])
    if direction in ("later", "after", "earlier", "before") and direction != "earlier":
        return _Norm("DURATION", _duration(n, unit), "duration", mod,
                     note="anchor unclear: measured from an event, not the publication")
    if ctx.dct is None:
        return _Norm("DATE", None, gran, mod, note="no publication date")
    d = ctx.dct
    if n is None:
        # "a few days ago": somewhere in the span before the anchor
        span = {"D": 7, "W": 28, "M": 120, "Y": 1095, "H": 1, "S": 1}.get(letter, 30)
        other = d + timedelta(days=sign * span)
        lo, hi = (other, d) if sign < 0 else (d, other)
        return _Norm("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", gran, mod, True,
                     lo.isoformat(), hi.isoformat())
    if is_time:
        return _Norm("TIME", None, gran, mod, note="time of day unknown")
    if n != int(n):
        return None
    k = int(n) * sign
    if letter == "D":
        v = d + timedelta(days=k)
        return _Norm("DATE", v.isoformat(), "day", mod, True, v.isoformat(), v.isoformat())
    if letter in ("W", "WE"):
        v = d + timedelta(weeks=k)
        return _Norm("DATE", _week_value(v), "week", mod, True, *_week_bounds(v))
    if letter == "M":
        y, mo = _shift_month(d.year, d.month, k)
        return _Norm("DATE", f"{y}-{mo:02d}", "month", mod, True, *_month_bounds(y, mo))
    if letter == "Q":
        y, mo = _shift_month(d.year, d.month, 3 * k)
        q = (mo - 1) // 3
        return _Norm("DATE", f"{y}-Q{q + 1}", "quarter", mod, True,
                     date(y, q * 3 + 1, 1).isoformat(), _month_bounds(y, q * 3 + 3)[1])
    if letter == "Y" and k == -1 and "quarter" in ctx.text:
        ry, rq = _reporting_quarter(d)
        return _quarter_norm(ry - 1, rq)  # results "up from a year ago": the same quarter
    years = k * {"Y": 1, "DE": 10, "CE": 100}[letter]
    y = d.year + years
    if not _valid_year(y):
        return None
    return _Norm("DATE", str(y), "year", mod, True, f"{y}-01-01", f"{y}-12-31")


def _vague_past(unit: str, ctx: _Context) -> _Norm:
    """"in recent years", "in past days": TimeML reads these as a vague past reference
    (PAST_REF), while "recent months" and "recent weeks" stay durations (PXM, PXW)."""
    if ctx.dct is None:
        return _Norm("DATE", "PAST_REF", "unknown", note="no publication date")
    days = {"days": 14, "years": 5 * 365, "decades": 30 * 365}[unit]
    return _Norm("DATE", "PAST_REF", "unknown", None, True,
                 (ctx.dct - timedelta(days=days)).isoformat(), ctx.dct.isoformat())


def _norm_span(m: re.Match[str], ctx: _Context) -> _Norm | None:
    direction = m["dir"].lower()
    unit = m["unit"].lower()
    if direction in ("recent", "past") and not m["n"] and not m["rel"] and \
            unit in ("days", "years", "decades"):
        return _vague_past(unit, ctx)
    n = _number(m["n"]) if m["n"] else (None if unit.endswith("s") else 1)
    if direction == "recent" or (n is None and m["n"] is None):
        n = None
    if not m["n"] and not unit.endswith("s") and (direction != "past" or not m["rel"]):
        return None  # "last week", "the last quarter" are dates; "the past year" a duration
    if direction in ("first", "final") and not m["n"]:
        return None
    mod = _approx_of(m["app"])
    value = _duration(n, unit)
    if ctx.dct is None or direction in ("first", "final"):
        return _Norm("DURATION", value, "duration", mod)
    # "the past two years": a duration reaching back from the publication date
    days = {"D": 1, "W": 7, "WE": 7, "M": 31, "Q": 92, "Y": 366, "DE": 3653,
            "CE": 36525}.get(_unit(unit)[0], 0) * int(n if n is not None else 3)
    if _unit(unit)[1]:
        days = 1
    before = direction in ("past", "last", "previous", "recent")
    lo = ctx.dct - timedelta(days=days) if before else ctx.dct
    hi = ctx.dct if before else ctx.dct + timedelta(days=days)
    return _Norm("DURATION", value, "duration", mod, True, lo.isoformat(), hi.isoformat())


def _norm_recent(m: re.Match[str], ctx: _Context) -> _Norm | None:
    unit = m["unit"].lower()
    if not unit.endswith("s"):
        return None
    if m["dir"].lower() == "recent" and unit in ("days", "years", "decades"):
        return _vague_past(unit, ctx)
    return _Norm("DURATION", _duration(None, unit), "duration")


def _norm_duration(m: re.Match[str], ctx: _Context) -> _Norm | None:
    if m["old"] and m["old"].lower() == "-old":
        return None  # ages: the gold data almost never tags "58-year-old"
    raw_n = m["n"]
    low_n = raw_n.lower()
    n = _number(raw_n)
    unit = m["unit"].lower()
    if low_n in ("a", "an", "one") and ctx.before(8).lower().rstrip().endswith(("per", "once")):
        return None
    if low_n in ("some", "many") and not unit.endswith("s"):
        return None
    if low_n in ("a", "an") and unit in ("second", "minute") and \
            re.match(r"^\s+(?:ago|later)", ctx.after(8)) is None and \
            re.search(r"\bwait\s+$", ctx.before(8)) is None:
        return None  # "a second time", "a minute's"
    if re.search(r"\d", raw_n) and n is not None and n > 1000:
        return None
    if unit.startswith("quarter") and (low_n in ("a", "one", "about") or
                                       m.group(0)[m.end("n") - m.start():].startswith("-")):
        return None  # "about a quarter of its dealers", "three-quarters": fractions
    if m["half"] and n is not None:
        n += 0.5
    mod = _approx_of(m["app"])
    return _Norm("DURATION", _duration(n, unit), "duration", mod)


def _norm_bare(m: re.Match[str], ctx: _Context) -> _Norm | None:
    return _Norm("DURATION", _duration(None, m["x"]), "duration")


_SET_WORDS = MappingProxyType({"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y",
              "yearly": "P1Y", "quarterly": "P3M", "hourly": "PT1H", "nightly": "P1D",
              "annual": "P1Y", "biannual": "P6M"})


def _norm_set(m: re.Match[str], ctx: _Context) -> _Norm | None:
    if m["w"]:
        word = m["w"].lower()
        if word in ("annual", "quarterly") and re.match(r"^\s+(?:report|meeting|results|"
                                                        r"earnings|profit|loss|general)",
                                                        ctx.after(20), re.I):
            return None if word == "quarterly" else _Norm("SET", "P1Y", "set")
        return _Norm("SET", _SET_WORDS[word], "set")
    ev = m["ev"].lower()
    unit = m["unit"].rstrip(".").lower()
    if ev == "a" and not re.search(r"[\d)]\s*$|\b(?:times|once|twice)\s+$", ctx.before(12)):
        return None
    if unit in WEEKDAYS:
        return _Norm("SET", f"XXXX-WXX-{WEEKDAYS[unit] + 1}", "set")
    if unit in _PARTS:
        return _Norm("SET", f"XXXX-XX-XXT{_PARTS[unit]}", "set")
    n = 2 if m["n"] and "other" in m["n"].lower() else _number(m["n"].strip()) if m["n"] \
        else 1
    if unit.endswith("s") and not m["n"]:
        return None
    return _Norm("SET", _duration(n, unit), "set")


_TRIGGER_KINDS = _trigger_table()
_TRIGGER_WORDS = frozenset(_TRIGGER_KINDS)
_DE_WORDS = frozenset({*_MONTHS_DE, *_WEEKDAYS_DE, "vorgestern", "übermorgen", "gestern",
                       "heute", "morgen", "jetzt", "derzeit", "woche", "jahr", "monat"})
_ES_WORDS = frozenset({*_MONTHS_ES, *_WEEKDAYS_ES, "anteayer", "mañana", "ayer", "hoy",
                       "ahora", "actualmente", "semana", "año", "mes"})
_EN_WORDS = frozenset({*_MONTHS_EN, *_WEEKDAYS_EN, *UNITS})
#: Trigger words of the other languages, per document language (``doc.lang_``): "hoy" is not
#: read in English text, "may" not in Spanish. Languages not listed read every table.
_OTHER_LANGS: Mapping[str, frozenset[str]] = MappingProxyType({
    "en": (_DE_WORDS | _ES_WORDS) - _EN_WORDS,
    "de": _ES_WORDS - _DE_WORDS,
    "es": _DE_WORDS - _ES_WORDS,
})
#: Words and numbers, on lower-cased text; a trigger is a word in _TRIGGER_KINDS or a number
#: that can be a year, a decade ("1990s") or a clock time.
_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"[0-9][0-9]*s?")
_LETTERS = r"[^\W\d_]"
#: One literal-led pattern per trigger word: found with a fast substring scan.
_WORD_AT: Mapping[str, re.Pattern[str]] = MappingProxyType({
    w: re.compile(rf"{re.escape(w)}(?!{_LETTERS})") for w in _TRIGGER_KINDS})


def _trigger_matches(lowered: str, lang: str = "en") -> list[re.Match[str]]:
    """Trigger words and numbers in text order: the words present are found with one
    ``findall`` and a set intersection, then located one literal at a time."""
    words = _TRIGGER_WORDS.intersection(_WORD.findall(lowered)) - _OTHER_LANGS.get(
        lang, frozenset())
    found = [m for w in words
             for m in _WORD_AT[w].finditer(lowered)
             if not m.start() or not lowered[m.start() - 1].isalpha()]
    found += _NUMBER.finditer(lowered)
    found.sort(key=lambda m: m.start())
    return found
_CLOCK_AFTER = re.compile(r"[:/.]\d|\s*[ap]\.?m\b")


def _number_kinds(word: str, lowered: str, end: int) -> frozenset[str] | None:
    if word.endswith("s"):
        return _DECADE_KINDS if len(word) in (3, 5) and word[-2] == "0" else None
    if len(word) == 4 and word[0] in "12" and (word[0] == "1" or word[1] == "0"):
        return _YEAR_KINDS
    if len(word) <= 2 and _CLOCK_AFTER.match(lowered, end):
        return _CLOCK_KINDS
    return None


NORMALISERS: Mapping[str, Callable[[re.Match[str], _Context], _Norm | None]] = \
    MappingProxyType({
        "iso": _norm_iso, "spoken": _norm_spoken, "century": _norm_century,
        "numeric": _norm_numeric,
        "mdy": _norm_mdy, "dmy": _norm_dmy,
        "month": _norm_month, "year": _norm_year, "decade": _norm_decade,
        "quarter": _norm_quarter, "season": _norm_season, "time": _norm_time,
        "weekday": _norm_weekday, "deictic": _norm_deictic, "this": _norm_this,
        "deictic_xx": _norm_deictic_xx, "fin": _norm_fin, "ago": _norm_ago, "span": _norm_span,
        "recent": _norm_recent, "duration": _norm_duration, "bare": _norm_bare,
        "set": _norm_set,
    })
