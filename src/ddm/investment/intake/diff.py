"""What a file changes in the published register, for its reviewers: projects added, projects
changed (fields and budget lines, old -> new), and the organisation's published projects the file
does not mention (a file never deletes them; reviewers should still see they are absent).

The pipeline's writer reports each change as it compares a chunk with the register (the same
comparison that decides what it writes), so a preview's diff is exactly what approving it writes
if the register has not changed in between. Lists are capped (MAX_LISTED each); counts and the
per-kind sums are always complete.

Shape (Submission.diff):
    {"added": [{"reference", "title", "lines": [{"kind", "years", "amount"}]}],
     "changed": [{"reference", "title", "fields": {name: [old, new]},
                  "lines": [{"kind", "years", "old", "new"}]}],
     "not_in_file": [reference], "counts": {"added", "changed", "not_in_file"},
     "amounts": {kind: {"added": "R", "change": "R"}},  # Decimal as text: new lines, net change
     "truncated": bool}
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NotRequired, TypedDict

from ddm.accounts.models import Organisation
from ddm.investment.calendar import span_label
from ddm.investment.models import Project

# A value as the diff shows it (JSON).
JsonValue = str | int | float | bool | None


class DiffEntry(TypedDict):
    """An added or changed project; a changed one lists its fields too."""

    reference: str
    title: str
    lines: list[dict[str, str | None]]  # {"kind", "years", "amount"} or {"kind", "years", "old", "new"}
    fields: NotRequired[dict[str, list[JsonValue]]]  # name -> [old, new]

MAX_LISTED = 2000


def _years(first: int | None, last: int | None) -> str:
    if first is None:
        return "years not stated"

    return span_label(first, last)


def _text(value: object) -> JsonValue:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class Diff:
    def __init__(self) -> None:
        self.added: dict[str, DiffEntry] = {}  # reference -> entry
        self.changed: dict[str, DiffEntry] = {}
        self.counts = {"added": 0, "changed": 0, "not_in_file": 0}
        self.amounts: dict[str, dict[str, Decimal]] = {}  # kind -> {"added", "change"}
        self.not_in_file: list[str] = []
        self.truncated = False

    def _entry(self, table: dict[str, DiffEntry], reference: str, title: str, count_key: str) -> DiffEntry | None:
        entry = table.get(reference)
        if entry is None:
            self.counts[count_key] += 1
            if len(table) >= MAX_LISTED:
                self.truncated = True
                return None
            entry = table[reference] = {"reference": reference, "title": title, "lines": []}
            if table is self.changed:
                entry["fields"] = {}
        return entry

    def _add_amount(self, kind: str, field: str, amount: Decimal) -> None:
        sums = self.amounts.setdefault(kind, {"added": Decimal(0), "change": Decimal(0)})
        sums[field] += amount

    def project_added(self, reference: str, title: str) -> None:
        self._entry(self.added, reference, title, "added")

    def field_changed(self, reference: str, title: str, name: str, old: object, new: object) -> None:
        entry = self._entry(self.changed, reference, title, "changed")
        if entry is not None:
            entry["fields"][name] = [_text(old), _text(new)]

    def line_added(self, reference: str, title: str, kind: str, first: int | None, last: int | None, amount: Decimal,
                   new_project: bool) -> None:
        self._add_amount(kind, "added", amount)
        self._add_amount(kind, "change", amount)
        if new_project:
            entry = self.added.get(reference)
            if entry is not None:
                entry["lines"].append({"kind": kind, "years": _years(first, last), "amount": str(amount)})
            return
        entry = self._entry(self.changed, reference, title, "changed")
        if entry is not None:
            entry["lines"].append({"kind": kind, "years": _years(first, last), "old": None, "new": str(amount)})

    def line_changed(self, reference: str, title: str, kind: str, first: int | None, last: int | None, old: Decimal,
                     new: Decimal) -> None:
        self._add_amount(kind, "change", new - old)
        entry = self._entry(self.changed, reference, title, "changed")
        if entry is not None:
            entry["lines"].append({"kind": kind, "years": _years(first, last), "old": str(old), "new": str(new)})

    def places_changed(self, reference: str, title: str) -> None:
        entry = self._entry(self.changed, reference, title, "changed")
        if entry is not None:
            entry["fields"]["places"] = ["as published", "as in the file"]

    def complete(self, organisation: Organisation, references_in_file: Iterable[str]) -> None:
        """Note the organisation's projects the file does not mention (one query of references)."""
        seen = set(references_in_file)
        absent = [ref for ref in Project.objects.filter(organisation=organisation).order_by("reference")
                  .values_list("reference", flat=True).iterator() if ref not in seen]
        self.counts["not_in_file"] = len(absent)
        self.not_in_file = absent[:MAX_LISTED]
        self.truncated = self.truncated or len(absent) > MAX_LISTED

    def as_json(self) -> dict[str, Any]:
        return {
            "added": list(self.added.values()), "changed": list(self.changed.values()),
            "not_in_file": self.not_in_file, "counts": dict(self.counts),
            "amounts": {kind: {k: str(v) for k, v in sums.items()} for kind, sums in sorted(self.amounts.items())},
            "truncated": self.truncated,
        }
