"""A project's change history (simple_history), as rows: when, who, what, field, old -> new.

History records of the project, its locations and its budget lines are fetched in three queries
and compared pairwise in Python (no per-record queries).
"""

from typing import Any

from ddm.investment.models import BudgetLine, Location

SKIP = {"id", "history_id", "history_date", "history_change_reason", "history_type", "history_user",
        "history_user_id", "updated", "created", "submission", "submission_id"}
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _fields(model):
    return [f for f in model._meta.fields if f.attname not in SKIP and f.name not in SKIP]


def _changes(records, label, fields):
    """Rows for one object's history records (oldest first)."""
    rows, previous = [], None
    for record in records:
        base = {"when": record.history_date, "user": record.history_user, "object": label(record),
                "action": ACTIONS.get(record.history_type, record.history_type)}
        if previous is None or record.history_type != "~":
            rows.append({**base, "field": "", "old": "", "new": ""})
        else:
            for field in fields:
                old, new = getattr(previous, field.attname), getattr(record, field.attname)
                if old != new:
                    rows.append({**base, "field": field.verbose_name, "old": old, "new": new})
        previous = record
    return rows


def _grouped(queryset, key):
    groups: dict[Any, list] = {}
    for record in queryset.select_related("history_user").order_by("history_date", "history_id"):
        groups.setdefault(getattr(record, key), []).append(record)
    return groups


def project_history(project):
    rows = _changes(project.history.select_related("history_user").order_by("history_date", "history_id"),
                    lambda r: "project", _fields(type(project)))
    for pk, records in _grouped(Location.history.filter(project_id=project.pk), "id").items():
        rows += _changes(records, lambda r, pk=pk: f"location {pk}", _fields(Location))
    for pk, records in _grouped(BudgetLine.history.filter(project_id=project.pk), "id").items():
        rows += _changes(records, lambda r, pk=pk: f"budget line {pk}", _fields(BudgetLine))
    rows.sort(key=lambda r: r["when"], reverse=True)
    return rows
