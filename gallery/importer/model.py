"""What an import yields: values with provenance (file, line), warnings, and the scored `--json` summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Sourced:
    """One extracted value and the line it was read from."""

    value: Any
    line: int
    # "idp", "sp" or None: the sign-on mode a Basic SAML value belongs to (issue 18, Deliver 1).
    mode: str | None = None


@dataclass(frozen=True)
class SourceWarning:
    """Doubtful source content, reported and never silently corrected (issue 18, Deliver 1)."""

    line: int
    message: str


@dataclass
class SsoImport:
    modes: list[Sourced] = field(default_factory=list)
    urls: dict[str, list[Sourced]] = field(default_factory=dict)
    values_not_in_text: list[Sourced] = field(default_factory=list)
    fixed_identifier_note: Sourced | None = None
    claims: list[Sourced] = field(default_factory=list)
    role_claim: Sourced | None = None
    certificate: Sourced | None = None
    jit: Sourced | None = None
    app_side_fields: list[Sourced] = field(default_factory=list)

    def placeholders(self) -> list[str]:
        from gallery.importer.patterns import placeholders_in

        found: list[str] = []
        for values in self.urls.values():
            for value in values:
                found += placeholders_in(value.value)
        return list(dict.fromkeys(found))


@dataclass
class ProvisioningImport:
    capabilities: list[Sourced] = field(default_factory=list)
    tenant_url: Sourced | None = None
    auth: Sourced | None = None
    user_attributes: list[Sourced] = field(default_factory=list)
    group_attributes: list[Sourced] = field(default_factory=list)
    limitations: list[Sourced] = field(default_factory=list)


URL_FIELDS = ("identifier", "reply_url", "sign_on_url", "relay_state", "logout_url")


@dataclass
class TutorialImport:
    """A whole import: kind, app, the SSO or provisioning part, warnings; `summary()` is the `--json` output."""

    file: str
    kind: str
    app: Sourced
    exclude_reason: Sourced | None = None
    sso: SsoImport | None = None
    provisioning: ProvisioningImport | None = None
    warnings: list[SourceWarning] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Issue 18 Deliver 5's schema exactly, plus `provenance` and `warnings` (extra keys are allowed)."""
        provenance: dict[str, Any] = {"file": self.file, "app": self.app.line}
        result: dict[str, Any] = {
            "kind": self.kind,
            "exclude_reason": self.exclude_reason.value if self.exclude_reason else None,
            "app": self.app.value,
            "sso": None,
            "provisioning": None,
        }
        if self.exclude_reason:
            provenance["exclude_reason"] = self.exclude_reason.line
        if self.sso is not None:
            sso = self.sso
            urls = {name: [v.value for v in sso.urls.get(name, [])] for name in URL_FIELDS}
            result["sso"] = {
                "modes": [m.value for m in sso.modes],
                **urls,
                "values_not_in_text": [v.value for v in sso.values_not_in_text],
                "placeholders": sso.placeholders(),
                "fixed_identifier_note": sso.fixed_identifier_note is not None,
                "claims": [c.value for c in sso.claims],
                "role_claim": sso.role_claim is not None,
                "certificate": sso.certificate.value if sso.certificate else None,
                "jit": sso.jit is not None,
                "app_side_fields": [f.value for f in sso.app_side_fields],
                "url_modes": {
                    name: [v.mode for v in sso.urls.get(name, [])]
                    for name in URL_FIELDS
                    if sso.urls.get(name)
                },
            }
            provenance["sso"] = {
                "modes": [m.line for m in sso.modes],
                **{name: [v.line for v in sso.urls.get(name, [])] for name in URL_FIELDS},
                "values_not_in_text": [v.line for v in sso.values_not_in_text],
                "fixed_identifier_note": _line(sso.fixed_identifier_note),
                "claims": [c.line for c in sso.claims],
                "role_claim": _line(sso.role_claim),
                "certificate": _line(sso.certificate),
                "jit": _line(sso.jit),
                "app_side_fields": [f.line for f in sso.app_side_fields],
            }
        if self.provisioning is not None:
            prov = self.provisioning
            result["provisioning"] = {
                "capabilities": [c.value for c in prov.capabilities],
                "tenant_url": prov.tenant_url.value if prov.tenant_url else None,
                "auth": prov.auth.value if prov.auth else "other",
                "user_attributes": [a.value for a in prov.user_attributes],
                "group_attributes": [a.value for a in prov.group_attributes],
                "limitations": [limit.value for limit in prov.limitations],
            }
            provenance["provisioning"] = {
                "capabilities": [c.line for c in prov.capabilities],
                "tenant_url": _line(prov.tenant_url),
                "auth": _line(prov.auth),
                "user_attributes": [a.line for a in prov.user_attributes],
                "group_attributes": [a.line for a in prov.group_attributes],
                "limitations": [limit.line for limit in prov.limitations],
            }
        result["provenance"] = provenance
        result["warnings"] = [{"line": w.line, "message": w.message} for w in self.warnings]
        return result


def _line(value: Sourced | None) -> int | None:
    return value.line if value else None
