"""Errors and warnings of an import, each saying where (file, sheet, row, column) and why."""

from dataclasses import dataclass, field
from typing import TypedDict, Unpack

# A value as JSON carries it (dates as ISO text, anything else as its text).
JsonValue = str | int | float | bool | None


class IssueDict(TypedDict):
    """Issue.as_dict(): the issue's fields, its value made JSON-safe."""

    level: str
    message: str
    file: str
    sheet: str
    row: int | None
    column: str
    value: JsonValue


class Where(TypedDict, total=False):
    """Where an issue is: the keyword arguments of IssueLog.error and .warning."""

    file: str
    sheet: str
    row: int | None
    column: str
    value: object

ERROR = "error"
WARNING = "warning"


def _json_value(value: object) -> JsonValue:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@dataclass
class Issue:
    level: str  # "error" (blocking) or "warning"
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None  # 1-based, as Excel shows it
    column: str = ""  # "C (Project name)"
    value: object = None

    def as_dict(self) -> IssueDict:
        return IssueDict(level=self.level, message=self.message, file=self.file, sheet=self.sheet, row=self.row,
                         column=self.column, value=_json_value(self.value))

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.file, self.sheet, self.row or "", self.column) if part != "")
        value = "" if self.value in (None, "") else f"{self.value!s} — "
        return f"{where}: {value}{self.message}" if where else f"{value}{self.message}"


@dataclass
class IssueLog:
    """Collects issues; ``limit`` caps how many of each level are kept (counts stay exact)."""

    file: str = ""
    sheet: str = ""
    limit: int = 5000
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0

    def add(self, level: str, message: str, **where: Unpack[Where]) -> Issue:
        where.setdefault("file", self.file)
        where.setdefault("sheet", self.sheet)
        issue = Issue(level, message, **where)
        if level == ERROR:
            self.error_count += 1
            if len(self.errors) < self.limit:
                self.errors.append(issue)
        else:
            self.warning_count += 1
            if len(self.warnings) < self.limit:
                self.warnings.append(issue)
        return issue

    def error(self, message: str, **where: Unpack[Where]) -> Issue:
        return self.add(ERROR, message, **where)

    def warning(self, message: str, **where: Unpack[Where]) -> Issue:
        return self.add(WARNING, message, **where)

    @property
    def blocking(self) -> bool:
        return self.error_count > 0

    def as_dicts(self) -> tuple[list[IssueDict], list[IssueDict]]:

        return [i.as_dict() for i in self.errors], [i.as_dict() for i in self.warnings]
