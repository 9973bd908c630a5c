import ast
from pathlib import Path

import pytest

from dispatch.workorders import kinds
from dispatch.workorders.kinds import WorkOrderKind

ROOT = Path(__file__).resolve().parents[2]
# DESIGN.md: each layer imports only the layers before it.
LAYERS = ["common", "org", "customers", "workorders", {"servicedesk", "meters", "arrears", "safety", "hse"},
          "reports"]


def test_a_kind_code_cannot_be_claimed_by_two_apps():
    with pytest.raises(ValueError, match="already registered"):
        kinds.register(WorkOrderKind(code="repair", label="Repair", app_label="meters", default_duration_minutes=5))


def test_every_kind_declares_a_completion_payload_and_known_priority():
    from dispatch.workorders.models import Priority

    for kind in kinds.all_kinds():
        assert kind.completion_serializer is not None, kind.code
        assert kind.default_priority in Priority.values, kind.code
        assert set(kind.sla) <= set(Priority.values), kind.code


def _imported_apps(package: str) -> set[str]:
    found = set()
    for path in (ROOT / "dispatch" / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            found |= {name.split(".")[1] for name in names if name.startswith("dispatch.") and name.count(".")}
    return found


def _rank(app: str) -> int:
    for position, layer in enumerate(LAYERS):
        if app == layer or (isinstance(layer, set) and app in layer):
            return position
    return len(LAYERS)


@pytest.mark.parametrize("app", ["common", "org", "customers", "workorders", "servicedesk", "meters", "arrears",
                                 "safety"])
def test_layers_import_only_the_layers_before_them(app):
    allowed_rank = _rank(app)
    upward = {other for other in _imported_apps(app) - {app, "celery", "settings"}
              if _rank(other) > allowed_rank or (_rank(other) == allowed_rank and other != app
                                                   and isinstance(LAYERS[allowed_rank], set))}

    assert not upward, f"dispatch.{app} imports {sorted(upward)}"
