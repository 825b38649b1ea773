"""The options of check-sp and check-scim, defined once for the command line and for pytest."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.checks.scim.run import CheckScimOptions
    from harness.checks.sp.run import CheckSpOptions

# The check modules are imported when options are read, not when they are declared, so that
# building the command line does not load the tenant.
# (option name without "--", argparse keyword arguments). The command line reads them as
# `--metadata`; pytest as `--check-sp-metadata` (issue 8: "and the same as pytest options").
SP_OPTIONS: list[tuple[str, dict[str, Any]]] = [
    ("metadata", {"help": "the SP's metadata: a file or a URL"}),
    ("sign-on-url", {"help": "the SP's sign-on URL, for SP-initiated sign-in"}),
    (
        "user",
        {
            "default": "B.Simon@contoso.com",
            "help": "the victim: an account at the SP (UPN, email), signed in legitimately",
        },
    ),
    ("password", {"help": "the user's password at the tenant (default: the demo password)"}),
    (
        "attacker-user",
        {
            "help": "the attacker: an ordinary second account at the SP; each forgery starts "
            "from its legitimately signed Response (default: attacker@<the user's domain>)"
        },
    ),
    ("attacker-password", {"help": "the attacker's password at the tenant (default: --password)"}),
    ("success-url", {"help": "a regular expression the signed-in URL matches"}),
    (
        "success-text",
        {
            "help": "text the signed-in page contains; {user} stands for the user, so the page "
            "tells who is signed in (e.g. 'Signed in as {user}')"
        },
    ),
    (
        "whoami-url",
        {
            "help": "a URL of the SP that answers the signed-in identity for the session "
            "(JSON with user/upn/email, or plain text); the surest verdict"
        },
    ),
    (
        "timeout",
        {"type": float, "default": 10.0, "help": "seconds per request to the SP (default 10)"},
    ),
    (
        "sp-initiated-only",
        {
            "action": "store_true",
            "help": "the SP answers only its own AuthnRequests (needs --sign-on-url): forged "
            "Responses answer one, and an unsolicited Response must be refused",
        },
    ),
    (
        "require-sha256",
        {
            "action": "store_true",
            "help": "the SP refuses RSA-SHA1 signatures (also read from the metadata's "
            "alg:SigningMethod list)",
        },
    ),
    ("report-dir", {"default": "reports/check-sp"}),
    (
        "state-dir",
        {
            "default": ".entra-harness",
            "help": "keeps the IdP signing key so the SP is configured once",
        },
    ),
]

SCIM_OPTIONS: list[tuple[str, dict[str, Any]]] = [
    ("url", {"help": "the Tenant URL (without Entra's flags)"}),
    ("token", {"default": "", "help": "the Secret Token (a bearer token)"}),
    (
        "token-url",
        {"help": "OAuth 2.0 client credentials: the token endpoint (instead of --token)"},
    ),
    ("client-id", {"help": "OAuth 2.0 client credentials: the client id"}),
    ("client-secret", {"help": "OAuth 2.0 client credentials: the client secret"}),
    (
        "app",
        {
            "metavar": "NAME",
            "help": "use this gallery app's attribute mappings (default: Entra's default mapping)",
        },
    ),
    ("ca-file", {"help": "PEM file of the CA that signed the endpoint's certificate"}),
    (
        "resolve",
        {
            "action": "append",
            "default": [],
            "metavar": "HOST:PORT:ADDR",
            "help": "connect to ADDR for HOST:PORT (curl's --resolve); Host and TLS name stay HOST",
        },
    ),
    (
        "throughput-seconds",
        {
            "type": float,
            "default": 2.0,
            "help": "how long Entra's rate (25 requests/s) is held; 0 leaves the check out",
        },
    ),
    (
        "wire",
        {
            "choices": ["default", "flag", "both"],
            "default": "default",
            "help": "Entra's default requests, those of the ?aadOptscim062020 Tenant URL, or both",
        },
    ),
    (
        "groups",
        {
            "action": argparse.BooleanOptionalAction,
            "default": True,
            "help": "provision groups too (the --no- form: users only)",
        },
    ),
    (
        "skip",
        {
            "action": "append",
            "default": [],
            "metavar": "CHECK[,CHECK]",
            "help": "checks that do not apply to the target (its documented limits)",
        },
    ),
    (
        "existing-group",
        {
            "metavar": "NAME",
            "help": "the target's groups are made outside SCIM: use this one (by displayName)",
        },
    ),
    (
        "delete-deactivates",
        {
            "action": "store_true",
            "help": "the target's DELETE deactivates users: user-delete accepts active false",
        },
    ),
    ("domain", {"default": "contoso.com", "help": "domain of the test users"}),
    ("timeout", {"type": float, "default": 10.0, "help": "seconds per request"}),
    ("report-dir", {"default": "reports/check-scim"}),
]


def add_options(
    add: Callable[..., Any],
    options: list[tuple[str, dict[str, Any]]],
    prefix: str = "",
    required: tuple[str, ...] = (),
) -> None:
    """Declare each option through `add` (argparse's add_argument or pytest's addoption)."""
    for name, keywords in options:
        flag = prefix + name
        extra = {"required": True} if name in required else {}
        add(f"--{flag}", dest=flag.replace("-", "_"), **keywords, **extra)


def read(values: Any, prefix: str, name: str) -> Any:
    return getattr(values, (prefix + name).replace("-", "_"))


def check_sp_options(values: Any, prefix: str = "") -> CheckSpOptions:
    """CheckSpOptions from parsed values (an argparse namespace or pytest's config.option)."""

    from harness.checks.sp.run import CheckSpOptions
    from harness.serving.stack import DEMO_PASSWORD

    def get(name: str) -> Any:
        return read(values, prefix, name)

    if get("success-url") and get("success-text"):
        raise ValueError(f"--{prefix}success-url and --{prefix}success-text exclude each other")
    if get("sp-initiated-only") and not get("sign-on-url"):
        raise ValueError(f"--{prefix}sp-initiated-only needs --{prefix}sign-on-url")
    if not get("metadata"):
        raise ValueError(f"--{prefix}metadata is required: the SP's metadata file or URL")
    for name in ("sign-on-url", "whoami-url"):
        value = get(name)
        if value and not value.startswith(("https://", "http://")):
            raise ValueError(f"--{prefix}{name} must be an http(s) URL, not {value!r}")
    if get("success-url"):
        try:
            re.compile(get("success-url"))
        except re.error as error:
            raise ValueError(
                f"--{prefix}success-url is not a regular expression: {error}"
            ) from None
    if get("user") and get("attacker-user") and get("user").lower() == get("attacker-user").lower():
        raise ValueError(f"--{prefix}attacker-user must be another account than --{prefix}user")
    if not get("metadata").startswith(("https://", "http://")):
        # A metadata file is checked before anything starts (a URL once the tenant is up).
        from harness.checks.sp.run import parse_metadata, read_metadata

        parse_metadata(read_metadata(get("metadata"), None), get("metadata"))
    return CheckSpOptions(
        metadata=get("metadata"),
        sign_on_url=get("sign-on-url"),
        user=get("user"),
        password=get("password") or DEMO_PASSWORD,
        success_url=get("success-url"),
        success_text=get("success-text"),
        attacker_user=get("attacker-user"),
        attacker_password=get("attacker-password"),
        whoami_url=get("whoami-url"),
        timeout=get("timeout"),
        report_dir=Path(get("report-dir")),
        key_dir=Path(get("state-dir")) / "check-sp",
        sp_initiated_only=get("sp-initiated-only"),
        require_sha256=get("require-sha256"),
    )


def check_scim_options(values: Any, prefix: str = "") -> CheckScimOptions:
    """CheckScimOptions from parsed values (an argparse namespace or pytest's config.option)."""

    from harness.checks.scim.run import CheckScimOptions

    def get(name: str) -> Any:
        return read(values, prefix, name)

    if not get("token") and not get("token-url"):
        raise ValueError(f"--{prefix}url needs --{prefix}token or --{prefix}token-url")
    if get("token-url") and not (get("client-id") and get("client-secret")):
        raise ValueError(
            f"--{prefix}token-url needs --{prefix}client-id and --{prefix}client-secret"
        )
    return CheckScimOptions(
        url=get("url"),
        token=get("token") or "",
        app=get("app"),
        ca_file=get("ca-file"),
        resolve=list(get("resolve")),
        token_url=get("token-url"),
        client_id=get("client-id"),
        client_secret=get("client-secret"),
        throughput_seconds=get("throughput-seconds"),
        wire=get("wire"),
        groups=get("groups"),
        skip=[name.strip() for item in get("skip") for name in item.split(",") if name.strip()],
        existing_group=get("existing-group"),
        delete_deactivates=get("delete-deactivates"),
        domain=get("domain"),
        timeout=get("timeout"),
        report_dir=Path(get("report-dir")),
    )
