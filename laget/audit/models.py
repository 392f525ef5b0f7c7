"""The audit logs: who changed what (ChangeRecord) and who read whose data (AccessLogEntry).

Both are append-only and chained: each row carries the hash of the row before it in the
same chain, and AuditChain keeps the newest hash, so a removed, altered or truncated row is
found by `manage.py verify_audit`. The access log has one chain per person, so reads of
different persons never wait for each other; the change log is one chain.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditChain(models.Model):
    """The head of one chain. Appending locks this row, so entries join the chain one at a
    time and their ids follow the chain's order."""

    name = models.CharField(max_length=40, primary_key=True)
    last_hash = models.CharField(max_length=64)
    length = models.PositiveBigIntegerField(default=0)
    # The hash before last_hash: PostgreSQL's one-statement append moves the head in an
    # upsert, whose RETURNING shows only new values, and the new entry needs the old one.
    before_last_hash = models.CharField(max_length=64, default="", editable=False)

    def __str__(self) -> str:
        return self.name


def now_to_the_millisecond() -> Any:
    # dumpdata writes times to the millisecond: an entry hashed with more would not verify
    # after a dump and load.
    now = timezone.now()
    return now.replace(microsecond=now.microsecond - now.microsecond % 1000)


class ChainedEntry(models.Model):
    CHAIN: ClassVar[str]
    # The fields the hash covers, besides the previous hash.
    HASHED: ClassVar[list[str]]

    # Which chain (covered by the hash, so an entry moved to another chain does not verify)
    # and where in it (1, 2, ...; a moved entry breaks the links before and after it).
    chain = models.CharField(max_length=40, editable=False)
    seq = models.PositiveBigIntegerField(editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        abstract = True

    def chain_name(self) -> str:
        return self.CHAIN

    def payload(self) -> dict[str, Any]:
        return {"chain": self.chain} | {name: getattr(self, name) for name in self.HASHED}


class ChangeRecord(ChainedEntry):
    CHAIN = "change"
    HASHED = ["at", "actor_id", "action", "object_type", "object_id", "before", "after"]

    at = models.DateTimeField(_("when"), default=now_to_the_millisecond, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    before = models.JSONField(_("before"), null=True)
    after = models.JSONField(_("after"), null=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_change_chain_seq")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


class AccessLogEntry(ChainedEntry):
    """One read, export or print of a person's data: who, whose, what, why, when.

    The actor's name, role and service are copied at the time of reading, so the person's
    own view of the log stays true when people change jobs.
    """

    class Purpose(models.TextChoices):
        CARE = "care", _("care")
        COORDINATION = "coordination", _("coordination")
        EMERGENCY = "emergency", _("emergency access")
        SELF = "self", _("the person themself")
        RELATIVE = "relative", _("as a relative")
        EXPORT = "export", _("export or print")

    CHAIN = "access"
    HASHED = [
        "at",
        "actor_id",
        "actor_name",
        "actor_role",
        "actor_service",
        "person_id",
        "category",
        "object_type",
        "object_id",
        "purpose",
        "request_id",
    ]

    # The partition key on PostgreSQL (yearly partitions, audit/partitions.py).
    at = models.DateTimeField(_("when"), default=now_to_the_millisecond)
    # No index: no query looks a reader's entries up (a user who has read is never deleted,
    # PROTECT).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    actor_name = models.CharField(max_length=200)
    actor_role = models.CharField(max_length=100, blank=True)
    actor_service = models.CharField(max_length=200, blank=True)
    # The person whose data was read. A plain id, not a foreign key: the log outlives
    # everything else and must not depend on the domain apps.
    person_id = models.BigIntegerField()
    category = models.CharField(_("what"), max_length=32)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(_("why"), max_length=16, choices=Purpose.choices)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        # Only what its queries use (docs/architecture.md, "Partitions, indexes and
        # retention"): a person's reads newest first, and verification and retention walking
        # each chain in order. (chain, seq) is not declared unique: PostgreSQL's partitioned
        # table could only enforce it together with `at`; the chain head's lock hands out
        # each place once and verify_audit checks every place.
        indexes = [
            models.Index(fields=["person_id", "at"]),
            models.Index(fields=["chain", "seq"], name="audit_access_chain_seq_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.category} {self.at:%Y-%m-%d %H:%M}"

    def chain_name(self) -> str:
        # One chain per person: the person's own log verifies on its own, and reading one
        # person's plan never waits for a read of another's.
        return f"{self.CHAIN}:{self.person_id}"


class RefusedAttempt(ChainedEntry):
    """Someone tried to read a person's data and was refused: for the privacy officer, who
    looks for probing. Not a read, so it is kept apart from the access log the person reads
    (nothing was shown), in a chain of its own."""

    CHAIN = "refused"
    HASHED = ["at", "actor_id", "actor_name", "person_id", "object_type", "object_id", "path"]

    at = models.DateTimeField(_("when"), default=now_to_the_millisecond, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200)
    person_id = models.BigIntegerField(null=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("refused attempt")
        verbose_name_plural = _("refused attempts")
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_refused_chain_seq")
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.object_type}:{self.object_id} {self.at:%Y-%m-%d %H:%M}"
