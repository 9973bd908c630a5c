"""The technician's mobile web view: the app shell, its manifest and service worker, offline-safe and translated."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "dispatch" / "static" / "mobile"
EXTERNAL = re.compile(r"(?:https?:)?//(?!testserver[/:\"'])[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
URL_ATTRS = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.fixture
def en_default(settings):
    settings.LANGUAGE_CODE = "en"


def _shipped_files() -> list[Path]:
    return sorted(path for path in STATIC.rglob("*") if path.suffix in {".js", ".css", ".json", ".webmanifest"})


def test_the_shell_links_its_manifest_styles_and_scripts_all_served_locally(client, en_default):
    response = client.get("/m/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<link rel="manifest" href="/m/manifest.webmanifest">' in page
    urls = URL_ATTRS.findall(page)
    assert "/static/mobile/app.css" in urls and "/static/mobile/icons/apple-touch-icon.png" in urls
    assert '<script src="/static/mobile/app.js" defer></script>' in page
    for url in urls:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), f"{url} is linked but not shipped"
        else:
            assert url.startswith(("/m/", "?lang=")), url
    config = json.loads(re.search(r'<script id="m-config" type="application/json">(.*?)</script>', page).group(1))
    assert config["api"] == "/m/api/v1/" and config["sw"] == "/m/sw.js" and config["scope"] == "/m/"


def test_nothing_shipped_points_at_another_host(client, en_default):
    texts = {"/m/": client.get("/m/").content.decode(), "/m/sw.js": client.get("/m/sw.js").content.decode(),
             "/m/manifest.webmanifest": client.get("/m/manifest.webmanifest").content.decode()}
    texts.update({str(path): path.read_text(encoding="utf-8") for path in _shipped_files()})

    assert len(texts) >= 6
    for name, text in texts.items():
        assert "http://" not in text and "https://" not in text, name
        assert not EXTERNAL.findall(text), (name, EXTERNAL.findall(text))


def test_manifest_is_valid_json_with_icons_that_exist(client):
    response = client.get("/m/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["start_url"] == manifest["scope"] == "/m/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"]
    sizes = set()
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])


def test_service_worker_is_javascript_allowed_to_control_the_app_and_caches_the_shell(client):
    response = client.get("/m/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/m/"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script).group(1))
    assert {"/m/", "/m/manifest.webmanifest", "/static/mobile/app.js", "/static/mobile/store.js",
            "/static/mobile/app.css", "/static/mobile/icons/icon-192.png"} <= set(precache)
    for url in precache:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    version = re.search(r'const VERSION = "([0-9a-f]{12})"', script)
    assert version and version.group(1) in client.get("/m/").content.decode()


def test_shell_and_manifest_come_in_chinese(client, en_default):
    response = client.get("/m/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in page
    assert ">登录</button>" in page and "退出登录" in page and "客户签名" not in page
    assert '<span data-key="signature">用户签名</span>' in page
    assert '<span data-key="access_notes">入户须知</span>' in page
    assert '<span data-key="my_day">今日工单</span>' in page
    assert '<span data-key="start_travel">出发</span>' in page
    assert '<span data-key="offline_waiting">离线 — 待发送操作：{n}</span>' in page
    labels = json.loads(re.search(r'<script id="m-labels" type="application/json">(.*?)</script>', page).group(1))
    assert labels["status"]["completed"] == "已完成"
    assert labels["priority"]["emergency"] == "抢险抢修"
    assert ["no_access", "到访不遇"] in labels["unable_reasons"]
    manifest = json.loads(client.get("/m/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="zh-hans").content)
    assert manifest["lang"] == "zh-hans"


def test_english_shell_has_no_chinese_labels(client, en_default):
    page = client.get("/m/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en">' in page
    assert ">Sign in</button>" in page and "登录" not in page
    assert ">简体中文</a>" in page  # each language offered in its own name


def test_language_choice_is_kept_in_djangos_cookie(client, en_default):
    chosen = client.get("/m/?lang=zh-hans", HTTP_ACCEPT_LANGUAGE="en")

    assert chosen.status_code == 302 and chosen["Location"] == "/m/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert '<html lang="zh-hans">' in client.get("/m/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    ignored = client.get("/m/?lang=xx")
    assert ignored.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_every_string_the_script_shows_is_rendered_by_the_template(client, en_default):
    page = client.get("/m/").content.decode()
    script = (STATIC / "app.js").read_text(encoding="utf-8")

    rendered = set(re.findall(r'<span data-key="([a-z_]+)">', page))
    used = set(re.findall(r'\bt\("([a-z_]+)"', script))
    used |= {"yes", "no"}  # yesNo() looks these up by value
    assert used, "no t(...) calls found"
    assert used - rendered == set()


def test_the_shell_needs_no_sign_in_and_holds_no_personal_data(client, en_default):
    response = client.get("/m/")

    assert response.status_code == 200
    assert "Token " not in response.content.decode()
    assert response["Cache-Control"] == "no-cache"
