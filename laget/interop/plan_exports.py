"""The plan, its tasks and measures as a spreadsheet (CSV or XLSX), for the coordinator and
for whoever on the team may read those categories (plans.access decides, as everywhere).

The selector opens the plan through plans.selectors (refusal as 404, one access-log entry
with purpose "export" per download) and returns rows only: goals and measures as the
person's blocks allow for this reader, tasks only when the reader may read tasks.
Every text cell goes through `cell()`, which defuses spreadsheet formulas (a goal typed as
"=HYPERLINK(...)" must stay text in Excel and LibreOffice)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from laget.core.types import Actor
from laget.plans.access import PlanAccess
from laget.plans.models import Category, ItemBlock, Plan
from laget.plans.selectors import access_or_404, log_read

# What a spreadsheet program may read as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

Row = list[str]


def cell(value: object) -> str:
    """One cell as text that no spreadsheet runs: a leading formula character gets an
    apostrophe in front (shown as text, the apostrophe hidden in Excel)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


@dataclass
class PlanSheets:
    access: PlanAccess
    plan: Plan
    # sheet name -> rows, the first row the column headings
    sheets: dict[str, list[Row]]


def _may_export(access: PlanAccess) -> bool:
    # Emergency access is for reading in an emergency, not for taking copies away.
    return access.purpose != "emergency"


def plan_sheets(*, actor: Actor, plan_id: int, request_id: str = "") -> PlanSheets:
    """The plan's goals, measures and (if the reader may) tasks as rows; one access-log
    entry (purpose export). Five or six queries, whatever the plan's size."""
    access = access_or_404(actor=actor, plan_id=plan_id)
    if not _may_export(access):
        raise PermissionDenied
    plan = access.plan
    blocks = list(plan.blocks.all())
    goals = access.visible(list(plan.goals.order_by("pk")), ItemBlock.Kind.GOAL, blocks)
    measures = access.visible(
        list(plan.measures.select_related("responsible_service", "goal").order_by("pk")),
        ItemBlock.Kind.MEASURE,
        blocks,
    )
    goal_ids = {g.pk for g in goals}
    sheets: dict[str, list[Row]] = {
        _("Plan"): [
            [_("Person"), _("Born"), _("Status"), _("Owner"), _("Period from"), _("Period to")],
            [
                cell(plan.person),
                cell(plan.person.birth_date),
                cell(plan.get_status_display()),
                cell(plan.owner.name),
                cell(plan.period_start),
                cell(plan.period_end),
            ],
        ],
        _("Goals"): [[_("Goal"), _("Life area"), _("Achieved")]]
        + [
            [cell(g.text), cell(g.get_life_area_display()), _("yes") if g.achieved else _("no")]
            for g in goals
        ],
        _("Measures"): [
            [_("Measure"), _("Goal"), _("Responsible"), _("Status"), _("From"), _("To")]
        ]
        + [
            [
                cell(m.title),
                cell(m.goal.text if m.goal_id in goal_ids else ""),
                cell(m.responsible_service.name if m.responsible_service else ""),
                cell(m.get_status_display()),
                cell(m.starts),
                cell(m.ends),
            ]
            for m in measures
        ],
    }
    categories = [str(Category.PLAN)]
    if access.may_read(Category.TASKS):
        tasks = list(
            plan.tasks.select_related("assignee_user", "assignee_service").order_by("due", "pk")
        )
        sheets[_("Tasks")] = [[_("Task"), _("Who"), _("Due"), _("Status")]] + [
            [
                cell(t.title),
                cell(
                    t.assignee_user.get_full_name()
                    if t.assignee_user
                    else (t.assignee_service.name if t.assignee_service else "")
                ),
                cell(t.due),
                cell(t.get_status_display()),
            ]
            for t in tasks
        ]
        categories.append(str(Category.TASKS))
    log_read(access, categories=categories, request_id=request_id, purpose="export")
    return PlanSheets(access=access, plan=plan, sheets=sheets)


def as_csv(sheets: PlanSheets) -> bytes:
    """One CSV file: a first column names the part (plan, goals, measures, tasks), so one
    download holds it all. UTF-8 with BOM and semicolons, as Norwegian Excel opens it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for name, rows in sheets.sheets.items():
        writer.writerow([_("Part"), *rows[0]])
        for row in rows[1:]:
            writer.writerow([name, *row])
        writer.writerow([])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(sheets: PlanSheets) -> bytes:
    """One workbook, a sheet per part. Cells are written as strings explicitly (openpyxl
    would otherwise store a text starting with "=" as a formula)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.sheets.items():
        sheet = book.create_sheet(title=name[:31])
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                target = sheet.cell(row=r, column=c)
                target.value = value
                target.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
