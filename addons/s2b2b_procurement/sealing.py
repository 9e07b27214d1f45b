# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Sealed bids, without any database.

A bid's priced content is encrypted with AES-GCM under its tender's key,
the bid's id bound as associated data so that a ciphertext cannot be moved
to another bid; it is padded to a multiple of PAD_SIZE bytes so that the
ciphertext's length tells nothing of the prices.  A random salt is sealed
with the content: the digest committed at submission (SHA-256 of the
canonical JSON of content, padding and salt) can then be shown to
everybody without letting anyone confirm a guessed price against it.

The content is normalised first (``normalise``): per tender line a unit
price, an offered quantity and optionally the carbon footprint in kg CO2e
per unit; the lead time in days; notes.
"""
import hashlib
import json
import os
from decimal import Decimal, InvalidOperation

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from trytond.modules.s2b2b_platform.hashchain import canonical

NONCE_SIZE = 12
SALT_SIZE = 16
PAD_SIZE = 512
PRICE_DIGITS = Decimal('0.0001')
NOTES_MAX = 4000


class SealError(Exception):
    "The ciphertext does not open under this key for this bid"


class ContentError(ValueError):
    "Bad bid content: code names the problem, params what it is about"

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def _associated_data(bid_id):
    return f's2b2b.tender.bid/{int(bid_id)}'.encode('ascii')


def plaintext(content, salt):
    """The canonical bytes sealed and digested, padded to a multiple of
    PAD_SIZE (9.50 and 10.50 differ by a character)"""
    values = {'content': content, 'pad': '', 'salt': salt}
    values['pad'] = ' ' * (-len(canonical(values)) % PAD_SIZE)
    return canonical(values)


def digest_of(data):
    "Hex SHA-256 of the sealed bytes: the commitment made at submission"
    return hashlib.sha256(data).hexdigest()


def seal(key, bid_id, content):
    """Return (ciphertext, digest) of the content for the bid.

    The ciphertext is the nonce followed by the AES-GCM output."""
    data = plaintext(content, os.urandom(SALT_SIZE).hex())
    nonce = os.urandom(NONCE_SIZE)
    sealed = nonce + AESGCM(key).encrypt(
        nonce, data, _associated_data(bid_id))
    return sealed, digest_of(data)


def unseal(key, bid_id, sealed):
    """Return (content, digest) of a ciphertext made by seal.

    Raise SealError when the key, the bid or the ciphertext is wrong."""
    sealed = bytes(sealed or b'')
    nonce, body = sealed[:NONCE_SIZE], sealed[NONCE_SIZE:]
    if len(nonce) != NONCE_SIZE or not body:
        raise SealError('truncated')
    try:
        data = AESGCM(key).decrypt(nonce, body, _associated_data(bid_id))
    except InvalidTag as exception:
        raise SealError('invalid') from exception
    return json.loads(data)['content'], digest_of(data)


def _decimal(value, code, line=None):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ContentError(code, line=line)
    if not number.is_finite():
        raise ContentError(code, line=line)
    return number


def _line(key, values, quantity, ceiling):
    "Normalise one line's offer against the tender line"
    if not isinstance(values, dict):
        raise ContentError('line_invalid', line=key)
    price = _decimal(values.get('unit_price'), 'price_invalid', key)
    if price <= 0:
        raise ContentError('price_invalid', line=key)
    if ceiling is not None and price > ceiling:
        raise ContentError('price_ceiling', line=key, ceiling=ceiling)
    offered = _decimal(values.get('quantity', quantity),
        'quantity_invalid', key)
    if offered <= 0 or offered > Decimal(str(quantity)):
        raise ContentError('quantity_invalid', line=key)
    line = {
        'unit_price': str(price.quantize(PRICE_DIGITS)),
        'quantity': float(offered),
        'carbon': None,
        }
    if values.get('carbon') not in (None, ''):
        carbon = _decimal(values['carbon'], 'carbon_invalid', key)
        if carbon < 0:
            raise ContentError('carbon_invalid', line=key)
        line['carbon'] = str(carbon)
    return line


def _lead_time(value):
    "Whole days, at least one"
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ContentError('lead_time_invalid')
    return value


def normalise(content, lines):
    """Return the canonical content of a bid or raise ContentError.

    lines maps each tender line id to (quantity, ceiling price or None);
    a bid prices every line, for at most the line's quantity."""
    if not isinstance(content, dict):
        raise ContentError('content_invalid')
    offers = content.get('lines')
    if not isinstance(offers, dict):
        raise ContentError('content_invalid')
    offers = {str(k): v for k, v in offers.items()}
    unknown = set(offers) - {str(k) for k in lines}
    if unknown:
        raise ContentError('line_unknown', line=sorted(unknown)[0])
    normalised = {}
    for line_id, (quantity, ceiling) in lines.items():
        key = str(line_id)
        if key not in offers:
            raise ContentError('line_missing', line=key)
        normalised[key] = _line(key, offers[key], quantity, ceiling)
    notes = content.get('notes') or ''
    if not isinstance(notes, str) or len(notes) > NOTES_MAX:
        raise ContentError('notes_invalid')
    return {
        'lines': normalised,
        'lead_time': _lead_time(content.get('lead_time')),
        'notes': notes.strip(),
        }
