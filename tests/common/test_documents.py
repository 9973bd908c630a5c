import io
import subprocess
from decimal import Decimal

from django.template import engines
from openpyxl import load_workbook

from dispatch.common import documents


def test_pdf_embeds_a_cjk_font_and_keeps_the_chinese_text(tmp_path, monkeypatch):
    template = engines["django"].from_string(
        '{% extends "pdf/base.html" %}{% block content %}<h1>燃气安全检查通知</h1><p>{{ who }}</p>{% endblock %}')
    monkeypatch.setattr(documents, "render_to_string",
                        lambda name, context, request=None: template.render(context, request))

    pdf = documents.render_pdf("unused.html", {"who": "南宁市青秀区 用户"})

    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts, fonts
    assert "燃气安全检查通知" in text and "南宁市青秀区" in text


def test_xlsx_has_a_sheet_per_entry_with_typed_cells():
    data = documents.render_xlsx([
        documents.Sheet("收费", ["片区", "金额"], [["QX-01", Decimal("12.50")], ["QX-02", 3]]),
        documents.Sheet("Empty", ["a"], []),
    ])

    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["收费", "Empty"]
    rows = list(workbook["收费"].iter_rows(values_only=True))
    assert rows == [("片区", "金额"), ("QX-01", 12.5), ("QX-02", 3)]
