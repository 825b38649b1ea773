// A SCIM 2.0 service provider built the way SCIMMY's documentation builds one: SCIMMY (schemas,
// validation, filters, PATCH) behind scimmy-routers (the RFC 7644 endpoints) in Express, with the
// storage the library leaves to its user kept in memory. Started by test_scim_witnesses.py with
// WITNESS_TOKEN (the bearer token it accepts); prints the port it listens on, then serves.
"use strict";

const crypto = require("node:crypto");
const express = require("express");
const SCIMMY = require("scimmy").default;
const { SCIMMYRouters } = require("scimmy-routers");

const token = process.env.WITNESS_TOKEN;
const stores = { User: new Map(), Group: new Map() };

function declare(type, schemaName) {
  const store = stores[schemaName];
  SCIMMY.Resources.declare(type)
    .ingress((resource, instance) => {
      if (resource.id && !store.has(resource.id)) {
        throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
      }
      const id = resource.id || crypto.randomUUID();
      const stored = { ...JSON.parse(JSON.stringify(instance)), id };
      if (schemaName === "User") {
        for (const [other, existing] of store) {
          if (other !== id && existing.userName.toLowerCase() === stored.userName.toLowerCase()) {
            throw new SCIMMY.Types.Error(409, "uniqueness", "userName is not unique");
          }
        }
      }
      store.set(id, stored);
      return stored;
    })
    .egress((resource) => {
      if (resource.id) {
        const found = store.get(resource.id);
        if (!found) throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
        return found;
      }
      const all = [...store.values()];
      return resource.filter ? resource.filter.match(all) : all;
    })
    .degress((resource) => {
      if (!store.delete(resource.id)) {
        throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
      }
    });
}

declare(SCIMMY.Resources.User, "User");
declare(SCIMMY.Resources.Group, "Group");
SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false);

const app = express();
app.use(
  "/scim/v2",
  new SCIMMYRouters({
    type: "bearer",
    docUri: "https://scimmy.example/auth",
    handler: (request) => {
      if (request.header("Authorization") !== `Bearer ${token}`) {
        throw new Error("Authorization not detected!");
      }
      return "entra-provisioning";
    },
  }),
);
const server = app.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
