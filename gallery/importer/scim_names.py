"""Machine-translated SCIM attribute names read back as SCIM paths (`aktiv` → `active`).

Microsoft's 2019 machine translations translated the attribute tables too (tutorial 001: "rubrik",
`e-postmeddelanden [typ EQ "Work"]. värde`, `urn: IETF: … tillägg: Enterprise: 2.0: användare:
avdelning`). The summary keeps the name as written (issue 18, Deliver 5); this reading is an extra,
reported as a warning, and joins the row to Entra's default mapping. Words are per-language data.
"""

from __future__ import annotations

import re

# Word by word, per language: the SCIM (RFC 7643) name a translation replaced.
TRANSLATED_WORDS: dict[str, dict[str, str]] = {
    "sv": {
        "aktiv": "active",
        "rubrik": "title",
        "titel": "title",
        "e-postmeddelanden": "emails",
        "e-post": "emails",
        "typ": "type",
        "värde": "value",
        "adresser": "addresses",
        "land": "country",
        "plats": "locality",
        "ort": "locality",
        "postnr": "postalCode",
        "postnummer": "postalCode",
        "tillägg": "extension",
        "användare": "User",
        "avdelning": "department",
        "chef": "manager",
        "telefonnummer": "phoneNumbers",
    },
    "fr": {
        "actif": "active",
        "titre": "title",
        "courriels": "emails",
        "adresses": "addresses",
        "valeur": "value",
        "pays": "country",
        "localité": "locality",
        "code postal": "postalCode",
        "utilisateur": "User",
        "service": "department",
        "responsable": "manager",
    },
    "de": {
        "aktiv": "active",
        "titel": "title",
        "wert": "value",
        "adressen": "addresses",
        "benutzer": "User",
    },
    "es": {
        "activo": "active",
        "título": "title",
        "valor": "value",
        "direcciones": "addresses",
        "usuario": "User",
    },
}
# SCIM's own casing for names a translation re-cased ("Name. givenName", "IETF", "Manager").
SCIM_CASE = {
    "name": "name",
    "ietf": "ietf",
    "enterprise": "enterprise",
    "manager": "manager",
    "work": "work",
    "mobile": "mobile",
    "eq": "eq",
    "type": "type",
    "user": "User",
}


def scim_name(written: str, language: str) -> str:
    """The SCIM path a (possibly translated) table name stands for; unchanged when already one."""
    text = written.strip()
    # Spaces the translation put around separators: `urn: IETF: params`, `[typ EQ "Work"]. värde`.
    text = re.sub(r"\s*:\s*", ":", text)
    text = re.sub(r"\s*\.\s*", ".", text)
    text = re.sub(r"\s*\[\s*", "[", text)
    words = TRANSLATED_WORDS.get(language, {})

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        lowered = token.lower()
        if lowered in words:
            return words[lowered]
        return SCIM_CASE.get(lowered, token) if lowered in SCIM_CASE else token

    text = re.sub(r"[^\s\[\].:\"=]+", word, text)
    # Inside a filter the value is lowercase in Entra's mappings: `[type eq "work"]`.
    text = re.sub(r'\[type eq "([^"]+)"\]', lambda m: f'[type eq "{m.group(1).lower()}"]', text)
    if text.lower().startswith("urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:"):
        text = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:" + text.split(":")[-1]
    return text
