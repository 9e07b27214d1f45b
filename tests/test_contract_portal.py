# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Contract pages: list and detail for both sides, PDF, signing with the
password entered again (a wrong one signs nothing), verification that
shows a document changed after signing, call-offs of forward contracts;
the tenant sweep"""
import datetime as dt
import logging
import re
from types import SimpleNamespace

from common import (
    DB_NAME, DatabaseTestCase, PortalClient, PortalPages, RouteSweep,
    committed)

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.s2b2b_procurement.contract import SIGNING_KEY
from trytond.modules.s2b2b_procurement.tests import (
    test_contract as contract_tools)
from trytond.pool import Pool
from trytond.transaction import Transaction, TransactionError

ROUTES = {
    '/contracts', '/contracts/<record_id>', '/contracts/<record_id>/pdf',
    '/contracts/<record_id>/sign', '/contracts/<record_id>/verification',
    '/contracts/<record_id>/calloffs/<calloff_id>',
    '/contracts/<record_id>/order',
    }
PASSWORDS = contract_tools.PASSWORDS
# contract_tools.setup: buyer 11 (admin, sales), supplier 12, other 13
BUYER, SALES = 'user0@11.example.com', 'user1@11.example.com'
SUPPLIER, OTHER = 'user0@12.example.com', 'user0@13.example.com'
LOGINS = {BUYER: PASSWORDS['buyer'], SALES: 'Sales-Pass-2026!',
    SUPPLIER: PASSWORDS['supplier'], OTHER: 'Other-Pass-2026!'}


def platform_company():
    pool = Pool()
    Party = pool.get('party.party')
    company = create_company("S2B2B 供应链平台",
        currency=contract_tools.create_cny())
    Party.write([company.party], {'identifiers': [('create', [{
                        'type': 'cn_vat',
                        'code': contract_tools.PLATFORM_CODE}])]})
    return company


def forward_contract(data, buyer=None, sign=True):
    "A forward contract, signed: two call-offs planned"
    Contract = Pool().get('s2b2b.contract')
    CallOff = Pool().get('s2b2b.contract.calloff')
    if buyer is None:
        contract = contract_tools.award(data, kind='forward')
    else:
        contract, = Contract.create_from_award([{'buyer': buyer,
                    'supplier': data['supplier'], 'kind': 'forward',
                    'currency': data['currency'], 'lines': [{
                            'description': d, 'quantity': 100,
                            'uom': data['listing'].uom, 'unit_price': 400}
                        for d in ["他方水泥", "他方吊车"]]}])
    today = dt.date.today()
    contract.period_start = today
    contract.period_end = today + dt.timedelta(days=90)
    cement, crane = contract.lines
    contract.calloffs = [
        CallOff(line=cement, date=today + dt.timedelta(days=30),
            quantity=80),
        CallOff(line=crane, date=today + dt.timedelta(days=60), quantity=3)]
    contract.save()
    Contract.prepare([contract])
    if sign:
        contract_tools.sign_all(contract, data)
    return contract


def _setup():
    pool = Pool()
    Contract = pool.get('s2b2b.contract')
    logging.getLogger('pyhanko').setLevel(logging.CRITICAL)
    with set_company(platform_company()):
        data = contract_tools.setup()
        spot = contract_tools.award(data)
        Contract.prepare([spot])
        forward = forward_contract(data)
        other, = Contract.create_from_award([{
                    'buyer': data['other'], 'supplier': data['supplier'],
                    'currency': data['currency'], 'lines': [{
                            'description': "他方水泥", 'quantity': 5,
                            'uom': data['listing'].uom,
                            'unit_price': 400}]}])
        other_forward = forward_contract(data, buyer=data['other'],
            sign=False)
    return SimpleNamespace(spot=spot.id, forward=forward.id,
        calloffs=[c.id for c in forward.calloffs], other=other.id,
        o_forward=other_forward.id, o_calloff=other_forward.calloffs[0].id,
        buyer=data['buyer'].id, supplier=data['supplier'].id,
        other_buyer=data['other'].id)


def committed_locking(func):
    """committed(func), started again with the locks signing takes
    (Contract.sign locks the contract as the portal's requests do)"""
    extras = {}
    while True:
        try:
            with Transaction().start(DB_NAME, 0, context={'language': 'en'},
                    **extras) as transaction:
                result = func()
                transaction.commit()
            return result
        except TransactionError as error:
            error.fix(extras)


def signatures(contract):
    return committed(lambda: [s.role for s in
            Pool().get('s2b2b.contract')(contract).signatures])


def snapshot(contract_ids):
    def get():
        Contract = Pool().get('s2b2b.contract')
        return [(c.id, c.state, len(c.signatures), c.document_id,
                [(o.state, o.sale.id if o.sale else None)
                    for o in c.calloffs])
            for c in Contract.browse(contract_ids)]
    return committed(get)


class ContractPortalCase(PortalPages, DatabaseTestCase):
    email = BUYER

    def password(self, email):
        return LOGINS[email]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed_locking(_setup)


class ContractTests:

    def test_list_and_detail(self):
        "Both sides list and read the contract: parties, lines, terms"
        for email in [BUYER, SUPPLIER, SALES]:
            with self.subTest(email=email):
                client = self.client(email)
                page = self.page(client, '/contracts')
                self.assertIn(f'id="contract-{self.ids.spot}"', page)
                if email != SUPPLIER:
                    self.assertNotIn(f'id="contract-{self.ids.other}"',
                        page)
                page = self.page(client, f'/contracts/{self.ids.spot}')
                self.assertIn("苏州远景建设工程有限公司", page)
                self.assertIn("安徽海螺水泥股份有限公司", page)
                codes = re.findall(r'class="company-code">([0-9A-Z]{18})<',
                    page)
                self.assertEqual(len(codes), 2)
                self.assertIn("普通硅酸盐水泥 P.O 42.5", page)
                self.assertIn('93,703.50', page)
                self.assertIn("Net 30 days", page)
                self.assertIn('data-state="signing"', page)
                self.assertIn('id="download-pdf"', page)
        # only the buyer's administrator is asked to sign now
        self.assertIn('id="sign-form"', self.page(self.client(BUYER),
                f'/contracts/{self.ids.spot}'))
        for email in [SALES, SUPPLIER]:
            page = self.page(self.client(email), f'/contracts/{self.ids.spot}')
            self.assertNotIn('id="sign-form"', page)
            self.assertIn('id="waiting-signature"', page)
        page = self.page(self.client(lang='zh_CN'),
            f'/contracts/{self.ids.spot}')
        self.assertIn("统一社会信用代码", page)
        response = self.client().get(
            f'{PortalClient().base}/contracts/{self.ids.spot}/pdf')
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.data.startswith(b'%PDF'))
        self.assertEqual(response.content_type, 'application/pdf')

    def test_sign_refused_then_signed_and_verified(self):
        """A wrong or empty password and the wrong turn sign nothing;
        both sign, the verification names them; a changed document
        shows"""
        spot = self.ids.spot
        client = self.client()
        for password in ['wrong-password', '']:
            with self.subTest(password=password):
                error = self.refused(client, f'/contracts/{spot}/sign',
                    {'password': password})
                self.assertTrue(error.strip())
        zh = self.client(lang='zh_CN')
        error = self.refused(zh, f'/contracts/{spot}/sign',
            {'password': 'wrong-password'})
        self.assertRegex(error, r'[\u4e00-\u9fff]')
        # the supplier may not sign before the buyer; sales users never
        self.refused(self.client(SUPPLIER), f'/contracts/{spot}/sign',
            {'password': PASSWORDS['supplier']})
        self.post(self.client(SALES), f'/contracts/{spot}/sign',
            {'password': LOGINS[SALES]}, status=403)
        self.assertEqual(signatures(spot), [])

        self.post(client, f'/contracts/{spot}/sign',
            {'password': PASSWORDS['buyer']})
        self.assertEqual(signatures(spot), ['buyer'])
        self.refused(client, f'/contracts/{spot}/sign',
            {'password': PASSWORDS['buyer']})
        self.post(self.client(SUPPLIER), f'/contracts/{spot}/sign',
            {'password': PASSWORDS['supplier']})
        self.assertEqual(signatures(spot), ['buyer', 'supplier'])
        page = self.page(self.client(SUPPLIER),
            f'/contracts/{spot}/verification')
        self.assertIn('id="valid"', page)
        self.assertEqual(re.findall(r'data-field="(\w+)" data-valid="(\w+)"',
                page), [('buyer', 'true'), ('supplier', 'true')])
        self.assertIn("苏州远景建设工程有限公司", page)
        self.assertIn("CN=", page)

        def tamper():
            Contract = Pool().get('s2b2b.contract')
            contract = Contract(spot)
            with Transaction().set_context({SIGNING_KEY: True}):
                Contract.write([contract], {'document':
                        contract_tools.append_content(contract.document)})
        committed(tamper)
        page = self.page(client, f'/contracts/{spot}/verification')
        self.assertIn('id="changed"', page)
        self.assertNotIn('id="valid"', page)

    def test_call_off(self):
        "The buyer calls off a planned delivery; the supplier cannot"
        forward, (first, second) = self.ids.forward, self.ids.calloffs
        page = self.page(self.client(), f'/contracts/{forward}')
        self.assertIn(f'id="call-off-{first}"', page)
        self.assertNotIn(f'id="call-off-{first}"', self.page(
                self.client(SUPPLIER), f'/contracts/{forward}'))
        self.refused(self.client(SUPPLIER),
            f'/contracts/{forward}/calloffs/{first}', {})
        self.post(self.client(SALES),
            f'/contracts/{forward}/calloffs/{first}', {}, status=403)
        before = snapshot([forward])
        self.assertEqual(before[0][4], [('planned', None), ('planned', None)])
        self.post(self.client(), f'/contracts/{forward}/calloffs/{first}',
            {})
        state, sale = snapshot([forward])[0][4][0]
        self.assertEqual(state, 'ordered')
        self.assertIsNotNone(sale)
        self.refused(self.client(),
            f'/contracts/{forward}/calloffs/{first}', {})
        page = self.page(self.client(), f'/contracts/{forward}')
        self.assertRegex(page, rf'id="calloff-{first}" data-state="ordered"')


    def test_order_refused(self):
        """No order button on a contract being signed or a forward one;
        ordering them anyway is refused and orders nothing"""
        def orders():
            return Pool().get('s2b2b.order').search([], count=True)
        before = committed(orders)
        for contract in [self.ids.spot, self.ids.forward]:
            with self.subTest(contract=contract):
                self.assertNotIn('id="place-contract-order"',
                    self.page(self.client(), f'/contracts/{contract}'))
                self.refused(self.client(), f'/contracts/{contract}/order',
                    {})
        self.post(self.client(SALES), f'/contracts/{self.ids.spot}/order',
            {}, status=403)
        self.assertEqual(committed(orders), before)


class SweepTests(RouteSweep):
    routes = ROUTES
    route_re = r'/contracts\b'

    def urls(self, ids):
        return [
            ('GET', '/contracts'), ('GET', f'/contracts/{ids.contract}'),
            ('GET', f'/contracts/{ids.contract}/pdf'),
            ('POST', f'/contracts/{ids.contract}/sign'),
            ('GET', f'/contracts/{ids.contract}/verification'),
            ('POST', f'/contracts/{ids.forward}/calloffs/{ids.calloff}'),
            ('POST', f'/contracts/{ids.contract}/order'),
            ]

    def foreign_ids(self):
        return SimpleNamespace(contract=self.ids.other,
            forward=self.ids.o_forward, calloff=self.ids.o_calloff)

    def test_foreign_ids(self):
        "The buyer gets 404 for the other buyer's contracts, its own ids"
        ids = self.foreign_ids()
        before = snapshot([self.ids.other, self.ids.o_forward])
        client = self.client(BUYER)
        urls = self.urls(ids) + [('POST', f'/contracts/{self.ids.forward}'
                f'/calloffs/{ids.calloff}')]
        for method, url in urls:
            if not re.search(r'/\d+', url):
                continue
            with self.subTest(method=method, url=url):
                response = (client.submit(url, {'password':
                            PASSWORDS['buyer']}, token_from='/')
                    if method == 'POST' else client.get(client.base + url))
                self.assertEqual(response.status_code, 404)
        self.assertEqual(snapshot([self.ids.other, self.ids.o_forward]),
            before)
        self.assertNotIn(f'id="contract-{self.ids.other}"',
            self.page(client, '/contracts'))


class ContractPortalTestCase(ContractTests, SweepTests, ContractPortalCase):
    "One database for all"
