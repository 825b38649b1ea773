// samlify behind rt_common.js: node rt_samlify.js '<config>'.
"use strict";
const samlify = require("samlify");
const { serve, pem } = require("./rt_common.js");

const config = JSON.parse(process.argv[2]);
const POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
samlify.setSchemaValidator({ validate: () => Promise.resolve("skipped") });
const sp = samlify.ServiceProvider({
  entityID: config.entity_id,
  assertionConsumerService: [{ Binding: POST, Location: config.acs_url }],
  wantAssertionsSigned: true,
  authnRequestsSigned: false,
  relayState: "",
});
let idp = null;

serve(config, {
  configure(settings) {
    idp = samlify.IdentityProvider({
      entityID: settings.entity_id,
      signingCert: pem(settings.certificate),
      singleSignOnService: [{ Binding: REDIRECT, Location: settings.sso_url }],
      wantAuthnRequestsSigned: false,
    });
  },
  async login(relayState) {
    sp.entitySetting.relayState = relayState;
    const { id, context } = sp.createLoginRequest(idp, "redirect");
    return [context, id];
  },
  async consume(samlResponse) {
    const { extract } = await sp.parseLoginResponse(idp, "post", { body: { SAMLResponse: samlResponse } });
    return { nameID: extract.nameID, attributes: extract.attributes || {} };
  },
});
