"""entra.microsoft.com Provisioning logs of an enterprise app: list, details with steps, JSON/CSV download."""
# Docs "Provisioning logs in Microsoft Entra ID" (the list's columns, the details' Steps,
# Troubleshooting and Recommendations, Modified Properties and Summary tabs, Download logs).

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, make_response, request
from werkzeug.wrappers import Response

from .. import admin
from ..enterprise_apps import EnterpriseApp
from ..provisioning.logs import logs_csv_zip, logs_json
from ..tenant import Tenant
from .admin_pages import APPS
from .admin_provisioning import render_page, require_app_admin

# The list's filters, as the portal offers them (Status, Action).
STATUSES = ("success", "failure", "skipped", "warning")
ACTIONS = ("create", "update", "delete", "disable", "stagedDelete", "other")


def register_provisioning_log_pages(app: Flask, tenant: Tenant) -> None:
    pages = Blueprint("admin_provisioning_logs", __name__)
    pages.before_request(lambda: require_app_admin(tenant))
    base = "/enterprise-apps/<app_id>/provisioning-logs"

    def find(app_id: str) -> EnterpriseApp:
        try:
            return tenant.find_app(app_id)
        except KeyError:
            raise admin.not_found(app_id) from None

    def entries_of(target: EnterpriseApp) -> list[dict[str, Any]]:
        """This app's provisioningObjectSummary entries, newest first, with the list's filters."""
        with tenant.provisioning.lock:
            entries = [
                e
                for e in reversed(tenant.provisioning.logs)
                if e["servicePrincipal"]["id"] == target.object_id
            ]
        status = request.args.get("status", "")
        action = request.args.get("action", "")
        if status:
            entries = [e for e in entries if e["provisioningStatusInfo"]["status"] == status]
        if action:
            entries = [e for e in entries if e["provisioningAction"] == action]
        return entries

    @pages.get(base)
    def logs(app_id: str) -> Response:
        target = find(app_id)
        return render_page(
            tenant,
            "provisioning_logs.html",
            f"{target.display_name} | Provisioning logs",
            app=target,
            entries=entries_of(target),
            statuses=STATUSES,
            actions=ACTIONS,
            chosen={k: request.args.get(k, "") for k in ("status", "action")},
        )

    @pages.get(f"{base}/download")
    def download(app_id: str) -> Response:
        """Download logs: JSON (one file) or CSV (the portal's three files, zipped)."""
        target = find(app_id)
        entries = entries_of(target)
        kind = request.args.get("format", "json").lower()
        if kind == "csv":
            response = make_response(logs_csv_zip(entries))
            response.headers["Content-Type"] = "application/zip"
            response.headers["Content-Disposition"] = 'attachment; filename="ProvisioningLogs.zip"'
            return response
        if kind != "json":
            raise admin.not_found(kind)
        response = make_response(logs_json(entries))
        response.headers["Content-Type"] = "application/json"
        response.headers["Content-Disposition"] = 'attachment; filename="ProvisioningLogs.json"'
        return response

    @pages.get(f"{base}/<entry_id>")
    def details(app_id: str, entry_id: str) -> Response:
        target = find(app_id)
        entry = next((e for e in entries_of(target) if e["id"] == entry_id), None)
        if entry is None:
            raise admin.not_found(entry_id)
        return render_page(
            tenant,
            "provisioning_log_details.html",
            "Provisioning log details",
            crumbs=[
                APPS,
                ("Provisioning logs", f"/enterprise-apps/{target.app_id}/provisioning-logs"),
            ],
            app=target,
            entry=entry,
            error=None,
        )

    app.register_blueprint(pages)
