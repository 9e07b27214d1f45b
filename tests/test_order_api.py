# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Member API v1, orders: intake, approval, the supplier's confirmation
and partial shipment, receipt, return; 422s; other members' ids"""
import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

from common import DB_NAME, DatabaseTestCase, committed
from openapi_spec_validator import validate
from test_api import ApiAssertions, ApiClient, api_routes
from werkzeug.test import Client

from trytond.modules.s2b2b_portal import order_api
from trytond.modules.s2b2b_portal.apikey import SCOPES
from trytond.modules.s2b2b_procurement.company import platform_company
from trytond.modules.s2b2b_procurement.tests.order_tools import (
    listing, mark_signed, members, platform, signed_contract)
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wsgi import app

ALL_SCOPES = [s for s, _ in SCOPES]


def _setup():
    pool = Pool()
    ApiKey = pool.get('s2b2b.api.key')
    Member = pool.get('s2b2b.member')
    with platform():
        data = members()
        Member.write([data.buyer], {'approval_limit': Decimal(10000)})
        cement = listing(data.supplier_a, data.catalog.cement,
            available=100, name="水泥 P.O 42.5")
        sand = listing(data.supplier_b, data.catalog.cement, available=50,
            tiers=((10, '300'),), name="河砂 Sand")
        keys = {name: ApiKey.generate(user.s2b2b_member, name, scopes,
                    created_by=user)[1]
            for name, user, scopes in [
                ('buyer', data.purchaser, ALL_SCOPES),
                ('approver', data.approver, ALL_SCOPES),
                ('read', data.purchaser, ['orders:read']),
                ('a', data.sales_a, ALL_SCOPES),
                ('b', data.sales_b, ALL_SCOPES),
                ('other', data.purchaser_b, ALL_SCOPES)]}
        gravel = listing(data.supplier_b, data.catalog.cement,
            available=30, name="碎石 Gravel")
        # another buyer's: the story counts the first buyer's orders
        contract = signed_contract(data.buyer_b, data.supplier_b, gravel,
            10, '480', platform_company().currency)
        return SimpleNamespace(cement=cement.id, sand=sand.id,
            gravel=gravel.id, buyer=data.buyer.id, contract=contract.id,
            supplier_a=data.supplier_a.id, category=data.catalog.cement.id,
            other_address=data.buyer_b.party.addresses[0].id,
            **{f'key_{k}': v for k, v in keys.items()})


def endpoints(order, line, shipment, purchase, change, return_):
    "(method, path, body) of every order route, for ids"
    return [
        ('GET', '/orders', None),
        ('POST', '/orders', {'lines': [{'listing': 1, 'quantity': 10}]}),
        ('GET', f'/orders/{order}', None),
        ('POST', f'/orders/{order}/approve', None),
        ('POST', f'/orders/{order}/refuse', {'reason': "x"}),
        ('POST', f'/orders/{order}/cancel', {'reason': "x"}),
        ('POST', f'/order-lines/{line}/changes',
            {'quantity': 10, 'reason': "x"}),
        ('POST', f'/order-lines/{line}/returns',
            {'quantity': 1, 'reason': "x"}),
        ('POST', f'/shipments/{shipment}/receive', None),
        ('GET', '/purchase-orders', None),
        ('GET', f'/purchase-orders/{purchase}', None),
        ('POST', f'/purchase-orders/{purchase}/confirm', None),
        ('POST', f'/purchase-orders/{purchase}/reject', {'reason': "x"}),
        ('POST', f'/shipments/{shipment}/ship',
            {'carrier': "x", 'tracking_number': "y"}),
        ('POST', f'/order-changes/{change}/accept', None),
        ('POST', f'/order-changes/{change}/refuse', {'reason': "x"}),
        ('POST', f'/order-returns/{return_}/accept', None),
        ('POST', f'/order-returns/{return_}/refuse', {'reason': "x"}),
        ('POST', f'/order-returns/{return_}/receive', None),
        ]


def read(func):
    return committed(func)


def _sign(contract_id):
    "Prepared, then marked signed as its three signatures would"
    Contract = Pool().get('s2b2b.contract')
    with Transaction().set_context(company=platform_company().id):
        contract = Contract(contract_id)
        Contract.prepare([contract])
        mark_signed(contract)


def stock(listing_id):
    return read(lambda: Pool().get('s2b2b.listing')(
            listing_id).available_quantity)


class OrderApiTestCase(DatabaseTestCase, ApiAssertions):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def call(self, key, method, path, payload=None, status=None, lang='en'):
        response = ApiClient(getattr(self.ids, f'key_{key}')).call(
            method, path, payload, headers={'Accept-Language': lang})
        if status is not None:
            self.assertEqual(response.status_code, status,
                f"{method} {path}: {response.data[:600]!r}")
        return response

    def place(self, lines, **values):
        response = self.call('buyer', 'POST', '/orders',
            {'lines': lines, **values}, status=201)
        self.assertEqual(set(response.json), {'id', 'state'})
        return response.json

    def test_every_route_swept(self):
        swept = {(m, re.sub(r'\d+|\{\w+\}', '{}', p)) for m, p, _ in
            endpoints(*['{x}'] * 6)}
        routes = {(m, re.sub(r'\{\w+\}', '{}', p))
            for m, p in api_routes(order_api)}
        self.assertEqual(swept, routes)

    def test_openapi(self):
        document = Client(app).get(
            f'/{DB_NAME}/s2b2b/api/v1/openapi.json').json
        validate(document)
        described = {(m.upper(), p) for p, item in document['paths'].items()
            for m in item}
        self.assertEqual(api_routes(), described)
        for method, path in api_routes(order_api):
            with self.subTest(method=method, path=path):
                operation = document['paths'][path][method.lower()]
                self.assertEqual(operation['security'], [{'bearerAuth': [
                                'orders:read' if method == 'GET'
                                else 'orders:write']}])
                if method != 'GET':
                    self.assertIn('422', operation['responses'])

    def test_story(self):
        ids = self.ids
        created = self.place([{'listing': ids.cement, 'quantity': 20},
                {'listing': ids.sand, 'quantity': 10}], reference="API-1")
        self.assertEqual(created['state'], 'received')
        self.assertEqual((stock(ids.cement), stock(ids.sand)), (80, 40))
        order_id = created['id']
        order = self.call('read', 'GET', f'/orders/{order_id}',
            status=200).json
        self.assertEqual((order['status'], order['reference'],
                order['amount']), ('waiting', "API-1", '13000.00'))
        self.assertIn(order_id, [o['id'] for o in self.call('read', 'GET',
                    '/orders?status=waiting', status=200).json['items']])
        # The purchaser is no approver: refused with the rule's message
        self.assertError(self.call('buyer', 'POST',
                f'/orders/{order_id}/approve'), 422, 'refused')
        self.call('read', 'POST', f'/orders/{order_id}/approve', status=403)
        order = self.call('approver', 'POST', f'/orders/{order_id}/approve',
            status=200).json
        # Approved: its documents are made after the answer
        self.assertEqual(order['status'], 'received')
        order = self.call('read', 'GET', f'/orders/{order_id}',
            status=200).json
        self.assertEqual(order['status'], 'processing')
        purchase_a, purchase_b = [s['id'] for s in order['suppliers']]
        listed = self.call('a', 'GET', '/purchase-orders?state=quotation',
            status=200).json['items']
        self.assertEqual([p['id'] for p in listed], [purchase_a])
        self.call('a', 'GET', f'/purchase-orders/{purchase_b}', status=404)
        self.call('buyer', 'GET', f'/purchase-orders/{purchase_a}',
            status=403)
        purchase = self.call('a', 'POST',
            f'/purchase-orders/{purchase_a}/confirm', status=200).json
        self.assertEqual(purchase['state'], 'confirmed')
        # Tryton processes the confirmed purchase after the answer
        purchase = self.call('a', 'GET', f'/purchase-orders/{purchase_a}',
            status=200).json
        self.assertEqual(purchase['state'], 'processing')
        shipment = purchase['shipments'][0]
        self.assertError(self.call('a', 'POST',
                f"/shipments/{shipment['id']}/ship", {'carrier': "顺丰",
                    'tracking_number': "SF9", 'moves': [
                        {'move': shipment['moves'][0]['id'],
                            'quantity': 25}]}), 422, 'refused')
        shipped = self.call('a', 'POST', f"/shipments/{shipment['id']}/ship",
            {'carrier': "顺丰", 'tracking_number': "SF9", 'moves': [
                    {'move': shipment['moves'][0]['id'], 'quantity': 15}]},
            status=200).json['items']
        self.assertEqual([(s['state'], s['moves'][0]['quantity'])
                for s in shipped], [('shipped', 15)])
        order = self.call('buyer', 'GET', f'/orders/{order_id}',
            status=200).json
        line = next(l for l in order['lines']
            if l['listing'] == ids.cement)
        self.assertEqual(line['shipped'], 15)
        # A change of a line shipped in part: 422, nothing asked
        self.assertError(self.call('buyer', 'POST',
                f"/order-lines/{line['id']}/changes",
                {'quantity': 30, 'reason': "more"}), 422, 'refused')
        self.assertEqual(read(lambda: Pool().get(
                    's2b2b.order.change').search([], count=True)), 0)
        self.call('other', 'POST', f"/shipments/{shipment['id']}/receive",
            status=404)
        received = self.call('buyer', 'POST',
            f"/shipments/{shipment['id']}/receive", status=200).json
        self.assertEqual(received['state'], 'done')
        order = self.call('buyer', 'GET', f'/orders/{order_id}',
            status=200).json
        self.assertTrue(order['invoices'])
        self.assertError(self.call('buyer', 'POST',
                f"/order-lines/{line['id']}/returns",
                {'quantity': 16, 'reason': "破损"}), 422, 'refused')
        record = self.call('buyer', 'POST',
            f"/order-lines/{line['id']}/returns",
            {'quantity': 5, 'reason': "破损"}, status=201).json
        self.assertEqual(record['state'], 'requested')
        self.call('b', 'POST', f"/order-returns/{record['id']}/accept",
            status=404)
        accepted = self.call('a', 'POST',
            f"/order-returns/{record['id']}/accept", status=200).json
        self.assertEqual(accepted['state'], 'accepted')
        # Another member's ids answer 404 like unknown ones
        for method, path, payload in endpoints(order_id, line['id'],
                shipment['id'], purchase_a, 10 ** 6, record['id']):
            if path in {'/orders', '/purchase-orders'}:
                continue
            with self.subTest(method=method, path=path):
                key = 'other' if not path.startswith(
                    ('/purchase-orders', '/order-returns', '/order-changes',
                        f"/shipments/{shipment['id']}/ship")) else 'b'
                self.assertError(self.call(key, method, path, payload),
                    404, 'not_found')
        self.assertEqual(read(lambda: Pool().get('s2b2b.order.return')(
                    record['id']).state), 'accepted')

    def test_contract_order(self):
        "A signed spot contract ordered once, at its price, like an order"
        ids = self.ids
        path = f'/contracts/{ids.contract}/order'
        before = stock(ids.gravel)
        self.assertError(self.call('buyer', 'POST', path, {}), 404,
            'not_found')
        created = self.call('other', 'POST', path, {'reference': "PO-C1"},
            status=201).json
        self.assertEqual(created['state'], 'received')
        self.assertEqual(stock(ids.gravel), before - 10)
        order = self.call('other', 'GET', f'/orders/{created["id"]}',
            status=200).json
        self.assertEqual([(l['quantity'], Decimal(l['unit_price']))
                for l in order['lines']], [(10, Decimal(480))])
        self.assertError(self.call('other', 'POST', path, {}), 422,
            'refused')
        self.assertEqual(stock(ids.gravel), before - 10)

    def test_awarded_contract_path(self):
        """Requirement → RFQ → quotation → bargaining → award → signed
        contract → order → drop shipment → invoices → return: a line
        awarded from an RFQ has no listing and follows like one"""
        ids = self.ids
        needed_by = (dt.date.today() + dt.timedelta(days=10)).isoformat()
        requirement = self.call('buyer', 'POST', '/requirements', {
                'title': "工地吊装服务", 'needed_by': needed_by, 'lines': [
                    {'description': "吊车台班 Crane shift", 'quantity': 4,
                        'category': ids.category, 'uom': 'u',
                        'target_price': '1200'}]}, status=201).json['id']
        self.assertEqual(self.call('buyer', 'POST',
                f'/requirements/{requirement}/submit',
                status=200).json['state'], 'approved')
        deadline = (dt.datetime.now() + dt.timedelta(days=3)).isoformat(
            timespec='minutes')
        rfq = self.call('buyer', 'POST', '/rfqs', {
                'requirement': requirement, 'deadline': deadline,
                'suppliers': [ids.supplier_a]}, status=201).json['id']
        self.call('buyer', 'POST', f'/rfqs/{rfq}/send', status=200)
        rfq_line, = [l['id'] for l in self.call('a', 'GET',
                f'/rfqs/{rfq}', status=200).json['lines']]
        self.call('a', 'PUT', f'/rfqs/{rfq}/quotation', {'lead_time': 2,
                'lines': [{'rfq_line': rfq_line, 'unit_price': '1300'}]},
            status=201)
        quotation_line, = [l['id'] for l in self.call('a', 'GET',
                f'/rfqs/{rfq}/quotation', status=200).json['lines']]
        offers = f'/quotation-lines/{quotation_line}/offers'
        self.call('buyer', 'POST', offers, {'action': 'counter',
                'unit_price': '1150'}, status=201)
        self.call('a', 'POST', offers, {'action': 'accept'}, status=201)
        award = self.call('buyer', 'POST', f'/rfqs/{rfq}/award', {'lines': [
                    {'rfq_line': rfq_line,
                        'quotation_line': quotation_line}]},
            status=200).json
        contract, = award['contracts']
        self.assertEqual(contract['total'], '4600.00')
        # the three signatures are tested in test_contract_api
        read(lambda: _sign(contract['id']))
        created = self.call('buyer', 'POST',
            f"/contracts/{contract['id']}/order", {'reference': "API-RFQ"},
            status=201).json
        order = self.call('buyer', 'GET', f"/orders/{created['id']}",
            status=200).json
        line, = order['lines']
        self.assertEqual((line['listing'], line['name'], line['quantity'],
                Decimal(line['unit_price'])),
            (None, "吊车台班 Crane shift", 4, Decimal(1150)))
        purchase, = [s['id'] for s in order['suppliers']]
        self.call('a', 'POST', f'/purchase-orders/{purchase}/confirm',
            status=200)
        shipment, = self.call('a', 'GET', f'/purchase-orders/{purchase}',
            status=200).json['shipments']
        self.call('a', 'POST', f"/shipments/{shipment['id']}/ship",
            {'carrier': "顺丰", 'tracking_number': "SF42"}, status=200)
        self.call('buyer', 'POST', f"/shipments/{shipment['id']}/receive",
            status=200)
        order = self.call('buyer', 'GET', f"/orders/{created['id']}",
            status=200).json
        self.assertEqual([(i['state'], i['total'])
                for i in order['invoices']], [('posted', '4600.00')])
        returned = self.call('buyer', 'POST',
            f"/order-lines/{line['id']}/returns",
            {'quantity': 1, 'reason': "未到场"}, status=201).json
        self.assertEqual(self.call('a', 'POST',
                f"/order-returns/{returned['id']}/accept",
                status=200).json['state'], 'accepted')
        self.assertEqual(self.call('a', 'POST',
                f"/order-returns/{returned['id']}/receive",
                status=200).json['state'], 'received')
        # credited on both sides after the answer
        credits = read(lambda: [(r.state, sorted(
                        (i.type, i.state, str(i.total_amount)) for i in
                        r.return_sale.invoices + r.return_purchase.invoices))
                for r in [Pool().get('s2b2b.order.return')(returned['id'])]])
        self.assertEqual(credits, [('credited', [
                        ('in', 'posted', '-1092.50'),
                        ('out', 'posted', '-1150.00')])])

    def test_refused_orders(self):
        "422 lists the problems; nothing is ordered, no stock taken"
        ids = self.ids
        before = (read(lambda: Pool().get('s2b2b.order').search(
                    [], count=True)), stock(ids.sand))
        for lines, text in [
                ([{'listing': ids.sand, 'quantity': 5}],
                    'minimum order quantity'),
                ([{'listing': ids.sand, 'quantity': 500}], 'in stock'),
                ([{'listing': ids.sand, 'quantity': 5},
                        {'listing': ids.sand, 'quantity': 12}],
                    'not a multiple'),
                ([{'listing': 10 ** 6, 'quantity': 10}], 'does not exist')]:
            with self.subTest(lines=lines):
                response = self.call('buyer', 'POST', '/orders',
                    {'lines': lines})
                self.assertError(response, 422, 'refused')
                self.assertIn(text, response.json['error']['message'])
        response = self.call('buyer', 'POST', '/orders', {'lines': [
                    {'listing': ids.sand, 'quantity': 5}]}, lang='zh-CN')
        self.assertRegex(response.json['error']['message'],
            r'[\u4e00-\u9fff]')
        self.assertError(self.call('buyer', 'POST', '/orders', {
                    'lines': [{'listing': ids.sand, 'quantity': 10}],
                    'delivery_address': ids.other_address}), 422, 'refused')
        for payload in [{}, {'lines': []}, {'lines': [{'listing': 'x',
                            'quantity': 10}]},
                {'lines': [{'listing': ids.sand, 'quantity': -1}]},
                {'lines': [{'listing': ids.sand, 'quantity': 10}],
                    'price': 1}]:
            with self.subTest(payload=payload):
                self.assertError(self.call('buyer', 'POST', '/orders',
                        payload), 400, 'invalid')
        self.assertError(self.call('a', 'POST', '/orders', {'lines': [
                        {'listing': ids.sand, 'quantity': 10}]}),
            422, 'refused')
        self.assertError(self.call('read', 'POST', '/orders', {'lines': [
                        {'listing': ids.sand, 'quantity': 10}]}),
            403, 'insufficient_scope')
        self.assertEqual((read(lambda: Pool().get('s2b2b.order').search(
                        [], count=True)), stock(ids.sand)), before)
