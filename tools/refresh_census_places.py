"""Dev-time tool, not part of the product: regenerate src/ddm/places/data/census2011_places.csv.gz from
the Stats SA Census 2011 main places and sub places dump of Code for South Africa's mma-dexter
(`resources/mysql/places.sql.gz`, a MySQL dump of one `places` table; see places/data/SOURCES.md);
then rebuild the gazetteer with `python tools/build_gazetteer.py`.

    python tools/refresh_census_places.py PATH/TO/places.sql.gz

Only the main place and sub place rows are kept (the province and municipality rows have no point),
with their Stats SA codes (a sub place code is its main place code and three digits), names as
published, 2011 MDB municipality code and centroid (rounded to 1e-4 degree, about 10 m). Nothing
else is changed: cleaning the names is the gazetteer build's job.
"""

import csv
import gzip
import io
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "ddm" / "places" / "data" / "census2011_places.csv.gz"
COLUMNS = ["level", "code", "name", "municipality_2011", "lat", "lon"]
SOURCE_COLUMNS = ["id", "level", "province_name", "province_code", "municipality_name", "municipality_code",
                  "mainplace_name", "mainplace_code", "subplace_name", "subplace_code", "lat", "lng"]
ROW = re.compile(r"\((\d+),((?:'(?:[^'\\]|\\.)*'|NULL)(?:,(?:'(?:[^'\\]|\\.)*'|NULL))*)\)")
VALUE = re.compile(r"'((?:[^'\\]|\\.)*)'|NULL")


def read_dump(path):
    """The rows of the dump's INSERT statements as dicts (NULL -> "")."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        text = handle.read()
    rows = []
    for statement in re.findall(r"INSERT INTO `places` VALUES (.*?);\n", text, re.S):
        for match in ROW.finditer(statement):
            values = [match.group(1)] + [v.replace("\\'", "'") for v in VALUE.findall(match.group(2))]
            if len(values) != len(SOURCE_COLUMNS):
                raise ValueError(f"{path}: row id {match.group(1)} has {len(values)} values, "
                                 f"expected {len(SOURCE_COLUMNS)}")
            rows.append(dict(zip(SOURCE_COLUMNS, values, strict=True)))
    return rows


def compact(rows):
    out = []
    for row in rows:
        if row["level"] not in ("mainplace", "subplace"):
            continue
        sub = row["level"] == "subplace"
        out.append({"level": "sub" if sub else "main",
                    "code": row["subplace_code"] if sub else row["mainplace_code"],
                    "name": row["subplace_name"] if sub else row["mainplace_name"],
                    "municipality_2011": row["municipality_code"],
                    "lat": f"{float(row['lat']):.4f}", "lon": f"{float(row['lng']):.4f}"})
    return sorted(out, key=lambda r: (r["level"], r["code"]))


def write(rows, path=OUT):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tools/refresh_census_places.py PATH/TO/places.sql.gz")
    places = compact(read_dump(sys.argv[1]))
    write(places)
    print(f"wrote {len(places)} main and sub places to {OUT}")
