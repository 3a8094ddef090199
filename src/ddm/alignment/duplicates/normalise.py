"""Title normalisation for duplicate matching.

Two reporters write the same project differently ("Mqanduli BWS Ph 2" / "Construction of the
Mqanduli Bulk Water Supply, Phase II"), and two different projects can be written almost alike
("... Phase 1" / "... Phase 2", "Mqanduli Clinic" / "Ngqeleni Clinic"). So a title becomes:

- `tokens`: lower-case words after expanding abbreviations, unifying word forms, mapping former
  place names to current ones and dropping filler words;
- `qualifiers`: what distinguishes parts of one programme: {("phase", "2"), ("section", "a"),
  ("ward", "12"), ("code", "r61")} -- different values mean different projects;
- `names`: the tokens that are not in the generic project vocabulary below, i.e. mostly place,
  school and facility names -- two titles naming different places are different projects.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Abbreviations as written in South African project lists -> the words they stand for.
ABBREVIATIONS = {
    "ph": "phase", "phs": "phase", "rd": "road", "rds": "roads", "st": "street", "ave": "avenue",
    "wtw": "water treatment works", "wwtw": "wastewater treatment works", "wtp": "water treatment works",
    "wwtp": "wastewater treatment works", "bws": "bulk water supply", "wss": "water supply scheme",
    "rws": "regional water scheme", "sch": "school", "schl": "school", "hosp": "hospital",
    "clin": "clinic", "chc": "community health centre", "phc": "primary health care",
    "upgr": "upgrade", "upg": "upgrade", "upgrd": "upgrade", "constr": "construction",
    "const": "construction", "cons": "construction", "refurb": "refurbishment",
    "rehab": "rehabilitation", "maint": "maintenance", "elec": "electrification",
    "electr": "electrification", "ext": "extension", "sec": "section", "sect": "section",
    "res": "reservoir", "hh": "households", "hhs": "households", "dev": "development",
    "infra": "infrastructure", "san": "sanitation", "retic": "reticulation", "substn": "substation",
    "ps": "primary school", "prim": "primary", "sec sch": "secondary school", "ss": "secondary school",
    "hs": "high school", "jss": "junior secondary school", "sss": "senior secondary school",
    "lm": "local municipality", "dm": "district municipality", "mun": "municipality",
    "munic": "municipality", "no": "number", "nr": "number", "km": "km", "ave.": "avenue",
    "bng": "housing", "rdp": "housing", "irdp": "housing", "ugu": "ugu",
}

# Word forms and spelling variants -> one form.
FORMS = {
    "upgrading": "upgrade", "upgraded": "upgrade", "upgrades": "upgrade", "upgradation": "upgrade",
    "construct": "construction", "constructing": "construction", "constructed": "construction",
    "build": "construction", "building": "construction", "erection": "construction",
    "refurbish": "refurbishment", "refurbishing": "refurbishment", "refurbished": "refurbishment",
    "rehabilitate": "rehabilitation", "rehabilitating": "rehabilitation", "rehabilitated": "rehabilitation",
    "electrify": "electrification", "electrified": "electrification", "electrifying": "electrification",
    "electricity": "electrification", "maintain": "maintenance", "maintaining": "maintenance",
    "replace": "replacement", "replacing": "replacement", "extend": "extension", "extensions": "extension",
    "sewerage": "sewer", "sewage": "sewer", "sewers": "sewer", "centre": "centre", "center": "centre",
    "program": "programme", "programmes": "programme", "colour": "color", "surfaced": "surfacing",
    "tarred": "surfacing", "tarring": "surfacing", "tar": "surfacing", "paving": "surfacing",
    "waterworks": "water treatment works", "waste": "waste", "wastewater": "wastewater",
    "classroom": "classrooms", "toilet": "toilets", "latrines": "toilets", "latrine": "toilets",
    "borehole": "boreholes", "house": "houses", "housing": "housing", "dwelling": "houses",
    "dwellings": "houses", "units": "houses", "stands": "sites", "site": "sites",
}

# Multi-word spellings unified before tokenising (after lower-casing and punctuation removal).
PHRASES = [
    ("waste water", "wastewater"), ("pipe line", "pipeline"), ("sub station", "substation"),
    ("health care centre", "health centre"), ("health center", "health centre"),
    ("water works", "waterworks"), ("bulk water supply scheme", "bulk water supply"),
    ("secondary sch", "secondary school"), ("primary sch", "primary school"),
    ("high sch", "high school"), ("sports field", "sportsfield"), ("sport field", "sportsfield"),
    ("community hall", "hall"),
]

STOPWORDS = {
    "of", "the", "and", "for", "to", "in", "at", "on", "a", "an", "with", "from", "by", "via", "its",
    "project", "projects", "programme", "scheme", "works", "phase", "within", "various", "area",
    "areas", "local", "district", "municipality", "metropolitan", "metro", "province", "provincial",
    "department", "dept", "new", "existing", "proposed", "including", "incl", "etc", "related",
    "associated", "infrastructure", "facility", "facilities", "services", "service", "ward",
    "village", "villages", "township", "town", "settlement", "surrounding", "number",
    # Province names are context, not what tells two projects in one zone apart.
    "eastern", "western", "northern", "cape", "free", "state", "gauteng", "kwazulu", "natal", "kwazulunatal",
    "limpopo", "mpumalanga",
}

# The generic vocabulary of project titles: a token outside it is taken as a name.
GENERIC = set(STOPWORDS) | {
    "water", "bulk", "supply", "treatment", "wastewater", "sewer", "sanitation", "reticulation",
    "pipeline", "pipelines", "reservoir", "reservoirs", "boreholes", "pump", "pumps", "pumping", "station",
    "stations", "dam", "weir", "abstraction", "storage", "tank", "tanks", "regional", "rural", "urban",
    "toilets", "vip", "bucket", "eradication", "flush", "septic", "ablution", "ablutions", "outfall",
    "road", "roads", "street", "streets", "avenue", "bridge", "bridges", "access", "gravel", "surfacing",
    "resurfacing", "reseal", "resealing", "paved", "stormwater", "storm", "drainage", "culvert",
    "culverts", "interchange", "intersection", "link", "bypass", "route", "highway", "sidewalk",
    "sidewalks", "walkway", "walkways", "pedestrian", "taxi", "rank", "bus", "rail", "transport",
    "school", "schools", "primary", "secondary", "high", "junior", "senior", "combined", "comprehensive",
    "classrooms", "mud", "admin", "administration", "block", "blocks", "laboratory", "library",
    "libraries", "grade", "r", "ecd", "early", "childhood", "special", "boarding", "hostel", "hostels",
    "clinic", "clinics", "hospital", "hospitals", "health", "community", "centre", "centres", "care",
    "nurses", "residence", "residences", "mortuary", "ward", "wards", "theatre", "casualty", "maternity",
    "ems", "emergency", "district", "tertiary", "psychiatric", "tb",
    "houses", "housing", "informal", "settlements", "sites", "serviced", "human", "subsidy",
    "units", "rental", "social", "title", "deeds", "beneficiaries", "breaking",
    "electrification", "substation", "substations", "line", "lines", "grid", "connections",
    "connection", "households", "household", "solar", "streetlights", "streetlight", "high-mast",
    "mast", "masts", "lights", "lighting", "energy", "kv", "mva", "transformer", "network",
    "landfill", "landfills", "refuse", "transfer", "recycling", "buy-back", "cell", "disposal",
    "solid", "collection", "hall", "halls", "sportsfield", "sportsfields", "sports", "stadium",
    "facility", "park", "parks", "cemetery", "cemeteries", "market", "stalls", "thusong", "multi",
    "multipurpose", "purpose", "office", "offices", "police", "court", "courts", "fire",
    "museum", "youth", "elderly", "aged", "creche", "creches", "agri", "agriculture",
    "agricultural", "irrigation", "fencing", "fence", "dip", "dipping", "livestock", "farm",
    "farms", "farming", "fresh", "produce", "hub", "hubs", "industrial", "economic", "precinct",
    "mall", "business", "tourism", "heritage", "fibre", "broadband", "wifi", "ict", "tower",
    "upgrade", "construction", "refurbishment", "rehabilitation", "maintenance", "replacement",
    "extension", "installation", "install", "provision", "provide", "development",
    "repair", "repairs", "renovation", "renovations", "expansion", "improvement", "improvements",
    "completion", "additional", "addition", "additions", "alterations", "planning", "design", "study",
    "feasibility", "implementation", "phase", "section", "stage", "package", "contract", "portion",
    "lot", "batch", "part", "unit", "number", "km", "m", "ml", "mld", "kl", "x", "from", "between",
    "north", "south", "east", "west", "central", "upper", "lower", "greater", "old", "main", "national",
    "provincial", "municipal", "government", "public", "private", "internal", "external",
    "total", "intervention", "interventions", "backlog", "backlogs", "basic", "level",
    "storey", "double", "single", "two", "three", "new", "stand", "alone", "programme", "grant",
    "mig", "wsig", "rbig", "usdg", "inep", "hsdg", "equitable", "share", "capital", "operational",
    "local", "municipality", "metropolitan", "metro", "province", "continuing", "continued", "ongoing",
    "waste", "top", "drift", "bottom", "heights", "valley", "view", "networks", "general", "complete", "completed",
}

# Qualifiers: the word followed by a number or letter that tells parts of a programme apart.
QUALIFIERS = {
    "phase": "phase", "stage": "phase", "section": "section", "extension": "extension",
    "ward": "ward", "block": "block", "unit": "unit", "portion": "portion", "package": "package",
    "contract": "contract", "lot": "lot", "batch": "batch", "part": "part", "zone": "section",
}
ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8",
         "ix": "9", "x": "10", "xi": "11", "xii": "12"}
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "ten": "10", "first": "1", "second": "2", "third": "3",
                "fourth": "4", "fifth": "5", "sixth": "6", "1st": "1", "2nd": "2", "3rd": "3", "4th": "4",
                "5th": "5", "6th": "6"}
ORDINALS = {"first", "second", "third", "fourth", "fifth", "sixth", "1st", "2nd", "3rd", "4th", "5th", "6th"}

_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"^\d+[a-z]?$")
_CODE = re.compile(r"^(?=.*\d)(?=.*[a-z])[a-z0-9]+$")


@dataclass(frozen=True)
class Normalised:
    tokens: tuple[str, ...]  # normalised tokens in title order (fillers dropped)
    qualifiers: frozenset[tuple[str, str]]  # {(kind, value)}: phase/section/extension/ward/... numbers and road codes
    numbers: frozenset[str]  # other bare numbers (quantities: "500 houses")
    names: frozenset[str]  # tokens outside the generic vocabulary: place, school, facility names

    @property
    def sorted_text(self) -> str:
        return " ".join(sorted(set(self.tokens)))

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def name_key(self) -> str:
        return " ".join(sorted(self.names))

    @property
    def joined_pairs(self) -> set[str]:
        """Adjacent words written together ("Mowa East" -> "mowaeast"), as one reporter may."""
        return {a + b for a, b in zip(self.tokens, self.tokens[1:], strict=False)}


@lru_cache(maxsize=1)
def place_aliases() -> list[tuple[str, str]]:
    """[(former name as normalised words, current name as one token)], longest first.

    From this app's data/place_aliases.csv, not the places gazetteer: for matching titles a city and
    its metro are one name ("Durban" = "eThekwini"), which the gazetteer's former-town-names column
    rightly does not say."""
    with open(DATA_DIR / "place_aliases.csv", newline="", encoding="utf-8") as handle:
        rows = [(r["old_name"], r["current_name"]) for r in csv.DictReader(handle)]
    # Names linked by any row are one place (the two lists may even disagree on which is current):
    # every name of a group maps to one token, so both spellings normalise alike.
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        parent.setdefault(name, name)
        while parent[name] != name:
            name = parent[name]
        return name

    for old, new in rows:
        a, b = root(_plain(old)), root(_plain(new))
        if a != b:
            parent[max(a, b)] = min(a, b)
    pairs = {(name, root(name).replace(" ", "")) for name in parent if name != root(name).replace(" ", "")}
    return sorted(pairs, key=lambda pair: (-len(pair[0]), pair))


def _plain(text: str | None) -> str:
    """Lower case, accents removed, & -> and, apostrophes dropped, other punctuation -> space."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = re.sub(r"(?<=[a-z])/(?=[a-z]\b)", "", text)  # p/s -> ps, s/s -> ss
    text = _PUNCT.sub(" ", text.replace("_", " "))
    # "Phase2", "ph2" -> "phase 2"; a digit glued to a qualifier word is split off.
    text = re.sub(r"\b(ph|phase|ext|extension|section|sec|ward|stage)(\d+)", r"\1 \2", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def normalise(title: str) -> Normalised:
    """The Normalised form of one title (or description)."""
    text = " " + _plain(title) + " "
    for old, new in place_aliases():
        if f" {old} " in text:
            text = text.replace(f" {old} ", f" {new} ")
    text = re.sub(r"\bkwa (\w)", r"kwa\1", text)  # "Kwa Mashu" = "KwaMashu"
    words = _expand(text.split())
    joined = " " + " ".join(words) + " "
    for long, short in PHRASES:
        joined = joined.replace(f" {long} ", f" {short} ")
    words = joined.split()
    words = [FORMS.get(word, word) for word in words]
    words = " ".join(words).split()  # a form may expand to several words
    qualifiers, numbers, used = _qualifiers(words)
    tokens, names = [], set()
    for index, word in enumerate(words):
        if index in used or word in STOPWORDS:
            continue
        word = _singular(word)
        tokens.append(word)
        if word not in GENERIC and not _NUMBER.match(word) and not _CODE.match(word) and len(word) > 2:
            names.add(word)
    return Normalised(tuple(tokens), frozenset(qualifiers), frozenset(numbers), frozenset(names))


def _expand(words: list[str]) -> list[str]:
    result = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in ("sec", "snr", "jnr") and following in ("school", "sch", "schl"):
            word = {"sec": "secondary", "snr": "senior", "jnr": "junior"}[word]  # "Sec School" is not a section
        result.extend(ABBREVIATIONS.get(word, word).split())
    return result


def _singular(word: str) -> str:
    """schools -> school (only for generic words, so names such as "Lusikisiki" are left alone)."""
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss") and word[:-1] in GENERIC:
        return word[:-1]
    return word


def _value(word: str) -> str | None:
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if word in ROMAN:
        return ROMAN[word]
    if _NUMBER.match(word) or len(word) == 1:
        return word
    return None


def _qualifiers(words: list[str]) -> tuple[set[tuple[str, str]], set[str], set[int]]:
    """({(kind, value)}, {bare numbers}, indexes of the words consumed)."""
    qualifiers, numbers, used = set(), set(), set()
    for index, word in enumerate(words):
        kind = QUALIFIERS.get(word)
        if kind and index + 1 < len(words):
            # "Phase 2", "Phase II", "Phases 1 and 2", "Section A"
            step = index + 1
            while step < len(words):
                value = _value(words[step])
                if value is None and words[step] != "and":
                    break
                if value is not None:
                    qualifiers.add((kind, value.lstrip("0") or "0"))
                    used.add(step)
                step += 1
        if kind and index > 0 and words[index - 1] in ORDINALS:  # "second phase"
            qualifiers.add((kind, NUMBER_WORDS[words[index - 1]]))
            used.add(index - 1)
        if index in used:
            continue
        if _CODE.match(word) and not word.isdigit() and not _ORDINAL_SUFFIX.match(word):
            qualifiers.add(("code", word))  # road numbers R61, N2, D1234; erf/farm codes
        elif word.isdigit():
            numbers.add(word.lstrip("0") or "0")
    return qualifiers, numbers, used


_ORDINAL_SUFFIX = re.compile(r"^\d+(st|nd|rd|th)$")
