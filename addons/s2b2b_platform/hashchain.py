# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Hash chain of the platform event log, without any database.

Each entry's hash covers a canonical encoding of its content and the hash
of the previous entry, so that altering, removing or reordering any sealed
entry breaks every hash after it.
"""
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

GENESIS = '0' * 64


def _default(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f'{type(value).__name__} is not canonically encodable')


def canonical(content):
    "Return the canonical UTF-8 encoding of a JSON-like mapping"
    return json.dumps(
        content, sort_keys=True, separators=(',', ':'), ensure_ascii=False,
        default=_default).encode('utf-8')


def entry_hash(prev_hash, content):
    "Return the hex SHA-256 of the previous hash and the content"
    digest = hashlib.sha256()
    digest.update(prev_hash.encode('ascii'))
    digest.update(b'\n')
    digest.update(canonical(content))
    return digest.hexdigest()


@dataclass(frozen=True)
class Break:
    "The first place where a chain does not verify"
    sequence: int
    reason: str


def verify(entries, prev_hash=GENESIS, sequence=0):
    """Verify (sequence, content, prev_hash, hash) tuples in order.

    Return (checked, last_sequence, last_hash, Break or None) so that a
    long chain can be verified in batches.
    """
    checked = 0
    for entry_sequence, content, stored_prev, stored_hash in entries:
        if entry_sequence != sequence + 1:
            return checked, sequence, prev_hash, Break(
                sequence + 1, 'missing')
        if stored_prev != prev_hash:
            return checked, sequence, prev_hash, Break(
                entry_sequence, 'previous')
        if entry_hash(prev_hash, content) != stored_hash:
            return checked, sequence, prev_hash, Break(
                entry_sequence, 'content')
        checked += 1
        sequence, prev_hash = entry_sequence, stored_hash
    return checked, sequence, prev_hash, None
