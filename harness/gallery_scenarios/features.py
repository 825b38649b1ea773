"""Feature files for imported gallery apps, from the templates beside this module (issue 18, Deliver 4).

Each imported app gets `<key>.feature`: SSO (gallery, Basic SAML Configuration, claims, each sign-on
mode in the browser) or provisioning (Test Connection, a cycle with every attribute, an update, a
disable). The steps are the built-in vendors' (steps/); only what a tutorial says differs, as data.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from gallery import GalleryApp
from gallery.generic import imported_gallery, tutorial_files
from harness.gallery_scenarios.claim_sources import TEST_VALUES, graph_property

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHECKOUT = Path(__file__).resolve().parents[2]
# Generated features live in a git-ignored cache of the checkout (the temporary directory when
# installed from a wheel), one folder per tutorial set.
CACHE = (
    CHECKOUT / ".cache" / "gallery-scenarios"
    if (CHECKOUT / ".git").exists()
    else Path(tempfile.gettempdir()) / "entra-harness-gallery-scenarios"
)
# B.Simon's provisioning profile: a value for every source Entra's mappings read.
PROVISIONING_PROFILE = (
    ("jobTitle", "Sales Manager"),
    ("department", "Sales"),
    ("mobilePhone", "+1 425 555 0100"),
    ("businessPhones", "+1 425 555 0101"),
    ("streetAddress", "1 Microsoft Way"),
    ("city", "Redmond"),
    ("state", "WA"),
    ("postalCode", "98052"),
    ("country", "US"),
    ("employeeId", "1001"),
    ("preferredLanguage", "en-US"),
    ("faxNumber", "+1 425 555 0102"),
)
# Mapping sources whose Graph property has another name (steps.provisioning_steps.GRAPH_PROPERTY).
SOURCE_PROPERTY = {
    "mobile": "mobilePhone",
    "telephoneNumber": "businessPhones",
    "facsimileTelephoneNumber": "faxNumber",
}
# A change to provision in the incremental cycle: target attribute -> (Graph property, before, after),
# the first one the app maps (ENTRA-BEHAVIOUR §8: a Replace of only that path).
UPDATES = (
    ("title", "jobTitle", "Sales Manager", "Sales Director"),
    ("displayName", "displayName", "B.Simon", "Britta Simon"),
    ("name.familyName", "surname", "Simon", "Simon-Lee"),
    ("name.givenName", "givenName", "Britta", "Brit"),
)
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )


def _sso_setup(app: GalleryApp) -> Any:
    """The Given steps of a sign-in: B.Simon (with a value for each claim source), the app for
    a region, her assignment, the vendor configured as the tutorial says, her vendor account
    (none with just-in-time provisioning: the vendor makes it at sign-in)."""
    extra = {
        name: TEST_VALUES[name]
        for claim in app.sso.claims
        if (name := graph_property(claim.get("source", ""))) in TEST_VALUES
    }

    def setup(added: str) -> str:
        lines = []
        if extra:
            lines.append("    Given the tenant has the user B.Simon with this profile:")
            lines += [f"      | {name} | {value} |" for name, value in extra.items()]
        else:
            lines.append("    Given the tenant has the user B.Simon")
        lines.append(f"    And {app.name} is added from the gallery {added}")
        lines.append(f"    And B.Simon is assigned to {app.name}")
        lines.append(f"    And {app.name} is configured as its tutorial says")
        if not app.sso.jit:
            lines.append(f"    And B.Simon exists and is active in {app.name}")
        return "\n".join(lines)

    return setup


def _profile(app: GalleryApp) -> list[tuple[str, str]]:
    """B.Simon's properties that the app's mappings read (all of them for Entra's defaults)."""
    mappings = app.provisioning.get("users", {}).get("mappings")
    if not mappings:
        return list(PROVISIONING_PROFILE)
    read = {SOURCE_PROPERTY.get(str(m.get("source")), str(m.get("source"))) for m in mappings}
    return [(name, value) for name, value in PROVISIONING_PROFILE if name in read] or [
        ("jobTitle", "Sales Manager")
    ]


def _update(app: GalleryApp) -> dict[str, str] | None:
    targets = {m["target"] for m in app.provisioning.get("users", {}).get("mappings", [])}
    if not app.provisioning.get("users", {}).get("mappings"):
        targets = {"title", "displayName"}  # Entra's default SCIM mappings
    for target, prop, before, after in UPDATES:
        if target in targets:
            body = {
                "schemas": [PATCH_OP],
                "Operations": [{"op": "Replace", "path": target, "value": after}],
            }
            return {"property": prop, "before": before, "after": after, "body": json.dumps(body)}
    return None


def feature_text(app: GalleryApp) -> str:
    """The feature for one imported app, as Gherkin text."""
    environment = _environment()
    imported = app.imported
    assumptions = [*imported.get("assumptions", []), *imported.get("notes", [])]
    assumptions += [
        f"limitation (not simulated): {text}" for text in imported.get("limitations", [])
    ]
    tutorial = app.tutorials[0] if app.tutorials else app.key
    if imported.get("kind") == "provisioning":
        return environment.get_template("provisioning.feature.j2").render(
            app=app,
            tutorial=tutorial,
            assumptions=assumptions,
            profile=_profile(app),
            update=_update(app),
            # Groups are provisioned where the tutorial says so (its capabilities or group table).
            groups=bool(app.provisioning.get("groups", {}).get("enabled")),
        )
    region = app.sso.regions[0]
    basic = [("Identifier (Entity ID)", region.identifier), ("Reply URL", region.reply_url)]
    if region.sign_on_url and "sp" in app.sso.modes:
        basic.append(("Sign on URL", region.sign_on_url))
    logout = f"https://{region.host}{app.sso.logout_path}" if app.sso.logout_path else None
    if logout:
        basic.append(("Logout Url", logout))
    return environment.get_template("sso.feature.j2").render(
        app=app,
        tutorial=tutorial,
        assumptions=assumptions,
        region=region,
        basic=basic,
        logout=logout,
        setup=_sso_setup(app),
    )


def write_features(apps: dict[str, GalleryApp], directory: Path) -> list[Path]:
    """One feature file per app; each written whole then renamed (xdist workers write alike)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for key, app in apps.items():
        path = directory / f"{key}.feature"
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(feature_text(app), encoding="utf-8")
        temporary.replace(path)
        written.append(path)
    return written


def generate(paths: list[Path]) -> Path | None:
    """Features for every importable tutorial of `paths` in a cache folder named by their content;
    None when there is none."""
    files = tutorial_files(paths)
    if not files:
        return None
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file.resolve()).encode() + file.read_bytes())
    for template in sorted(TEMPLATES.iterdir()):
        digest.update(template.read_bytes())
    directory = CACHE / digest.hexdigest()[:16]
    apps = imported_gallery(paths)
    if not apps:
        return None
    write_features(apps, directory)
    return directory
