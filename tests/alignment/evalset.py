"""Labelled evaluation set for duplicate detection, and synthetic projects for the benchmark.

`python tests/alignment/evalset.py` (re)writes tests/alignment/data/eval_pairs.csv from a fixed
seed. Each row is a pair of project records and a label: 1 = the same undertaking reported twice
(planted duplicate: a second reporter's wording -- abbreviations, word order, phase notation,
former place names, typos, capitals -- another organisation, shifted years, a partial amount,
a coarser location), 0 = different projects (hard look-alikes: another phase, section or
extension; the same kind of project in another village; another school; another facility in the
same village; plus easy random pairs of one zone).

Labels come from how a pair was generated, never from the matcher. Rows alternate between
split "tune" (used to set the scorer's weights and threshold) and "test" (only measured).
Caveat: the variants were written by the same hand as the normaliser, so real-world precision and
recall will be lower than measured here.
"""

import csv
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "data" / "eval_pairs.csv"

# Real towns and villages, by local municipality (MDB 2020 code) and zone.
PLACES = {
    ("DC15", "EC157"): ["Mqanduli", "Coffee Bay", "Viedgesville", "Baziya", "Qunu", "Mthatha", "Mputi"],
    ("DC15", "EC155"): ["Ngqeleni", "Libode", "Canzibe", "Nyandeni", "Marhambeni"],
    ("DC15", "EC153"): ["Lusikisiki", "Flagstaff", "Hlababomvu", "Mkhamela"],
    ("DC15", "EC156"): ["Tsolo", "Qumbu", "Sulenkama", "Ntibane"],
    ("DC44", "EC442"): ["KwaBhaca", "Maxesibeni", "Cancele", "Nyosini"],
    ("DC44", "EC443"): ["Mbizana", "Ndunge", "Mpunzi Drift"],
    ("DC36", "LIM367"): ["Mokopane", "Mahwelereng", "Bakenberg", "Rebone", "Sekgakgapeng"],
    ("DC36", "LIM362"): ["Lephalale", "Marapong", "Shongoane", "Seleka"],
    ("DC33", "LIM331"): ["Giyani", "Ndhambi", "Mninginisi", "Siyandhani", "Khakhala"],
    ("DC33", "LIM333"): ["Tzaneen", "Nkowankowa", "Lenyenye", "Letsitele", "Mariveni"],
    ("DC34", "LIM343"): ["Thohoyandou", "Sibasa", "Tshilwavhusiku", "Mukondeni", "Tshakhuma"],
    ("DC34", "LIM345"): ["Malamulele", "Saselamani", "Xigalo", "Mhinga"],
    ("DC26", "KZN266"): ["Ulundi", "Mahlabathini", "Babanango", "Nqulwane"],
    ("DC26", "KZN265"): ["Nongoma", "Maphophoma", "Kwasimamane"],
    ("DC27", "KZN272"): ["Jozini", "Ingwavuma", "Ndumo", "Makhonyeni"],
    ("DC24", "KZN244"): ["Tugela Ferry", "Pomeroy", "Keates Drift", "Msinga Top"],
    ("ETH", "ETH"): ["Inanda", "KwaMashu", "Umlazi", "Ntuzuma", "Chatsworth", "Hammarsdale", "Lamontville", "Cato Manor"],
    ("NMA", "NMA"): ["Motherwell", "KwaZakhele", "New Brighton", "Gqeberha", "Kariega", "Despatch", "Walmer"],
    ("BUF", "BUF"): ["Mdantsane", "Duncan Village", "Qonce", "Zwelitsha", "Bhisho", "Potsdam"],
    ("TSH", "TSH"): ["Mamelodi", "Soshanguve", "Atteridgeville", "Hammanskraal", "Winterveldt", "Olievenhoutbosch"],
    ("DC42", "GT421"): ["Sebokeng", "Evaton", "Sharpeville", "Boipatong", "Bophelong"],
    ("DC38", "NW383"): ["Mahikeng", "Mmabatho", "Lomanyaneng", "Signal Hill"],
    ("DC32", "MP325"): ["Acornhoek", "Thulamahashe", "Mkhuhlu", "Marite", "Dwarsloop", "Agincourt"],
    ("DC32", "MP326"): ["Mbombela", "Kanyamazane", "Matsulu", "White River", "Msogwaba"],
    ("DC4", "WC044"): ["Thembalethu", "Blanco", "Pacaltsdorp", "Rosedale"],
}
# Former names a second reporter may still use (see src/ddm/alignment/data/place_aliases.csv).
FORMER = {"Mthatha": "Umtata", "KwaBhaca": "Mount Frere", "Maxesibeni": "Mount Ayliff", "Mokopane": "Potgietersrus",
          "Gqeberha": "Port Elizabeth", "Kariega": "Uitenhage", "Qonce": "King William's Town",
          "Mahikeng": "Mafikeng", "Mbombela": "Nelspruit", "Lephalale": "Ellisras", "Mbizana": "Bizana"}
SCHOOLS = ["Sigcawu", "Nompumelelo", "Zanokhanyo", "Khanyisa", "Siyabonga", "Masakhane", "Ikhwezi", "Lwandile",
           "Tshilidzini", "Ramokgopa", "Bokamoso", "Reitumetse", "Kgomotso", "Lesedi", "Thuto-Boswa",
           "Sakhisizwe", "Vukuzenzele", "Dalibhunga", "Mzamomhle", "Phakamisa", "Hlalanathi", "Mukhwantheli",
           "Hlengani", "Nghonyama", "Matshwenyego", "Sizamile", "Emzamweni", "Ntsikelelo", "Fundisanani",
           "Mveledzo", "Ndzalama", "Ponani", "Mpumelelo", "Ekuthuleni", "Thembalihle", "Ngwenya"]
ROADS = ["R61", "R63", "R408", "R349", "R520", "D1234", "D3312", "T173", "P75", "N2", "R81", "R578"]

# (sector, title template, description template)
TEMPLATES = [
    ("water", "{place} Bulk Water Supply", "Bulk water supply pipeline and reservoirs serving {place} and surrounding villages"),
    ("water", "Construction of {place} Water Treatment Works", "New water treatment works of {ml} Ml/day for {place}"),
    ("water", "{place} Water Reticulation Phase {n}", "Yard connections and reticulation in {place}"),
    ("water", "Upgrading of {place} Reservoir", "Replace and enlarge the command reservoir at {place}"),
    ("water", "Refurbishment of Boreholes in {place}", "Equip and refurbish community boreholes in {place}"),
    ("water", "{place} Regional Water Scheme Phase {n}", "Regional scheme from the dam to {place}"),
    ("sanitation", "{place} Wastewater Treatment Works Upgrade", "Increase capacity of the {place} wastewater works"),
    ("sanitation", "Provision of VIP Toilets to {hh} Households in {place}", "Ventilated improved pit latrines in {place}"),
    ("sanitation", "{place} Sewer Reticulation Phase {n}", "Waterborne sewer network for {place}"),
    ("sanitation", "Eradication of Bucket Toilets in {place}", "Replace bucket toilets with waterborne sanitation"),
    ("transport", "Upgrading of {road} from Gravel to Surfaced Road: {place} to {place2}",
     "Upgrade {km} km gravel road to surfaced standard"),
    ("transport", "Rehabilitation of {place} Access Road Section {letter}", "Rehabilitate the access road, section {letter}"),
    ("transport", "Construction of {place} Pedestrian Bridge", "Pedestrian bridge for learners of {place}"),
    ("transport", "{place} Stormwater Drainage Phase {n}", "Stormwater channels and culverts in {place}"),
    ("education", "Construction of {school} Primary School", "Replace the existing primary school at {place}"),
    ("education", "{school} Secondary School: Additional Classrooms", "Eight additional classrooms and an admin block"),
    ("education", "Replacement of Mud School: {school} Junior Secondary School", "Mud school replaced under ASIDI"),
    ("education", "Water and Sanitation at {school} Primary School", "Boreholes and toilets for the school"),
    ("health", "{place} Clinic Upgrade", "Upgrade and extend {place} clinic"),
    ("health", "Construction of {place} Community Health Centre", "24-hour community health centre for {place}"),
    ("health", "Refurbishment of {place} Hospital Phase {n}", "Refurbish wards and theatre of {place} hospital"),
    ("human_settlements", "{place} Extension {n} Housing Project", "Serviced sites and houses in {place} extension {n}"),
    ("human_settlements", "{place} Informal Settlement Upgrading Phase {n}",
     "In-situ upgrading of informal settlements in {place}"),
    ("human_settlements", "Construction of {hh} Houses in {place}", "Subsidised houses for qualifying beneficiaries"),
    ("energy", "Electrification of {place} Village ({hh} households)", "Grid connections for {hh} households in {place}"),
    ("energy", "{place} Substation Upgrade", "Upgrade of the {place} 132/22 kV substation"),
    ("energy", "{place} Extension {n} Electrification", "Household connections in {place} extension {n}"),
    ("environment", "{place} Landfill Site Rehabilitation", "Close and rehabilitate the {place} landfill"),
    ("environment", "Construction of {place} Waste Transfer Station", "Refuse transfer station serving {place}"),
    ("social", "{place} Community Hall", "Multi-purpose community hall in {place}"),
    ("social", "{place} Sports Field Upgrade", "Upgrade sports field, fencing and ablutions"),
    ("social", "{place} Thusong Service Centre", "Thusong service centre for {place}"),
]
PHASED = [t for t in TEMPLATES if "{n}" in t[1] or "{letter}" in t[1]]
SCHOOL_TEMPLATES = [t for t in TEMPLATES if "{school}" in t[1]]
RELATED_SECTOR = {"water": "sanitation", "sanitation": "water", "education": "sanitation", "health": "social",
                  "environment": "social", "social": "environment", "human_settlements": "energy",
                  "energy": "human_settlements", "transport": "social"}
ORGS = {  # reporters by zone kind: provincial departments, national departments and entities, municipalities
    "water": ["nat-water-and-sanitation", "{prov}-cooperative-governance", "amatola-water"],
    "sanitation": ["nat-water-and-sanitation", "{prov}-human-settlements"],
    "transport": ["{prov}-transport", "nat-transport", "sanral"],
    "education": ["{prov}-education", "nat-basic-education"],
    "health": ["{prov}-health", "nat-health"],
    "human_settlements": ["{prov}-human-settlements", "nat-human-settlements", "hda"],
    "energy": ["eskom", "nat-mineral-resources-and-energy"],
    "environment": ["{prov}-environmental-affairs", "nat-environment-forestry-and-fisheries"],
    "social": ["{prov}-cooperative-governance", "nat-sport-arts-and-culture"],
}
PROVINCE_OF_ZONE = {"DC15": "ec", "DC44": "ec", "BUF": "ec", "NMA": "ec", "DC36": "lim", "DC33": "lim", "DC34": "lim",
                    "DC26": "kzn", "DC27": "kzn", "DC24": "kzn", "ETH": "kzn", "TSH": "gt", "DC42": "gt", "DC38": "nw",
                    "DC32": "mp", "DC4": "wc"}

ABBREVIATE = [  # (full text, variants a second reporter writes)
    ("Bulk Water Supply", ["BWS", "Bulk Water Supply Scheme", "Bulk Water"]),
    ("Water Treatment Works", ["WTW", "Waterworks", "Water Works"]),
    ("Wastewater Treatment Works", ["WWTW", "Waste Water Treatment Works", "WWTW"]),
    ("Primary School", ["P/S", "Primary Sch", "PS"]),
    ("Secondary School", ["Sec School", "SS", "Secondary Sch."]),
    ("Junior Secondary School", ["JSS", "Jnr Sec School"]),
    ("Community Health Centre", ["CHC", "Community Health Center"]),
    ("Upgrading of", ["Upgr. of", "Upgrade of"]), ("Upgrade", ["Upgr", "Upgrading"]),
    ("Construction of", ["Constr. of", "Building of", "Construct"]),
    ("Refurbishment of", ["Refurb.", "Refurbishing of"]), ("Rehabilitation of", ["Rehab.", "Rehab of"]),
    ("Rehabilitation", ["Rehab", "Rehabilitation Works"]), ("Hospital", ["Hosp.", "Hospital"]),
    ("Road", ["Rd", "Road"]), ("Households", ["HH", "hh"]), ("Electrification", ["Elec.", "Electrification Project"]),
    ("Sports Field", ["Sportsfield", "Sport Field"]), ("Houses", ["RDP Houses", "BNG houses", "Housing Units"]),
    ("Reticulation", ["Retic.", "Reticulation Network"]), ("Stormwater", ["Storm Water"]),
    ("Community Hall", ["Comm. Hall", "Multi-Purpose Hall"]), ("Extension", ["Ext", "Ext."]),
    (" and ", [" & "]),
]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII"}
WORDS = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five"}


class Gen:
    def __init__(self, seed=2020):
        self.r = random.Random(seed)
        self.centre = muni_centres()
        self.village_point = {}
        for (_zone, muni), villages in PLACES.items():
            lat, lon = self.centre[muni]
            for village in villages:
                self.village_point[village] = (lat + self.r.uniform(-0.15, 0.15), lon + self.r.uniform(-0.15, 0.15))
        self.refs = 0

    # ---- base project --------------------------------------------------------------------
    def base(self, template=None, zone_muni=None, place=None, n=None, school=None, letter=None):
        r = self.r
        zone, muni = zone_muni or r.choice(list(PLACES))
        place = place or r.choice(PLACES[(zone, muni)])
        sector, title_t, desc_t = template or r.choice(TEMPLATES)
        others = [p for p in PLACES[(zone, muni)] if p != place]
        slots = dict(place=place, place2=r.choice(others), n=n or r.randint(1, 4), school=school or r.choice(SCHOOLS),
                     letter=letter or r.choice("ABCD"), hh=r.choice([120, 250, 340, 480, 600, 1200]),
                     ml=r.choice([5, 10, 20, 40]), km=r.randint(4, 30), road=r.choice(ROADS))
        first = r.randint(2017, 2022)
        years = list(range(first, first + r.randint(0, 3) + 1))
        lat, lon = self.village_point[place]
        record = dict(
            zone=zone, municipality=muni, ward=f"{muni}-{r.randint(1, 30)}", sector=sector,
            organisation=self.org(sector, zone), title=title_t.format(**slots), description=desc_t.format(**slots),
            lat=round(lat + r.uniform(-0.01, 0.01), 5), lon=round(lon + r.uniform(-0.01, 0.01), 5),
            years=years, amount=r.choice([2, 5, 8, 12, 18, 25, 40, 65, 90, 150, 300]) * 1_000_000 + r.randint(0, 999) * 1000,
        )
        record["_slots"], record["_template"] = slots, (sector, title_t, desc_t)
        return self.finish(record)

    def org(self, sector, zone):
        choice = self.r.choice(ORGS[sector] + [zone.lower()])
        return choice.format(prov=PROVINCE_OF_ZONE[zone])

    def finish(self, record):
        self.refs += 1
        record["reference"] = f"P{self.refs:05d}"
        return record

    def location_variant(self, record, keep_point=0.5):
        """A second reporter's location: a nearby point, only the ward, or only the municipality."""
        r, out = self.r, dict(record)
        roll = r.random()
        if roll < keep_point:
            out["lat"] = round(record["lat"] + r.uniform(-0.005, 0.005), 5)
            out["lon"] = round(record["lon"] + r.uniform(-0.005, 0.005), 5)
        else:
            out["lat"] = out["lon"] = None
            if roll > 0.8:
                out["ward"] = ""
        return out

    # ---- a second report of the same project ------------------------------------------------
    def duplicate(self, record):
        r = self.r
        dup = self.location_variant(record)
        dup["title"] = self.reword(record["title"], record["_slots"])
        dup["description"] = r.choice(["", record["description"], record["description"] + " (as per business plan)",
                                       "Implementation continues; contractor on site"])
        if r.random() < 0.8:
            alternatives = list(ORGS[record["sector"]] + [record["municipality"].lower(), record["zone"].lower()])
            dup["organisation"] = r.choice(alternatives).format(prov=PROVINCE_OF_ZONE[record["zone"]])
        if r.random() < 0.15:
            dup["sector"] = RELATED_SECTOR.get(record["sector"], record["sector"])
        years = record["years"]
        roll = r.random()
        if roll < 0.3:
            shift = r.choice([-1, 1])
            dup["years"] = [y + shift for y in years] if len(years) > 1 else years
        elif roll < 0.4:
            dup["years"] = []
        roll = r.random()
        if roll < 0.6:
            dup["amount"] = int(record["amount"] * r.uniform(0.85, 1.15))
        elif roll < 0.85:
            dup["amount"] = int(record["amount"] * r.uniform(0.4, 0.8))
        else:
            dup["amount"] = None
        return self.finish(dup)

    def reword(self, title, slots):
        r = self.r
        text = title
        place = slots["place"]
        for full, variants in ABBREVIATE:
            if full in text and r.random() < 0.55:
                text = text.replace(full, r.choice(variants), 1)
        text = self.phase_notation(text, slots)
        if r.random() < 0.35:
            text = self.reorder(text)
        roll = r.random()
        if place in FORMER and roll < 0.6:
            text = text.replace(place, FORMER[place])
        elif roll < 0.2:
            text = text.replace(place, typo(r, place))
        if r.random() < 0.15:
            text = text + r.choice([" Project", " (Phase continuing)", " - MIG", f" in {slots['place']} area"])
        if r.random() < 0.1:
            words = text.split()
            k = r.randrange(len(words))
            if len(words[k]) > 6 and words[k] not in (place, slots["school"]):
                words[k] = typo(r, words[k])
            text = " ".join(words)
        roll = r.random()
        if roll < 0.15:
            text = text.upper()
        elif roll < 0.25:
            text = text.lower()
        return text

    def phase_notation(self, text, slots):
        n = slots["n"]
        if f"Phase {n}" in text:
            variants = [f"Ph {n}", f"Phase {ROMAN[n]}", f"Ph. {ROMAN[n]}", f"Ph{n}", f"Phase {n}"]
            if n in WORDS:
                variants.append(f"Phase {WORDS[n]}")
            text = text.replace(f"Phase {n}", self.r.choice(variants))
        return text

    def reorder(self, text):
        for verb in ("Upgrading of ", "Construction of ", "Refurbishment of ", "Rehabilitation of "):
            if text.startswith(verb):
                return text[len(verb):] + " - " + verb.replace(" of ", "").strip()
        if text.endswith(" Upgrade"):
            return "Upgrade of " + text[: -len(" Upgrade")]
        if ":" in text:
            left, right = text.split(":", 1)
            return right.strip() + " (" + left.strip() + ")"
        return text

    # ---- different projects that look alike -------------------------------------------------
    def other_phase(self):
        template = self.r.choice(PHASED)
        a = self.base(template=template)
        slots = a["_slots"]
        key = "letter" if "{letter}" in template[1] else "n"
        if key == "n":
            n2 = min(6, slots["n"] + self.r.choice([1, 1, 2, -1]) if slots["n"] > 1 else slots["n"] + 1)
            b = self.base(template=template, zone_muni=(a["zone"], a["municipality"]), place=slots["place"], n=n2,
                          school=slots["school"], letter=slots["letter"])
        else:
            letter = self.r.choice([c for c in "ABCD" if c != slots["letter"]])
            b = self.base(template=template, zone_muni=(a["zone"], a["municipality"]), place=slots["place"], n=slots["n"],
                          school=slots["school"], letter=letter)
        b.update({k: v for k, v in self.location_variant(a, keep_point=0.7).items() if k in ("lat", "lon", "ward")})
        if self.r.random() < 0.5:
            b["organisation"] = a["organisation"]
        if self.r.random() < 0.5:  # the other phase is written the way another reporter would
            b["title"] = self.reword(b["title"], b["_slots"])
        return a, b

    def other_village(self):
        # Templates naming the place in the title (a school title names the school, not the village).
        template = self.r.choice([t for t in TEMPLATES if "{place}" in t[1]])
        a = self.base(template=template)
        others = [p for p in PLACES[(a["zone"], a["municipality"])] if p != a["_slots"]["place"]]
        b = self.base(template=template, zone_muni=(a["zone"], a["municipality"]), place=self.r.choice(others),
                      n=a["_slots"]["n"], school=a["_slots"]["school"], letter=a["_slots"]["letter"])
        if self.r.random() < 0.3:
            a["lat"] = a["lon"] = None
        if self.r.random() < 0.3:
            b["title"] = self.reword(b["title"], b["_slots"])
        return a, b

    def other_school(self):
        template = self.r.choice(SCHOOL_TEMPLATES)
        a = self.base(template=template)
        school = self.r.choice([s for s in SCHOOLS if s != a["_slots"]["school"]])
        b = self.base(template=template, zone_muni=(a["zone"], a["municipality"]), place=a["_slots"]["place"],
                      school=school)
        if self.r.random() < 0.3:
            b["title"] = self.reword(b["title"], b["_slots"])
        return a, b

    def other_facility(self):
        a = self.base()
        sector = a["sector"]
        choices = [t for t in TEMPLATES if t[0] == sector and t[1] != a["_template"][1]]
        b = self.base(template=self.r.choice(choices), zone_muni=(a["zone"], a["municipality"]),
                      place=a["_slots"]["place"])
        return a, b

    def random_pair(self):
        a = self.base()
        b = self.base(zone_muni=(a["zone"], a["municipality"]))
        return a, b


def typo(r, word):
    if len(word) < 5:
        return word
    k = r.randrange(1, len(word) - 2)
    if r.random() < 0.5:
        return word[:k] + word[k + 1:]
    return word[:k] + word[k + 1] + word[k] + word[k + 2:]


def muni_centres():
    """Representative points of the municipalities used, from the packaged MDB 2020 boundaries."""
    from shapely.geometry import shape

    wanted = {muni for _zone, muni in PLACES}
    path = ROOT / "src" / "ddm" / "places" / "data" / "za_municipalities_2020.geojson"
    with open(path, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    result = {}
    for feature in features:
        code = feature["properties"]["code"]
        if code in wanted:
            point = shape(feature["geometry"]).representative_point()
            result[code] = (point.y, point.x)
    return result


FIELDS = ["organisation", "reference", "title", "description", "sector", "lat", "lon", "municipality", "ward",
          "years", "amount"]


def generate(seed=2020):
    gen = Gen(seed)
    rows = []
    plan = ([("duplicate", 1)] * 190 + [("phase", 0)] * 70 + [("village", 0)] * 70 + [("school", 0)] * 35
            + [("facility", 0)] * 35 + [("random", 0)] * 40)
    gen.r.shuffle(plan)
    for number, (kind, label) in enumerate(plan, start=1):
        if kind == "duplicate":
            a = gen.base()
            b = gen.duplicate(a)
        else:
            a, b = {"phase": gen.other_phase, "village": gen.other_village, "school": gen.other_school,
                    "facility": gen.other_facility, "random": gen.random_pair}[kind]()
        if gen.r.random() < 0.5:
            a, b = b, a
        row = {"pair": number, "split": "tune" if number % 2 else "test", "label": label, "kind": kind, "zone": a["zone"]}
        for side, record in (("a", a), ("b", b)):
            for name in FIELDS:
                value = record.get(name)
                if name == "years":
                    value = ";".join(str(y) for y in value)
                row[f"{side}_{name}"] = "" if value is None else value
        rows.append(row)
    return rows


def record_from_row(row, side, number):
    """A matcher Record for one side of an evaluation row."""
    from decimal import Decimal

    from ddm.alignment.duplicates import Record

    def get(name):
        return row[f"{side}_{name}"]

    point = ((float(get("lat")), float(get("lon"))),) if get("lat") else ()
    return Record(
        id=number, organisation=get("organisation"), reference=get("reference"), title=get("title"),
        description=get("description"), sector=get("sector"), points=point,
        municipalities=frozenset([get("municipality")]) if get("municipality") else frozenset(),
        wards=frozenset([get("ward")]) if get("ward") else frozenset(),
        years=frozenset(int(y) for y in get("years").split(";") if y),
        amount=Decimal(get("amount")) if get("amount") else None, zone=row["zone"],
    )


def read(path=OUT):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write(rows, path=OUT):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    rows = generate()
    write(rows)
    print(f"{len(rows)} pairs written to {OUT}", file=sys.stderr)
