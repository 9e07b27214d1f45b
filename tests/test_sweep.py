# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Every portal route, as nobody and as member A against member B's ids.

The member API has its own sweep in test_api.py; this one covers the
pages and checks that no portal route is left out of it.
"""
from types import SimpleNamespace

from common import PASSWORD, DatabaseTestCase, PortalClient, committed
# The catalog, procurement, tender and contract pages have their own
# sweeps; they name the routes they cover
from test_catalog_buyer_portal import ROUTES as BUYER_ROUTES
from test_catalog_supplier_portal import ROUTES as SUPPLIER_ROUTES
from test_contract_portal import ROUTES as CONTRACT_ROUTES
from test_order_portal import ROUTES as ORDER_ROUTES
from test_procurement_portal import ROUTES as PROCUREMENT_ROUTES
from test_tender_portal import ROUTES as TENDER_ROUTES

from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member)
from trytond.pool import Pool
from trytond.wsgi import app

PORTAL = '/<database_name>/portal'
# Routes anybody may open: sign-in, registration, reset, assets, language
PUBLIC = {'/login', '/logout', '/lang/<code>', '/static/<path:path>',
    '/vendor/<path:path>', '/register', '/register/done', '/reset',
    '/reset/sent', '/reset/confirm', '/reset/done'}
# Member routes: path → methods; {user}, {document} and {key} are B's ids
MEMBER = {
    '/': ['GET'],
    '/profile': ['GET', 'POST'],
    '/documents': ['GET', 'POST'],
    '/documents/<record_id>/file': ['GET'],
    '/users': ['GET', 'POST'],
    '/users/<record_id>/<action>': ['POST'],
    '/api-keys': ['GET', 'POST'],
    '/api-keys/<int:key_id>/revoke': ['POST'],
    }
FOREIGN = {
    '/documents/<record_id>/file': ['/documents/{document}/file'],
    '/users/<record_id>/<action>': [f'/users/{{user}}/{action}'
        for action in ['roles', 'deactivate', 'reactivate']],
    '/api-keys/<int:key_id>/revoke': ['/api-keys/{key}/revoke'],
    }


def _setup():
    pool = Pool()
    ApiKey = pool.get('s2b2b.api.key')
    WebUser = pool.get('web.user')
    create_document_types()
    a = create_member("A", 1, users=2)
    b = create_member("B", 2, users=2)
    WebUser.write(list(a.web_users + b.web_users),
        {'password_hash': WebUser.hash_password(PASSWORD)})
    key, _ = ApiKey.generate(b, 'b', ['member:read'])
    return SimpleNamespace(a=a.id, b=b.id, user=b.web_users[1].id,
        document=b.documents[0].id, key=key.id)


def _snapshot(member_id):
    "Everything of a member the portal could change"
    pool = Pool()
    Member = pool.get('s2b2b.member')
    WebUser = pool.get('web.user')
    Document = pool.get('s2b2b.member.document')
    ApiKey = pool.get('s2b2b.api.key')
    member = Member(member_id)
    domain = [('s2b2b_member', '=', member_id),
        ('active', 'in', [True, False])]
    return (
        (member.contact_name, member.contact_email, member.state),
        [(u.id, u.email, tuple(u.s2b2b_roles or ()), u.active)
            for u in WebUser.search(domain, order=[('id', 'ASC')])],
        [(d.id, d.number, d.valid_to) for d in Document.search(
                [('member', '=', member_id)], order=[('id', 'ASC')])],
        [(k.id, k.revoked_at) for k in ApiKey.search(
                [('member', '=', member_id)], order=[('id', 'ASC')])])


class SweepTestCase(DatabaseTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def test_every_route_covered(self):
        rules = {r.rule[len(PORTAL):] for r in app.url_map.iter_rules()
            if r.rule.startswith(PORTAL + '/')}
        self.assertEqual(
            rules, PUBLIC | set(MEMBER) | SUPPLIER_ROUTES | BUYER_ROUTES
            | PROCUREMENT_ROUTES | ORDER_ROUTES | TENDER_ROUTES
            | CONTRACT_ROUTES)

    def test_unauthenticated(self):
        "Nobody gets a member page: every route sends to the login"
        client = PortalClient()
        for path, methods in MEMBER.items():
            for url in FOREIGN.get(path, [path]):
                url = url.format(**vars(self.ids))
                for method in methods:
                    with self.subTest(url=url, method=method):
                        token = client.csrf('/login')
                        response = client.open(client.base + url,
                            method=method, data={'csrf_token': token}
                            if method == 'POST' else None)
                        self.assertEqual(response.status_code, 302)
                        self.assertIn('/login',
                            response.headers['Location'])

    def test_foreign_ids(self):
        "Member A's admin gets 404 for B's records; B is unchanged"
        before = committed(lambda: _snapshot(self.ids.b))
        client = PortalClient()
        client.login('user0@1.example.com')
        for path, urls in FOREIGN.items():
            for url in urls:
                url = url.format(**vars(self.ids))
                for method in MEMBER[path]:
                    with self.subTest(url=url, method=method):
                        data = {'roles': ['admin', 'sales']} \
                            if method == 'POST' else None
                        response = (client.submit(url, data)
                            if method == 'POST' else
                            client.get(client.base + url))
                        self.assertEqual(response.status_code, 404)
        self.assertEqual(committed(lambda: _snapshot(self.ids.b)), before)

    def test_lists_show_own_records_only(self):
        client = PortalClient()
        client.login('user0@1.example.com')
        names = committed(lambda: (
                [u.email for u in Pool().get('web.user').search(
                        [('s2b2b_member', '=', self.ids.b)])],
                [d.number for d in Pool().get(
                        's2b2b.member.document').search(
                        [('member', '=', self.ids.b)])]))
        for path in ['/', '/profile', '/documents', '/users', '/api-keys']:
            with self.subTest(path=path):
                page = client.get(client.base + path).get_data(
                    as_text=True)
                for value in names[0] + names[1]:
                    self.assertNotIn(value, page)
