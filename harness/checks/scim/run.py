"""`entra-harness check-scim`: gallery SCIM validation through the provisioning engine, plus RFC 7644."""

# Issue 8. Direct checks first (scim_conformance), then the engine checks once per wire
# (scim_lifecycle); reports as check-sp writes them (harness.checks.results).

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from harness.checks import results as reports
from harness.checks.results import CheckResult
from harness.checks.scim.conformance import Conformance
from harness.checks.scim.lifecycle import Lifecycle, LifecycleOptions
from harness.checks.scim.probe import USER_AGENT, ScimProbe
from harness.checks.scim.recorder import Recorder
from harness.checks.scim.tenant import tenant_url
from harness.serving.tls import shared_client_context
from mock_idp.provisioning.wire import HttpxWire

WIRES = {"default": (False,), "flag": (True,), "both": (False, True)}
FLAG_SUFFIX = " (aadOptscim062020)"
GROUP_CHECKS = (
    "group-create",
    "group-match",
    "group-add-member",
    "group-remove-member",
    "group-update",
    "group-delete",
    "group-pagination",
)


@dataclass
class CheckScimOptions:
    url: str  # the Tenant URL, without Entra's flags
    token: str  # the Secret Token
    wire: str = "default"  # default, flag or both
    groups: bool = True
    # Checks that do not apply to this target (a vendor's documented limits), by name.
    skip: list[str] = field(default_factory=list)
    # The target's groups are made outside SCIM: group checks use this one (matched by name).
    existing_group: str | None = None
    # The target's DELETE deactivates users (8x8): user-delete accepts active false.
    delete_deactivates: bool = False
    domain: str = "contoso.com"
    timeout: float = 10.0
    report_dir: Path = Path("reports/check-scim")


@dataclass
class CheckScimRun:
    url: str
    wires: list[str]
    seconds: float = 0.0
    results: list[CheckResult] = field(default_factory=list)

    @property
    def failed(self) -> list[CheckResult]:
        return reports.failed(self.results)


def skipped(options: CheckScimOptions) -> dict[str, str]:
    why = {name: "skipped by --skip" for name in options.skip}
    if not options.groups:
        why.update(dict.fromkeys(GROUP_CHECKS, "group provisioning is off (--no-groups)"))
    if options.existing_group:
        made_outside = "the target's groups are made outside SCIM (--existing-group)"
        why.setdefault("group-create", made_outside)
        why.setdefault("group-delete", made_outside)
    return why


def http_factory(timeout: float) -> Callable[[], httpx.Client]:
    """The engine's and the probe's HTTP client: one User-Agent (see scim_probe.USER_AGENT).
    The engine opens a client per cycle; the TLS context (SSL_CERT_FILE or certifi's CAs) is loaded once."""
    context = shared_client_context()  # the engine's workers connect concurrently
    return lambda: httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=timeout, verify=context)


def run_check_scim(options: CheckScimOptions) -> CheckScimRun:
    if options.wire not in WIRES:
        raise ValueError(f"--wire is one of {', '.join(WIRES)}")
    started = time.perf_counter()
    run_id = secrets.token_hex(3)
    skip = skipped(options)
    factory = http_factory(options.timeout)
    flags = WIRES[options.wire]
    run = CheckScimRun(options.url, ["aadOptscim062020" if f else "default" for f in flags])
    with factory() as http:
        probe = ScimProbe(options.url, options.token, http)
        direct = Recorder(skip)
        Conformance(
            probe,
            direct,
            run_id,
            options.domain,
            options.groups,
            create_groups=options.existing_group is None,
        ).run()
        run.results.extend(direct.results)
        for flag in flags:
            recorder = Recorder(skip, FLAG_SUFFIX if flag else "")
            lifecycle = Lifecycle(
                LifecycleOptions(
                    options.url,
                    options.token,
                    flag,
                    options.groups,
                    run_id,
                    options.domain,
                    options.existing_group,
                    options.delete_deactivates,
                    options.timeout,
                ),
                probe,
                recorder,
                # httpx here: a real endpoint may need the environment's proxy.
                lambda: HttpxWire(factory()),
            )
            lifecycle.run()
            run.results.extend(recorder.results)
    run.seconds = round(time.perf_counter() - started, 2)
    write_reports(run, options.report_dir)
    return run


def table(run: CheckScimRun) -> str:
    return reports.table(f"SCIM endpoint {run.url} ({', '.join(run.wires)})", run.results)


def write_reports(run: CheckScimRun, directory: Path) -> None:
    reports.write_reports(
        directory,
        "check-scim",
        f"SCIM endpoint {run.url}",
        f"Tenant URLs: {', '.join(tenant_url(run.url, w != 'default') for w in run.wires)}; "
        f"{run.seconds} s.",
        run.results,
        asdict(run),
    )
