"""Dev-time tool, not part of the product: refresh src/ddm/places/data/geonames_ZA.csv from a
reference-data folder whose gazetteer/ subfolder holds GeoNames' cities500 and postal-code extracts for
South Africa; then rebuild the gazetteer with `python tools/build_gazetteer.py`.

    python tools/refresh_geonames.py DATA_DIR
"""

import csv
import sys
from pathlib import Path

GEONAMES_FILE = Path(__file__).resolve().parents[1] / "src" / "ddm" / "places" / "data" / "geonames_ZA.csv"


def refresh_geonames(shared):
    """data/geonames_ZA.csv from DATA_DIR/gazetteer: GeoNames cities500 (population >= 500) and
    the distinct (name, point) pairs of the GeoNames postal codes (many codes share a city's centroid)."""
    folder = Path(shared) / "gazetteer"
    rows = []
    with open(folder / "geonames_cities500_ZA.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append({"source": "geonames", "ref": row["geonameid"], "name": row["name"],
                         "lat": row["latitude"], "lon": row["longitude"], "population": row["population"]})
    seen = set()
    with open(folder / "geonames_postal_codes_ZA.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["place name"], row["latitude"], row["longitude"])
            if key not in seen and row["latitude"]:
                seen.add(key)
                rows.append({"source": "postal", "ref": row["postal code"], "name": row["place name"],
                             "lat": row["latitude"], "lon": row["longitude"], "population": ""})
    with open(GEONAMES_FILE, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["source", "ref", "name", "lat", "lon", "population"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tools/refresh_geonames.py DATA_DIR")
    print(f"wrote {refresh_geonames(sys.argv[1])} GeoNames places to {GEONAMES_FILE}")
