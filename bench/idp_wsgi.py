"""A tenant for the IdP benchmark, built identically in every server worker: one app, one
signed-in user, so each request is one IdP-initiated launch answered by a signed Response."""

from __future__ import annotations

import os

from mock_idp.admin import (
    add_gallery_app,
    add_signing_certificate,
    assign,
    create_user,
    set_basic_saml_configuration,
)
from mock_idp.tenant import LoginSession, Tenant
from mock_idp.web.login import SESSION_COOKIE, create_login_app

APP_ID = "0e4b3f0c-1d2e-4f5a-8b9c-0d1e2f3a4b5c"
SESSION_ID = "bench-session"


def build(others: int = 0) -> tuple[Tenant, str]:
    """The tenant and the launch path; `others` more users in the directory (the size sweep's
    IdP with 10^3 to 10^5 users, bench/scale.py)."""
    tenant = Tenant()
    for n in range(others):
        create_user(
            tenant,
            user_principal_name=f"user{n:06d}@contoso.com",
            display_name=f"User {n:06d}",
            password="pw",
            mail=f"user{n:06d}@contoso.com",
        )
    user = create_user(
        tenant,
        user_principal_name="B.Simon@contoso.com",
        display_name="B.Simon",
        password="pw",
        mail="B.Simon@contoso.com",
        given_name="Britta",
        surname="Simon",
    )
    template = tenant.gallery["ringcentral"].template_id
    app = add_gallery_app(tenant, template, "RingCentral")
    del tenant.apps[app.object_id]
    app.app_id = APP_ID
    tenant.apps[app.object_id] = app
    set_basic_saml_configuration(
        tenant,
        app,
        identifiers=["https://sso.ringcentral.com"],
        reply_urls=["https://sso.ringcentral.com/sp/ACS.saml2"],
    )
    add_signing_certificate(tenant, app)
    assign(tenant, app, user.id, app.app_roles[0].id)
    tenant.sessions[SESSION_ID] = LoginSession(user.id, tenant.clock.now())
    path = f"/{tenant.tenant_id}/saml2/idpinitiated?appid={APP_ID}"
    return tenant, path


tenant, LAUNCH_PATH = build(int(os.environ.get("BENCH_IDP_USERS", "0")))
application = create_login_app(tenant)
COOKIE = f"{SESSION_COOKIE}={SESSION_ID}"
