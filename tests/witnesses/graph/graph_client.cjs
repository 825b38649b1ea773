// Witness: @microsoft/microsoft-graph-client, unmodified, makes the tutorials' Graph calls.
// Run by test_graph_client_javascript.py with NODE_PATH at the installed packages,
// NODE_EXTRA_CA_CERTS at the stack's CA, WITNESS_HOSTS the stack's host map ({host: port}) and
// WITNESS_INPUT the tenant, client and SCIM values. Prints one JSON object of what Graph answered.
//
// The network is configured, not the client: an undici global dispatcher whose connector sends
// each mapped host name to 127.0.0.1 and its port, keeping the name for SNI and certificate
// checks (the client calls the global fetch). The token comes from a custom AuthenticationProvider,
// the client's documented extension point ("Using a custom authentication provider"), which posts
// the client-credentials grant to the tenant's token endpoint.
"use strict";

const { Agent, buildConnector, setGlobalDispatcher } = require("undici");
const { Client, GraphError } = require("@microsoft/microsoft-graph-client");

const hosts = JSON.parse(process.env.WITNESS_HOSTS);
const input = JSON.parse(process.env.WITNESS_INPUT);
const connector = buildConnector({});
setGlobalDispatcher(
  new Agent({
    connect(options, callback) {
      const port = hosts[options.hostname];
      if (port === undefined) {
        callback(new Error(`${options.hostname} is not served by the stack`), null);
        return;
      }
      connector(
        { ...options, hostname: "127.0.0.1", port, servername: options.hostname },
        callback,
      );
    },
  }),
);

class ClientCredentialsProvider {
  constructor(secret) {
    this.secret = secret;
  }

  async getAccessToken() {
    const url = `https://login.microsoftonline.com/${input.tenantId}/oauth2/v2.0/token`;
    const response = await fetch(url, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: input.clientId,
        client_secret: this.secret,
        scope: "https://graph.microsoft.com/.default",
      }),
    });
    const body = await response.json();
    if (!response.ok) {
      const error = new Error(body.error_description);
      error.tokenError = body;
      throw error;
    }
    return body.access_token;
  }
}

function client(secret) {
  return Client.initWithMiddleware({ authProvider: new ClientCredentialsProvider(secret) });
}

async function tutorialCalls(graph) {
  const seen = {};
  const user = await graph.api("/users").post({
    accountEnabled: true,
    displayName: "J. Node",
    mailNickname: "JNode",
    userPrincipalName: input.upn,
    mail: input.upn,
    givenName: "J",
    surname: "Node",
    passwordProfile: { password: "Witness-Passw0rd!" },
  });
  seen.userId = user.id;
  seen.fetchedId = (await graph.api(`/users/${input.upn}`).get()).id;
  const group = await graph
    .api("/groups")
    .post({ displayName: "Engineering", mailEnabled: false, mailNickname: "eng", securityEnabled: true });
  await graph
    .api(`/groups/${group.id}/members/$ref`)
    .post({ "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` });
  seen.members = (await graph.api(`/groups/${group.id}/members`).get()).value.map((m) => m.id);
  const templates = (await graph.api("/applicationTemplates").get()).value;
  const template = templates.find((t) => t.displayName === "RingCentral");
  const created = await graph
    .api(`/applicationTemplates/${template.id}/instantiate`)
    .post({ displayName: "RingCentral" });
  const sp = created.servicePrincipal.id;
  seen.servicePrincipalId = sp;
  await graph.api(`/servicePrincipals/${sp}`).patch({ preferredSingleSignOnMode: "saml" });
  await graph.api(`/applications/${created.application.id}`).patch({
    identifierUris: ["https://sso.ringcentral.com"],
    web: { redirectUris: ["https://sso.ringcentral.com/sp/ACS.saml2"] },
  });
  const certificate = await graph
    .api(`/servicePrincipals/${sp}/addTokenSigningCertificate`)
    .post({ displayName: "CN=Microsoft Azure Federated SSO Certificate" });
  await graph
    .api(`/servicePrincipals/${sp}`)
    .patch({ preferredTokenSigningKeyThumbprint: certificate.thumbprint });
  const principal = await graph.api(`/servicePrincipals/${sp}`).select("appRoles").get();
  seen.thumbprints = [certificate.thumbprint, principal.preferredTokenSigningKeyThumbprint];
  await graph.api(`/servicePrincipals/${sp}/appRoleAssignedTo`).post({
    principalId: user.id,
    resourceId: sp,
    appRoleId: principal.appRoles[0].id,
  });
  seen.assigned = (await graph.api(`/servicePrincipals/${sp}/appRoleAssignedTo`).get()).value.map(
    (a) => a.principalId,
  );
  const syncTemplate = (await graph.api(`/servicePrincipals/${sp}/synchronization/templates`).get())
    .value[0];
  const job = await graph
    .api(`/servicePrincipals/${sp}/synchronization/jobs`)
    .post({ templateId: syncTemplate.factoryTag });
  await graph.api(`/servicePrincipals/${sp}/synchronization/secrets`).put({
    value: [
      { key: "BaseAddress", value: input.tenantUrl },
      { key: "SecretToken", value: input.secretToken },
    ],
  });
  const jobPath = `/servicePrincipals/${sp}/synchronization/jobs/${job.id}`;
  await graph.api(`${jobPath}/start`).post({});
  const schema = await graph.api(`${jobPath}/schema`).get();
  const onDemand = await graph.api(`${jobPath}/provisionOnDemand`).post({
    parameters: [
      {
        ruleId: schema.synchronizationRules[0].id,
        subjects: [{ objectId: user.id, objectTypeName: "User" }],
      },
    ],
  });
  seen.onDemandKey = onDemand.key;
  seen.schedule = (await graph.api(jobPath).get()).schedule.state;
  const logs = await graph.api("/auditLogs/provisioning").filter(`jobId eq '${job.id}'`).get();
  seen.logged = logs.value.map((entry) => entry.sourceIdentity.id);
  try {
    await graph.api("/users/nobody@contoso.com").get();
    seen.missing = null;
  } catch (error) {
    seen.missing = {
      isGraphError: error instanceof GraphError,
      statusCode: error.statusCode,
      code: error.code,
    };
  }
  return seen;
}

async function main() {
  const seen = await tutorialCalls(client(input.clientSecret));
  try {
    await client("not-the-secret").api("/users").get();
    seen.wrongSecret = null;
  } catch (error) {
    // The client wraps the provider's error in a GraphError carrying its message.
    seen.wrongSecret = String(error.message || error);
  }
  process.stdout.write(JSON.stringify(seen));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n${JSON.stringify(error)}\n`);
  process.exit(1);
});
