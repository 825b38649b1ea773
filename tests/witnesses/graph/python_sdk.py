"""msgraph-sdk and azure-identity as a script builds them, pointed at the stack, and the tutorials' Graph calls."""

# The SDK signs in as a confidential client with azure-identity's ClientSecretCredential at
# https://login.microsoftonline.com/{tenant} (its default authority: discovery, then the
# client-credentials grant) and sends its requests to https://graph.microsoft.com/v1.0 through
# its own middleware pipeline. Only the network is configured: an aiohttp session for
# azure-core and an httpx client for kiota, both reaching the stack's hosts by name over TLS
# checked against the stack's CA (routing.py). The calls are those of "Automate SAML-based SSO
# app configuration with Microsoft Graph API" and "Configure provisioning using Microsoft
# Graph APIs".

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from azure.core.pipeline.transport import AioHttpTransport
from azure.identity.aio import ClientSecretCredential
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.application_templates.item.instantiate.instantiate_post_request_body import (
    InstantiatePostRequestBody,
)
from msgraph.generated.audit_logs.provisioning.provisioning_request_builder import (
    ProvisioningRequestBuilder,
)
from msgraph.generated.models.app_role_assignment import AppRoleAssignment
from msgraph.generated.models.application import Application
from msgraph.generated.models.claims_mapping_policy import ClaimsMappingPolicy
from msgraph.generated.models.group import Group
from msgraph.generated.models.password_profile import PasswordProfile
from msgraph.generated.models.reference_create import ReferenceCreate
from msgraph.generated.models.service_principal import ServicePrincipal
from msgraph.generated.models.synchronization_job import SynchronizationJob
from msgraph.generated.models.synchronization_job_application_parameters import (
    SynchronizationJobApplicationParameters,
)
from msgraph.generated.models.synchronization_job_subject import SynchronizationJobSubject
from msgraph.generated.models.synchronization_secret import SynchronizationSecret
from msgraph.generated.models.synchronization_secret_key_string_value_pair import (
    SynchronizationSecretKeyStringValuePair,
)
from msgraph.generated.models.user import User
from msgraph.generated.models.web_application import WebApplication
from msgraph.generated.service_principals.item.add_token_signing_certificate.add_token_signing_certificate_post_request_body import (  # noqa: E501
    AddTokenSigningCertificatePostRequestBody,
)
from msgraph.generated.service_principals.item.synchronization.jobs.item.provision_on_demand.provision_on_demand_post_request_body import (  # noqa: E501
    ProvisionOnDemandPostRequestBody,
)
from msgraph.generated.service_principals.item.synchronization.secrets.secrets_put_request_body import (
    SecretsPutRequestBody,
)
from msgraph_core import GraphClientFactory

from harness.clients.session import Harness
from mock_idp.access_tokens import AUTOMATION_CLIENT
from tests.witnesses.graph.routing import AsyncHostMapTransport, aiohttp_session

GRAPH = "https://graph.microsoft.com/v1.0"
SCOPES = ["https://graph.microsoft.com/.default"]
CLAIMS_POLICY = (
    '{"ClaimsMappingPolicy":{"Version":1,"IncludeBasicClaimSet":"true","ClaimsSchema":'
    '[{"Source":"user","ID":"employeeid","SamlClaimType":'
    '"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/employeeid"}]}}'
)


class GraphWitness:
    """The SDK as a script builds it, with the network pointed at the stack."""

    def __init__(self, harness: Harness, secret: str = AUTOMATION_CLIENT.secret) -> None:
        stack = harness.stack
        self.session = aiohttp_session(stack.host_map, stack.ca.client_context())
        self.credential = ClientSecretCredential(
            harness.tenant_id,
            AUTOMATION_CLIENT.client_id,
            secret,
            transport=AioHttpTransport(session=self.session, session_owner=False),
        )
        http = GraphClientFactory.create_with_default_middleware(
            client=httpx.AsyncClient(
                base_url=GRAPH,
                transport=AsyncHostMapTransport(stack.host_map, stack.ca.client_context()),
                timeout=30.0,
            )
        )
        auth = AzureIdentityAuthenticationProvider(self.credential, scopes=SCOPES)
        self.client = GraphServiceClient(request_adapter=GraphRequestAdapter(auth, client=http))

    async def close(self) -> None:
        await self.credential.close()
        await self.session.close()


def run(harness: Harness, script: Any, **options: Any) -> Any:
    async def main() -> Any:
        witness = GraphWitness(harness, **options)
        try:
            return await script(witness.client)
        finally:
            await witness.close()

    # A worker that ran a browser test keeps Playwright's sync API, and its running event loop,
    # in this thread: the SDK's own loop runs in a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


async def tutorial_calls(
    graph: GraphServiceClient, tenant_url: str, secret_token: str
) -> dict[str, Any]:
    """The tutorials' Graph calls in their order; what each answered, for the test to check."""
    seen: dict[str, Any] = {}
    # users and groups
    user = await graph.users.post(
        User(
            account_enabled=True,
            display_name="B.Simon",
            given_name="B",
            surname="Simon",
            mail_nickname="BSimon",
            user_principal_name="B.Simon@contoso.com",
            mail="B.Simon@contoso.com",
            password_profile=PasswordProfile(password="Witness-Passw0rd!"),
        )
    )
    assert user is not None and user.id
    fetched = await graph.users.by_user_id("B.Simon@contoso.com").get()
    assert fetched is not None and fetched.id == user.id
    group = await graph.groups.post(
        Group(
            display_name="Sales",
            mail_enabled=False,
            mail_nickname="sales",
            security_enabled=True,
        )
    )
    assert group is not None and group.id
    await graph.groups.by_group_id(group.id).members.ref.post(
        ReferenceCreate(odata_id=f"{GRAPH}/directoryObjects/{user.id}")
    )
    members = await graph.groups.by_group_id(group.id).members.get()
    seen["members"] = [m.id for m in (members.value if members else None) or []]
    # the gallery: applicationTemplates instantiate
    templates = await graph.application_templates.get()
    template = next(
        t for t in (templates.value if templates else None) or [] if t.display_name == "RingCentral"
    )
    assert template.id
    created = await graph.application_templates.by_application_template_id(
        template.id
    ).instantiate.post(InstantiatePostRequestBody(display_name="RingCentral"))
    assert created and created.application and created.service_principal
    application_id, sp_id = created.application.id, created.service_principal.id
    assert application_id and sp_id
    sp = graph.service_principals.by_service_principal_id(sp_id)
    # SAML SSO: mode, Basic SAML Configuration, signing certificate, assignment, claims
    await sp.patch(ServicePrincipal(preferred_single_sign_on_mode="saml"))
    await graph.applications.by_application_id(application_id).patch(
        Application(
            identifier_uris=["https://sso.ringcentral.com"],
            web=WebApplication(redirect_uris=["https://sso.ringcentral.com/sp/ACS.saml2"]),
        )
    )
    certificate = await sp.add_token_signing_certificate.post(
        AddTokenSigningCertificatePostRequestBody(
            display_name="CN=Microsoft Azure Federated SSO Certificate",
            end_date_time=datetime.now(UTC) + timedelta(days=365 * 3),
        )
    )
    assert certificate is not None and certificate.thumbprint
    await sp.patch(ServicePrincipal(preferred_token_signing_key_thumbprint=certificate.thumbprint))
    principal = await sp.get()
    assert principal is not None and principal.app_roles
    seen["sso_mode"] = principal.preferred_single_sign_on_mode
    seen["thumbprint"] = (
        certificate.thumbprint,
        principal.preferred_token_signing_key_thumbprint,
    )
    assignment = await sp.app_role_assigned_to.post(
        AppRoleAssignment(
            principal_id=user.id, resource_id=sp_id, app_role_id=principal.app_roles[0].id
        )
    )
    assert assignment is not None
    assigned = await sp.app_role_assigned_to.get()
    seen["assigned"] = [str(a.principal_id) for a in (assigned.value if assigned else None) or []]
    policy = await graph.policies.claims_mapping_policies.post(
        ClaimsMappingPolicy(definition=[CLAIMS_POLICY], display_name="Employee ID")
    )
    assert policy is not None and policy.id
    await sp.claims_mapping_policies.ref.post(
        ReferenceCreate(odata_id=f"{GRAPH}/policies/claimsMappingPolicies/{policy.id}")
    )
    # provisioning: template, job, secrets, start, provision on demand, provisioning logs
    sync_templates = await sp.synchronization.templates.get()
    sync_template = ((sync_templates.value if sync_templates else None) or [])[0]
    job = await sp.synchronization.jobs.post(
        SynchronizationJob(template_id=sync_template.factory_tag or sync_template.id)
    )
    assert job is not None and job.id
    await sp.synchronization.secrets.put(
        SecretsPutRequestBody(
            value=[
                SynchronizationSecretKeyStringValuePair(
                    key=SynchronizationSecret.BaseAddress, value=tenant_url
                ),
                SynchronizationSecretKeyStringValuePair(
                    key=SynchronizationSecret.SecretToken, value=secret_token
                ),
            ]
        )
    )
    jobs = sp.synchronization.jobs.by_synchronization_job_id(job.id)
    await jobs.start.post()
    schema = await jobs.schema.get()
    rule = ((schema.synchronization_rules if schema else None) or [])[0]
    on_demand = await jobs.provision_on_demand.post(
        ProvisionOnDemandPostRequestBody(
            parameters=[
                SynchronizationJobApplicationParameters(
                    rule_id=rule.id,
                    subjects=[
                        SynchronizationJobSubject(object_id=user.id, object_type_name="User")
                    ],
                )
            ]
        )
    )
    seen["on_demand"] = on_demand.key if on_demand else None
    state = await jobs.get()
    schedule = state.schedule if state else None
    seen["job_schedule"] = schedule.state.value if schedule and schedule.state else None
    query = ProvisioningRequestBuilder.ProvisioningRequestBuilderGetQueryParameters(
        filter=f"jobId eq '{job.id}'"
    )
    logs = await graph.audit_logs.provisioning.get(
        request_configuration=ProvisioningRequestBuilder.ProvisioningRequestBuilderGetRequestConfiguration(
            query_parameters=query
        )
    )
    seen["logs"] = [
        (entry.provisioning_action, entry.source_identity.id if entry.source_identity else None)
        for entry in (logs.value if logs else None) or []
    ]
    seen["user_id"] = user.id
    seen["sp_id"] = sp_id
    return seen
