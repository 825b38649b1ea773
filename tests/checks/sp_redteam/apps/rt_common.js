// A web app around a Node SAML library whose behaviour is data (config.profile), the same
// profile keys as rt_common.py: identity, success, refusal, relay_state, requests, whoami, page.
"use strict";
const http = require("http");
const crypto = require("crypto");
const zlib = require("zlib");

const ASSERTION_ID = /<(?:[\w-]+:)?Assertion\b[^>]*?\sID="([^"]+)"/g;
const IN_RESPONSE_TO = /<(?:[\w-]+:)?Response\b[^>]*?\sInResponseTo="([^"]+)"/;

function pem(certificate) {
  const body = certificate.replace(/\s+/g, "").match(/.{1,64}/g).join("\n");
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
const escape = (t) => String(t).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function spMetadata(entityId, acsUrl, wants) {
  return (
    '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ' +
    `entityID="${escape(entityId)}"><md:SPSSODescriptor AuthnRequestsSigned="false" ` +
    `WantAssertionsSigned="${wants}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" ' +
    `Location="${escape(acsUrl)}" index="1" isDefault="true"/></md:SPSSODescriptor></md:EntityDescriptor>`
  );
}

function requestIdOf(url) {
  const message = new URL(url).searchParams.get("SAMLRequest");
  const xml = zlib.inflateRawSync(Buffer.from(message, "base64")).toString("utf8");
  return /\sID="([^"]+)"/.exec(xml)[1];
}

// library: { configure(idp), login(relayState) -> [url, id], consume(samlResponse, requestId) -> {nameID, attributes} }
function serve(config, library) {
  const profile = config.profile;
  const users = new Map(config.users.map((u) => [u.toLowerCase(), u.split("@")[0]]));
  const cookieName = profile.cookie || "sid";
  const sessions = new Map();
  const requests = new Set();
  const consumed = new Set();
  let configured = false;

  const answer = (res, status, body, kind = "text/html", headers = {}) => {
    res.writeHead(status, { "Content-Type": `${kind}; charset=utf-8`, ...headers });
    res.end(body);
  };
  const redirect = (res, location, headers = {}) => {
    res.writeHead(302, { Location: location, ...headers });
    res.end();
  };
  const sidOf = (req) => {
    const found = new RegExp(`(?:^|;\\s*)${cookieName}=([\\w-]+)`).exec(req.headers.cookie || "");
    return found ? found[1] : null;
  };
  const sessionOf = (req) => sessions.get(sidOf(req)) || {};
  const page = (user) => {
    const text = (profile.page || "Signed in as {user}").replace("{user}", user).replace("{name}", users.get(user) || user);
    return `<html><body><nav>Acme</nav><main><h1>${escape(text)}</h1></main></body></html>`;
  };
  const identity = (result) => {
    const source = profile.identity || "nameid";
    if (source === "nameid") return result.nameID;
    const name = source.slice("attribute:".length);
    const value = (result.attributes || {})[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (!first) throw new Error(`no ${name} attribute`);
    return first;
  };
  const refuse = (res, reason) => {
    const style = profile.refusal || "403";
    if (style === "page200") return answer(res, 200, `<html><body><h1>Something went wrong</h1><p>${escape(reason)}</p></body></html>`);
    if (style === "redirect-error") return redirect(res, "/error?reason=" + encodeURIComponent(reason.slice(0, 200)));
    if (style === "redirect-login") return redirect(res, "/login");
    if (style === "throw") throw new Error(reason); // the framework's default handler: 500
    return answer(res, Number(style), `<p>Refused: ${escape(reason)}</p>`);
  };

  async function acs(req, res, body) {
    if (!configured) return answer(res, 503, "<p>single sign-on is not configured</p>");
    const form = new URLSearchParams(body);
    const samlResponse = form.get("SAMLResponse") || "";
    const relayState = form.get("RelayState") || "";
    const session = sessionOf(req);
    let user;
    try {
      const document = Buffer.from(samlResponse, "base64").toString("utf8");
      const ids = [...document.matchAll(ASSERTION_ID)].map((m) => m[1]);
      const asked = IN_RESPONSE_TO.exec(document);
      const requestId = asked ? asked[1] : null;
      if (profile.relay_state === "csrf" && relayState !== session.csrf) {
        throw new Error("RelayState does not match this browser's sign-in");
      }
      if (profile.requests === "session") {
        if (!requestId && profile.unsolicited === false) throw new Error("unsolicited Response");
        if (requestId && requestId !== session.request) throw new Error("InResponseTo is not this browser's request");
      }
      if (ids.some((id) => consumed.has(id))) throw new Error("replayed assertion");
      if (requestId && !requests.has(requestId)) throw new Error(`InResponseTo ${requestId} was never requested`);
      const result = await library.consume(samlResponse, requestId);
      user = String(identity(result)).trim().toLowerCase();
      if (!users.has(user)) throw new Error(`no account for ${user}`);
      if (ids.some((id) => consumed.has(id))) throw new Error("replayed assertion");
      ids.forEach((id) => consumed.add(id));
      if (requestId) requests.delete(requestId);
    } catch (error) {
      return refuse(res, String((error && error.message) || error));
    }
    const sid = crypto.randomBytes(16).toString("hex");
    sessions.set(sid, { user });
    const cookie = { "Set-Cookie": `${cookieName}=${sid}; Path=/; HttpOnly` };
    if (profile.success === "page") return answer(res, 200, page(user), "text/html", cookie);
    if (profile.success === "meta-refresh") {
      return answer(res, 200, "<html><head><meta http-equiv='refresh' content='0;url=/dashboard'></head><body>Signing you in…</body></html>", "text/html", cookie);
    }
    if (profile.success === "script") {
      return answer(res, 200, "<html><body>Redirecting…<script>location.replace('/dashboard')</script></body></html>", "text/html", cookie);
    }
    const target = profile.relay_state === "path" && relayState.startsWith("/") ? relayState : "/dashboard";
    return redirect(res, target, cookie);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const path = url.pathname;
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        const user = sessionOf(req).user || null;
        if (req.method === "GET" && path === "/health") return answer(res, 200, "ok", "text/plain");
        if (req.method === "GET" && path === "/saml/metadata") {
          return answer(res, 200, spMetadata(config.entity_id, config.acs_url, profile.wants_signed !== false), "application/xml");
        }
        if (req.method === "GET" && path === (profile.whoami_path || "/api/me")) {
          const style = profile.whoami || "json";
          if (style === "json-nested") return answer(res, 200, JSON.stringify({ authenticated: !!user, user: user ? { email: user } : null }), "application/json");
          if (style === "text") return answer(res, user ? 200 : 401, user || "", "text/plain");
          return answer(res, user ? 200 : 401, JSON.stringify({ email: user }), "application/json");
        }
        if (req.method === "GET" && ["/", "/app", "/dashboard"].includes(path)) {
          if (!user) return redirect(res, "/login?next=" + encodeURIComponent(path));
          return answer(res, 200, page(user));
        }
        if (req.method === "GET" && path === "/error") {
          return answer(res, 200, `<html><body><h1>Sign-in failed</h1><p>${escape(url.searchParams.get("reason") || "")}</p></body></html>`);
        }
        if (req.method === "GET" && path === "/login") {
          if (!configured) return answer(res, 503, "<p>single sign-on is not configured</p>");
          const csrf = crypto.randomBytes(12).toString("hex");
          const next = url.searchParams.get("next") || "/dashboard";
          const relay = { csrf, path: next, ignore: "" }[profile.relay_state || "path"];
          const [location, requestId] = await library.login(relay);
          const sid = sidOf(req) || crypto.randomBytes(16).toString("hex");
          sessions.set(sid, { ...(sessions.get(sid) || {}), csrf, request: requestId });
          requests.add(requestId);
          return redirect(res, location, { "Set-Cookie": `${cookieName}=${sid}; Path=/; HttpOnly` });
        }
        if (req.method === "POST" && path === "/_admin/idp") {
          library.configure(JSON.parse(body));
          configured = true;
          res.writeHead(204);
          return res.end();
        }
        if (req.method === "POST" && path === new URL(config.acs_url).pathname) return await acs(req, res, body);
        return answer(res, 404, "not found", "text/plain");
      } catch (error) {
        return answer(res, 500, `<h1>Internal Server Error</h1><pre>${escape(error && error.stack)}</pre>`);
      }
    });
  });
  server.listen(Number(config.port), "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
}

module.exports = { serve, pem, requestIdOf };
