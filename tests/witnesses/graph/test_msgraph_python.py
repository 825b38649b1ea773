"""Witness: msgraph-sdk with azure-identity, unmodified, drives the tutorials' Graph calls against the tenant."""

# python_sdk.py builds the SDK as a script does and makes the calls of "Automate SAML-based SSO
# app configuration with Microsoft Graph API" and "Configure provisioning using Microsoft Graph
# APIs". It is imported inside the tests: msgraph-sdk takes 5-25 s to import, which every
# pytest-xdist worker would otherwise pay at collection.

from __future__ import annotations

from typing import Any

import pytest

from harness.clients.session import Harness

# The SDK's own request builders warn that their per-builder configuration classes are deprecated.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_sdk_configures_saml_sso_and_provisioning_as_the_tutorials_do(harness: Harness) -> None:
    from tests.witnesses.graph.python_sdk import run, tutorial_calls

    vendor = harness.stack.vendors["ringcentral"]
    assert vendor.scim is not None
    tenant_url, secret_token = vendor.scim.base_url, vendor.scim.token

    seen = run(harness, lambda graph: tutorial_calls(graph, tenant_url, secret_token))
    user_id = seen["user_id"]
    assert seen["members"] == [user_id]
    assert seen["sso_mode"] == "saml"
    assert seen["thumbprint"][0] == seen["thumbprint"][1]
    assert seen["assigned"] == [user_id]
    tenant_app = harness.stack.tenant.find_app(seen["sp_id"])
    assert tenant_app.claims_mapping_policy_id is not None
    assert seen["job_schedule"] == "Active"  # Provisioning Status: On
    assert seen["on_demand"]
    assert [str(action) for action, source in seen["logs"] if source == user_id]
    # The provisioning the SDK configured reached the vendor's SCIM endpoint.
    found = harness.http.get(
        f"{tenant_url}/Users",
        params={"filter": 'userName eq "B.Simon@contoso.com"'},
        headers={"Authorization": f"Bearer {secret_token}"},
    ).json()
    assert found["totalResults"] == 1


def test_sdk_reports_a_wrong_client_secret_as_entras_aadsts7000215(harness: Harness) -> None:
    from azure.core.exceptions import ClientAuthenticationError

    from tests.witnesses.graph.python_sdk import run

    async def script(graph: Any) -> Any:
        return await graph.users.get()

    with pytest.raises(ClientAuthenticationError) as refused:
        run(harness, script, secret="not-the-secret")
    assert "AADSTS7000215" in str(refused.value)


def test_sdk_surfaces_graphs_odata_error(harness: Harness) -> None:
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    from tests.witnesses.graph.python_sdk import run

    async def script(graph: Any) -> Any:
        return await graph.users.by_user_id("nobody@contoso.com").get()

    with pytest.raises(ODataError) as refused:
        run(harness, script)
    assert refused.value.response_status_code == 404
    assert (
        refused.value.error is not None and refused.value.error.code == "Request_ResourceNotFound"
    )
