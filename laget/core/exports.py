"""Spreadsheet downloads shared by the apps that export figures (surveys, outcomes, quality)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(rows: Iterable[Sequence[Any]], *, sheet: str, filename: str) -> HttpResponse:
    """One sheet of `rows` as an .xlsx attachment named `filename`."""
    from openpyxl import Workbook  # only when someone downloads

    book = Workbook()
    page = book.active
    page.title = sheet
    for row in rows:
        page.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
