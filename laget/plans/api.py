"""The plan under /api/v1/plans: the same selectors and services as the pages, so the same
access rules and the same access log (one entry per request). Refusals are 404."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from laget.audit.services import EditConflict
from laget.core.validation import MAX_PAGE
from laget.directory.models import LONG_TEXT
from laget.plans import lifecycle_api, message_selectors, selectors, services
from laget.plans.models import Category, Measure, Task

router = Router(tags=["plans"], auth=django_auth)


class PlanListItem(Schema):
    id: int
    person: str
    status: str
    my_role: str


class GoalOut(Schema):
    id: int
    text: str
    life_area: str
    achieved: bool


class MeasureOut(Schema):
    id: int
    title: str
    responsible_service: str | None
    scope: str
    how: str
    starts: dt.date | None
    ends: dt.date | None
    status: str
    goal_id: int | None


class TeamMemberOut(Schema):
    name: str
    role: str
    service: str | None


class TaskOut(Schema):
    id: int
    title: str
    assignee: str | None
    assignee_service: str | None
    due: dt.date
    status: str
    overdue: bool


class MessageOut(Schema):
    id: int
    author_name: str
    author_role: str
    author_service: str
    body: str
    created_at: dt.datetime
    reply_to_id: int | None
    corrects_id: int | None


class PlanOut(Schema):
    id: int
    person: str
    status: str
    owner: str
    period_start: dt.date | None
    period_end: dt.date | None
    next_revision: dt.date | None
    resources: str
    needs: str
    person_contribution: str
    relatives_contribution: str
    cooperation: str
    consent_given: bool
    goals: list[GoalOut]
    measures: list[MeasureOut]
    team: list[TeamMemberOut]
    tasks: list[TaskOut] | None = Field(None, description="Absent without consent for tasks")


class MessagePage(Schema):
    count: int | None = Field(
        None, description="Messages in all; only when paged by number (absent with `before`)"
    )
    page: int | None = Field(None, description="Page number; absent with `before`")
    pages: int | None = Field(None, description="Pages in all; absent with `before`")
    items: list[MessageOut]
    next: str | None = Field(
        None,
        description="Cursor of the next, older page: pass it as `before`. Absent on the last "
        "page. Paging by cursor costs the same however long the wall; page numbers count it.",
    )


class PageIn(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)


class MessagesIn(PageIn):
    before: str = Field(
        "", max_length=40, description="A `next` cursor: the page of messages older than it"
    )


class MessageIn(Schema):
    body: str = Field(..., max_length=LONG_TEXT)
    reply_to: int | None = None


def _rid(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


def _measure(m) -> MeasureOut:
    return MeasureOut(
        id=m.pk,
        title=m.title,
        responsible_service=m.responsible_service.name if m.responsible_service else None,
        scope=m.scope,
        how=m.how,
        starts=m.starts,
        ends=m.ends,
        status=m.status,
        goal_id=m.goal_id,
    )


def _task(t) -> TaskOut:
    return TaskOut(
        id=t.pk,
        title=t.title,
        assignee=t.assignee_user.get_full_name() if t.assignee_user else None,
        assignee_service=t.assignee_service.name if t.assignee_service else None,
        due=t.due,
        status=t.status,
        overdue=t.overdue,
    )


def _message(m) -> MessageOut:
    return MessageOut(
        id=m.pk,
        author_name=m.author_name,
        author_role=m.author_role,
        author_service=m.author_service,
        body=m.body,
        created_at=m.created_at,
        reply_to_id=m.reply_to_id,
        corrects_id=m.corrects_id,
    )


@router.get("/plans", response=list[PlanListItem])
def list_plans(request: HttpRequest):
    return [
        PlanListItem(
            id=place.plan_id,
            person=str(place.plan.person),
            status=place.plan.status,
            my_role=place.role,
        )
        for place in selectors.my_plans(actor=request.user, request_id=_rid(request))
    ]


class AwaitingConsentOut(Schema):
    awaiting_consent: int = Field(
        ...,
        description=(
            "How many plans you are on the team of but may not read until the person gives "
            "your service a consent. They are not in GET /plans: nothing names the person."
        ),
    )


@router.get("/plans/awaiting-consent", response=AwaitingConsentOut)
def plans_awaiting_consent(request: HttpRequest):
    return AwaitingConsentOut(awaiting_consent=selectors.awaiting_consent_count(actor=request.user))


@router.get("/plans/{plan_id}", response=PlanOut)
def get_plan(request: HttpRequest, plan_id: int):
    # Log what was shown, no more: the answer carries the plan (goals, measures, team) and
    # the tasks, so only those are read and logged; never messages or health details.
    page = selectors.plan_page(
        actor=request.user,
        plan_id=plan_id,
        request_id=_rid(request),
        shows=(Category.PLAN, Category.TASKS),
        manage=False,
    )
    plan = page.plan
    return PlanOut(
        id=plan.pk,
        person=str(plan.person),
        status=plan.status,
        owner=plan.owner.name,
        period_start=plan.period_start,
        period_end=plan.period_end,
        next_revision=plan.next_revision,
        resources=plan.resources,
        needs=plan.needs,
        person_contribution=plan.person_contribution,
        relatives_contribution=plan.relatives_contribution,
        cooperation=plan.cooperation,
        consent_given=plan.consent_given_at is not None,
        goals=[GoalOut.from_orm(g) for g in page.goals],
        measures=[_measure(m) for m in page.measures],
        team=[
            TeamMemberOut(
                name=m.user.get_full_name(),
                role=m.role,
                service=m.service.name if m.service else None,
            )
            for m in page.team
        ],
        tasks=[_task(t) for t in page.tasks] if page.tasks is not None else None,
    )


@router.get("/plans/{plan_id}/messages", response=MessagePage)
def list_messages(request: HttpRequest, plan_id: int, page: Query[MessagesIn]):
    """Newest first. Page by cursor (`before` = the last answer's `next`); `page` numbers
    (with `count` and `pages`) stay for older clients."""
    result = message_selectors.messages_page(
        actor=request.user,
        plan_id=plan_id,
        before=page.before,
        page_number=None if page.before else page.page,
        request_id=_rid(request),
    )
    items = [_message(m) for m in result.messages]
    if result.page is None:
        return MessagePage(
            count=None, page=None, pages=None, items=items, next=result.next_before or None
        )
    return MessagePage(
        count=result.page.paginator.count,
        page=result.page.number,
        pages=result.page.paginator.num_pages,
        items=items,
        next=result.next_before or None,
    )


@router.post("/plans/{plan_id}/messages", response={201: MessageOut})
def post_message(request: HttpRequest, plan_id: int, payload: MessageIn):
    access = selectors.access_or_404(
        actor=request.user, plan_id=plan_id, category=Category.MESSAGES
    )
    reply_to = None
    if payload.reply_to is not None:
        reply_to = access.plan.messages.filter(pk=payload.reply_to).first()
        if reply_to is None:
            raise HttpError(422, "Meldingen du svarer på, finnes ikke i denne planen.")
    try:
        message = services.message_post(
            actor=request.user, plan=access.plan, body=payload.body, reply_to=reply_to
        )
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    return Status(201, _message(message))


# POST /plans (open a draft plan) shares the path with GET /plans above, so it is added to
# this router; the rest of the life cycle has its own (plans/lifecycle_api.py).
router.post(
    "/plans",
    response={201: lifecycle_api.PlanOpened},
    url_name="open_plan",
    summary="Open a draft plan",
)(lifecycle_api.open_plan)
# --- Each role its own controls: the same rules as the pages (access.py, services) ---


class MeasureStatusIn(Schema):
    status: str = Field(..., description="planned, ongoing, done or stopped")
    version: int = Field(..., description="The version the change is based on")


class TaskDoneIn(Schema):
    version: int = Field(..., description="The version the change is based on")


def _refusal(exc: PermissionDenied) -> HttpError:
    return HttpError(403, str(exc) or "Du har ikke lov til å gjøre dette.")


@router.patch("/plans/{plan_id}/measures/{measure_id}", response=MeasureOut)
def update_measure_status(
    request: HttpRequest, plan_id: int, measure_id: int, payload: MeasureStatusIn
):
    """Only the responsible service changes a measure's status; the person and relatives
    comment through messages instead (403 with the reason)."""
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id)
    measure = access.plan.measures.filter(pk=measure_id).first()
    if measure is None:
        raise HttpError(404, "Tiltaket finnes ikke i denne planen.")
    if payload.status not in Measure.Status.values:
        raise HttpError(422, "Velg en status: planned, ongoing, done eller stopped.")
    try:
        updated = services.measure_update(
            actor=request.user,
            measure=measure,
            based_on_version=payload.version,
            data={"status": payload.status},
        )
    except PermissionDenied as exc:
        raise _refusal(exc) from exc
    except EditConflict as exc:
        raise HttpError(409, "Noen endret tiltaket før deg. Hent det på nytt.") from exc
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    return _measure(Measure.objects.select_related("responsible_service").get(pk=updated.pk))


@router.post("/plans/{plan_id}/tasks/{task_id}/done", response=TaskOut)
def complete_task(request: HttpRequest, plan_id: int, task_id: int, payload: TaskDoneIn):
    """Only the one the task is given to, or the coordinator, closes it (403 otherwise)."""
    access = selectors.access_or_404(actor=request.user, plan_id=plan_id, category=Category.TASKS)
    task = access.plan.tasks.filter(pk=task_id).first()
    if task is None:
        raise HttpError(404, "Oppgaven finnes ikke i denne planen.")
    try:
        done = services.task_complete(
            actor=request.user, task=task, based_on_version=payload.version
        )
    except PermissionDenied as exc:
        raise _refusal(exc) from exc
    except EditConflict as exc:
        raise HttpError(409, "Noen endret oppgaven før deg. Hent den på nytt.") from exc
    return _task(Task.objects.select_related("assignee_user", "assignee_service").get(pk=done.pk))
