"""History rows for bulk-created objects, in one COPY (PostgreSQL) or executemany (SQLite).

simple_history's bulk_create_with_history builds a historical model instance per object and
inserts them through the ORM, which costs as much as the insert of the objects themselves; the
intake creates hundreds of thousands of rows, so this writes the same historical rows (same
table, same columns, history_type "+", the submitting user and a change reason) directly.
Updates and deletions still go through simple_history (they are few).
"""

from django.db import connection, models

# Values of these fields need the backend's conversion (JSON text, naive UTC on SQLite); Decimal,
# date, int, float, str and None are passed to the driver as they are.
CONVERTED = (models.JSONField, models.DateTimeField, models.UUIDField)
META = {"history_date", "history_user_id", "history_change_reason", "history_type"}
BATCH = 2000


def insert_created_history(model, objs, user, reason, when):
    """One "+" history row per object (objects must have their primary key)."""
    if not objs:
        return
    history = model.history.model
    fields = [f for f in history._meta.local_concrete_fields if f.attname != "history_id"]
    meta = {"history_date": when, "history_user_id": getattr(user, "pk", None),
            "history_change_reason": reason, "history_type": "+"}
    converters = [_identity if f.attname in META else _converter(f) for f in fields]
    meta = {name: (_converter(history._meta.get_field(name if name != "history_user_id" else "history_user"))(value))
            for name, value in meta.items()}
    getters = [_getter(f, meta) for f in fields]
    quote = connection.ops.quote_name
    table, columns = quote(history._meta.db_table), ", ".join(quote(f.column) for f in fields)
    rows = (tuple(convert(get(obj)) for convert, get in zip(converters, getters, strict=True)) for obj in objs)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream instead of one bound statement per row (psycopg's executemany).
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # Table and column names come from the model's metadata, quoted by the connection.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _getter(field, meta):
    if field.attname in META:
        value = meta[field.attname]
        return lambda obj: value
    attname = field.attname
    return lambda obj: getattr(obj, attname)


def _converter(field):
    if isinstance(field, models.DateTimeField):
        memo = {}  # an import stamps all its rows with the same few datetimes

        def convert(value):
            if value is None:
                return None
            if value not in memo:
                memo[value] = field.get_db_prep_save(value, connection)
            return memo[value]

        return convert
    if isinstance(field, CONVERTED):
        return lambda value: None if value is None else field.get_db_prep_save(value, connection)
    return _identity


def _identity(value):
    return value
