"""Graph claimsMappingPolicy definitions turned into claim rules (docs "Customize claims using
Microsoft Graph" / "Claims mapping policy type"); no Flask."""

from __future__ import annotations

import json
from typing import Any

from .claims import ClaimError, ClaimRule, ClaimsPolicy, Transformation, default_claim_rules

# Transformation inputs by method: TransformationClaimType names the docs give each input.
_JOIN_INPUTS = ("string1", "string2")


def _source(entry: dict[str, Any]) -> str:
    return f"user.{str(entry.get('ID', '')).lower()}"


def _split(claim_type: str) -> tuple[str, str | None]:
    if "/" in claim_type and claim_type.startswith("http"):
        namespace, name = claim_type.rsplit("/", 1)
        return name, namespace
    return claim_type, None


def policy_from_definition(definition: str) -> ClaimsPolicy:
    """Parse one `definition` string; refuse what the portal would (restricted claims)."""
    try:
        document = json.loads(definition)["ClaimsMappingPolicy"]
    except (ValueError, KeyError, TypeError) as error:
        raise ClaimError(f"Invalid claims mapping policy definition: {error}") from None
    include_basic = str(document.get("IncludeBasicClaimSet", "false")).lower() == "true"
    transformations = {t["ID"]: t for t in document.get("ClaimsTransformations", [])}
    by_id = {entry.get("ID"): entry for entry in document.get("ClaimsSchema", [])}
    policy = ClaimsPolicy(rules=default_claim_rules() if include_basic else [])
    for entry in document.get("ClaimsSchema", []):
        claim_type = entry.get("SamlClaimType")
        if not claim_type:
            continue  # JWT-only entries
        name, namespace = _split(claim_type)
        if "Value" in entry:
            rule = ClaimRule(name, str(entry["Value"]), namespace, constant=True)
        elif entry.get("Source") == "transformation":
            rule = _transformed(name, namespace, transformations[entry["TransformationId"]], by_id)
        else:
            rule = ClaimRule(name, _source(entry), namespace)
        existing = [r for r in policy.rules if r.claim_type == rule.claim_type]
        if existing:
            policy.replace(rule.claim_type, rule)
        else:
            policy.add(rule)
    return policy


def _transformed(
    name: str,
    namespace: str | None,
    transformation: dict[str, Any],
    schema: dict[str, dict[str, Any]],
) -> ClaimRule:
    method = transformation["TransformationMethod"]
    inputs = {
        i["TransformationClaimType"]: schema[i["ClaimTypeReferenceId"]]
        for i in transformation.get("InputClaims", [])
    }
    parameters = {p["ID"]: str(p["Value"]) for p in transformation.get("InputParameters", [])}
    if method == "Join":
        first, second = (inputs.get(k) for k in _JOIN_INPUTS)
        if first is None:
            raise ClaimError("Join needs the input claim string1.")
        step = Transformation("Join", {"separator": parameters.get("separator", "")})
        if second is not None:
            step.parameters["with"] = str(second.get("Value", _source(second)))
        return ClaimRule(name, _source(first), namespace, transformations=[step])
    if method in ("ExtractMailPrefix", "ToLowercase", "ToUppercase"):
        (source,) = inputs.values()
        return ClaimRule(name, _source(source), namespace, transformations=[Transformation(method)])
    raise ClaimError(f"Unsupported TransformationMethod '{method}'.")
