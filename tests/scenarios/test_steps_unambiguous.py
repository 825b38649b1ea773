"""Every step of every feature matches exactly one step definition: with two, pytest-bdd would
silently pick one (a broad `{app}` pattern can swallow a longer step written for another case)."""

from __future__ import annotations

from pathlib import Path

from pytest_bdd.parser import FeatureParser
from pytest_bdd.scenario import step_function_context_registry

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ROOT / "features"


def test_each_feature_step_has_one_definition() -> None:
    # The root conftest's pytest_plugins have loaded every step module by now.
    definitions = list(step_function_context_registry.values())
    problems = []
    checked = 0
    for path in sorted(FEATURES.rglob("*.feature")):
        feature = FeatureParser(str(FEATURES), str(path.relative_to(FEATURES))).parse()
        steps = []
        for template in feature.scenarios.values():
            # Outlines are matched as pytest-bdd runs them: each Examples row rendered in.
            contexts = [c for e in template.examples for c in e.as_contexts()] or [{}]
            steps += [s for c in contexts for s in template.render(c).steps]
        for step in dict.fromkeys(steps):
            checked += 1
            matching = [
                f"{d.step_func.__module__}.{d.step_func.__name__}"
                for d in definitions
                if d.type in (None, step.type) and d.parser.is_matching(step.name)
            ]
            if len(matching) != 1:
                problems.append(
                    f"{path.name}:{step.line_number} {step.type} {step.name!r}: {matching}"
                )
    assert checked > 100
    assert not problems, "\n".join(dict.fromkeys(problems))
