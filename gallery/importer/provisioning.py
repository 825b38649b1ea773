"""The SCIM provisioning part of a tutorial: capabilities, Tenant URL, auth, attribute tables, limitations."""

from __future__ import annotations

import re
from collections.abc import Callable

from gallery.importer import keywords as kw
from gallery.importer.document import Document, Table, code_spans, plain
from gallery.importer.entra_scim_defaults import default_source
from gallery.importer.model import ProvisioningImport, Sourced, SourceWarning
from gallery.importer.patterns import bare_urls
from gallery.importer.scim_names import scim_name

BULLET = re.compile(r"^(\s*)([*\-]\s+|\d+\.\s+)")
CHECKLIST = re.compile(r"^\s*>\s*\[!div\s+class=\"?checklist\"?\]", re.IGNORECASE)
# A SCIM attribute path as Entra's mapping writes it (RFC 7644 §3.10 attribute paths, with filters).
# A named part of a Tenant URL pattern, spaces allowed: `{ALVAO REST API address}/scim`.
SPAN_PLACEHOLDER = re.compile(r"<[^<>]+>|\{[^{}]+\}")
SCIM_PATH = re.compile(r"^(urn:[\w.:\-]+:)?[A-Za-z][\w]*(\[[^\]]+\])?(\.[A-Za-z][\w]*)?$")


def _capabilities(document: Document, prov: ProvisioningImport) -> None:
    language = document.language
    in_list = False
    for line in document.lines:
        if CHECKLIST.match(line.text):
            in_list = True
            continue
        if in_list:
            text = line.text.strip()
            if not text.startswith(">"):
                break
            item = plain(text.lstrip("> ").lstrip("*-").strip())
            for name, table in kw.CAPABILITIES.items():
                if kw.mentions(item, table, language) and name not in [
                    c.value for c in prov.capabilities
                ]:
                    prov.capabilities.append(Sourced(name, line.number))
                    break
    if prov.capabilities:
        return
    # Older tutorials have no checklist; their first paragraph says "provision and de-provision users
    # and/or groups". What it says is taken; the missing checklist is left to the warning.
    for line in document.lines[:60]:
        lowered = line.text.lower()
        if kw.mentions(lowered, kw.INTRO_DEPROVISION, language):
            prov.capabilities.append(Sourced("create_users", line.number))
            prov.capabilities.append(Sourced("remove_users", line.number))
            if kw.mentions(lowered, kw.INTRO_GROUPS, language):
                prov.capabilities.append(Sourced("provision_groups", line.number))
            break


def _tenant_url(
    document: Document, prov: ProvisioningImport, warnings: list[SourceWarning]
) -> None:
    language = document.language
    for line in document.lines:
        if line.text.lstrip().startswith(">") and "tenant" not in line.text.lower():
            continue
        if not kw.mentions(line.text, kw.TENANT_URL, language):
            continue
        spans = code_spans(line.text) + re.findall(r"\*\*(.+?)\*\*", line.text)
        urls = [span for span in spans if re.search(r":\\?/\\?/", span)] + bare_urls(line.text)
        escaped = [url for url in urls if "\\" in url]
        if escaped:
            # `https:\//host` is a Markdown escape: the page shows `https://host`.
            warnings.append(
                SourceWarning(
                    line.number, f"Tenant URL written with a Markdown escape: {escaped[0]!r}"
                )
            )
            urls = [url.replace("\\", "") for url in urls]
        urls = [
            url
            for url in urls
            if "entra.microsoft.com" not in url and "portal.azure.com" not in url
        ]
        if urls:
            prov.tenant_url = Sourced(urls[0], line.number)
            return
    # "Enter `https://…/scim/v2` as the Tenant URL" is sometimes a sub-step of the Admin Credentials step;
    # ALVAO gives its pattern: "the format `{ALVAO REST API address}/scim`".
    for line in document.lines:
        for span in code_spans(line.text):
            if ("://" in span or SPAN_PLACEHOLDER.search(span)) and "/scim" in span.lower():
                prov.tenant_url = Sourced(span, line.number)
                return


def _first(document: Document, test: Callable[[str], bool]) -> int | None:
    return next((line.number for line in document.lines if test(line.text)), None)


def _auth(document: Document, prov: ProvisioningImport, warnings: list[SourceWarning]) -> None:
    """The Admin Credentials form the tutorial fills in. The admin center's screenshots are named
    after the form shown (English in every copy); an Authorize step is OAuth even where the text also
    repeats the template's "Tenant URL and Secret Token" sentence (Slack), reported as a warning."""
    language = document.language
    authorize = kw.words(kw.AUTHORIZE, language)
    oauth_image = _first(
        document, lambda t: "provisioning-oauth" in t.lower() or "testconnection-oauth" in t.lower()
    )
    authorize_step = _first(
        document,
        lambda t: (
            any(
                word in term.lower()
                for term in re.findall(r"\*\*(.+?)\*\*", t)
                for word in authorize
            )
            or ("authorize" in t.lower() and "admin credentials" in t.lower())
        ),
    )
    token_image = _first(document, lambda t: "tenanturltoken" in t.lower())
    token_words = _first(document, lambda t: kw.mentions(t, kw.SECRET_TOKEN, language))
    basic = _first(document, lambda t: kw.mentions(t, kw.BASIC_AUTH, language))
    oauth = oauth_image or authorize_step
    if oauth is not None:
        prov.auth = Sourced("oauth", oauth)
        if token_image or token_words:
            warnings.append(
                SourceWarning(
                    oauth,
                    "the text describes both an OAuth authorization and a Secret Token; read as OAuth",
                )
            )
    elif token_image or token_words:
        prov.auth = Sourced("bearer_token", token_image or token_words or 0)
    elif basic is not None:
        prov.auth = Sourced("basic", basic)


def _is_attribute_table(table: Table, language: str) -> bool:
    header = [plain(cell).lower() for cell in table.header]
    return (
        len(header) >= 2
        and header[0] in kw.words(kw.ATTRIBUTE_HEADER, language)
        and any(word in header[1] for word in kw.words(kw.TYPE_HEADER, language))
    )


def _mark(cell: str) -> bool:
    return plain(cell).strip().lower() in kw.CHECK_MARKS


def _attributes(
    document: Document, prov: ProvisioningImport, warnings: list[SourceWarning]
) -> None:
    language = document.language
    tables = [table for table in document.tables if _is_attribute_table(table, language)]
    for index, table in enumerate(tables):
        header = [plain(cell).lower() for cell in table.header]
        filter_column = next(
            (
                i
                for i, c in enumerate(header)
                if any(w in c for w in kw.words(kw.FILTER_HEADER, language))
            ),
            None,
        )
        required_column = next(
            (
                i
                for i, c in enumerate(header)
                if any(w in c for w in kw.words(kw.REQUIRED_HEADER, language))
            ),
            None,
        )
        names = [plain(cells[0]) for _, cells in table.rows]
        # The group table is the one with `members`, or the later table introduced as about groups.
        context = " ".join(
            line.text for line in document.lines_between(table.number - 6, table.number)
        ).lower()
        is_group = "members" in names or (
            index > 0 and any(word in context for word in kw.words(kw.GROUP_WORDS, language))
        )
        target = prov.group_attributes if is_group else prov.user_attributes
        for number in table.joined_rows:
            warnings.append(
                SourceWarning(
                    number, "table row broken over two lines in the source (read as one row)"
                )
            )
        for number, cells in table.rows:
            name = cells[0].replace("`", "").strip()
            if not name:
                continue
            read_as = scim_name(name, language)
            attribute: dict[str, object] = {
                "name": name,
                "type": plain(cells[1]) if len(cells) > 1 else "",
                "filterable": _cell_flag(cells, filter_column),
                "required": _cell_flag(cells, required_column),
                "source": default_source(read_as, group=is_group),
            }
            if read_as != name:
                attribute["scim_name"] = read_as
                warnings.append(
                    SourceWarning(
                        number, f"attribute {name!r} read as {read_as!r} (kept as written)"
                    )
                )
            if read_as.startswith("urn:") and not read_as.lower().startswith(
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"
            ):
                attribute["custom_extension"] = True
            target.append(Sourced(attribute, number))
            if not SCIM_PATH.match(read_as):
                warnings.append(
                    SourceWarning(
                        number, f"attribute {name!r} is not a SCIM attribute path (kept as written)"
                    )
                )


def _cell_flag(cells: tuple[str, ...], column: int | None) -> bool | None:
    if column is None:
        return None
    return len(cells) > column and _mark(cells[column])


def _limitations(document: Document, prov: ProvisioningImport) -> None:
    language = document.language
    for heading in document.headings:
        words = kw.words(kw.LIMITATION_HEADINGS, language)
        if not (any(w in heading.text.lower() for w in words) or "limitation" in heading.anchor):
            continue
        # Top-level bullets only: Slack's nested bullets detail one limitation, they are not others.
        indent: int | None = None
        for line in document.lines_between(heading.number + 1, document.section_end(heading)):
            match = BULLET.match(line.text.expandtabs(4))
            if not match:
                continue
            width = len(match.group(1))
            indent = width if indent is None else indent
            if width > indent:
                continue
            item = plain(BULLET.sub("", line.text.expandtabs(4), count=1))
            if item:
                prov.limitations.append(Sourced(item, line.number))


def extract_provisioning(document: Document, warnings: list[SourceWarning]) -> ProvisioningImport:
    prov = ProvisioningImport()
    _capabilities(document, prov)
    if not prov.capabilities:
        warnings.append(SourceWarning(0, "no capabilities checklist and no provisioning statement"))
    _tenant_url(document, prov, warnings)
    _auth(document, prov, warnings)
    _attributes(document, prov, warnings)
    _limitations(document, prov)
    return prov
