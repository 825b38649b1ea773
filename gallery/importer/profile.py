"""`--out FILE.toml`: an imported tutorial as a gallery profile (gallery/*.toml's format, grown for imports).

The file keeps gallery/*.toml's keys, so `gallery._parse` loads it as a `GalleryApp` (one region per
Identifier / Reply URL alternative), and adds an `[imported]` table the loader ignores: every value as a
pattern with its named placeholders, its mode, its source line, the "not in the text" markers, claims,
app-side fields, the provisioning attributes joined to Entra's default mapping, and the warnings.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gallery.importer.model import URL_FIELDS, TutorialImport
from gallery.importer.patterns import placeholders_in


def _key(app: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", app.casefold()).strip("_") or "imported_app"


def _regions(result: TutorialImport) -> list[dict[str, Any]]:
    """One region per alternative: identifier i with reply URL i and sign-on URL i (the tutorials list
    regional values in the same order, as tutorial 004's five Genesys regions)."""
    assert result.sso is not None
    urls = {name: [v.value for v in result.sso.urls.get(name, [])] for name in URL_FIELDS}
    count = max(len(urls["identifier"]), len(urls["reply_url"]), len(urls["sign_on_url"]), 1)
    regions = []
    for index in range(count):

        def pick(name: str, index: int = index) -> str | None:
            values = urls[name]
            if not values:
                return None
            return values[index] if index < len(values) else values[-1]

        reply = pick("reply_url") or pick("sign_on_url") or pick("identifier") or ""
        identifier = pick("identifier") or reply
        region: dict[str, Any] = {
            "key": f"alternative_{index + 1}",
            "label": urlsplit(reply).hostname or f"alternative {index + 1}",
            "identifier": identifier,
            "reply_url": reply,
        }
        sign_on = pick("sign_on_url")
        if sign_on:
            region["sign_on_url"] = sign_on
        regions.append(region)
    return regions


def profile(result: TutorialImport) -> dict[str, Any]:
    """The profile as data (what `write` serialises)."""
    summary = result.summary()
    data: dict[str, Any] = {
        "key": _key(result.app.value),
        "name": result.app.value,
        "template_id": "imported:" + _key(result.app.value),
        "tutorials": [result.file],
    }
    imported: dict[str, Any] = {
        "file": result.file,
        "kind": result.kind,
        "app_line": result.app.line,
    }
    if result.exclude_reason is not None:
        imported["exclude_reason"] = result.exclude_reason.value
        imported["exclude_line"] = result.exclude_reason.line
    if result.sso is not None:
        sso = result.sso
        regions = _regions(result)
        first = regions[0]
        data["sso"] = {
            "modes": [m.value for m in sso.modes],
            "fixed_identifier": sso.fixed_identifier_note is not None,
            "console_host": urlsplit(first.get("sign_on_url") or first["reply_url"]).hostname or "",
            "claims": [
                {"name": c.value["name"], "source": c.value["source"]}
                | ({"namespace": c.value["namespace"]} if c.value["namespace"] else {})
                for c in sso.claims
            ],
            "regions": regions,
        }
        imported["sso"] = {
            "values": [
                {
                    "field": name,
                    "pattern": value.value,
                    "placeholders": placeholders_in(value.value),
                    "alternative": index + 1,
                    "mode": value.mode or "any",
                    "line": value.line,
                }
                for name in URL_FIELDS
                for index, value in enumerate(sso.urls.get(name, []))
            ],
            "not_in_text": [{"field": v.value, "line": v.line} for v in sso.values_not_in_text],
            "modes_line": sso.modes[0].line if sso.modes else 0,
            "certificate": summary["sso"]["certificate"] or "not in the text",
            "role_claim": sso.role_claim is not None,
            "jit": sso.jit is not None,
            "claims": [c.value | {"line": c.line} for c in sso.claims],
            "app_side_fields": [f.value | {"line": f.line} for f in sso.app_side_fields],
        }
    if result.provisioning is not None:
        prov = summary["provisioning"]
        imported["provisioning"] = {
            "capabilities": prov["capabilities"],
            "tenant_url": prov["tenant_url"] or "not in the text",
            "auth": prov["auth"],
            "user_attributes": [
                a.value | {"line": a.line} for a in result.provisioning.user_attributes
            ],
            "group_attributes": [
                a.value | {"line": a.line} for a in result.provisioning.group_attributes
            ],
            "limitations": [
                {"text": v.value, "line": v.line} for v in result.provisioning.limitations
            ],
        }
    imported["warnings"] = [{"line": w.line, "message": w.message} for w in result.warnings]
    data["imported"] = imported
    return data


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        # JSON's string escapes are valid TOML basic-string escapes.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(
            f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items() if v is not None
        )
        return "{ " + pairs + " }" if pairs else "{}"
    raise TypeError(f"no TOML for {value!r}")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_\-]+", key) else json.dumps(key)


def _table(lines: list[str], path: str, table: dict[str, Any]) -> None:
    scalars = {k: v for k, v in table.items() if not _is_table(v) and not _is_table_array(v)}
    if path:
        lines.append("")
        lines.append(f"[{path}]")
    for key, value in scalars.items():
        if value is not None:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in table.items():
        sub = f"{path}.{_toml_key(key)}" if path else _toml_key(key)
        if _is_table(value):
            _table(lines, sub, value)
        elif _is_table_array(value):
            for item in value:
                lines.append("")
                lines.append(f"[[{sub}]]")
                for item_key, item_value in item.items():
                    if item_value is not None:
                        lines.append(f"{_toml_key(item_key)} = {_toml_value(item_value)}")


def _is_table(value: Any) -> bool:
    return isinstance(value, dict)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def dumps(result: TutorialImport) -> str:
    lines = [
        f"# Imported by `entra-harness import` from {result.file} (issue 18); `[imported]` holds every",
        "# value with its source line. Review the warnings before trusting the profile.",
    ]
    _table(lines, "", profile(result))
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)  # what is written must read back
    return text


def write(result: TutorialImport, path: Path) -> None:
    path.write_text(dumps(result), encoding="utf-8")
