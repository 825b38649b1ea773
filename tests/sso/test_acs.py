"""The strict ACS accepts Entra's Response and refuses each kind of bad one with the right check."""

from __future__ import annotations

import base64
import copy
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from mock_idp.saml_response import build_response
from mock_sp.acs import AcsPolicy, AcsRefusal, ReplayCache, SignedInAssertion, validate_response
from mock_sp.idp_settings import IdpSettings
from tests.saml_fixtures import (
    ACS,
    AUDIENCE,
    CLAIMS,
    DS,
    ISSUER,
    OPTIONS,
    REQUEST_ID,
    SAML,
    SAMLP,
    SSO_URL,
    UPN,
    Signer,
    decode,
    encode,
    make_spec,
    new_signer,
    sign,
    signed_post,
)


@pytest.fixture(scope="module")
def signer() -> Signer:
    return new_signer(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="module")
def attacker() -> Signer:
    """Another key with a certificate of the same subject, as an attacker would make it."""
    return new_signer(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def policy(signer: Signer) -> AcsPolicy:
    return AcsPolicy(
        entity_id=AUDIENCE,
        acs_url=ACS,
        idp=IdpSettings(ISSUER, SSO_URL, certificates=[signer.certificate.base64]),
    )


def accept(
    saml_response: str,
    policy: AcsPolicy,
    now: datetime,
    outstanding: set[str] | None = None,
    replay_cache: ReplayCache | None = None,
) -> SignedInAssertion:
    return validate_response(
        saml_response,
        policy,
        now,
        replay_cache if replay_cache is not None else ReplayCache(),
        {REQUEST_ID} if outstanding is None else outstanding,
    )


def refusal(
    saml_response: str,
    policy: AcsPolicy,
    now: datetime,
    outstanding: set[str] | None = None,
) -> str:
    """The `check` the ACS names when it refuses the Response (fails the test if accepted)."""
    with pytest.raises(AcsRefusal) as refused:
        accept(saml_response, policy, now, outstanding)
    return refused.value.check


def the_assertion(root: etree._Element) -> etree._Element:
    assertion = root.find(f"{{{SAML}}}Assertion")
    assert assertion is not None
    return assertion


def strip_signatures(root: etree._Element) -> None:
    for signature in list(root.iter(f"{{{DS}}}Signature")):
        parent = signature.getparent()
        assert parent is not None
        parent.remove(signature)


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("algorithm", ["sha256", "sha1"])
def test_entra_response_is_accepted(
    signer: Signer, policy: AcsPolicy, now: datetime, option: str, algorithm: str
) -> None:
    spec = make_spec(now)
    signed_in = accept(signed_post(spec, signer, option, algorithm), policy, now)
    assert signed_in.name_id == UPN
    assert signed_in.name_id_format == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    assert signed_in.attributes == dict(CLAIMS)
    assert signed_in.assertion_id == spec.assertion_id
    assert signed_in.session_index == spec.assertion_id
    assert signed_in.in_response_to == REQUEST_ID
    assert (
        signed_in.signed
        == {
            "assertion": ["assertion"],
            "response": ["response"],
            "both": ["response", "assertion"],
        }[option]
    )
    assert signed_in.algorithm == algorithm


@pytest.mark.parametrize("option", OPTIONS)
def test_stripped_signature_is_refused(
    signer: Signer, policy: AcsPolicy, now: datetime, option: str
) -> None:
    root = decode(signed_post(make_spec(now), signer, option))
    strip_signatures(root)
    assert refusal(encode(root), policy, now) == "signature"


def test_signature_by_another_key_is_refused(
    signer: Signer, attacker: Signer, policy: AcsPolicy, now: datetime
) -> None:
    """Signed with the attacker's key, but the message names the genuine certificate."""
    root = sign(build_response(make_spec(now)), attacker)
    for node in root.iter(f"{{{DS}}}X509Certificate"):
        node.text = signer.certificate.base64
    assert refusal(encode(root), policy, now) == "signature"


def test_certificate_replaced_in_the_message_is_refused(
    signer: Signer, attacker: Signer, policy: AcsPolicy, now: datetime
) -> None:
    """A genuine Response re-signed with the attacker's key and its certificate embedded: the
    forgery verifies with the certificate it carries, but the SP trusts only the configured one."""
    root = decode(signed_post(make_spec(now), signer))
    strip_signatures(root)
    sign(root, attacker)
    assert root.findtext(f".//{{{DS}}}X509Certificate") == attacker.certificate.base64
    forged = encode(root)
    assert refusal(forged, policy, now) == "signature"
    trusting_attacker = dataclasses.replace(
        policy, idp=IdpSettings(ISSUER, SSO_URL, certificates=[attacker.certificate.base64])
    )
    assert accept(forged, trusting_attacker, now).name_id == UPN  # the forgery itself is sound


def test_other_audience_is_refused(signer: Signer, policy: AcsPolicy, now: datetime) -> None:
    spec = make_spec(now, audience="https://other.example.com/saml2")
    assert refusal(signed_post(spec, signer), policy, now) == "audience"


def test_other_recipient_is_refused(signer: Signer, policy: AcsPolicy, now: datetime) -> None:
    root = build_response(make_spec(now))
    data = root.find(f".//{{{SAML}}}SubjectConfirmationData")
    assert data is not None
    data.set("Recipient", "https://other.example.com/saml2/acs")
    assert refusal(encode(sign(root, signer)), policy, now) == "recipient"


def test_other_destination_is_refused(signer: Signer, policy: AcsPolicy, now: datetime) -> None:
    root = build_response(make_spec(now))
    root.set("Destination", "https://other.example.com/saml2/acs")
    assert refusal(encode(sign(root, signer, "both")), policy, now) == "destination"


def test_expired_response_is_refused(signer: Signer, policy: AcsPolicy, now: datetime) -> None:
    spec = make_spec(now - timedelta(hours=2))
    assert refusal(signed_post(spec, signer), policy, now) == "expired"


def test_response_from_the_future_is_refused(
    signer: Signer, policy: AcsPolicy, now: datetime
) -> None:
    """Issued 11 minutes ahead: NotBefore is 6 minutes ahead, beyond the 5-minute skew."""
    spec = make_spec(now + timedelta(minutes=11))
    assert refusal(signed_post(spec, signer), policy, now) == "not_yet_valid"


def test_not_before_within_the_skew_is_accepted(
    signer: Signer, policy: AcsPolicy, now: datetime
) -> None:
    """Issued 10 minutes ahead: NotBefore is exactly `now` + skew, still valid."""
    spec = make_spec(now + timedelta(minutes=10))
    assert accept(signed_post(spec, signer), policy, now).name_id == UPN


def test_other_issuer_is_refused(signer: Signer, policy: AcsPolicy, now: datetime) -> None:
    spec = make_spec(now, issuer="https://sts.windows.net/00000000-0000-0000-0000-000000000000/")
    assert refusal(signed_post(spec, signer), policy, now) == "issuer"


def test_replay_is_refused(signer: Signer, policy: AcsPolicy, now: datetime) -> None:
    saml_response = signed_post(make_spec(now), signer)
    cache = ReplayCache()
    accept(saml_response, policy, now, replay_cache=cache)
    with pytest.raises(AcsRefusal) as refused:
        accept(saml_response, policy, now, replay_cache=cache)
    assert refused.value.check == "replay"


def test_error_status_is_refused(signer: Signer, policy: AcsPolicy, now: datetime) -> None:
    spec = make_spec(
        now,
        status_code="urn:oasis:names:tc:SAML:2.0:status:Requester",
        sub_status_code="urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
        status_message="AADSTS50105: The signed in user is not assigned to a role.",
        include_assertion=False,
    )
    assert refusal(signed_post(spec, signer, "response"), policy, now) == "status"


def test_unsolicited_response_is_refused_when_not_allowed(
    signer: Signer, policy: AcsPolicy, now: datetime
) -> None:
    saml_response = signed_post(make_spec(now, in_response_to=None), signer)
    assert accept(saml_response, policy, now).in_response_to is None  # allowed by default
    strict = dataclasses.replace(policy, allow_unsolicited=False)
    assert refusal(saml_response, strict, now) == "unsolicited"


def test_unknown_in_response_to_is_refused(
    signer: Signer, policy: AcsPolicy, now: datetime
) -> None:
    saml_response = signed_post(make_spec(now), signer)
    assert refusal(saml_response, policy, now, outstanding={"id-some-other-request"}) == (
        "in_response_to"
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_doctype_is_refused(
    signer: Signer, policy: AcsPolicy, now: datetime, encoding: str
) -> None:
    """Any DTD is refused, whatever encoding the XML declaration names (XML parsers must read
    UTF-16 too, so the check must not depend on the bytes being ASCII-compatible)."""
    document = etree.tostring(sign(build_response(make_spec(now)), signer)).decode()
    with_dtd = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<!DOCTYPE samlp:Response [<!ENTITY upn "B.Simon@contoso.com">]>'
        f"{document}"
    ).encode(encoding)
    assert refusal(base64.b64encode(with_dtd).decode(), policy, now) == "malformed"


@pytest.mark.parametrize("hiding_place", ["extensions", "signature-object"])
def test_signature_wrapping_is_refused(
    signer: Signer, policy: AcsPolicy, now: datetime, hiding_place: str
) -> None:
    """XSW: the genuinely signed assertion is moved out of the way (into samlp:Extensions, or
    into a ds:Object of the copied Signature) and an unsigned evil assertion takes its place."""
    root = decode(signed_post(make_spec(now), signer))
    original = the_assertion(root)
    evil = copy.deepcopy(original)
    evil.set("ID", "_evil")
    name_id = evil.find(f"{{{SAML}}}Subject/{{{SAML}}}NameID")
    assert name_id is not None
    name_id.text = "Mallory@contoso.com"
    root.remove(original)
    signature = evil.find(f"{{{DS}}}Signature")
    assert signature is not None
    if hiding_place == "extensions":
        evil.remove(signature)
        extensions = etree.Element(f"{{{SAMLP}}}Extensions")
        extensions.append(original)
        root.insert(1, extensions)  # after the Issuer, where the schema puts Extensions
    else:
        holder = etree.SubElement(signature, f"{{{DS}}}Object")
        holder.append(original)
    root.append(evil)
    with pytest.raises(AcsRefusal) as refused:
        accept(encode(root), policy, now)
    assert refused.value.check in ("assertion", "signature")


def test_comment_in_name_id_yields_the_whole_value(
    signer: Signer, policy: AcsPolicy, now: datetime
) -> None:
    """CVE-2017-11427: exc-c14n drops the comment, so the signature covers the joined text; the
    SP must read all of it, never only the text before the comment."""
    root = build_response(make_spec(now))
    name_id = root.find(f".//{{{SAML}}}NameID")
    assert name_id is not None
    comment = etree.Comment("")
    comment.tail = ".evil.com"
    name_id.append(comment)
    saml_response = encode(sign(root, signer))
    assert b"B.Simon@contoso.com<!---->.evil.com" in etree.tostring(decode(saml_response))
    assert accept(saml_response, policy, now).name_id == "B.Simon@contoso.com.evil.com"


def test_sha1_is_accepted_unless_the_sp_allows_only_sha256(
    signer: Signer, policy: AcsPolicy, now: datetime
) -> None:
    saml_response = signed_post(make_spec(now), signer, "assertion", "sha1")
    assert accept(saml_response, policy, now).algorithm == "sha1"
    sha256_only = dataclasses.replace(policy, allowed_algorithms=frozenset({"sha256"}))
    assert refusal(saml_response, sha256_only, now) == "signature"
