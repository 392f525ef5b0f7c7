"""The person's own copy of everything Laget holds about them (GDPR art. 15): a ZIP with a
readable PDF and the same records as FHIR R4 JSON, with who has read their plans (the
access log) and their consents.

Only the person themself gets it (the logged-in user who *is* the Person): a parent or a
guardian who holds the person's controls on the plan does not get this copy here (see
docs/architecture.md, "Exports people ask for"). One access-log entry per download,
purpose export. A fixed number of queries whatever the number of plans, items and reads:
every list is read with one query (prefetches across the person's plans).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from laget.audit.models import AccessLogEntry
from laget.audit.services import access_log_write
from laget.continuity.models import Perspective
from laget.core.types import Actor
from laget.meetings.models import Meeting
from laget.outcomes.models import Rating
from laget.plans.models import (
    Attachment,
    Consent,
    CrisisPlan,
    Measure,
    Message,
    Person,
    Plan,
    Task,
    TeamMember,
)
from laget.plans.pdf import render_pdf

from . import resources as fhir

# The entry's category: short, the access log's column holds 32 characters.
COPY_CATEGORY = "copy"


@dataclass
class PersonCopy:
    person: Person
    plans: list[
        Any
    ]  # Plans, with all_measures, all_tasks, whole_team, all_messages, all_meetings, ...
    consents: list[Consent]
    reads: list[AccessLogEntry]
    made_at: dt.datetime
    attachments: list[Attachment]
    login_email: str


def person_copy(*, actor: Actor, request_id: str = "") -> PersonCopy:
    """Everything about the logged-in person; 404 for anyone who is not a person in Laget.
    Written to the access log once (purpose export)."""
    person = Person.objects.filter(user=actor).first() if actor.is_authenticated else None
    if person is None:
        raise Http404
    plans = list(
        Plan.objects.filter(person=person)
        .select_related("owner")
        .prefetch_related(
            "goals",
            Prefetch(
                "measures",
                queryset=Measure.objects.select_related("responsible_service").order_by("pk"),
                to_attr="all_measures",
            ),
            Prefetch(
                "tasks",
                queryset=Task.objects.select_related("assignee_user", "assignee_service").order_by(
                    "due", "pk"
                ),
                to_attr="all_tasks",
            ),
            Prefetch(
                "team",
                queryset=TeamMember.objects.select_related(
                    "user__professional", "service__organisation"
                ).order_by("joined_at", "pk"),
                to_attr="whole_team",
            ),
            Prefetch(
                "messages",
                queryset=Message.objects.order_by("created_at", "pk"),
                to_attr="all_messages",
            ),
            # What other apps hold about the plan: meetings and their decisions, the
            # outcome ratings, and how each on the team sees it.
            Prefetch(
                "meetings",
                queryset=Meeting.objects.prefetch_related("decisions").order_by("starts_at"),
                to_attr="all_meetings",
            ),
            Prefetch(
                "ratings",
                queryset=Rating.objects.select_related("service").order_by("date", "pk"),
                to_attr="all_ratings",
            ),
            Prefetch(
                "perspectives",
                queryset=Perspective.objects.order_by("created_at", "pk"),
                to_attr="all_perspectives",
            ),
        )
        .order_by("pk")
    )
    crisis = {c.plan_id: c for c in CrisisPlan.objects.filter(plan__person=person)}
    for plan in plans:
        plan.person = person  # the mapping reads plan.person; it is this one
        plan.the_crisis_plan = crisis.get(plan.pk)  # type: ignore[attr-defined]
    consents = list(
        Consent.objects.filter(person=person)
        .select_related("to_service", "to_organisation", "to_relative")
        .order_by("-recorded_at", "pk")
    )
    reads = list(AccessLogEntry.objects.filter(person_id=person.pk).order_by("-at", "-pk"))
    # One query whether there are messages or not (a prefetch would skip it when empty).
    attachments = list(
        Attachment.objects.filter(message__plan__person=person)
        .select_related("message")
        .order_by("created_at", "pk")
    )
    access_log_write(
        actor=actor,
        actor_name=actor.get_full_name() or actor.email,
        actor_role="",
        actor_service="",
        person_id=person.pk,
        category=COPY_CATEGORY,
        purpose=AccessLogEntry.Purpose.EXPORT,
        request_id=request_id,
    )
    return PersonCopy(person, plans, consents, reads, timezone.now(), attachments, actor.email)


def fhir_bundle(copy: PersonCopy) -> dict[str, Any]:
    """The person and their plans as one FHIR collection Bundle, through the interop
    mapping (interop/resources.py) as the FHIR API serves them; the person sees everything
    in their own plans, so nothing is blocked or left out by consent."""
    resources: list[fhir.Resource] = [fhir.patient(copy.person)]
    organisations: dict[int, Any] = {}
    plan: Any
    for plan in copy.plans:
        goals = list(plan.goals.all())
        active = [m for m in plan.whole_team if m.left_at is None]
        resources.append(fhir.careplan(plan, goals, plan.all_measures))
        resources.append(fhir.careteam(plan, active))
        resources.extend(fhir.goal(g, copy.person.pk) for g in goals)
        resources.extend(fhir.task(t, plan) for t in plan.all_tasks)
        organisations[plan.owner_id] = plan.owner
        for member in active:
            if member.service_id:
                org = member.service.organisation
                organisations[org.pk] = org
    resources.extend(fhir.organization(o) for o in organisations.values())
    return fhir.bundle("collection", resources)


def _consent_row(consent: Consent) -> dict[str, Any]:
    receiver = consent.to_service or consent.to_organisation or consent.to_relative
    return {
        "to": str(receiver.get_full_name() if consent.to_relative else receiver),  # type: ignore[union-attr]
        "categories": list(consent.categories),
        "valid_from": consent.valid_from.isoformat(),
        "valid_to": consent.valid_to.isoformat(),
        "method": consent.method,
        "recorded_at": consent.recorded_at.isoformat(),
        "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
    }


def _read_row(entry: AccessLogEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "who": entry.actor_name,
        "role": entry.actor_role,
        "service": entry.actor_service,
        "what": entry.category,
        "purpose": entry.purpose,
    }


def _attachment_path(attachment: Attachment) -> str:
    name = attachment.name.replace("/", "_").replace("\\", "_") or "vedlegg"
    return f"vedlegg/{attachment.pk}-{name}"


def _attachment_bytes(attachment: Attachment) -> bytes:
    """The file as stored; a file gone from storage is said so in plain words instead."""
    try:
        with attachment.file.open("rb") as handle:
            return handle.read()
    except OSError:
        return (gettext("This file is no longer in Laget.") + "\n").encode()


def as_html(copy: PersonCopy, *, request: Any = None) -> str:
    """The copy to read, as the HTML the PDF is made from."""
    return render_to_string(
        "interop/person_copy.html",
        {"copy": copy, "consents": [_consent_row(c) for c in copy.consents], "reads": copy.reads},
        request=request,
    )


def as_zip(copy: PersonCopy, *, request: Any = None) -> bytes:
    """innsyn.pdf (to read), fhir.json (a FHIR R4 Bundle), samtykker.json and
    tilgangslogg.json (the consents and the access log, machine-readable), and the
    messages' attachments under vedlegg/."""
    consents = [_consent_row(c) for c in copy.consents]
    reads = [_read_row(e) for e in copy.reads]
    html = as_html(copy, request=request)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("innsyn.pdf", render_pdf(html))
        archive.writestr("fhir.json", json.dumps(fhir_bundle(copy), ensure_ascii=False, indent=1))
        archive.writestr("samtykker.json", json.dumps(consents, ensure_ascii=False, indent=1))
        archive.writestr("tilgangslogg.json", json.dumps(reads, ensure_ascii=False, indent=1))
        for attachment in copy.attachments:
            archive.writestr(_attachment_path(attachment), _attachment_bytes(attachment))
    return buffer.getvalue()
