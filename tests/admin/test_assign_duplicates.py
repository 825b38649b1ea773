"""assign refuses a (principal, role) pair the app has, however its assignments last changed
(the pairs are cached beside the list; issue 21)."""

from __future__ import annotations

import pytest

from mock_idp.admin import AdminError, add_custom_app, assign, create_user, unassign
from mock_idp.tenant import Tenant


def test_a_pair_is_refused_while_assigned_and_accepted_once_removed() -> None:
    tenant = Tenant()
    app = add_custom_app(tenant, "App")
    role = app.app_roles[0].id
    users = [
        create_user(tenant, user_principal_name=f"u{n}@contoso.com", display_name="U", password="p")
        for n in range(3)
    ]
    first = assign(tenant, app, users[0].id, role)
    assign(tenant, app, users[1].id, role)
    with pytest.raises(AdminError, match="already exists"):
        assign(tenant, app, users[0].id, role)
    unassign(tenant, app, first.id)  # the list is replaced
    assign(tenant, app, users[0].id, role)
    app.assignments = []  # as a purge or a snapshot restore replaces it
    assign(tenant, app, users[1].id, role)
    app.assignments.append(first)  # appended outside assign
    with pytest.raises(AdminError, match="already exists"):
        assign(tenant, app, users[0].id, role)
    assign(tenant, app, users[2].id, role)
