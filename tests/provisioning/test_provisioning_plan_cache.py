"""An incremental cycle reuses the plans of unchanged objects; anything a plan reads invalidates it."""

from __future__ import annotations

from datetime import timedelta

from mock_idp.access import AssignmentIndex, effective_assignments
from mock_idp.admin import add_gallery_app, add_member, assign, create_group, create_user
from mock_idp.enterprise_apps import AppRole
from mock_idp.provisioning.engine import ProvisioningEngine
from mock_idp.provisioning.mappings import AttributeMapping
from mock_idp.provisioning.service import ProvisioningService
from mock_idp.provisioning.source import import_source
from mock_idp.tenant import Tenant


def setup() -> tuple[Tenant, ProvisioningService, ProvisioningEngine, list[str]]:
    tenant = Tenant()
    app = add_gallery_app(tenant, tenant.gallery["ringcentral"].template_id, "RingCentral")
    ids = []
    for name in ("ada", "bob", "cy"):
        user = create_user(
            tenant,
            user_principal_name=f"{name}@contoso.com",
            display_name=name,
            password="x",
            job_title="Engineer",
        )
        assign(tenant, app, user.id, app.app_roles[0].id)
        ids.append(user.id)
    service = ProvisioningService(tenant)
    job = service.create_job(app)
    return tenant, service, service.engine(job), ids


def fingerprints(tenant: Tenant, engine: ProvisioningEngine) -> dict[str, str]:
    snapshot = import_source(tenant.directory, engine.app, tenant.clock.now(), timedelta(days=30))
    return {sid: plan.fingerprint for sid, plan in engine._plans("User", snapshot.users).items()}


def test_only_a_changed_user_gets_a_new_fingerprint_and_it_matches_a_fresh_computation() -> None:
    tenant, service, engine, ids = setup()
    before = fingerprints(tenant, engine)
    tenant.directory.users[ids[1]].job_title = "Lead"
    after = fingerprints(tenant, service.engine(engine.job))
    assert [sid for sid in ids if before[sid] != after[sid]] == [ids[1]]
    engine.job.plan_inputs.clear()
    assert fingerprints(tenant, service.engine(engine.job)) == after


def test_a_mapping_change_recomputes_every_plan() -> None:
    tenant, service, engine, ids = setup()
    before = fingerprints(tenant, engine)
    title = next(m for m in engine.job.users.mappings if m.target == "title")
    title.source = "department"  # every user's title now flows nothing
    after = fingerprints(tenant, service.engine(engine.job))
    assert all(before[sid] != after[sid] for sid in ids)


def test_an_expression_reading_now_is_evaluated_again_each_cycle() -> None:
    tenant, service, engine, ids = setup()
    tenant.clock.freeze()
    engine.job.users.mappings.append(
        AttributeMapping(
            target="nickName",
            type="Expression",
            source="Now()",
        )
    )
    before = fingerprints(tenant, engine)
    tenant.clock.set(tenant.clock.now() + timedelta(minutes=40))
    after = fingerprints(tenant, service.engine(engine.job))
    assert all(before[sid] != after[sid] for sid in ids)


def test_the_assignment_index_agrees_with_effective_assignments() -> None:
    tenant, _, engine, ids = setup()
    app = engine.app
    group = create_group(tenant, "Sales")
    add_member(tenant, group.id, ids[2])
    assign(tenant, app, group.id, app.app_roles[-1].id)
    loner = create_user(
        tenant, user_principal_name="dee@contoso.com", display_name="dee", password="x"
    )
    index = AssignmentIndex(tenant.directory, app)
    for user in [*(tenant.directory.users[i] for i in ids), loner]:
        assert index.effective_assignments(user) == effective_assignments(
            tenant.directory, app, user
        )
    assert len(index.effective_assignments(tenant.directory.users[ids[2]])) == 2
    assert index.effective_assignments(loner) == []


def test_the_import_copies_again_only_users_that_changed() -> None:
    tenant, _, engine, ids = setup()
    app, cache = engine.app, engine.job.source_cache
    now = tenant.clock.now()
    app.app_roles.append(AppRole("5d6e7f80-0000-4000-8000-000000000002", "Admin", "admin"))
    first = import_source(tenant.directory, app, now, timedelta(days=30), cache=cache)
    tenant.directory.users[ids[0]].job_title = "Lead"  # a property
    assign(tenant, app, ids[1], app.app_roles[-1].id)  # an assignment
    second = import_source(tenant.directory, app, now, timedelta(days=30), cache=cache)
    assert second.users[ids[2]] is first.users[ids[2]]
    assert second.users[ids[0]].attributes["jobTitle"] == "Lead"
    assert len(second.users[ids[1]].role_ids) == 2
    fresh = import_source(tenant.directory, app, now, timedelta(days=30))
    assert {k: v.attributes for k, v in fresh.users.items()} == {
        k: v.attributes for k, v in second.users.items()
    }
    app.app_roles[-1].value = "Renamed"  # the app's roles
    third = import_source(tenant.directory, app, now, timedelta(days=30), cache=cache)
    assert third.users[ids[1]] is not second.users[ids[1]]
    del tenant.directory.users[ids[2]]
    import_source(tenant.directory, app, now, timedelta(days=30), cache=cache)
    assert ids[2] not in cache
