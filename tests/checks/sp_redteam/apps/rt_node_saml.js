// @node-saml/node-saml 5.x or passport-saml 3.x behind rt_common.js: node rt_node_saml.js '<config>'.
"use strict";
const { serve, pem, requestIdOf } = require("./rt_common.js");

const config = JSON.parse(process.argv[2]);
const passport = config.library === "passport-saml";
const { SAML } = passport ? require("passport-saml/lib/node-saml") : require("@node-saml/node-saml");
let saml = null;

serve(config, {
  configure(idp) {
    saml = new SAML({
      callbackUrl: config.acs_url,
      entryPoint: idp.sso_url,
      issuer: config.entity_id,
      idpIssuer: idp.entity_id,
      audience: config.entity_id,
      [passport ? "cert" : "idpCert"]: pem(idp.certificate),
      wantAssertionsSigned: !passport,
      wantAuthnResponseSigned: false,
      identifierFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
      disableRequestedAuthnContext: true,
      acceptedClockSkewMs: 3 * 60 * 1000,
      // IdP-initiated sign-in needs it off: passport-saml 3 takes a boolean, node-saml 5 "never".
      validateInResponseTo: passport ? false : "never",
    });
  },
  async login(relayState) {
    const url = await saml.getAuthorizeUrlAsync(relayState, undefined, {});
    return [url, requestIdOf(url)];
  },
  async consume(samlResponse) {
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse });
    if (!profile) throw new Error("no profile");
    return { nameID: profile.nameID, attributes: profile.attributes || profile };
  },
});
