"""The landing page of `entra-harness up`: every endpoint, credentials, how to browse the mocks."""

from __future__ import annotations

import shlex
from typing import Any

from flask import Flask, render_template_string

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Entra harness</title>
<style>body{font-family:Arial,sans-serif;max-width:1000px;margin:24px auto;color:#222}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;font-size:14px}
table{border-collapse:collapse}code,pre{background:#f4f4f4;padding:2px 4px;white-space:pre-wrap}</style>
</head><body>
<h1>Simulated Entra tenant and vendors</h1>
<p>Tenant id <code>{{ info.tenant_id }}</code>. Test CA certificate: <code>{{ info.ca_certificate }}</code></p>
<h2>Try it</h2>
<p>The mocks answer on the tutorials' own host names. Open Chromium with the harness's host rules
and certificate pin, then go to one of these addresses:</p>
<pre>{{ chromium }}</pre>
<table><tr><th>What</th><th>URL</th></tr>
{% for name, url in links.items() %}<tr><td>{{ name }}</td><td><code>{{ url }}</code></td></tr>{% endfor %}
</table>
<h2>Who can sign in</h2>
<table id="people"><tr><th>Who</th><th>User name</th><th>Password</th><th>What for</th></tr>
{% set admin = info.credentials.administrator %}{% if admin %}
<tr id="administrator"><td>Administrator ({{ admin.roles | join(", ") }})</td>
<td><code>{{ admin.userPrincipalName }}</code></td><td><code>{{ admin.password }}</code></td>
<td>the admin center, <code>https://entra.microsoft.com/</code></td></tr>{% endif %}
{% set demo = info.credentials.demo_user %}{% if demo %}
<tr id="demo-user"><td>Demo user (the tutorials' B.Simon)</td>
<td><code>{{ demo.userPrincipalName }}</code></td><td><code>{{ demo.password }}</code></td>
<td>My Apps and the vendors, <code>https://myapps.microsoft.com/</code></td></tr>{% endif %}
</table>
<h2>Hosts</h2>
<table><tr><th>Host (as in the tutorials)</th><th>Served at</th></tr>
{% for host, address in info.hosts.items() %}<tr><td>https://{{ host }}/</td><td>{{ address }}</td></tr>{% endfor %}
</table>
<h2>Credentials for scripts</h2>
<table>
<tr><td>Microsoft Graph (https://graph.microsoft.com/v1.0) bearer token</td>
<td><code>{{ info.credentials.graph_admin_token }}</code></td></tr>
{% if info.credentials.graph_client %}{% set client = info.credentials.graph_client %}
<tr><td>Microsoft Graph app-only sign-in: client credentials at {{ client.token_endpoint }},
scope https://graph.microsoft.com/.default</td>
<td>client id <code>{{ client.client_id }}</code>, secret <code>{{ client.client_secret }}</code></td></tr>
{% endif %}
{% for vendor, admin in (info.credentials.vendor_console_administrators or {}).items() %}
<tr><td>{{ vendor }} console administrator (the console pages ask for them)</td>
<td><code>{{ admin.email }}</code> / <code>{{ admin.password }}</code></td></tr>{% endfor %}
{% for vendor, token in info.credentials.vendor_console_tokens.items() %}
<tr><td>{{ vendor }} console API bearer token</td><td><code>{{ token }}</code></td></tr>{% endfor %}
</table>
<p>The same as one JSON line: <code>entra-harness up --print-urls json</code>.</p>
{% if info.controls %}<h2>Test controls</h2>
<p id="controls">The test controls are <strong>{{ "on" if info.controls.enabled else "off" }}</strong>
at <code>{{ info.controls.path }}</code> on every host (reset, clock, request logs, one-shot
Responses), and every server listens on <code>{{ info.controls.bind }}</code> only: anyone who
reaches these ports can reset the tenant and move its clock. <code>entra-harness serve</code>
keeps them off unless given <code>--control</code>.</p>{% endif %}
</body></html>"""


def create_landing_app(info: dict[str, Any], links: dict[str, str]) -> Flask:
    app = Flask("landing")
    chromium = shlex.join(["chromium", *info["chromium_args"], "https://myapps.microsoft.com/"])

    @app.get("/")
    def landing() -> str:
        return render_template_string(PAGE, info=info, links=links, chromium=chromium)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "service": "landing"}

    return app
