"""Signed checkpoints of the audit chains' heads, kept outside the database.

The hash chains show an entry altered or removed in the middle; a checkpoint shows what no
chain can show by itself: the newest entries removed and the head moved back, or an older
copy of the table restored. `manage.py audit_checkpoint` (schedule it, e.g. every five
minutes) appends one line to a file the database administrator cannot rewrite: the heads
that moved since the line before (length and hash), the previous line's MAC and a MAC over
it all under the audit key. `verify_audit` folds the lines and checks that every chain
still holds what each checkpoint saw.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from laget.audit.chain import GENESIS
from laget.audit.models import AuditChain
from laget.audit.services import audit_key


@dataclass
class Seen:
    """What the checkpoints saw: per chain (length, hash, when), and any tampering with
    the checkpoint file itself."""

    heads: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    # Per chain, the last entry retention retired (its place and hash, and when): the chain
    # now starts after it. Only a signed line can move an anchor.
    anchors: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    last_mac: str = GENESIS
    lines: int = 0
    problem: str = ""


def _mac(body: dict) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hmac.new(audit_key(), text.encode(), hashlib.sha256).hexdigest()


def checkpoint_path() -> Path:
    return Path(settings.LAGET_AUDIT_CHECKPOINTS)


def read_checkpoints(path: Path | None = None) -> Seen:
    seen = Seen()
    path = path or checkpoint_path()
    if not path.exists():
        return seen
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            body = json.loads(line)
            mac = body.pop("mac")
        except (ValueError, KeyError):
            seen.problem = f"checkpoint line {number} is not a checkpoint"
            return seen
        if body.get("prev") != seen.last_mac:
            seen.problem = f"checkpoint line {number} does not follow the line before it"
            return seen
        if not hmac.compare_digest(_mac(body), mac):
            seen.problem = f"checkpoint line {number} was changed (its MAC does not hold)"
            return seen
        for name, (length, entry_hash) in body["heads"].items():
            seen.heads[name] = (length, entry_hash, body["at"])
        for name, (place, entry_hash) in body.get("retired", {}).items():
            seen.anchors[name] = (place, entry_hash, body["at"])
        seen.last_mac, seen.lines = mac, seen.lines + 1
    return seen


def write_checkpoint(path: Path | None = None) -> int:
    """Append a checkpoint of every head that moved since the last one; return how many."""
    path = path or checkpoint_path()
    seen = read_checkpoints(path)
    if seen.problem:
        raise RuntimeError(f"Refusing to extend a damaged checkpoint file: {seen.problem}.")
    moved = {
        name: [length, last_hash]
        for name, last_hash, length in AuditChain.objects.values_list(
            "name", "last_hash", "length"
        ).iterator(chunk_size=5000)
        if seen.heads.get(name, (None, None))[:2] != (length, last_hash)
    }
    if not moved:
        return 0
    _append_line(path, seen, {"heads": moved})
    return len(moved)


def write_anchors(
    anchors: dict[str, tuple[int, str]], before: str, path: Path | None = None
) -> None:
    """Append a signed line saying where each chain now starts: retention retires the
    entries up to and including these (place, hash), which were verified first."""
    path = path or checkpoint_path()
    seen = read_checkpoints(path)
    if seen.problem:
        raise RuntimeError(f"Refusing to extend a damaged checkpoint file: {seen.problem}.")
    retired = {name: [place, entry_hash] for name, (place, entry_hash) in anchors.items()}
    _append_line(path, seen, {"heads": {}, "retired": retired, "before": before})


def _append_line(path: Path, seen: Seen, content: dict) -> None:
    body = {"at": timezone.now().isoformat(), "prev": seen.last_mac, **content}
    line = json.dumps({**body, "mac": _mac(body)}, sort_keys=True, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as out:
        out.write(line + "\n")
