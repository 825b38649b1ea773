"""The SAML SSO part of a tutorial: modes, Basic SAML values, claims, certificate, JIT, app-side fields."""

from __future__ import annotations

import re

from gallery.importer import keywords as kw
from gallery.importer.document import Document, Line, bold_terms, code_spans, plain, split_row
from gallery.importer.model import Sourced, SourceWarning, SsoImport
from gallery.importer.patterns import PLACEHOLDER, bare_urls, looks_like_value

# The admin center's own image names and labels for the certificate choices (SAML Signing Certificate
# section). Image names are English in every translation, so they are tried first.
CERTIFICATE_MARKERS = (
    ("certificatebase64", "base64"),
    ("certificate (base64)", "base64"),
    # Translations keep the form in parentheses: "Certifikat (Base64)", "Zertifikat (Base64)".
    ("(base64)", "base64"),
    ("base-64 encoded certificate", "base64"),
    ("base64 certificate", "base64"),
    ("certificateraw", "raw"),
    ("certificate (raw)", "raw"),
    ("(raw)", "raw"),
    ("metadataxml", "federation_metadata_xml"),
    ("federation metadata xml", "federation_metadata_xml"),
    ("copy-metadataurl", "metadata_url"),
    ("app federation metadata url", "metadata_url"),
)
# What the admin copies from Entra's "Set up <app>" section or certificate into the app's console.
ENTRA_VALUES = (
    ("app federation metadata url", "metadata_url"),
    ("federation metadata url", "metadata_url"),
    ("metadata url", "metadata_url"),
    ("login url", "login_url"),
    ("single sign-on service url", "login_url"),
    ("microsoft entra identifier", "entra_identifier"),
    ("azure ad identifier", "entra_identifier"),
    ("azure active directory identifier", "entra_identifier"),
    ("entra identifier", "entra_identifier"),
    ("logout url", "logout_url"),
    ("sign-out url", "logout_url"),
    # Zoom: "Copy the **SAML-P SIGN-OUT ENDPOINT** (App registrations > Endpoints)": Entra's logout URL.
    ("saml-p sign-out endpoint", "logout_url"),
    ("federation metadata xml", "certificate"),
    ("metadata xml", "certificate"),
    ("certificate (base64)", "certificate"),
    ("certificate (raw)", "certificate"),
    ("base-64 encoded certificate", "certificate"),
    ("base64 encoded certificate", "certificate"),
    ("downloaded certificate", "certificate"),
    ("thumbprint", "certificate"),
    ("application id", "application_id"),
    ("application (client) id", "application_id"),
)
MODE_TOKEN = re.compile(r"\b(SP|IDP|IdP)\b")
FIRST_NAME = ("givenname", "firstname", "first_name", "first name", "fname")
LAST_NAME = ("surname", "lastname", "last_name", "last name", "familyname", "lname")


def _is_note(line: Line) -> bool:
    return line.text.lstrip().startswith(">")


def field_of_label(label: str, language: str) -> str | None:
    lowered = label.lower()
    for name, table in kw.FIELD_LABELS.items():
        if any(word in lowered for word in kw.words(table, language)):
            # "Logout URL" is also what the app side pastes; inside Basic SAML it is the field.
            return name
    return None


def _entra_labels(language: str) -> tuple[tuple[str, str], ...]:
    return ENTRA_VALUES + kw.ENTRA_VALUE_LABELS.get(language, ())


def entra_value_of(label: str, language: str = "en") -> str | None:
    lowered = label.lower()
    for words, value in _entra_labels(language):
        if words in lowered:
            return value
    return None


def exact_entra_value(label: str, language: str) -> str | None:
    """The Entra value a bold term *is* ("Login URL"), not one a field name contains ("IDP Login URL")."""
    lowered = re.sub(r"[\s\-]*(value|värde|valeur|wert|valor)$", "", label.lower().strip(" .:"))
    for words, value in _entra_labels(language):
        if lowered == words or lowered in ("microsoft entra " + words, "azure ad " + words):
            return value
    return None


def _basic_saml_start(document: Document) -> int | None:
    language = document.language
    for line in document.lines:
        if kw.mentions(line.text, kw.BASIC_SAML, language) and not _is_note(line):
            return line.number
    return None


def _values_start(document: Document) -> int | None:
    """The Basic SAML step that types values. Newer tutorials first open Basic SAML Configuration to paste
    values copied from the app (Acronis, 2025), then give the patterns in a later step: the first
    mention whose region holds a value is the one, else the first mention."""
    language = document.language
    first = _basic_saml_start(document)
    for line in document.lines:
        if _is_note(line) or not kw.mentions(line.text, kw.BASIC_SAML, language):
            continue
        end = _region_end(document, line.number)
        for inner in document.lines_between(line.number, end):
            if _is_note(inner):
                continue
            spans = code_spans(inner.text)
            if any(looks_like_value(span) for span in spans) or (
                bare_urls(inner.text.replace("**", " "))
                and any(field_of_label(t, language) for t in bold_terms(inner.text))
            ):
                return line.number
    return first


def _claim_columns(header: list[str], language: str) -> tuple[int, int, int | None] | None:
    """Name, source and namespace columns of a claims table: Name | Source Attribute [| Namespace], or
    Name | Namespace | Source Attribute (Zivver)."""
    if len(header) < 2 or header[0] not in kw.words(kw.CLAIM_NAME, language):
        return None
    namespaces = kw.words(kw.CLAIM_NAMESPACE, language)
    namespace = next((i for i, cell in enumerate(header) if cell in namespaces), None)
    sources = kw.words(kw.CLAIM_SOURCE, language)
    source = next(
        (
            i
            for i, cell in enumerate(header[1:], start=1)
            if i != namespace and any(cell == word or cell.startswith(word) for word in sources)
        ),
        None,
    )
    if source is None or (source != 1 and namespace != 1):
        return None
    return 0, source, namespace


# Markdown backslash escapes ("https:\//zivver.com"): the page shows the character.
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!/|:])")


def _is_claims_header(text: str, language: str) -> bool:
    """A Name | Source Attribute header: it ends the Basic SAML values (AWS lists claims early)."""
    if not text.strip().removeprefix(">").strip().startswith("|"):
        return False
    cells = [plain(cell).lower() for cell in split_row(text)]
    return _claim_columns(cells, language) is not None


def _region_end(document: Document, start: int) -> int | None:
    """Where the Basic SAML values stop: the certificate, claims or "Set up <app>" step, or a heading."""
    for line in document.lines:
        if line.number <= start:
            continue
        lowered = line.text.lower()
        if line.text.lstrip().startswith("#"):
            return line.number
        if (
            _is_claims_header(line.text, document.language)
            or kw.mentions(line.text, kw.SIGNING_CERTIFICATE, document.language)
            or "default-attributes" in lowered
            or "edit-attribute" in lowered
            or "specific format" in lowered
            or any(marker in lowered for marker, _ in CERTIFICATE_MARKERS[:1])
        ):
            return line.number
    return None


def _modes(document: Document, sso: SsoImport, warnings: list[SourceWarning]) -> None:
    language = document.language
    initiated = kw.words(kw.INITIATED, language)
    start = _basic_saml_start(document)
    found: dict[str, int] = {}
    for line in document.lines:
        if start is not None and line.number >= start:
            break
        if _is_note(line):
            continue
        lowered = line.text.lower()
        # The statement's last "initiated": "supports both **SP-initiated** and **IDP-initiated** SSO".
        hit = max((lowered.rfind(word) for word in initiated), default=-1)
        if hit < 0:
            continue
        tokens = {token.upper() for token in MODE_TOKEN.findall(line.text[:hit])}
        if not tokens or "mode" in lowered[hit:] or "läge" in lowered or "mode" in lowered[:hit]:
            continue
        # One statement ("supports **SP and IDP** initiated SSO") or one bullet per mode.
        for mode in ("sp", "idp"):
            if mode.upper() in tokens:
                found.setdefault(mode, line.number)
    if found:
        sso.modes = [Sourced(mode, found[mode]) for mode in ("sp", "idp") if mode in found]
        return
    # No support statement: the modes follow from the values given (a Sign-on URL means SP-initiated).
    number = sso.urls.get("sign_on_url", [Sourced("", 0)])[0].line
    inferred = ["sp"] if sso.urls.get("sign_on_url") else ["idp"]
    if sso.urls.get("sign_on_url") and sso.urls.get("reply_url"):
        inferred = ["sp", "idp"]
    sso.modes = [Sourced(mode, number) for mode in inferred]
    warnings.append(
        SourceWarning(
            number, f"no 'supports SP/IDP initiated SSO' statement; modes {inferred} inferred"
        )
    )


def _cell_values(cell: str) -> list[str]:
    spans = code_spans(cell)
    return [span for span in spans if looks_like_value(span)] if spans else bare_urls(cell)


def _add_value(
    sso: SsoImport,
    name: str,
    value: str,
    number: int,
    mode: str | None,
    warnings: list[SourceWarning],
) -> None:
    existing = [v.value for v in sso.urls.setdefault(name, [])]
    if value not in existing:
        sso.urls[name].append(Sourced(value, number, mode))
    if " " in PLACEHOLDER.sub("", value):
        warnings.append(
            SourceWarning(number, f"{name} value {value!r} contains a space (kept as written)")
        )


def _column_fields(document: Document, start: int, end: int | None) -> dict[int, dict[int, str]]:
    """Rows of Basic SAML tables whose header names two or more fields, with each column's field."""
    rows: dict[int, dict[int, str]] = {}
    for table in document.tables:
        if table.number < start or (end is not None and table.number >= end):
            continue
        columns = {
            index: name
            for index, cell in enumerate(table.header)
            if (name := field_of_label(plain(cell), document.language))
        }
        if len(set(columns.values())) >= 2:
            for number, _ in table.rows:
                rows[number] = columns
    return rows


def _urls(document: Document, sso: SsoImport, warnings: list[SourceWarning]) -> None:
    language = document.language
    start = _values_start(document)
    if start is None:
        return
    end = _region_end(document, start)
    column_fields = _column_fields(document, start, end)
    labelled: dict[str, int] = {}
    current: list[str] = []
    mode: str | None = None
    additional = kw.words(kw.ADDITIONAL_URLS, language)
    for line in document.lines_between(start, end):
        if _is_note(line):
            continue
        lowered = line.text.lower()
        tokens = {t.upper() for t in MODE_TOKEN.findall(line.text)}
        if any(word in lowered for word in additional) and (
            tokens == {"SP"} or (not tokens and mode != "idp")
        ):
            # "Set additional URLs … if you wish to configure the application in SP initiated mode";
            # Zoho One clicks it inside the IDP step only to reach Relay State, which stays IDP's.
            mode = "sp"
        elif kw.mentions(line.text, kw.INITIATED, language) or " mode" in lowered:
            tokens = {t.upper() for t in MODE_TOKEN.findall(line.text)}
            if tokens == {"IDP"}:
                mode = "idp"
            elif tokens == {"SP"}:
                mode = "sp"
        label_terms = [term for term in bold_terms(line.text) if field_of_label(term, language)]
        labels = [name for term in label_terms if (name := field_of_label(term, language))]
        tail = line.text
        if labels:
            current = list(dict.fromkeys(labels))
            for name in current:
                labelled.setdefault(name, line.number)
            # Values after the last label on the line belong to it ("type the URL: `…`"; AWS: "update
            # both **Identifier (Entity ID)** and **Reply URL** with … `https://…`. Select **Save**").
            last = f"**{label_terms[-1]}**"
            tail = line.text[line.text.rfind(last) + len(last) :]
        columns = column_fields.get(line.number)
        if columns:
            # A table whose header names the fields ("| Region | Identifier | Reply URL |"): each
            # column's values go to its own field, whatever the sentence before named.
            for index, cell in enumerate(split_row(line.text)):
                name = columns.get(index)
                if name is None:
                    continue
                labelled.setdefault(name, line.number)
                for value in _cell_values(cell):
                    _add_value(sso, name, value, line.number, mode, warnings)
            continue
        if not current:
            continue
        stripped = tail.strip()
        values: list[str] = []
        if stripped.startswith("|"):
            for cell in stripped.strip("|").split("|"):
                values += _cell_values(cell)
        else:
            values = [span for span in code_spans(tail) if looks_like_value(span)]
            # A URL written in bold instead of a code span ("type **https://…**").
            values += [term for term in bold_terms(tail) if "://" in term]
            values += bare_urls(tail.replace("**", " "))
        for value in values:
            for name in current:
                _add_value(sso, name, value, line.number, mode, warnings)
    for name, number in labelled.items():
        if not sso.urls.get(name):
            sso.values_not_in_text.append(Sourced(name, number))
    # "the necessary URLs are already pre-populated": the gallery entry sets Identifier and Reply URL.
    prefilled = next(
        (
            line
            for line in document.lines_between(start, end)
            if not _is_note(line) and kw.mentions(line.text, kw.PREFILLED, language)
        ),
        None,
    )
    if prefilled is not None:
        for name in ("identifier", "reply_url"):
            if not sso.urls.get(name) and name not in labelled:
                sso.values_not_in_text.append(Sourced(name, prefilled.number))


def _claims(document: Document, sso: SsoImport, warnings: list[SourceWarning]) -> None:
    language = document.language
    for table in document.tables:
        header = [plain(cell).lower() for cell in table.header]
        columns = _claim_columns(header, language)
        if columns is None:
            continue
        _, source_column, namespace_column = columns
        for number, cells in table.rows:
            name = plain(cells[0]) if cells else ""
            source = plain(cells[source_column]) if len(cells) > source_column else ""
            if not name:
                continue
            namespace = None
            if namespace_column is not None and len(cells) > namespace_column:
                namespace = plain(cells[namespace_column]) or None
            if namespace and MARKDOWN_ESCAPE.search(namespace):
                warnings.append(
                    SourceWarning(
                        number, f"namespace written with a Markdown escape: {namespace!r}"
                    )
                )
                namespace = MARKDOWN_ESCAPE.sub(r"\1", namespace)
            sso.claims.append(
                Sourced({"name": name, "source": source, "namespace": namespace}, number)
            )
            lowered_name, lowered_source = name.lower().replace(" ", ""), source.lower()
            if any(w.replace(" ", "") in lowered_name for w in FIRST_NAME) and any(
                w in lowered_source for w in LAST_NAME
            ):
                warnings.append(
                    SourceWarning(
                        number, f"claim {name!r} takes {source!r}: first and last name swapped?"
                    )
                )
            if any(w.replace(" ", "") in lowered_name for w in LAST_NAME) and any(
                w in lowered_source for w in FIRST_NAME
            ):
                warnings.append(
                    SourceWarning(
                        number, f"claim {name!r} takes {source!r}: first and last name swapped?"
                    )
                )


def _role_claim(document: Document, sso: SsoImport) -> None:
    for claim in sso.claims:
        if "assignedroles" in claim.value["source"].lower():
            sso.role_claim = claim
            return
    language = document.language
    for line in document.lines:
        if kw.mentions(line.text, kw.ROLE_CLAIM, language) or "howto-add-app-roles" in line.text:
            sso.role_claim = Sourced(True, line.number)
            return


def _certificate(document: Document, sso: SsoImport, start: int) -> None:
    for line in document.lines:
        if line.number < start:
            continue
        lowered = line.text.lower()
        for marker, value in CERTIFICATE_MARKERS:
            if marker in lowered:
                sso.certificate = Sourced(value, line.number)
                return


def _certificate_choice(document: Document, sso: SsoImport) -> None:
    """The certificate step offers two forms ("download the **Federation Metadata XML** and copy the **App
    Federation Metadata url** as per your requirement"): the one an app-side field takes is the choice."""
    if sso.certificate is None:
        return
    text = " ".join(
        line.text for line in document.lines_between(sso.certificate.line, sso.certificate.line + 1)
    )
    offered = {value for marker, value in CERTIFICATE_MARKERS if marker in text.lower()}
    taken = {field.value["entra_value"] for field in sso.app_side_fields}
    if len(offered) > 1 and "metadata_url" in offered and "metadata_url" in taken:
        sso.certificate = Sourced("metadata_url", sso.certificate.line)


def _certificate_mismatch(
    document: Document, sso: SsoImport, start: int, warnings: list[SourceWarning]
) -> None:
    """The app side asking for another certificate form than the one the tutorial downloads."""
    region = _app_side_region(document, start)
    if region is None or sso.certificate is None:
        return
    for line in document.lines_between(*region):
        lowered = line.text.lower()
        for marker, value in CERTIFICATE_MARKERS:
            if marker in lowered and value != sso.certificate.value:
                warnings.append(
                    SourceWarning(
                        line.number,
                        f"the app side names {value} but the tutorial downloads {sso.certificate.value} "
                        f"(line {sso.certificate.line})",
                    )
                )
                return


def _app_side_region(document: Document, start: int) -> tuple[int, int | None] | None:
    entra = kw.words(kw.ENTRA, "en")
    tests = kw.words(kw.TEST_HEADING, document.language)
    begin = None
    for heading in document.headings:
        if heading.number <= start or heading.level > 3:
            continue
        text = heading.text.lower()
        if begin is None:
            if any(word in text for word in entra) or any(word in text for word in tests):
                continue
            begin = heading.number
        elif any(word in text for word in tests):
            return begin, heading.number
    return (begin, None) if begin is not None else None


FIELD_FIRST = re.compile(
    r"^\s*(?:[-*]|\d+\.|[a-z]\.)?\s*(in|on|for|under|at|into)\b", re.IGNORECASE
)
# Verbs of the one-bold-term form: "Open the Base64 encoded certificate ... paste it into the **Certificate** box".
PASTE = re.compile(r"\b(paste|upload|copy)\b", re.IGNORECASE)
SUPPORT = re.compile(r"support\b|mailto:", re.IGNORECASE)
# "click **Choose file**": a button, not a field.
BUTTON_TERM = re.compile(
    r"\b(?:click(?:ing)?|select(?:ing)?|choos(?:e|ing))\s+(?:on\s+)?(?:the\s+)?\*\*(.+?)\*\*",
    re.IGNORECASE,
)
# "…, and then paste it into the **Identity Provider Single Sign-On URL** textbox": the field the value
# goes into, whatever other bold terms (the section it was copied from) the sentence names.
INTO_FIELD = re.compile(r"\binto\s+(?:the\s+)?\*\*(.+?)\*\*", re.IGNORECASE)
# Verbs that move a value into a field; "Select either **A** or **B**" only chooses an option.
TRANSFER = re.compile(
    r"\b(paste|pasting|upload|copy|copied|enter|type|use|provide|add|fill|import)\b", re.IGNORECASE
)
# Certificate armour in bold ("Remove the **---BEGIN CERTIFICATE---** … tags") is no field.
ARMOUR = re.compile(r"-{3,}\s*(?:BEGIN|END)", re.IGNORECASE)
# "…paste the **User Access URL** …": an app-side value Entra shows elsewhere (Properties page).
OTHER_VALUE = re.compile(r"\b(url|id|identifier|endpoint)\b", re.IGNORECASE)
BUTTON = re.compile(r"\b(click|select|choose)\s+(on\s+)?(the\s+)?\*\*", re.IGNORECASE)


def _entra_value_in_text(text: str, field_term: str, language: str = "en") -> str | None:
    """The Entra value a sentence names outside its one bold term (the app's field)."""
    rest = plain(text.replace(f"**{field_term}**", " ")).lower()
    for words, value in (
        *_entra_labels(language),
        ("metadata xml", "certificate"),
        *((word, "certificate") for word in kw.words(kw.CERTIFICATE_WORDS, language)),
    ):
        if words in rest:
            return value
    return None


def _pastes(text: str, language: str) -> bool:
    """Paste, upload or copy, in English or the copy's language ("collez-le", "klistra in")."""
    lowered = text.lower()
    return bool(PASTE.search(text)) or any(
        verb in lowered for verb in kw.TRANSFER_VERBS.get(language, ())
    )


def _transfers(text: str, language: str) -> bool:
    lowered = text.lower()
    return bool(TRANSFER.search(text)) or any(
        verb in lowered for verb in kw.TRANSFER_VERBS.get(language, ())
    )


# "Use the ACS URL … value Adobe provided you for **Reply URL**": a Basic SAML value the app gives.
PROVIDED = re.compile(r"\bprovided (?:to )?you\b", re.IGNORECASE)


def _values_from_app(document: Document, sso: SsoImport, start: int) -> None:
    """Basic SAML fields the app side fills in ("Copy **Service provider reply URL** value, paste this
    value into the **Reply URL** text box in the **Basic SAML Configuration** section") that the tutorial
    gives no value for: their value is obtained later from the app, not in the text."""
    language = document.language
    region = _app_side_region(document, start)
    if region is None:
        return
    marked = {item.value for item in sso.values_not_in_text}
    for line in document.lines_between(*region):
        if _is_note(line) or not (
            kw.mentions(line.text, kw.BASIC_SAML, language) or PROVIDED.search(line.text)
        ):
            continue
        for term in bold_terms(line.text):
            name = field_of_label(term, language)
            if name is None or kw.mentions(term, kw.BASIC_SAML, language):
                continue
            if not sso.urls.get(name) and name not in marked:
                marked.add(name)
                sso.values_not_in_text.append(Sourced(name, line.number))


def _app_side_fields(document: Document, sso: SsoImport, start: int, app: str) -> None:
    language = document.language
    region = _app_side_region(document, start)
    if region is None:
        return
    seen: set[tuple[str, str]] = set()
    for line in document.lines_between(*region):
        if _is_note(line):
            continue
        # The app's own name in bold is who receives the values ("send ... to the <app> support team"),
        # not a console field.
        if SUPPORT.search(line.text):
            # "send the Certificate (Raw) and the User access URL to the <app> support team": values
            # handed to people, not typed into a console field.
            continue
        if kw.mentions(line.text, kw.BASIC_SAML, language):
            # "…paste this value into the **Reply URL** text box in the **Basic SAML Configuration**
            # section": a value going from the app to Entra, not an app-side field.
            continue
        if not _transfers(line.text, language):
            continue
        terms = [
            term
            for term in bold_terms(line.text)
            if term.casefold() != app.casefold() and not ARMOUR.search(term)
        ]
        found: tuple[str, str] | None = None
        into = INTO_FIELD.search(line.text)
        into_value = None
        if into is not None:
            # The value is the other bold term naming an Entra value, else the plain words ("Copy the
            # content of metadata XML file … paste it into the **Metadata XML** textbox").
            into_value = next(
                (
                    value
                    for term in terms
                    if term != into.group(1) and (value := entra_value_of(term, language))
                ),
                None,
            ) or _entra_value_in_text(line.text, into.group(1), language)
        # "Select **Browse** to upload the base-64 encoded certificate … into the **ADFS Certificate**":
        # buttons are no fields, the Entra value is named in plain words.
        buttons = {m.group(1) for m in BUTTON_TERM.finditer(line.text)}
        fields = [term for term in terms if term not in buttons]
        if into is not None and into_value is not None:
            found = (into.group(1), into_value)
        elif (
            len(terms) >= 2
            and FIELD_FIRST.match(line.text)
            and PASTE.search(line.text)
            and terms[1] not in buttons
            and exact_entra_value(terms[0], language)
            and not entra_value_of(terms[1], language)
            and OTHER_VALUE.search(terms[1])
        ):
            # "In the **Login URL** box, paste the **User Access URL** from the application's
            # **Properties** page": the field comes first and takes a value Entra shows elsewhere.
            found = (terms[0], f"other: {terms[1]}")
        elif (
            len(fields) == 1
            and _pastes(line.text, language)
            and not any(entra_value_of(term, language) for term in terms)
        ):
            value = _entra_value_in_text(line.text, fields[0], language)
            if value:
                found = (fields[0], value)
        elif len(terms) >= 2 and any(exact_entra_value(t, language) for t in terms):
            # Any language: the term that *is* an Entra value is the source; the field is the nearest
            # other term that is not a button ("Copy **Login URL** to **IDP Login URL**", "I textrutan
            # **SAML SSO URL** klistrar du in värdet för **Inloggnings-URL**"). Two equal labels ("In
            # the **Login URL** textbox, paste **Login URL**"): the first is the field.
            exact = [exact_entra_value(t, language) for t in terms]
            sources = [i for i, value in enumerate(exact) if value]
            source = sources[0]
            if len(sources) > 1:
                # Both terms are Entra labels ("In **Single Sign-On Service URL** textbox, paste the
                # value of **Login URL**", or the same label twice): the sentence's order decides.
                field_index = sources[0] if FIELD_FIRST.match(line.text) else sources[1]
                source_index = sources[1] if field_index == sources[0] else sources[0]
                found = (terms[field_index], exact[source_index] or "")
            else:
                candidates = [
                    i for i, term in enumerate(terms) if not exact[i] and term not in buttons
                ]
                if candidates:
                    nearest = min(candidates, key=lambda i: (abs(i - source), i > source))
                    found = (terms[nearest], exact[source] or "")
        elif len(terms) >= 2:
            classified = [(term, entra_value_of(term, language)) for term in terms]
            if FIELD_FIRST.match(line.text):
                # "In the **Login URL** textbox, paste **Login URL**": the field comes first, even when
                # it carries the same label as Entra's value.
                entra = next((v for _, v in classified[1:] if v), None)
                if entra:
                    found = (terms[0], entra)
            else:
                entra_term = next(((t, v) for t, v in classified if v), None)
                rest = [t for t in terms if entra_term and t != entra_term[0]]
                if entra_term and entra_term[1] and rest:
                    found = (rest[0], entra_term[1])
        if found is None or found in seen:
            continue
        seen.add(found)
        sso.app_side_fields.append(
            Sourced({"field": found[0], "entra_value": found[1]}, line.number)
        )


def _line_with(document: Document, table: kw.Words, notes_only: bool = False) -> Line | None:
    for line in document.lines:
        if notes_only and not _is_note(line):
            continue
        if kw.mentions(line.text, table, document.language):
            return line
    return None


def extract_sso(document: Document, warnings: list[SourceWarning], app: str = "") -> SsoImport:
    sso = SsoImport()
    _urls(document, sso, warnings)
    _modes(document, sso, warnings)
    fixed = _line_with(document, kw.FIXED_IDENTIFIER)
    if fixed is not None:
        sso.fixed_identifier_note = Sourced(True, fixed.number)
    _claims(document, sso, warnings)
    _role_claim(document, sso)
    start = _basic_saml_start(document) or 0
    _certificate(document, sso, start)
    jit = _line_with(document, kw.JIT)
    if jit is not None and kw.mentions(jit.text, kw.JIT_NEGATION, document.language):
        warnings.append(
            SourceWarning(jit.number, "just-in-time provisioning named as not supported")
        )
        jit = None
    if jit is not None:
        sso.jit = Sourced(True, jit.number)
    _app_side_fields(document, sso, start, app)
    _values_from_app(document, sso, start)
    _certificate_choice(document, sso)
    _certificate_mismatch(document, sso, start, warnings)
    if start == 0:
        warnings.append(SourceWarning(0, "no Basic SAML Configuration step found"))
    return sso
