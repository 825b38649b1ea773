"""Entra's attribute-mapping expression language: parser, save-time validation and evaluator."""
# Docs "Reference for writing expressions for attribute mappings in Microsoft Entra ID".

from __future__ import annotations

import base64
import json
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# A value while evaluating: Entra's values are strings ("True"/"False" for booleans), lists for
# multi-valued attributes, dicts for [appRoleAssignments] entries, or null.
Value = Any


class IgnoreFlow:
    """IgnoreFlowIfNullOrEmpty's verdict: drop the attribute from this flow altogether."""

    def __repr__(self) -> str:
        return "IGNORE_FLOW"


IGNORE_FLOW = IgnoreFlow()


@dataclass
class ExpressionError(Exception):
    """A refused expression: what is wrong and at which character (0-based) of the text."""

    message: str
    position: int
    expression: str = ""

    def __str__(self) -> str:
        return f"{self.message} (at position {self.position})"


# --- syntax tree -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    value: Value
    position: int


@dataclass(frozen=True)
class Missing:
    """An argument left empty, as in `Switch([IsSoftDeleted], , "False", "True")`."""

    position: int


@dataclass(frozen=True)
class AttributeRef:
    name: str
    position: int


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]
    position: int


@dataclass(frozen=True)
class Compare:
    """`[country]="USA"`: the comparison IIF's condition may use (=, <>, >, >=, <, <=)."""

    operator: str
    left: Node
    right: Node
    position: int


Node = Literal | Missing | AttributeRef | Call | Compare

# --- tokens ------------------------------------------------------------------------------------

_OPERATORS = ("<>", ">=", "<=", "=", ">", "<")
# Bare words the docs use as arguments (InStr's compareType, CBool results).
_BARE_CONSTANTS = {"vbTextCompare", "vbBinaryCompare", "True", "False"}


@dataclass(frozen=True)
class _Token:
    kind: str  # name, string, number, attribute, op, "(", ")", ",", end
    text: str
    position: int
    value: Value = None


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "(),":
            tokens.append(_Token(char, char, i))
            i += 1
        elif char == '"':
            # Docs: a backslash escapes a quotation mark or a backslash inside a string constant.
            start, i, chars = i, i + 1, []
            while True:
                if i >= len(text):
                    raise ExpressionError("Unterminated string constant", start, text)
                if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in '"\\':
                    chars.append(text[i + 1])
                    i += 2
                elif text[i] == '"':
                    i += 1
                    break
                else:
                    chars.append(text[i])
                    i += 1
            tokens.append(_Token("string", text[start:i], start, "".join(chars)))
        elif char == "[":
            end = text.find("]", i)
            if end < 0:
                raise ExpressionError("Unterminated attribute name: expected ']'", i, text)
            name = text[i + 1 : end].strip()
            if not name:
                raise ExpressionError("Empty attribute name", i, text)
            tokens.append(_Token("attribute", text[i : end + 1], i, name))
            i = end + 1
        elif char == "&" and text[i + 1 : i + 2] in ("H", "h"):
            match = re.match(r"&[Hh]([0-9A-Fa-f]+)", text[i:])
            if not match:
                raise ExpressionError("Invalid hexadecimal constant", i, text)
            tokens.append(_Token("number", match.group(0), i, int(match.group(1), 16)))
            i += len(match.group(0))
        elif char.isdigit() or (char == "-" and text[i + 1 : i + 2].isdigit()):
            match = re.match(r"-?\d+", text[i:])
            assert match
            tokens.append(_Token("number", match.group(0), i, int(match.group(0))))
            i += len(match.group(0))
        elif char.isalpha() or char == "_":
            match = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[i:])
            assert match
            tokens.append(_Token("name", match.group(0), i))
            i += len(match.group(0))
        else:
            operator = next((op for op in _OPERATORS if text.startswith(op, i)), None)
            if operator is None:
                raise ExpressionError(f"Unexpected character '{char}'", i, text)
            tokens.append(_Token("op", operator, i))
            i += len(operator)
    tokens.append(_Token("end", "", len(text)))
    return tokens


# --- parser ------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def error(self, message: str, token: _Token | None = None) -> ExpressionError:
        token = token or self.current
        found = "end of expression" if token.kind == "end" else f"'{token.text}'"
        return ExpressionError(f"{message}, found {found}", token.position, self.text)

    def advance(self) -> _Token:
        token = self.current
        self.index += 1
        return token

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise ExpressionError("The expression is empty", 0, self.text)
        node = self.comparison()
        if self.current.kind != "end":
            raise self.error("Expected the end of the expression")
        return node

    def comparison(self) -> Node:
        left = self.primary()
        if self.current.kind == "op":
            operator = self.advance()
            right = self.primary()
            return Compare(operator.text, left, right, operator.position)
        return left

    def primary(self) -> Node:
        token = self.current
        if token.kind == "string" or token.kind == "number":
            self.advance()
            return Literal(token.value, token.position)
        if token.kind == "attribute":
            self.advance()
            return AttributeRef(str(token.value), token.position)
        if token.kind == "name":
            self.advance()
            if self.current.kind == "(":
                return self.call(token)
            if token.text in _BARE_CONSTANTS:
                return Literal(token.text, token.position)
            raise ExpressionError(
                f"Unexpected name '{token.text}': attributes are written [{token.text}] and "
                "functions Name(...)",
                token.position,
                self.text,
            )
        raise self.error('Expected a function, an [attribute] or a "string"')

    def call(self, name: _Token) -> Call:
        self.advance()  # "("
        args: list[Node] = []
        if self.current.kind == ")":
            self.advance()
            return Call(name.text, (), name.position)
        while True:
            if self.current.kind in (",", ")"):
                args.append(Missing(self.current.position))
            else:
                args.append(self.comparison())
            if self.current.kind == ",":
                self.advance()
                continue
            if self.current.kind == ")":
                self.advance()
                return Call(name.text, tuple(args), name.position)
            raise self.error(f"Expected ',' or ')' in the arguments of {name.text}")


# --- functions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionSpec:
    """A function's arity as the reference page gives it (max None: any number)."""

    minimum: int
    maximum: int | None
    even: bool = False  # Switch: "The function always expects an even number of parameters."


FUNCTIONS: dict[str, FunctionSpec] = {
    "Append": FunctionSpec(2, 2),
    "AppRoleAssignmentsComplex": FunctionSpec(1, 1),
    "BitAnd": FunctionSpec(2, 2),
    "CBool": FunctionSpec(1, 1),
    "Coalesce": FunctionSpec(1, None),
    "ConvertToBase64": FunctionSpec(1, 1),
    "ConvertToUTF8Hex": FunctionSpec(1, 1),
    "Count": FunctionSpec(1, 1),
    "CStr": FunctionSpec(1, 1),
    "Guid": FunctionSpec(0, 0),
    "IgnoreFlowIfNullOrEmpty": FunctionSpec(1, 1),
    "IIF": FunctionSpec(3, 3),
    "InStr": FunctionSpec(2, 4),
    "IsNull": FunctionSpec(1, 1),
    "IsNullOrEmpty": FunctionSpec(1, 1),
    "IsPresent": FunctionSpec(1, 1),
    "IsString": FunctionSpec(1, 1),
    "Item": FunctionSpec(2, 2),
    "Join": FunctionSpec(2, None),
    "Left": FunctionSpec(2, 2),
    "Mid": FunctionSpec(3, 3),
    "NormalizeDiacritics": FunctionSpec(1, 1),
    "Not": FunctionSpec(1, 1),
    "Now": FunctionSpec(0, 0),
    "PCase": FunctionSpec(1, 2),
    "RemoveDuplicates": FunctionSpec(1, 1),
    "Replace": FunctionSpec(2, 7),
    "SingleAppRoleAssignment": FunctionSpec(1, 1),
    "Split": FunctionSpec(2, 2),
    "StripSpaces": FunctionSpec(1, 1),
    "Switch": FunctionSpec(4, None, even=True),
    "ToLower": FunctionSpec(1, 2),
    "ToUpper": FunctionSpec(1, 2),
    "Word": FunctionSpec(3, 3),
}


@dataclass(frozen=True)
class Expression:
    """A parsed expression, ready to evaluate as often as needed."""

    text: str
    root: Node

    def attributes(self) -> list[str]:
        """The source attributes the expression reads, in order of first use."""
        found: list[str] = []

        def walk(node: Node) -> None:
            if isinstance(node, AttributeRef) and node.name not in found:
                found.append(node.name)
            elif isinstance(node, Call):
                for arg in node.args:
                    walk(arg)
            elif isinstance(node, Compare):
                walk(node.left)
                walk(node.right)

        walk(self.root)
        return found

    def evaluate(self, context: EvaluationContext) -> Value:
        return _evaluate(self.root, context)


def parse_expression(text: str, known_attributes: Iterable[str] | None = None) -> Expression:
    """Parse and validate as the portal does on Save: unknown functions, wrong argument counts and
    (when `known_attributes` is given) unknown source attributes are refused with their position."""
    root = _Parser(text).parse()
    known = {name.lower(): name for name in known_attributes} if known_attributes else None
    _validate(root, text, known)
    return Expression(text, root)


def _validate(node: Node, text: str, known: dict[str, str] | None) -> None:
    if isinstance(node, AttributeRef) and known is not None:
        wanted = known.get(node.name.lower())
        if wanted is None:
            raise ExpressionError(f"Unknown source attribute [{node.name}]", node.position, text)
        if wanted != node.name:
            # Docs: "The syntax is case-sensitive".
            raise ExpressionError(
                f"Unknown source attribute [{node.name}]; did you mean [{wanted}]?",
                node.position,
                text,
            )
    elif isinstance(node, Compare):
        _validate(node.left, text, known)
        _validate(node.right, text, known)
    elif isinstance(node, Call):
        spec = FUNCTIONS.get(node.name)
        if spec is None:
            close = next((n for n in FUNCTIONS if n.lower() == node.name.lower()), None)
            hint = f"; did you mean {close}?" if close else ""
            raise ExpressionError(f"Unknown function '{node.name}'{hint}", node.position, text)
        count = len(node.args)
        if count < spec.minimum or (spec.maximum is not None and count > spec.maximum):
            expected = (
                f"{spec.minimum}"
                if spec.minimum == spec.maximum
                else f"at least {spec.minimum}"
                if spec.maximum is None
                else f"{spec.minimum} to {spec.maximum}"
            )
            raise ExpressionError(
                f"{node.name} takes {expected} arguments, not {count}", node.position, text
            )
        if spec.even and count % 2:
            raise ExpressionError(
                f"{node.name} expects an even number of arguments (key/value pairs), not {count}",
                node.position,
                text,
            )
        for arg in node.args:
            _validate(arg, text, known)


# --- evaluation --------------------------------------------------------------------------------


@dataclass
class EvaluationContext:
    """What an expression can read: the source object's attributes (by Entra name) and the time."""

    attributes: Mapping[str, Value]
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def attribute(self, name: str) -> Value:
        if name in self.attributes:
            return self.attributes[name]
        lowered = name.lower()
        for key, value in self.attributes.items():
            if key.lower() == lowered:
                return value
        return None


def as_text(value: Value) -> str | None:
    """Entra's string form: booleans as True/False, numbers as digits, null stays null."""
    if type(value) is str:  # most values: checked first, as read for every mapping
        return value
    if value is None or isinstance(value, IgnoreFlow):
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list):
        return as_text(value[0]) if value else None
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def is_true(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    text = as_text(value)
    return text is not None and text.strip().lower() == "true"


def _flatten(values: Iterable[Value]) -> list[Value]:
    flat: list[Value] = []
    for value in values:
        if isinstance(value, list):
            flat.extend(value)
        else:
            flat.append(value)
    return flat


def _integer(value: Value, default: int = 0) -> int:
    text = as_text(value)
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _compare(operator: str, left: Value, right: Value) -> bool:
    a, b = as_text(left), as_text(right)
    if a is None or b is None:
        # Docs (IIF, Known limitations): with an empty or null source the condition check fails.
        return False
    if operator == "=":
        return a == b
    if operator == "<>":
        return a != b
    try:
        x: Any = float(a)
        y: Any = float(b)
    except ValueError:
        x, y = a, b
    return {">": x > y, ">=": x >= y, "<": x < y, "<=": x <= y}[operator]


def _evaluate(node: Node, context: EvaluationContext) -> Value:
    if isinstance(node, Literal):
        return node.value if not isinstance(node.value, int) else str(node.value)
    if isinstance(node, Missing):
        return None
    if isinstance(node, AttributeRef):
        return context.attribute(node.name)
    if isinstance(node, Compare):
        result = _compare(
            node.operator, _evaluate(node.left, context), _evaluate(node.right, context)
        )
        return "True" if result else "False"
    implementation = _IMPLEMENTATIONS[node.name]
    return implementation(node.args, context)


Implementation = Callable[[Sequence[Node], EvaluationContext], Value]
_IMPLEMENTATIONS: dict[str, Implementation] = {}


def _function(name: str) -> Callable[[Implementation], Implementation]:
    def register(implementation: Implementation) -> Implementation:
        _IMPLEMENTATIONS[name] = implementation
        return implementation

    return register


def _args(args: Sequence[Node], context: EvaluationContext) -> list[Value]:
    return [_evaluate(arg, context) for arg in args]


def _bool_text(value: bool) -> str:
    return "True" if value else "False"


@_function("Append")
def _append(args: Sequence[Node], context: EvaluationContext) -> Value:
    source, suffix = (as_text(v) for v in _args(args, context))
    # Nulls are never provisioned: appending to a missing value yields no value.
    return None if source is None else source + (suffix or "")


@_function("Switch")
def _switch(args: Sequence[Node], context: EvaluationContext) -> Value:
    """Switch(source, defaultValue, key1, value1, …): case-sensitive; a null source matches the
    key "" (docs: "use a literal empty string as one of the key values")."""
    source = as_text(_evaluate(args[0], context))
    wanted = "" if source is None else source
    for index in range(2, len(args), 2):
        if as_text(_evaluate(args[index], context)) == wanted:
            return _evaluate(args[index + 1], context)
    return _evaluate(args[1], context)


@_function("IIF")
def _iif(args: Sequence[Node], context: EvaluationContext) -> Value:
    condition = _evaluate(args[0], context)
    return _evaluate(args[1] if is_true(condition) else args[2], context)


@_function("Not")
def _not(args: Sequence[Node], context: EvaluationContext) -> Value:
    # Docs: "If source value is True, returns False. Otherwise, returns True."
    return _bool_text(not is_true(_evaluate(args[0], context)))


@_function("CBool")
def _cbool(args: Sequence[Node], context: EvaluationContext) -> Value:
    value = _evaluate(args[0], context)
    text = as_text(value)
    if text is not None and text.lstrip("-").isdigit():
        return _bool_text(int(text) != 0)
    return _bool_text(is_true(value))


@_function("CStr")
def _cstr(args: Sequence[Node], context: EvaluationContext) -> Value:
    return as_text(_evaluate(args[0], context))


@_function("Join")
def _join(args: Sequence[Node], context: EvaluationContext) -> Value:
    separator = as_text(_evaluate(args[0], context)) or ""
    values = [as_text(v) for v in _flatten(_args(args[1:], context))]
    present = [v for v in values if v is not None]
    return separator.join(present) if present else None


@_function("Coalesce")
def _coalesce(args: Sequence[Node], context: EvaluationContext) -> Value:
    for arg in args:
        value = _evaluate(arg, context)
        if value is not None and value != [] and not isinstance(value, IgnoreFlow):
            return value
    return None


def _culture_case(upper: bool) -> Implementation:
    def implementation(args: Sequence[Node], context: EvaluationContext) -> Value:
        text = as_text(_evaluate(args[0], context))
        if text is None:
            return None
        return text.upper() if upper else text.lower()

    return implementation


_IMPLEMENTATIONS["ToLower"] = _culture_case(False)
_IMPLEMENTATIONS["ToUpper"] = _culture_case(True)


@_function("Left")
def _left(args: Sequence[Node], context: EvaluationContext) -> Value:
    text = as_text(_evaluate(args[0], context))
    count = _integer(_evaluate(args[1], context))
    # Docs: null string -> empty string; numChars < 0 -> the input; 0 -> empty.
    if text is None:
        return ""
    if count < 0:
        return text
    return text[:count]


@_function("Mid")
def _mid(args: Sequence[Node], context: EvaluationContext) -> Value:
    text = as_text(_evaluate(args[0], context))
    if text is None:
        return None
    # Docs: the first character has index 1; a length past the end stops at the end.
    start = max(_integer(_evaluate(args[1], context), 1), 1) - 1
    length = max(_integer(_evaluate(args[2], context)), 0)
    return text[start : start + length]


@_function("StripSpaces")
def _strip_spaces(args: Sequence[Node], context: EvaluationContext) -> Value:
    text = as_text(_evaluate(args[0], context))
    return None if text is None else text.replace(" ", "")


# Docs' NormalizeDiacritics table: letters that do not decompose into base + combining mark.
_DIACRITIC_LETTERS = str.maketrans(
    {
        "æ": "ae",
        "ǣ": "ae",
        "Æ": "AE",
        "Ǣ": "AE",
        "ø": "oe",
        "Ø": "OE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
        "İ": "I",
    }
)


@_function("NormalizeDiacritics")
def _normalize_diacritics(args: Sequence[Node], context: EvaluationContext) -> Value:
    text = as_text(_evaluate(args[0], context))
    if text is None:
        return None
    # ø̄ and œ̄ carry a macron: the base letter maps, the mark goes with the other marks.
    decomposed = unicodedata.normalize("NFD", text).translate(_DIACRITIC_LETTERS)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _dotnet_pattern(pattern: str) -> str:
    """.NET named groups `(?<name>…)` in Python's spelling `(?P<name>…)`."""
    return re.sub(r"\(\?<([A-Za-z_][A-Za-z0-9_]*)>", r"(?P<\1>", pattern)


def _dotnet_replacement(replacement: str) -> str:
    """.NET substitutions `${name}` and `$1` in Python's spelling."""
    escaped = replacement.replace("\\", "\\\\")
    escaped = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", r"\\g<\1>", escaped)
    return re.sub(r"\$(\d+)", r"\\g<\1>", escaped)


@_function("Replace")
def _replace(args: Sequence[Node], context: EvaluationContext) -> Value:
    """Replace(source, oldValue, regexPattern, regexGroupName, replacementValue,
    replacementAttributeName, template), in the docs' five modes."""
    values = _args(args, context) + [None] * (7 - len(args))
    source = as_text(values[0])
    old_value, pattern, group, replacement, replacement_attribute, template = (
        as_text(v) for v in values[1:7]
    )
    if pattern is not None and group is not None and replacement_attribute is not None:
        if source:
            return source
        match = re.search(_dotnet_pattern(pattern), replacement_attribute)
        return match.group(group) if match and match.group(group) is not None else None
    if source is None:
        return None
    if old_value is not None and template is not None:
        return template.replace(old_value, source)
    if old_value is not None and replacement is not None:
        return source.replace(old_value, replacement)
    if pattern is not None and group is not None and replacement is not None:
        compiled = re.compile(_dotnet_pattern(pattern))
        pieces, last = [], 0
        for match in compiled.finditer(source):
            start, end = match.span(group)
            if start < 0 or (start == end and not match.group(group)):
                continue
            pieces.append(source[last:start] + replacement)
            last = end
        return "".join(pieces) + source[last:]
    if pattern is not None and replacement is not None:
        return re.sub(_dotnet_pattern(pattern), _dotnet_replacement(replacement), source)
    return source


@_function("IsNull")
def _is_null(args: Sequence[Node], context: EvaluationContext) -> Value:
    return _bool_text(_evaluate(args[0], context) is None)


@_function("IsNullOrEmpty")
def _is_null_or_empty(args: Sequence[Node], context: EvaluationContext) -> Value:
    return _bool_text(not as_text(_evaluate(args[0], context)))


@_function("IsPresent")
def _is_present(args: Sequence[Node], context: EvaluationContext) -> Value:
    return _bool_text(bool(as_text(_evaluate(args[0], context))))


@_function("IsString")
def _is_string(args: Sequence[Node], context: EvaluationContext) -> Value:
    return _bool_text(isinstance(_evaluate(args[0], context), str))


@_function("IgnoreFlowIfNullOrEmpty")
def _ignore_flow(args: Sequence[Node], context: EvaluationContext) -> Value:
    value = _evaluate(args[0], context)
    return IGNORE_FLOW if not as_text(value) else value


@_function("Guid")
def _guid(args: Sequence[Node], context: EvaluationContext) -> Value:
    return str(uuid.uuid4())


@_function("Now")
def _now(args: Sequence[Node], context: EvaluationContext) -> Value:
    # Docs: "M/d/yyyy h:mm:ss tt" in UTC.
    moment = context.now.astimezone(UTC)
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return f"{moment.month}/{moment.day}/{moment.year} {hour}:{moment:%M:%S} {suffix}"


@_function("InStr")
def _instr(args: Sequence[Node], context: EvaluationContext) -> Value:
    values = _args(args, context)
    haystack, needle = as_text(values[0]), as_text(values[1])
    if haystack is None or needle is None:
        return None
    start = _integer(values[2], 1) if len(values) > 2 and values[2] is not None else 1
    text_compare = len(values) > 3 and as_text(values[3]) == "vbTextCompare"
    if text_compare:
        haystack, needle = haystack.lower(), needle.lower()
    return str(haystack.find(needle, max(start, 1) - 1) + 1)


@_function("Item")
def _item(args: Sequence[Node], context: EvaluationContext) -> Value:
    values = _evaluate(args[0], context)
    index = _integer(_evaluate(args[1], context))
    items = values if isinstance(values, list) else [values]
    # Docs: Item([proxyAddresses], 1) is the first item; index 0 shouldn't be used.
    return items[index - 1] if 1 <= index <= len(items) else None


@_function("Count")
def _count(args: Sequence[Node], context: EvaluationContext) -> Value:
    value = _evaluate(args[0], context)
    return str(len(value) if isinstance(value, list) else (0 if value is None else 1))


@_function("Split")
def _split(args: Sequence[Node], context: EvaluationContext) -> Value:
    text, delimiter = (as_text(v) for v in _args(args, context))
    if text is None:
        return None
    return [part.strip() for part in text.split(delimiter or ",")]


@_function("RemoveDuplicates")
def _remove_duplicates(args: Sequence[Node], context: EvaluationContext) -> Value:
    value = _evaluate(args[0], context)
    if not isinstance(value, list):
        return value
    return list(dict.fromkeys(value))


@_function("PCase")
def _pcase(args: Sequence[Node], context: EvaluationContext) -> Value:
    values = _args(args, context)
    text = as_text(values[0])
    if text is None:
        return None
    separators = as_text(values[1]) if len(values) > 1 else None
    if not separators:
        return text.title()
    pattern = "([" + re.escape(separators) + "])"
    return "".join(part.capitalize() for part in re.split(pattern, text))


@_function("Word")
def _word(args: Sequence[Node], context: EvaluationContext) -> Value:
    text, number, delimiters = _args(args, context)
    source = as_text(text)
    if source is None:
        return None
    separators = as_text(delimiters) or " "
    words = [w for w in re.split("[" + re.escape(separators) + "]", source) if w]
    index = _integer(number)
    return words[index - 1] if 1 <= index <= len(words) else None


@_function("ConvertToBase64")
def _to_base64(args: Sequence[Node], context: EvaluationContext) -> Value:
    text = as_text(_evaluate(args[0], context))
    # Docs: "Hello world!" -> "SABlAGwAbABvACAAdwBvAHIAbABkACEA" (a UTF-16LE "Unicode" string).
    return None if text is None else base64.b64encode(text.encode("utf-16-le")).decode()


@_function("ConvertToUTF8Hex")
def _to_utf8_hex(args: Sequence[Node], context: EvaluationContext) -> Value:
    text = as_text(_evaluate(args[0], context))
    return None if text is None else text.encode().hex().upper()


@_function("BitAnd")
def _bit_and(args: Sequence[Node], context: EvaluationContext) -> Value:
    first, second = (_integer(v) for v in _args(args, context))
    return str(first & second)


def _role_assignments(value: Value) -> list[dict[str, Any]]:
    return [v for v in (value if isinstance(value, list) else []) if isinstance(v, dict)]


@_function("SingleAppRoleAssignment")
def _single_app_role_assignment(args: Sequence[Node], context: EvaluationContext) -> Value:
    """Docs: one role name from the user's app role assignments ("we can't guarantee which role
    will be provisioned" when there are several: here, the first assigned)."""
    roles = _role_assignments(_evaluate(args[0], context))
    return roles[0].get("value") if roles else None


@_function("AppRoleAssignmentsComplex")
def _app_role_assignments_complex(args: Sequence[Node], context: EvaluationContext) -> Value:
    """Docs ("Provisioning a role to a SCIM app"): every assigned role, as {id, value,
    displayName}; the wire layer renders them as SCIM roles."""
    roles = _role_assignments(_evaluate(args[0], context))
    return [
        {"id": r.get("id"), "value": r.get("value"), "displayName": r.get("displayName")}
        for r in roles
    ] or None
