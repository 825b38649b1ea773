"""Witness: @microsoft/microsoft-graph-client (npm), unmodified under Node, makes the tutorials' Graph calls."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from harness.clients.session import Harness
from mock_idp.access_tokens import AUTOMATION_CLIENT
from tests.witnesses.node_packages import node_modules

SCRIPT = Path(__file__).with_name("graph_client.cjs")
# Exact versions: the client, and the undici whose dispatcher Node 20's global fetch honours.
PACKAGES = ["@microsoft/microsoft-graph-client@3.0.7", "undici@6.29.1"]


def test_javascript_client_configures_sso_and_provisioning(harness: Harness) -> None:
    modules = node_modules("graph-client", PACKAGES)
    stack = harness.stack
    vendor = stack.vendors["ringcentral"]
    assert vendor.scim is not None
    upn = "J.Node@contoso.com"
    environment = {
        **os.environ,
        "NODE_PATH": str(modules),
        # Node trusts the stack's CA beside its own bundle.
        "NODE_EXTRA_CA_CERTS": str(stack.ca.ca_path.resolve()),
        "WITNESS_HOSTS": json.dumps(stack.host_map.ports),
        "WITNESS_INPUT": json.dumps(
            {
                "tenantId": harness.tenant_id,
                "clientId": AUTOMATION_CLIENT.client_id,
                "clientSecret": AUTOMATION_CLIENT.secret,
                "upn": upn,
                "tenantUrl": vendor.scim.base_url,
                "secretToken": vendor.scim.token,
            }
        ),
    }
    done = subprocess.run(
        ["node", str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout)

    user_id = seen["userId"]
    assert seen["fetchedId"] == user_id
    assert seen["members"] == [user_id]
    assert seen["thumbprints"][0] and seen["thumbprints"][0] == seen["thumbprints"][1]
    assert seen["assigned"] == [user_id]
    assert seen["schedule"] == "Active"
    assert seen["onDemandKey"]
    assert user_id in seen["logged"]
    assert seen["missing"] == {
        "isGraphError": True,
        "statusCode": 404,
        "code": "Request_ResourceNotFound",
    }
    assert seen["wrongSecret"].startswith("AADSTS7000215: Invalid client secret provided.")
    # What the client configured happened in the tenant and at the vendor.
    app = stack.tenant.find_app(seen["servicePrincipalId"])
    assert app.preferred_sso_mode == "saml"
    found = harness.http.get(
        f"{vendor.scim.base_url}/Users",
        params={"filter": f'userName eq "{upn}"'},
        headers={"Authorization": f"Bearer {vendor.scim.token}"},
    ).json()
    assert found["totalResults"] == 1
