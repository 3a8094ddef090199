"""The quantum as data for scripts and spreadsheets: one JSON shape and one table for the CLI,
the API and the page exports.

JSON shape (stable; `ddm report quantum --json` and GET /api/zones/{code}/quantum):

    {
      "zone": {"code": "ETH", "name": "eThekwini"},
      "calendar": "april" | "july",
      "calendar_description": "April-March financial years (national and provincial government)",
      "view": "annual" | "stated",
      "rows": [{"sphere", "organisation", "organisation_name", "financial_year" ("2019/20", a span
                such as "2019/20-2023/24" in the stated view, or null: years not stated), "kind",
                "amount" (Rand, decimal string), "apportioned" (true: a share of a line spread over
                years or converted from another calendar), "sector" (null for aggregate lines),
                "municipality" (code or null: located only to the zone), "precision", "is_aggregate",
                "stated_calendar", "demo" (false: real figures only here)}],
      "demo_rows": [the same shape, "demo": true: lines of invented demo projects, in no total],
      "totals": {"government": {kind: amount}, "private": {kind: amount},
                 "by_sphere": {sphere: {kind: amount}}, "by_precision": {precision: {kind: amount}},
                 "includes": {"government": text, "private": text, "demo": text, "kinds": text},
                 "demo": {"government": {kind: amount}, "private": {kind: amount}, "note": text}},
      "published_totals": [{"key", "amount", "stated_as", "label", "source", "includes", "excludes",
                            "note", "breakdown_published", "lines_sum", "difference",
                            "government_in_lines", "private_in_lines", "lines": [...], "findings": [...]}]
    }
Government and private totals are separate keys and are never added; kinds are never added; demo
figures (totals.demo, demo_rows) are never in rows or the real totals.
The API pages the rows (a large zone has ~10,000): `?limit=` (default 1000, at most 5000) and
`?offset=` select them and the body adds "page": {"offset", "limit", "row_count", "next_offset"
(null on the last page)}; totals and published_totals are always the whole zone's.
"""

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from ddm.investment.pilots import published_for_zone, published_json
from ddm.investment.quantum import Quantum

ROW_HEADER = ["zone", "calendar", "view", "sphere", "organisation", "organisation_name", "financial_year", "kind",
              "amount_rand", "apportioned", "sector", "municipality", "precision", "aggregate_line", "stated_calendar", "demo"]


def _amounts(mapping: Mapping[str, Decimal]) -> dict[str, str]:
    return {key: str(value) for key, value in mapping.items()}


def quantum_json(quantum: Quantum, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
    """The JSON shape above; with a limit (the API), rows are one page and "page" says which."""
    totals = quantum.totals()
    rows = quantum.rows if limit is None else quantum.rows[offset:offset + limit]
    body: dict[str, Any] = {
        "zone": {"code": quantum.zone.code, "name": quantum.zone.name},
        "calendar": quantum.calendar,
        "calendar_description": quantum.calendar_description,
        "view": quantum.view,
        "rows": [row.as_dict() for row in rows],
        "totals": {
            "government": _amounts(totals["government"]),
            "private": _amounts(totals["private"]),
            "by_sphere": {s: _amounts(v) for s, v in totals["by_sphere"].items()},
            "by_precision": {p: _amounts(v) for p, v in totals["by_precision"].items()},
            "includes": totals["includes"],
            "demo": {"government": _amounts(totals["demo"]["government"]),
                     "private": _amounts(totals["demo"]["private"]), "note": totals["demo"]["note"]},
        },
        "demo_rows": [row.as_dict() for row in quantum.demo_rows],
        "published_totals": [published_json(r) for r in published_for_zone(quantum.zone)],
    }
    if limit is not None:
        following = offset + limit if offset + limit < len(quantum.rows) else None
        body["page"] = {"offset": offset, "limit": limit, "row_count": len(quantum.rows), "next_offset": following}
    return body


def quantum_rows(quantum: Quantum) -> Iterator[list[Any]]:
    """The real rows, then the demo rows (last column "demo": not counted in any total)."""
    for r in [*quantum.rows, *quantum.demo_rows]:
        yield [quantum.zone.code, quantum.calendar, quantum.view, r.sphere, r.organisation, r.organisation_name,
               r.financial_year or "not stated", r.kind, r.amount, "yes" if r.apportioned else "no",
               r.sector or ("aggregate line, no sector" if r.is_aggregate else ""), r.municipality or "",
               r.precision, "yes" if r.is_aggregate else "no", r.stated_calendar,
               "demo (not in any total)" if r.demo else ""]


def quantum_notes(quantum: Quantum) -> list[str]:
    notes = [f"Zone {quantum.zone.code} {quantum.zone.name}; {quantum.calendar_description}; view: {quantum.view}.",
             "Apportioned rows are shares of multi-year lines spread evenly, or of lines stated in another "
             "calendar, by month overlap."]
    notes.extend(quantum.totals()["includes"].values())
    notes.append("Source: the DDM Hub investment register (submissions of each organisation).")
    return notes
