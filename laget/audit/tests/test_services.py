"""Change records are written with the change, in the same transaction, or not at all."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from laget.audit.models import ChangeRecord
from laget.audit.services import change_record, create_recorded
from laget.directory.models import Organisation
from laget.directory.tests.factories import valid_org_number

pytestmark = pytest.mark.django_db(transaction=True)


def test_refuses_to_record_outside_a_transaction():
    organisation = Organisation.objects.create(
        name="Utenfor", kind="private", org_number=valid_org_number(7)
    )
    with pytest.raises(RuntimeError):
        change_record(actor=None, action="x", obj=organisation, before=None, after=None)


def test_creation_and_record_roll_back_together():
    with pytest.raises(ValidationError), transaction.atomic():
        create_recorded(
            actor=None,
            action="organisation_create",
            obj=Organisation(name="Gyldig", kind="private", org_number=valid_org_number(8)),
            fields=["name"],
        )
        create_recorded(
            actor=None,
            action="organisation_create",
            obj=Organisation(name="Ugyldig", kind="private", org_number="123"),
            fields=["name"],
        )
    assert not Organisation.objects.exists()
    assert not ChangeRecord.objects.exists()


def test_records_what_was_created():
    with transaction.atomic():
        organisation = create_recorded(
            actor=None,
            action="organisation_create",
            obj=Organisation(name="Nyvik", kind="municipality", org_number=valid_org_number(9)),
            fields=["name", "kind"],
        )
    record = ChangeRecord.objects.get()
    assert record.object_type == "directory.organisation"
    assert record.object_id == str(organisation.pk)
    assert record.after == {"name": "Nyvik", "kind": "municipality"}
    assert record.before is None
