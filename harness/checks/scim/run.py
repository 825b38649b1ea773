"""`entra-harness check-scim`: gallery SCIM validation through the provisioning engine, plus RFC 7644."""

# Issue 8. Direct checks first (scim_conformance), then the engine checks once per wire
# (scim_lifecycle); reports as check-sp writes them (harness.checks.results).

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.checks import results as reports
from harness.checks.results import CheckResult
from harness.checks.scim import microsoft
from harness.checks.scim.conformance import Conformance, ConformanceOptions
from harness.checks.scim.lifecycle import MANAGER_TARGET, Lifecycle, LifecycleOptions
from harness.checks.scim.oauth import OAuthClient
from harness.checks.scim.probe import CheckFailed, Exchanges, ScimProbe
from harness.checks.scim.reach import Resolve, TargetUnreachable, first_request, http_factory
from harness.checks.scim.recorder import Recorder
from harness.checks.scim.tenant import tenant_url
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
    "group-restore",
    "group-pagination",
    "pod-group",
    "scim-group-create",
    "scim-group-update",
)
# Groups made in the product, only read and patched over SCIM (Genesys Cloud): what creates or
# deletes one does not apply.
MADE_OUTSIDE = (
    "group-create",
    "group-delete",
    "group-restore",
    "pod-group",
    "scim-group-create",
    "scim-group-update",
)
FEDERATED = (
    "not applicable offline: workload identity federation exchanges a token that the real "
    "tenant issues (Google STS or service account, or a generic federated endpoint); the "
    "simulated tenant's tokens are trusted by no real vendor"
)


@dataclass
class CheckScimOptions:
    url: str  # the Tenant URL, without Entra's flags
    token: str  # the Secret Token (empty with OAuth client credentials)
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
    app: str | None = None  # a gallery app whose mappings the job uses (default: Entra's)
    ca_file: str | None = None
    resolve: list[str] = field(default_factory=list)  # HOST:PORT:ADDR
    token_url: str | None = None  # OAuth 2.0 client credentials (Validate_Credentials_Test)
    client_id: str | None = None
    client_secret: str | None = None
    throughput_seconds: float = 2.0  # 0 leaves the throughput check out

    @property
    def oauth(self) -> OAuthClient | None:
        if not self.token_url:
            return None
        return OAuthClient(self.token_url, self.client_id or "", self.client_secret or "")


@dataclass
class CheckScimRun:
    url: str
    wires: list[str]
    seconds: float = 0.0
    results: list[CheckResult] = field(default_factory=list)
    validation: dict[str, Any] = field(default_factory=dict)  # Microsoft's Final_TestResults

    @property
    def failed(self) -> list[CheckResult]:
        return reports.failed(self.results)


def skipped(options: CheckScimOptions) -> dict[str, str]:
    why = {name: "skipped by --skip" for name in options.skip}
    if not options.groups:
        why.update(dict.fromkeys(GROUP_CHECKS, "group provisioning is off (--no-groups)"))
    if options.existing_group:
        made_outside = "the target's groups are made outside SCIM (--existing-group)"
        for name in MADE_OUTSIDE:
            why.setdefault(name, made_outside)
    if not options.token_url:
        why.setdefault(
            "oauth-client-credentials",
            "a static bearer token (no --token-url): Microsoft skips Validate_Credentials_Test",
        )
    why.setdefault("federated-identity", FEDERATED)
    if options.throughput_seconds <= 0:
        why.setdefault("throughput", "--throughput-seconds 0")
    return why


def run_check_scim(
    options: CheckScimOptions, on_result: Callable[[CheckResult], None] | None = None
) -> CheckScimRun:
    """Every check, in order; raises TargetUnreachable (exit 2) when the endpoint cannot be
    reached, refuses TLS, or refuses the credentials on the first request. `on_result` hears of
    each check as it ends (the command line's progress bar)."""
    if options.wire not in WIRES:
        raise ValueError(f"--wire is one of {', '.join(WIRES)}")
    started = time.perf_counter()
    run_id = secrets.token_hex(3)
    skip = skipped(options)
    factory = http_factory(
        options.timeout, options.ca_file, [Resolve.parse(r) for r in options.resolve]
    )
    flags = WIRES[options.wire]
    run = CheckScimRun(options.url, ["aadOptscim062020" if f else "default" for f in flags])
    exchanges = Exchanges()
    oauth = options.oauth
    with factory() as http:
        probe = ScimProbe(options.url, options.token, http, exchanges)
        if oauth is not None:
            try:
                probe.token = oauth.fetch(probe).value
            except CheckFailed as error:
                raise TargetUnreachable(f"no token from {oauth.token_url}: {error}") from None
        first_request(probe)
        lifecycles = [
            Lifecycle(
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
                    options.app,
                    (oauth.token_url, oauth.client_id, oauth.client_secret) if oauth else None,
                ),
                probe,
                Recorder(dict(skip), FLAG_SUFFIX if flag else "", exchanges),
                # httpx here: a real endpoint may need the environment's proxy.
                lambda: HttpxWire(factory()),
            )
            for flag in flags
        ]
        tenant = lifecycles[0].t
        user_targets = tenant.mapped_targets("User")
        manager_mapped = MANAGER_TARGET.lower() in [t.lower() for t in user_targets]
        direct_skip = dict(skip)
        if not manager_mapped:
            direct_skip.setdefault("scim-update-manager", "manager is not mapped for this app")
        direct = Recorder(direct_skip, "", exchanges)
        if on_result is not None:
            for recorder in (direct, *(lifecycle.r for lifecycle in lifecycles)):
                recorder.on_result = on_result
        Conformance(
            probe,
            direct,
            ConformanceOptions(
                run_id,
                options.domain,
                options.groups,
                create_groups=options.existing_group is None,
                mapped_user_attributes=user_targets,
                matching_user_attributes=tenant.matching_targets("User"),
                mapped_group_attributes=tenant.mapped_targets("Group") if options.groups else [],
                manager_mapped=manager_mapped,
                throughput_seconds=options.throughput_seconds,
                oauth=oauth,
            ),
        ).run()
        run.results.extend(direct.results)
        for lifecycle in lifecycles:
            lifecycle.run()
            run.results.extend(lifecycle.r.results)
    run.seconds = round(time.perf_counter() - started, 2)
    run.validation = microsoft.validation_results(run.results, FLAG_SUFFIX)
    write_reports(run, options.report_dir)
    return run


def table(run: CheckScimRun) -> str:
    heading = f"SCIM endpoint {run.url} ({', '.join(run.wires)})"
    return reports.table(heading, run.results) + "\n\n" + microsoft.summary(run.validation)


def write_reports(run: CheckScimRun, directory: Path) -> None:
    reports.write_reports(
        directory,
        "check-scim",
        f"SCIM endpoint {run.url}",
        f"Tenant URLs: {', '.join(tenant_url(run.url, w != 'default') for w in run.wires)}; "
        f"{run.seconds} s. Microsoft's validation: {run.validation.get('overallResult')}.",
        run.results,
        asdict(run),
    )
    (directory / "validation-result.json").write_text(json.dumps(run.validation, indent=2))
