# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Sealed bids over HTTP: an operator's JSON-RPC session (what sao uses)
and REST key read nothing of a bid before the tender is opened."""
import base64
import json
import re
from decimal import Decimal
from types import SimpleNamespace

from werkzeug.test import Client

from trytond.i18n import gettext
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.s2b2b_platform.tests.tools import create_backoffice_user
from trytond.modules.s2b2b_procurement.tests.tender_tools import (
    content, create_tender, make_bid, open_tender, setup)
from trytond.pool import Pool
from trytond.wsgi import app

from common import DB_NAME, PASSWORD, DatabaseTestCase, committed


def _setup():
    "A published tender, A's submitted bid, an operator with a REST key"
    pool = Pool()
    User = pool.get('res.user')
    Application = pool.get('res.user.application')
    with set_company(create_company()):
        data = setup()
        tender = create_tender(data)
        bid = make_bid(tender, data['a'], content(tender, ['10', '20'], 10))
        operator = create_backoffice_user('operator', 'group_s2b2b_operator')
        User.write([operator], {'password': PASSWORD})
        application, = Application.create([{
                    'user': operator.id, 'application': 'rest'}])
        message = gettext('s2b2b_procurement.msg_tender_bid_sealed',
            supplier=data['a'].rec_name, tender=tender.rec_name,
            opening=tender.opening_time)
    return SimpleNamespace(tender=tender.id, bid=bid.id,
        key=application.key, message=message)


def _open(tender_id):
    Tender = Pool().get('s2b2b.tender')
    open_tender(Tender(tender_id))


class TenderApiTestCase(DatabaseTestCase):
    "Sealed bids through the back-office RPC and the REST API"
    modules = ['s2b2b_procurement']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def rpc(self, method, *params):
        "Call the JSON-RPC method as the operator; return the response"
        client = Client(app)
        login = client.post(f'/{DB_NAME}/rpc/', json={
                'id': 1, 'method': 'common.db.login',
                'params': ['operator', {'password': PASSWORD}, 'en']})
        user_id, session = json.loads(login.data)["result"][:2]
        token = base64.b64encode(
            f'operator:{user_id}:{session}'.encode()).decode()
        response = client.post(f'/{DB_NAME}/rpc/', json={
                'id': 2, 'method': method, 'params': [*params, {}]},
            headers={'Authorization': f'Session {token}'})
        return json.loads(response.data)

    def rest(self, path):
        client = Client(app)
        return client.get(f'/{DB_NAME}/rest/model/s2b2b.tender.bid{path}',
            headers={'Authorization': f'Bearer {self.ids.key}'})

    def test_sealed_then_opened(self):
        "Refused before the opening by both, readable after"
        bid = self.ids.bid
        for fields in [['total'], ['content'], ['lead_time', 'carbon']]:
            with self.subTest(rpc=fields):
                answer = self.rpc('model.s2b2b.tender.bid.read', [bid], fields)
                self.assertNotIn('result', answer)
                self.assertEqual(answer['error'][0], 'UserError')
                self.assertEqual(answer['error'][1][0], self.ids.message)
        answer = self.rpc('model.s2b2b.tender.bid.read', [bid],
            ['seal_status', 'state'])
        self.assertEqual(answer['result'], [
                {'id': bid, 'seal_status': 'sealed', 'state': 'submitted'}])
        # searching by price is refused too
        answer = self.rpc('model.s2b2b.tender.bid.search',
            [('total', '>', 0)], 0, None, None)
        self.assertNotIn('result', answer)
        # REST: the sealed bid is not found, a search with prices refused
        self.assertEqual(self.rest(f'/{bid}?f=total').status_code, 404)
        self.assertEqual(self.rest('?f=total').status_code, 400)
        response = self.rest(f'/{bid}?f=state')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(response.data)['state'], 'submitted')

        committed(lambda: _open(self.ids.tender))
        answer = self.rpc('model.s2b2b.tender.bid.read', [bid], ['total'])
        self.assertEqual(answer['result'], [{'id': bid, 'total': {
                        '__class__': 'Decimal', 'decimal': '2000.00'}}])
        response = self.rest(f'/{bid}?f=total&f=lead_time')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(response.data)['lead_time'], 10)


# The member API's tender endpoints (tender_contract_api.py)

def _member_setup():
    "Suppliers a, b, c and two buyers with keys; a published tender"
    pool = Pool()
    ApiKey = pool.get('s2b2b.api.key')
    with set_company(create_company()):
        data = setup()
        keys = {f'key_{name}': ApiKey.generate(data[name], name,
                ['procurement:read', 'procurement:write'])[1]
            for name in ['buyer', 'other_buyer', 'a', 'b', 'c']}
        other = create_tender(data, suppliers='b', buyer='other_buyer')
        bid = make_bid(other, data['b'], content(other, ['10', '20'], 10))
    return SimpleNamespace(**keys, **{k: v.id for k, v in data.items()
            if k != 'catalog'}, o_tender=other.id, o_bid=bid.id,
        o_line=other.lines[0].id)


def member_endpoints(tender, bid, line):
    "(method, path, body) of every tender route of the member API"
    return [
        ('GET', '/tenders', None),
        ('POST', '/tenders', {'title': "扫描", 'deadline': '2030-01-01T10:00',
                'opening_time': '2030-01-02T10:00'}),
        ('GET', f'/tenders/{tender}', None),
        ('POST', f'/tenders/{tender}/publish', None),
        ('POST', f'/tenders/{tender}/award', {'bid': bid}),
        ('POST', f'/tenders/{tender}/bids', {'lead_time': 3, 'lines': [
                    {'line': line, 'unit_price': '1'}]}),
        ('GET', f'/tenders/{tender}/bid', None),
        ]


class TenderMemberApiTestCase(DatabaseTestCase):
    "Tenders and sealed bids through the member API"
    modules = ['s2b2b_portal']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_member_setup)

    def call(self, key, method, path, payload=None, status=None):
        from test_api import ApiClient
        response = ApiClient(getattr(self.ids, f'key_{key}')).call(
            method, path, payload, headers={'Accept-Language': 'en'})
        if status is not None:
            self.assertEqual(response.status_code, status,
                f"{method} {path}: {response.data[:400]!r}")
        return response

    def new_tender(self, suppliers=('a', 'b')):
        from test_tender_portal import in_days
        unit = committed(lambda: Pool().get('ir.model.data').get_id(
                'product', 'uom_unit'))
        tender = self.call('buyer', 'POST', '/tenders', {
                'title': "API 钢筋招标", 'deadline': in_days(2),
                'opening_time': in_days(2.05), 'weight_price': 70,
                'weight_lead_time': 10, 'suppliers': [
                    getattr(self.ids, s) for s in suppliers],
                'lines': [{'description': "螺纹钢", 'quantity': 100,
                        'uom': unit}, {'description': "盘螺",
                        'quantity': 50, 'ceiling_price': '30'}]},
            status=201).json
        self.assertEqual(tender['state'], 'draft')
        self.call('buyer', 'POST', f"/tenders/{tender['id']}/publish",
            status=200)
        return tender['id'], [l['id'] for l in tender['lines']]

    def bid(self, key, tender, lines, prices, status=201, **values):
        return self.call(key, 'POST', f'/tenders/{tender}/bids', {
                'lead_time': 10, 'lines': [{'line': l, 'unit_price': p}
                    for l, p in zip(lines, prices)], **values},
            status=status)

    def test_every_route_swept(self):
        from test_api import api_routes
        from test_contract_api import contract_endpoints
        from trytond.modules.s2b2b_portal import tender_contract_api
        swept = {(m, p) for m, p, _ in member_endpoints(
                '{tender_id}', '{bid}', 1) + contract_endpoints(
                '{contract_id}', '{contract_id}', '{calloff_id}')}
        self.assertEqual(swept, api_routes(tender_contract_api))

    def test_sealed_bid_flow(self):
        """Draft readable by its supplier, sealed once submitted, never
        changed; the buyer counts bids, reads them once opened, awards"""
        tender, (steel, coil) = self.new_tender()
        weights = self.call('buyer', 'GET', f'/tenders/{tender}',
            status=200).json['weights']
        self.assertEqual(Decimal(weights['price']), 70)
        draft = self.bid('a', tender, [steel, coil], ['8.5', '25'],
            submit=False).json
        self.assertEqual(draft['state'], 'draft')
        own = self.call('a', 'GET', f'/tenders/{tender}/bid',
            status=200).json
        self.assertEqual(own['content']['lines'][str(steel)]['unit_price'],
            '8.5000')
        # above the ceiling: refused, the draft kept as it was
        self.bid('a', tender, [steel, coil], ['8', '31'], status=422)
        self.bid('a', tender, [steel, coil], ['8.5', '25'])
        own = self.call('a', 'GET', f'/tenders/{tender}/bid',
            status=200).json
        self.assertEqual((own['state'], own['sealed'], own['content']),
            ('submitted', True, None))
        self.assertNotIn('8.5', str(own))
        error = self.bid('a', tender, [steel, coil], ['1', '1'],
            status=422).json['error']
        self.assertIn("submitted", error['message'])
        self.bid('b', tender, [steel, coil], ['9', '24'])
        # not invited: the tender does not exist for C
        self.call('c', 'GET', f'/tenders/{tender}', status=404)
        self.bid('c', tender, [steel, coil], ['1', '1'], status=404)
        as_buyer = self.call('buyer', 'GET', f'/tenders/{tender}',
            status=200).json
        self.assertEqual((as_buyer['bid_count'], as_buyer['bids']), (2, []))
        self.assertNotIn('bid_count', self.call('a', 'GET',
                f'/tenders/{tender}', status=200).json)
        self.call('buyer', 'POST', f'/tenders/{tender}/award',
            {'bid': own['id']}, status=422)

        committed(lambda: _open(tender))
        as_buyer = self.call('buyer', 'GET', f'/tenders/{tender}',
            status=200).json
        bids = {b['supplier']['id']: b for b in as_buyer['bids']}
        self.assertEqual(bids[self.ids.a]['total'], '2100.00')
        self.assertEqual(sorted(b['rank'] for b in bids.values()), [1, 2])
        self.call('buyer', 'POST', f'/tenders/{tender}/award', {'lines': [
                    {'line': steel, 'bid': bids[self.ids.a]['id'],
                        'quantity': 101}]}, status=422)
        awarded = self.call('buyer', 'POST', f'/tenders/{tender}/award', {
                'lines': [{'line': steel, 'bid': bids[self.ids.a]['id'],
                        'quantity': 100},
                    {'line': coil, 'bid': bids[self.ids.b]['id'],
                        'quantity': 50}]}, status=200).json
        self.assertEqual(awarded['state'], 'awarded')
        self.assertEqual(len(awarded['contracts']), 2)

    def test_tenant_sweep(self):
        "The other buyer's tender and B's bid answer 404 to others"
        ids = self.ids
        before = committed(lambda: [(t.state, len(t.awards), [(b.state,
                        b.digest) for b in t.bids]) for t in Pool().get(
                    's2b2b.tender').browse([ids.o_tender])])
        for key in ['buyer', 'a']:
            for method, path, payload in member_endpoints(
                    ids.o_tender, ids.o_bid, ids.o_line):
                if not re.search(r'/\d+', path) or (key == 'buyer'
                        and path.endswith(('/bids', '/bid'))):
                    continue
                with self.subTest(key=key, method=method, path=path):
                    response = self.call(key, method, path, payload)
                    self.assertEqual(response.status_code,
                        403 if key == 'a' and path.endswith(
                            ('/publish', '/award')) else 404,
                        response.data[:300])
        self.assertEqual(committed(lambda: [(t.state, len(t.awards),
                        [(b.state, b.digest) for b in t.bids])
                    for t in Pool().get('s2b2b.tender').browse(
                        [ids.o_tender])]), before)
        listed = self.call('buyer', 'GET', '/tenders', status=200).json
        self.assertNotIn(ids.o_tender, [t['id'] for t in listed['items']])
