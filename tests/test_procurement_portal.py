# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Procurement pages: requirements, RFQs, quotations, bargaining, awards,
as buyer, approver and supplier; bad input; the tenant sweep"""
import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

from common import (
    PASSWORD, DatabaseTestCase, PortalPages, RouteSweep, committed)

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.s2b2b_catalog.tests.tools import (
    create_catalog, create_listing)
from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member)
from trytond.pool import Pool

# Portal routes (relative to /<database_name>/portal) this file sweeps
ROUTES = {
    '/requirements', '/requirements/new', '/requirements/<record_id>',
    '/requirements/<record_id>/<action>', '/requirements/<record_id>/rfq',
    '/rfqs', '/rfqs/new', '/rfqs/<record_id>', '/rfqs/<record_id>/<action>',
    '/rfqs/<record_id>/invitations',
    '/rfqs/<record_id>/invitations/<invitation_id>/delete',
    '/rfqs/<record_id>/award', '/rfqs/<record_id>/offers/<line_id>',
    '/rfqs/<record_id>/messages',
    '/invitations', '/invitations/<record_id>',
    '/invitations/<record_id>/quotation',
    '/invitations/<record_id>/offers/<line_id>',
    '/invitations/<record_id>/messages',
    }
BUYER = 'user0@21.example.com'
PURCHASER = 'user1@21.example.com'
APPROVER = 'user2@21.example.com'
READER = 'user3@21.example.com'
SUPPLIER_A = 'user0@11.example.com'
SUPPLIER_B = 'user0@12.example.com'
OTHER_BUYER = 'user0@22.example.com'
BOTH = 'user0@31.example.com'


def in_days(days):
    return dt.datetime.now() + dt.timedelta(days=days)


def _setup():
    "Suppliers A and B, a buyer with roles, a member of both kinds"
    pool = Pool()
    WebUser = pool.get('web.user')
    Member = pool.get('s2b2b.member')
    create_document_types()
    with set_company(create_company()):
        members = {
            'a': create_member("华东水泥 Huadong", 11, kind='supplier'),
            'b': create_member("江南建材 Jiangnan", 12, kind='supplier'),
            'buyer': create_member("远大建设 Yuanda", 21, users=4),
            'other': create_member("另一采购 Other", 22),
            'both': create_member("两用公司 Both", 31, kind='both'),
            }
        buyer = members['buyer']
        Member.write([buyer], {'approval_limit': Decimal(50000)})
        users = sorted(buyer.web_users, key=lambda u: u.email)
        for user, roles in zip(users[1:], [['purchaser'], ['approver'],
                    ['finance']]):
            WebUser.write([user], {'s2b2b_roles': roles})
        WebUser.write(WebUser.search([]),
            {'password_hash': WebUser.hash_password(PASSWORD)})
        catalog = create_catalog()
        create_listing(members['a'], catalog.cement,
            name="普通硅酸盐水泥 P.O 42.5", name_en="Portland Cement",
            tiers=((1, '480'), (100, '450')), specs={'grade': '42.5'},
            lead_time=3, available_quantity=1000)
        create_listing(members['b'], catalog.cement, name="水泥 P.O 52.5",
            tiers=((1, '520'),), specs={'grade': '52.5'}, lead_time=10,
            available_quantity=20)
        foreign = _foreign(members, catalog)
    return SimpleNamespace(
        **{k: m.id for k, m in members.items()},
        cement=catalog.cement.id, cable=catalog.cable.id,
        unit=pool.get('ir.model.data').get_id('product', 'uom_unit'),
        **foreign)


def _foreign(members, catalog):
    """Records of the other buyer: a requirement, an RFQ in draft and one
    sent to supplier B, quoted by B, with an offer and a message"""
    pool = Pool()
    Requirement = pool.get('s2b2b.requirement')
    Rfq = pool.get('s2b2b.rfq')
    Quotation = pool.get('s2b2b.rfq.quotation')
    Message = pool.get('s2b2b.rfq.message')
    other, b = members['other'], members['b']
    requirement, = Requirement.create([{'buyer': other.id,
                'title': "他方需求", 'lines': [('create', [{
                                'description': "他方水泥", 'quantity': 5}])]}])
    draft, sent = Rfq.create([{'buyer': other.id, 'title': "他方草稿",
                'deadline': in_days(5),
                'lines': [('create', [{'description': "x",
                                'quantity': 1}])],
                'invitations': [('create', [{'supplier': b.id}])]},
            {'buyer': other.id, 'title': "他方询价", 'deadline': in_days(5),
                'lines': [('create', [{'description': "他方电缆",
                                'quantity': 3}])],
                'invitations': [('create', [{'supplier': b.id}])]}])
    Rfq.send([sent])
    quotation = Quotation.submit(sent, b, {'lines': [{
                    'rfq_line': sent.lines[0].id,
                    'unit_price': Decimal(77)}]})
    quotation.lines[0].make_offer(other, 'counter', Decimal(70))
    Message.post(sent, b, other, "他方消息")
    return {'o_requirement': requirement.id, 'o_draft': draft.id,
        'o_rfq': sent.id, 'o_line': quotation.lines[0].id,
        'o_invitation': draft.invitations[0].id}


def snapshot(*member_ids):
    "Everything of members the procurement pages could change"
    def read():
        pool = Pool()
        Requirement = pool.get('s2b2b.requirement')
        Rfq = pool.get('s2b2b.rfq')
        Quotation = pool.get('s2b2b.rfq.quotation')
        Message = pool.get('s2b2b.rfq.message')
        Contract = pool.get('s2b2b.contract')
        return (
            [(r.id, r.title, r.state, len(r.lines), r.budget)
                for r in Requirement.search([('buyer', 'in', member_ids)],
                    order=[('id', 'ASC')])],
            [(r.id, r.title, r.state, r.deadline, len(r.lines),
                    len(r.invitations), r.cancel_reason)
                for r in Rfq.search([('buyer', 'in', member_ids)],
                    order=[('id', 'ASC')])],
            [(q.id, q.revision, q.state, q.freight,
                    [(l.unit_price, l.bargain_state, len(l.offers))
                        for l in q.lines])
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


def read(model, record_id, *fields):
    def get():
        record = Pool().get(model)(record_id)
        values = [getattr(record, f) for f in fields]
        return values[0] if len(values) == 1 else values
    return committed(get)


def lines_of(requirement):
    "(id, description, quantity, specs) of a requirement's lines"
    return committed(lambda: [(l.id, l.description, l.quantity,
                dict(l.specs or {})) for l in Pool().get(
                's2b2b.requirement')(requirement).lines])


def line_data(i, description='', quantity='', uom='', category='',
        target='', needed='', specs=None, id=''):
    "The fields of line row i of a requirement or RFQ form"
    data = {f'line-{i}-id': str(id), f'line-{i}-description': description,
        f'line-{i}-quantity': str(quantity), f'line-{i}-uom': str(uom),
        f'line-{i}-category': str(category),
        f'line-{i}-target_price': str(target),
        f'line-{i}-needed_by': needed}
    for name, value in (specs or {}).items():
        data[f'line-{i}-spec-{name}'] = value
    return data


class ProcurementPortalCase(PortalPages, DatabaseTestCase):
    "The shared database and the helpers of the page tests"
    email = BUYER

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def created_id(self, response, kind):
        match = re.search(rf'/{kind}/(\d+)', response.headers['Location'])
        self.assertIsNotNone(match, response.headers['Location'])
        return int(match.group(1))

    def requirement_form(self, title="工地水泥采购", quantity=200, **extra):
        ids = self.ids
        return {'title': title, 'needed_by': (
                dt.date.today() + dt.timedelta(days=10)).isoformat(),
            'budget': '', 'description': "三号工地",
            'delivery_address': "苏州工业园区",
            **line_data(0, "水泥", quantity, ids.unit, ids.cement, '470',
                specs={'grade': '42.5', 'bag_weight': ''}),
            **line_data(1, "Cable 电缆", 10, ids.unit, ids.cable),
            **extra}

    def new_requirement(self, client, **values):
        response = self.post(client, '/requirements/new',
            self.requirement_form(**values))
        return self.created_id(response, 'requirements')

    def approved_requirement(self, quantity=10):
        "A requirement within the limit, submitted and approved at once"
        client = self.client(PURCHASER)
        requirement = self.new_requirement(client, quantity=quantity)
        self.post(client, f'/requirements/{requirement}/submit', {})
        self.assertEqual(read('s2b2b.requirement', requirement, 'state'),
            'approved')
        return requirement

    def sent_rfq(self, suppliers=('a', 'b')):
        "An RFQ from a new requirement, sent to the suppliers"
        client = self.client(PURCHASER)
        requirement = self.approved_requirement()
        response = self.post(client, f'/requirements/{requirement}/rfq',
            {'deadline': in_days(3).strftime('%Y-%m-%dT%H:%M')})
        rfq = self.created_id(response, 'rfqs')
        for supplier in suppliers:
            self.post(client, f'/rfqs/{rfq}/invitations',
                {'supplier': str(getattr(self.ids, supplier))})
        self.post(client, f'/rfqs/{rfq}/send', {})
        return rfq

    def rfq_lines(self, rfq):
        return committed(lambda: [l.id for l in Pool().get('s2b2b.rfq')(
                    rfq).lines])

    def quote(self, client, rfq, prices, status=302, **extra):
        data = {'lead_time': '5', 'valid_until': (dt.date.today()
                + dt.timedelta(days=30)).isoformat(), 'freight': '',
            'terms': "含税", **extra}
        for line, price in zip(self.rfq_lines(rfq), prices):
            data[f'q-{line}-price'] = price
        return self.post(client, f'/invitations/{rfq}/quotation', data,
            status=status)

    def quotation_lines(self, rfq, supplier):
        "{RFQ line: quotation line} of the supplier's quotation"
        def get():
            Quotation = Pool().get('s2b2b.rfq.quotation')
            quotation, = Quotation.search([('rfq', '=', rfq),
                    ('supplier', '=', supplier)])
            return {l.rfq_line.id: l.id for l in quotation.lines}
        return committed(get)


class RequirementTests:

    def test_create_edit_suggestions(self):
        "A purchaser writes a requirement; each line gets suggestions"
        client = self.client(PURCHASER)
        page = self.page(client, f'/requirements/new?reload=1'
            f'&line-0-category={self.ids.cement}&line-0-description=x')
        self.assertIn('id="line-0-spec-grade"', page)
        requirement = self.new_requirement(client)
        lines = lines_of(requirement)
        self.assertEqual([l[1:] for l in lines], [
                ("水泥", 200, {'grade': '42.5'}), ("Cable 电缆", 10, {})])
        page = self.page(client, f'/requirements/{requirement}')
        self.assertIn('id="requirement-form"', page)
        suggestions = re.search(
            rf'id="suggestions-{lines[0][0]}">(.*?)</ul>', page, re.S)
        self.assertIsNotNone(suggestions)
        first = suggestions.group(1).split('class="border-top')[1]
        self.assertIn("华东水泥", first)
        for reason in ["4 % under target", "in stock",
                "1 of 1 specifications"]:
            self.assertIn(reason, first)
        # Change the first line, drop the second
        data = self.requirement_form(title="工地水泥采购（改）")
        data.update(line_data(0, "水泥", 300, self.ids.unit, self.ids.cement,
                '470', id=lines[0][0], specs={'grade': '42.5'}))
        data.update(line_data(1))
        self.post(client, f'/requirements/{requirement}', data)
        self.assertEqual([l[:3] for l in lines_of(requirement)],
            [(lines[0][0], "水泥", 300)])
        page = self.page(self.client(lang='zh_CN'),
            f'/requirements/{requirement}')
        self.assertIn("低于目标价 4%", page)
        self.assertIn("有现货", page)

    def test_submit_waits_for_approver(self):
        client = self.client(PURCHASER)
        requirement = self.new_requirement(client, quantity=1000)
        self.post(client, f'/requirements/{requirement}/submit', {})
        self.assertEqual(read('s2b2b.requirement', requirement, 'state'),
            'waiting')
        page = self.page(client, f'/requirements/{requirement}')
        self.assertIn('id="waiting-approval"', page)
        self.assertNotIn('id="action-approve"', page)
        # A purchaser does not approve; a submitted one is not edited
        self.post(client, f'/requirements/{requirement}/approve', {},
            status=403)
        self.refused(client, f'/requirements/{requirement}',
            self.requirement_form(title="改"))
        approver = self.client(APPROVER)
        self.assertIn('id="action-approve"',
            self.page(approver, f'/requirements/{requirement}'))
        self.post(approver, f'/requirements/{requirement}/approve', {})
        self.assertEqual(read('s2b2b.requirement', requirement, 'state'),
            'approved')
        self.refused(approver, f'/requirements/{requirement}/approve', {})

    def test_send_back_and_cancel(self):
        client = self.client(PURCHASER)
        requirement = self.new_requirement(client, quantity=1000)
        self.post(client, f'/requirements/{requirement}/submit', {})
        self.post(self.client(APPROVER),
            f'/requirements/{requirement}/refuse', {})
        self.assertEqual(read('s2b2b.requirement', requirement, 'state'),
            'draft')
        self.post(client, f'/requirements/{requirement}/cancel', {})
        self.assertEqual(read('s2b2b.requirement', requirement, 'state'),
            'cancelled')
        self.refused(client, f'/requirements/{requirement}/cancel', {})
        self.post(client, f'/requirements/{requirement}/nothing', {},
            status=404)

    def test_requirement_bad_input(self):
        "Every refused value shows its error and saves nothing"
        client = self.client(PURCHASER)
        ids = self.ids
        bad = [
            {'title': ''},
            line_data(0, '', 5, ids.unit),
            line_data(0, "水泥", 'abc', ids.unit),
            line_data(0, "水泥", 0, ids.unit),
            line_data(0, "水泥", 5, ids.unit, target='-1'),
            line_data(0, "水泥", 5, ids.unit, needed='31/12/2026'),
            line_data(0, "水泥", 5, ids.unit, category='999999'),
            line_data(0, "水泥", 5, 'x'),
            line_data(0, "水泥", 5, ids.unit, ids.cement,
                specs={'grade': '99'}),
            {'budget': 'lots'},
            {'needed_by': 'tomorrow'},
            ]
        before = count('s2b2b.requirement')
        for values in bad:
            with self.subTest(values=values):
                self.refused(client, '/requirements/new',
                    self.requirement_form(**values))
        self.assertEqual(count('s2b2b.requirement'), before)
        requirement = self.new_requirement(client)
        lines = lines_of(requirement)
        self.refused(client, f'/requirements/{requirement}',
            self.requirement_form(**line_data(0, "水泥", 'x', ids.unit,
                    id=lines[0][0])))
        self.assertEqual(lines_of(requirement), lines)
        # Without lines it cannot be submitted
        empty = self.new_requirement(client, **line_data(0), **line_data(1))
        self.refused(client, f'/requirements/{empty}/submit', {})
        self.assertEqual(read('s2b2b.requirement', empty, 'state'), 'draft')

    def test_list_tabs(self):
        client = self.client(PURCHASER)
        requirement = self.approved_requirement()
        page = self.page(client, '/requirements?state=approved')
        self.assertIn(f'id="requirement-{requirement}"', page)
        self.assertNotIn(f'id="requirement-{requirement}"',
            self.page(client, '/requirements?state=draft'))
        self.assertIn('id="tab-waiting"', page)
        self.assertIn('id="new-requirement"', page)
        self.assertNotIn(f'id="requirement-{self.ids.o_requirement}"',
            self.page(client, '/requirements'))

    def test_reader_and_kinds(self):
        "Every buyer user reads, only purchasers and admins write"
        reader = self.client(READER)
        requirement = self.approved_requirement()
        page = self.page(reader, f'/requirements/{requirement}')
        self.assertNotIn('id="make-rfq"', page)
        self.assertNotIn('id="new-requirement"',
            self.page(reader, '/requirements'))
        self.page(reader, '/requirements/new', 403)
        before = snapshot(self.ids.buyer)
        for path in ['/requirements/new', f'/requirements/{requirement}',
                f'/requirements/{requirement}/cancel',
                f'/requirements/{requirement}/rfq']:
            with self.subTest(path=path):
                self.post(reader, path, self.requirement_form(), status=403)
        self.assertEqual(snapshot(self.ids.buyer), before)
        supplier = self.client(SUPPLIER_A)
        for path in ['/requirements', '/requirements/new', '/rfqs',
                '/rfqs/new', f'/requirements/{requirement}']:
            with self.subTest(path=path, kind='supplier'):
                self.page(supplier, path, 403)
        self.post(supplier, '/requirements/new', self.requirement_form(),
            status=403)
        buyer = self.client(BUYER)
        self.page(buyer, '/invitations', 403)
        nav = self.page(buyer, '/')
        self.assertIn('data-nav="requirements"', nav)
        self.assertNotIn('data-nav="invitations"', nav)
        both = self.page(self.client(BOTH), '/')
        self.assertIn('data-nav="requirements"', both)
        self.assertIn('data-nav="invitations"', both)


class RfqTests:

    def test_rfq_from_requirement_invite_send(self):
        client = self.client(PURCHASER)
        requirement = self.approved_requirement()
        response = self.post(client, f'/requirements/{requirement}/rfq', {
                'deadline': in_days(4).strftime('%Y-%m-%dT%H:%M')})
        rfq = self.created_id(response, 'rfqs')
        self.assertEqual(read('s2b2b.requirement', requirement, 'state'),
            'sourcing')
        page = self.page(client, f'/rfqs/{rfq}')
        self.assertIn('id="rfq-form"', page)
        # The suppliers of the suggested listings are offered
        self.assertIn(f'id="invite-suggested-{self.ids.a}"', page)
        page = self.page(client, f'/rfqs/{rfq}?supplier_q=江南')
        self.assertIn(f'id="invite-found-{self.ids.b}"', page)
        self.assertNotIn(f'id="invite-found-{self.ids.a}"', page)
        # Buyers are not suppliers
        self.assertNotIn(f'invite-found-{self.ids.other}', self.page(
                client, f'/rfqs/{rfq}?supplier_q=采购'))
        self.post(client, f'/rfqs/{rfq}/invitations',
            {'supplier': str(self.ids.b)})
        invitation, = committed(lambda: [i.id for i in Pool().get(
                    's2b2b.rfq')(rfq).invitations])
        self.post(client, f'/rfqs/{rfq}/invitations/{invitation}/delete',
            {})
        self.assertEqual(count('s2b2b.rfq.invitation', [('rfq', '=', rfq)]),
            0)
        self.refused(client, f'/rfqs/{rfq}/send', {})
        self.assertEqual(read('s2b2b.rfq', rfq, 'state'), 'draft')
        for supplier in [self.ids.a, self.ids.b]:
            self.post(client, f'/rfqs/{rfq}/invitations',
                {'supplier': str(supplier)})
        self.post(client, f'/rfqs/{rfq}/send', {})
        self.assertEqual(read('s2b2b.rfq', rfq, 'state'), 'open')
        page = self.page(self.client(SUPPLIER_A), '/invitations')
        self.assertIn(f'id="invitation-{rfq}"', page)
        self.assertIn('id="no-quotations"', self.page(client, f'/rfqs/{rfq}'))

    def test_new_rfq_by_category(self):
        "An RFQ written from scratch to every supplier of a category"
        client = self.client(PURCHASER)
        ids = self.ids
        response = self.post(client, '/rfqs/new', {
                'title': "类目询价", 'description': '',
                'deadline': in_days(2).strftime('%Y-%m-%dT%H:%M'),
                'scope': 'category', 'category': str(ids.cement),
                **line_data(0, "水泥", 50, ids.unit, ids.cement)})
        rfq = self.created_id(response, 'rfqs')
        self.assertIn('id="category-scope"', self.page(client, f'/rfqs/{rfq}'))
        self.post(client, f'/rfqs/{rfq}/send', {})
        suppliers = committed(lambda: {i.supplier.id for i in Pool().get(
                    's2b2b.rfq')(rfq).invitations})
        self.assertEqual(suppliers, {ids.a, ids.b})

    def test_rfq_bad_input(self):
        client = self.client(PURCHASER)
        ids = self.ids
        good = {'title': "询价", 'description': '', 'scope': 'invited',
            'category': '', 'deadline': in_days(2).strftime(
                '%Y-%m-%dT%H:%M'), **line_data(0, "水泥", 5, ids.unit)}
        before = count('s2b2b.rfq')
        for values in [{'title': ''}, {'deadline': ''},
                {'deadline': 'soon'}, {'scope': 'category'},
                line_data(0, "水泥", '-3', ids.unit)]:
            with self.subTest(values=values):
                self.refused(client, '/rfqs/new', {**good, **values})
        self.assertEqual(count('s2b2b.rfq'), before)
        response = self.post(client, '/rfqs/new', {**good,
                'deadline': in_days(-1).strftime('%Y-%m-%dT%H:%M')})
        rfq = self.created_id(response, 'rfqs')
        self.post(client, f'/rfqs/{rfq}/invitations',
            {'supplier': str(ids.a)})
        for supplier in [ids.other, ids.buyer, 10 ** 9, 'x']:
            with self.subTest(supplier=supplier):
                self.refused(client, f'/rfqs/{rfq}/invitations',
                    {'supplier': str(supplier)})
        self.refused(client, f'/rfqs/{rfq}/send', {})  # deadline past
        self.assertEqual(read('s2b2b.rfq', rfq, 'state'), 'draft')
        self.refused(client, f'/rfqs/{rfq}/close', {})
        self.post(client, f'/rfqs/{rfq}/nothing', {}, status=404)

    def test_cancel_needs_reason_once_sent(self):
        client = self.client(PURCHASER)
        rfq = self.sent_rfq(suppliers=('a',))
        self.refused(client, f'/rfqs/{rfq}/cancel', {'reason': ' '})
        self.assertEqual(read('s2b2b.rfq', rfq, 'state'), 'open')
        self.refused(client, f'/rfqs/{rfq}', {'title': "改"})
        self.post(client, f'/rfqs/{rfq}/cancel', {'reason': "项目取消"})
        self.assertEqual(read('s2b2b.rfq', rfq, 'state', 'cancel_reason'),
            ['cancelled', "项目取消"])
        self.assertIn("项目取消", self.page(client, f'/rfqs/{rfq}'))

    def test_quote_bargain_award(self):
        "Both suppliers quote, A revises; rounds of offers; the award"
        ids = self.ids
        rfq = self.sent_rfq()
        cement, cable = self.rfq_lines(rfq)
        a, b = self.client(SUPPLIER_A), self.client(SUPPLIER_B)
        page = self.page(a, f'/invitations/{rfq}')
        self.assertIn('id="quotation-form"', page)
        self.assertNotIn('470.00', page)  # the buyer's target price
        self.quote(a, rfq, ['460', '90'], freight='500', **{
                f'q-{cement}-break-0-quantity': '500',
                f'q-{cement}-break-0-price': '455'})
        self.quote(a, rfq, ['458', '90'], freight='500', **{
                f'q-{cement}-break-0-quantity': '500',
                f'q-{cement}-break-0-price': '455'})
        self.quote(b, rfq, ['450', '80'])
        page = self.page(a, f'/invitations/{rfq}')
        self.assertEqual(re.findall(r'data-revision="(\d+)"', page),
            ['2', '1'])
        self.assertNotIn('450.00', page)  # B's price
        self.assertNotIn('id="comparison"', page)
        buyer = self.client(PURCHASER)
        page = self.page(buyer, f'/rfqs/{rfq}')
        best = re.findall(r'data-price="([\d.,]+)"[^>]*data-best-price="1"',
            page)
        self.assertEqual(sorted(best), ['450.00', '80.00'])
        self.assertEqual(re.findall(
                r'data-best-total="1" data-landed="([\d.]+)"', page),
            ['5300.00'])  # B: 10 × 450 + 10 × 80
        qa = self.quotation_lines(rfq, ids.a)
        # The buyer counters on A's cement, A counters, the buyer accepts
        self.post(buyer, f'/rfqs/{rfq}/offers/{qa[cement]}',
            {'action': 'counter', 'price': '440', 'note': "量大"})
        self.assertIn(f'id="move-{qa[cement]}"',
            self.page(a, f'/invitations/{rfq}'))
        self.assertIn('id="bargaining-started"',
            self.page(a, f'/invitations/{rfq}'))
        self.assertNotIn(f'id="move-{qa[cement]}"',
            self.page(buyer, f'/rfqs/{rfq}'))
        self.post(a, f'/invitations/{rfq}/offers/{qa[cement]}',
            {'action': 'counter', 'price': '445'})
        self.post(buyer, f'/rfqs/{rfq}/offers/{qa[cement]}',
            {'action': 'accept'})
        self.assertEqual(read('s2b2b.rfq.quotation.line', qa[cement],
                'bargain_state', 'agreed_price'), ['agreed', Decimal(445)])
        page = self.page(a, f'/invitations/{rfq}')
        self.assertIn(f'id="agreed-{qa[cement]}"', page)
        # Messages, both ways, each supplier its own thread
        self.post(buyer, f'/rfqs/{rfq}/messages',
            {'supplier': str(ids.a), 'body': "请确认交货期"})
        self.post(a, f'/invitations/{rfq}/messages', {'body': "三天内送达"})
        self.assertIn("请确认交货期", self.page(a, f'/invitations/{rfq}'))
        self.assertNotIn("请确认交货期", self.page(b, f'/invitations/{rfq}'))
        page = self.page(buyer, f'/rfqs/{rfq}')
        self.assertIn("三天内送达", page)
        qb = self.quotation_lines(rfq, ids.b)
        self.post(buyer, f'/rfqs/{rfq}/award', {
                f'award-{cement}': str(qa[cement]),
                f'award-{cable}': str(qb[cable])})
        self.assertEqual(read('s2b2b.rfq', rfq, 'state'), 'awarded')
        page = self.page(buyer, f'/rfqs/{rfq}')
        contracts = re.findall(r'data-contract="\d+" data-supplier="(\d+)"',
            page)
        self.assertEqual(sorted(map(int, contracts)), sorted([ids.a, ids.b]))
        self.assertIn('4,450.00', page)  # 10 × 445
        self.assertIn('id="contracts"', self.page(a, f'/invitations/{rfq}'))

    def test_bargaining_and_quotation_refused(self):
        ids = self.ids
        rfq = self.sent_rfq()
        cement, cable = self.rfq_lines(rfq)
        a = self.client(SUPPLIER_A)
        before = snapshot(ids.buyer)
        for prices, extra in [
                (['', ''], {}), (['0', ''], {}), (['abc', ''], {}),
                (['460', ''], {'freight': '-5'}),
                (['460', ''], {'lead_time': 'x'}),
                (['460', ''], {'valid_until': 'soon'}),
                (['', ''], {f'q-{cable}-lead_time': '3'}),
                (['460', ''], {f'q-{cement}-break-0-quantity': '500'}),
                (['460', ''], {f'q-{cement}-break-0-quantity': '100',
                        f'q-{cement}-break-0-price': '440',
                        f'q-{cement}-break-1-quantity': '200',
                        f'q-{cement}-break-1-price': '445'})]:
            with self.subTest(prices=prices, extra=extra):
                self.quote(a, rfq, prices, status=400, **extra)
        self.assertEqual(snapshot(ids.buyer), before)
        self.quote(a, rfq, ['460', '90'])
        qa = self.quotation_lines(rfq, ids.a)
        buyer = self.client(PURCHASER)
        before = snapshot(ids.buyer)
        for client, data in [
                (a, {'action': 'counter', 'price': '450'}),  # not its turn
                (buyer, {'action': 'counter', 'price': '460'}),  # same
                (buyer, {'action': 'counter', 'price': 'x'}),
                (buyer, {'action': 'counter', 'price': ''}),
                (buyer, {'action': 'grab'})]:
            with self.subTest(data=data):
                path = ('/invitations' if client is a else '/rfqs') + (
                    f'/{rfq}/offers/{qa[cement]}')
                self.refused(client, path, data)
        for client, path, data in [
                (buyer, f'/rfqs/{rfq}/messages', {'supplier': str(ids.a),
                        'body': '  '}),
                (buyer, f'/rfqs/{rfq}/messages', {'supplier': str(ids.other),
                        'body': "插话"}),
                (a, f'/invitations/{rfq}/messages', {'body': ''}),
                (buyer, f'/rfqs/{rfq}/award', {})]:
            with self.subTest(path=path, data=data):
                self.refused(client, path, data)
        self.assertEqual(snapshot(ids.buyer), before)
        # After the deadline the quotation is closed
        def past():
            Rfq = Pool().get('s2b2b.rfq')
            Rfq.write([Rfq(rfq)], {'deadline': in_days(-1)})
        committed(past)
        page = self.page(a, f'/invitations/{rfq}')
        self.assertIn('id="deadline-passed"', page)
        self.assertNotIn('id="quotation-form"', page)
        self.quote(a, rfq, ['455', '90'], status=400)
        self.assertEqual(read('s2b2b.rfq.quotation.line', qa[cement],
                'unit_price'), Decimal(460))

    def test_both_member_and_sales_user(self):
        "A member of both kinds quotes as supplier, never sees the buyer's"
        rfq = self.sent_rfq(suppliers=('a', 'both'))
        both = self.client(BOTH)
        self.page(both, f'/rfqs/{rfq}', 404)
        self.assertIn('id="quotation-form"',
            self.page(both, f'/invitations/{rfq}'))
        self.quote(both, rfq, ['470', '95'])
        self.page(self.client(SUPPLIER_B), f'/invitations/{rfq}', 404)
        self.page(self.client(BUYER), f'/invitations/{rfq}', 403)
        reader = self.client(READER)
        page = self.page(reader, f'/rfqs/{rfq}')
        self.assertIn('id="comparison"', page)
        self.assertNotIn('id="award-form"', page)
        self.post(reader, f'/rfqs/{rfq}/close', {}, status=403)

    def test_home_counters(self):
        client = self.client(PURCHASER)
        requirement = self.new_requirement(client, quantity=1000)
        self.post(client, f'/requirements/{requirement}/submit', {})
        page = self.page(self.client(APPROVER), '/')
        self.assertIn('/portal/requirements?state=waiting"', page)
        rfq = self.sent_rfq(suppliers=('a',))
        a = self.client(SUPPLIER_A)
        self.assertIn('invitations?show=open', self.page(a, '/'))
        self.quote(a, rfq, ['460', '90'])
        cement = self.rfq_lines(rfq)[0]
        line = self.quotation_lines(rfq, self.ids.a)[cement]
        self.post(client, f'/rfqs/{rfq}/offers/{line}',
            {'action': 'counter', 'price': '430'})
        waiting = re.search(r'id="waiting">(.*?)</ul>',
            self.page(a, '/'), re.S).group(1)
        self.assertRegex(waiting, r'Counter-offers waiting for your answer'
            r'</a> <span class="badge text-bg-primary">\d+')


class SweepTests(RouteSweep):
    "Every route: nobody goes to the login, others' ids answer 404"
    routes = ROUTES
    route_re = r'/(requirements|rfqs|invitations)\b'

    def urls(self, ids):
        "(method, url) of every route, for the ids of a namespace"
        return [
            ('GET', '/requirements'), ('GET', '/requirements/new'),
            ('POST', '/requirements/new'),
            ('GET', f'/requirements/{ids.requirement}'),
            ('POST', f'/requirements/{ids.requirement}'),
            *[('POST', f'/requirements/{ids.requirement}/{action}')
                for action in ['submit', 'approve', 'refuse', 'cancel']],
            ('POST', f'/requirements/{ids.requirement}/rfq'),
            ('GET', '/rfqs'), ('GET', '/rfqs/new'), ('POST', '/rfqs/new'),
            ('GET', f'/rfqs/{ids.draft}'), ('POST', f'/rfqs/{ids.draft}'),
            ('GET', f'/rfqs/{ids.rfq}'),
            *[('POST', f'/rfqs/{ids.draft}/{action}')
                for action in ['send', 'cancel']],
            ('POST', f'/rfqs/{ids.rfq}/close'),
            ('POST', f'/rfqs/{ids.draft}/invitations'),
            ('POST', f'/rfqs/{ids.draft}/invitations/{ids.invitation}'
                '/delete'),
            ('POST', f'/rfqs/{ids.rfq}/award'),
            ('POST', f'/rfqs/{ids.rfq}/offers/{ids.line}'),
            ('POST', f'/rfqs/{ids.rfq}/messages'),
            ('GET', '/invitations'), ('GET', f'/invitations/{ids.rfq}'),
            ('POST', f'/invitations/{ids.rfq}/quotation'),
            ('POST', f'/invitations/{ids.rfq}/offers/{ids.line}'),
            ('POST', f'/invitations/{ids.rfq}/messages'),
            ]

    def foreign_ids(self):
        ids = self.ids
        return SimpleNamespace(requirement=ids.o_requirement,
            draft=ids.o_draft, rfq=ids.o_rfq, line=ids.o_line,
            invitation=ids.o_invitation)

    def form(self):
        return {**self.requirement_form(), 'supplier': str(self.ids.b),
            'action': 'counter', 'price': '1', 'body': "越权",
            'reason': "越权", f'award-{self.ids.o_line}': str(self.ids.o_line),
            f'q-{self.ids.o_line}-price': '1'}

    def test_foreign_ids(self):
        """The buyer and supplier A (neither invited) get 404 for every
        route with the other buyer's and supplier B's ids"""
        members = (self.ids.other, self.ids.b)
        before = snapshot(*members)
        clients = {'buyer': self.client(BUYER), 'a': self.client(SUPPLIER_A),
            'both': self.client(BOTH)}
        for method, url in self.urls(self.foreign_ids()):
            if not re.search(r'/\d+', url):
                continue
            kinds = (['a', 'both'] if url.startswith('/invitations')
                else ['buyer', 'both'])
            for kind in kinds:
                with self.subTest(method=method, url=url, kind=kind):
                    client = clients[kind]
                    if method == 'POST':
                        response = client.submit(url, self.form(),
                            token_from='/')
                    else:
                        response = client.get(client.base + url)
                    self.assertEqual(response.status_code, 404)
        self.assertEqual(snapshot(*members), before)

    def test_lists_show_own_only(self):
        for email, path in [(BUYER, '/requirements'), (BUYER, '/rfqs'),
                (SUPPLIER_A, '/invitations?show=all'),
                (BOTH, '/invitations?show=all'), (BUYER, '/')]:
            with self.subTest(email=email, path=path):
                page = self.page(self.client(email), path)
                for text in ["他方需求", "他方草稿", "他方询价", "他方"]:
                    self.assertNotIn(text, page)


class ProcurementPortalTestCase(RequirementTests, RfqTests, SweepTests,
        ProcurementPortalCase):
    "One database for all: the other buyer's records stay untouched"
