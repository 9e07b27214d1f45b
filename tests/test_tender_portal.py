# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Tender pages: a buyer writes and publishes a tender, suppliers bid
sealed, an operator opens, the buyer reads the ranking and awards whole
or split; bids unreadable through the portal before the opening; bad
input; the tenant sweep"""
import datetime as dt
import re
from types import SimpleNamespace

from common import (
    ERROR_RE, PASSWORD, DatabaseTestCase, PortalPages, RouteSweep, committed)

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.s2b2b_procurement.tests.tender_tools import (
    content, create_tender, make_bid, open_tender, setup)
from trytond.pool import Pool

# Portal routes (relative to /<database_name>/portal) this file sweeps
ROUTES = {
    '/tenders', '/tenders/new', '/tenders/<record_id>',
    '/tenders/<record_id>/<action>', '/tenders/<record_id>/invitations',
    '/tenders/<record_id>/invitations/<invitation_id>/delete',
    '/tenders/<record_id>/award', '/tenders/<record_id>/bids/<bid_id>',
    '/tender-invitations', '/tender-invitations/<record_id>',
    '/tender-invitations/<record_id>/bid',
    '/tender-invitations/<record_id>/withdraw',
    }
# tender_tools.setup: suppliers 1-4 (a-d), buyer 5, other buyer 6
A, B, C = 'user0@1.example.com', 'user0@2.example.com', 'user0@3.example.com'
BUYER, OTHER = 'user0@5.example.com', 'user0@6.example.com'


def _setup():
    pool = Pool()
    WebUser = pool.get('web.user')
    with set_company(create_company()):
        data = setup()
        WebUser.write(WebUser.search([]),
            {'password_hash': WebUser.hash_password(PASSWORD)})
        # the other buyer's tender to B, bid on by B
        other = create_tender(data, suppliers='b', buyer='other_buyer')
        bid = make_bid(other, data['b'], content(other, ['10', '20'], 10))
        draft = create_tender(data, suppliers='b', buyer='other_buyer',
            publish=False)
    return SimpleNamespace(**{k: v.id for k, v in data.items()
            if k != 'catalog'}, o_tender=other.id, o_bid=bid.id,
        o_draft=draft.id, o_invitation=draft.invitations[0].id,
        unit=pool.get('ir.model.data').get_id('product', 'uom_unit'))


def read(model, record_id, *fields):
    def get():
        record = Pool().get(model)(record_id)
        values = [getattr(record, f) for f in fields]
        return values[0] if len(values) == 1 else values
    return committed(get)


def lines_of(tender):
    return committed(lambda: [l.id for l in
            Pool().get('s2b2b.tender')(tender).lines])


def open_bids(tender):
    "An operator opens the tender's bids after the opening time"
    committed(lambda: open_tender(Pool().get('s2b2b.tender')(tender)))


def snapshot(*member_ids):
    "Everything of members the tender pages could change"
    def get():
        pool = Pool()
        Tender = pool.get('s2b2b.tender')
        Bid = pool.get('s2b2b.tender.bid')
        Contract = pool.get('s2b2b.contract')
        return (
            [(t.id, t.title, t.state, len(t.lines), len(t.invitations),
                    len(t.awards), t.cancel_reason)
                for t in Tender.search([('buyer', 'in', member_ids)],
                    order=[('id', 'ASC')])],
            [(b.id, b.state, b.digest) for b in Bid.search(['OR',
                        ('supplier', 'in', member_ids),
                        ('tender.buyer', 'in', member_ids)],
                    order=[('id', 'ASC')])],
            Contract.search(['OR', ('supplier', 'in', member_ids),
                    ('buyer', 'in', member_ids)], count=True))
    return committed(get)


def in_days(days):
    moment = dt.datetime.now() + dt.timedelta(days=days)
    return moment.strftime('%Y-%m-%dT%H:%M')


class TenderPortalCase(PortalPages, DatabaseTestCase):
    email = BUYER

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def tender_form(self, title="2026 钢筋招标", **extra):
        return {'title': title, 'description': "三号工地",
            'deadline': in_days(2), 'opening_time': in_days(2.05),
            'scope': 'invited', 'category': '',
            'weight_price': '60', 'weight_lead_time': '20',
            'weight_supplier': '10', 'weight_carbon': '10',
            'line-0-id': '', 'line-0-description': "螺纹钢 HRB400",
            'line-0-quantity': '100', 'line-0-uom': str(self.ids.unit),
            'line-0-ceiling_price': '', 'line-0-specs': "Φ16",
            'line-1-id': '', 'line-1-description': "盘螺",
            'line-1-quantity': '50', 'line-1-uom': str(self.ids.unit),
            'line-1-ceiling_price': '30', 'line-1-specs': '', **extra}

    def published(self, client, suppliers=('a', 'b')):
        "A new tender invited to the suppliers and published"
        response = self.post(client, '/tenders/new', self.tender_form())
        tender = int(re.search(r'/tenders/(\d+)',
                response.headers['Location']).group(1))
        for supplier in suppliers:
            self.post(client, f'/tenders/{tender}/invitations',
                {'supplier': str(getattr(self.ids, supplier))})
        self.post(client, f'/tenders/{tender}/publish', {})
        return tender

    def bid(self, email, tender, prices, lead_time='10', action='submit',
            status=302, carbon=('', '')):
        data = {'lead_time': lead_time, 'notes': "含税", 'action': action}
        for line, price, kg in zip(lines_of(tender), prices, carbon):
            data[f'b-{line}-price'] = price
            data[f'b-{line}-carbon'] = kg
        return self.post(self.client(email), f'/tender-invitations/{tender}'
            '/bid', data, status=status)


class TenderTests:

    def test_write_publish(self):
        "The buyer writes a tender, invites, publishes; then it is fixed"
        client = self.client()
        response = self.post(client, '/tenders/new', self.tender_form())
        tender = int(re.search(r'/tenders/(\d+)',
                response.headers['Location']).group(1))
        lines = committed(lambda: [(l.description, l.quantity,
                    l.ceiling_price, l.specs) for l in
                Pool().get('s2b2b.tender')(tender).lines])
        self.assertEqual([l[:2] for l in lines],
            [("螺纹钢 HRB400", 100), ("盘螺", 50)])
        self.assertEqual(lines[1][2], 30)
        page = self.page(client, f'/tenders/{tender}?supplier_q=供应商')
        self.assertIn(f'id="invite-{self.ids.a}"', page)
        self.assertNotIn(f'id="invite-{self.ids.buyer}"', page)
        # publishing without suppliers is refused, in words
        self.refused(client, f'/tenders/{tender}/publish', {})
        self.assertEqual(read('s2b2b.tender', tender, 'state'), 'draft')
        self.post(client, f'/tenders/{tender}/invitations',
            {'supplier': str(self.ids.a)})
        self.post(client, f'/tenders/{tender}/publish', {})
        self.assertEqual(read('s2b2b.tender', tender, 'state'), 'published')
        page = self.page(client, f'/tenders/{tender}')
        self.assertIn('id="sealed-info"', page)
        self.assertIn("0 bids submitted", page)
        # published: no more changes, no more invitations
        self.refused(client, f'/tenders/{tender}',
            self.tender_form(title="改"))
        self.refused(client, f'/tenders/{tender}/invitations',
            {'supplier': str(self.ids.b)})
        self.assertEqual(read('s2b2b.tender', tender, 'title'),
            "2026 钢筋招标")
        page = self.page(self.client(), '/tenders?state=published')
        self.assertIn(f'id="tender-{tender}"', page)

    def test_bad_input(self):
        "Bad weights, times and lines: clear errors, nothing saved"
        client = self.client()
        before = snapshot(self.ids.buyer)
        for changes in [{'weight_price': '70'}, {'weight_carbon': 'abc'},
                {'opening_time': in_days(1)}, {'title': ''},
                {'deadline': ''}, {'line-0-quantity': '-3'},
                {'line-1-uom': 'x'}, {'scope': 'category'}]:
            with self.subTest(changes=changes):
                error = self.refused(client, '/tenders/new',
                    self.tender_form(**changes))
                self.assertNotIn('Traceback', error)
        self.assertIn("100", self.refused(client, '/tenders/new',
                self.tender_form(weight_price='70')))
        self.assertEqual(snapshot(self.ids.buyer), before)
        page = self.page(self.client(lang='zh_CN'), '/tenders/new')
        self.assertIn("开标时间", page)

    def test_sealed_bids(self):
        """Suppliers save then submit sealed bids; nobody reads them
        through the portal before the opening; no change after"""
        tender = self.published(self.client())
        line = lines_of(tender)[0]
        self.bid(A, tender, ['8.5', '25'], action='save')
        a = self.client(A)
        page = self.page(a, f'/tender-invitations/{tender}')
        self.assertIn('value="8.5000"', page)
        self.assertIn('data-state="draft"', page)
        # a price above the ceiling is refused with the line's name
        error = self.refused(a, f'/tender-invitations/{tender}/bid', {
                'lead_time': '10', f'b-{lines_of(tender)[1]}-price': '31',
                f'b-{line}-price': '8'})
        self.assertIn("盘螺", error)
        self.bid(A, tender, ['8.5', '25'])
        page = self.page(a, f'/tender-invitations/{tender}')
        self.assertIn('id="bid-sealed"', page)
        self.assertIn('data-state="submitted"', page)
        self.assertNotIn('8.5', page)
        self.assertNotIn('id="bid-form"', page)
        # the submitted bid cannot be changed: a translated refusal
        digest = committed(lambda: Pool().get('s2b2b.tender.bid').search(
                [('tender', '=', tender)])[0].digest)
        error = self.refused(a, f'/tender-invitations/{tender}/bid', {
                'lead_time': '5', f'b-{line}-price': '1'})
        self.assertIn("submitted", error)
        zh = self.client(A, lang='zh_CN')
        response = zh.submit(f'/tender-invitations/{tender}/bid', {
                'lead_time': '5', f'b-{line}-price': '1'}, token_from='/')
        self.assertEqual(response.status_code, 400)
        self.assertRegex(ERROR_RE.search(response.get_data(as_text=True))
            .group(1), r'[\u4e00-\u9fff]')
        self.assertEqual(committed(lambda: Pool().get('s2b2b.tender.bid')
                .search([('tender', '=', tender)])[0].digest), digest)
        # the buyer sees how many bid, never a price or the bid itself
        self.bid(B, tender, ['9', '24'], lead_time='20')
        client = self.client()
        page = self.page(client, f'/tenders/{tender}')
        self.assertIn("2 bids submitted", page)
        for text in ['8.5', '24.00', 'id="ranking"']:
            self.assertNotIn(text, page)
        bids = committed(lambda: [b.id for b in Pool().get(
                    's2b2b.tender.bid').search([('tender', '=', tender)])])
        for bid in bids:
            self.page(client, f'/tenders/{tender}/bids/{bid}', status=404)
        # a supplier not invited does not see the tender
        self.page(self.client(C), f'/tender-invitations/{tender}',
            status=404)
        self.assertNotIn(f'tender-invitation-{tender}"',
            self.page(self.client(C), '/tender-invitations?show=all'))

    def test_open_rank_split_award(self):
        "Once opened: the ranking, each bid, a split award, the results"
        client = self.client()
        tender = self.published(client, suppliers='abc')
        cement, cable = lines_of(tender)
        self.bid(A, tender, ['10', '20'], carbon=('2', '4'))
        self.bid(B, tender, ['9', '24'], lead_time='20')
        self.bid(C, tender, ['12', '18'], lead_time='5', carbon=('1', '2'))
        open_bids(tender)
        page = self.page(client, f'/tenders/{tender}')
        ranks = re.findall(r'class="bid-row" id="bid-(\d+)" data-rank="(\d)"',
            page)
        self.assertEqual([r for _b, r in ranks], ['1', '2', '3'])
        bids = {committed(lambda b=b: Pool().get('s2b2b.tender.bid')(
                    int(b)).supplier.id): int(b) for b, _r in ranks}
        # the split suggestion is filled in: cement to B, cable to C
        self.assertRegex(page, rf'id="award-{cement}-{bids[self.ids.b]}"'
            r'[^>]*value="100"')
        self.assertRegex(page, rf'id="award-{cable}-{bids[self.ids.c]}"'
            r'[^>]*value="50"')
        bid_page = self.page(client,
            f'/tenders/{tender}/bids/{bids[self.ids.a]}')
        self.assertIn('2,000.00', bid_page)
        # over the line's quantity: refused, nothing awarded
        self.refused(client, f'/tenders/{tender}/award', {
                f'award-{cement}-{bids[self.ids.a]}': '100',
                f'award-{cement}-{bids[self.ids.b]}': '60'})
        self.refused(client, f'/tenders/{tender}/award', {})
        self.assertEqual(read('s2b2b.tender', tender, 'state'), 'opened')
        self.post(client, f'/tenders/{tender}/award', {
                f'award-{cement}-{bids[self.ids.a]}': '40',
                f'award-{cement}-{bids[self.ids.b]}': '60',
                f'award-{cable}-{bids[self.ids.c]}': '50'})
        self.assertEqual(read('s2b2b.tender', tender, 'state'), 'awarded')
        contracts = committed(lambda: [(c.supplier.id, c.total)
                for c in Pool().get('s2b2b.contract').search(
                    [('origin', '=', f's2b2b.tender,{tender}')],
                    order=[('id', 'ASC')])])
        self.assertEqual(contracts, [(self.ids.a, 400), (self.ids.b, 540),
                (self.ids.c, 900)])
        self.assertIn('id="contracts"', self.page(client,
                f'/tenders/{tender}'))
        page = self.page(self.client(C), f'/tender-invitations/{tender}')
        self.assertIn('id="awarded-to-you"', page)
        self.assertIn('id="bid-rank"', page)
        self.assertNotIn("螺纹钢 HRB400 · 40", page)

    def test_award_whole_and_withdraw(self):
        "A bid withdrawn before the deadline; the tender awarded whole"
        client = self.client()
        tender = self.published(client)
        self.bid(A, tender, ['10', '20'])
        a = self.client(A)
        self.post(a, f'/tender-invitations/{tender}/withdraw', {})
        self.refused(a, f'/tender-invitations/{tender}/withdraw', {})
        self.bid(A, tender, ['11', '21'])
        self.bid(B, tender, ['9', '24'])
        open_bids(tender)
        bid = committed(lambda: Pool().get('s2b2b.tender.bid').search([
                    ('tender', '=', tender), ('supplier', '=', self.ids.a),
                    ('state', '=', 'submitted')])[0].id)
        self.post(client, f'/tenders/{tender}/award', {'bid': str(bid)})
        contracts = committed(lambda: [(c.supplier.id, c.total)
                for c in Pool().get('s2b2b.contract').search(
                    [('origin', '=', f's2b2b.tender,{tender}')])])
        self.assertEqual(contracts, [(self.ids.a, 2150)])
        self.assertIn('id="not-awarded"', self.page(self.client(B),
                f'/tender-invitations/{tender}'))

    def test_cancel_needs_reason(self):
        client = self.client()
        tender = self.published(client)
        self.refused(client, f'/tenders/{tender}/cancel', {'reason': ' '})
        self.post(client, f'/tenders/{tender}/cancel', {'reason': "预算取消"})
        self.assertEqual(read('s2b2b.tender', tender, 'state', 'cancel_reason'),
            ['cancelled', "预算取消"])


class SweepTests(RouteSweep):
    "Every route: nobody goes to the login, others' ids answer 404"
    routes = ROUTES
    route_re = r'/(tenders|tender-invitations)\b'

    def urls(self, ids):
        return [
            ('GET', '/tenders'), ('GET', '/tenders/new'),
            ('POST', '/tenders/new'),
            ('GET', f'/tenders/{ids.draft}'), ('POST', f'/tenders/{ids.draft}'),
            ('GET', f'/tenders/{ids.tender}'),
            *[('POST', f'/tenders/{ids.draft}/{action}')
                for action in ['publish', 'cancel']],
            ('POST', f'/tenders/{ids.tender}/cancel'),
            ('POST', f'/tenders/{ids.draft}/invitations'),
            ('POST', f'/tenders/{ids.draft}/invitations/{ids.invitation}'
                '/delete'),
            ('POST', f'/tenders/{ids.tender}/award'),
            ('GET', f'/tenders/{ids.tender}/bids/{ids.bid}'),
            ('GET', '/tender-invitations'),
            ('GET', f'/tender-invitations/{ids.tender}'),
            ('POST', f'/tender-invitations/{ids.tender}/bid'),
            ('POST', f'/tender-invitations/{ids.tender}/withdraw'),
            ]

    def foreign_ids(self):
        ids = self.ids
        return SimpleNamespace(tender=ids.o_tender, draft=ids.o_draft,
            bid=ids.o_bid, invitation=ids.o_invitation)

    def test_foreign_ids(self):
        """The buyer gets 404 for the other buyer's tenders, supplier A
        (not invited) for B's invitations; nothing changes"""
        members = (self.ids.other_buyer, self.ids.b)
        before = snapshot(*members)
        clients = {'buyer': self.client(BUYER), 'a': self.client(A)}
        form = {**self.tender_form(), 'supplier': str(self.ids.a),
            'reason': "越权", 'bid': str(self.ids.o_bid), 'lead_time': '3',
            f'award-1-{self.ids.o_bid}': '1'}
        for method, url in self.urls(self.foreign_ids()):
            if not re.search(r'/\d+', url):
                continue
            kind = 'a' if url.startswith('/tender-invitations') else 'buyer'
            with self.subTest(method=method, url=url):
                client = clients[kind]
                response = (client.submit(url, form, token_from='/')
                    if method == 'POST' else client.get(client.base + url))
                self.assertEqual(response.status_code, 404)
        # B, invited and bidding, does not reach the buyer's pages
        b = self.client(B)
        for url in [f'/tenders/{self.ids.o_tender}',
                f'/tenders/{self.ids.o_tender}/bids/{self.ids.o_bid}']:
            self.page(b, url, status=403)
        self.assertEqual(snapshot(*members), before)

    def test_lists_show_own_only(self):
        for email, path in [(BUYER, '/tenders'),
                (A, '/tender-invitations?show=all')]:
            with self.subTest(email=email, path=path):
                page = self.page(self.client(email), path)
                self.assertNotIn(f'-{self.ids.o_tender}"', page)


class TenderPortalTestCase(TenderTests, SweepTests, TenderPortalCase):
    "One database for all: the other buyer's records stay untouched"
