"""Write seeded rows in bulk: Django's ``bulk_create`` anywhere, PostgreSQL ``COPY`` when it can.

The seeder hands each writer plain tuples in a model's column order, so both writers see the
same data and can be compared on speed (``manage.py bench --writer orm|copy``).
"""

from __future__ import annotations

import json

from django.db import connection, models


def columns(model: type[models.Model]) -> list[str]:
    """Return the concrete column attnames of ``model`` in declaration order (id first)."""
    return [field.attname for field in model._meta.concrete_fields]


class OrmWriter:
    """Insert through ``Model.objects.bulk_create`` (portable, slower)."""

    name = "orm"

    def write(self, model: type[models.Model], cols: list[str], rows: list[tuple]) -> None:
        if rows:
            model.objects.bulk_create(
                [model(**dict(zip(cols, row, strict=True))) for row in rows], batch_size=2000
            )


class CopyWriter:
    """Stream rows with PostgreSQL ``COPY … FROM STDIN`` through psycopg (fast)."""

    name = "copy"

    def __init__(self):
        self._json: dict[type, set[int]] = {}

    def write(self, model: type[models.Model], cols: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        json_at = self._json.get(model)
        if json_at is None:
            fields = {field.attname: field for field in model._meta.concrete_fields}
            json_at = {i for i, col in enumerate(cols) if isinstance(fields[col], models.JSONField)}
            self._json[model] = json_at
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in cols)
        with connection.cursor() as wrapper:
            with wrapper.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                if json_at:
                    for row in rows:
                        copy.write_row(
                            tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(row))
                        )
                else:
                    for row in rows:
                        copy.write_row(row)


def writer_for(name: str):
    """Return the writer called ``name`` (``auto``: COPY on PostgreSQL, bulk_create otherwise)."""
    if name == "auto":
        name = "copy" if connection.vendor == "postgresql" else "orm"
    if name == "copy":
        if connection.vendor != "postgresql":
            raise ValueError("The copy writer needs PostgreSQL.")
        return CopyWriter()
    if name == "orm":
        return OrmWriter()
    raise ValueError(f"Unknown writer {name!r}: use auto, orm or copy.")
