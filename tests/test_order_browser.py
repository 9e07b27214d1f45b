# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Cart, checkout and the order page in a real browser (Chromium via
Playwright), in Chinese, at phone (390 px) and desktop (1280 px) widths,
against a live server with the demo data; the supplier confirms and
ships.  No page is wider than the phone.  Screenshots go to
tests/artifacts/order-*.png.
"""

from live import WIDTHS, BrowserCase
from playwright.sync_api import expect


class OrderBrowserTestCase(BrowserCase):
    shots = 'order-'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sao = cls.server.rpc('admin', 'admin')

    def listings(self, count):
        "Published listings in stock of approved suppliers, MOQ and stock"
        ids = self.sao('s2b2b.listing', 'search', [
                ('state', '=', 'published'), ('in_stock', '=', True),
                ('supplier.state', '=', 'approved'),
                ('supplier.kind', '=', 'supplier'),
                ('price_from', '!=', None)], 0, 40, [('id', 'ASC')])
        found = []
        for listing in self.sao('s2b2b.listing', 'read', ids, [
                    'supplier', 'moq', 'order_multiple',
                    'available_quantity']):
            if listing['available_quantity'] >= 4 * max(
                    listing['moq'], 1) and listing['supplier'] not in {
                    f['supplier'] for f in found}:
                found.append(listing)
        return found[:count]

    def buyer(self):
        "An approved demo buyer with room in its approval limit"
        ids = self.sao('s2b2b.member', 'search', [('kind', '=', 'buyer'),
                ('state', '=', 'approved')], 0, 1, [('id', 'ASC')])
        self.sao('s2b2b.member', 'write', ids, {'approval_limit': {
                    '__class__': 'Decimal', 'decimal': '100000000'}})
        member, = self.sao('s2b2b.member', 'read', ids, ['party'])
        # Demo parties may have no address yet: the checkout needs one
        self.sao('party.address', 'create', [{'party': member['party'],
                    'street': "人民路 1 号", 'city': "苏州",
                    'postal_code': '215000'}])
        return self.admin_email(self.sao, ids[0])

    def test_cart_to_shipment(self):
        buyer_email = self.buyer()
        listings = self.listings(2)
        self.assertEqual(len(listings), 2)
        for width in WIDTHS:
            with self.subTest(width=width):
                self.story(width, buyer_email, listings)

    def story(self, width, buyer_email, listings):
        base = self.server.base_url
        buyer = self.page(width)
        self.login(buyer, buyer_email)
        for listing in listings:
            buyer.goto(f"{base}/catalog/{listing['id']}")
            expect(buyer.locator('#cart-quantity')).to_have_value(
                f"{listing['moq']:g}")
            self.assertNoOverflow(buyer, width)
            buyer.click('#add-cart')
            expect(buyer.locator('#cart-form')).to_be_visible()
        expect(buyer.locator('#nav-count-cart')).to_have_text('2')
        expect(buyer.locator('.supplier-group')).to_have_count(2)
        self.assertNoOverflow(buyer, width)
        self.shot(buyer, f'cart-{width}')
        buyer.fill('#reference', f'WEB-{width}')
        buyer.click('#checkout')
        expect(buyer.locator('#order-status')).to_be_visible()
        buyer.reload()
        expect(buyer.locator('#order-status')).to_have_attribute(
            'data-status', 'processing')
        expect(buyer.locator('.supplier-order')).to_have_count(2)
        self.assertNoOverflow(buyer, width)
        self.shot(buyer, f'order-{width}')
        order_url = buyer.url.split('?')[0]

        supplier = self.page(width)
        self.login(supplier, self.admin_email(
            self.sao, listings[0]['supplier']))
        supplier.goto(f'{base}/purchase-orders?state=quotation')
        supplier.locator('#purchases a').first.click()
        expect(supplier.locator('#purchase-state')).to_have_attribute(
            'data-state', 'quotation')
        self.assertNoOverflow(supplier, width)
        self.shot(supplier, f'supplier-order-{width}')
        supplier.click('#confirm')
        form = supplier.locator('form[id^="ship-"]').first
        expect(form).to_be_visible()
        form.locator('input[name="carrier"]').fill("顺丰速运")
        form.locator('input[name="tracking_number"]').fill(f'SF-{width}')
        self.assertNoOverflow(supplier, width)
        form.locator('button[type="submit"]').click()
        expect(supplier.locator('[id$="-tracking"]').first).to_contain_text(
            f'SF-{width}')
        self.shot(supplier, f'supplier-shipped-{width}')

        buyer.goto(order_url)
        expect(buyer.locator('.shipment[data-state="shipped"]')
            ).to_have_count(1)
        expect(buyer.locator('[id$="-tracking"]').first).to_contain_text(
            f'SF-{width}')
        self.assertNoOverflow(buyer, width)
        self.shot(buyer, f'order-shipped-{width}')
