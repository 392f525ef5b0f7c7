"""Every write to the directory: keyword-only, typed, atomic, and recorded with its actor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from laget.accounts.models import User
from laget.audit.services import change_record, create_recorded, snapshot
from laget.directory.access import can_edit_catalogue_entry, can_manage_districts
from laget.directory.models import (
    CatalogueEntry,
    District,
    Membership,
    Network,
    Organisation,
    Profession,
    Professional,
    Service,
)
from laget.directory.professions import PROFESSIONS


@dataclass
class CatalogueEditConflict(Exception):
    """Someone saved the entry after the version this edit was based on."""

    current: CatalogueEntry


def profession_codes_ensure() -> dict[str, Profession]:
    """The profession code list, restored where a table flush has removed it."""
    for code, name_nb, name_en, health in PROFESSIONS:
        Profession.objects.get_or_create(
            code=code,
            defaults={"name_nb": name_nb, "name_en": name_en, "is_health_personnel": health},
        )
    return {p.code: p for p in Profession.objects.all()}


def organisation_create(*, actor: Any, name: str, kind: str, org_number: str) -> Organisation:
    with transaction.atomic():
        return create_recorded(
            actor=actor,
            action="organisation_create",
            obj=Organisation(name=name, kind=kind, org_number=org_number.strip()),
            fields=["name", "kind", "org_number"],
        )


def network_create(
    *, actor: Any, name: str, slug: str, description: str, organisations: list[Organisation]
) -> Network:
    with transaction.atomic():
        network = Network(name=name, slug=slug, description=description)
        network.full_clean()
        network.save()
        network.organisations.set(organisations)
        change_record(
            actor=actor,
            action="network_create",
            obj=network,
            before=None,
            after={"name": name, "organisations": sorted(o.pk for o in organisations)},
        )
    return network


def service_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    slug: str,
    level: str,
    sector: str,
    area_served: str = "",
    entry: dict[str, str] | None = None,
) -> Service:
    """A new service with its (possibly empty) catalogue entry."""
    with transaction.atomic():
        service = create_recorded(
            actor=actor,
            action="service_create",
            obj=Service(
                organisation=organisation,
                name=name,
                slug=slug,
                level=level,
                sector=sector,
                area_served=area_served,
            ),
            fields=["name", "slug", "level", "sector", "organisation_id"],
        )
        catalogue_entry = CatalogueEntry(service=service, updated_by=_user_or_none(actor))
        for field_name, value in (entry or {}).items():
            if field_name not in CatalogueEntry.EDITABLE_FIELDS:
                raise ValueError(f"{field_name} is not a catalogue field")
            setattr(catalogue_entry, field_name, value)
        catalogue_entry.full_clean(exclude=["service"])
        catalogue_entry.save()
    return service


def catalogue_entry_update(
    *, actor: Any, service: Service, based_on_version: int, data: dict[str, str]
) -> CatalogueEntry:
    """Save a service administrator's edit of their own service's entry.

    Refused (PermissionDenied) for anyone else. The row is locked while it is compared and
    saved, and an edit based on an older version raises CatalogueEditConflict with the
    current entry instead of overwriting it.
    """
    if not can_edit_catalogue_entry(actor, service):
        raise PermissionDenied
    unknown = set(data) - set(CatalogueEntry.EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not catalogue fields: {sorted(unknown)}")
    with transaction.atomic():
        entry = (
            # Lock only the entry row (PostgreSQL cannot lock the outer-joined user).
            CatalogueEntry.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(service=service)
        )
        if entry.version != based_on_version:
            raise CatalogueEditConflict(current=entry)
        before = snapshot(entry, CatalogueEntry.EDITABLE_FIELDS)
        for field_name, value in data.items():
            setattr(entry, field_name, value.strip())
        entry.full_clean(exclude=["service"])
        after = snapshot(entry, CatalogueEntry.EDITABLE_FIELDS)
        entry.version += 1
        entry.updated_by = actor
        entry.save()
        change_record(
            actor=actor,
            action="catalogue_entry_update",
            obj=entry,
            before={k: v for k, v in before.items() if v != after[k]},
            after={k: v for k, v in after.items() if v != before[k]},
        )
    return entry


def professional_create(
    *,
    actor: Any,
    email: str,
    first_name: str,
    last_name: str,
    profession: Profession,
    hpr_number: str = "",
    title: str = "",
    password: str | None = None,
) -> Professional:
    """A professional's account (no password: they set one via the reset link)."""
    with transaction.atomic():
        user = User.objects.create_user(
            email,
            password,
            first_name=first_name,
            last_name=last_name,
            kind=User.Kind.PROFESSIONAL,
        )
        return create_recorded(
            actor=actor,
            action="professional_create",
            obj=Professional(
                user=user, profession=profession, hpr_number=hpr_number.strip(), title=title
            ),
            fields=["user_id", "profession_id", "hpr_number"],
        )


def membership_add(
    *,
    actor: Any,
    professional: Professional,
    service: Service,
    position_percent: int,
    role: str = Membership.Role.MEMBER,
) -> Membership:
    """Place a professional in a service. Their active positions may add up to 100 % at most."""
    with transaction.atomic():
        # Lock the professional so two concurrent additions cannot both pass the sum check.
        Professional.objects.select_for_update().get(pk=professional.pk)
        taken = (
            Membership.objects.active()
            .filter(professional=professional)
            .aggregate(total=Sum("position_percent"))["total"]
            or 0
        )
        if taken + position_percent > 100:
            raise ValidationError(
                _(
                    "%(name)s already works %(taken)d %% in other services. Together the "
                    "positions can be at most 100 %%: reduce the fraction or end another "
                    "membership."
                )
                % {"name": professional, "taken": taken},
                code="position_over_100",
            )
        membership = Membership(
            professional=professional,
            service=service,
            role=role,
            position_percent=position_percent,
        )
        membership.full_clean()
        membership.save()
        change_record(
            actor=actor,
            action="membership_add",
            obj=membership,
            before=None,
            after=snapshot(
                membership, ["professional_id", "service_id", "role", "position_percent"]
            ),
        )
    return membership


@dataclass
class DistrictEditConflict(Exception):
    """Someone renamed the district after the version this edit was based on."""

    current: District


def _district_name(network: Network, name: str, *, other_than: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Write the name of the district.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name may have at most 100 characters.")})
    taken = District.objects.filter(network=network, name__iexact=name)
    if other_than is not None:
        taken = taken.exclude(pk=other_than)
    if taken.exists():
        raise ValidationError(
            {"name": _("The network already has a district called %(name)s.") % {"name": name}}
        )
    return name


def district_create(*, actor: Any, network: Network, name: str) -> District:
    """A municipality district of the network, defined by its leaders."""
    if not can_manage_districts(actor, network):
        raise PermissionDenied
    with transaction.atomic():
        district = District(network=network, name=_district_name(network, name))
        try:
            with transaction.atomic():
                return create_recorded(
                    actor=actor, action="district_create", obj=district, fields=["name"]
                )
        except IntegrityError as exc:  # the same name saved a moment ago
            raise ValidationError(
                {"name": _("The network already has a district called %(name)s.") % {"name": name}}
            ) from exc


def district_rename(
    *, actor: Any, district: District, name: str, based_on_version: int
) -> District:
    """Rename; refused (DistrictEditConflict) if someone renamed it since `based_on_version`."""
    if not can_manage_districts(actor, district.network):
        raise PermissionDenied
    with transaction.atomic():
        current = District.objects.select_for_update().get(pk=district.pk)
        if current.version != based_on_version:
            raise DistrictEditConflict(current)
        new_name = _district_name(current.network, name, other_than=current.pk)
        before = snapshot(current, ["name"])
        current.name = new_name
        current.version += 1
        current.save(update_fields=["name", "version"])
        change_record(
            actor=actor,
            action="district_rename",
            obj=current,
            before=before,
            after=snapshot(current, ["name"]),
        )
        return current


def _user_or_none(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None
