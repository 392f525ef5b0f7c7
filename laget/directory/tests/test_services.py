"""Writes to the directory, on the real database: rules, conflicts, records, atomicity."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laget.audit.models import ChangeRecord
from laget.directory.models import CatalogueEntry, Membership, Organisation, Service
from laget.directory.services import (
    CatalogueEditConflict,
    catalogue_entry_update,
    membership_add,
    organisation_create,
    service_create,
)
from laget.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProfessionalFactory,
    ServiceFactory,
    valid_org_number,
)

pytestmark = pytest.mark.django_db


class TestCatalogueEntryUpdate:
    def test_owner_saves_and_the_change_is_recorded(self, world):
        entry = catalogue_entry_update(
            actor=world.owner,
            service=world.service,
            based_on_version=1,
            data={"offer": "  Samtaler hver uke.  ", "phone": "77 11 22 33"},
        )
        assert entry.version == 2
        assert entry.offer == "Samtaler hver uke."  # trimmed
        assert entry.updated_by == world.owner
        record = ChangeRecord.objects.get(action="catalogue_entry_update")
        assert record.actor == world.owner
        assert record.before == {"offer": "Samtaler og oppfølging.", "phone": "77 00 00 00"}
        assert record.after == {"offer": "Samtaler hver uke.", "phone": "77 11 22 33"}

    @pytest.mark.parametrize("actor", ["member", "outsider", "person", "operator", "no_mfa"])
    def test_nobody_else_may_edit(self, world, actor):
        with pytest.raises(PermissionDenied):
            catalogue_entry_update(
                actor=world.actor(actor),
                service=world.service,
                based_on_version=1,
                data={"offer": "Overskrevet"},
            )
        assert CatalogueEntry.objects.get(service=world.service).offer == "Samtaler og oppfølging."

    def test_owner_of_one_service_cannot_edit_another(self, world):
        with pytest.raises(PermissionDenied):
            catalogue_entry_update(
                actor=world.outsider,
                service=world.service,
                based_on_version=1,
                data={"offer": "x"},
            )

    def test_ended_membership_gives_no_rights(self, world):
        import datetime as dt

        Membership.objects.filter(professional__user=world.owner).update(
            starts=dt.date(2020, 1, 1), ends=dt.date(2021, 1, 1)
        )
        with pytest.raises(PermissionDenied):
            catalogue_entry_update(
                actor=world.owner, service=world.service, based_on_version=1, data={"offer": "x"}
            )

    def test_stale_version_is_a_conflict_and_changes_nothing(self, world):
        catalogue_entry_update(
            actor=world.owner, service=world.service, based_on_version=1, data={"offer": "Først"}
        )
        with pytest.raises(CatalogueEditConflict) as exc:
            catalogue_entry_update(
                actor=world.owner,
                service=world.service,
                based_on_version=1,
                data={"offer": "Senere, basert på gammel versjon"},
            )
        assert exc.value.current.offer == "Først"
        assert exc.value.current.version == 2
        assert CatalogueEntry.objects.get(service=world.service).offer == "Først"
        assert ChangeRecord.objects.filter(action="catalogue_entry_update").count() == 1

    def test_invalid_data_leaves_nothing_half_saved(self, world):
        with pytest.raises(ValidationError):
            catalogue_entry_update(
                actor=world.owner,
                service=world.service,
                based_on_version=1,
                data={"offer": "Gyldig tekst", "email": "ikke en adresse"},
            )
        entry = CatalogueEntry.objects.get(service=world.service)
        assert (entry.offer, entry.version) == ("Samtaler og oppfølging.", 1)
        assert not ChangeRecord.objects.filter(action="catalogue_entry_update").exists()

    def test_over_long_text_is_refused(self, world):
        with pytest.raises(ValidationError) as exc:
            catalogue_entry_update(
                actor=world.owner,
                service=world.service,
                based_on_version=1,
                data={"offer": "a" * 4001},
            )
        assert "offer" in exc.value.message_dict

    def test_unknown_field_is_a_programming_error(self, world):
        with pytest.raises(ValueError):
            catalogue_entry_update(
                actor=world.owner,
                service=world.service,
                based_on_version=1,
                data={"version": "99"},
            )


class TestOrganisationAndService:
    def test_invalid_org_number_is_refused_with_a_norwegian_message(self):
        with pytest.raises(ValidationError) as exc:
            organisation_create(actor=None, name="Feil AS", kind="private", org_number="123456789")
        assert "Brønnøysundregistrene" in " ".join(exc.value.message_dict["org_number"])
        assert not Organisation.objects.exists()
        assert not ChangeRecord.objects.exists()

    def test_missing_name_is_refused(self):
        with pytest.raises(ValidationError) as exc:
            organisation_create(actor=None, name="", kind="private", org_number=valid_org_number(1))
        assert "name" in exc.value.message_dict

    def test_service_is_created_with_its_entry(self):
        organisation = OrganisationFactory()
        service = service_create(
            actor=None,
            organisation=organisation,
            name="Boveiledning",
            slug="boveiledning",
            level=Service.Level.MUNICIPAL,
            sector=Service.Sector.HOUSING,
            entry={"summary": "Hjelp til å bo."},
        )
        assert service.entry.summary == "Hjelp til å bo."
        assert service.entry.version == 1

    def test_service_with_invalid_level_leaves_nothing(self):
        organisation = OrganisationFactory()
        with pytest.raises(ValidationError):
            service_create(
                actor=None,
                organisation=organisation,
                name="X",
                slug="x",
                level="galaktisk",
                sector=Service.Sector.HEALTH,
            )
        assert not Service.objects.exists()


class TestMembership:
    def test_positions_add_up_to_at_most_100_percent(self):
        professional = ProfessionalFactory()
        team, home, third = ServiceFactory(), ServiceFactory(), ServiceFactory()
        membership_add(actor=None, professional=professional, service=team, position_percent=20)
        membership_add(actor=None, professional=professional, service=home, position_percent=80)
        with pytest.raises(ValidationError) as exc:
            membership_add(
                actor=None, professional=professional, service=third, position_percent=10
            )
        assert "100 %" in exc.value.messages[0]
        assert professional.memberships.count() == 2

    def test_ended_memberships_do_not_count(self):
        import datetime as dt

        old = MembershipFactory(position_percent=100, starts=dt.date(2020, 1, 1))
        Membership.objects.filter(pk=old.pk).update(ends=dt.date(2021, 1, 1))
        membership_add(
            actor=None,
            professional=old.professional,
            service=ServiceFactory(),
            position_percent=100,
        )

    def test_hpr_number_must_have_the_right_shape(self):
        professional = ProfessionalFactory()
        professional.hpr_number = "12ab"
        with pytest.raises(ValidationError) as exc:
            professional.full_clean()
        assert "HPR" in exc.value.message_dict["hpr_number"][0]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_edits_never_both_win(world, monkeypatch):
    """Two admins save at the same moment, both based on version 1: one wins, the other
    gets a conflict. Without the row lock both could read version 1 and both save."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        # SQLite serialises writers on the whole file; row locks between real connections
        # are PostgreSQL's, and CI runs this suite on PostgreSQL too.
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")

    from laget.directory.tests.factories import MembershipFactory

    second_admin = MembershipFactory(service=world.service, role="admin").professional.user
    # Widen the window between reading the entry and saving it, so that without the row
    # lock both threads would read version 1 and both save.
    import time

    full_clean = CatalogueEntry.full_clean

    def slow_full_clean(self, *args, **kwargs):
        time.sleep(0.3)
        return full_clean(self, *args, **kwargs)

    monkeypatch.setattr(CatalogueEntry, "full_clean", slow_full_clean)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(actor, text):
        try:
            barrier.wait()
            catalogue_entry_update(
                actor=actor, service=world.service, based_on_version=1, data={"offer": text}
            )
            outcomes.append("saved")
        except CatalogueEditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(world.owner, "A")),
        threading.Thread(target=save, args=(second_admin, "B")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    entry = CatalogueEntry.objects.get(service=world.service)
    assert entry.version == 2
    assert ChangeRecord.objects.filter(action="catalogue_entry_update").count() == 1
