# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Contracts through the member API: list, read, PDF, signing with the
key creator's password (a wrong one signs nothing), verification,
call-offs; other members' ids answer 404; the OpenAPI document"""
import re
from types import SimpleNamespace

from common import DB_NAME, DatabaseTestCase, committed
from openapi_spec_validator import validate
from test_api import ApiAssertions, ApiClient, api_routes
from test_contract_portal import (
    PASSWORDS, _setup as contract_setup, committed_locking, signatures)
from werkzeug.test import Client

from trytond.modules.s2b2b_portal import tender_contract_api
from trytond.pool import Pool
from trytond.wsgi import app

SCOPES = ['procurement:read', 'procurement:write']


def _setup():
    pool = Pool()
    ApiKey = pool.get('s2b2b.api.key')
    WebUser = pool.get('web.user')
    ids = contract_setup()
    keys = {}
    for name, member, email in [
            ('buyer', ids.buyer, 'user0@11.example.com'),
            ('sales', ids.buyer, 'user1@11.example.com'),
            ('supplier', ids.supplier, 'user0@12.example.com'),
            ('other', ids.other_buyer, 'user0@13.example.com')]:
        user, = WebUser.search([('email', '=', email)])
        key, token = ApiKey.generate(user.s2b2b_member, name, SCOPES)
        ApiKey.write([key], {'created_by': user.id})
        keys[f'key_{name}'] = token
    read, = [ApiKey.generate(pool.get('s2b2b.member')(ids.buyer), 'read',
            ['procurement:read'])[1]]
    return SimpleNamespace(**vars(ids), **keys, key_read=read)


def contract_endpoints(contract, forward, calloff):
    return [
        ('GET', '/contracts', None),
        ('GET', f'/contracts/{contract}', None),
        ('GET', f'/contracts/{contract}/pdf', None),
        ('POST', f'/contracts/{contract}/sign', {'password': 'x'}),
        ('GET', f'/contracts/{contract}/verification', None),
        ('POST', f'/contracts/{forward}/calloffs/{calloff}/order', None),
        ('POST', f'/contracts/{contract}/order', {}),
        ]


class ContractApiTestCase(DatabaseTestCase, ApiAssertions):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed_locking(_setup)

    def call(self, key, method, path, payload=None, status=None):
        response = ApiClient(getattr(self.ids, f'key_{key}')).call(
            method, path, payload, headers={'Accept-Language': 'en'})
        if status is not None:
            self.assertEqual(response.status_code, status,
                f"{method} {path}: {response.data[:400]!r}")
        return response

    def test_openapi(self):
        document = Client(app).get(
            f'/{DB_NAME}/s2b2b/api/v1/openapi.json').json
        validate(document)
        described = {(m.upper(), p) for p, item in document['paths'].items()
            for m in item}
        self.assertLessEqual(api_routes(tender_contract_api), described)
        self.assertEqual(api_routes(), described)

    def test_read_and_pdf(self):
        ids = self.ids
        for key in ['buyer', 'supplier', 'sales']:
            listed = self.call(key, 'GET', '/contracts?per_page=100',
                status=200).json
            self.assertIn(ids.spot, [c['id'] for c in listed['items']])
        contract = self.call('buyer', 'GET', f'/contracts/{ids.spot}',
            status=200).json
        self.assertEqual(contract['state'], 'signing')
        self.assertEqual(contract['total'], '93703.50')
        self.assertRegex(contract['buyer']['company_code'],
            r'^[0-9A-Z]{18}$')
        self.assertEqual(contract['next_signer'], 'buyer')
        response = self.call('supplier', 'GET', f'/contracts/{ids.spot}/pdf',
            status=200)
        self.assertTrue(response.data.startswith(b'%PDF'))
        self.assertError(self.call('buyer', 'GET', '/contracts?state=x'),
            400)

    def test_sign_and_verify(self):
        "A wrong password, a sales user or the wrong turn sign nothing"
        spot = self.ids.spot
        self.assertError(self.call('buyer', 'POST', f'/contracts/{spot}/sign',
                {'password': 'wrong-password'}), 422, 'refused')
        self.assertError(self.call('buyer', 'POST', f'/contracts/{spot}/sign',
                {}), 400)
        self.assertError(self.call('sales', 'POST', f'/contracts/{spot}/sign',
                {'password': 'Sales-Pass-2026!'}), 422, 'refused')
        self.assertError(self.call('supplier', 'POST',
                f'/contracts/{spot}/sign',
                {'password': PASSWORDS['supplier']}), 422, 'refused')
        self.assertError(self.call('read', 'POST', f'/contracts/{spot}/sign',
                {'password': PASSWORDS['buyer']}), 403)
        self.assertEqual(signatures(spot), [])
        signed = self.call('buyer', 'POST', f'/contracts/{spot}/sign',
            {'password': PASSWORDS['buyer']}, status=200).json
        self.assertEqual([s['role'] for s in signed['signatures']],
            ['buyer'])
        self.assertEqual(signed['next_signer'], 'supplier')
        check = self.call('supplier', 'GET',
            f'/contracts/{spot}/verification', status=200).json
        self.assertTrue(check['valid'])
        self.assertFalse(check['changed'])
        self.assertEqual([s['field'] for s in check['signatures']],
            ['buyer'])
        self.assertIn('CN=', check['recorded'][0]['certificate_subject'])

    def test_call_off(self):
        forward, (first, second) = self.ids.forward, self.ids.calloffs
        self.assertError(self.call('supplier', 'POST',
                f'/contracts/{forward}/calloffs/{first}/order'), 422)
        done = self.call('buyer', 'POST',
            f'/contracts/{forward}/calloffs/{second}/order', status=200).json
        self.assertEqual([c['state'] for c in done['calloffs']
                if c['id'] == second], ['ordered'])
        self.assertError(self.call('buyer', 'POST',
                f'/contracts/{forward}/calloffs/{second}/order'), 422)

    def test_order_refused(self):
        """A contract being signed, the supplier's order of it and a
        forward contract are refused with a reason; nothing is ordered"""
        def orders():
            return Pool().get('s2b2b.order').search([], count=True)
        before = committed(orders)
        for key, contract in [('buyer', self.ids.spot),
                ('supplier', self.ids.spot), ('buyer', self.ids.forward)]:
            with self.subTest(key=key, contract=contract):
                self.assertError(self.call(key, 'POST',
                        f'/contracts/{contract}/order', {}), 422, 'refused')
        self.assertError(self.call('buyer', 'POST',
                f'/contracts/{self.ids.spot}/order', {'price': 1}), 400)
        self.assertEqual(committed(orders), before)

    def test_tenant_sweep(self):
        "Another member's contract and call-off ids answer 404"
        ids = self.ids

        def state():
            Contract = Pool().get('s2b2b.contract')
            return [(c.state, len(c.signatures),
                    [o.state for o in c.calloffs])
                for c in Contract.browse([ids.other, ids.o_forward])]
        before = committed(state)
        for method, path, payload in contract_endpoints(
                ids.other, ids.o_forward, ids.o_calloff) + [
                ('POST', f'/contracts/{ids.forward}/calloffs/'
                    f'{ids.o_calloff}/order', None)]:
            if not re.search(r'/\d+', path):
                continue
            with self.subTest(method=method, path=path):
                self.assertError(self.call('buyer', method, path, payload),
                    404, 'not_found')
        self.assertEqual(committed(state), before)
        listed = self.call('other', 'GET', '/contracts', status=200).json
        self.assertNotIn(ids.spot, [c['id'] for c in listed['items']])
        for method, path, payload in contract_endpoints(1, 1, 1):
            with self.subTest(method=method, path=path, key=None):
                self.assertError(ApiClient().call(method, path, payload),
                    401)
