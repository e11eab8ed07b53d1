"""Empty the benchmark database (``python -m bench.resetdb URL``), refusing any other one.

SQLite: delete the file (only if it is not the demo database). PostgreSQL: drop and recreate
the database, only if its name starts with ``bench`` so a typo cannot drop real data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url


def reset(url: str) -> str:
    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if config["ENGINE"].endswith("sqlite3"):
        path = Path(name)
        if path.name == "atelier.sqlite3":
            raise SystemExit("Refusing to delete the demo database var/atelier.sqlite3.")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"deleted {path}"
    if not name.startswith("bench"):
        raise SystemExit(f"Refusing to drop database {name!r}: bench databases start with 'bench'.")
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"recreated PostgreSQL database {name}"


if __name__ == "__main__":
    print(reset(sys.argv[1]))
