"""One tutorial imported: its kind (SSO, provisioning or excluded with the reason), app name and parts."""

from __future__ import annotations

import re
from pathlib import Path

from gallery.importer import keywords as kw
from gallery.importer.document import Document, plain, read
from gallery.importer.model import Sourced, SourceWarning, TutorialImport
from gallery.importer.provisioning import extract_provisioning
from gallery.importer.sso import extract_sso

# Title shapes across the years ("Tutorial: Azure Active Directory integration with X", "Microsoft Entra
# SSO integration with X", "Configure X for automatic user provisioning"), per language.
TITLE_PATTERNS = (
    r"integration with (?P<app>.+?)\s*$",
    r"^(?:tutorial:\s*)?integrate (?P<app>.+?) with (?:microsoft entra|azure)",
    r"^(?:tutorial:\s*)?configure (?P<app>.+?) for automatic user provisioning",
    r"^(?:tutorial:\s*)?configure (?P<app>.+?) for (?:automatic )?(?:user )?provisioning",
    r"^(?:tutorial:\s*)?configure (?P<app>.+?) for single sign-on",
    # "Configure an OpenID Connect OAuth application from Microsoft Entra app gallery".
    r"^(?:tutorial:\s*)?configure (?:an? )?(?P<app>.+?) application from ",
    r"provisioning (?:into|to|for) (?P<app>.+?) with (?:microsoft entra|azure)",
    r"^(?:tutorial:\s*)?configure (?P<app>.+?) to (?:microsoft entra|azure ad|active directory)",
    r"^(?:självstudie:\s*)?konfigurera (?P<app>.+?) för automatisk",
    r"^(?:självstudie:\s*)?integrera (?P<app>.+?) med",
    # Translations name the app after the last "with": "integrering med enkel inloggning (SSO) med 4me".
    r"integrering.*\bmed (?P<app>.+?)\s*$",
    r"^(?:tutoriel|didacticiel)?\s*:?\s*configurer (?P<app>.+?) pour (?:l[’']approvisionnement|le provisionnement)",
    r"intégration.*\b(?:avec|à) (?P<app>.+?)\s*$",
    r"^(?:tutorial:\s*)?konfigurieren von (?P<app>.+?) für",
    r"integration.*\bmit (?P<app>.+?)\s*$",
    r"^(?:tutorial:\s*)?configuración de (?P<app>.+?) para",
    r"integración.*\bcon (?P<app>.+?)\s*$",
    # Japanese, Chinese, Korean: "Azure Active Directory と 4me の統合", "… 与 X 集成", "…와 X 통합".
    r"(?:azure active directory|azure ad|microsoft entra(?: id)?)\s*(?:と|与|與|와|과)\s*"
    r"(?P<app>.+?)\s*(?:の統合|集成|整合|통합)",
)
# Tutorials the issue excludes, told apart by what they configure (issue 18, Deliver 1).
OTHER_EXCLUSIONS = (
    (r"\beasy button\b", "other: F5 BIG-IP easy button"),
    (r"\bbig-?ip\b|\bF5\b", "other: F5 BIG-IP"),
    (r"application proxy|app proxy", "other: application proxy"),
    (r"header-based", "other: header-based authentication"),
)
# HR-driven inbound provisioning (Workday, SuccessFactors "to Microsoft Entra user provisioning",
# "to Active Directory") and writeback are not SCIM targets.
NOT_SCIM_TITLE = re.compile(
    r"writeback|inbound|to active directory|to on-premises|to (?:microsoft entra|azure ad|azure active directory)"
    r"(?: id)? user provisioning",
    re.IGNORECASE,
)


BOLD_TERM = re.compile(r"\*\*(.+?)\*\*")
# The Admin Credentials form of non-SCIM connectors names an admin account's user name and password.
ADMIN_CREDENTIAL = re.compile(r"\*\*admin (?:user ?name|password)\*\*", re.IGNORECASE)
DOUBLED_WORD = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)


def _app_name(document: Document, warnings: list[SourceWarning]) -> Sourced:
    heading = next((h for h in document.headings if h.level == 1), None)
    candidates = []
    if heading is not None:
        candidates.append((heading.text, heading.number))
    if "title" in document.front_matter:
        candidates.append((document.front_matter["title"].split("|")[0].strip(), 2))
    for text, number in candidates:
        if DOUBLED_WORD.search(text):
            # "Configure Configure Foodee for for automatic user provisioning": read once, reported.
            warnings.append(SourceWarning(number, f"title repeats a word: {plain(text)!r}"))
            text = DOUBLED_WORD.sub(r"\1", text)
        for pattern in TITLE_PATTERNS:
            match = re.search(pattern, plain(text), re.IGNORECASE)
            if match:
                return Sourced(match.group("app").strip().rstrip("."), number)
    # Any language: the name typed in the gallery's search box (bold) that ends the title.
    entra = kw.words(kw.ENTRA, "en")
    bold = {term.strip() for line in document.lines for term in BOLD_TERM.findall(line.text)}
    for text, number in candidates:
        title = plain(text).rstrip(" .")
        endings = [
            term
            for term in bold
            if len(term) > 1
            and title.endswith(term)
            and term != title
            and not any(word in term.lower() for word in entra)
        ]
        if endings:
            return Sourced(max(endings, key=len), number)
    # Last resort: the bold term repeated most.
    counts: dict[str, int] = {}
    for line in document.lines:
        for term in BOLD_TERM.findall(line.text):
            counts[term] = counts.get(term, 0) + 1
    best = max(counts, key=lambda term: counts[term], default="")
    return Sourced(best, heading.number if heading else 0)


def _is_provisioning(document: Document) -> bool:
    if "provisioning" in document.path.name.lower():
        return True
    text = " ".join(line.text for line in document.lines).lower()
    has_saml = kw.mentions(text, kw.BASIC_SAML, document.language)
    # The admin center's provisioning screenshots (`common/provisioning.png`, …) keep their English
    # names in every translation: tutorial 003 (French, 2019) is recognised by them.
    # A token alone is no provisioning tutorial: OIDC pages speak of "access and refresh tokens". The
    # Admin Credentials form pairs the token with a Tenant URL (or names the provisioning mode).
    return not has_saml and (
        "provisioning mode" in text
        or '[!div class="checklist"]' in text
        or "common/provisioning" in text
        or (
            kw.mentions(text, kw.SECRET_TOKEN, document.language)
            and kw.mentions(text, kw.TENANT_URL, document.language)
        )
    )


def _exclusion(document: Document, provisioning: bool) -> Sourced | None:
    title = document.title + " " + document.front_matter.get("title", "")
    heading_line = next((h.number for h in document.headings if h.level == 1), 1)
    for pattern, reason in OTHER_EXCLUSIONS:
        if re.search(pattern, title, re.IGNORECASE):
            return Sourced(reason, heading_line)
    text = "\n".join(line.text for line in document.lines)
    if provisioning:
        if NOT_SCIM_TITLE.search(title):
            return Sourced("not-scim", heading_line)
        return None
    if re.search(r"\bOIDC\b|OpenID Connect", title, re.IGNORECASE):
        return Sourced("oidc", heading_line)
    if not kw.mentions(text, kw.BASIC_SAML, document.language):
        for line in document.lines:
            if re.search(
                r"password[- ]based|password sso|password single sign-on", line.text, re.IGNORECASE
            ):
                return Sourced("password", line.number)
            if re.search(r"openid connect|redirect uri|client secret", line.text, re.IGNORECASE):
                return Sourced("oidc", line.number)
        return Sourced("other: no SAML configuration", heading_line)
    return None


def _not_scim(document: Document, result: TutorialImport) -> Sourced | None:
    """A connector that is not SCIM (ServiceNow's table API, basic credentials, no SCIM anywhere)."""
    text = "\n".join(line.text for line in document.lines)
    prov = result.provisioning
    if prov is None or re.search(r"\bSCIM\b", text):
        return None
    if prov.auth is not None and prov.auth.value == "basic":
        return Sourced("not-scim", prov.auth.line)
    # Salesforce: an Admin Username and Admin Password (the "security token" goes into the Secret Token
    # box) for the vendor's own user API, and no SCIM named anywhere.
    admin = next((line for line in document.lines if ADMIN_CREDENTIAL.search(line.text)), None)
    if admin is not None:
        return Sourced("not-scim", admin.number)
    return None


def import_document(document: Document, name: str | None = None) -> TutorialImport:
    warnings: list[SourceWarning] = []
    provisioning = _is_provisioning(document)
    app = _app_name(document, warnings)
    result = TutorialImport(
        file=name or str(document.path),
        kind="provisioning" if provisioning else "sso",
        app=app,
        warnings=warnings,
    )
    excluded = _exclusion(document, provisioning)
    if excluded is None:
        if provisioning:
            result.provisioning = extract_provisioning(document, warnings)
            excluded = _not_scim(document, result)
        else:
            result.sso = extract_sso(document, warnings, app.value)
    if excluded is not None:
        result.kind = "excluded"
        result.exclude_reason = excluded
        result.sso = None
        result.provisioning = None
    return result


def import_tutorial(path: Path | str, name: str | None = None) -> TutorialImport:
    """Import one published tutorial (Markdown as in MicrosoftDocs/entra-docs, or a translated copy)."""
    path = Path(path)
    return import_document(read(path), name or path.name)
