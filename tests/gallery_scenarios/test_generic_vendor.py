"""The generic gallery vendor and its generated features, from hand-written summaries in the importer's
`--json` schema (issue 18, Deliver 3 and 4): no corpus needed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from gallery.generic import gallery_app_from_summary
from harness.gallery_scenarios.features import feature_text
from mock_kernel.clock import Clock
from mock_sp.acs import AcsRefusal, SignedInAssertion
from mock_sp.idp_settings import MetadataError, self_signed_key_pair
from mock_sp.service_provider import ServiceProvider, SettingError

SSO: dict[str, Any] = {
    "kind": "sso",
    "exclude_reason": None,
    "app": "Freedcamp",
    "sso": {
        "modes": ["sp"],
        "identifier": ["https://<SUBDOMAIN>.freedcamp.com/sso/<UNIQUEID>"],
        "reply_url": ["https://<SUBDOMAIN>.freedcamp.com/sso/acs/<UNIQUEID>"],
        "sign_on_url": ["http://<SUBDOMAIN>.freedcamp.com/login"],
        "relay_state": [],
        "logout_url": [],
        "values_not_in_text": [],
        "placeholders": ["<SUBDOMAIN>", "<UNIQUEID>"],
        "fixed_identifier_note": False,
        "claims": [
            {"name": "first_name", "source": "user.givenname", "namespace": None},
            {"name": "role", "source": "user.assignedroles", "namespace": None},
        ],
        "role_claim": True,
        "certificate": "base64",
        "jit": True,
        "app_side_fields": [{"field": "Entity ID", "entra_value": "entra_identifier"}],
    },
    "provisioning": None,
}
PROVISIONING: dict[str, Any] = {
    "kind": "provisioning",
    "exclude_reason": None,
    "app": "Alohi",
    "sso": None,
    "provisioning": {
        "capabilities": ["create_users", "remove_users", "sync_attributes"],
        "tenant_url": None,
        "auth": "bearer_token",
        "user_attributes": [
            {
                "name": "userName",
                "type": "String",
                "filterable": True,
                "required": True,
                "source": "userPrincipalName",
            },
            {
                "name": "name.givenName",
                "type": "String",
                "filterable": False,
                "required": True,
                "source": "givenName",
            },
            {
                "name": "title",
                "type": "String",
                "filterable": False,
                "required": False,
                "source": "jobTitle",
            },
            {
                "name": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                "type": "String",
                "filterable": False,
                "required": False,
                "source": "department",
            },
            {
                "name": 'roles[primary eq "True"].value',
                "type": "String",
                "filterable": False,
                "required": True,
                "source": None,
            },
        ],
        "group_attributes": [],
        "limitations": ["Alohi does not support soft-deletes."],
    },
}


def test_placeholders_are_filled_once_and_made_up_values_are_listed() -> None:
    app = gallery_app_from_summary(SSO)
    region = app.sso.regions[0]
    assert region.identifier == "https://subdomain.freedcamp.com/sso/uniqueid"
    assert region.reply_url == "https://subdomain.freedcamp.com/sso/acs/uniqueid"
    # The harness serves HTTPS only: an http:// Sign-on URL is opened as https://.
    assert region.sign_on_url == "https://subdomain.freedcamp.com/login"
    assert app.sso.modes == ("sp",) and app.sso.jit and app.sso.require_claims
    assert app.sso.idp_configuration == "fields" and app.sso.certificate == "base64"
    # The role claim comes from app roles: noted, neither pre-populated nor required.
    assert [c["name"] for c in app.sso.claims] == ["first_name"]
    assert any("user.assignedroles" in note for note in app.imported["notes"])
    assert "subdomain.freedcamp.com" in app.hosts()


def test_a_whole_host_placeholder_becomes_a_test_host_and_missing_values_are_assumptions() -> None:
    summary = copy.deepcopy(SSO)
    summary["sso"] |= {
        "identifier": ["<EXTERNAL_DNS_NAME>.portal"],
        "reply_url": [],
        "sign_on_url": ["https://<EXTERNAL_DNS_NAME>/portal/signin"],
    }
    app = gallery_app_from_summary(summary)
    region = app.sso.regions[0]
    assert region.identifier == "external-dns-name.freedcamp.test.portal"
    assert region.reply_url == "https://external-dns-name.freedcamp.test/saml/acs"
    assert any(a.startswith("Reply URL not in the tutorial") for a in app.imported["assumptions"])


def test_the_scim_profile_keeps_requires_and_filters_what_the_tutorial_says() -> None:
    app = gallery_app_from_summary(PROVISIONING)
    profile = app.scim_profile
    assert profile is not None
    assert profile.tenant_url == "https://scim.alohi.example.com/scim/v2"
    assert profile.resource_types == ("User",)
    assert set(profile.user_attributes or ()) == {
        "userName",
        "active",
        "externalId",
        "id",
        "emails",
        "name",
        "title",
    }
    assert profile.enterprise_attributes == ("department",)
    assert profile.required_attributes == ("name.givenName",)
    assert profile.filter_attributes == ("userName",)
    targets = [m["target"] for m in app.provisioning["users"]["mappings"]]
    assert 'roles[primary eq "True"].value' not in targets and "title" in targets
    assert app.imported["limitations"] == ["Alohi does not support soft-deletes."]


def _sp(summary: dict[str, Any]) -> ServiceProvider:
    app = gallery_app_from_summary(summary)
    return ServiceProvider(app, app.sso.regions[0], Clock())


def _assertion(attributes: dict[str, list[str]]) -> SignedInAssertion:
    return SignedInAssertion("B.Simon@contoso.com", None, attributes, "_a", None, None)


def test_the_acs_requires_the_tutorials_claims() -> None:
    sp = _sp(SSO)
    with pytest.raises(AcsRefusal) as refused:
        sp.check_claims(_assertion({}))
    assert refused.value.check == "missing_attribute"
    sp.check_claims(_assertion({"first_name": ["Britta"]}))


def test_just_in_time_creates_the_user_and_without_it_she_is_unknown() -> None:
    user = _sp(SSO).user_for(_assertion({}))
    assert user.email == "b.simon@contoso.com" and user.active
    without = copy.deepcopy(SSO)
    without["sso"]["jit"] = False
    with pytest.raises(AcsRefusal) as refused:
        _sp(without).user_for(_assertion({}))
    assert refused.value.check == "unknown_user"


def test_the_console_takes_only_the_certificate_form_the_tutorial_names() -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    _, pem = self_signed_key_pair("Microsoft Azure Federated SSO Certificate")
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    fields = {
        "idp_login_url": "https://login.microsoftonline.com/t/saml2",
        "idp_issuer": "https://sts.windows.net/t/",
    }
    sp = _sp(SSO)
    with pytest.raises(SettingError) as refused:
        sp.save_console_fields(fields, der)
    assert "Certificate (base64)" in str(refused.value)
    with pytest.raises(MetadataError):
        sp.upload_idp_metadata(b"<EntityDescriptor/>")
    sp.save_console_fields(fields, pem.encode())
    assert sp.settings.sso_enabled


def test_features_follow_the_tutorial() -> None:
    sso = feature_text(gallery_app_from_summary(SSO))
    assert "(SP-initiated)" in sso and "(IdP-initiated)" not in sso
    assert "refuses the sign-in because the unsolicited check failed" in sso
    # Just-in-time: no vendor account is made before she signs in.
    assert "exists and is active in Freedcamp" not in sso
    assert "| Sign on URL | https://subdomain.freedcamp.com/login |" in sso
    assert "can be added to a tenant only once" not in sso
    fixed = copy.deepcopy(SSO)
    fixed["sso"]["fixed_identifier_note"] = True
    assert "can be added to a tenant only once" in feature_text(gallery_app_from_summary(fixed))
    idp_only = copy.deepcopy(SSO)
    idp_only["sso"]["modes"] = ["idp"]
    text = feature_text(gallery_app_from_summary(idp_only))
    assert "(IdP-initiated)" in text and "(SP-initiated)" not in text
    assert 'Freedcamp says "does not support SP-initiated sign-on"' in text
    provisioning = feature_text(gallery_app_from_summary(PROVISIONING))
    assert '"path": "title", "value": "Sales Director"' in provisioning
    assert "limitation (not simulated): Alohi does not support soft-deletes." in provisioning


def test_a_logout_url_on_the_acs_host_is_served_and_signed_out_of() -> None:
    summary = copy.deepcopy(SSO)
    summary["sso"]["logout_url"] = ["https://<SUBDOMAIN>.freedcamp.com/saml/slo"]
    app = gallery_app_from_summary(summary)
    assert app.sso.logout_path == "/saml/slo"
    text = feature_text(app)
    assert "| Logout Url | https://subdomain.freedcamp.com/saml/slo |" in text
    assert "signs B.Simon out of Entra too (single logout)" in text
    summary["sso"]["logout_url"] = ["https://logout.example.org/slo"]
    elsewhere = gallery_app_from_summary(summary)
    assert elsewhere.sso.logout_path is None
    assert any("on another host" in a for a in elsewhere.imported["assumptions"])


def test_an_http_reply_url_is_served_over_https_and_said_so() -> None:
    summary = copy.deepcopy(SSO)
    summary["sso"]["reply_url"] = ["http://<SUBDOMAIN>.freedcamp.com/acs"]
    app = gallery_app_from_summary(summary)
    assert app.sso.regions[0].reply_url == "https://subdomain.freedcamp.com/acs"
    assert any("http://" in a for a in app.imported["assumptions"])
