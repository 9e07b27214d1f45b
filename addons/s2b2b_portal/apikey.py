# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""API keys of members and the responses kept for Idempotency-Key.

A key is shown once, as ``s2b2b_<prefix>_<secret>``: the prefix finds the
key, only the SHA-256 of the secret is stored.
"""
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets

from sql import Null

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.s2b2b_platform.domains import selection_domain
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .exceptions import ApiKeyError

logger = logging.getLogger(__name__)

SCOPES = [
    ('member:read', "Read the member profile"),
    ('member:write', "Change the member contact"),
    ('users:read', "Read portal users"),
    ('users:write', "Invite and change portal users"),
    ('documents:read', "Read qualification documents"),
    ('documents:write', "Upload qualification documents"),
    ('listings:read', "Read own catalog listings"),
    ('listings:write', "Create and change own catalog listings"),
    ('catalog:read', "Search the catalog and read favourites"),
    ('favourites:write', "Add and remove favourite listings"),
    ('procurement:read', "Read requirements, RFQs and quotations"),
    ('procurement:write',
        "Create and act on requirements, RFQs, quotations and offers"),
    ('orders:read', "Read orders, shipments, changes and returns"),
    ('orders:write',
        "Place and act on orders, shipments, changes and returns"),
    ]
TOKEN_PREFIX = 's2b2b'
PREFIX_BYTES = 6
SECRET_BYTES = 32
# last_used_at is written at most this often, so reads stay cheap
TOUCH_INTERVAL = dt.timedelta(minutes=1)
IDEMPOTENCY_TTL = dt.timedelta(hours=24)


def new_token():
    "Return (prefix, secret, token) of a new key"
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return prefix, secret, f'{TOKEN_PREFIX}_{prefix}_{secret}'


def parse_token(token):
    "Return (prefix, secret) of a token, or None when it is malformed"
    parts = (token or '').split('_', 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    prefix, secret = parts[1:]
    if len(prefix) != 2 * PREFIX_BYTES or not secret:
        return None
    return prefix, secret


def hash_secret(secret):
    return hashlib.sha256(secret.encode('utf-8')).hexdigest()


class ApiKey(ModelSQL, ModelView):
    __name__ = 's2b2b.api.key'
    __string__ = "Member API Key"

    member = fields.Many2One(
        's2b2b.member', "Member", required=True, readonly=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True, readonly=True)
    prefix = fields.Char(
        "Prefix", required=True, readonly=True, strip=False,
        help="The public part of the key that identifies it.")
    secret_hash = fields.Char(
        "Secret Hash", required=True, readonly=True, strip=False)
    scopes = fields.MultiSelection(
        SCOPES, "Scopes", readonly=True,
        help="What requests with this key may do.")
    created_by = fields.Many2One(
        'web.user', "Created by", readonly=True, ondelete='SET NULL')
    expires = fields.Timestamp(
        "Expires", readonly=True,
        help="Leave empty for a key that does not expire.")
    revoked_at = fields.Timestamp("Revoked", readonly=True)
    last_used_at = fields.Timestamp("Last Used", readonly=True)
    state = fields.Function(fields.Selection([
                ('active', "Active"),
                ('expired', "Expired"),
                ('revoked', "Revoked"),
                ], "State"), 'get_state', searcher='search_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('prefix_unique', Unique(t, t.prefix),
                's2b2b_portal.msg_api_key_prefix_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.member, Index.Range()), (t.id, Index.Range())))
        cls._order = [('id', 'DESC')]
        cls._buttons.update({
                'revoke': {
                    'invisible': Bool(Eval('revoked_at')),
                    'icon': 'tryton-cancel',
                    'depends': ['revoked_at'],
                    },
                })

    def get_rec_name(self, name):
        return f'{self.name} ({TOKEN_PREFIX}_{self.prefix}…)'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('name', operator, value),
            ('prefix', operator, value),
            ]

    def is_active(self, now=None):
        now = now or dt.datetime.now()
        return (not self.revoked_at
            and (not self.expires or self.expires > now))

    def get_state(self, name):
        if self.revoked_at:
            return 'revoked'
        return 'active' if self.is_active() else 'expired'

    @classmethod
    def search_state(cls, name, clause):
        now = dt.datetime.now()
        domains = {
            'revoked': [('revoked_at', '!=', None)],
            'expired': [('revoked_at', '=', None),
                ('expires', '!=', None), ('expires', '<=', now)],
            'active': [('revoked_at', '=', None), ['OR',
                    ('expires', '=', None), ('expires', '>', now)]],
            }
        return selection_domain(domains, clause)

    @classmethod
    def copy(cls, keys, default=None):
        if keys:
            raise ApiKeyError(gettext('s2b2b_portal.msg_api_key_no_copy'))
        return super().copy(keys, default=default)

    @classmethod
    def check_values(cls, name, scopes, expires):
        if not (name or '').strip():
            raise ApiKeyError(
                gettext('s2b2b_portal.msg_api_key_name_required'))
        if not scopes or not set(scopes) <= {s for s, _ in SCOPES}:
            raise ApiKeyError(
                gettext('s2b2b_portal.msg_api_key_scopes_required'))
        if expires and expires <= dt.datetime.now():
            raise ApiKeyError(
                gettext('s2b2b_portal.msg_api_key_expires_past'))

    @classmethod
    def generate(cls, member, name, scopes, expires=None, created_by=None):
        """Create a key of the member; return (key, token).

        The token is the only copy of the secret: show it once.
        """
        Event = Pool().get('s2b2b.event')
        cls.check_values(name, scopes, expires)
        prefix, secret, token = new_token()
        key, = cls.create([{
                    'member': int(member),
                    'name': name.strip(),
                    'prefix': prefix,
                    'secret_hash': hash_secret(secret),
                    'scopes': sorted(set(scopes)),
                    'expires': expires,
                    'created_by': int(created_by) if created_by else None,
                    }])
        Event.append([cls._event(key, 'api_key.created')])
        return key, token

    @staticmethod
    def _event(key, event):
        return {
            'event': event,
            'member': key.member,
            'resource': key,
            'data': {
                'prefix': key.prefix,
                'scopes': list(key.scopes or []),
                'created_by': (
                    key.created_by.email if key.created_by else None),
                },
            }

    @classmethod
    def _credentials(cls, prefix):
        """Return the row of the key of prefix whose member is not
        terminated: one query, as every API request starts with it"""
        Member = Pool().get('s2b2b.member')
        key, member = cls.__table__(), Member.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*key.join(member, condition=key.member == member.id
                ).select(key.id, key.member, key.secret_hash, key.scopes,
                key.expires, key.revoked_at, key.last_used_at,
                where=(key.prefix == prefix)
                & (member.state != 'terminated'),
                limit=1))
        return cursor.fetchone()

    @classmethod
    def authenticate(cls, token, now=None):
        "Return the active key of an active member for the token, or None"
        parsed = parse_token(token)
        row = cls._credentials(parsed[0]) if parsed else None
        if not row or not hmac.compare_digest(
                row[2], hash_secret(parsed[1])):
            return None
        id_, member, _, scopes, expires, revoked_at, last_used_at = row
        if isinstance(scopes, str):  # JSON as text where not native
            scopes = json.loads(scopes)
        key = cls(id_, member=member, scopes=scopes or [], expires=expires,
            revoked_at=revoked_at, last_used_at=last_used_at)
        return key if key.is_active(now) else None

    def touch(self, now=None):
        """Record the use of the key, at most once per TOUCH_INTERVAL.

        In a transaction of its own so that reads stay read-only and
        concurrent requests never wait on the key's row for long; a
        conflict only means another request recorded the use.
        """
        now = now or dt.datetime.now()
        if self.last_used_at and now - self.last_used_at < TOUCH_INTERVAL:
            return
        table = self.__table__()
        try:
            with Transaction().new_transaction() as transaction:
                cursor = transaction.connection.cursor()
                cursor.execute(*table.update(
                        [table.last_used_at], [now],
                        where=(table.id == self.id)
                        & ((table.last_used_at == Null)
                            | (table.last_used_at < now - TOUCH_INTERVAL))))
        except backend.DatabaseOperationalError:
            logger.debug("last use of API key %s not recorded", self.id,
                exc_info=True)

    @classmethod
    @ModelView.button
    def revoke(cls, keys):
        Event = Pool().get('s2b2b.event')
        keys = [k for k in keys if not k.revoked_at]
        cls.write(keys, {'revoked_at': dt.datetime.now()})
        Event.append([cls._event(k, 'api_key.revoked') for k in keys])


class Idempotency(ModelSQL):
    "The first response to a POST with an Idempotency-Key, kept 24 hours"
    __name__ = 's2b2b.api.idempotency'
    __string__ = "API Idempotency Key"

    member = fields.Many2One(
        's2b2b.member', "Member", required=True, ondelete='CASCADE')
    key = fields.Char("Key", required=True, strip=False)
    request = fields.Char("Request", required=True,
        help="The method and the path of the request.")
    body_hash = fields.Char("Body Hash", required=True, strip=False)
    status = fields.Integer("HTTP Status", required=True)
    response = fields.Text("Response")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('member_key_unique', Unique(t, t.member, t.key),
                's2b2b_portal.msg_api_idempotency_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.create_date, Index.Range())))

    @classmethod
    def lookup(cls, key, now=None):
        "Return the kept response of the key, forgetting an outdated one"
        now = now or dt.datetime.now()
        records = cls.search([('key', '=', key)], limit=1, order=[])
        if records and records[0].create_date < now - IDEMPOTENCY_TTL:
            cls.delete(records)
            return None
        return records[0] if records else None

    def matches(self, request, body_hash):
        return (self.request == request
            and hmac.compare_digest(self.body_hash, body_hash))

    @classmethod
    def clean(cls, now=None):
        "Forget the responses older than the time they are kept"
        now = now or dt.datetime.now()
        cls.delete(cls.search([
                    ('create_date', '<', now - IDEMPOTENCY_TTL),
                    ], order=[]))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('s2b2b.api.idempotency|clean',
                "Forget Outdated API Idempotency Keys"))
