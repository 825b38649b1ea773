"""`entra-harness snapshot export|import FILE --state DIR`, and the `--state` / `--snapshot`
options of `up` and `serve` (issue 22): a tenant configured by hand, saved, and reused."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.cli.errors import CommandError
from mock_idp.snapshot.document import SnapshotError, read_snapshot, write_snapshot
from mock_idp.snapshot.entities import Sections, load_sections
from mock_idp.snapshot.store import StateDirectoryError, TenantStore, read_state
from mock_idp.tenant import Tenant

STATE_HELP = (
    "keep the tenant in SQLite in DIR (and the vendors' SCIM users in DIR/scim): a restart, "
    "even after kill -9, finds every acknowledged change"
)


def add_state_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state", metavar="DIR", default=None, help=STATE_HELP)
    parser.add_argument(
        "--snapshot",
        metavar="FILE",
        default=None,
        help="start with the tenant of this snapshot (entra-harness snapshot export)",
    )


def add_snapshot_command(commands: argparse._SubParsersAction) -> None:
    snapshot = commands.add_parser(
        "snapshot", help="export or import the tenant of a state directory as a JSON snapshot"
    )
    actions = snapshot.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write the tenant of --state DIR to FILE")
    export.add_argument("file", metavar="FILE")
    export.add_argument("--state", metavar="DIR", required=True)
    export.add_argument(
        "--include-keys",
        action="store_true",
        help="also write private signing keys and secret tokens (leave out to commit the file)",
    )
    export.set_defaults(run=command_export)
    load = actions.add_parser("import", help="replace the tenant of --state DIR by FILE's")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--state", metavar="DIR", required=True)
    load.set_defaults(run=command_import)


def read_snapshot_file(path: Path) -> Sections:
    try:
        return read_snapshot(path)
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file", "give the path of a snapshot") from None
    except SnapshotError as error:
        raise CommandError(str(error), "entra-harness snapshot export writes one") from None


def open_state(directory: Path) -> TenantStore:
    try:
        return TenantStore(directory)
    except StateDirectoryError as error:
        raise CommandError(str(error), "one process per state directory") from None


def _summary(tenant: Tenant) -> str:
    return (
        f"{len(tenant.directory.users)} users, {len(tenant.directory.groups)} groups, "
        f"{len(tenant.apps)} apps, {len(tenant.provisioning.jobs)} provisioning jobs"
    )


def command_export(args: argparse.Namespace) -> int:
    """Read while `up` may be running: WAL shows the last committed state."""
    directory = Path(args.state)
    try:
        found = read_state(directory)
    except StateDirectoryError as error:
        raise CommandError(str(error), "export it with the release that wrote it") from None
    if found is None:
        raise CommandError(
            f"{directory} holds no tenant state",
            "start `entra-harness up --state DIR`, configure the tenant, then export",
        )
    tenant = Tenant()
    load_sections(tenant, found)
    write_snapshot(tenant, Path(args.file), include_keys=args.include_keys)
    kept = (
        "with private keys and secret tokens"
        if args.include_keys
        else "without private keys or secret tokens (--include-keys keeps them)"
    )
    print(f"Exported {_summary(tenant)} to {args.file}, {kept}.")
    return 0


def command_import(args: argparse.Namespace) -> int:
    sections = read_snapshot_file(Path(args.file))
    store = open_state(Path(args.state))
    try:
        tenant = Tenant()
        load_sections(tenant, sections)
        store.save(tenant)
    finally:
        store.close()
    print(f"Imported {_summary(tenant)} into {args.state}; `entra-harness up --state` serves it.")
    return 0


def load_snapshot_into(tenant: Tenant, path: Path) -> None:
    """`up --snapshot FILE`: the file's tenant replaces the started one (and is saved, with
    --state, like any change)."""
    load_sections(tenant, read_snapshot_file(path))
    tenant.changed()
