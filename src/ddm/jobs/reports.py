"""Import reports as JSON: what a file's cells can hold that JSON cannot."""

import math
from typing import Any


def finite_json(value: Any) -> Any:
    """The value with NaN and infinite floats written as text: a file's cell can hold them, JSON cannot
    (SQLite's JSON_VALID check refused the report of a file whose rejected row held a NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite_json(item) for item in value]
    return value


def cell_json(value: Any) -> Any:
    """A cell as read (str, number, bool, date, None) as a JSON value (dates as ISO text)."""
    if value is None or isinstance(value, str | int | float | bool):
        return finite_json(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
