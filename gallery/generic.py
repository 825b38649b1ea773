"""A gallery app built from any imported tutorial's summary (issue 18, Deliver 3): data, not code per app.

The summary is the importer's `--json` schema (issue 18, Deliver 5). Every value the tutorial gives is
kept; each placeholder (`<SUBDOMAIN>`, `{idpid}`, `[customer]`) is filled with one test value used
wherever it appears; what the tutorial leaves out ("not in the text", or no Tenant URL) is made up by
the rules below and listed in `GalleryApp.imported["assumptions"]`, so a report can say so.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from gallery import ENTERPRISE_USER, GalleryApp, _parse
from gallery.importer.patterns import PLACEHOLDER

# How the app receives the IdP (the summary's `certificate`) -> the gallery's `idp_configuration`.
IDP_CONFIGURATION = {
    "base64": "fields",
    "raw": "fields",
    "federation_metadata_xml": "metadata",
    "metadata_url": "metadata_url",
    None: "fields",
}
# App-side console fields (summary `entra_value`) -> the SP console setting each fills.
CONSOLE_SETTINGS = {
    "login_url": "idp_login_url",
    "entra_identifier": "idp_issuer",
    "logout_url": "idp_logout_url",
    "certificate": "certificate",
    "metadata_url": "metadata_url",
}
# Claim sources that are no user attribute: the role claim and the groups claim.
NOT_ATTRIBUTE_SOURCES = {"user.assignedroles", "user.groups", "user.roles"}
EXPRESSION = re.compile(r"^\w+\(")
ACTIVE_EXPRESSION = 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'
CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def slug(text: str, separator: str = "-") -> str:
    return re.sub(r"[^a-z0-9]+", separator, text.casefold()).strip(separator) or "app"


def placeholder_values(summary: dict[str, Any], key: str) -> dict[str, str]:
    """One test value per placeholder: its own name in lower case (`<SUBDOMAIN>` -> `subdomain`), so
    two placeholders of one URL stay distinct; a placeholder that is a URL's whole host becomes a
    host name under the app's test domain (`<EXTERNAL_DNS_NAME>` -> `external-dns-name.<key>.test`)."""
    sso = summary.get("sso") or {}
    prov = summary.get("provisioning") or {}
    urls = [u for name in URL_NAMES for u in sso.get(name, [])] + [prov.get("tenant_url") or ""]
    whole_hosts = {urlsplit(u).netloc for u in urls if "://" in u}
    values: dict[str, str] = {}
    for url in urls:
        for placeholder in PLACEHOLDER.findall(url):
            value = slug(placeholder)
            if placeholder in whole_hosts:
                value = f"{value}.{slug(key)}.test"
            values.setdefault(placeholder, value)
    return values


URL_NAMES = ("identifier", "reply_url", "sign_on_url", "relay_state", "logout_url")


def fill(pattern: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values.get(match.group(0), slug(match.group(0))), pattern)


def _https(url: str) -> str:
    """The harness serves every vendor host over HTTPS only; an http:// Sign-on URL (Gigya's) is
    opened as https:// (assumption: the vendor redirects http to https, as sites do)."""
    parts = urlsplit(url)
    return urlunsplit(("https", *parts[1:])) if parts.scheme == "http" else url


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _regions(
    sso: dict[str, Any], values: dict[str, str], domain: str, assumptions: list[str]
) -> list[dict[str, Any]]:
    """One region per alternative, as the importer's profile writer pairs them (value i of each
    field together, the last value repeated); a value not in the text is made up once, here."""
    urls = {name: [fill(v, values) for v in sso.get(name, [])] for name in URL_NAMES}
    count = max(len(urls["identifier"]), len(urls["reply_url"]), len(urls["sign_on_url"]), 1)

    def pick(name: str, index: int) -> str | None:
        found = urls[name]
        return (found[index] if index < len(found) else found[-1]) if found else None

    regions = []
    for index in range(count):
        sign_on = pick("sign_on_url", index)
        identifier = pick("identifier", index)
        reply = pick("reply_url", index)
        base = next((u for u in (reply, sign_on, identifier) if u and _is_url(u)), None)
        host = urlsplit(_https(base)).netloc if base else domain
        if reply is None or not _is_url(reply):
            # Not in the text: the gallery entry pre-populates it (tutorials: "pre-populated").
            reply = f"https://{host}/saml/acs"
            assumptions.append(f"Reply URL not in the tutorial: the harness uses {reply}")
        elif urlsplit(reply).scheme == "http":
            # Entra takes https Reply URLs only (but for localhost); the vendor is served so.
            reply = _https(reply)
            assumptions.append(f"Reply URL written with http://: the harness uses {reply}")
        if identifier is None:
            identifier = f"https://{urlsplit(reply).netloc}"
            assumptions.append(f"Identifier not in the tutorial: the harness uses {identifier}")
        region: dict[str, Any] = {
            "key": f"alternative_{index + 1}" if count > 1 else "default",
            "label": urlsplit(reply).hostname or f"alternative {index + 1}",
            "identifier": identifier,
            "reply_url": reply,
        }
        if sign_on:
            region["sign_on_url"] = _https(sign_on)
        regions.append(region)
    # One deployment per host: the vendor serves one ACS a host (mock_sp.web), so a second
    # alternative on the same host (Skybreathe's SP-mode Reply URL) is not served.
    kept: dict[str, dict[str, Any]] = {}
    for region in regions:
        host = urlsplit(region["reply_url"]).netloc
        if host in kept:
            if region["reply_url"] != kept[host]["reply_url"]:
                assumptions.append(
                    f"Reply URL {region['reply_url']} shares its host with "
                    f"{kept[host]['reply_url']}: only the first is served"
                )
            continue
        kept[host] = region
    return list(kept.values())


def _logout_path(
    sso: dict[str, Any], values: dict[str, str], region: dict[str, Any], assumptions: list[str]
) -> str | None:
    """The tutorial's Logout URL (Basic SAML's, where Entra sends LogoutRequests) as the path the
    SP serves single logout at; only on the ACS's host, where the vendor's SP answers."""
    for pattern in sso.get("logout_url", []):
        url = _https(fill(pattern, values))
        parts = urlsplit(url)
        # The vendor's own pages (mock_sp.web) are at /, /app and /logout (its Sign Out).
        taken = parts.path in ("", "/", "/app", "/logout")
        if parts.netloc == urlsplit(region["reply_url"]).netloc and not taken:
            return parts.path
        assumptions.append(f"Logout URL {url} is on another host than the ACS: not served")
    return None


def _console(
    app: str, sso: dict[str, Any], idp_configuration: str, host: str
) -> list[dict[str, Any]]:
    """The vendor's users page (Create <app> test user) and, where the admin types the IdP's values
    into the vendor, its SSO form labelled as the tutorial's app-side fields say (the standard
    labels where it names none). Metadata uploads go through the console API."""
    consoles = [
        {
            "key": "users",
            "label": "Users",
            "navigation": ["Users"],
            "host": host,
            "title": "Add User",
            "page": "people",
            "fields": {"display_name": "Full Name", "email": "Email", "user_name": "User Name"},
        }
    ]
    if idp_configuration != "fields":
        return consoles
    fields: dict[str, str] = {}
    for entry in sso.get("app_side_fields", []):
        setting = CONSOLE_SETTINGS.get(entry.get("entra_value", ""))
        if setting in IDP_FIELDS and setting not in fields:
            fields[setting] = entry["field"]
    for setting, label in STANDARD_LABELS.items():
        fields.setdefault(setting, label)
    sso_page = {
        "key": "sso",
        "label": "Single sign-on",
        "navigation": ["Single sign-on"],
        "host": host,
        "title": f"{app} SAML settings",
        "page": "fields",
        "fields": fields,
    }
    return [sso_page, *consoles]


IDP_FIELDS = ("idp_login_url", "idp_issuer", "idp_logout_url", "certificate")
# The "Set up <app>" card's names for what a vendor form without tutorial labels asks for.
STANDARD_LABELS = {
    "idp_login_url": "Login URL",
    "idp_issuer": "Microsoft Entra Identifier",
    "idp_logout_url": "Logout URL",
    "certificate": "Certificate",
}


def _scim_path(name: str) -> tuple[str | None, str]:
    """A target attribute as the tutorial names it -> (extension URN or None, attribute path)."""
    if name.lower().startswith("urn:"):
        urn, _, attribute = name.rpartition(":")
        return urn, attribute
    return None, name


def _top(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def _mapping(attribute: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"target": attribute["name"], "source": attribute["source"]}
    if attribute["name"] == "userName":
        row["matching"] = 1
    if attribute["source"] == ACTIVE_EXPRESSION:
        row |= {"type": "Expression", "target_type": "Boolean"}
    elif EXPRESSION.match(attribute["source"]):
        row["type"] = "Expression"  # Join(" ", [givenName], [surname]) and the like
    if attribute["name"].endswith(":manager"):
        row["target_type"] = "Reference"
    return row


def _scim(
    prov: dict[str, Any],
    values: dict[str, str],
    domain: str,
    assumptions: list[str],
    notes: list[str],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The `[scim]` and `[provisioning]` tables: the vendor keeps the attributes the tutorial lists,
    requires those it marks required (where Entra's mapping sends a value), and filters on those it
    marks filterable; the gallery's mappings are the listed attributes joined to Entra's sources."""
    tenant_url = prov.get("tenant_url")
    if tenant_url:
        tenant_url = _https(fill(tenant_url, values).replace("\\", ""))
    else:
        tenant_url = f"https://scim.{domain}/scim/v2"
        assumptions.append(
            f"Tenant URL not in the tutorial (the vendor hands it out): the harness uses {tenant_url}"
        )
    if prov.get("auth") not in (None, "bearer_token"):
        assumptions.append(
            f"Admin Credentials: the tutorial uses {prov['auth']}; the harness gives a Secret Token "
            "(the vendor's authorization grant is not simulated)"
        )
    groups = "provision_groups" in prov.get("capabilities", []) or bool(
        prov.get("group_attributes")
    )
    scim: dict[str, Any] = {
        "tenant_url": tenant_url,
        "resource_types": ["User", "Group"] if groups else ["User"],
    }
    users = [a for a in prov.get("user_attributes", []) if a.get("name")]
    mapped = [a for a in users if a.get("source")]
    for attribute in users:
        if not attribute.get("source"):
            notes.append(
                f"{attribute['name']}: no source in Entra's default mapping, not mapped, "
                "so not required of a user"
            )
    if users:
        # What every SCIM store here keeps and indexes (userName, emails.value, externalId).
        core = {"userName", "active", "externalId", "id", "emails"}
        extensions: dict[str, list[str]] = {}
        required: list[str] = []
        filterable: list[str] = []
        for attribute in mapped:
            urn, path = _scim_path(attribute["name"])
            if urn is None or urn == CORE_USER:
                core.add(_top(path))
            else:
                extensions.setdefault(urn, []).append(path)
            if attribute.get("required") and urn is None and "[" not in path:
                required.append(path)
            if attribute.get("filterable") and urn is None:
                filterable.append(path)
        scim["user_attributes"] = sorted(core)
        scim["enterprise_attributes"] = sorted(extensions.pop(ENTERPRISE_USER, []))
        scim["user_extensions"] = [ENTERPRISE_USER, *extensions]
        scim["schemas"] = [
            {
                "id": urn,
                "name": urn.rsplit(":", 2)[-2],
                "description": "custom extension named by the tutorial",
                "attributes": [
                    {"name": name, "type": "string", "multiValued": False} for name in names
                ],
            }
            for urn, names in extensions.items()
        ]
        scim["required_attributes"] = [r for r in required if r not in ("userName", "active")]
        if filterable:
            # RFC 7644 §3.4.2.2 allows a provider to support filters on some attributes only.
            scim["filter_attributes"] = sorted({*filterable, "userName"})
    provisioning: dict[str, Any] = {"users": {"name": "Provision Microsoft Entra ID Users"}}
    if mapped:
        provisioning["users"]["mappings"] = [_mapping(a) for a in mapped]
    else:
        assumptions.append("no attribute table: Entra's default SCIM mappings (ENTRA-BEHAVIOUR §8)")
    group_rows = [a for a in prov.get("group_attributes", []) if a.get("source")]
    provisioning["groups"] = {"name": "Provision Microsoft Entra ID Groups", "enabled": groups}
    if group_rows:
        provisioning["groups"]["mappings"] = [
            {"target": a["name"], "source": a["source"]}
            | ({"matching": 1} if a["name"] == "displayName" else {})
            | ({"target_type": "Reference"} if a["name"] == "members" else {})
            for a in group_rows
        ]
    return scim, provisioning


def profile_data(summary: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    """The gallery TOML's tables for one imported summary (what `gallery._parse` reads)."""
    if summary.get("kind") not in ("sso", "provisioning"):
        raise ValueError(f"an excluded tutorial has no vendor: {summary.get('exclude_reason')}")
    app = summary["app"]
    key = key or slug(app, "_")
    domain = f"{slug(app)}.example.com"
    values = placeholder_values(summary, key)
    assumptions: list[str] = []
    notes: list[str] = []
    sso = summary.get("sso") or {}
    certificate = sso.get("certificate")
    idp_configuration = IDP_CONFIGURATION.get(certificate, "fields")
    if summary["kind"] == "provisioning":
        # A provisioning tutorial configures no SSO: one deployment at the app's test domain.
        sso = {"modes": ["idp"], "reply_url": [], "identifier": []}
    regions = _regions(sso, values, domain, assumptions)
    console_host = f"console.{urlsplit(regions[0]['reply_url']).hostname}"
    logout_path = _logout_path(sso, values, regions[0], assumptions)
    claims = []
    for claim in sso.get("claims", []):
        if claim["source"].strip().lower() in NOT_ATTRIBUTE_SOURCES:
            # The role claim comes from app roles and groups from the group claim setting, not
            # from an attribute row (the simulated tenant models neither as a claim source).
            notes.append(
                f"claim {claim['name']} ({claim['source']}) not pre-populated nor required: "
                "Entra sends it from app roles / the group claim, which the harness does not set up"
            )
            continue
        claims.append(
            {"name": claim["name"], "source": claim["source"]}
            | ({"namespace": claim["namespace"]} if claim.get("namespace") else {})
        )
    data: dict[str, Any] = {
        "key": key,
        "name": app,
        # Graph applicationTemplates ids are GUIDs; an imported app's is derived from its key.
        "template_id": "imported-" + slug(key),
        "publisher": app,
        "tutorials": [summary.get("provenance", {}).get("file", "")],
        "sso": {
            "modes": list(sso.get("modes") or ["sp", "idp"]),
            "fixed_identifier": bool(sso.get("fixed_identifier_note")),
            "console_host": console_host,
            "user_lookup": "name_id",
            "idp_configuration": idp_configuration,
            "certificate": certificate,
            "jit": bool(sso.get("jit")),
            "require_claims": True,
            **({"logout_path": logout_path} if logout_path else {}),
            "claims": claims,
            "consoles": _console(app, sso, idp_configuration, console_host),
            "regions": regions,
        },
    }
    prov = summary.get("provisioning")
    if prov is not None:
        data["scim"], data["provisioning"] = _scim(prov, values, domain, assumptions, notes)
        data["provisioning"]["template_id"] = "imported-" + slug(key)
    data["imported"] = {
        "kind": summary["kind"],
        "placeholders": values,
        "assumptions": assumptions,
        "notes": notes,
        "limitations": list((prov or {}).get("limitations", [])),
        "role_claim": bool(sso.get("role_claim")),
        "warnings": list(summary.get("warnings", [])),
    }
    return data


def gallery_app_from_summary(summary: dict[str, Any], key: str | None = None) -> GalleryApp:
    """The GalleryApp the tenant offers in its gallery and the generic vendor serves."""
    return _parse(profile_data(summary, key))


def tutorial_files(paths: list[Path]) -> list[Path]:
    """Tutorial Markdown files: each path itself, or every `*.md` under a folder but READMEs."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.md") if p.name.lower() != "readme.md")
        else:
            files.append(path)
    return files


def imported_gallery(paths: list[Path]) -> dict[str, GalleryApp]:
    """Every SSO or provisioning tutorial of `paths` as a gallery app, by key; excluded ones are
    left out. Two tutorials of one app (a translated copy) get keys and names of their own, so each
    is its own gallery entry: "Dropbox for Business (2)"."""
    from gallery.importer import import_tutorial

    apps: dict[str, GalleryApp] = {}
    names: set[str] = set()
    for file in tutorial_files(paths):
        summary = import_tutorial(file, str(file)).summary()
        if summary["kind"] == "excluded":
            continue
        base_key, base_name = slug(summary["app"], "_"), summary["app"]
        key, name, count = base_key, base_name, 1
        while key in apps or name.casefold() in names:
            count += 1
            key, name = f"{base_key}_{count}", f"{base_name} ({count})"
        apps[key] = gallery_app_from_summary({**summary, "app": name}, key)
        names.add(name.casefold())
    return apps


# Tutorial files or folders (os.pathsep between them) whose apps every stack of this process
# serves: how `entra-harness demo --tutorial` and the corpus run hand them to the pytest plugin.
TUTORIALS_VARIABLE = "ENTRA_HARNESS_TUTORIALS"


def tutorials_from_environment() -> list[Path]:
    value = os.environ.get(TUTORIALS_VARIABLE, "")
    return [Path(part) for part in value.split(os.pathsep) if part]
