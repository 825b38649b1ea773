"""entra.microsoft.com Provisioning pages of an enterprise app (tutorials 001/003 step 5), on the same
ProvisioningService as Graph's synchronization API."""
# Docs "Configure automatic user provisioning", "Customize attribute mappings", "Provision on
# demand"; ENTRA-BEHAVIOUR §8. The provisioning logs pages are in admin_provisioning_logs.

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, Flask, make_response, redirect, render_template, request
from werkzeug.wrappers import Response

from .. import admin
from ..directory import CLOUD_APPLICATION_ADMINISTRATOR, DIRECTORY_ROLES, User
from ..enterprise_apps import EnterpriseApp
from ..provisioning.errors import ProvisioningFailure
from ..provisioning.mappings import (
    APPLY_MODES,
    MAPPING_TYPES,
    AttributeMapping,
    MappingError,
    ObjectMapping,
)
from ..provisioning.service import JobError, ProvisioningService
from ..provisioning.state import Credentials, ProvisioningJob
from ..tenant import Tenant
from .admin_pages import ADMIN_COOKIE, APP_ROLES, APPS

# The portal's wording of the job's Default Access rule (ENTRA-BEHAVIOUR §8: both must exist).
DEFAULT_ACCESS_RULES = {
    "entitled": "Treated like any other role (configurations made after 16 April 2020)",
    "not_entitled": "Excluded, logged as not effectively entitled (the 2019 tutorials)",
}
SCOPES = {"assigned": "Sync only assigned users and groups", "all": "Sync all users and groups"}
APPLY_LABELS = {"Always": "Always", "ObjectAddOnly": "Only during object creation"}
TEST_OK = (
    "Testing connection to {app}: The supplied credentials are authorized to enable provisioning."
)


def source_text(mapping: AttributeMapping) -> str:
    """The left column of the Attribute Mapping table, as the portal writes it."""
    if mapping.type == "None" or mapping.source is None:
        return ""
    if mapping.type == "Constant":
        return f'"{mapping.source}"'
    return mapping.source


def admin_session_user(tenant: Tenant) -> User | None:
    session = tenant.sessions.get(request.cookies.get(ADMIN_COOKIE, ""))
    return None if session is None else tenant.directory.users.get(session.user_id)


def render_page(
    tenant: Tenant, template: str, title: str, status: int = 200, **context: Any
) -> Response:
    """An admin center page (admin/base.html: header, breadcrumb, the app's Manage menu)."""
    context.setdefault("crumbs", [APPS])
    context.setdefault("app", None)
    html = render_template(
        f"admin/{template}", title=title, admin=admin_session_user(tenant), tenant=tenant, **context
    )
    return make_response(html, status)


def provisioning_crumbs(app: EnterpriseApp) -> list[Any]:
    """The breadcrumb of the pages under an app's Provisioning blade."""
    page = (f"{app.display_name} | Provisioning", f"/enterprise-apps/{app.app_id}/provisioning")
    return [APPS, page]


def require_app_admin(tenant: Tenant) -> Response | None:
    """As the SSO pages: signed in, and at least a Cloud Application Administrator."""
    user = admin_session_user(tenant)
    if user is None:
        return redirect(
            f"{tenant.login_base}/{tenant.tenant_id}/oauth2/authorize"
            f"?redirect_uri={tenant.admin_center_base}/auth"
        )
    if not APP_ROLES & set(user.directory_roles):
        role = DIRECTORY_ROLES[CLOUD_APPLICATION_ADMINISTRATOR]
        return render_page(tenant, "forbidden.html", "Access denied", 403, role=role)
    return None


def register_provisioning_pages(app: Flask, tenant: Tenant) -> None:
    pages = Blueprint("admin_provisioning", __name__)
    service = ProvisioningService(tenant)
    base = "/enterprise-apps/<app_id>/provisioning"

    pages.before_request(lambda: require_app_admin(tenant))

    def find(app_id: str) -> EnterpriseApp:
        try:
            return tenant.find_app(app_id)
        except KeyError:
            raise admin.not_found(app_id) from None

    def job_of(target: EnterpriseApp) -> ProvisioningJob | None:
        return tenant.provisioning.job_for_app(target.object_id)

    def require_job(target: EnterpriseApp) -> ProvisioningJob:
        job = job_of(target)
        if job is None:
            raise admin.not_found(f"provisioning configuration of {target.display_name}")
        return job

    def snapshot(job: ProvisioningJob) -> ProvisioningJob:
        """A copy to render: a background cycle may be changing the job (provisioning lock)."""
        with tenant.provisioning.lock:
            return copy.deepcopy(job)

    # --- Overview: Get started, or the cycle status -------------------------------------------

    @pages.get(base)
    def overview(app_id: str) -> Response:
        target = find(app_id)
        job = job_of(target)
        title = f"{target.display_name} | Provisioning"
        if job is None:
            return render_page(tenant, "provisioning_start.html", title, app=target)
        return overview_page(target, job)

    def overview_page(
        target: EnterpriseApp, job: ProvisioningJob, status: int = 200, **context: Any
    ) -> Response:
        shown = snapshot(job)
        users = sum(1 for link in shown.links.values() if link.kind == "User")
        groups = sum(1 for link in shown.links.values() if link.kind == "Group")
        return render_page(
            tenant,
            "provisioning_overview.html",
            f"{target.display_name} | Provisioning",
            status,
            app=target,
            job=shown,
            last=shown.last_execution,
            provisioned={"Users": users, "Groups": groups},
            scope=SCOPES["all" if shown.sync_all else "assigned"],
            **context,
        )

    @pages.post(f"{base}/start")
    def start(app_id: str) -> Response:
        target = find(app_id)
        job = require_job(target)
        if not job.credentials.tenant_url:
            return overview_page(target, job, 400, error="Enter the Admin Credentials first.")
        service.start(job)
        return overview_page(target, job, notice="Provisioning started.")

    @pages.post(f"{base}/stop")
    def stop(app_id: str) -> Response:
        target = find(app_id)
        job = require_job(target)
        service.pause(job)
        return overview_page(target, job, notice="Provisioning stopped.")

    @pages.post(f"{base}/restart")
    def restart(app_id: str) -> Response:
        """Restart provisioning: clears the watermark, escrows and quarantine (docs)."""
        target = find(app_id)
        job = require_job(target)
        service.restart(job)
        return overview_page(
            target,
            job,
            notice="Provisioning restarted: the next cycle is an initial cycle.",
        )

    # --- Edit provisioning: mode, Admin Credentials, Mappings, Settings -----------------------

    def form_values(job: ProvisioningJob | None) -> dict[str, Any]:
        if job is None:
            return {
                "mode": "Manual",
                "tenant_url": "",
                "notification_email": "",
                "notify_on_failure": False,
                "scope": "assigned",
                "default_access": tenant.provisioning.default_settings.default_access,
                "status": "off",
            }
        return {
            "mode": "Automatic",
            "tenant_url": job.credentials.tenant_url or "",
            "notification_email": job.notification_email or "",
            "notify_on_failure": job.notify_on_failure,
            "scope": "all" if job.sync_all else "assigned",
            "default_access": job.settings.default_access,
            "status": "on" if job.schedule_state == "Active" else "off",
        }

    def edit_page(target: EnterpriseApp, status: int = 200, **context: Any) -> Response:
        job = job_of(target)
        values = {**form_values(job), **context.pop("values", {})}
        shown = snapshot(job) if job else None
        return render_page(
            tenant,
            "provisioning_edit.html",
            "Provisioning",
            status,
            crumbs=provisioning_crumbs(target),
            app=target,
            job=shown,
            secret_saved=bool(shown and shown.credentials.secret_token),
            values=values,
            scopes=SCOPES,
            default_access_rules=DEFAULT_ACCESS_RULES,
            **context,
        )

    @pages.get(f"{base}/edit")
    def edit(app_id: str) -> Response:
        return edit_page(find(app_id))

    @pages.post(f"{base}/edit")
    def save(app_id: str) -> Response:
        target = find(app_id)
        form = request.form
        values: dict[str, Any] = {
            "mode": form.get("mode", "Manual"),
            "tenant_url": form.get("tenant_url", "").strip(),
            "notification_email": form.get("notification_email", "").strip(),
            "notify_on_failure": "notify_on_failure" in form,
            "scope": form.get("scope", "assigned"),
            "default_access": form.get("default_access", "entitled"),
            "status": form.get("status", "off"),
        }
        secret = form.get("secret_token", "").strip()
        job = job_of(target)
        if values["mode"] != "Automatic":
            if job is not None:
                service.delete_job(job)
                return edit_page(
                    target, notice="Provisioning Mode is Manual: the configuration was removed."
                )
            return edit_page(target, notice="Provisioning Mode is Manual: nothing to save.")
        if job is None:
            try:
                job = service.create_job(target)
            except JobError as error:
                return edit_page(target, error.status, values=values, error=error.message)
        if form.get("action") == "test":
            return test_connection(target, job, values, secret)
        problem = check_settings(job, values, secret)
        if problem:
            return edit_page(target, 400, values=values, error=problem)
        secrets: dict[str, str] = {"BaseAddress": values["tenant_url"]}
        if secret:
            secrets["SecretToken"] = secret
        service.save_credentials(job, secrets)
        service.configure(
            job,
            notification_email=values["notification_email"],
            notify_on_failure=values["notify_on_failure"],
            sync_all=values["scope"] == "all",
        )
        if values["default_access"] != job.settings.default_access:
            service.update_settings(job, {"default_access": values["default_access"]})
        if values["status"] == "on" and job.schedule_state != "Active":
            service.start(job)
        elif values["status"] == "off" and job.schedule_state == "Active":
            service.pause(job)
        notice = "Provisioning configuration saved."
        if job.schedule_state == "Active":
            notice += " Provisioning Status is On: the next cycle starts within 40 minutes."
            if job.watermark is None:
                notice = (
                    "Provisioning configuration saved. Provisioning Status is On: "
                    "the initial cycle starts now."
                )
        return edit_page(target, notice=notice)

    def check_settings(job: ProvisioningJob, values: dict[str, Any], secret: str) -> str | None:
        if values["scope"] not in SCOPES or values["default_access"] not in DEFAULT_ACCESS_RULES:
            return "Choose a Scope and a Default Access rule from the lists."
        if values["status"] not in ("on", "off"):
            return "Provisioning Status is On or Off."
        email = values["notification_email"]
        if email and "@" not in email:
            return f"Notification Email: '{email}' is not an email address."
        if values["notify_on_failure"] and not email:
            return "Enter a Notification Email to send an email notification when a failure occurs."
        has_secret = bool(secret or job.credentials.secret_token)
        if values["status"] == "on" and not (values["tenant_url"] and has_secret):
            return "Enter the Tenant URL and Secret Token before turning Provisioning Status On."
        return None

    def test_connection(
        target: EnterpriseApp, job: ProvisioningJob, values: dict[str, Any], secret: str
    ) -> Response:
        """Test Connection with what the form holds (saved or not): Entra's messages."""
        result = service.validate_credentials(
            job,
            Credentials(
                tenant_url=values["tenant_url"] or None,
                secret_token=secret or job.credentials.secret_token,
            ),
        )
        if result.success:
            return edit_page(
                target,
                values=values,
                notice=TEST_OK.format(app=target.display_name),
                typed_secret=secret,
            )
        return edit_page(
            target,
            400,
            values=values,
            error=f"Testing connection to {target.display_name}: {result.message}",
            error_code=result.code,
            typed_secret=secret,
        )

    # --- Mappings ----------------------------------------------------------------------------

    def object_mapping(job: ProvisioningJob, kind: str) -> ObjectMapping:
        if kind not in ("users", "groups"):
            raise admin.not_found(kind)
        return job.users if kind == "users" else job.groups

    def mapping_page(
        target: EnterpriseApp, kind: str, status: int = 200, **context: Any
    ) -> Response:
        job = snapshot(require_job(target))
        mapping = object_mapping(job, kind)
        return render_page(
            tenant,
            "provisioning_mapping.html",
            "Attribute Mapping",
            status,
            crumbs=[
                APPS,
                ("Provisioning", f"/enterprise-apps/{target.app_id}/provisioning/edit"),
            ],
            app=target,
            kind=kind,
            mapping=mapping,
            matching=mapping.matching(),
            source_text=source_text,
            apply_labels=APPLY_LABELS,
            **context,
        )

    @pages.get(f"{base}/mappings/<kind>")
    def mappings(app_id: str, kind: str) -> Response:
        return mapping_page(find(app_id), kind)

    @pages.post(f"{base}/mappings/<kind>")
    def save_mapping(app_id: str, kind: str) -> Response:
        """Enabled and Target Object Actions; Save starts a new initial cycle (docs)."""
        target = find(app_id)
        job = require_job(target)
        with tenant.provisioning.lock:
            changed = copy.deepcopy(object_mapping(job, kind))
        changed.enabled = request.form.get("enabled") == "yes"
        changed.actions = [a for a in ("Create", "Update", "Delete") if a in request.form]
        try:
            service.update_mappings(
                job, changed if kind == "users" else None, changed if kind == "groups" else None
            )
        except JobError as error:
            return mapping_page(target, kind, 400, error=error.message)
        return mapping_page(target, kind, notice="Attribute mappings saved.")

    def row_page(
        target: EnterpriseApp,
        kind: str,
        row: AttributeMapping,
        status: int = 200,
        **context: Any,
    ) -> Response:
        job = require_job(target)
        return render_page(
            tenant,
            "provisioning_attribute.html",
            "Edit Attribute",
            status,
            crumbs=[
                APPS,
                (
                    "Attribute Mapping",
                    f"/enterprise-apps/{target.app_id}/provisioning/mappings/{kind}",
                ),
            ],
            app=target,
            kind=kind,
            row=row,
            mapping_types=MAPPING_TYPES,
            apply_labels=APPLY_LABELS,
            attributes=object_mapping(job, kind).known_attributes,
            **context,
        )

    @pages.get(f"{base}/mappings/<kind>/edit")
    def edit_row(app_id: str, kind: str) -> Response:
        target = find(app_id)
        job = require_job(target)
        with tenant.provisioning.lock:
            row = object_mapping(job, kind).mapping_for(request.args.get("target", ""))
            row = copy.deepcopy(row)
        if row is None:
            raise admin.not_found(request.args.get("target", ""))
        return row_page(target, kind, row)

    @pages.post(f"{base}/mappings/<kind>/edit")
    def save_row(app_id: str, kind: str) -> Response:
        """Edit Attribute > OK: mapping type, source, default value if null, matching, apply."""
        target = find(app_id)
        job = require_job(target)
        form = request.form
        with tenant.provisioning.lock:
            changed = copy.deepcopy(object_mapping(job, kind))
        row = changed.mapping_for(form.get("target", ""))
        if row is None:
            raise admin.not_found(form.get("target", ""))
        mapping_type = form.get("mapping_type", "Direct")
        row.type = mapping_type if mapping_type in MAPPING_TYPES else row.type  # type: ignore[assignment]
        row.source = {
            "Direct": form.get("source_attribute"),
            "Constant": form.get("constant_value"),
            "Expression": form.get("expression"),
        }.get(row.type)
        row.default_value = form.get("default_value", "") or None
        matching = form.get("match") == "yes"
        precedence = form.get("matching_precedence", "1").strip()
        row.matching_precedence = (
            (int(precedence) if precedence.isdigit() else 1) if matching else 0
        )
        apply = form.get("apply", "Always")
        row.apply = apply if apply in APPLY_MODES else "Always"  # type: ignore[assignment]
        try:
            changed.validate()
        except MappingError as error:
            # The message names the position of an expression error ("at position 18").
            return row_page(target, kind, row, 400, error=str(error), position=error.position)
        service.update_mappings(
            job, changed if kind == "users" else None, changed if kind == "groups" else None
        )
        return mapping_page(target, kind, notice=f"The mapping of {row.target} was saved.")

    # --- Provision on demand -----------------------------------------------------------------

    def on_demand_page(target: EnterpriseApp, status: int = 200, **context: Any) -> Response:
        directory = tenant.directory
        return render_page(
            tenant,
            "provisioning_on_demand.html",
            "Provision on demand",
            status,
            crumbs=provisioning_crumbs(target),
            app=target,
            users=directory.active_users(),
            groups=[g for g in directory.groups.values() if g.deleted_at is None],
            **context,
        )

    @pages.get(f"{base}/on-demand")
    def on_demand(app_id: str) -> Response:
        target = find(app_id)
        require_job(target)
        return on_demand_page(target)

    @pages.post(f"{base}/on-demand")
    def provision_now(app_id: str) -> Response:
        """One user, or one group with up to 5 of its members: the steps come back."""
        target = find(app_id)
        job = require_job(target)
        chosen = request.form.get("subject", "")
        members = request.form.getlist("member")
        kind = "Group" if chosen in tenant.directory.groups else "User"
        if not chosen:
            return on_demand_page(target, 400, error="Select a user or group.")
        try:
            entries = service.provision_on_demand(job, chosen, kind, members)
        except JobError as error:
            return on_demand_page(target, error.status, error=error.message)
        except ProvisioningFailure as failure:
            return on_demand_page(target, 400, error=f"{failure.code}: {failure.reason}")
        return on_demand_page(target, entries=entries, subject=chosen)

    app.register_blueprint(pages)
