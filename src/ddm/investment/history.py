"""A project's change history (simple_history), as rows: when, who, what, field, old -> new.

History records of the project, its locations and its budget lines are fetched in three queries
and compared pairwise in Python (no per-record queries).
"""

import datetime
from collections.abc import Iterable
from typing import Any, TypedDict

from django.contrib.auth.models import User
from django.db import models
from django.utils.functional import Promise

from ddm.investment.models import BudgetLine, Location, Project


class _Record(TypedDict):
    when: datetime.datetime
    user: User | None
    object: str
    action: str


class Change(_Record):
    """One row of a history: when, who, what, and for a change one field, old -> new."""

    field: str | Promise  # the field's verbose name ("" for a created or deleted record)
    old: Any
    new: Any

SKIP = {"id", "history_id", "history_date", "history_change_reason", "history_type", "history_user",
        "history_user_id", "updated", "created", "submission", "submission_id"}
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.fields if f.attname not in SKIP and f.name not in SKIP]


def _changes(records: Iterable[Any], label: str, fields: list[models.Field[Any, Any]]
             ) -> list[Change]:
    """Rows for one object's history records (oldest first)."""
    rows: list[Change] = []
    previous = None
    for record in records:
        base: _Record = {"when": record.history_date, "user": record.history_user, "object": label,
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


def _grouped(queryset: Any, key: str) -> dict[Any, list[Any]]:
    """History records (of simple_history's generated models) by the value of ``key``."""
    groups: dict[Any, list[Any]] = {}
    for record in queryset.select_related("history_user").order_by("history_date", "history_id"):
        groups.setdefault(getattr(record, key), []).append(record)
    return groups


def project_history(project: Project) -> list[Change]:
    rows = _changes(project.history.select_related("history_user").order_by("history_date", "history_id"),
                    "project", _fields(type(project)))
    for pk, records in _grouped(Location.history.filter(project_id=project.pk), "id").items():
        rows += _changes(records, f"location {pk}", _fields(Location))
    for pk, records in _grouped(BudgetLine.history.filter(project_id=project.pk), "id").items():
        rows += _changes(records, f"budget line {pk}", _fields(BudgetLine))
    rows.sort(key=lambda r: r["when"], reverse=True)
    return rows
