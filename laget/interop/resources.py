"""Laget's records as FHIR R4 resources (plain dicts, validated with fhir.resources R4B in
the tests), with the Norwegian identifier systems (shared/design/domain.md).

Pure functions: they read only what they are given. The selectors decide what may be read
and log the read; nothing here touches the database beyond already loaded relations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from laget.core.identifiers import NationalIdKind, national_id_kind

# Norwegian identifier systems (Volven OIDs).
FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
DNR = "urn:oid:2.16.578.1.12.4.1.4.2"
FHN = "urn:oid:2.16.578.1.12.4.1.4.3"
HPR = "urn:oid:2.16.578.1.12.4.1.4.4"
ENH = "urn:oid:2.16.578.1.12.4.1.4.101"
# Laget's own ids, so an import can recognise what came from Laget.
LAGET = "https://laget.invalid/fhir/id"

Resource = dict[str, Any]


def national_id_system(number: str) -> str:
    kind = national_id_kind(number)
    if kind == NationalIdKind.D_NUMBER:
        return DNR
    if kind == NationalIdKind.COMMON_HELP_NUMBER:
        return FHN
    # Birth numbers, and Skatteetaten's synthetic test numbers (which are birth numbers).
    return FNR


def _meta(updated: dt.datetime | None) -> dict[str, Any]:
    return {"lastUpdated": updated.isoformat()} if updated else {}


def _laget_id(kind: str, pk: int) -> dict[str, str]:
    return {"system": f"{LAGET}/{kind}", "value": str(pk)}


def organization(org: Any) -> Resource:
    return {
        "resourceType": "Organization",
        "id": str(org.pk),
        "identifier": [{"system": ENH, "value": org.org_number}],
        "active": True,
        "name": org.name,
    }


def patient(person: Any) -> Resource:
    identifiers = [_laget_id("person", person.pk)]
    if person.national_id:
        identifiers.insert(
            0, {"system": national_id_system(person.national_id), "value": person.national_id}
        )
    resource: Resource = {
        "resourceType": "Patient",
        "id": str(person.pk),
        "identifier": identifiers,
        "name": [{"family": person.last_name, "given": [person.first_name]}],
        "birthDate": person.birth_date.isoformat(),
        "communication": [
            {
                "language": {
                    "coding": [{"system": "urn:ietf:bcp:47", "code": person.preferred_language}]
                }
            }
        ]
        if person.preferred_language != "other"
        else [],
    }
    telecom = []
    if person.phone:
        telecom.append({"system": "phone", "value": person.phone})
    if person.email:
        telecom.append({"system": "email", "value": person.email})
    if telecom:
        resource["telecom"] = telecom
    if not resource["communication"]:
        del resource["communication"]
    return resource


GOAL_STATUS = {True: "achieved", False: "in-progress"}


def _life_area(value: str) -> str:
    # A dict lookup, not get_life_area_display() (which rebuilds its choices every call):
    # the bulk export maps tens of thousands of goals.
    from laget.plans.models import Goal

    try:
        return str(Goal.LifeArea(value).label)
    except ValueError:
        return value


def goal(g: Any, person_id: int) -> Resource:
    return {
        "resourceType": "Goal",
        "id": str(g.pk),
        "identifier": [_laget_id("goal", g.pk)],
        "lifecycleStatus": "completed" if g.achieved else "active",
        "achievementStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                    "code": GOAL_STATUS[bool(g.achieved)],
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": f"{LAGET}/life-area",
                        "code": g.life_area,
                        "display": _life_area(g.life_area),
                    }
                ],
                "text": _life_area(g.life_area),
            }
        ],
        "description": {"text": g.text},
        "subject": {"reference": f"Patient/{person_id}"},
    }


MEASURE_STATUS = {
    "planned": "not-started",
    "ongoing": "in-progress",
    "done": "completed",
    "stopped": "stopped",
}
PLAN_STATUS = {"draft": "draft", "active": "active", "closed": "completed"}


def _performer(service: Any) -> list[dict[str, Any]]:
    if service is None:
        return []
    return [
        {
            "reference": f"Organization/{service.organisation_id}",
            # The service itself, by its short name: an import finds it again.
            "identifier": {"system": f"{LAGET}/service", "value": service.slug},
            "display": f"{service.name}",
        }
    ]


def careplan(plan: Any, goals: list[Any], measures: list[Any]) -> Resource:
    """The individual plan; its goals as Goal references and its measures as activities."""
    period: dict[str, str] = {}
    if plan.period_start:
        period["start"] = plan.period_start.isoformat()
    if plan.period_end:
        period["end"] = plan.period_end.isoformat()
    resource: Resource = {
        "resourceType": "CarePlan",
        "id": str(plan.pk),
        "meta": _meta(plan.updated_at),
        "identifier": [_laget_id("plan", plan.pk)],
        "status": PLAN_STATUS.get(plan.status, "unknown"),
        "intent": "plan",
        "title": "Individuell plan",
        "subject": {"reference": f"Patient/{plan.person_id}"},
        "author": {"reference": f"Organization/{plan.owner_id}", "display": plan.owner.name},
        "careTeam": [{"reference": f"CareTeam/{plan.pk}"}],
        "goal": [{"reference": f"Goal/{g.pk}"} for g in goals],
        "activity": [
            {
                "detail": {
                    "status": MEASURE_STATUS.get(m.status, "unknown"),
                    "description": m.title + (f" ({m.scope})" if m.scope else ""),
                    **({"goal": [{"reference": f"Goal/{m.goal_id}"}]} if m.goal_id else {}),
                    **(
                        {"performer": _performer(m.responsible_service)}
                        if m.responsible_service_id
                        else {}
                    ),
                    **(
                        {
                            "scheduledPeriod": {
                                k: v.isoformat()
                                for k, v in (("start", m.starts), ("end", m.ends))
                                if v
                            }
                        }
                        if m.starts or m.ends
                        else {}
                    ),
                }
            }
            for m in measures
        ],
    }
    if period:
        resource["period"] = period
    if not resource["meta"]:
        del resource["meta"]
    if not resource["goal"]:
        del resource["goal"]
    if not resource["activity"]:
        del resource["activity"]
    return resource


TASK_STATUS = {"open": "requested", "done": "completed"}


def task(t: Any, plan: Any) -> Resource:
    resource: Resource = {
        "resourceType": "Task",
        "id": str(t.pk),
        "identifier": [_laget_id("task", t.pk)],
        "basedOn": [{"reference": f"CarePlan/{plan.pk}"}],
        "status": TASK_STATUS.get(t.status, "requested"),
        "intent": "plan",
        "description": t.title,
        "for": {"reference": f"Patient/{plan.person_id}"},
        "authoredOn": t.created_at.isoformat(),
        "restriction": {"period": {"end": t.due.isoformat()}},
    }
    if t.assignee_service_id:
        resource["owner"] = {
            "reference": f"Organization/{t.assignee_service.organisation_id}",
            "display": t.assignee_service.name,
        }
    elif t.assignee_user_id:
        resource["owner"] = {"display": str(t.assignee_user)}
    return resource


def careteam(plan: Any, team: list[Any]) -> Resource:
    participants = []
    for member in team:
        entry: dict[str, Any] = {
            "role": [{"text": member.get_role_display()}],
            "member": {"display": member.user.get_full_name() or "–"},
        }
        professional = getattr(member.user, "professional", None)
        if professional is not None and professional.hpr_number:
            entry["member"]["identifier"] = {"system": HPR, "value": professional.hpr_number}
        if member.service_id:
            entry["onBehalfOf"] = {
                "reference": f"Organization/{member.service.organisation_id}",
                "display": member.service.name,
            }
        participants.append(entry)
    resource: Resource = {
        "resourceType": "CareTeam",
        "id": str(plan.pk),
        "status": "active" if plan.status != "closed" else "inactive",
        "name": "Ansvarsgruppe",
        "subject": {"reference": f"Patient/{plan.person_id}"},
        "managingOrganization": [{"reference": f"Organization/{plan.owner_id}"}],
    }
    if participants:
        resource["participant"] = participants
    return resource


def bundle(
    kind: str, resources: list[Resource], *, links: dict[str, str] | None = None
) -> Resource:
    result: Resource = {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [
            {
                "fullUrl": f"{r['resourceType']}/{r['id']}",
                "resource": r,
                **({"search": {"mode": "match"}} if kind == "searchset" else {}),
            }
            for r in resources
        ],
    }
    if kind == "searchset":
        result["total"] = len(resources)
    if links:
        result["link"] = [{"relation": k, "url": v} for k, v in links.items()]
    if not result["entry"]:
        del result["entry"]
    return result


# --- The rest of the plan: relatives, messages, consents, the directory, meetings, ratings
# and the person's own access log (issue 18, item 3). ---


def related_person(member: Any, person_id: int) -> Resource:
    """A relative on the team. Laget holds no national id for relatives: Laget's id only."""
    user = member.user
    resource: Resource = {
        "resourceType": "RelatedPerson",
        "id": str(member.pk),
        "identifier": [_laget_id("user", user.pk)],
        "active": member.left_at is None,
        "patient": {"reference": f"Patient/{person_id}"},
        "name": [{"family": user.last_name or "–", "given": [user.first_name or "–"]}],
        "period": {"start": member.joined_at.isoformat()},
    }
    if member.relation:
        resource["relationship"] = [{"text": member.relation}]
    if member.represents:
        resource["relationship"] = [
            *resource.get("relationship", []),
            {"text": member.get_represents_display()},
        ]
    return resource


def communication(message: Any, plan: Any) -> Resource:
    """A message on the plan's wall. Messages are never edited, so sent is also lastUpdated."""
    sender = message.author_name + (f" ({message.author_role})" if message.author_role else "")
    resource: Resource = {
        "resourceType": "Communication",
        "id": str(message.pk),
        "meta": _meta(message.created_at),
        "identifier": [_laget_id("message", message.pk)],
        "basedOn": [{"reference": f"CarePlan/{plan.pk}"}],
        "status": "completed",
        "subject": {"reference": f"Patient/{plan.person_id}"},
        "sent": message.created_at.isoformat(),
        "sender": {"display": sender},
        "payload": [{"contentString": message.body}],
    }
    if message.reply_to_id:
        resource["inResponseTo"] = [{"reference": f"Communication/{message.reply_to_id}"}]
    if message.corrects_id:
        resource["partOf"] = [{"reference": f"Communication/{message.corrects_id}"}]
    return resource


def _consent_updated(c: Any) -> dt.datetime:
    return max(c.recorded_at, c.withdrawn_at) if c.withdrawn_at else c.recorded_at


def consent(c: Any, today: dt.date) -> Resource:
    """One of the person's consents: to whom, which categories, how long."""
    if c.withdrawn_at:
        status = "inactive"
    elif c.valid_from <= today <= c.valid_to:
        status = "active"
    else:
        status = "inactive" if c.valid_to < today else "proposed"
    actors = []
    if c.to_service_id:
        actors.append(
            {
                "reference": {
                    "reference": f"HealthcareService/{c.to_service_id}",
                    "display": c.to_service.name,
                }
            }
        )
    if c.to_organisation_id:
        actors.append(
            {
                "reference": {
                    "reference": f"Organization/{c.to_organisation_id}",
                    "identifier": {"system": ENH, "value": c.to_organisation.org_number},
                    "display": c.to_organisation.name,
                }
            }
        )
    if c.to_relative_id:
        actors.append({"reference": {"display": str(c.to_relative)}})
    return {
        "resourceType": "Consent",
        "id": str(c.pk),
        "meta": _meta(_consent_updated(c)),
        "identifier": [_laget_id("consent", c.pk)],
        "status": status,
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                }
            ]
        },
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"reference": f"Patient/{c.person_id}"},
        "dateTime": c.recorded_at.isoformat(),
        "provision": {
            "type": "permit",
            "period": {"start": c.valid_from.isoformat(), "end": c.valid_to.isoformat()},
            **({"actor": [{**a, "role": _CONSENT_ROLE} for a in actors]} if actors else {}),
            "class": [{"system": f"{LAGET}/category", "code": str(k)} for k in c.categories],
        },
    }


_CONSENT_ROLE = {
    "coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP"}
    ]
}


def healthcare_service(service: Any) -> Resource:
    return {
        "resourceType": "HealthcareService",
        "id": str(service.pk),
        "identifier": [{"system": f"{LAGET}/service", "value": service.slug}],
        "active": bool(service.is_active),
        "providedBy": {
            "reference": f"Organization/{service.organisation_id}",
            "identifier": {"system": ENH, "value": service.organisation.org_number},
            "display": service.organisation.name,
        },
        "name": service.name,
        "category": [{"text": service.get_sector_display()}],
        "type": [{"text": service.get_level_display()}],
        **({"coverageArea": [{"display": service.area_served}]} if service.area_served else {}),
    }


def practitioner_role(member: Any) -> Resource:
    """A professional on the team, for the service they take part for, with their HPR number."""
    user = member.user
    professional = user.professional
    practitioner: dict[str, Any] = {"display": user.get_full_name() or "–"}
    if professional.hpr_number:
        practitioner["identifier"] = {"system": HPR, "value": professional.hpr_number}
    resource: Resource = {
        "resourceType": "PractitionerRole",
        "id": str(member.pk),
        "identifier": [_laget_id("team-member", member.pk)],
        "active": member.left_at is None,
        "period": {"start": member.joined_at.isoformat()},
        "practitioner": practitioner,
        "code": [{"text": member.get_role_display()}],
    }
    if professional.title:
        resource["specialty"] = [{"text": professional.title}]
    if member.service_id:
        resource["organization"] = {
            "reference": f"Organization/{member.service.organisation_id}",
            "display": member.service.organisation.name,
        }
        resource["healthcareService"] = [
            {"reference": f"HealthcareService/{member.service_id}", "display": member.service.name}
        ]
    if professional.work_phone:
        resource["telecom"] = [{"system": "phone", "value": professional.work_phone}]
    return resource


APPOINTMENT_STATUS = {
    "planned": "booked",
    "cancelled": "cancelled",
    "held": "fulfilled",
    "not_held": "noshow",
}


def appointment(meeting: Any, person_id: int) -> Resource:
    """A meeting about the plan (an Appointment without an Encounter; no minutes)."""
    participants: list[dict[str, Any]] = [
        {"actor": {"reference": f"Patient/{person_id}"}, "status": "accepted"}
    ]
    for p in meeting.participants.all():
        status = {True: "accepted", False: "declined"}.get(p.attended, "needs-action")
        entry: dict[str, Any] = {"actor": {"display": p.name}, "status": status}
        if p.service_id and not p.user_id:
            entry["actor"] = {"reference": f"HealthcareService/{p.service_id}", "display": p.name}
        if p.role:
            entry["type"] = [{"text": p.role}]
        participants.append(entry)
    resource: Resource = {
        "resourceType": "Appointment",
        "id": str(meeting.pk),
        "identifier": [{"system": f"{LAGET}/meeting", "value": str(meeting.uid)}],
        "status": APPOINTMENT_STATUS.get(meeting.status, "booked"),
        "description": meeting.title,
        "start": meeting.starts_at.isoformat(),
        "end": meeting.ends_at.isoformat(),
        "created": meeting.created_at.date().isoformat(),
        "basedOn": [{"reference": f"CarePlan/{meeting.plan_id}"}],
        "participant": participants,
    }
    if meeting.status == "cancelled":
        resource["cancelationReason"] = {"text": "Avlyst"}
    if meeting.place:
        resource["comment"] = meeting.place
    return resource


def questionnaire_response(rating: Any, plan: Any) -> Resource:
    """An outcome rating, as outcomes' own API shapes it (one mapping for both), with the
    plan it belongs to, Laget's id and when it was recorded (ratings are not edited after,
    so recorded is also lastUpdated). `rating.plan` and `rating.service` must be loaded."""
    from laget.outcomes.api import questionnaire_response as shaped

    resource: Resource = shaped(rating)
    return {
        **resource,
        "meta": _meta(rating.created_at),
        "identifier": {"system": f"{LAGET}/rating", "value": str(rating.pk)},
        "basedOn": [{"reference": f"CarePlan/{plan.pk}"}],
    }


def audit_event(entry: Any) -> Resource:
    """One line of the person's own access log: who read what about them, when, why."""
    return {
        "resourceType": "AuditEvent",
        "id": str(entry.pk),
        "meta": _meta(entry.at),
        "type": {
            "system": "http://dicom.nema.org/resources/ontology/DCM",
            "code": "110110",
            "display": "Patient Record",
        },
        "action": "R",
        "recorded": entry.at.isoformat(),
        "outcome": "0",
        "purposeOfEvent": [{"text": entry.get_purpose_display()}],
        "agent": [
            {
                "who": {"display": entry.actor_name},
                **({"role": [{"text": entry.actor_role}]} if entry.actor_role else {}),
                "requestor": True,
                **({"name": entry.actor_service} if entry.actor_service else {}),
            }
        ],
        "source": {"observer": {"display": "Laget"}},
        "entity": [
            {
                "what": {"reference": f"Patient/{entry.person_id}"},
                "description": entry.category,
            }
        ],
    }
