"""Documents people print or open in a spreadsheet: PDFs through WeasyPrint, workbooks through openpyxl.

PDFs use the CJK font installed on the machine (Noto Sans CJK, Debian's fonts-noto-cjk): without it Chinese
renders as empty boxes with no error, so `pdf_fonts` lets tests check the font is really embedded.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a template extending pdf/base.html to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=None).write_pdf()


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: dict[int, int] = field(default_factory=dict)


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal | int | float | date | str) or value is None:
        return value
    return str(value)


def render_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per entry, a bold frozen header row and sensible column widths."""
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        worksheet.append([str(title) for title in sheet.header])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
        for row in sheet.rows:
            worksheet.append([_cell(value) for value in row])
        for index, title in enumerate(sheet.header, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = sheet.widths.get(
                index, max(10, min(40, len(str(title)) * 2 + 4)))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
