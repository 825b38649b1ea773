// saml2-js (Clever) behind rt_common.js, as its README sets it up: node rt_saml2_js.js '<config>'.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const saml2 = require("saml2-js");
const { serve, pem, requestIdOf } = require("./rt_common.js");

const config = JSON.parse(process.argv[2]);
// The SP's own key pair (saml2-js wants one even when nothing is signed or encrypted).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "saml2-js-"));
execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=sp",
  "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
const sp = new saml2.ServiceProvider({
  entity_id: config.entity_id,
  private_key: fs.readFileSync(path.join(dir, "key.pem"), "utf8"),
  certificate: fs.readFileSync(path.join(dir, "cert.pem"), "utf8"),
  assert_endpoint: config.acs_url,
  allow_unencrypted_assertion: true,
});
let idp = null;

serve(config, {
  configure(settings) {
    idp = new saml2.IdentityProvider({
      sso_login_url: settings.sso_url,
      sso_logout_url: settings.sso_url,
      certificates: [pem(settings.certificate)],
    });
  },
  login(relayState) {
    return new Promise((resolve, reject) =>
      sp.create_login_request_url(idp, { relay_state: relayState }, (error, url, id) =>
        error ? reject(error) : resolve([url, id || requestIdOf(url)])));
  },
  consume(samlResponse) {
    return new Promise((resolve, reject) =>
      sp.post_assert(idp, { request_body: { SAMLResponse: samlResponse } }, (error, response) =>
        error ? reject(error) : resolve({ nameID: response.user.name_id, attributes: response.user.attributes })));
  },
});
