# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import hashlib
import unittest

from trytond.model.exceptions import AccessError, SQLConstraintError
from trytond.model.modelview import AccessButtonError
from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.tenant import as_member, get_record
from trytond.modules.s2b2b_platform.tests.tools import (
    create_backoffice_user, create_document_types, create_member,
    request_rollback)
from trytond.modules.s2b2b_portal.apikey import (
    hash_secret, new_token, parse_token)
from trytond.modules.s2b2b_portal.exceptions import ApiKeyError
from trytond.modules.s2b2b_portal.keys import expires
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class TokenTestCase(unittest.TestCase):
    "API key tokens, without a database"

    def test_token_round_trip(self):
        prefix, secret, token = new_token()
        self.assertEqual(token, f's2b2b_{prefix}_{secret}')
        self.assertEqual(parse_token(token), (prefix, secret))
        self.assertEqual(len(prefix), 12)
        self.assertGreaterEqual(len(secret), 43)
        self.assertNotEqual(new_token(), new_token())

    def test_malformed_tokens(self):
        prefix, secret, token = new_token()
        for bad in [None, '', 's2b2b', 's2b2b__x', f'x_{token[6:]}',
                f's2b2b_abc_{secret}', f's2b2b_{prefix}_']:
            with self.subTest(token=bad):
                self.assertIsNone(parse_token(bad))

    def test_secret_hash(self):
        self.assertEqual(hash_secret('abc'),
            hashlib.sha256(b'abc').hexdigest())

    def test_expires_choice(self):
        now = dt.datetime(2026, 1, 1)
        self.assertIsNone(expires(''))
        self.assertEqual(expires('30', now), dt.datetime(2026, 1, 31))
        for bad in ['0', '-1', 'x', '99999']:
            with self.subTest(value=bad):
                with self.assertRaises(ApiKeyError):
                    expires(bad, now)


class S2B2BPortalTestCase(ModuleTestCase):
    "Test S2B2B Portal module"
    module = 's2b2b_portal'

    def _setup(self):
        create_document_types()
        self.a = create_member("A", 1)
        self.b = create_member("B", 2)

    def _key(self, member, scopes=('member:read',), **values):
        ApiKey = Pool().get('s2b2b.api.key')
        return ApiKey.generate(member, "ERP", list(scopes), **values)

    @with_transaction()
    def test_key_stores_hash_not_secret(self):
        "The secret is only in the token shown once; its hash is kept"
        pool = Pool()
        ApiKey = pool.get('s2b2b.api.key')
        self._setup()
        user = self.a.web_users[0]
        key, token = self._key(self.a, created_by=user)
        prefix, secret = parse_token(token)
        self.assertEqual(key.prefix, prefix)
        self.assertEqual(key.secret_hash, hash_secret(secret))
        stored = ApiKey.read([key.id], list(ApiKey._fields))[0]
        self.assertFalse([f for f, v in stored.items()
                if isinstance(v, str) and secret in v])
        self.assertEqual(key.created_by, user)
        self.assertEqual(key.state, 'active')
        self.assertEqual(ApiKey.authenticate(token), key)
        for bad in [token[:-1] + ('A' if token[-1] != 'A' else 'B'),
                f's2b2b_{prefix}_', 'Bearer', None]:
            with self.subTest(token=bad):
                self.assertIsNone(ApiKey.authenticate(bad))

    @with_transaction()
    def test_revoked_expired_terminated(self):
        pool = Pool()
        ApiKey = pool.get('s2b2b.api.key')
        Member = pool.get('s2b2b.member')
        Event = pool.get('s2b2b.event')
        self._setup()
        revoked, revoked_token = self._key(self.a)
        ApiKey.revoke([revoked])
        ApiKey.revoke([revoked])  # again: nothing changes
        self.assertIsNone(ApiKey.authenticate(revoked_token))
        self.assertEqual(revoked.state, 'revoked')
        expired, expired_token = self._key(self.a,
            expires=dt.datetime.now() + dt.timedelta(seconds=5))
        later = dt.datetime.now() + dt.timedelta(seconds=10)
        self.assertIsNone(ApiKey.authenticate(expired_token, now=later))
        key, token = self._key(self.b)
        self.assertEqual(ApiKey.authenticate(token), key)
        self.b.reason = "Closed"
        self.b.save()
        Member.terminate([self.b])
        self.assertIsNone(ApiKey.authenticate(token))
        self.assertEqual(
            [k.id for k in ApiKey.search([('state', '=', 'revoked')])],
            [revoked.id])
        self.assertEqual(Event.search([('event', '=', 'api_key.revoked')],
                count=True), 1)
        self.assertEqual(Event.search([('event', '=', 'api_key.created')],
                count=True), 3)

    @with_transaction()
    def test_generate_refuses(self):
        pool = Pool()
        ApiKey = pool.get('s2b2b.api.key')
        self._setup()
        past = dt.datetime.now() - dt.timedelta(minutes=1)
        for name, scopes, expires_ in [
                ('', ['member:read'], None),
                ("ERP", [], None),
                ("ERP", ['root'], None),
                ("ERP", ['member:read'], past)]:
            with self.subTest(name=name, scopes=scopes, expires=expires_):
                with self.assertRaises(ApiKeyError), request_rollback():
                    ApiKey.generate(self.a, name, scopes, expires=expires_)
        key, _ = self._key(self.a)
        with self.assertRaises(ApiKeyError), request_rollback():
            ApiKey.copy([key])
        self.assertEqual(ApiKey.search([], count=True), 1)

    @with_transaction()
    def test_member_sees_and_revokes_only_own_keys(self):
        pool = Pool()
        ApiKey = pool.get('s2b2b.api.key')
        self._setup()
        own, _ = self._key(self.a)
        foreign, _ = self._key(self.b)
        with as_member(self.a.id):
            self.assertEqual(ApiKey.search([]), [own])
            with self.assertRaises(RecordNotFound):
                get_record('s2b2b.api.key', foreign.id)
            with self.assertRaises(AccessError), request_rollback():
                ApiKey.revoke([ApiKey(foreign.id)])
            with self.assertRaises(AccessError), request_rollback():
                ApiKey.generate(self.b, "Theirs", ['member:read'])
            with self.assertRaises(AccessError), request_rollback():
                ApiKey.delete([ApiKey(own.id)])
            key, _ = ApiKey.generate(self.a, "Mine", ['users:read'])
            ApiKey.revoke([get_record('s2b2b.api.key', own.id)])
        self.assertEqual(ApiKey(own.id).state, 'revoked')
        self.assertEqual(ApiKey(foreign.id).state, 'active')
        self.assertEqual(ApiKey(key.id).member, self.a)

    @with_transaction()
    def test_operators_read_and_revoke(self):
        "Operators see every key and revoke it; finance sees none"
        pool = Pool()
        ApiKey = pool.get('s2b2b.api.key')
        self._setup()
        key, _ = self._key(self.a)
        operator = create_backoffice_user('op', 'group_s2b2b_operator')
        finance = create_backoffice_user('fin', 'group_s2b2b_finance')
        transaction = Transaction()
        with transaction.set_user(operator.id), \
                transaction.set_context(_check_access=True):
            self.assertEqual(ApiKey.search([]), [key])
            with self.assertRaises(AccessError), request_rollback():
                ApiKey.write([ApiKey(key.id)], {'name': "X"})
            with self.assertRaises(AccessError), request_rollback():
                ApiKey.create([{'member': self.a.id, 'name': "X",
                            'prefix': 'x', 'secret_hash': 'x'}])
            ApiKey.revoke([ApiKey(key.id)])
            with self.assertRaises(AccessButtonError), request_rollback():
                ApiKey.revoke([ApiKey(key.id)])
        with transaction.set_user(finance.id), \
                transaction.set_context(_check_access=True):
            with self.assertRaises(AccessError):
                ApiKey.search([])
        self.assertEqual(ApiKey(key.id).state, 'revoked')

    @with_transaction()
    def test_idempotency_kept_per_member_for_a_day(self):
        pool = Pool()
        Idempotency = pool.get('s2b2b.api.idempotency')
        self._setup()
        values = {'key': 'k1', 'request': 'POST /users', 'body_hash': 'h',
            'status': 201, 'response': '{}'}
        with as_member(self.a.id):
            kept, = Idempotency.create([{**values, 'member': self.a.id}])
            self.assertEqual(Idempotency.lookup('k1'), kept)
            self.assertTrue(kept.matches('POST /users', 'h'))
            self.assertFalse(kept.matches('POST /users', 'other'))
            self.assertFalse(kept.matches('POST /documents', 'h'))
        with as_member(self.b.id):
            self.assertIsNone(Idempotency.lookup('k1'))
            Idempotency.create([{**values, 'member': self.b.id}])
        tomorrow = dt.datetime.now() + dt.timedelta(hours=25)
        with as_member(self.a.id):
            self.assertIsNone(Idempotency.lookup('k1', now=tomorrow))
        self.assertEqual(Idempotency.search([], count=True), 1)
        Idempotency.clean(now=tomorrow)
        self.assertEqual(Idempotency.search([], count=True), 0)
        Idempotency.create([{**values, 'member': self.a.id}])
        with self.assertRaises(SQLConstraintError):
            Idempotency.create([{**values, 'member': self.a.id}])


del ModuleTestCase
