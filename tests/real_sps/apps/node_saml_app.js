// An SP on @node-saml/node-saml (5.x) or passport-saml (3.x, which bundles the same SAML class
// under an older option name for the certificate): node node_saml_app.js '<config json>'.
"use strict";
const { serve, pem, requestIdOf } = require("./sp_common.js");

const config = JSON.parse(process.argv[2]);
let SAML;
let certificateOption;
// Each library's own defaults, as a typical integration leaves them: passport-saml 3.x does not
// require a signed Assertion (a signed Response suffices); node-saml 5 does.
if (config.library === "passport-saml") {
  ({ SAML } = require("passport-saml/lib/node-saml"));
  certificateOption = "cert";
  config.want_assertions_signed = false;
} else {
  ({ SAML } = require("@node-saml/node-saml"));
  certificateOption = "idpCert";
  config.want_assertions_signed = true;
}
let saml = null;

serve(config, {
  configure(idp) {
    saml = new SAML({
      callbackUrl: config.acs_url,
      entryPoint: idp.sso_url,
      issuer: config.entity_id,
      idpIssuer: idp.entity_id,
      audience: config.entity_id,
      [certificateOption]: pem(idp.certificate),
      wantAssertionsSigned: config.want_assertions_signed,
      wantAuthnResponseSigned: false,
      identifierFormat: null,
      disableRequestedAuthnContext: true,
      acceptedClockSkewMs: 5 * 60 * 1000,
    });
  },
  async login() {
    const url = await saml.getAuthorizeUrlAsync("", undefined, {});
    return [url, requestIdOf(url)];
  },
  async consume(samlResponse) {
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse });
    if (!profile) throw new Error("no profile");
    return profile.nameID;
  },
});
