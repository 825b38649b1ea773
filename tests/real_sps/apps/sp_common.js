// The web app around a Node SAML library (node's http module only): the same routes as
// sp_common.py (metadata, /_admin/idp, /login, /acs, /whoami, /, /health) and the same app-side
// rules (its own users, one use per assertion, InResponseTo only for a request it sent).
"use strict";
const http = require("http");
const crypto = require("crypto");

const ASSERTION_ID = /<(?:[\w-]+:)?Assertion\b[^>]*?\sID="([^"]+)"/g;
const IN_RESPONSE_TO = /<(?:[\w-]+:)?Response\b[^>]*?\sInResponseTo="([^"]+)"/;

function pem(certificate) {
  const body = certificate.replace(/\s+/g, "").match(/.{1,64}/g).join("\n");
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function spMetadata(entityId, acsUrl, wantAssertionsSigned) {
  return (
    '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ' +
    `entityID="${escape(entityId)}"><md:SPSSODescriptor AuthnRequestsSigned="false" ` +
    `WantAssertionsSigned="${wantAssertionsSigned !== false}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>" +
    '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" ' +
    `Location="${escape(acsUrl)}" index="0" isDefault="true"/></md:SPSSODescriptor>` +
    "</md:EntityDescriptor>"
  );
}

// library: { configure(idp), login() -> Promise<[url, requestId]>, consume(samlResponse) -> Promise<user> }
function serve(config, library) {
  const users = new Set(config.users.map((u) => u.toLowerCase()));
  const requests = new Set();
  const consumed = new Set();
  const sessions = new Map();
  let configured = false;

  function answer(res, status, body, kind = "text/html", headers = {}) {
    res.writeHead(status, { "Content-Type": `${kind}; charset=utf-8`, ...headers });
    res.end(body);
  }
  function userOf(req) {
    const found = /(?:^|;\s*)sid=([\w-]+)/.exec(req.headers.cookie || "");
    return found ? sessions.get(found[1]) || null : null;
  }
  async function acs(req, res, body) {
    if (!configured) return answer(res, 503, "<p>single sign-on is not configured</p>");
    const samlResponse = new URLSearchParams(body).get("SAMLResponse") || "";
    let user;
    try {
      const document = Buffer.from(samlResponse, "base64").toString("utf8");
      const ids = [...document.matchAll(ASSERTION_ID)].map((m) => m[1]);
      const asked = IN_RESPONSE_TO.exec(document);
      if (ids.some((id) => consumed.has(id))) throw new Error("replayed assertion");
      if (asked && !requests.has(asked[1])) {
        throw new Error(`InResponseTo ${asked[1]} was never requested`);
      }
      if (!asked && config.sp_initiated_only) {
        throw new Error("unsolicited: this SP signs in only from its sign-on URL");
      }
      user = String(await library.consume(samlResponse)).toLowerCase();
      if (!users.has(user)) throw new Error(`no user ${user}`);
      if (ids.some((id) => consumed.has(id))) throw new Error("replayed assertion");
      ids.forEach((id) => consumed.add(id));
      if (asked) requests.delete(asked[1]);
    } catch (error) {
      return answer(res, 403, `<p>Refused: ${escape(error && error.message)}</p>`);
    }
    const sid = crypto.randomBytes(16).toString("hex");
    sessions.set(sid, user);
    res.writeHead(302, { Location: "/", "Set-Cookie": `sid=${sid}; Path=/; HttpOnly` });
    res.end();
  }
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        if (req.method === "GET" && path === "/health") return answer(res, 200, "ok", "text/plain");
        if (req.method === "GET" && path === "/metadata") {
          return answer(res, 200, spMetadata(config.entity_id, config.acs_url, config.want_assertions_signed), "application/xml");
        }
        if (req.method === "GET" && path === "/whoami") {
          const user = userOf(req);
          return answer(res, user ? 200 : 401, JSON.stringify({ user }), "application/json");
        }
        if (req.method === "GET" && path === "/") {
          const user = userOf(req);
          const text = user ? `Signed in as ${user}` : "Not signed in";
          return answer(res, 200, `<html><body><p id='who'>${escape(text)}</p></body></html>`);
        }
        if (req.method === "GET" && path === "/login") {
          if (!configured) return answer(res, 503, "<p>single sign-on is not configured</p>");
          const [url, requestId] = await library.login();
          requests.add(requestId);
          res.writeHead(302, { Location: url });
          return res.end();
        }
        if (req.method === "POST" && path === "/_admin/idp") {
          library.configure(JSON.parse(body));
          configured = true;
          res.writeHead(204);
          return res.end();
        }
        if (req.method === "POST" && path === "/acs") return acs(req, res, body);
        return answer(res, 404, "not found", "text/plain");
      } catch (error) {
        return answer(res, 500, `<p>${escape(error && error.stack)}</p>`);
      }
    });
  });
  server.listen(Number(config.port), "127.0.0.1", () => {
    console.log(JSON.stringify({ port: server.address().port }));
  });
}

function requestIdOf(url) {
  // The AuthnRequest's ID, read back from the deflated SAMLRequest of the redirect URL.
  const zlib = require("zlib");
  const message = new URL(url).searchParams.get("SAMLRequest");
  const xml = zlib.inflateRawSync(Buffer.from(message, "base64")).toString("utf8");
  return /\sID="([^"]+)"/.exec(xml)[1];
}

module.exports = { serve, pem, requestIdOf };
