# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Requirements, RFQs, quotations, bargaining and award in a real browser
(Chromium via Playwright), in Chinese, at phone (390 px) and desktop
(1280 px) widths, against a live server with the demo data.

A demo buyer writes a requirement, makes an RFQ of it to two demo
suppliers found by name and sends it; both quote, one revises; the buyer
counters, the supplier counters, the buyer accepts and awards.  No page
is wider than the phone (tables scroll in their own box).  Screenshots go
to tests/artifacts/procurement-*.png.
"""
import re

from live import WIDTHS, BrowserCase
from playwright.sync_api import expect


class ProcurementBrowserTestCase(BrowserCase):
    shots = 'procurement-'
    accept_dialogs = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer, = cls.demo_members('buyer', 1)
        cls.suppliers = cls.demo_members('supplier', 2)

    @classmethod
    def demo_members(cls, kind, count):
        "(id, Chinese name, admin e-mail) of approved demo members"
        sao = cls.server.rpc('admin', 'admin')
        ids = sao('s2b2b.member', 'search', [('kind', '=', kind),
                ('state', '=', 'approved')], 0, count, [('id', 'ASC')])
        return [(member['id'], member['rec_name'].split()[0],
                cls.admin_email(sao, member['id']))
            for member in sao('s2b2b.member', 'read', ids, ['rec_name'])]

    def test_requirement_to_award(self):
        for width in WIDTHS:
            with self.subTest(width=width):
                self.story(width)

    def story(self, width):
        buyer = self.page(width)
        self.login(buyer, self.buyer[2])
        rfq, line = self.make_rfq(buyer, width)
        first, second = self.suppliers
        self.quote(width, first, rfq, ['460', '455'])
        self.quote(width, second, rfq, ['470'])
        buyer.goto(f'{self.server.base_url}/rfqs/{rfq}')
        expect(buyer.locator('#comparison')).to_be_visible()
        expect(buyer.locator('#comparison [data-best-total]')).to_have_count(
            1)
        self.assertNoOverflow(buyer, width)
        self.shot(buyer, f'comparison-{width}')
        self.move(buyer, f'#supplier-{first[0]} .move-form', 'counter',
            '440')
        supplier = self.page(width)
        self.login(supplier, first[2])
        supplier.goto(f'{self.server.base_url}/invitations/{rfq}')
        expect(supplier.locator('#bargaining-started')).to_be_visible()
        self.move(supplier, '.move-form', 'counter', '450')
        self.assertNoOverflow(supplier, width)
        self.shot(supplier, f'supplier-bargaining-{width}')
        buyer.goto(f'{self.server.base_url}/rfqs/{rfq}')
        self.move(buyer, f'#supplier-{first[0]} .move-form', 'accept')
        expect(buyer.locator(f'#supplier-{first[0]} [id^="agreed-"]')
            ).to_be_visible()
        self.award(buyer, width, line, first)

    def make_rfq(self, page, width):
        "A requirement, approved at once, made into an RFQ and sent"
        base = self.server.base_url
        page.goto(base + '/requirements/new')
        page.fill('#title', "三号工地水泥采购")
        page.fill('#line-0-description', "普通硅酸盐水泥")
        # Choosing the category reloads the form with its specifications
        cement = page.locator('#line-0-category option', has_text="水泥")
        page.select_option('#line-0-category',
            cement.first.get_attribute('value'))
        expect(page.locator('#line-0-spec-grade')).to_be_visible()
        expect(page.locator('#title')).to_have_value("三号工地水泥采购")
        page.fill('#line-0-quantity', '200')
        page.fill('#line-0-target_price', '480')
        self.assertNoOverflow(page, width)
        self.shot(page, f'requirement-new-{width}')
        page.click('#save')
        expect(page.locator('#requirement-state')).to_have_attribute(
            'data-state', 'draft')
        page.click('#action-submit')
        expect(page.locator('#requirement-state')).to_have_attribute(
            'data-state', 'approved')
        expect(page.locator('.suggestion .reason').first).to_be_visible()
        self.assertNoOverflow(page, width)
        self.shot(page, f'requirement-{width}')
        page.click('#make-rfq')
        expect(page.locator('#rfq-form')).to_be_visible()
        rfq = int(re.search(r'/rfqs/(\d+)', page.url).group(1))
        for supplier_id, name, _email in self.suppliers:
            page.fill('#supplier_q', name)
            page.click('#search-suppliers')
            page.click(f'#invite-found-{supplier_id}')
            expect(page.locator('#invited .invited')).not_to_have_count(0)
        expect(page.locator('#invited .invited')).to_have_count(2)
        self.assertNoOverflow(page, width)
        self.shot(page, f'rfq-draft-{width}')
        page.click('#action-send')
        expect(page.locator('#rfq-state')).to_have_attribute(
            'data-state', 'open')
        line = int(page.locator('#rfq-lines tbody tr').first.get_attribute(
                'data-line'))
        return rfq, line

    def quote(self, width, supplier, rfq, prices):
        "The supplier quotes its prices in turn: each one a revision"
        page = self.page(width)
        self.login(page, supplier[2])
        page.goto(self.server.base_url + '/invitations')
        page.click(f'#invitation-{rfq}')
        for revision, price in enumerate(prices, 1):
            page.locator('input[name$="-price"]').first.fill(price)
            page.locator('input[name$="-lead_time"]').first.fill(
                str(3 + revision))
            page.fill('#freight', '300')
            page.click('#submit-quotation')
            expect(page.locator('#quotation-summary')).to_contain_text(
                f'第 {revision} 版')
        expect(page.locator('#revisions .revision')).to_have_count(
            len(prices))
        self.assertNoOverflow(page, width)
        self.shot(page, f'quotation-{len(prices)}-{width}')

    def move(self, page, form, action, price=None):
        "A bargaining move in the first move form of the selector"
        form = page.locator(form).first
        if price:
            form.locator('input[name="price"]').fill(price)
        form.locator(f'button[value="{action}"]').click()
        expect(page.locator('.alert-success')).to_be_visible()

    def award(self, page, width, line, supplier):
        "The line to the supplier who agreed; its contract is shown"
        select = page.locator(f'#award-{line}')
        value = select.locator('option', has_text=supplier[1]).get_attribute(
            'value')
        select.select_option(value)
        page.click('#award')
        expect(page.locator('#rfq-state')).to_have_attribute(
            'data-state', 'awarded')
        expect(page.locator('#contracts .contract')).to_have_count(1)
        self.assertNoOverflow(page, width)
        self.shot(page, f'awarded-{width}')
