# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Member API v1, procurement: requirements, RFQs, quotations, offers,
messages; scopes, member kinds, bad input, the tenant sweep"""
import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

from common import DB_NAME, DatabaseTestCase, committed
from openapi_spec_validator import validate
from test_api import ApiAssertions, ApiClient, api_routes
from werkzeug.test import Client

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.s2b2b_catalog.tests.tools import (
    create_catalog, create_listing)
from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member)
from trytond.modules.s2b2b_portal import procurement_api
from trytond.modules.s2b2b_portal.apikey import SCOPES
from trytond.pool import Pool
from trytond.wsgi import app

ALL_SCOPES = [s for s, _ in SCOPES]
READ_SCOPES = [s for s in ALL_SCOPES if s.endswith(':read')]


def in_days(days):
    return (dt.datetime.now() + dt.timedelta(days=days)).isoformat(
        timespec='minutes')


def _setup():
    pool = Pool()
    ApiKey = pool.get('s2b2b.api.key')
    WebUser = pool.get('web.user')
    Member = pool.get('s2b2b.member')
    create_document_types()
    with set_company(create_company()):
        catalog = create_catalog()
        a = create_member("华东水泥 Huadong", 11, kind='supplier')
        b = create_member("江南建材 Jiangnan", 12, kind='supplier')
        buyer = create_member("远大建设 Yuanda", 21, users=2)
        other = create_member("另一采购 Other", 22)
        both = create_member("两用公司 Both", 31, kind='both')
        Member.write([buyer], {'approval_limit': Decimal(50000)})
        admin, approver = sorted(buyer.web_users, key=lambda u: u.email)
        WebUser.write([approver], {'s2b2b_roles': ['approver']})
        create_listing(a, catalog.cement, name="普通硅酸盐水泥 P.O 42.5",
            tiers=((1, '480'), (100, '450')), specs={'grade': '42.5'},
            lead_time=3, available_quantity=1000)
        create_listing(b, catalog.cement, name="水泥 P.O 52.5",
            tiers=((1, '520'),), lead_time=10)
        keys = {name: ApiKey.generate(member, name, scopes,
                    created_by=user)[1]
            for name, member, scopes, user in [
                ('buyer', buyer, ALL_SCOPES, admin),
                ('approver', buyer, ALL_SCOPES, approver),
                ('read', buyer, READ_SCOPES, admin),
                ('none', buyer, ['member:read'], admin),
                ('a', a, ALL_SCOPES, a.web_users[0]),
                ('b', b, ALL_SCOPES, b.web_users[0]),
                ('a_none', a, ['member:read'], a.web_users[0]),
                ('other', other, ALL_SCOPES, other.web_users[0]),
                ('both', both, ALL_SCOPES, both.web_users[0])]}
        foreign = _foreign(other, b)
    return SimpleNamespace(a=a.id, b=b.id, buyer=buyer.id, other=other.id,
        both=both.id, cement=catalog.cement.id, cable=catalog.cable.id,
        **{f'key_{k}': v for k, v in keys.items()}, **foreign)


def _foreign(other, b):
    "The other buyer's requirement and RFQ to B, quoted, with an offer"
    pool = Pool()
    Requirement = pool.get('s2b2b.requirement')
    Rfq = pool.get('s2b2b.rfq')
    Quotation = pool.get('s2b2b.rfq.quotation')
    Message = pool.get('s2b2b.rfq.message')
    requirement, = Requirement.create([{'buyer': other.id,
                'title': "他方需求", 'lines': [('create', [{
                                'description': "他方水泥", 'quantity': 5}])]}])
    rfq, = Rfq.create([{'buyer': other.id, 'title': "他方询价",
                'deadline': dt.datetime.now() + dt.timedelta(days=5),
                'lines': [('create', [{'description': "他方电缆",
                                'quantity': 3}])],
                'invitations': [('create', [{'supplier': b.id}])]}])
    Rfq.send([rfq])
    quotation = Quotation.submit(rfq, b, {'lines': [{
                    'rfq_line': rfq.lines[0].id,
                    'unit_price': Decimal(77)}]})
    quotation.lines[0].make_offer(other, 'counter', Decimal(70))
    Message.post(rfq, b, other, "他方消息")
    return {'o_requirement': requirement.id, 'o_rfq': rfq.id,
        'o_rfq_line': rfq.lines[0].id, 'o_line': quotation.lines[0].id}


def snapshot(*member_ids):
    "What the procurement API could change of members"
    def read():
        pool = Pool()
        Requirement = pool.get('s2b2b.requirement')
        Rfq = pool.get('s2b2b.rfq')
        Quotation = pool.get('s2b2b.rfq.quotation')
        Message = pool.get('s2b2b.rfq.message')
        Contract = pool.get('s2b2b.contract')
        return (
            [(r.id, r.title, r.state, len(r.lines)) for r in
                Requirement.search([('buyer', 'in', member_ids)],
                    order=[('id', 'ASC')])],
            [(r.id, r.state, r.cancel_reason, len(r.invitations)) for r in
                Rfq.search([('buyer', 'in', member_ids)],
                    order=[('id', 'ASC')])],
            [(q.id, q.revision, q.state, [(l.unit_price, l.bargain_state,
                            len(l.offers)) for l in q.lines])
                for q in Quotation.search(['OR',
                        ('supplier', 'in', member_ids),
                        ('rfq.buyer', 'in', member_ids)],
                    order=[('id', 'ASC')])],
            Message.search(['OR', ('supplier', 'in', member_ids),
                    ('rfq.buyer', 'in', member_ids)], count=True),
            Contract.search(['OR', ('supplier', 'in', member_ids),
                    ('buyer', 'in', member_ids)], count=True))
    return committed(read)


def count(model, domain=None):
    return committed(
        lambda: Pool().get(model).search(domain or [], count=True))


def endpoints(requirement, rfq, line, rfq_line=1):
    "(method, path, body) of every procurement route, for ids"
    return [
        ('GET', '/requirements', None),
        ('POST', '/requirements', {'title': "扫描", 'lines': []}),
        ('GET', f'/requirements/{requirement}', None),
        ('POST', f'/requirements/{requirement}/submit', None),
        ('POST', f'/requirements/{requirement}/approve', None),
        ('GET', f'/requirements/{requirement}/suggestions', None),
        ('GET', '/rfqs', None),
        ('POST', '/rfqs', {'title': "扫描", 'deadline': in_days(2),
                'lines': [{'description': "x", 'quantity': 1}]}),
        ('GET', f'/rfqs/{rfq}', None),
        ('POST', f'/rfqs/{rfq}/send', None),
        ('POST', f'/rfqs/{rfq}/close', None),
        ('POST', f'/rfqs/{rfq}/cancel', {'reason': "扫描"}),
        ('GET', f'/rfqs/{rfq}/comparison', None),
        ('POST', f'/rfqs/{rfq}/award', {'lines': [
                    {'rfq_line': rfq_line, 'quotation_line': line}]}),
        ('GET', f'/rfqs/{rfq}/quotation', None),
        ('PUT', f'/rfqs/{rfq}/quotation', {'lines': [
                    {'rfq_line': rfq_line, 'unit_price': '1'}]}),
        ('GET', f'/rfqs/{rfq}/quotation/revisions', None),
        ('GET', f'/quotation-lines/{line}/offers', None),
        ('POST', f'/quotation-lines/{line}/offers',
            {'action': 'counter', 'unit_price': '1'}),
        ('GET', f'/rfqs/{rfq}/messages', None),
        ('POST', f'/rfqs/{rfq}/messages', {'body': "扫描", 'supplier': 1}),
        ]


SUPPLIER_ONLY = re.compile(r'/quotation(/revisions)?$')


def buyer_only(method, route):
    "Routes of buyers only: requirements, writing and awarding RFQs"
    return (route.startswith('/requirements')
        or (method, route) == ('POST', '/rfqs')
        or re.search(r'/(send|close|cancel|comparison|award)$', route))


class ProcurementApiTestCase(DatabaseTestCase, ApiAssertions):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def call(self, key, method, path, payload=None, status=None,
            headers=None, **kwargs):
        headers = {'Accept-Language': 'en', **(headers or {})}
        response = ApiClient(getattr(self.ids, f'key_{key}')).call(
            method, path, payload, headers=headers, **kwargs)
        if status is not None:
            self.assertEqual(response.status_code, status,
                f"{method} {path}: {response.data[:400]!r}")
        return response

    def requirement_body(self, quantity=10, **values):
        return {'title': "工地水泥采购", 'needed_by': (dt.date.today()
                + dt.timedelta(days=10)).isoformat(), 'lines': [
                {'description': "水泥", 'quantity': quantity,
                    'category': self.ids.cement, 'uom': 'u',
                    'target_price': '470', 'specs': {'grade': '42.5'}},
                {'description': "Cable 电缆", 'quantity': 10,
                    'category': self.ids.cable}], **values}

    def approved_requirement(self):
        response = self.call('buyer', 'POST', '/requirements',
            self.requirement_body(), status=201)
        requirement = response.json['id']
        response = self.call('buyer', 'POST',
            f'/requirements/{requirement}/submit', status=200)
        self.assertEqual(response.json['state'], 'approved')
        return requirement

    def sent_rfq(self, suppliers=('a', 'b')):
        response = self.call('buyer', 'POST', '/rfqs', {
                'requirement': self.approved_requirement(),
                'deadline': in_days(3),
                'suppliers': [getattr(self.ids, s) for s in suppliers]},
            status=201)
        rfq = response.json
        self.call('buyer', 'POST', f"/rfqs/{rfq['id']}/send", status=200)
        return rfq['id'], [l['id'] for l in rfq['lines']]

    def quote(self, key, rfq, lines, prices, status=None, **values):
        return self.call(key, 'PUT', f'/rfqs/{rfq}/quotation', {
                'lead_time': 5, 'lines': [{'rfq_line': l, 'unit_price': p}
                    for l, p in zip(lines, prices) if p is not None],
                **values}, status=status)

    def test_every_route_swept(self):
        swept = {(m, re.sub(r'\?.*', '', p)) for m, p, _ in endpoints(
                '{requirement_id}', '{rfq_id}', '{line_id}')}
        self.assertEqual(swept, api_routes(procurement_api))

    def test_openapi(self):
        document = Client(app).get(
            f'/{DB_NAME}/s2b2b/api/v1/openapi.json').json
        validate(document)
        described = {(m.upper(), p) for p, item in document['paths'].items()
            for m in item}
        self.assertLessEqual(api_routes(procurement_api), described)
        self.assertEqual(api_routes(), described)
        for method, path in api_routes(procurement_api):
            with self.subTest(method=method, path=path):
                operation = document['paths'][path][method.lower()]
                self.assertEqual(operation['security'], [{'bearerAuth': [
                                'procurement:read' if method == 'GET'
                                else 'procurement:write']}])
                self.assertIn('404', operation['responses'])
                if method != 'GET':
                    self.assertIn('422', operation['responses'])
        scopes = document['components']['securitySchemes']['bearerAuth']
        self.assertIn('procurement:write', scopes['description'])

    def test_requirement_flow(self):
        response = self.call('buyer', 'POST', '/requirements',
            self.requirement_body(quantity=1000), status=201)
        requirement = response.json
        self.assertTrue(response.headers['Location'].endswith(
                f"/requirements/{requirement['id']}"))
        self.assertEqual((requirement['state'], requirement['estimate']),
            ('draft', '470000.00'))
        self.assertEqual(requirement['lines'][0]['specs'], {'grade': '42.5'})
        path = f"/requirements/{requirement['id']}"
        self.assertEqual(self.call('read', 'GET', path, status=200).json,
            requirement)
        items = self.call('read', 'GET', '/requirements?state=draft',
            status=200).json['items']
        self.assertIn(requirement['id'], [r['id'] for r in items])
        suggestions = self.call('read', 'GET', f'{path}/suggestions',
            status=200).json['items']
        first = suggestions[0]['suggestions'][0]
        self.assertEqual(first['supplier']['id'], self.ids.a)
        self.assertEqual([r['code'] for r in first['reasons']],
            ['price', 'lead_time', 'stock', 'specs'])
        self.assertEqual(first['reasons'][0]['text'], "4 % under target")
        self.assertEqual(self.call('buyer', 'POST', f'{path}/submit',
                status=200).json['state'], 'waiting')
        self.assertError(self.call('buyer', 'POST', f'{path}/approve'), 403,
            'not_approver')
        response = self.call('approver', 'POST', f'{path}/approve',
            status=200)
        self.assertEqual((response.json['state'],
                response.json['approved_by']),
            ('approved', 'user1@21.example.com'))
        self.assertError(self.call('approver', 'POST', f'{path}/approve'),
            422, 'refused')

    def test_requirement_errors(self):
        before = count('s2b2b.requirement')
        line = {'description': "水泥", 'quantity': 5}
        for payload, status in [
                ({'lines': [line]}, 400),
                ({'title': "x", 'colour': 'red'}, 400),
                ({'title': "x", 'lines': 'many'}, 400),
                ({'title': "x", 'lines': [{'quantity': 5}]}, 400),
                ({'title': "x", 'lines': [{**line, 'quantity': 0}]}, 400),
                ({'title': "x", 'lines': [{**line, 'quantity': 'x'}]}, 400),
                ({'title': "x", 'lines': [{**line, 'target_price': -1}]},
                    400),
                ({'title': "x", 'lines': [{**line, 'category': 10 ** 9}]},
                    422),
                ({'title': "x", 'lines': [{**line, 'uom': 'furlong'}]}, 422),
                ({'title': "x", 'lines': [{**line,
                                'category': self.ids.cement,
                                'specs': {'grade': '99'}}]}, 400),
                ({'title': "x", 'needed_by': '31/12/2026'}, 400),
                ({'title': "x", 'budget': 'lots'}, 400)]:
            with self.subTest(payload=payload):
                self.assertError(self.call('buyer', 'POST', '/requirements',
                        payload), status)
        self.assertEqual(count('s2b2b.requirement'), before)
        empty = self.call('buyer', 'POST', '/requirements', {'title': "空"},
            status=201).json['id']
        self.assertError(self.call('buyer', 'POST',
                f'/requirements/{empty}/submit'), 422, 'refused')
        self.assertError(self.call('buyer', 'GET',
                '/requirements?state=nowhere'), 400)

    def test_rfq_flow(self):
        "Quote, revise, compare, bargain, message, award"
        ids = self.ids
        rfq, (cement, cable) = self.sent_rfq()
        buyer_view = self.call('buyer', 'GET', f'/rfqs/{rfq}',
            status=200).json
        self.assertEqual(buyer_view['state'], 'open')
        self.assertEqual(buyer_view['lines'][0]['target_price'], '470.0000')
        self.assertEqual({i['supplier']['id'] for i in
                buyer_view['invitations']}, {ids.a, ids.b})
        supplier_view = self.call('a', 'GET', f'/rfqs/{rfq}',
            status=200).json
        self.assertEqual(supplier_view['role'], 'supplier')
        self.assertNotIn('target_price', supplier_view['lines'][0])
        self.assertNotIn('invitations', supplier_view)
        listed = self.call('a', 'GET', '/rfqs?role=supplier',
            status=200).json['items']
        self.assertIn(rfq, [r['id'] for r in listed])
        self.assertError(self.call('a', 'GET', f'/rfqs/{rfq}/quotation'),
            404)
        first = self.quote('a', rfq, [cement, cable], ['460', 90],
            status=201, freight='500').json
        self.assertEqual(first['revision'], 1)
        again = self.quote('a', rfq, [cement, cable], ['460', 90],
            status=200, freight='500').json
        self.assertEqual(again['revision'], 1)
        revised = self.quote('a', rfq, [cement, cable], ['458', 90],
            status=200, freight='500').json
        self.assertEqual(revised['revision'], 2)
        revisions = self.call('a', 'GET',
            f'/rfqs/{rfq}/quotation/revisions', status=200).json
        self.assertEqual([r['number'] for r in revisions['items']], [1, 2])
        self.quote('b', rfq, [cement, cable], ['450', '80'], status=201)
        self.assertError(self.call('a', 'GET', f'/rfqs/{rfq}/comparison'),
            403, 'not_buyer')
        comparison = self.call('buyer', 'GET', f'/rfqs/{rfq}/comparison',
            status=200).json
        best = {q['supplier']['id']: q for q in comparison['quotations']}
        self.assertTrue(best[ids.b]['best'])
        self.assertEqual(best[ids.b]['landed'], '5300.00')
        self.assertEqual(best[ids.a]['landed'], '5980.00')
        cells = {(c['quotation'], r['rfq_line']): c
            for r in comparison['lines'] for c in r['cells']}
        qa = {r: c['quotation_line'] for (q, r), c in cells.items()
            if q == best[ids.a]['quotation']}
        qb = {r: c['quotation_line'] for (q, r), c in cells.items()
            if q == best[ids.b]['quotation']}
        self.assertTrue(cells[(best[ids.b]['quotation'], cement)][
                'best_price'])
        self.bargain(qa[cement])
        self.message(rfq)
        award = self.call('buyer', 'POST', f'/rfqs/{rfq}/award', {
                'lines': [{'rfq_line': cement, 'quotation_line': qa[cement]},
                    {'rfq_line': cable, 'quotation_line': qb[cable]}]},
            status=200).json
        self.assertEqual(award['rfq']['state'], 'awarded')
        self.assertEqual({(c['supplier']['id'], c['total'])
                for c in award['contracts']},
            {(ids.a, '4450.00'), (ids.b, '800.00')})
        self.assertEqual(self.call('a', 'GET', f'/rfqs/{rfq}/quotation',
                status=200).json['state'], 'awarded')

    def bargain(self, line):
        "The buyer counters, A counters, the buyer accepts (idempotently)"
        path = f'/quotation-lines/{line}/offers'
        key = {'Idempotency-Key': f'counter-{line}'}
        made = self.call('buyer', 'POST', path, {'action': 'counter',
                'unit_price': '440', 'note': "量大"}, headers=key,
            status=201).json
        replay = self.call('buyer', 'POST', path, {'action': 'counter',
                'unit_price': '440', 'note': "量大"}, headers=key,
            status=201)
        self.assertEqual(replay.headers['Idempotent-Replayed'], 'true')
        self.assertEqual(made['line']['next_side'], 'supplier')
        offers = self.call('a', 'GET', path, status=200).json
        self.assertEqual(len(offers['items']), 1)
        self.assertTrue(offers['line']['your_turn'])
        self.assertError(self.call('buyer', 'POST', path,
                {'action': 'counter', 'unit_price': '430'}), 422, 'refused')
        self.call('a', 'POST', path, {'action': 'counter',
                'unit_price': '445'}, status=201)
        accepted = self.call('buyer', 'POST', path, {'action': 'accept'},
            status=201).json
        self.assertEqual((accepted['line']['state'],
                accepted['line']['agreed_price']), ('agreed', '445.0000'))

    def message(self, rfq):
        path = f'/rfqs/{rfq}/messages'
        self.call('buyer', 'POST', path, {'body': "请确认交货期",
                'supplier': self.ids.a}, status=201)
        self.call('a', 'POST', path, {'body': "三天内送达"}, status=201)
        self.assertEqual([m['body'] for m in self.call('a', 'GET', path,
                    status=200).json['items']], ["请确认交货期", "三天内送达"])
        self.assertEqual(self.call('b', 'GET', path, status=200).json[
                'items'], [])
        self.assertEqual(self.call('buyer', 'GET',
                f'{path}?supplier={self.ids.b}', status=200).json['total'],
            0)
        self.assertError(self.call('a', 'POST', path,
                {'body': "x", 'supplier': self.ids.b}), 400)

    def test_rfq_errors(self):
        "Refused requests answer their 4xx and change nothing"
        ids = self.ids
        rfq, (cement, cable) = self.sent_rfq()
        self.quote('a', rfq, [cement, cable], ['460', 90], status=201)
        qa = self.call('a', 'GET', f'/rfqs/{rfq}/quotation',
            status=200).json['lines'][0]['id']
        before = snapshot(ids.buyer)
        line = {'description': "x", 'quantity': 1}
        for payload, status, code in [
                ({'title': "x", 'lines': [line]}, 400, 'invalid'),
                ({'title': "x", 'deadline': 'soon', 'lines': [line]}, 400,
                    'invalid'),
                ({'deadline': in_days(2), 'lines': [line]}, 400, 'invalid'),
                ({'title': "x", 'deadline': in_days(2)}, 400, 'invalid'),
                ({'title': "x", 'deadline': in_days(2), 'lines': [line],
                        'scope': 'everyone'}, 400, 'invalid'),
                ({'title': "x", 'deadline': in_days(2), 'lines': [line],
                        'suppliers': [ids.other]}, 422, 'unknown_supplier'),
                ({'title': "x", 'deadline': in_days(2), 'lines': [line],
                        'suppliers': ['a']}, 400, 'invalid'),
                ({'requirement': ids.o_requirement,
                        'deadline': in_days(2)}, 404, 'not_found')]:
            with self.subTest(payload=payload):
                self.assertError(self.call('buyer', 'POST', '/rfqs',
                        payload), status, code)
        for key, method, path, payload, status in [
                ('buyer', 'POST', f'/rfqs/{rfq}/send', None, 422),
                ('buyer', 'POST', f'/rfqs/{rfq}/cancel', {'reason': ' '},
                    422),
                ('buyer', 'POST', f'/rfqs/{rfq}/award', {'lines': []}, 400),
                ('buyer', 'POST', f'/rfqs/{rfq}/award', {'lines': [
                            {'rfq_line': ids.o_rfq_line,
                                'quotation_line': qa}]}, 400),
                ('buyer', 'POST', f'/rfqs/{rfq}/award', {'lines': [
                            {'rfq_line': cement,
                                'quotation_line': ids.o_line}]}, 404),
                ('buyer', 'POST', f'/rfqs/{rfq}/award', {'lines': [
                            {'rfq_line': cable, 'quotation_line': qa}]},
                    422),
                ('buyer', 'POST', f'/quotation-lines/{qa}/offers',
                    {'action': 'grab'}, 400),
                ('buyer', 'POST', f'/quotation-lines/{qa}/offers',
                    {'action': 'counter'}, 400),
                ('buyer', 'POST', f'/quotation-lines/{qa}/offers',
                    {'action': 'accept', 'unit_price': '1'}, 400),
                ('buyer', 'POST', f'/quotation-lines/{qa}/offers',
                    {'action': 'counter', 'unit_price': '460'}, 422),
                ('a', 'POST', f'/quotation-lines/{qa}/offers',
                    {'action': 'counter', 'unit_price': '450'}, 422),
                ('buyer', 'POST', f'/rfqs/{rfq}/messages',
                    {'body': "  ", 'supplier': ids.a}, 422),
                ('buyer', 'POST', f'/rfqs/{rfq}/messages',
                    {'body': "插话", 'supplier': ids.other}, 422),
                ('buyer', 'POST', f'/rfqs/{rfq}/messages', {'body': "x"},
                    400),
                ('a', 'PUT', f'/rfqs/{rfq}/quotation', {'lines': [
                            {'rfq_line': cement, 'unit_price': 0}]}, 422),
                ('a', 'PUT', f'/rfqs/{rfq}/quotation', {'lines': [
                            {'rfq_line': ids.o_rfq_line,
                                'unit_price': 1}]}, 422),
                ('a', 'PUT', f'/rfqs/{rfq}/quotation', {'lines': [
                            {'rfq_line': cement, 'unit_price': 450,
                                'breaks': [
                                    {'quantity': 100, 'unit_price': 440},
                                    {'quantity': 200, 'unit_price': 445}]}
                            ]}, 422),
                ('a', 'PUT', f'/rfqs/{rfq}/quotation', {'lines': [
                            {'rfq_line': cement, 'unit_price': 450}],
                        'freight': -1}, 422),
                ('a', 'PUT', f'/rfqs/{rfq}/quotation', {'lines': []}, 400),
                ('a', 'PUT', f'/rfqs/{rfq}/quotation', {'lines': [
                            {'rfq_line': cement, 'price': 450}]}, 400),
                ]:
            with self.subTest(key=key, path=path, payload=payload):
                self.assertError(self.call(key, method, path, payload),
                    status)
        self.assertEqual(snapshot(ids.buyer), before)
        def past():
            Rfq = Pool().get('s2b2b.rfq')
            Rfq.write([Rfq(rfq)], {'deadline': dt.datetime.now()
                    - dt.timedelta(hours=1)})
        committed(past)
        self.assertError(self.quote('b', rfq, [cement], ['400']), 422,
            'refused')
        self.assertEqual(snapshot(ids.buyer), before)
        self.call('buyer', 'POST', f'/rfqs/{rfq}/cancel',
            {'reason': "项目取消"}, status=200)
        self.assertError(self.call('buyer', 'POST', f'/rfqs/{rfq}/close'),
            422, 'refused')

    def test_draft_rfq_send(self):
        "An RFQ of its own lines: sent once it has suppliers"
        response = self.call('buyer', 'POST', '/rfqs', {
                'title': "电缆询价", 'deadline': in_days(2),
                'lines': [{'description': "电缆", 'quantity': 100,
                        'uom': 'u', 'category': self.ids.cable}]},
            status=201)
        rfq = response.json['id']
        self.assertError(self.call('buyer', 'POST', f'/rfqs/{rfq}/send'),
            422, 'refused')
        self.assertEqual(self.call('buyer', 'POST', f'/rfqs/{rfq}/cancel',
                status=200).json['state'], 'cancelled')
        category = self.call('buyer', 'POST', '/rfqs', {
                'title': "水泥询价", 'deadline': in_days(2),
                'scope': 'category', 'category': self.ids.cement,
                'lines': [{'description': "水泥", 'quantity': 5}]},
            status=201).json['id']
        sent = self.call('buyer', 'POST', f'/rfqs/{category}/send',
            status=200).json
        self.assertEqual({i['supplier']['id'] for i in sent['invitations']},
            {self.ids.a, self.ids.b})

    def test_member_kinds_and_scopes(self):
        rfq, (cement, cable) = self.sent_rfq(suppliers=('a',))
        line = self.quote('a', rfq, [cement], ['460'], status=201).json[
            'lines'][0]['id']
        before = snapshot(self.ids.buyer)
        for method, path, payload in endpoints(1, rfq, line, cement):
            route = re.sub(r'\?.*', '', path)
            with self.subTest(method=method, path=path):
                if buyer_only(method, route):
                    self.assertError(self.call('a', method, path, payload),
                        403, 'not_buyer')
                if SUPPLIER_ONLY.search(route):
                    self.assertError(self.call('buyer', method, path,
                            payload), 403, 'not_supplier')
                for key in ['none', 'a_none'] + (
                        ['read'] if method != 'GET' else []):
                    self.assertError(self.call(key, method, path, payload),
                        403, 'insufficient_scope')
                self.assertError(ApiClient().call(method, path, payload),
                    401, 'unauthorized')
        self.assertEqual(snapshot(self.ids.buyer), before)

    def test_tenant_sweep(self):
        """Other members' keys with these ids find nothing, change
        nothing; the RFQ's suppliers see only their own quotation"""
        ids = self.ids
        rfq, (cement, cable) = self.sent_rfq()
        self.quote('a', rfq, [cement, cable], ['460', 90], status=201)
        line = self.call('a', 'GET', f'/rfqs/{rfq}/quotation',
            status=200).json['lines'][0]['id']
        requirement = self.call('buyer', 'GET', f'/rfqs/{rfq}',
            status=200).json['requirement']
        before = snapshot(ids.buyer, ids.other)
        messages = set()
        for key, targets in [
                ('other', (requirement, rfq, line, cement)),
                ('both', (requirement, rfq, line, cement)),
                ('both', (ids.o_requirement, ids.o_rfq, ids.o_line,
                        ids.o_rfq_line)),
                ('buyer', (ids.o_requirement, ids.o_rfq, ids.o_line,
                        ids.o_rfq_line)),
                ('buyer', (10 ** 9,) * 4)]:
            for method, path, payload in endpoints(*targets):
                # Buyers' keys get 403 on supplier routes (member kinds)
                if not re.search(r'/\d+', path) or (key != 'both'
                        and SUPPLIER_ONLY.search(path)):
                    continue
                with self.subTest(key=key, method=method, path=path):
                    error = self.assertError(self.call(key, method, path,
                            payload), 404, 'not_found')
                    messages.add(error['message'])
        # B, invited, reads the RFQ but never A's quotation line
        for method, path, payload in endpoints(requirement, rfq, line,
                cement):
            if '/quotation-lines/' in path:
                with self.subTest(key='b', method=method, path=path):
                    self.assertError(self.call('b', method, path, payload),
                        404, 'not_found')
        self.assertEqual(len(messages), 1)
        self.assertEqual(snapshot(ids.buyer, ids.other), before)
        listed = self.call('other', 'GET', '/rfqs', status=200).json
        self.assertNotIn(rfq, [r['id'] for r in listed['items']])
        listed = self.call('both', 'GET', '/rfqs?per_page=100',
            status=200).json
        self.assertEqual(listed['items'], [])
