"""Time the SQL the scan and list scenarios send, through a bare cursor: the yardsticks.

Each query is compiled once by the ORM and then run without Django's request, ORM or
serialisation layers, so a scenario's time can be compared with what the database alone
takes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from bench.scenarios.base import BenchEnv
from refurb.models import Device


def _compiled(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    return sql, tuple(params)


def raw_scan_query(tag: str):
    """The SQL the device-tag resolver sends, compiled by the ORM, run through a bare cursor."""
    return _compiled(
        Device.objects.select_related("category", "site", "location", "grade").filter(
            asset_tag=tag
        )[:1]
    )


def raw_list_query(filters: dict):
    """The SQL of one page (100 rows, newest first) of the device list with three filters."""
    return _compiled(
        Device.objects.select_related("category", "grade", "site", "location")
        .filter(state=filters["state"], site_id=filters["site"], category_id=filters["category"])
        .order_by("-id")[:100]
    )


def raw_count_query(filters: dict):
    """The SQL that counts the rows of the filtered device list (pagination needs it)."""
    sql = (
        f"SELECT COUNT(*) FROM {Device._meta.db_table} "
        "WHERE state = %s AND site_id = %s AND category_id = %s"
    )
    return sql, (filters["state"], filters["site"], filters["category"])


def raw_yardsticks(env: BenchEnv) -> dict[str, Callable[[int], object]]:
    """Return callables that run the scan and list SQL through a bare cursor (compiled once)."""
    scan_sql, scan_params = raw_scan_query(env.tags[0])
    tag_at = scan_params.index(env.tags[0])
    lists = [raw_list_query(f) for f in env.list_filters]

    def scan(i):
        params = list(scan_params)
        params[tag_at] = env.tags[i % len(env.tags)]
        with connection.cursor() as cursor:
            cursor.execute(scan_sql, params)
            assert cursor.fetchall()

    def page(i):
        sql, params = lists[i % len(lists)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    counts = [raw_count_query(f) for f in env.list_filters]

    def count(i):
        sql, params = counts[i % len(counts)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return {"scan": scan, "list": page, "list_count": count}
