"""The admin center's Provisioning pages over HTTP: they change the state Graph reads, and show Entra's
messages, the mappings, the cycle's progress and summary, the logs and provision on demand."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from lxml import html

from harness.clients.http_browser import HttpBrowser, forms_of
from harness.clients.session import Harness
from harness.clients.tenant_admin import AppHandle

CLOUD_APP_ADMIN = "158c047a-c907-4556-b7ef-446551a6b5f7"
ADMIN = "admin@contoso.com"
PASSWORD = "Admin-Passw0rd!"
CENTER = "https://entra.microsoft.com"
GRAPH = "https://graph.microsoft.com/v1.0"
RUN_DUE = "https://login.microsoftonline.com/_mock/provisioning/run-due"
TENANT_URL = "https://platform.ringcentral.com/scim/v2"
USERS_MAPPING = "Synchronize Azure Active Directory Users to RingCentral"


def text_of(response: httpx.Response, selector_id: str) -> str:
    found = html.fromstring(response.content).get_element_by_id(selector_id, None)
    return "" if found is None else " ".join(found.text_content().split())


def page_text(response: httpx.Response) -> str:
    return " ".join(html.fromstring(response.content).text_content().split())


class ProvisioningPages:
    """A signed-in Cloud Application Administrator's browser on one app's Provisioning pages."""

    def __init__(self, harness: Harness, browser: HttpBrowser, app: AppHandle) -> None:
        self.harness = harness
        self.browser = browser
        self.app = app
        self.base = f"{CENTER}/enterprise-apps/{app.app_id}/provisioning"
        vendor = harness.stack.vendors["ringcentral"]
        assert vendor.scim_token is not None
        self.token = vendor.scim_token

    def get(self, path: str = "", **params: str) -> httpx.Response:
        response = self.browser.client.get(self.base + path, params=params)
        self.browser.history.append(response)
        return response

    def post(self, path: str, data: dict[str, Any]) -> httpx.Response:
        return self.browser.client.post(self.base + path, data=data)

    def edit(self, **values: Any) -> httpx.Response:
        """The Provisioning form as the page fills it, with `values` typed over it."""
        form = next(f for f in forms_of(self.get("/edit")) if f.action.endswith("/edit"))
        document = html.fromstring(self.get("/edit").content)
        data: dict[str, Any] = dict(form.fields)
        for select in document.iter("select"):
            chosen = [
                o.get("value") for o in select.iter("option") if o.get("selected") is not None
            ]
            data[select.get("name")] = chosen[0] if chosen else ""
        data.pop("notify_on_failure", None)
        checked = document.xpath('//input[@name="notify_on_failure"][@checked]')
        if checked:
            data["notify_on_failure"] = "on"
        status = document.xpath('//input[@name="status"][@checked]/@value')
        data["status"] = status[0] if status else "off"
        data.update(values)
        return self.post("/edit", data)

    def job(self) -> dict[str, Any]:
        path = f"{GRAPH}/servicePrincipals/{self.app.service_principal_id}/synchronization/jobs"
        jobs = self.harness.http.get(path, headers=self.harness.admin.headers).json()["value"]
        assert len(jobs) == 1, jobs
        return dict(jobs[0])

    def automatic(self, **values: Any) -> httpx.Response:
        return self.edit(mode="Automatic", tenant_url=TENANT_URL, secret_token=self.token, **values)


@pytest.fixture
def pages(harness: Harness) -> Iterator[ProvisioningPages]:
    user = harness.admin.create_user(PASSWORD, userPrincipalName=ADMIN, displayName="Contoso Admin")
    harness.http.post(
        f"{GRAPH}/roleManagement/directory/roleAssignments",
        headers=harness.admin.headers,
        json={
            "principalId": user["id"],
            "roleDefinitionId": CLOUD_APP_ADMIN,
            "directoryScopeId": "/",
        },
    ).raise_for_status()
    browser = HttpBrowser(harness.stack.http_client())
    landing = browser.sign_in(browser.get(f"{CENTER}/enterprise-apps"), ADMIN, PASSWORD)
    assert str(landing.url).startswith(CENTER), landing.url
    app = harness.admin.add_gallery_app("RingCentral")
    yield ProvisioningPages(harness, browser, app)
    browser.close()


def assign(harness: Harness, app: AppHandle, name: str, **properties: Any) -> dict[str, Any]:
    created = harness.admin.create_user(
        "Passw0rd!1",
        userPrincipalName=f"{name}@contoso.com",
        displayName=name,
        mail=f"{name}@contoso.com",
        **properties,
    )
    harness.admin.assign(app, created["id"])
    return created


def scim_users(harness: Harness) -> dict[str, dict[str, Any]]:
    found = harness.http.get("https://platform.ringcentral.com/_mock/scim/User").json()
    return {r["userName"]: r for r in found["Resources"]}


def test_get_started_then_automatic_and_save_configures_the_job(
    pages: ProvisioningPages,
) -> None:
    start = pages.get()
    assert start.status_code == 200 and "Get started" in page_text(start)
    edit = pages.get("/edit")
    assert 'option value="Manual" selected' in edit.text  # a new app starts Manual

    saved = pages.automatic(notification_email="ops@contoso.com", notify_on_failure="on")

    assert saved.status_code == 200, text_of(saved, "error")
    assert text_of(saved, "notice").startswith("Provisioning configuration saved.")
    job = pages.job()
    assert job["templateId"] == "ringcentral"
    assert job["harness"]["tenantUrl"] == TENANT_URL and job["harness"]["secretTokenSet"]
    assert job["harness"]["notificationEmail"] == "ops@contoso.com"
    assert job["harness"]["sendEmailOnFailure"] is True
    assert job["schedule"]["state"] == "Paused"  # Provisioning Status stays Off until turned On
    assert USERS_MAPPING in page_text(saved)  # the Mappings section appears after Save
    assert 'placeholder="*****"' in saved.text and pages.token not in saved.text


def test_manual_mode_removes_the_configuration(pages: ProvisioningPages) -> None:
    pages.automatic()
    removed = pages.edit(mode="Manual")
    assert "configuration was removed" in text_of(removed, "notice")
    path = f"{GRAPH}/servicePrincipals/{pages.app.service_principal_id}/synchronization/jobs"
    assert pages.harness.http.get(path, headers=pages.harness.admin.headers).json()["value"] == []


@pytest.mark.parametrize(
    ("tenant_url", "token", "expected", "code"),
    [
        (TENANT_URL, None, "The supplied credentials are authorized to enable provisioning.", None),
        (
            TENANT_URL,
            "not-the-token",
            "You appear to have entered invalid credentials",
            "Unauthorized",
        ),
        ("https://scim.unreachable.invalid/scim/v2", None, "We could not reach", None),
        ("https://platform.ringcentral.com/scim/v9", None, "answered HTTP 404 Not Found", None),
    ],
    ids=["success", "bad-token", "unreachable", "404-on-query"],
)
def test_test_connection_shows_entras_message(
    pages: ProvisioningPages, tenant_url: str, token: str | None, expected: str, code: str | None
) -> None:
    tested = pages.edit(
        mode="Automatic", tenant_url=tenant_url, secret_token=token or pages.token, action="test"
    )
    if code is None and "authorized" in expected:
        assert tested.status_code == 200
        assert text_of(tested, "notice") == (f"Testing connection to RingCentral: {expected}")
    else:
        assert tested.status_code == 400
        assert text_of(tested, "error").startswith("Testing connection to RingCentral: ")
        assert expected in text_of(tested, "error")
        if code:
            assert text_of(tested, "error-code") == f"Error code: {code}"
    # Test Connection does not save what was typed; the form keeps it for Save.
    assert pages.job()["harness"]["tenantUrl"] is None
    assert f'value="{tenant_url}"' in tested.text


def test_save_refuses_status_on_without_credentials_and_a_bad_email(
    pages: ProvisioningPages,
) -> None:
    refused = pages.edit(mode="Automatic", status="on")
    assert refused.status_code == 400
    assert "Tenant URL and Secret Token" in text_of(refused, "error")
    bad_email = pages.automatic(notification_email="not-an-address")
    assert bad_email.status_code == 400 and "not an email address" in text_of(bad_email, "error")
    no_email = pages.automatic(notify_on_failure="on")
    assert no_email.status_code == 400 and "Notification Email" in text_of(no_email, "error")


def test_the_mapping_table_is_the_gallerys_and_one_row_can_be_edited(
    pages: ProvisioningPages,
) -> None:
    pages.automatic()
    table = pages.get("/mappings/users")
    rows = html.fromstring(table.content).xpath(
        '//table[@id="attribute-mappings"]//tr[@data-target]'
    )
    targets = [r.get("data-target") for r in rows]
    assert len(targets) == 16 and targets[0] == "userName"  # tutorial 001 step 9
    assert targets[-1].endswith("enterprise:2.0:User:manager")
    cells = {r.get("data-target"): [c.text_content().strip() for c in r.iter("td")] for r in rows}
    assert cells["userName"][:5] == ["userPrincipalName", "userName", "String", "Direct", "1"]
    assert cells["active"][2] == "Boolean" and cells["active"][3] == "Expression"
    assert cells[targets[-1]][2] == "Reference"
    assert text_of(table, "matching-precedence").endswith("1. userName")

    bad = pages.post(
        "/mappings/users/edit",
        {
            "target": "title",
            "mapping_type": "Expression",
            "expression": "ToUpper([jobTitle]",
            "match": "no",
            "apply": "Always",
        },
    )
    assert bad.status_code == 400 and "at position 18" in text_of(bad, "error")
    good = pages.post(
        "/mappings/users/edit",
        {
            "target": "title",
            "mapping_type": "Expression",
            "expression": "ToUpper([jobTitle])",
            "default_value": "Staff",
            "match": "yes",
            "matching_precedence": "2",
            "apply": "ObjectAddOnly",
        },
    )
    assert good.status_code == 200 and "title was saved" in text_of(good, "notice")
    assert text_of(good, "matching-precedence").endswith("1. userName, 2. title")

    schema = pages.harness.http.get(
        f"{GRAPH}/servicePrincipals/{pages.app.service_principal_id}/synchronization/jobs/"
        f"{pages.job()['id']}/schema",
        headers=pages.harness.admin.headers,
    ).json()
    users = schema["synchronizationRules"][0]["objectMappings"][0]
    title = next(m for m in users["attributeMappings"] if m["targetAttributeName"] == "title")
    assert title["source"]["expression"] == "ToUpper([jobTitle])"
    assert (title["defaultValue"], title["matchingPriority"], title["flowType"]) == (
        "Staff",
        2,
        "ObjectAddOnly",
    )


def test_status_on_runs_the_cycle_and_the_overview_shows_progress_and_summary(
    pages: ProvisioningPages,
) -> None:
    harness = pages.harness
    harness.clock(freeze=True)
    assign(harness, pages.app, "ada", givenName="Ada", surname="Lovelace", jobTitle="Engineer")
    assign(harness, pages.app, "bob", givenName="Bob", surname="Builder")
    saved = pages.automatic(status="on")
    assert "the initial cycle starts now" in text_of(saved, "notice")
    before = pages.get()
    assert text_of(before, "provisioning-status") == "On"
    assert text_of(before, "cycle-status") == "The initial cycle has not run yet."

    cycles = harness.http.post(RUN_DUE).json()["cycles"]

    assert [c["counts"].get("create") for c in cycles] == [2]
    after = pages.get()
    assert text_of(after, "cycle-status") == "Initial cycle completed."
    assert text_of(after, "cycle-counts") == "2 of 2 objects processed (100% complete)"
    assert text_of(after, "last-state") == "Succeeded"
    assert text_of(after, "count-create") == "2"
    assert text_of(after, "users-provisioned") == "2"
    assert scim_users(harness)["ada@contoso.com"]["title"] == "Engineer"

    # A cycle in progress shows processed of total (the service updates job.progress as it goes).
    from mock_idp.provisioning.state import Progress

    job = harness.stack.tenant.provisioning.jobs[pages.job()["id"]]
    job.progress = Progress("cycle-x", "Incremental", total=40, processed=10, phase="export")
    running = pages.get()
    job.progress = None
    assert text_of(running, "cycle-status") == "Incremental cycle in progress (export)."
    assert text_of(running, "cycle-counts") == "10 of 40 objects processed (25% complete)"

    stopped = pages.post("/stop", {})
    assert text_of(stopped, "provisioning-status") == "Off"
    assert pages.job()["schedule"]["state"] == "Paused"
    restarted = pages.post("/restart", {})
    assert "initial cycle" in text_of(restarted, "notice")
    assert pages.job()["harness"]["watermark"] is None


def test_scope_and_default_access_rule_are_saved_and_the_2019_rule_skips(
    pages: ProvisioningPages,
) -> None:
    harness = pages.harness
    assign(harness, pages.app, "ada")  # "Default Access", the app's only role
    pages.automatic(scope="all", default_access="not_entitled")
    job = pages.job()
    assert job["harness"]["scope"] == "AllUsersAndGroups"
    assert job["synchronizationJobSettings"] == [
        {"name": "DefaultAccessRule", "value": "not_entitled"}
    ]
    pages.edit(scope="assigned", status="on")
    harness.http.post(RUN_DUE)
    assert "ada@contoso.com" not in scim_users(harness)
    logs = pages.browser.client.get(
        f"{CENTER}/enterprise-apps/{pages.app.app_id}/provisioning-logs"
    )
    row = html.fromstring(logs.content).xpath('//table[@id="provisioning-logs"]//tr[@data-status]')
    assert [r.get("data-status") for r in row] == ["skipped"]
    assert "not effectively entitled" in row[0].text_content()


def test_logs_list_details_and_downloads(pages: ProvisioningPages) -> None:
    harness = pages.harness
    assign(harness, pages.app, "ada", givenName="Ada", surname="Lovelace")
    pages.automatic(status="on")
    harness.http.post(RUN_DUE)
    base = f"{CENTER}/enterprise-apps/{pages.app.app_id}/provisioning-logs"
    listed = pages.browser.client.get(base)
    rows = html.fromstring(listed.content).xpath(
        '//table[@id="provisioning-logs"]//tr[@data-action]'
    )
    assert [(r.get("data-action"), r.get("data-status")) for r in rows] == [("create", "success")]
    link = rows[0].xpath(".//a/@href")[0]
    details = pages.browser.client.get(CENTER + link)
    steps = [
        li.get("data-status")
        for li in html.fromstring(details.content).xpath('//section[@id="steps"]/ol/li')
    ]
    assert steps and set(steps) <= {"success", "skipped"}
    assert text_of(details, "action") == "create" and text_of(details, "status") == "success"
    assert "ada" in text_of(details, "source-identity")
    assert "userName" in text_of(details, "modified-properties")
    assert (
        pages.browser.client.get(base, params={"status": "failure"}).text.count("data-action=") == 0
    )

    downloaded = pages.browser.client.get(f"{base}/download", params={"format": "json"})
    assert downloaded.headers["content-disposition"].endswith('"ProvisioningLogs.json"')
    entries = json.loads(downloaded.text)
    entries = entries.get("value", entries) if isinstance(entries, dict) else entries
    assert entries[0]["provisioningAction"] == "create"
    archive = pages.browser.client.get(f"{base}/download", params={"format": "csv"})
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert archive.headers["content-type"] == "application/zip" and len(names) == 3


def test_provision_on_demand_shows_the_steps(pages: ProvisioningPages) -> None:
    harness = pages.harness
    ada = assign(harness, pages.app, "ada", givenName="Ada", surname="Lovelace")
    pages.automatic()
    shown = pages.post("/on-demand", {"subject": ada["id"]})
    assert shown.status_code == 200, text_of(shown, "error")
    result = html.fromstring(shown.content).xpath('//section[contains(@class, "on-demand-result")]')
    assert len(result) == 1
    heading = " ".join(result[0].xpath("h2")[0].text_content().split())
    assert heading == "User ada@contoso.com: create (success)"
    statuses = result[0].xpath(".//li/@data-status")
    assert "success" in statuses
    assert "ada@contoso.com" in scim_users(harness)
    missing = pages.post("/on-demand", {"subject": ""})
    assert missing.status_code == 400


def test_pages_need_a_cloud_application_administrator(harness: Harness) -> None:
    harness.admin.create_user(PASSWORD, userPrincipalName="user@contoso.com", displayName="U")
    app = harness.admin.add_gallery_app("RingCentral")
    browser = HttpBrowser(harness.stack.http_client())
    try:
        page = browser.get(f"{CENTER}/enterprise-apps/{app.app_id}/provisioning")
        assert "login.microsoftonline.com" in str(page.url)  # signed out: sign in first
        refused = browser.sign_in(page, "user@contoso.com", PASSWORD)
        refused = browser.get(f"{CENTER}/enterprise-apps/{app.app_id}/provisioning")
        assert refused.status_code == 403
        logs = browser.get(f"{CENTER}/enterprise-apps/{app.app_id}/provisioning-logs")
        assert logs.status_code == 403
    finally:
        browser.close()


def test_sections_are_in_the_tutorials_order(pages: ProvisioningPages) -> None:
    """Tutorial 001 step 5-12: Admin Credentials, then Mappings, then Settings on one page."""
    saved = pages.automatic()
    order = [
        m.group(1)
        for m in re.finditer(r'<section class="card automatic" id="([a-z-]+)"', saved.text)
    ]
    assert order == ["admin-credentials", "mappings", "settings"]
