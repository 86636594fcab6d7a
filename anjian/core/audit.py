"""The hash-chained, append-only audit log.

Every write of every service calls `audit_record` inside its own transaction.
Each entry's hash covers its content and the previous entry's hash, so an
entry edited or removed by hand breaks the chain at that point, and
`audit_verify` (and `manage.py audit_verify`) names the first broken link.
"""

import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from anjian.core.models import AuditAction, AuditEntry, AuditHead

GENESIS_HASH = "0" * 64


def _plain(value):
    """A JSON value that survives a round trip through any database unchanged."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (list, tuple, set)):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set) else items
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, float, uuid.UUID)):
        return str(value)
    return str(value)


def snapshot(instance: models.Model, exclude: Iterable[str] = ()) -> dict:
    """The concrete fields of a row as plain JSON (foreign keys as their ids)."""
    skip = set(exclude)
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in skip:
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    return data


def _content(entry: AuditEntry) -> dict:
    return {
        "seq": entry.seq,
        "at": entry.at.astimezone(datetime.UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_repr": entry.actor_repr,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "division_code": entry.division_code,
        "organisation_id": entry.organisation_id,
        "ip": entry.ip,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }


def entry_hash(entry: AuditEntry) -> str:
    canonical = json.dumps(_content(entry), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def object_type_of(instance_or_model) -> str:
    return instance_or_model._meta.label_lower


def audit_record(
    *,
    actor,
    action: str,
    instance: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    division_code: str = "",
    organisation_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain, in the caller's transaction."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    if instance is not None:
        object_type = object_type or object_type_of(instance)
        object_id = object_id or str(instance.pk)
        object_repr = object_repr if object_repr is not None else str(instance)
    actor_id = getattr(actor, "pk", None)
    with transaction.atomic():
        # The head row serialises appenders (row lock on PostgreSQL; SQLite
        # already runs one writer at a time).
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"hash": GENESIS_HASH})
        # Hash exactly what the database will store: the field's own cleaning
        # of the address (IPv6 forms are normalised on save).
        ip = AuditEntry._meta.get_field("ip").to_python(ip) if ip else None
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=actor_id,
            actor_repr=(actor.get_username() if actor_id else str(actor or "system"))[:200],
            action=action,
            object_type=object_type or "",
            object_id=str(object_id or ""),
            object_repr=(object_repr or "")[:300],
            division_code=division_code or "",
            organisation_id=organisation_id,
            ip=ip,
            before=_plain(before) if before is not None else None,
            after=_plain(after) if after is not None else None,
            prev_hash=head.hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        head.seq = entry.seq
        head.hash = entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


def audit_record_many(entries: list[dict]) -> int:
    """Append many entries at once (an import), chained in order, in the caller's transaction.

    Each dict holds audit_record's keyword arguments (actor, action,
    instance, before, after, division_code, organisation_id, ip).
    """
    if not entries:
        return 0
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"hash": GENESIS_HASH})
        now = timezone.now()
        rows = []
        seq, prev = head.seq, head.hash
        for item in entries:
            actor = item["actor"]
            instance = item["instance"]
            seq += 1
            ip = item.get("ip")
            entry = AuditEntry(
                seq=seq,
                at=now,
                actor_id=getattr(actor, "pk", None),
                actor_repr=(actor.get_username() if getattr(actor, "pk", None) else str(actor))[:200],
                action=item["action"],
                object_type=object_type_of(instance),
                object_id=str(instance.pk),
                object_repr=str(instance)[:300],
                division_code=item.get("division_code", ""),
                organisation_id=item.get("organisation_id"),
                ip=AuditEntry._meta.get_field("ip").to_python(ip) if ip else None,
                before=_plain(item["before"]) if item.get("before") is not None else None,
                after=_plain(item["after"]) if item.get("after") is not None else None,
                prev_hash=prev,
            )
            entry.hash = entry_hash(entry)
            prev = entry.hash
            rows.append(entry)
        AuditEntry.objects.bulk_create(rows, batch_size=1000)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return len(rows)


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass
class Break:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"entry #{self.seq}: {self.reason}"


def audit_verify(chunk_size: int = 2000) -> tuple[int, Break | None]:
    """Walk the chain from the first entry; return (entries checked, first break)."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            return checked, Break(expected_seq, f"missing (the next entry found is #{entry.seq}): removed")
        if entry.prev_hash != prev_hash:
            return checked, Break(entry.seq, "does not follow the entry before it: the chain was altered")
        if entry_hash(entry) != entry.hash:
            return checked, Break(entry.seq, "its content does not match its hash: edited")
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first() or AuditHead(seq=0, hash=GENESIS_HASH)
    if head.seq != checked or head.hash != prev_hash:
        return checked, Break(
            checked + 1, f"missing (the chain ends at #{checked} but {head.seq} entries were written): removed"
        )
    return checked, None
