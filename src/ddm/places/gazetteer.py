"""Place names -> places: MDB codes, province/zone/municipality names, towns, villages and old names.

    resolve_name("Umtata")      -> town Mthatha (alias), in EC157 / DC15 / EC
    resolve_name("Middelburg")  -> ambiguous: Middelburg EC (EC131) and Middelburg MP (MP313)
    resolve_name("Middelburg", province="MP") -> Middelburg MP

Settlements come from two packaged files: data/towns.csv (curated main towns and their former names)
and data/gazetteer.csv.gz (about 26,000 villages, suburbs and towns from Stats SA's Census 2011 main and
sub places, GeoNames and the DBE school and DoH facility lists, each placed by the locator; built by
ddm.places.gazetteer_build). A gazetteer place carries a weight (its evidence: Census places, schools,
clinics, GeoNames) so that one school giving a distant postal town does not make a name ambiguous: among
places of one name, those with less than MINOR_SHARE of the best's weight are evidence noise: neither
competing nor listed. Curated places weigh CURATED_WEIGHT. A gazetteer place answers only when it holds
DOMINANT_SHARE of all the name's evidence (the minor places included): a name whose schools lie in several
municipalities is answered "ambiguous" with every candidate listed (and the zone, when they share one)
rather than with a guess; Resolution.share says how much of the evidence the answer holds.

Matching is on a normalised key (accents, apostrophes, hyphens, dots, "!" and case removed), so
"Khâi-Ma", "Khai Ma" and "KHAIMA" are the same name. Match kinds, best first: code, then names (exact and
alias = historic or older names, ordered by weight), then fuzzy (rapidfuzz, only when no name matches).
A name that matches nothing as written is tried without the words lists put around settlement names
("Njakazi A/A", "Mafukani Village", "P.O. Mmangala"), part by part ("Emahukwini / Doornhoek") and with a
locative prefix off or on ("Makuya" / "HaMakuya"), then by its skeleton (no "h" after a consonant, no
doubled letter: "Mkuhlu" / "Mkhuhlu"), before any other spelling is guessed.
A result is ambiguous when its best-ranked candidates point at places that do not nest (two
different municipalities), not when a town and the municipality containing it both match.
"""

import csv
import gzip
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from ddm.once import once
from ddm.places.models import Place
from ddm.places.services import province_of

TOWNS_FILE = Path(__file__).resolve().parent / "data" / "towns.csv"
GAZETTEER_FILE = Path(__file__).resolve().parent / "data" / "gazetteer.csv.gz"

RANK = {"code": 0, "exact": 1, "alias": 2, "fuzzy": 3}
TIER = {"code": 0, "exact": 1, "alias": 1, "fuzzy": 2}  # exact and alias names compete by weight
# When names tie, prefer the administrative place, then the town (both resolve the same way).
KIND_ORDER = {"municipality": 0, "zone": 1, "town": 2, "place": 3, "ward": 4, "province": 5}
CURATED_WEIGHT = 100  # provinces, zones, municipalities, towns.csv: as much evidence as a big town
MINOR_SHARE = 0.3  # a place of the name with under 30% of the best's evidence does not compete
# A gazetteer place answers only when it holds this share of all the name's evidence (its own and that of
# every place of the name in another municipality, minor ones included); otherwise the answer is ambiguous
# and lists them all. Names whose schools lie in several municipalities (a postal town, a farm name used
# on both sides of a boundary) were the commonest wrong answers. Tuned on half 0 of the names
# (gazetteer_eval.diagnose): in-sample DBE names (province given) 95.2% -> 96.1% right, resolved 89.5% ->
# 87.4%; 0.94 and up drop the EMS names below 90% resolved. Curated places (towns.csv, municipalities)
# are exempt: their rivals are mostly schools giving the town as their postal town.
DOMINANT_SHARE = 0.92
# Below this a spelling is too far from any name to guess. Measured on held-out names: guesses scoring
# 80-88 were wrong more often than right (schools 16 of 41 right, Census villages 5 of 96); 88 and up,
# 29 of 40 (every misspelt town in the tests, e.g. "Polokwana" 89, scores 88 or more).
FUZZY_MIN_SCORE = 88
FUZZY_MARGIN = 5  # the best fuzzy place must beat any different place by this many points
FUZZY_MIN_LENGTH = 4  # shorter queries ("EC", "Cap") are not guessed at
MAX_FUZZY_CANDIDATES = 10
# Village names are many and alike ("Mabomvini", "Mabomvane"): a spelling is guessed only towards a
# place with this much evidence (a town, not a one-school village). Measured: guesses towards small
# villages were wrong more often than right (benchmarks/gazetteer.py).
FUZZY_MIN_EVIDENCE = 10
# With the province given there are far fewer names to confuse: a guess may go to a place with a Census
# place's or a few schools' evidence. Measured on the tuning half of held-out school names (province
# given): 3 gave 16 more right for 1 more wrong; 2 another 19 right for 5 wrong (too many).
FUZZY_MIN_EVIDENCE_IN_PROVINCE = 3

# Words around a settlement name in lists that are not part of it: "Mthambalala Area", "Njakazi A/A"
# (administrative area), "Zashuke T/A" (tribal authority), "Kalbaskraal SP" (Stats SA sub place).
DESCRIPTOR_AFTER = re.compile(
    r"[\s,]+(village|area|a/a|aa|a\.a\.?|t/a|t/authority|tribal (authority|authorty|council|court|area)|tribal|traditional "
    r"(authority|council)|farm|reserve|section|location|loc|informal settlement|settlement|sp\d*|agri|trust)$", re.I)
DESCRIPTOR_BEFORE = re.compile(r"^(p\.\s*o\b\.?|p\s?o\.|p\s?o\s|via\s|c/o\s|farm\s)\s*", re.I)
# The same words written onto the name without a space ("MAFUKANIVILLAGE"), as keys.
# "vilage" and "aa" (A/A, an administrative area, without its slash: "SKOBENIAA") as lists write them.
KEY_SUFFIXES = ("village", "vilage", "area", "section", "farm", "location", "aa")
# "Lower Gqaga", "Upper Seplan": a part of the village named; the village is the name when the part is not
# known on its own (tried after the name's other variants).
PART_PREFIX = re.compile(r"^(lower|upper|top|bottom)\s+(\S.*)$", re.I)
# Words that name no settlement, so never tried alone from a two-word name ("PHATHENI CLINIC" is not a
# place called "Clinic"; "MTHUNGATHA BUS STOP").
NOT_A_PLACE_WORD = {"clinic", "school", "church", "station", "hospital", "highway", "store", "shop", "garage",
                    "stop", "police", "office", "college", "mission", "reserve", "section", "location", "village",
                    "valley", "heights", "estate", "lower", "upper", "north", "south", "east", "west", "central",
                    "extension", "township", "place", "square", "street", "road", "roads", "farms"}
PART_SEPARATOR = re.compile(r"\s*[/,;]\s*")
# "Mokgola V", "Elandsdoorn D": a part of a village; the village is the name.
PART_LETTER = re.compile(r"^(.*\S)\s+([A-Za-z]|I{1,3}|IV|\d{1,2})$", re.I)
# Locative prefixes written or left out ("Ga-Mothapo" / "Mothapo", "KwaBhejane" / "Bhejane", "Engwabeni" /
# "Ngwabeni"): tried last. Measured on held-out school names that matched nothing: 25 of 27 resolved right.
LOCATIVE_PREFIXES = ("kwa", "ga", "ha", "em", "en", "ka", "e")
LOCATIVE_PREFIXES_ADDED = ("kwa", "ga", "ha", "e")

# Older names of provinces still found in departmental spreadsheets.
PROVINCE_ALIASES = {
    "LIM": ["Northern Province", "Northern Transvaal"], "MP": ["Eastern Transvaal"],
    "FS": ["Orange Free State", "OFS"], "NW": ["North-West"], "GT": ["GP", "PWV"], "KZN": ["KZN", "Natal"],
}


_NOT_KEY = re.compile(r"[^a-z0-9]+")
# Spellings of one African name differ mostly in an "h" after a consonant and in doubled letters
# ("Tshiuhilwi"/"Tsiuhilwi", "Mkhuhlu"/"Mkuhlu", "Mabopanne"): a key without them is tried after the
# name's variants, before any fuzzy guess.
_ASPIRATE = re.compile(r"([bcdfgjklmnpqrstvwxz])h")
_DOUBLE = re.compile(r"(.)\1+")
SKELETON_SCORE = 95.0  # a skeleton match is a spelling guess, ranked above any fuzzy score it must beat


def normalise(text: object) -> str:
    """Lower-case key without accents, apostrophes, punctuation or spaces ("Khâi-Ma" -> "khaima")."""
    text = str(text)
    if text.isascii():  # most names: nothing to decompose; halves the first build of the gazetteer
        return _NOT_KEY.sub("", text.lower())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NOT_KEY.sub("", text)


def skeleton(key: str) -> str:
    """A normalised key without an "h" after a consonant or doubled letters ("tshiuhilwi" -> "tsiuhilwi", "nkommo" -> "nkomo")."""
    return _DOUBLE.sub(r"\1", _ASPIRATE.sub(r"\1", key))


def strip_descriptors(text: object) -> str:
    """A settlement name without the list's words around it ("P.O. Mmangala Village" -> "Mmangala")."""
    text = str(text).strip()
    while True:
        stripped = DESCRIPTOR_BEFORE.sub("", DESCRIPTOR_AFTER.sub("", text)).strip(" ,;.-")
        if stripped == text or len(normalise(stripped)) < 3:
            return text
        text = stripped


def variant_keys(text: str) -> list[str]:
    """Keys to try, in order, when a name as written matches nothing: without descriptors, then each part
    of "A / B" or "A, B" (without descriptors), then without a descriptor written onto the name or a part
    letter or number, then that name with a locative prefix taken off or put on, then each long word of a
    two-word name."""
    whole, name = normalise(text), normalise(strip_descriptors(text))
    keys = [name]
    parts = [p for p in PART_SEPARATOR.split(strip_descriptors(text)) if p.strip()]
    if len(parts) > 1:
        keys += [normalise(strip_descriptors(p)) for p in parts]
    for suffix in KEY_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 3:
            name = name[: -len(suffix)]
            keys.append(name)
    part_letter = PART_LETTER.match(strip_descriptors(text))
    if part_letter:
        name = normalise(part_letter.group(1))
        keys.append(name)
    keys += [name[len(p):] for p in LOCATIVE_PREFIXES if name.startswith(p) and len(name) - len(p) >= 4]
    keys += [p + name for p in LOCATIVE_PREFIXES_ADDED]
    part_prefix = PART_PREFIX.match(strip_descriptors(text))
    if part_prefix:
        keys.append(normalise(strip_descriptors(part_prefix.group(2))))
    # A two-word name that matches nothing whole is often a village and its section or neighbour
    # ("MNQABA THAFENI", "MAKHUZENI MISSION"): each word of five letters or more, last. Measured on the
    # tuning half of held-out school names: 29 more right for 3 more wrong; three-word names, 4 for 2.
    words = [normalise(w) for w in re.split(r"[\s\-]+", strip_descriptors(text))]
    if len(words) == 2:
        keys += [w for w in words if len(w) >= 5 and w not in NOT_A_PLACE_WORD]
    return [k for k in dict.fromkeys(keys) if k and k != whole]


@dataclass
class Candidate:
    kind: str  # province | zone | municipality | town | ward
    code: str  # MDB code; for a town a slug such as "middelburg-mp"
    name: str
    match: str  # code | exact | alias | fuzzy
    score: float  # 0-100 (100 for code, exact and alias matches)
    municipality: str | None = None
    zone: str | None = None
    province: str | None = None
    lat: float | None = None
    lon: float | None = None
    matched_name: str = ""  # the name (or alias) that matched
    weight: int | None = None  # gazetteer places: evidence (schools, clinics, GeoNames); None = curated
    confidence: float | None = None  # gazetteer places: share of its cluster's evidence in this municipality

    @property
    def precision(self) -> str:
        """How precisely this candidate locates something (IATI-style precision)."""
        return {"town": "municipality", "place": "municipality", "ward": "ward"}.get(self.kind, self.kind)

    @property
    def evidence(self) -> int:
        return CURATED_WEIGHT if self.weight is None else self.weight

    def contains(self, other: "Candidate") -> bool:
        """True if other lies within (or is) this candidate's place."""
        return all(mine is None or mine == theirs for mine, theirs in (
            (self.province, other.province), (self.zone, other.zone), (self.municipality, other.municipality),
        ))

    def as_dict(self) -> dict[str, Any]:
        data = {key: getattr(self, key) for key in (
            "kind", "code", "name", "match", "score", "municipality", "zone", "province", "lat", "lon",
            "matched_name", "weight", "confidence")}
        data["precision"] = self.precision
        return data


@dataclass
class Resolution:
    query: str
    candidates: list[Candidate] = field(default_factory=list)
    ambiguous: bool = False
    best: Candidate | None = None
    # Share of the name's evidence (among the matches of the best kind) that lies where the answer is:
    # 1.0 when nothing else of the name competes; below DOMINANT_SHARE a gazetteer place does not answer.
    share: float | None = None
    # An ambiguous answer whose candidates all lie in one zone (district or metro): that zone's code, so
    # that a caller can place a project on the zone while the municipality is asked for.
    zone: str | None = None


@dataclass(frozen=True)
class _Entry:
    key: str
    match: str  # exact or alias
    place: Candidate  # template: match/score filled in per query


class Gazetteer:
    """An index of names; built from places (Candidate templates) and their names."""

    def __init__(self, entries: Iterable[_Entry]) -> None:
        entries = list(entries)
        self._by_key: dict[str, list[_Entry]] = {}
        for entry in entries:
            self._by_key.setdefault(entry.key, []).append(entry)
        self._keys = list(self._by_key)
        self._by_skeleton: dict[str, list[str]] = {}
        for key in self._keys:
            self._by_skeleton.setdefault(skeleton(key), []).append(key)
        self._codes: dict[str, dict[tuple[str, str], Candidate]] = {}
        for entry in entries:
            if entry.place.kind != "town":
                self._codes.setdefault(normalise(entry.place.code), {})[(entry.place.kind, entry.place.code)] = entry.place

    def resolve(self, name: str | None, province: str | None = None,
                context: str | Iterable[str] | None = None) -> Resolution:
        """context: MDB codes (a municipality or zone code, or several) of the area the name comes
        from, e.g. a submitter's zone: places inside it are preferred when any match."""
        query = (name or "").strip()
        if not normalise(query):
            raise ValueError("empty name: give a place name or MDB code")
        province = self._province_code(province)
        key = normalise(query)
        candidates = self._code_matches(key) + self._name_matches(key)
        if province:
            candidates = [c for c in candidates if c.province == province]
        if not candidates:
            candidates = self._variant_matches(query, province)
        if not candidates and len(key) >= FUZZY_MIN_LENGTH:
            candidates = self._skeleton_matches([key, *variant_keys(query)], province)
        if not candidates and len(key) >= FUZZY_MIN_LENGTH:
            candidates = _dedupe(self._fuzzy_matches(key, province))[:MAX_FUZZY_CANDIDATES]
        candidates = _in_context(_without_shadowed(_dedupe(candidates)), context)
        return _decide(query, candidates)

    def _province_code(self, province: str | None) -> str | None:
        if not province:
            return None
        matches = [c for c in self._code_matches(normalise(province)) + self._name_matches(normalise(province))
                   if c.kind == "province"]
        if not matches:
            raise ValueError(f"unknown province {province!r}: use a code (EC FS GT KZN LIM MP NC NW WC) or a name")
        return matches[0].code

    def _code_matches(self, key: str) -> list[Candidate]:
        found = [_copy(place, "code", 100.0, place.code) for place in self._codes.get(key, {}).values()]
        if not found and key.isdigit() and len(key) == 8:
            found = _ward(key)
        return found

    def _name_matches(self, key: str) -> list[Candidate]:
        return [_copy(e.place, e.match, 100.0, e.place.matched_name) for e in self._by_key.get(key, [])]

    def _variant_matches(self, query: str, province: str | None) -> list[Candidate]:
        """Name matches of the first variant of the query that has any (see variant_keys)."""
        for variant in variant_keys(query):
            found = [c for c in self._name_matches(variant) if province is None or c.province == province]
            if found:
                return found
        return []

    def _skeleton_matches(self, keys: list[str], province: str | None) -> list[Candidate]:
        """Places whose name has the skeleton of the first key (the name, then its variants) that has any."""
        for key in keys:
            found = [_copy(e.place, "fuzzy", SKELETON_SCORE, e.place.matched_name)
                     for other in self._by_skeleton.get(skeleton(key), []) for e in self._by_key[other]
                     if province is None or e.place.province == province]
            if found:
                return found
        return []

    def _fuzzy_matches(self, key: str, province: str | None) -> list[Candidate]:
        hits = process.extract(key, self._keys, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE, limit=None)
        found: list[Candidate] = []
        for matched_key, score, _index in hits:
            for entry in self._by_key[matched_key]:
                if entry.place.evidence < (FUZZY_MIN_EVIDENCE if province is None else FUZZY_MIN_EVIDENCE_IN_PROVINCE):
                    continue
                if province is None or entry.place.province == province:
                    found.append(_copy(entry.place, "fuzzy", round(score, 1), entry.place.matched_name))
        return found


def _copy(place: Candidate, match: str, score: float, matched_name: str) -> Candidate:
    return Candidate(**{**place.__dict__, "match": match, "score": score, "matched_name": matched_name})


def _ward(code: str) -> list[Candidate]:
    ward = Place.objects.wards().select_related("parent__parent", "province").filter(code=code).first()
    if ward is None:
        return []
    municipality = ward.parent
    assert municipality is not None and municipality.parent is not None  # ward -> municipality -> zone
    return [Candidate("ward", ward.code, f"{ward.name}, {municipality.display_name}", "code", 100.0,
                      municipality.code, municipality.parent.code, province_of(ward).code, matched_name=ward.code)]


def _sort_key(candidate: Candidate) -> tuple[int, float, int, int, int, str]:
    return (TIER[candidate.match], -candidate.score, -candidate.evidence, RANK[candidate.match],
            KIND_ORDER[candidate.kind], candidate.code)


def _without_shadowed(candidates: list[Candidate]) -> list[Candidate]:
    """A gazetteer place in a municipality that a curated candidate (a town, the municipality itself)
    already answers adds nothing: drop it, so the curated name and its old names answer."""
    curated = {c.municipality for c in candidates if c.weight is None and c.municipality}
    return [c for c in candidates if c.weight is None or c.municipality not in curated]


def _in_context(candidates: list[Candidate], context: str | Iterable[str] | None) -> list[Candidate]:
    if not context:
        return candidates
    codes = {context.upper()} if isinstance(context, str) else {c.upper() for c in context}
    inside = [c for c in candidates if codes & {c.municipality, c.zone, c.province, c.code}]
    return inside or candidates


def _dedupe(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per place, keeping its best match."""
    best: dict[tuple[str, str], Candidate] = {}
    for candidate in sorted(candidates, key=_sort_key):
        best.setdefault((candidate.kind, candidate.code), candidate)
    return list(best.values())


def _decide(query: str, candidates: list[Candidate]) -> Resolution:
    if not candidates:
        return Resolution(query, [], False, None)
    everything = candidates
    top = candidates[0]
    if top.match == "fuzzy":
        group = [c for c in candidates if c.score >= top.score - FUZZY_MARGIN]
    else:
        group = [c for c in candidates if TIER[c.match] == TIER[top.match]]
    heaviest = max(c.evidence for c in group)
    minor = {id(c) for c in group if c.evidence < MINOR_SHARE * heaviest}
    group = [c for c in group if id(c) not in minor]
    candidates = [c for c in candidates if id(c) not in minor]  # evidence noise, not an alternative
    top = group[0]
    ambiguous = any(not (a.contains(b) or b.contains(a)) for a in group for b in group)
    share = None if ambiguous else _share(top, [c for c in everything if TIER[c.match] == TIER[top.match]])
    if share is not None and top.weight is not None and share < DOMINANT_SHARE:
        ambiguous, candidates = True, everything  # split evidence: list every place of the name, minor ones too
    listed = [c for c in candidates if c.match != "fuzzy" or top.match == "fuzzy"]
    zones = {c.zone for c in listed}
    zone = next(iter(zones)) if ambiguous and len(zones) == 1 else None
    return Resolution(query, candidates, ambiguous, None if ambiguous else top, share, zone)


def _share(top: Candidate, candidates: list[Candidate]) -> float:
    """The share of the candidates' evidence that lies in the top candidate's place (or nests with it)."""
    inside = sum(c.evidence for c in candidates if top.contains(c) or c.contains(top))
    total = sum(c.evidence for c in candidates)
    return inside / total if total else 1.0


# -- building the index from the database and towns.csv ---------------------------------------

_SUFFIXES = (" local municipality", " metropolitan municipality", " district municipality", " municipality")
_PREFIXES = ("local municipality of ", "city of ", "the ")


def _stripped(name: str) -> list[str]:
    """Name variants without MDB suffixes and prefixes ("City of Mbombela Local Municipality" -> "Mbombela")."""
    variants, text = [name], name.strip()
    lowered = text.lower()
    for suffix in _SUFFIXES:
        if lowered.endswith(suffix):
            text, lowered = text[: -len(suffix)], lowered[: -len(suffix)]
            variants.append(text)
            break
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            text, lowered = text[len(prefix):], lowered[len(prefix):]
            variants.append(text)
    return variants


def _entries_for(place: Candidate, exact_names: Iterable[str], alias_names: Iterable[str] = ()) -> list[_Entry]:
    entries, seen = [], set()
    for match, names in (("exact", exact_names), ("alias", alias_names)):
        for name in names:
            key = normalise(name)
            if key and key not in seen:
                seen.add(key)
                entries.append(_Entry(key, match, Candidate(**{**place.__dict__, "matched_name": name})))
    return entries


def read_towns(path: Path = TOWNS_FILE) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def town_slug(town: str, province: str) -> str:
    return f"{re.sub(r'[^a-z0-9]+', '-', normalise_spaced(town)).strip('-')}-{province.lower()}"


def normalise_spaced(text: object) -> str:
    text = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace("'", "")


def build_from_db(towns_path: Path = TOWNS_FILE, places: Iterable[Mapping[str, Any]] | None = None) -> Gazetteer:
    """The index of the database's places, towns.csv and the gazetteer file (or the given place rows,
    dicts shaped like the file's rows: for evaluating a gazetteer built without a held-out set)."""
    entries: list[_Entry] = []
    for p in Place.objects.provinces().without_geometry():
        place = Candidate("province", p.code, p.name, "exact", 100.0, province=p.code)
        entries += _entries_for(place, [p.name], PROVINCE_ALIASES.get(p.code, []))
    for z in Place.objects.zones().without_geometry().select_related("province"):
        place = Candidate("zone", z.code, z.name, "exact", 100.0, z.code if z.is_metro else None, z.code,
                          province_of(z).code)
        kind = "Metropolitan Municipality" if z.is_metro else "District Municipality"
        names = [z.name, f"{z.name} {kind}", f"{z.name} District", f"{z.name} Metro"]
        entries += _entries_for(place, [v for n in names for v in _stripped(n)])
    zone_of: dict[str, tuple[str, str]] = {}
    for m in Place.objects.municipalities().without_geometry().select_related("parent", "province"):
        assert m.parent is not None  # a municipality's parent is its zone
        zone_of[m.code] = (m.parent.code, province_of(m).code)
        place = Candidate("municipality", m.code, m.name, "exact", 100.0, m.code, *zone_of[m.code])
        exact = _stripped(m.name)
        older = [m.short_name] + m.short_name.split("/") if m.short_name else []
        entries += _entries_for(place, exact, older)
    for row in read_towns(towns_path):
        zone, province = zone_of[row["municipality_code"]]
        place = Candidate("town", town_slug(row["town"], row["province"]), row["town"], "exact", 100.0,
                          row["municipality_code"], zone, province, float(row["lat"]), float(row["lon"]))
        aliases = [a.strip() for a in row["historic_names"].split(";") if a.strip()]
        entries += _entries_for(place, [row["town"]], aliases)
    entries += _gazetteer_entries(zone_of, read_gazetteer() if places is None else places)
    return Gazetteer(entries)


def read_gazetteer(path: Path = GAZETTEER_FILE) -> list[dict[str, str]]:
    with gzip.open(path, "rb") as handle:
        return list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8", newline="")))


def _gazetteer_entries(zone_of: dict[str, tuple[str, str]], rows: Iterable[Mapping[str, Any]]) -> list[_Entry]:
    entries: list[_Entry] = []
    for row in rows:
        municipality = row["municipality"]
        zone, province = zone_of[municipality]
        place = Candidate("place", f"{town_slug(row['name'], municipality)}", row["name"], "exact", 100.0,
                          municipality, zone, province, float(row["lat"]), float(row["lon"]),
                          weight=int(row["weight"]), confidence=float(row["confidence"]))
        aliases = [a for a in row["aliases"].split(";") if a]
        entries += _entries_for(place, [row["name"]], aliases)
    return entries


@once
def get_gazetteer() -> Gazetteer:
    """The process-wide Gazetteer, built on first use from the database."""
    return build_from_db()


reset_gazetteer = get_gazetteer.reset


def resolve_name(name: str | None, province: str | None = None,
                 context: str | Iterable[str] | None = None) -> Resolution:
    """Resolution of a place name or code; ValueError for an empty name or unknown province.

    context: MDB code(s) of the area the name comes from (municipality, zone or province); places
    inside it are preferred when any match (the intake passes the submitter's area)."""
    return get_gazetteer().resolve(name, province, context)
