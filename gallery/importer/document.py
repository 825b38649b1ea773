"""A published tutorial's Markdown as lines, headings, tables, checklists and notes, each with its line number."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# `[!INCLUDE [name](path)]`: shared boilerplate (create and assign B.Simon, monitor the deployment);
# the issue states includes carry no app values, so their lines are skipped, not expanded.
INCLUDE = re.compile(r"^\s*>?\s*\[!INCLUDE\b", re.IGNORECASE)
ANCHOR = re.compile(r"<a\s+name=[\"'][^\"']*[\"']\s*>\s*</a>", re.IGNORECASE)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
ANCHOR_NAME = re.compile(r"<a\s+name=[\"']([^\"']*)[\"']", re.IGNORECASE)
NOTE_START = re.compile(r"^\s*>\s*\[!(NOTE|IMPORTANT|TIP|WARNING|CAUTION)\]", re.IGNORECASE)
BOLD = re.compile(r"\*\*(.+?)\*\*")
CODE_SPAN = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Line:
    """One source line: its 1-based number in the file and its text."""

    number: int
    text: str


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    # The `<a name='…'>` id before or inside the heading: English even in translations.
    anchor: str
    number: int


@dataclass(frozen=True)
class Table:
    """A pipe table: header cells and rows of (line number, cells)."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    number: int
    # Rows the source breaks over two lines, joined here (reported as doubtful by the extractors).
    joined_rows: tuple[int, ...] = ()


@dataclass
class Document:
    """The tutorial: front matter, body lines (includes removed) and their structure."""

    path: Path
    front_matter: dict[str, str]
    lines: list[Line]
    headings: list[Heading] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    @property
    def title(self) -> str:
        h1 = next((h.text for h in self.headings if h.level == 1), "")
        return h1 or self.front_matter.get("title", "")

    @property
    def language(self) -> str:
        """The content locale of a machine-translated copy (`ms.contentlocale: sv-SE`); `en` otherwise."""
        locale = self.front_matter.get("ms.contentlocale", "en")
        return locale.split("-")[0].lower() or "en"

    def section_of(self, number: int) -> Heading | None:
        """The nearest heading above a line."""
        found = None
        for heading in self.headings:
            if heading.number > number:
                break
            found = heading
        return found

    def lines_between(self, start: int, end: int | None) -> list[Line]:
        return [
            line
            for line in self.lines
            if line.number >= start and (end is None or line.number < end)
        ]

    def section_end(self, heading: Heading) -> int | None:
        """The line of the next heading at the same or a higher level."""
        for other in self.headings:
            if other.number > heading.number and other.level <= heading.level:
                return other.number
        return None


def clean_heading(text: str) -> str:
    return ANCHOR.sub("", text).strip()


def _front_matter(raw: list[str]) -> tuple[dict[str, str], int]:
    """YAML front matter as flat `key: value` strings (the tutorials use no nesting) and its length."""
    if not raw or raw[0].strip() != "---":
        return {}, 0
    values: dict[str, str] = {}
    for index in range(1, len(raw)):
        text = raw[index]
        if text.strip() == "---":
            return values, index + 1
        match = re.match(r"^([\w.\-]+)\s*:\s*(.*)$", text)
        if match:
            values[match.group(1)] = match.group(2).strip().strip("'\"")
    return values, 0


def split_row(text: str) -> tuple[str, ...]:
    """The cells of a pipe-table row; a row may omit its closing pipe (`|userName|String|&check;`)."""
    body = text.strip()
    body = body.removeprefix(">").strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return tuple(cell.strip() for cell in re.split(r"(?<!\\)\|", body))


def _is_separator(cells: tuple[str, ...]) -> bool:
    return bool(cells) and all(
        re.fullmatch(r":?-{1,}:?", cell.replace(" ", "")) for cell in cells if cell
    )


def _tables(lines: list[Line]) -> list[Table]:
    tables: list[Table] = []
    index = 0
    while index < len(lines):
        text = lines[index].text.strip().removeprefix(">").strip()
        if text.startswith("|") and index + 1 < len(lines):
            header = split_row(text)
            separator = split_row(lines[index + 1].text)
            if _is_separator(separator):
                rows: list[tuple[int, tuple[str, ...]]] = []
                joined: list[int] = []
                cursor = index + 2
                while cursor < len(lines):
                    row_text = lines[cursor].text.strip().removeprefix(">").strip()
                    if not row_text.startswith("|"):
                        break
                    cells = split_row(row_text)
                    number = lines[cursor].number
                    if (
                        len(cells) == 1
                        and len(header) > 1
                        and cursor + 1 < len(lines)
                        and lines[cursor + 1].text.strip().startswith("|")
                        and not _is_separator(split_row(lines[cursor + 1].text))
                    ):
                        # A row broken over two lines ("|urn:…:department" then "|String||"): one row.
                        cells = cells + split_row(lines[cursor + 1].text)
                        joined.append(number)
                        cursor += 1
                    if any(cells):
                        rows.append((number, cells))
                    cursor += 1
                tables.append(Table(header, tuple(rows), lines[index].number, tuple(joined)))
                index = cursor
                continue
        index += 1
    return tables


def parse(text: str, path: Path) -> Document:
    raw = text.splitlines()
    front_matter, body_start = _front_matter(raw)
    lines: list[Line] = []
    in_comment = False
    for index in range(body_start, len(raw)):
        content = raw[index]
        if "<!--" in content:
            in_comment = "-->" not in content.split("<!--", 1)[1]
            content = re.sub(r"<!--.*?(-->|$)", "", content)
        elif in_comment:
            if "-->" in content:
                in_comment = False
                content = content.split("-->", 1)[1]
            else:
                continue
        if INCLUDE.match(content):
            continue
        lines.append(Line(index + 1, content.replace("\u00a0", " ")))
    document = Document(path, front_matter, lines)
    pending_anchor = ""
    in_fence = False
    for line in lines:
        stripped = line.text.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        anchor = ANCHOR_NAME.search(stripped)
        match = HEADING.match(stripped)
        if match:
            name = anchor.group(1) if anchor else pending_anchor
            document.headings.append(
                Heading(len(match.group(1)), clean_heading(match.group(2)), name, line.number)
            )
            pending_anchor = ""
        elif anchor and stripped.startswith("<a"):
            pending_anchor = anchor.group(1)
        elif stripped:
            pending_anchor = ""
    document.tables = _tables(lines)
    return document


def read(path: Path) -> Document:
    return parse(path.read_text(encoding="utf-8"), path)


def bold_terms(text: str) -> list[str]:
    """Bold terms without the UI brackets and glosses of older translations (`**[THUMBPRINT]\\(拇印\\)**`)."""
    return [_unbracket(term) for term in BOLD.findall(text)]


def _unbracket(term: str) -> str:
    term = re.sub(r"\\\(.*?\\\)$", "", term.strip()).strip()
    if term.startswith("[") and term.endswith("]"):
        term = term[1:-1]
    return term.strip()


def code_spans(text: str) -> list[str]:
    return [span.strip() for span in CODE_SPAN.findall(text)]


def plain(text: str) -> str:
    """Markdown emphasis, links and images reduced to their words."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "").replace("`", "")
    text = re.sub(r"(?<!\w)\*(?!\s)([^*]+)\*(?!\w)", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()
