"""A mock_scim SQLite store of any size, made fast: one user created through the server itself,
then its rows cloned with each clone's name and id (the sweep's 10^6 users in seconds, not the
~4 minutes that many creates over HTTP take)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from werkzeug.test import Client

from bench.scim import user
from bench.scim_wsgi import MOCK_SCIM_USERS, TOKEN, build_mock_scim

BATCH = 50_000


def clone_id(n: int) -> str:
    """The id of clone `n` (1-based), a UUID as the store's own are; bench/lua/scim_patch.lua
    builds the same."""
    return f"00000000-0000-0000-0000-{n:012x}"


def vendor_user(name: str) -> dict[str, Any]:
    """A user every built-in vendor accepts: its userName is its work email (RingCentral), it
    has one email and a given and family name (8x8)."""
    return {
        **user(name),
        "name": {"givenName": "Bench", "familyName": name},
    }


def populate_by_cloning(
    database: Path,
    count: int,
    prefix: str = "pop",
    app: Any = None,
    users_path: str = MOCK_SCIM_USERS,
) -> None:
    """`count` users `<prefix>-<n>@contoso.com` (n from 0), clone n+1 of the row and index keys
    the server wrote for `<prefix>-0`: every clone is what a create of that user would store.
    `app` is mock_scim's generic profile over `database` unless a vendor's is given."""
    app = app or build_mock_scim(database)
    response = Client(app).post(
        users_path,
        data=json.dumps(vendor_user(f"{prefix}-0")),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/scim+json"},
    )
    if response.status_code != 201:
        raise RuntimeError(f"template user: {response.status_code} {response.get_data()!r}")
    template_id = response.get_json()["id"]
    with sqlite3.connect(database) as connection:
        seq, resource_type, version, created, modified, data, keys = connection.execute(
            "SELECT seq, resource_type, version, created, last_modified, data, keys"
            " FROM resources WHERE id = ?",
            (template_id,),
        ).fetchone()
        key_rows = connection.execute(
            "SELECT resource_type, value, name, is_unique FROM index_keys WHERE resource_seq = ?",
            (seq,),
        ).fetchall()
        connection.execute("DELETE FROM index_keys WHERE resource_seq = ?", (seq,))
        connection.execute("DELETE FROM resources WHERE seq = ?", (seq,))
        name = f"{prefix}-0"

        def named(text: str, n: int) -> str:
            # The template's only occurrences of its name and id; "pop-0" is no prefix of
            # another token in it (the names are "pop-0" and "pop-0@contoso.com").
            return text.replace(template_id, clone_id(n + 1)).replace(name, f"{prefix}-{n}")

        for start in range(0, count, BATCH):
            numbers = range(start, min(start + BATCH, count))
            connection.executemany(
                "INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        n + 1,
                        clone_id(n + 1),
                        resource_type,
                        version,
                        created,
                        modified,
                        named(data, n),
                        named(keys, n),
                    )
                    for n in numbers
                ],
            )
            connection.executemany(
                "INSERT INTO index_keys VALUES (?, ?, ?, ?, ?)",
                [
                    (kind, named(value, n), key_name, n + 1, unique)
                    for n in numbers
                    for kind, value, key_name, unique in key_rows
                ],
            )
    app.target.close()
