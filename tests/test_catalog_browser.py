# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The buyer catalog in a real browser (Chromium via Playwright).

A demo buyer searches, filters, opens a listing and compares two, at
phone (390 px) and desktop (1280 px) widths, against a live server with
the demo data; a demo supplier imports a small CSV file.  Screenshots go
to tests/artifacts/catalog-*.png.
"""
import csv
import io
import re
import urllib.request

from live import ARTIFACTS, WIDTHS, BrowserCase
from playwright.sync_api import expect


class CatalogBrowserTestCase(BrowserCase):
    shots = 'catalog-'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.demo_login('buyer')
        cls.supplier = cls.demo_login('supplier')

    @classmethod
    def demo_login(cls, kind):
        "The e-mail of an approved demo member's administrator"
        sao = cls.server.rpc('admin', 'admin')
        member_ids = sao('s2b2b.member', 'search', [
                ('kind', '=', kind), ('state', '=', 'approved')],
            0, None, [('id', 'ASC')])
        user_ids = sao('web.user', 'search', [
                ('s2b2b_member', 'in', member_ids),
                ('s2b2b_roles', 'in', ['admin'])], 0, 1, [('id', 'ASC')])
        user, = sao('web.user', 'read', user_ids, ['email'])
        return user['email']

    def test_operator_review(self):
        "An operator publishes a submitted listing in sao; buyers find it"
        sao = self.server.rpc('admin', 'admin')
        ids = sao('s2b2b.listing', 'search', [('state', '=', 'submitted')],
            0, 1, [('id', 'ASC')])
        self.assertTrue(ids, "the demo has listings waiting for review")
        sao('s2b2b.listing', 'publish', ids)
        listing, = sao('s2b2b.listing', 'read', ids, ['state', 'name'])
        self.assertEqual(listing['state'], 'published')
        page = self.page('desktop')
        self.login(page, self.buyer)
        response = page.goto(
            f'{self.server.base_url}/catalog/{ids[0]}')
        self.assertEqual(response.status, 200)
        expect(page.locator('#listing-name')).to_be_visible()

    def search(self, page, query):
        page.fill('#q', query)
        page.click('#search')
        expect(page).to_have_url(re.compile(r'/catalog\?'))
        expect(page.locator('#results .listing-card').first).to_be_visible()
        return page.locator('#results .listing-card').count()

    def open_filters(self, page):
        "On a phone the filters slide in from the side"
        toggle = page.locator('#filters-toggle')
        if toggle.is_visible():
            toggle.click()
            expect(page.locator('#filters')).to_have_class(
                re.compile(r'\bshow\b'))

    def test_search_filter_open_compare(self):
        for width in WIDTHS:
            with self.subTest(width=width):
                page = self.page(width)
                self.login(page, self.buyer)
                page.goto(self.server.base_url + '/catalog')
                expect(page.locator('#search-form')).to_be_visible()
                self.assertGreater(self.search(page, '水泥'), 0)
                self.assertNoOverflow(page, width)
                self.shot(page, f'search-zh-{width}')
                self.assertGreater(self.search(page, 'shuini'), 0)
                self.filter(page, width)
                self.open_listing(page, width)
                self.compare(page, width)

    def filter(self, page, width):
        "A category, then a price range, through the filter panel"
        self.open_filters(page)
        self.shot(page, f'filters-open-{width}')
        page.locator('#categories [data-category]').first.click()
        expect(page).to_have_url(re.compile(r'category=\d+'))
        self.open_filters(page)
        page.fill('#price_min', '1')
        page.fill('#price_max', '100000')
        page.click('#apply-filters')
        expect(page).to_have_url(re.compile(r'price_max=100000'))
        expect(page.locator('#results .listing-card').first).to_be_visible()
        self.assertNoOverflow(page, width)
        self.shot(page, f'filtered-{width}')

    def open_listing(self, page, width):
        page.locator('#results .listing-name').first.click()
        expect(page.locator('#listing-name')).to_be_visible()
        expect(page.locator('#tiers tbody tr').first).to_be_visible()
        self.assertNoOverflow(page, width)
        self.shot(page, f'listing-{width}')
        page.go_back()

    def compare(self, page, width):
        checks = page.locator('#results .compare-check')
        checks.nth(0).check()
        checks.nth(1).check()
        page.click('#compare')
        expect(page.locator('#comparison')).to_be_visible()
        expect(page.locator('#comparison th[data-listing]')).to_have_count(2)
        self.assertNoOverflow(page, width)
        self.shot(page, f'compare-{width}')

    def test_english_catalog(self):
        page = self.page('desktop')
        self.login(page, self.buyer)
        page.click('#lang-en')
        page.goto(self.server.base_url + '/catalog')
        self.assertGreater(self.search(page, 'cement'), 0)
        expect(page.locator('#search')).to_have_text('Search')
        self.shot(page, 'search-en-desktop')

    def test_supplier_imports_csv(self):
        "A supplier uploads the English CSV template's example row"
        page = self.page('phone')
        self.login(page, self.supplier)
        page.goto(self.server.base_url + '/listings/import')
        href = page.locator('#template-csv-en').get_attribute('href')
        template = page.request.get(
            urllib.request.urljoin(page.url, href)).text()
        path = ARTIFACTS / 'catalog-import.csv'
        path.write_text(import_csv(template), encoding='utf-8')
        page.set_input_files('#file', str(path))
        page.click('#start-import')
        expect(page.locator('#import-state')).to_be_visible()
        expect(page.locator('#import-state')).to_have_attribute(
            'data-state', 'done', timeout=60000)
        self.assertNoOverflow(page, 'phone')
        self.shot(page, 'import-phone')
        sao = self.server.rpc('admin', 'admin')
        self.assertEqual(sao('s2b2b.listing', 'search_count',
                [('reference', '=', 'BROWSER-1'),
                    ('name', '=', '浏览器测试水泥')]), 1)


def import_csv(template):
    "The template's example rows under a new reference and name"
    rows = list(csv.reader(io.StringIO(template.lstrip('\ufeff'))))
    header, examples = rows[0], rows[1:2]
    for row in examples:
        row[header.index('Reference')] = 'BROWSER-1'
        row[header.index('Name')] = '浏览器测试水泥'
    out = io.StringIO()
    csv.writer(out).writerows([header, *examples])
    return out.getvalue()
