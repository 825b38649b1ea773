"""The `entra-harness` command: up, serve (one mock, for containers), demo, check-sp, check-scim."""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from gallery import load_gallery
from gallery.importer.cli import add_arguments as add_import_arguments
from gallery.importer.cli import run as run_import
from harness.checks.options import SCIM_OPTIONS, SP_OPTIONS, add_options
from harness.cli.errors import CommandError, check_ports_free, run_reporting_errors
from harness.cli.snapshot import add_snapshot_command, add_state_options, load_snapshot_into

if TYPE_CHECKING:
    from harness.serving.stack import Stack

DEMO_UPN = "B.Simon@contoso.com"
SCHEDULER_CONTROL = "https://login.microsoftonline.com/_mock/provisioning/scheduler"

# One service per mock, as docker-compose runs them: the tenant, then each gallery vendor.
SERVICES = ["tenant", *load_gallery()]


def _wait_for_interrupt() -> None:
    stop = threading.Event()
    # Ctrl-C handled explicitly: a process started by one that ignores SIGINT inherits the
    # ignoring, and Python then installs no KeyboardInterrupt (a test's `up`, started from a
    # pytest-xdist worker, once kept serving after Ctrl-C).
    for stopping in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stopping, lambda *_: stop.set())
    # `kill -USR1 <pid>` prints every thread's stack to stderr: what a stuck server is doing.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    while not stop.wait(0.5):
        pass


def command_up(args: argparse.Namespace) -> int:
    base = args.base_port
    if not 0 <= base <= 65535 - len(SERVICES):
        raise CommandError(
            f"--base-port {base} leaves no room for the landing page and {len(SERVICES)} mocks",
            f"give a port from 1024 to {65535 - len(SERVICES)}, or 0 for free ports",
        )
    ports = {name: base + 1 + i for i, name in enumerate(SERVICES)} if base else {}
    # Checked before anything listens, and before the mocks are imported (seconds): a busy
    # port is one line, not a half-started stack.
    check_ports_free(args.bind, [base, *ports.values()], "--base-port")
    from harness.clients.demo_setup import (
        ADMIN_PASSWORD,
        create_administrator,
        restore_ringcentral_vendor,
        set_up_ringcentral_tutorial,
    )
    from harness.clients.people import administrator as administrator_person
    from harness.clients.session import Harness
    from harness.serving.landing import create_landing_app
    from harness.serving.servers import ServedApp
    from harness.serving.stack import Stack

    stack = Stack(
        ca_directory=Path(args.state_dir) / "ca",
        state_directory=Path(args.state) if args.state else None,
    )
    if args.snapshot:
        load_snapshot_into(stack.tenant, Path(args.snapshot))
    # A tenant saved in --state or given by --snapshot is served as it was: no set-up again.
    restored = bool(args.snapshot) or (
        stack.tenant_state is not None and stack.tenant_state.restored
    )
    stack.start(ports=ports, bind=args.bind)
    links: dict[str, str] = {"Microsoft Entra admin center": "https://entra.microsoft.com/"}
    with stack.http_client() as client:
        harness = Harness(stack, client)
        if restored:
            administrator = administrator_person(ADMIN_PASSWORD)
            links.update(restore_ringcentral_vendor(harness))
        else:
            administrator = create_administrator(harness)
            if not args.empty:
                links.update(set_up_ringcentral_tutorial(harness))
    if args.provisioning_poll_seconds > 0:
        # Provisioning Status On must lead to cycles without a test calling run-due: the tenant's
        # own background scheduler (one thread, the one /_mock/provisioning/scheduler controls).
        _provisioning_scheduler(stack, running=True, poll_seconds=args.provisioning_poll_seconds)
    info = stack.describe()
    if stack.tenant_state is not None:
        info["state"] = stack.tenant_state.describe()
    # `up` is for one person on this machine: controls on, and the landing page says so.
    info["controls"] = {"enabled": True, "bind": args.bind, "path": "/_mock/"}
    credentials = info["credentials"]
    credentials["administrator"] = {
        "userPrincipalName": administrator.upn,
        "password": administrator.password,
        "roles": list(administrator.roles),
    }
    if args.empty or (restored and not stack.tenant.directory.find_by_upn(DEMO_UPN)):
        # --empty shows only what exists: B.Simon is for the person to create (tutorial 000).
        credentials.pop("demo_user", None)
    landing = ServedApp(
        "landing", create_landing_app(info, links), None, host=args.bind, port=base or 0
    ).start()
    info["landing_page"] = f"http://127.0.0.1:{landing.port}/"
    if args.print_urls == "json":
        print(json.dumps(info), flush=True)
    else:
        print(f"Entra harness is up. Landing page: {info['landing_page']}")
        print(
            f"Administrator ({', '.join(administrator.roles)}): "
            f"{administrator.upn} / {administrator.password}"
        )
        if "demo_user" in credentials:
            demo = credentials["demo_user"]
            print(f"Demo user: {demo['userPrincipalName']} / {demo['password']}")
        for host, address in info["hosts"].items():
            print(f"  https://{host}/  ->  {address}")
        if stack.tenant_state is not None:
            state = info["state"]
            loaded = f"loaded in {state['load_ms']} ms" if state["restored"] else "new"
            print(f"Tenant state in {state['directory']} ({loaded}); every change is saved.")
        print("Ctrl-C stops it.", flush=True)
    _wait_for_interrupt()
    if args.provisioning_poll_seconds > 0:
        _provisioning_scheduler(stack, running=False)
    landing.stop()
    stack.stop()
    return 0


def _provisioning_scheduler(stack: Stack, running: bool, poll_seconds: float = 5.0) -> None:
    with stack.http_client() as client:
        client.post(
            SCHEDULER_CONTROL, json={"running": running, "poll_seconds": poll_seconds}
        ).raise_for_status()


def command_serve(args: argparse.Namespace) -> int:
    """One mock on one port with the shared CA directory: what each docker-compose service runs."""
    from harness.serving.stack import Stack

    check_ports_free(args.bind, [args.port], "--port")
    stack = Stack(
        ca_directory=Path(args.ca_dir),
        enable_control=args.control,
        state_directory=Path(args.state) if args.state and args.service == "tenant" else None,
    )
    if args.snapshot and args.service == "tenant":
        load_snapshot_into(stack.tenant, Path(args.snapshot))
    stack.start(ports={args.service: args.port}, only=[args.service], bind=args.bind)
    controls = "on" if args.control else "off"
    print(
        f"{args.service} serving {sorted(stack.host_map.ports)} on {args.bind}:{args.port}"
        f" (/_mock controls {controls})",
        flush=True,
    )
    _wait_for_interrupt()
    stack.stop()
    return 0


def command_demo(args: argparse.Namespace) -> int:
    """Run the tutorial scenarios; write the HTML report, Cucumber JSON and JUnit XML beside it."""
    import importlib.util

    import pytest

    from harness.cli.progress import ScenarioProgress

    # The packaged scenarios and steps, so that demo runs the same after a plain `pip install`
    # as in the checkout (issue 20, Deliver 4).
    module = "steps.tutorial_scenarios"
    if args.tutorial:
        # Issue 18: the scenarios generated for imported tutorials; the stack serves their apps.
        from gallery.generic import TUTORIALS_VARIABLE

        os.environ[TUTORIALS_VARIABLE] = os.pathsep.join(
            str(Path(t).resolve()) for t in args.tutorial
        )
        module = "steps.imported_scenarios"
    # The module's file, found without importing the step package (pytest then imports it
    # itself, and can rewrite its asserts).
    package = importlib.util.find_spec(module.split(".")[0])
    origin = None
    if package is not None and package.submodule_search_locations:
        candidate = Path(
            next(iter(package.submodule_search_locations)), module.split(".")[1] + ".py"
        )
        origin = str(candidate) if candidate.is_file() else None
    if origin is None:
        raise CommandError(
            "the step library is not installed with this entra-harness",
            "reinstall it: pip install --force-reinstall entra-harness",
        )
    report = Path(args.report).resolve()
    report.parent.mkdir(parents=True, exist_ok=True)
    cucumber = report.with_name("cucumber.json")
    junit = report.with_name("junit.xml")
    progress = ScenarioProgress("Tutorial scenarios")
    code = pytest.main(
        [
            origin,
            "-p",
            "steps",
            # The bar stands for pytest's per-test letters and percentages.
            "-o",
            "console_output_style=classic",
            # harness is imported already (this command), so pytest cannot rewrite its asserts.
            "-W",
            "ignore::pytest.PytestAssertRewriteWarning",
            f"--rootdir={Path.cwd()}",
            "-q",
            "--demo-report",
            str(report),
            f"--cucumberjson={cucumber}",
            f"--junitxml={junit}",
            *args.pytest_args,
        ],
        plugins=[progress],
    )
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        raise CommandError("no scenario matched", "check the -k or -m expression given after `--`")
    if code == pytest.ExitCode.USAGE_ERROR:
        raise CommandError(
            "pytest refused the arguments given after `--` (its message is above)",
            "see `pytest --help`",
        )
    print(f"Demo report: {report}\nCucumber JSON: {cucumber}\nJUnit XML: {junit}")
    return 0 if code == pytest.ExitCode.OK else 1


def command_check_sp(args: argparse.Namespace) -> int:
    """Check an external SP; the first run writes the IdP metadata it must be configured with."""
    from harness.checks.options import check_sp_options
    from harness.checks.sp.run import run_check_sp, table
    from harness.cli import progress
    from harness.serving.stack import Stack

    options = check_sp_options(args)
    stack = Stack().start()
    try:
        with progress.steps("check-sp: signing in and posting forged Responses"):
            run = run_check_sp(stack, options)
    finally:
        stack.stop()
    print(table(run))
    print(f"IdP metadata for the SP (stable across runs): {run.idp_metadata_path}")
    print(f"Reports: {options.report_dir}/check-sp.json, junit.xml, check-sp.html")
    return 1 if run.failed else 0


def command_check_scim(args: argparse.Namespace) -> int:
    """Check an external SCIM endpoint through the provisioning engine and RFC 7644 probes."""
    from harness.checks.options import check_scim_options
    from harness.checks.scim.run import run_check_scim, table
    from harness.cli import progress

    options = check_scim_options(args)
    with progress.steps("check-scim") as advance:
        run = run_check_scim(options, on_result=lambda result: advance(result.name))
    print(table(run))
    print(
        f"{run.seconds} s. Reports: {options.report_dir}/check-scim.json, junit.xml, check-scim.html"
    )
    return 1 if run.failed else 0


def command_bench(args: argparse.Namespace) -> int:
    """bench/run.py of the checkout: it measures the checkout and rewrites its README table."""
    checkout = Path.cwd()
    if not (checkout / "bench" / "run.py").is_file():
        raise CommandError(
            "bench needs the checkout (bench/ and the README it updates are not in the package)",
            "run it from the top of a clone of the repository: make bench",
        )
    sys.path.insert(0, str(checkout))  # bench/ is not a packaged module
    from bench.run import main as bench_main
    from bench.run import parse_sections
    from harness.cli import progress

    argv = [*args.sections, *(["--only", args.only] if args.only else [])]
    started: list[str] = []

    def on_section(name: str) -> None:
        # A section starting means the one before it is done.
        advance(name, done=1 if started else 0)
        started.append(name)

    with progress.steps("bench", total=len(parse_sections(argv))) as advance:
        code = bench_main(argv, on_section=on_section)
        advance("done")
    return code


def command_import(args: argparse.Namespace) -> int:
    """The gallery importer, its input checked first so a wrong path is one line with a hint."""
    if not Path(args.tutorial).is_file():
        raise CommandError(
            f"no such tutorial: {args.tutorial}",
            "give the path of a published gallery tutorial's Markdown file",
        )
    return int(run_import(args))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="entra-harness", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="serve the tenant and the vendors with a landing page")
    up.add_argument("--print-urls", choices=["text", "json"], default="text")
    up.add_argument(
        "--base-port",
        type=int,
        default=0,
        help="landing page on this port, the mocks on the next ones (default: free ports)",
    )
    up.add_argument("--bind", default="127.0.0.1")
    up.add_argument("--state-dir", default=".entra-harness")
    up.add_argument("--empty", action="store_true", help="start without the tutorial's set-up")
    up.add_argument(
        "--provisioning-poll-seconds",
        type=float,
        default=5.0,
        help="how often the background provisioning scheduler runs due cycles (0: not started)",
    )
    add_state_options(up)
    up.set_defaults(run=command_up)

    serve = commands.add_parser("serve", help="serve one mock (for containers)")
    serve.add_argument("service", choices=SERVICES)
    serve.add_argument("--port", type=int, default=443)
    # Safe defaults (issue 17): this machine only, and the /_mock controls (reset, clock, one-shot
    # Responses) off unless asked for, as DESIGN.md's control layer says; a container passes
    # --bind 0.0.0.0 (and --control) explicitly, as docker-compose.yml does.
    serve.add_argument("--bind", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--ca-dir", default="/var/lib/entra-harness/ca")
    serve.add_argument(
        "--control", action="store_true", help="enable the /_mock test controls (off by default)"
    )
    add_state_options(serve)
    serve.set_defaults(run=command_serve)
    add_snapshot_command(commands)

    demo = commands.add_parser("demo", help="run the tutorial scenarios and write the demo report")
    demo.add_argument("--report", default="reports/demo.html")
    demo.add_argument(
        "--tutorial",
        action="append",
        default=[],
        help="a published gallery tutorial (or a folder of them): run its generated scenarios",
    )
    demo.add_argument("pytest_args", nargs="*")
    demo.set_defaults(run=command_demo)

    check = commands.add_parser(
        "check-sp",
        help="check an external SAML SP for conformance with Entra and for the known SAML attacks",
    )
    add_options(check.add_argument, SP_OPTIONS, required=("metadata",))
    check.set_defaults(run=command_check_sp)

    scim = commands.add_parser(
        "check-scim",
        help="check an external SCIM endpoint the way Entra's gallery validation does, offline",
    )
    add_options(scim.add_argument, SCIM_OPTIONS, required=("url",))
    scim.set_defaults(run=command_check_scim)

    bench = commands.add_parser("bench", help="run the benchmarks (bench/run.py) from the repo")
    bench.add_argument(
        "sections", nargs="*", help="idp memory scim provisioning startup browser (default: all)"
    )
    bench.add_argument("--only", default="", help="comma-separated sections, e.g. scim,idp")
    bench.set_defaults(run=command_bench)

    importer = commands.add_parser(
        "import",
        help="turn a published gallery tutorial into an app profile (--out FILE.toml, --json summary)",
    )
    add_import_arguments(importer)
    importer.set_defaults(run=command_import)

    # --debug after the command too (`entra-harness up --debug`); SUPPRESS keeps the top-level one.
    for command in commands.choices.values():
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
    args = parser.parse_args(argv)
    return run_reporting_errors(args.command, lambda: int(args.run(args)), args.debug)


if __name__ == "__main__":
    sys.exit(main())
