"""Many rows into one table at once: COPY on PostgreSQL, executemany on SQLite.

The ORM's bulk_create builds a model instance per row and compiles every value through its field;
an import stages hundreds of thousands of rows (intake/staging.py), for which that cost more than
the insert itself. Values are given as tuples in the order of the field names; JSON, datetimes and
UUIDs get the backend's conversion, other values (Decimal, date, int, float, str, None) go to the
driver as they are.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, cast

from django.db import connection, models

CONVERTED = (models.JSONField, models.DateTimeField, models.UUIDField)
BATCH = 2000


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert ``rows`` (tuples of values for the fields ``names``) into ``model``'s table."""
    # The names are the model's own columns (never a reverse relation, so each has a column name).
    fields = [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in names]
    converters = [_converter(field) for field in fields]
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(cast(str, field.column)) for field in fields)
    converted = _converted(rows, converters)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream instead of one bound statement per row (psycopg's executemany).
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in converted:
                    copy.write_row(row)
            return
        # Table and column names come from the model's metadata, quoted by the connection.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        batch = []
        for row in converted:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _converted(rows: Iterable[Sequence[Any]], converters: list[Callable[[Any], Any]]
               ) -> Iterator[Sequence[Any]]:
    """The rows with the values that need it converted; the others (most staged tables) go as they are."""
    width = len(converters)
    converting = [(index, convert) for index, convert in enumerate(converters) if convert is not _identity]
    for row in rows:
        if len(row) != width:
            raise ValueError(f"{len(row)} values for {width} fields: {row!r}")
        if converting:
            row = list(row)
            for index, convert in converting:
                row[index] = convert(row[index])
        yield row


def _converter(field: "models.Field[Any, Any]") -> Callable[[Any], Any]:
    if isinstance(field, CONVERTED):
        return lambda value: None if value is None else field.get_db_prep_save(value, connection)
    return _identity


def _identity(value: Any) -> Any:
    return value
