"""Build the SAML Response exactly as Entra writes it (ENTRA-BEHAVIOUR §4), then sign it."""

from __future__ import annotations

import base64
import copy
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from lxml import etree

from mock_kernel.clock import saml_instant

from .claims import Claim
from .enterprise_apps import SigningOption
from .entra_xml import tostring
from .ids import saml_id
from .token_encryption import encrypt_assertion
from .xml_signing import SigningAlgorithm, SigningKey, sign_enveloped

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"

# Capture: Conditions start five minutes before issue and everything ends an hour after.
NOT_BEFORE_SKEW = timedelta(minutes=5)
LIFETIME = timedelta(minutes=60)
# Captures (issue 19): those three instants count from a base time 93-240 ms before the
# Assertion's IssueInstant (Entra takes it earlier in the request), not from IssueInstant.
BASE_LEAD_MS = range(93, 241)


def validity_base(issue_instant: datetime, assertion_id: str) -> datetime:
    """The instant NotBefore and NotOnOrAfter count from: a lead in BASE_LEAD_MS before
    `issue_instant`, drawn from the Assertion ID so one Response always has the same."""
    draw = int.from_bytes(hashlib.sha256(assertion_id.encode()).digest()[:4], "big")
    lead = BASE_LEAD_MS[draw % len(BASE_LEAD_MS)]
    return issue_instant - timedelta(milliseconds=lead)


@dataclass
class ResponseSpec:
    """Everything that varies between two Responses; the rest is Entra's fixed shape."""

    issuer: str
    destination: str
    audience: str
    name_id: str
    name_id_format: str
    claims: list[Claim]
    issue_instant: datetime
    authn_instant: datetime
    in_response_to: str | None = None
    status_code: str = STATUS_SUCCESS
    sub_status_code: str | None = None
    status_message: str | None = None
    response_id: str = field(default_factory=saml_id)
    assertion_id: str = field(default_factory=saml_id)
    lifetime: timedelta = LIFETIME
    include_assertion: bool = True
    # Test overrides only (Entra always writes Recipient = Destination, NotBefore = T-5 min).
    recipient: str | None = None
    not_before: datetime | None = None


def _element(parent: etree._Element, tag: str, text: str | None = None, **attrs: str):
    child = etree.SubElement(parent, tag, attrs)
    if text is not None:
        child.text = text
    return child


# What differs between two sign-ins of one user to one app: IDs and instants. Everything else
# of a Response is built once per shape and copied (a copy costs ~5 µs, building ~100 µs).
_PER_RESPONSE = frozenset(
    {"response_id", "assertion_id", "issue_instant", "authn_instant", "not_before"}
)
_SHAPES: OrderedDict[tuple[Any, ...], etree._Element] = OrderedDict()
_SHAPES_KEPT = 256
_shapes_lock = threading.Lock()


def _shape_key(spec: ResponseSpec) -> tuple[Any, ...]:
    key: list[Any] = []
    for f in fields(spec):
        if f.name not in _PER_RESPONSE:
            value = getattr(spec, f.name)
            if f.name == "claims":
                value = tuple((name, tuple(values)) for name, values in value)
            key.append(value)
    return tuple(key)


def build_response(spec: ResponseSpec) -> etree._Element:
    """The unsigned Response for `spec`: a copy of its shape with this Response's IDs and
    instants set."""
    key = _shape_key(spec)
    with _shapes_lock:
        shape = _SHAPES.get(key)
        if shape is not None:
            _SHAPES.move_to_end(key)
    if shape is None:
        shape = _build_response(spec)
        with _shapes_lock:
            _SHAPES[key] = shape
            if len(_SHAPES) > _SHAPES_KEPT:
                _SHAPES.popitem(last=False)
    response = copy.deepcopy(shape)
    _stamp(response, spec)
    return response


def _stamp(response: etree._Element, spec: ResponseSpec) -> None:
    """Set the IDs and instants of one Response on a copy of its shape."""
    issued = saml_instant(spec.issue_instant)
    response.set("ID", spec.response_id)
    response.set("IssueInstant", issued)
    assertion = response.find(f"{{{SAML}}}Assertion")
    if assertion is None:
        return
    base = validity_base(spec.issue_instant, spec.assertion_id)
    ends = saml_instant(base + spec.lifetime)
    assertion.set("ID", spec.assertion_id)
    assertion.set("IssueInstant", issued)
    confirmation = assertion.find(
        f"{{{SAML}}}Subject/{{{SAML}}}SubjectConfirmation/{{{SAML}}}SubjectConfirmationData"
    )
    confirmation.set("NotOnOrAfter", ends)
    conditions = assertion.find(f"{{{SAML}}}Conditions")
    not_before = spec.not_before or base - NOT_BEFORE_SKEW
    conditions.set("NotBefore", saml_instant(not_before))
    conditions.set("NotOnOrAfter", ends)
    authn = assertion.find(f"{{{SAML}}}AuthnStatement")
    authn.set("AuthnInstant", saml_instant(spec.authn_instant))
    authn.set("SessionIndex", spec.assertion_id)


def _build_response(spec: ResponseSpec) -> etree._Element:
    """The unsigned Response: samlp-prefixed protocol elements, default-namespace assertion."""
    response = etree.Element(f"{{{SAMLP}}}Response", nsmap={"samlp": SAMLP})
    response.set("ID", spec.response_id)
    response.set("Version", "2.0")
    response.set("IssueInstant", saml_instant(spec.issue_instant))
    response.set("Destination", spec.destination)
    if spec.in_response_to:
        response.set("InResponseTo", spec.in_response_to)
    issuer = etree.SubElement(response, f"{{{SAML}}}Issuer", nsmap={None: SAML})
    issuer.text = spec.issuer
    status = _element(response, f"{{{SAMLP}}}Status")
    code = _element(status, f"{{{SAMLP}}}StatusCode", Value=spec.status_code)
    if spec.sub_status_code:
        _element(code, f"{{{SAMLP}}}StatusCode", Value=spec.sub_status_code)
    if spec.status_message:
        _element(status, f"{{{SAMLP}}}StatusMessage", spec.status_message)
    if spec.include_assertion:
        response.append(build_assertion(spec))
    return response


def build_assertion(spec: ResponseSpec) -> etree._Element:
    base = validity_base(spec.issue_instant, spec.assertion_id)
    not_on_or_after = saml_instant(base + spec.lifetime)
    assertion = etree.Element(f"{{{SAML}}}Assertion", nsmap={None: SAML})
    assertion.set("ID", spec.assertion_id)
    assertion.set("IssueInstant", saml_instant(spec.issue_instant))
    assertion.set("Version", "2.0")
    _element(assertion, f"{{{SAML}}}Issuer", spec.issuer)
    subject = _element(assertion, f"{{{SAML}}}Subject")
    _element(subject, f"{{{SAML}}}NameID", spec.name_id, Format=spec.name_id_format)
    confirmation = _element(subject, f"{{{SAML}}}SubjectConfirmation", Method=BEARER)
    data = _element(confirmation, f"{{{SAML}}}SubjectConfirmationData")
    if spec.in_response_to:
        data.set("InResponseTo", spec.in_response_to)
    data.set("NotOnOrAfter", not_on_or_after)
    data.set("Recipient", spec.recipient or spec.destination)
    not_before = spec.not_before or base - NOT_BEFORE_SKEW
    conditions = _element(
        assertion,
        f"{{{SAML}}}Conditions",
        NotBefore=saml_instant(not_before),
        NotOnOrAfter=not_on_or_after,
    )
    restriction = _element(conditions, f"{{{SAML}}}AudienceRestriction")
    _element(restriction, f"{{{SAML}}}Audience", spec.audience)
    if spec.claims:
        statement = _element(assertion, f"{{{SAML}}}AttributeStatement")
        for name, values in spec.claims:
            attribute = _element(statement, f"{{{SAML}}}Attribute", Name=name)
            for value in values:
                _element(attribute, f"{{{SAML}}}AttributeValue", value)
    authn = _element(
        assertion,
        f"{{{SAML}}}AuthnStatement",
        AuthnInstant=saml_instant(spec.authn_instant),
        SessionIndex=spec.assertion_id,
    )
    context = _element(authn, f"{{{SAML}}}AuthnContext")
    _element(context, f"{{{SAML}}}AuthnContextClassRef", PASSWORD_CONTEXT)
    return assertion


def sign_response(
    response: etree._Element,
    key: SigningKey | None,
    option: SigningOption,
    algorithm: SigningAlgorithm,
    encrypt_for: str | None = None,
) -> None:
    """Apply the app's signing option; the Signature follows the Issuer (capture). No key:
    unsigned. With token encryption the signed assertion is encrypted for `encrypt_for` (a PEM
    certificate) before the Response is signed (SAML Core §6.2)."""
    assertion = response.find(f"{{{SAML}}}Assertion")
    if key is not None and option in ("assertion", "both") and assertion is not None:
        sign_enveloped(assertion, key, algorithm, insert_after=assertion[0])
    if encrypt_for:
        encrypt_assertion(response, encrypt_for)
    if key is not None and option in ("response", "both"):
        sign_enveloped(response, key, algorithm, insert_after=response[0])


def encode_for_post(response: etree._Element) -> str:
    """HTTP-POST binding: base64 of the serialized XML (SAML Bindings §3.5.4)."""
    return base64.b64encode(tostring(response)).decode()
