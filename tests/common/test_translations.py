"""The zh-hans message catalogue: complete, not fuzzy, compiled, and used by the labels and pages."""

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from dispatch.common.roles import Role
from dispatch.workorders.models import Priority, SlaState, Status

LC_MESSAGES = Path(settings.BASE_DIR) / "dispatch" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGcou]|\{[A-Za-z0-9_]*\}|</?[a-zA-Z][^>]*>")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a quoted PO string: {text!r}"
    return re.sub(r"\\(.)", lambda match: ESCAPES.get(match.group(1), match.group(1)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """A small reader for the PO files gettext writes (obsolete '#~' entries are left out)."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def finish():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if target is not None and target[0] == "msgstr":
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation line outside an entry"
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, kind, (getattr(entry, kind) or "") + _unquote(line))
        else:
            keyword, _, value = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()
            if not entry.line:
                entry.line = number
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
                entry.msgstr[index] = _unquote(value)
                target = ("msgstr", index)
            elif keyword in ("msgctxt", "msgid", "msgid_plural"):
                setattr(entry, keyword, _unquote(value))
                target = (keyword, None)
            else:
                raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    parsed = parse_po(PO_FILE)
    assert len(parsed) > 100, "the catalogue looks truncated"
    return parsed


def _messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.msgid]


def test_header_declares_simplified_chinese_and_is_not_fuzzy(entries):
    header = next(entry for entry in entries if entry.msgid == "" and entry.msgctxt is None)
    assert "fuzzy" not in header.flags
    assert "Language: zh_Hans\n" in header.msgstr[0]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.msgstr[0]


def test_every_message_is_translated_and_none_is_fuzzy(entries):
    untranslated = [entry.msgid for entry in _messages(entries) if not all(entry.msgstr.values())]
    fuzzy = [entry.msgid for entry in _messages(entries) if "fuzzy" in entry.flags]
    assert untranslated == []
    assert fuzzy == []


def test_plural_entries_have_the_one_chinese_form(entries):
    for entry in _messages(entries):
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == [0], entry.msgid


def test_translations_keep_their_placeholders(entries):
    for entry in _messages(entries):
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstr.values():
            assert sorted(PLACEHOLDER.findall(text)) == expected, entry.msgid


def test_compiled_catalogue_matches_the_po_file(entries):
    """django.mo is committed; a stale one would show English (or old wording) for what the .po translates."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in _messages(entries):
        if entry.msgid_plural is not None:
            got = (compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1) if entry.msgctxt
                   else compiled.ngettext(entry.msgid, entry.msgid_plural, 1))
        else:
            got = (compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt
                   else compiled.gettext(entry.msgid))
        if got != entry.msgstr[0]:
            stale.append(entry.msgid)
    assert stale == [], "run: python manage.py compilemessages -l zh_Hans --ignore=.venv"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_po_file_passes_msgfmt_checks(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "--check-domain", "-o", str(tmp_path / "django.mo"),
         str(PO_FILE)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_key_labels_come_out_in_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Work orders") == "工单"
        assert str(Status.NEW.label) == "新建"
        assert str(Status.COMPLETED.label) == "已完成"
        assert str(Priority.EMERGENCY.label) == "抢险抢修"
        assert str(SlaState.AT_RISK.label) == "即将超时"
        assert str(SlaState.BREACHED.label) == "已超时"
        assert str(Role.AGENT.label) == "客服专员"
        assert str(Role.DISPATCHER.label) == "调度员"
        assert str(Role.TECHNICIAN.label) == "技术员"
        assert str(Role.SAFETY_OFFICER.label) == "专职安全员"
        for choices in (Status, Priority, SlaState, Role):
            for value, label in choices.choices:
                assert CJK.search(str(label)), f"{choices.__name__}.{value} is not translated: {label}"
    with translation.override("en"):
        assert str(Status.NEW.label) == "New"


@pytest.mark.django_db
def test_sign_in_page_follows_accept_language(client, settings):
    settings.LANGUAGE_CODE = "en"  # so the Chinese below comes from the browser's preference, not the default

    chinese = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 200
    assert chinese["Content-Language"] == "zh-hans"
    assert "登录" in chinese.content.decode()

    client.cookies.clear()
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    page = english.content.decode()
    assert "Sign in" in page
    assert "登录" not in page
