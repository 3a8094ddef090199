"""Dev-time tool, not part of the product: regenerate src/ddm/facilities/data/facilities.csv.gz from a
reference-data folder (its facilities/ subfolder holds the DBE and health lists named below).

    python tools/build_facilities.py DATA_DIR

The product reads only the packaged file (ddm.facilities.register). One row per facility, columns
harmonised across the DBE provincial files (Gauteng's differ) and the health lists; values kept as
published except: names of health facilities lose the lower-case province prefix ("ec Maluti CHC"
-> "Maluti CHC"), placeholders ("99", "to be updated") become empty, and coordinates that are not
numbers are kept as text in `coordinates_note` (never guessed). No row is dropped.
"""

import csv
import gzip
import io
import re
import sys
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "ddm" / "facilities" / "data" / "facilities.csv.gz"
COLUMNS = ["source", "kind", "category", "ref", "name", "sector", "lat", "lon", "coordinates_note", "learners",
           "educators", "village", "suburb", "town", "source_province", "source_municipality"]
PLACEHOLDERS = {"", "99", "0", "to be updated", "n/a", "na", "none", "unknown", "-", "outside a town"}
HEALTH = [  # (file, source key, kind, name column, lon column, lat column, category column or fixed value)
    ("dsfsi_health_system_za_hospitals_v1.csv", "dsfsi_hospitals", "hospital", "Name", "Long", "Lat", "Category"),
    ("dsfsi_CommunityHealthCenters.csv", "doh_chc", "community_health_centre", "Name", "Longitude", "Latitude",
     "=Community Health Centre"),
    ("dsfsi_CommunityDayCentre.csv", "doh_cdc", "community_day_centre", "FacilityName", "longitude", "latitude",
     "=Community Day Centre"),
    ("dsfsi_EMS_Stations.csv", "doh_ems", "ems_station", "Name", "Longitude", "Latitude", "=EMS Station"),
    ("dsfsi_LongtermCare.csv", "doh_ltc", "long_term_care", "Name", "Longitude", "Latitude", "=Long-term care"),
]
PROVINCE_PREFIX = re.compile(r"^(ec|fs|gp|kz|lp|mp|nc|nw|wc)\s+")


def clean(value):
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    return "" if text.lower() in PLACEHOLDERS else text


def coordinate(raw):
    """(text of the number, note): the number as published if it is one, else the raw text as a note."""
    text = str(raw or "").strip()
    if not text:
        return "", "no coordinates"
    try:
        number = float(text)
    except ValueError:
        return "", f"coordinate {text!r} is not a number"
    if number == 0:
        return "", "coordinate given as 0"
    return text, ""


def first(row, *keys):
    for key in keys:
        if key in row:
            return row[key]
    return ""


def _fits(lat, lon):
    return -35 <= lat <= -22 and 16 <= lon <= 33


def _float(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _unscaled(value):
    """-2907075 -> -29.07075: every South African latitude and longitude has two integer digits, so a
    value that lost its decimal point gets it back after the second digit (sign kept)."""
    digits = str(abs(int(value)))
    return float(("-" if value < 0 else "") + digits[:2] + "." + digits[2:])


def _readings(lat_text, lon_text):
    """The ways to read a published pair: as published, swapped, decimal point restored (+ swapped)."""
    lat, lon = _float(lat_text), _float(lon_text)
    if lat is None or lon is None:
        return {}
    readings = {"published": (lat, lon), "swapped": (lon, lat)}
    if abs(lat) >= 1000 and abs(lon) >= 1000 and lat.is_integer() and lon.is_integer():
        readings["unscaled"] = (_unscaled(lat), _unscaled(lon))
        readings["unscaled_swapped"] = (_unscaled(lon), _unscaled(lat))
    return {name: pair for name, pair in readings.items() if _fits(*pair)}


def school_coordinate_fixes(rows):
    """{(file, province): reading} for groups where >= 90% of rows with coordinates fit South Africa
    only under one systematic misreading (columns swapped, decimal point lost). The Eastern Cape lists
    label latitudes GIS_Longitude; the Northern Cape list also lost the decimal points. A group-level
    correction with evidence, documented in SOURCES.md. Within such a group a row that fits as published
    is taken as published; a row that fits no reading stays as published (outside), never guessed."""
    totals, fixes = Counter(), Counter()
    for path, row in rows:
        lat, lon = first(row, "GIS_Latitude", "Latitude"), first(row, "GIS_Longitude", "Longitude")
        if lat.strip() and lon.strip():
            group = (path.name, row["Province"])
            totals[group] += 1
            readings = _readings(lat, lon)
            if "published" not in readings and len(readings) == 1:
                fixes[(group, next(iter(readings)))] += 1
    return {group: reading for (group, reading), count in fixes.items() if count >= 0.9 * totals[group]}


def read_school_files(folder):
    rows = []
    for path in sorted(folder.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            rows += [(path, row) for row in csv.DictReader(handle)]
    return rows


def school_rows(folder):
    rows = read_school_files(folder)
    fixes = school_coordinate_fixes(rows)
    for path, row in rows:
        lat, lat_note = coordinate(first(row, "GIS_Latitude", "Latitude"))
        lon, lon_note = coordinate(first(row, "GIS_Longitude", "Longitude"))
        fix = fixes.get((path.name, row["Province"]))
        readings = _readings(lat, lon)
        if fix and "published" not in readings and fix in readings:
            lat, lon = (f"{value:.7g}" for value in readings[fix])
            lat_note = f"source coordinates read {fix.replace('_', ' and ')} (a correction of the whole list)"
        yield {
            "source": "dbe_schools_2024", "kind": "school", "category": clean(row["Phase_PED"]),
            "ref": row["NatEmis"].strip(), "name": clean(first(row, "Official_Institution_Name",
                                                          "Institution_Name")),
            "sector": clean(row["Sector"]).lower(), "lat": lat if lon else "", "lon": lon if lat else "",
            "coordinates_note": "; ".join(dict.fromkeys(n for n in (lat_note, lon_note) if n)),
            "learners": (row.get("Learners2024") or "").strip(),
            "educators": (row.get("Educators2024") or "").strip(),
            "village": clean(row.get("Township_Village")), "suburb": clean(row.get("Suburb")),
            "town": clean(first(row, "Town_City", "towncity")),
            "source_province": row["Province"].strip(), "source_municipality": clean(row.get("LMunName")),
        }


def health_rows(folder):
    for filename, source, kind, name_col, lon_col, lat_col, category in HEALTH:
        with open(folder / filename, newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                lon, lon_note = coordinate(row[lon_col])
                lat, lat_note = coordinate(row[lat_col])
                municipality = first(row, "LocalMunicipality", "LocalMunicapalityName", "Local Municipality",
                                     "Subdistrict")
                yield {
                    "source": source, "kind": kind,
                    "category": category[1:] if category.startswith("=") else clean(row[category]),
                    "ref": f"{filename}:{number}", "name": PROVINCE_PREFIX.sub("", clean(row[name_col])),
                    "sector": "private" if "private" in (category + row.get(category, "")).lower()
                    or row.get("OrgUnitOwnership", "").lower() == "private" else "public",
                    "lat": lat if lon else "", "lon": lon if lat else "",
                    "coordinates_note": "; ".join(dict.fromkeys(n for n in (lat_note, lon_note) if n)),
                    "learners": "", "educators": "", "village": "", "suburb": "", "town": "",
                    "source_province": row["Province"].strip(),
                    "source_municipality": PROVINCE_PREFIX.sub("", clean(municipality)),
                }


def build(shared):
    folder = Path(shared) / "facilities"
    rows = list(school_rows(folder / "dbe_schools")) + list(health_rows(folder / "health"))
    print("coordinates corrected for:", sorted(school_coordinate_fixes(read_school_files(folder / "dbe_schools"))
                                               .items()))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    # mtime=0: the same input gives the same bytes (a clean git diff).
    with gzip.GzipFile(OUT, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tools/build_facilities.py DATA_DIR")
    count = build(sys.argv[1])
    print(f"wrote {count} facilities to {OUT}")
