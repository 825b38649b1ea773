// @boxyhq/saml20 behind rt_common.js, as Ory Polis (SAML Jackson) calls it: validate() of the
// decoded Response with the IdP certificate and the SP's audience. IdP-initiated only.
"use strict";
const library = require("@boxyhq/saml20");
const saml = library.default || library; // 1.x is an ES module compiled to CommonJS
const { serve, pem } = require("./rt_common.js");

const config = JSON.parse(process.argv[2]);
let certificate = null;
const NAME_ID = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";

function validate(xml, options) {
  if (saml.validate.length >= 3) {
    return new Promise((resolve, reject) =>
      saml.validate(xml, options, (error, profile) => (error ? reject(error) : resolve(profile))));
  }
  return saml.validate(xml, options);
}

serve(config, {
  configure(settings) {
    certificate = pem(settings.certificate);
  },
  login() {
    throw new Error("this app signs in from the IdP only");
  },
  async consume(samlResponse) {
    const xml = Buffer.from(samlResponse, "base64").toString("utf8");
    const profile = await validate(xml, { publicKey: certificate, audience: config.entity_id });
    const claims = profile.claims || {};
    return { nameID: claims[NAME_ID] || claims.id, attributes: claims };
  },
});
