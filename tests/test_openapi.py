"""The OpenAPI schema and its docs page: valid, warning-free, and served without any outside host."""

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from drf_spectacular.validation import validate_schema

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.django_db


def test_schema_is_served_and_valid(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    for path in ["/api/customers/", "/api/customers/{id}/", "/api/premises/", "/api/premises/{id}/",
                 "/api/contacts/", "/api/areas/", "/api/areas/{id}/", "/api/areas/locate/", "/api/offices/",
                 "/api/staff/", "/api/skills/", "/api/auth/token/", "/api/auth/logout/"]:
        assert path in schema["paths"], path
    assert "delete" not in schema["paths"]["/api/customers/{id}/"]
    assert "delete" not in schema["paths"]["/api/premises/{id}/"]
    token = schema["paths"]["/api/auth/token/"]["post"]
    assert {"token", "roles"} <= set(schema["components"]["schemas"]["TokenResponse"]["properties"])
    assert "requestBody" in token


def test_schema_as_json(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    validate_schema(response.json())


def test_schema_generation_has_no_warnings_or_errors(tmp_path):
    target = tmp_path / "schema.yaml"

    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--fail-on-warn", "--validate", "--file", str(target)],
        cwd=ROOT, capture_output=True, text=True, timeout=180)

    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "Error" not in result.stderr, result.stderr
    assert "/api/premises/" in yaml.safe_load(target.read_text())["paths"]


class _Sources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"src", "href"} and value:
                self.sources.append(value)


def test_docs_page_uses_only_local_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    parser = _Sources()
    parser.feed(html)
    assert parser.sources, "the page loads Swagger UI from somewhere"
    for source in parser.sources:
        assert source.startswith("/static/"), source
    for source in parser.sources:
        assert client.get(source).status_code == 200, source
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "unpkg" not in html and "jsdelivr" not in html and "cdnjs" not in html


def test_docs_page_does_not_send_the_schema_to_the_online_validator(client):
    html = client.get("/api/docs/").content.decode()

    # Swagger UI calls validator.swagger.io unless told otherwise.
    assert re.search(r'"validatorUrl":\s*null', html), "validatorUrl must be switched off"
