"""Errors and warnings of an import, each saying where (file, sheet, row, column) and why."""

from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"


def _json_value(value):
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

    def as_dict(self):
        data = asdict(self)
        data["value"] = _json_value(self.value)
        return data

    def __str__(self):
        where = ":".join(str(part) for part in (self.file, self.sheet, self.row or "", self.column) if part != "")
        value = "" if self.value in (None, "") else f"{self.value!s} — "
        return f"{where}: {value}{self.message}" if where else f"{value}{self.message}"


@dataclass
class IssueLog:
    """Collects issues; ``limit`` caps how many of each level are kept (counts stay exact)."""

    file: str = ""
    sheet: str = ""
    limit: int = 5000
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0

    def add(self, level, message, **where):
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

    def error(self, message, **where):
        return self.add(ERROR, message, **where)

    def warning(self, message, **where):
        return self.add(WARNING, message, **where)

    @property
    def blocking(self):
        return self.error_count > 0

    def as_dicts(self):
        return [i.as_dict() for i in self.errors], [i.as_dict() for i in self.warnings]
