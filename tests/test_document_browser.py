# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Tender to signed contract in a real browser (Chromium via Playwright),
in Chinese, at phone (390 px) and desktop (1280 px) widths, against a
live server with the demo data.

A demo buyer's tender (written by an operator through the back office's
RPC, to keep the bid deadline short) goes to two demo suppliers; both
bid sealed in the portal; once the opening time passed an operator opens
the bids; the buyer reads the ranking and awards the best bid; an
operator prepares the contract; buyer and supplier sign with their
passwords; the verification page names both signatures.  Screenshots
go to tests/artifacts/document-*.png.
"""
import datetime as dt
import time

from live import DEMO_PASSWORD, WIDTHS, BrowserCase
from playwright.sync_api import expect

# Time the two suppliers have to bid in the browser
BIDDING = dt.timedelta(seconds=75)


def rpc_datetime(value):
    return {'__class__': 'datetime', 'year': value.year,
        'month': value.month, 'day': value.day, 'hour': value.hour,
        'minute': value.minute, 'second': value.second, 'microsecond': 0}


class DocumentBrowserTestCase(BrowserCase):
    shots = 'document-'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sao = cls.server.rpc('admin', 'admin')
        cls.buyer, = cls.demo_members('buyer', 1)
        cls.suppliers = cls.demo_members('supplier', 2)

    @classmethod
    def demo_members(cls, kind, count):
        "(id, admin e-mail) of approved demo members"
        ids = cls.sao('s2b2b.member', 'search', [('kind', '=', kind),
                ('state', '=', 'approved')], 0, count, [('id', 'ASC')])
        return [(member, cls.admin_email(cls.sao, member)) for member in ids]

    def published_tender(self, width):
        "A tender of the buyer to both suppliers, bids due shortly"
        unit, = self.sao('product.uom', 'search', [('symbol', '=', 'u')],
            0, 1, None)
        currency, = self.sao('currency.currency', 'search',
            [('code', '=', 'CNY')], 0, 1, None)
        deadline = dt.datetime.now().replace(microsecond=0) + BIDDING
        tender, = self.sao('s2b2b.tender', 'create', [{
                    'buyer': self.buyer[0], 'currency': currency,
                    'title': f"浏览器招标 {width}",
                    'deadline': rpc_datetime(deadline),
                    'opening_time': rpc_datetime(deadline),
                    'lines': [['create', [{'description': "螺纹钢 HRB400",
                                    'quantity': 100, 'unit': unit},
                                {'description': "盘螺", 'quantity': 20,
                                    'unit': unit}]]],
                    'invitations': [['create', [{'supplier': s}
                                for s, _email in self.suppliers]]],
                    }])
        self.sao('s2b2b.tender', 'publish', [tender])
        return tender, deadline

    def test_tender_to_signed_contract(self):
        for width in WIDTHS:
            with self.subTest(width=width):
                self.story(width)

    def story(self, width):
        tender, deadline = self.published_tender(width)
        suppliers = []
        for (_member, email), prices in zip(self.suppliers,
                [['4100', '4200'], ['4300', '4250']]):
            supplier = self.page(width)
            self.login(supplier, email)
            self.bid(supplier, width, tender, prices)
            suppliers.append(supplier)
        wait = (deadline - dt.datetime.now()).total_seconds() + 2
        if wait > 0:
            time.sleep(wait)
        self.sao('s2b2b.tender', 'open', [tender])

        buyer = self.page(width)
        self.login(buyer, self.buyer[1])
        buyer.goto(f'{self.server.base_url}/tenders/{tender}')
        expect(buyer.locator('#ranking .bid-row')).to_have_count(2)
        self.assertNoOverflow(buyer, width)
        self.shot(buyer, f'ranking-{width}')
        buyer.locator('#ranking .bid-row[data-rank="1"] button').click()
        expect(buyer.locator('#tender-state')).to_have_attribute(
            'data-state', 'awarded')
        contract, = self.sao('s2b2b.contract', 'search',
            [('origin', '=', f's2b2b.tender,{tender}')], 0, None, None)
        self.sao('s2b2b.contract', 'prepare', [contract])

        self.sign(buyer, width, contract, 'buyer')
        awarded, = self.sao('s2b2b.contract', 'read', [contract],
            ['supplier'])
        winner = suppliers[[m for m, _e in self.suppliers].index(
                awarded['supplier'])]
        self.sign(winner, width, contract, 'supplier')
        winner.click('#verify')
        expect(winner.locator('#valid')).to_be_visible()
        expect(winner.locator('.verified-signature[data-valid="true"]')
            ).to_have_count(2)
        self.assertNoOverflow(winner, width)
        self.shot(winner, f'verification-{width}')

    def bid(self, page, width, tender, prices):
        page.goto(f'{self.server.base_url}/tender-invitations/{tender}')
        inputs = page.locator('#bid-form input[name$="-price"]')
        for index, price in enumerate(prices):
            inputs.nth(index).fill(price)
        page.fill('#lead_time', '7')
        self.assertNoOverflow(page, width)
        self.shot(page, f'bid-{width}')
        page.click('#submit-bid')
        expect(page.locator('#bid-sealed')).to_be_visible()
        expect(page.locator('#bid-state')).to_have_attribute(
            'data-state', 'submitted')

    def sign(self, page, width, contract, side):
        page.goto(f'{self.server.base_url}/contracts/{contract}')
        page.fill('#password', 'not-my-password')
        page.click('#sign')
        expect(page.locator('#error')).to_be_visible()
        page.fill('#password', DEMO_PASSWORD)
        self.shot(page, f'sign-{side}-{width}')
        page.click('#sign')
        expect(page.locator(f'.signature[data-role="{side}"]')
            ).to_be_visible()
        self.assertNoOverflow(page, width)
