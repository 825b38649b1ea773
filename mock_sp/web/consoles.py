"""The vendor admin consoles as pages in each tutorial's own words, on the console API's state."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gallery import Console

from ..idp_settings import MetadataError
from ..service_provider import ServiceProvider, SettingError
from ..vendor import Vendor

# "Map Email Attribute to" (tutorial 000, step c picks the first): the claims Entra sends.
EMAIL_CLAIMS = (
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
)


def current_values(sp: ServiceProvider) -> dict[str, str]:
    """What the console's fields show now, by gallery `fields` name."""
    settings, idp = sp.settings, sp.settings.idp
    return {
        "idp_login_url": idp.sso_url if idp else "",
        "idp_issuer": idp.entity_id if idp else "",
        "idp_logout_url": (idp.slo_url or "") if idp else "",
        "email_attribute": settings.email_attribute or "",
        "relying_party_identifier": settings.relying_party_identifier or "",
        "organization_name": settings.organization_name or "",
    }


def create_console_pages(vendor: Vendor) -> Blueprint:
    """Every console of the vendor's gallery entry: its menu, then its page ("fields",
    "metadata" or "people"), for the region in `?region=` (the first region by default)."""
    pages = Blueprint(f"{vendor.app.key}_console_pages", __name__)
    sso = vendor.app.sso

    def region_key() -> str:
        key = request.args.get("region") or sso.regions[0].key
        if key not in vendor.sps:
            abort(message(404, f"{vendor.app.name} has no region {key!r}."))
        return key

    def message(status: int, text: str) -> Response:
        return make_response(render_template("message.html", message=text), status)

    def console(key: str, page: str | None = None) -> Console:
        found = next((c for c in sso.consoles if c.key == key), None)
        if found is None or (page is not None and found.page != page):
            abort(message(404, f"There is no such page in the {vendor.app.name} console."))
        return found

    def here() -> list[Console]:
        """The consoles of the host the browser asked for (all of them on another name)."""
        host = request.host.split(":", 1)[0].lower()
        return [c for c in sso.consoles if c.host == host] or list(sso.consoles)

    def link(console: Console, depth: int) -> str:
        """The page `depth` clicks along `console.navigation`; the last click opens the page."""
        if depth >= len(console.navigation):
            return url_for(".console_page", key=console.key, region=region_key())
        return url_for(".navigate", key=console.key, depth=depth, region=region_key())

    def menu(trail: tuple[str, ...]) -> list[tuple[str | None, list[tuple[str, str]]]]:
        """The links one click past `trail`, grouped under their gallery `sections` heading."""
        groups: dict[str | None, dict[str, str]] = {}
        for each in here():
            if len(each.navigation) > len(trail) and each.navigation[: len(trail)] == trail:
                name = each.navigation[len(trail)]
                links = groups.setdefault(each.sections.get(name), {})
                links.setdefault(name, link(each, len(trail) + 1))
        return [(heading, list(links.items())) for heading, links in groups.items()]

    def top_links() -> list[tuple[str, str]]:
        return [pair for _, links in menu(()) for pair in links]

    def render(template: str, status: int = 200, **context: Any) -> Response:
        region = region_key()
        chosen: Console | None = context.get("console")
        return make_response(
            render_template(
                f"console/{template}",
                region=region,
                regions=sso.regions,
                # The top-level links sit in the header bar; the home page shows them as tiles.
                top_menu=[] if request.endpoint == f"{pages.name}.home" else top_links(),
                # The region switcher reloads this page, or the console's page after a POST.
                switch_to=url_for(".console_page", key=chosen.key) if chosen else request.path,
                **context,
            ),
            status,
        )

    @pages.get("/")
    def home() -> Response:
        return render("home.html", tiles=top_links())

    @pages.get("/console/<key>/<int:depth>")
    def navigate(key: str, depth: int) -> Response:
        """The tutorial's clicks, one menu a page ("Admin", then "Single Sign-on" under
        "Integrations"), until the console's own page."""
        chosen = console(key)
        if depth == 0:
            return redirect(url_for(".home", region=region_key()))
        if depth >= len(chosen.navigation):
            return redirect(link(chosen, depth))
        trail = chosen.navigation[:depth]
        return render("menu.html", trail=trail, groups=menu(trail))

    @pages.get("/console/<key>")
    def console_page(key: str) -> Response:
        chosen = console(key)
        if chosen.page == "metadata":
            return metadata_page(chosen, editing=bool(request.args.get("edit")))
        if chosen.page == "people":
            return people_page(chosen, adding=bool(request.args.get("add")))
        if chosen.page == "directory":
            return directory_page(chosen)
        return fields_page(chosen)

    # The generic form: a text box per gallery `fields` label, a file for the certificate.

    def fields_page(chosen: Console, status: int = 200, **context: Any) -> Response:
        sp = vendor.sp(region_key())
        values = {**current_values(sp), **context.pop("values", {})}
        return render(
            "fields.html",
            status,
            console=chosen,
            values=values,
            idp=sp.settings.idp,
            problems=context.pop("problems", {}),
            **context,
        )

    @pages.post("/console/<key>")
    def save(key: str) -> Response:
        """Save: tutorial 002 step e, tutorial 004 step e, and the other `fields` forms."""
        chosen = console(key)
        if chosen.page == "people":
            return add_person(chosen)
        if chosen.page != "fields":
            abort(message(405, "This page has no form to save."))
        sp = vendor.sp(region_key())
        values = {
            name: request.form.get(name, "") for name in chosen.fields if name != "certificate"
        }
        upload = request.files.get("certificate")
        certificate = upload.read() if upload and "certificate" in chosen.fields else None
        try:
            sp.save_console_fields(values, certificate or None)
        except SettingError as refused:
            return fields_page(chosen, 400, values=values, problems=refused.problems)
        saved = "Saved."
        if sp.settings.sso_enabled and set(chosen.fields) & {"idp_login_url", "certificate"}:
            saved = "Saved. Single sign-on with Microsoft Entra ID is on."
        return fields_page(chosen, notice=saved)

    # RingCentral (tutorial 000): Step 1 Edit, Step 2 Download, Enable SSO.

    def metadata_page(
        chosen: Console, status: int = 200, editing: bool = False, **context: Any
    ) -> Response:
        sp = vendor.sp(region_key())
        return render(
            "metadata.html",
            status,
            console=chosen,
            settings=sp.settings,
            email_claims=EMAIL_CLAIMS,
            editing=editing,
            **context,
        )

    @pages.post("/console/<key>/metadata")
    def upload_metadata(key: str) -> Response:
        """Step 1 a-b: Browse to upload the metadata file; SSO General Information fills in."""
        chosen = console(key, "metadata")
        upload = request.files.get("metadata")
        document = upload.read() if upload else b""
        if not document:
            return metadata_page(
                chosen, 400, True, error=f"Choose the {chosen.fields['metadata']} first."
            )
        try:
            vendor.sp(region_key()).upload_idp_metadata(document)
        except MetadataError as refused:
            error = f"The metadata file was not accepted: {refused}."
            return metadata_page(chosen, 400, True, error=error)
        notice = "Metadata uploaded: SSO General Information is filled in."
        return metadata_page(chosen, editing=True, notice=notice)

    @pages.post("/console/<key>/mapping")
    def save_mapping(key: str) -> Response:
        """Step 1 c-d: Attribute Mapping, Map Email Attribute to, Save; a metadata file chosen
        with Browse but not uploaded yet is uploaded by the same Save (tutorial 000, step d)."""
        chosen = console(key, "metadata")
        sp = vendor.sp(region_key())
        upload = request.files.get("metadata")
        document = upload.read() if upload else b""
        notice = "Attribute Mapping saved."
        if document:
            try:
                sp.upload_idp_metadata(document)
            except MetadataError as refused:
                error = f"The metadata file was not accepted: {refused}. Nothing was saved."
                return metadata_page(chosen, 400, True, error=error)
            notice = "Metadata uploaded: SSO General Information is filled in. " + notice
        sp.save_console_fields({"email_attribute": request.form.get("email_attribute", "")})
        return metadata_page(chosen, editing=True, notice=notice)

    @pages.post("/console/<key>/enable")
    def enable(key: str) -> Response:
        """Step 1 f: Enable SSO Service; Allow users to log in with SSO or <vendor> credential."""
        chosen = console(key, "metadata")
        switches = {name: name in request.form for name in ("sso_enabled", "allow_password_login")}
        try:
            vendor.sp(region_key()).save_console_fields(switches)
        except SettingError as refused:
            error = "Not saved: " + "; ".join(
                f"{chosen.fields.get(name, name)} {why}" for name, why in refused.problems.items()
            )
            return metadata_page(chosen, 400, error=error + ". Edit Step 1 first.")
        return metadata_page(chosen, notice="Single sign-on settings saved.")

    @pages.get("/console/<key>/sp-metadata")
    def download_sp_metadata(key: str) -> Response:
        """Step 1 e: from Step 2, Download the Service Provider metadata file."""
        console(key, "metadata")
        region = region_key()
        name = f"{vendor.app.key}-{region}-sp-metadata.xml"
        return Response(
            vendor.sp(region).sp_metadata(),
            content_type="application/xml",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    # Create <vendor> test user: the users page (support's, RingCentral and 8x8), or Genesys'
    # People > Add Person dialog.

    def people_page(
        chosen: Console, status: int = 200, adding: bool = False, **context: Any
    ) -> Response:
        sp = vendor.sp(region_key())
        return render(
            "people.html",
            status,
            console=chosen,
            users=list(sp.directory.users.values()),
            adding=adding or not chosen.action,
            values=context.pop("values", {"active": "on"}),
            problems=context.pop("problems", {}),
            **context,
        )

    def add_person(chosen: Console) -> Response:
        values = {name: request.form.get(name, "") for name in chosen.fields}
        try:
            user = vendor.sp(region_key()).create_user(
                values.get("email", ""),
                values.get("display_name", ""),
                active="active" not in chosen.fields or bool(values.get("active")),
                user_name=values.get("user_name"),
            )
        except SettingError as refused:
            return people_page(chosen, 400, True, values=values, problems=refused.problems)
        except ValueError as refused:
            return people_page(chosen, 409, True, values=values, error=f"Not created: {refused}.")
        return people_page(chosen, notice=f"{user.display_name} ({user.email}) was created.")

    # RingCentral (tutorials 001/003 step 2): Tools > Directory Integration.

    def directory_page(chosen: Console, status: int = 200, **context: Any) -> Response:
        return render(
            "directory.html",
            status,
            console=chosen,
            enabled=vendor.scim_enabled,
            tenant_url=vendor.scim.base_url if vendor.scim else "",
            token=vendor.scim_token if vendor.scim_enabled else None,
            **context,
        )

    @pages.post("/console/<key>/directory")
    def enable_scim(key: str) -> Response:
        """Select SCIM under Select Directory Provider, then Enable SCIM Service."""
        chosen = console(key, "directory")
        if vendor.scim is None:
            abort(message(404, f"{vendor.app.name} has no SCIM service."))
        if request.form.get("provider") != "scim":
            label = chosen.fields.get("provider", "provider")
            return directory_page(chosen, 400, error=f"Choose SCIM under {label}.")
        vendor.scim_enabled = True
        return directory_page(chosen, notice="The SCIM service is enabled.")

    return pages
