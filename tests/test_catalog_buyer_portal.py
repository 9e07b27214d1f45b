# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Catalog pages of buyers: search, filters, listing, compare, favourites"
import re
from types import SimpleNamespace

from common import PASSWORD, DatabaseTestCase, PortalClient, committed

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.s2b2b_catalog.tests.tools import (
    create_catalog, create_listing)
from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member)
from trytond.pool import Pool

# Portal routes (relative to /<database_name>/portal) this file sweeps
ROUTES = {
    '/catalog',
    '/catalog/<record_id>',
    '/catalog/<record_id>/image/<media_id>',
    '/catalog/compare',
    '/catalog/<record_id>/favourite',
    '/favourites',
    }
PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01'
    b'\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f'
    b'\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82')
CARD_RE = re.compile(r'<article class="card h-100 listing-card" '
    r'id="listing-(\d+)"')
EXTRA = 22  # cables beyond the first page of 20 results


def _setup():
    pool = Pool()
    WebUser = pool.get('web.user')
    create_document_types()
    with set_company(create_company()):
        supplier = create_member("江苏建材 Jiangsu Building", 1,
            kind='supplier')
        other = create_member("浙江电气 Zhejiang Electric", 2,
            kind='supplier')
        buyer = create_member("深圳华辰 Huachen", 3, kind='buyer')
        create_member("北京采购 Beijing Buying", 4, kind='buyer')
        WebUser.write(WebUser.search([]),
            {'password_hash': WebUser.hash_password(PASSWORD)})
        catalog = create_catalog()
        ids = _listings(supplier, other, catalog)
    return SimpleNamespace(buyer=buyer.id, **ids,
        cement=catalog.cement.id, building=catalog.building.id,
        cable=catalog.cable.id)


def _listings(supplier, other, catalog):
    cement = create_listing(supplier, catalog.cement, name="普通硅酸盐水泥",
        name_en="Portland Cement", specs={'grade': '42.5', 'bag_weight': 50},
        province='JS', lead_time=3, carbon_footprint=620,
        tiers=((1, '500'), (10, '450')),
        media=[('create', [{'kind': 'image', 'image': PNG,
                            'filename': 'c.png'}])],
        services=[('create', [{'kind': 'installation',
                            'description': "送货上门"}])])
    strong = create_listing(supplier, catalog.cement, name="高标号水泥",
        name_en="High Grade Cement", specs={'grade': '52.5'},
        province='ZJ', lead_time=10, carbon_footprint=700,
        available_quantity=0, tiers=((1, '600'), (100, '380')))
    cables = [create_listing(other, catalog.cable, name=f"铜芯电缆 {i}",
            name_en=f"Copper Cable {i}", specs={'voltage': 220},
            province='GD', lead_time=20, tiers=((1, str(50 + i)),))
        for i in range(EXTRA)]
    hidden = {state: create_listing(supplier, catalog.cement,
            name=f"隐藏水泥 {state}", state=state).id
        for state in ['draft', 'submitted', 'delisted']}
    return {'portland': cement.id, 'strong': strong.id,
        'image': cement.media[0].id, 'cables': [c.id for c in cables],
        'hidden': hidden, 'own_draft': hidden['draft']}


class CatalogBuyerTestCase(DatabaseTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def client(self, email='user0@3.example.com', lang='en'):
        client = PortalClient()
        client.get(f'{client.base}/lang/{lang}')
        if email:
            self.assertEqual(client.login(email).status_code, 302)
        return client

    def page(self, client, path, status=200):
        response = client.get(client.base + path)
        self.assertEqual(response.status_code, status, path)
        return response.get_data(as_text=True)

    def found(self, client, path):
        return [int(i) for i in CARD_RE.findall(self.page(client, path))]

    def test_search_chinese_pinyin_english(self):
        client = self.client()
        for query in ['水泥', 'shuini', 'sn', 'cement']:
            with self.subTest(query=query):
                found = self.found(client, f'/catalog?q={query}')
                self.assertIn(self.ids.portland, found)
                self.assertIn(self.ids.strong, found)
                self.assertFalse(set(found) & set(self.ids.cables))

    def test_names_in_language(self):
        page = self.page(self.client(lang='en'), '/catalog?q=cement')
        self.assertIn('Portland Cement', page)
        page = self.page(self.client(lang='zh_CN'), '/catalog?q=cement')
        self.assertIn('普通硅酸盐水泥', page)
        self.assertNotIn('Portland Cement', page)

    def test_category_includes_sub_categories(self):
        found = self.found(self.client(),
            f'/catalog?category={self.ids.building}')
        self.assertEqual(set(found), {self.ids.portland, self.ids.strong})

    def test_spec_filter(self):
        client = self.client()
        page = self.page(client, f'/catalog?category={self.ids.cement}')
        self.assertIn('id="spec_grade"', page)
        found = self.found(client,
            f'/catalog?category={self.ids.cement}&spec_grade=52.5')
        self.assertEqual(found, [self.ids.strong])

    def test_price_range_at_quantity(self):
        client = self.client()
        # At 1 unit the strong cement costs 600, at 100 units 380
        found = self.found(client, '/catalog?q=cement&price_max=400')
        self.assertEqual(found, [])
        found = self.found(client,
            '/catalog?q=cement&price_max=400&quantity=100')
        self.assertEqual(found, [self.ids.strong])
        found = self.found(client,
            '/catalog?q=cement&price_min=420&quantity=100')
        self.assertEqual(found, [self.ids.portland])

    def test_bad_filter_is_ignored_with_notice(self):
        client = self.client()
        response = client.get(client.base
            + '/catalog?q=cement&price_max=abc&lead_time_max=x&category=zz'
            '&page=-3&sort=evil')
        self.assertEqual(response.status_code, 200)
        page = response.get_data(as_text=True)
        self.assertEqual(page.count('data-notice="filter"'), 3)
        self.assertEqual(set(int(i) for i in CARD_RE.findall(page)),
            {self.ids.portland, self.ids.strong})

    def test_province_stock_and_sort(self):
        client = self.client()
        self.assertEqual(self.found(client, '/catalog?q=cement&province=ZJ'),
            [self.ids.strong])
        # The other provinces stay offered with their counts
        self.assertIn('data-count="province-JS">(1)',
            self.page(client, '/catalog?q=cement&province=ZJ'))
        self.assertEqual(set(self.found(client,
                    '/catalog?q=cement&province=ZJ&province=JS')),
            {self.ids.portland, self.ids.strong})
        self.assertEqual(self.found(client, '/catalog?q=cement&in_stock=1'),
            [self.ids.portland])
        self.assertEqual(self.found(client, '/catalog?q=cement&sort=price'),
            [self.ids.portland, self.ids.strong])
        self.assertEqual(
            self.found(client, '/catalog?q=cement&sort=price_desc'),
            [self.ids.strong, self.ids.portland])
        self.assertEqual(
            self.found(client, '/catalog?q=cement&lead_time_max=7'),
            [self.ids.portland])

    def test_facet_counts(self):
        page = self.page(self.client(), '/catalog')
        count = (lambda key: re.search(
                rf'data-count="{key}">\((\d+)\)', page).group(1))
        self.assertEqual(count(f'category-{self.ids.building}'), '2')
        self.assertEqual(count(f'category-{self.ids.cable}'), str(EXTRA))
        self.assertEqual(count('province-GD'), str(EXTRA))
        self.assertEqual(count('in_stock'), str(EXTRA + 1))

    def test_pagination(self):
        client = self.client()
        first = self.found(client, f'/catalog?category={self.ids.cable}')
        second = self.found(client,
            f'/catalog?category={self.ids.cable}&page=2')
        self.assertEqual(len(first), 20)
        self.assertEqual(len(second), EXTRA - 20)
        self.assertEqual(set(first) | set(second), set(self.ids.cables))
        self.assertIn('id="pagination"', self.page(client,
                f'/catalog?category={self.ids.cable}'))

    def test_unpublished_never_shown(self):
        client = self.client()
        found = self.found(client, '/catalog?q=隐藏')
        self.assertEqual(found, [])
        for state, listing in self.ids.hidden.items():
            with self.subTest(state=state):
                self.page(client, f'/catalog/{listing}', 404)
                self.page(client, f'/catalog/compare?ids={listing}')
                response = client.submit(f'/catalog/{listing}/favourite',
                    {}, token_from='/catalog')
                self.assertEqual(response.status_code, 404)

    def test_listing_page_and_image(self):
        client = self.client()
        page = self.page(client, f'/catalog/{self.ids.portland}')
        for text in ['普通硅酸盐水泥', 'Portland Cement', '强度等级',
                'P.O 42.5', '50 kg', '450.00', '620', 'id="services"']:
            self.assertIn(text, page)
        response = client.get(client.base
            + f'/catalog/{self.ids.portland}/image/{self.ids.image}')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.data, PNG)
        # The image of a listing under another listing's address
        self.page(client,
            f'/catalog/{self.ids.strong}/image/{self.ids.image}', 404)
        self.page(client, '/catalog/999999', 404)

    def test_compare(self):
        client = self.client()
        page = self.page(client, '/catalog/compare'
            f'?ids={self.ids.portland},{self.ids.strong}&quantity=100')
        self.assertEqual(page.count('data-listing="'), 2)
        # At 100 units: 450 against 380; lead times 3 against 10 days
        best = [(row, cell) for row, cells in re.findall(
                r'<tr data-row="([\w-]+)">(.*?)</tr>', page, re.S)
            for cell in re.findall(r'data-best="1">([^<]*)<', cells)]
        self.assertIn(('price', '380.00'), best)
        self.assertIn(('lead_time', '3 days'), best)
        self.assertIn(('carbon', '620 kg CO₂e'), best)
        self.assertIn('data-row="spec-grade"', page)
        # Added from a listing page: the cookie keeps the ones compared
        page = self.page(client, f'/catalog/compare?add={self.ids.cables[0]}')
        self.assertEqual(page.count('data-listing="'), 3)

    def test_compare_too_many(self):
        client = self.client()
        ids = ','.join(map(str, self.ids.cables[:5]))
        page = self.page(client, f'/catalog/compare?ids={ids}', 400)
        self.assertIn('id="error"', page)
        self.assertNotIn('data-listing="', page)

    def test_favourites_toggle(self):
        client = self.client('user0@4.example.com')
        listing = self.ids.portland
        response = client.submit(f'/catalog/{listing}/favourite',
            {'next': client.base + '/favourites'}, token_from='/catalog')
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.headers['Location'].endswith('/favourites'))
        page = self.page(client, '/favourites')
        self.assertIn(f'id="favourite-row-{listing}"', page)
        self.assertIn('aria-pressed="true"',
            self.page(client, f'/catalog/{listing}'))
        client.submit(f'/catalog/{listing}/favourite', {},
            token_from='/catalog')
        self.assertIn('id="no-favourites"', self.page(client, '/favourites'))
        # The next address stays inside the portal
        response = client.submit(f'/catalog/{listing}/favourite',
            {'next': 'https://evil.example/'}, token_from='/catalog')
        self.assertNotIn('evil', response.headers['Location'])

    def test_recommendations_without_query(self):
        client = self.client()
        self.assertIn('id="recommendations"', self.page(client, '/catalog'))
        self.assertNotIn('id="recommendations"',
            self.page(client, '/catalog?q=cement'))

    def test_unauthenticated_sweep(self):
        client = self.client(email=None)
        ids = self.ids
        urls = {
            '/catalog': ('GET', '/catalog'),
            '/catalog/<record_id>': ('GET', f'/catalog/{ids.portland}'),
            '/catalog/<record_id>/image/<media_id>':
                ('GET', f'/catalog/{ids.portland}/image/{ids.image}'),
            '/catalog/compare': ('GET', f'/catalog/compare?ids={ids.strong}'),
            '/catalog/<record_id>/favourite':
                ('POST', f'/catalog/{ids.portland}/favourite'),
            '/favourites': ('GET', '/favourites'),
            }
        self.assertEqual(set(urls), ROUTES)
        for route, (method, url) in urls.items():
            with self.subTest(route=route):
                token = client.csrf('/login')
                response = client.open(client.base + url, method=method,
                    data={'csrf_token': token} if method == 'POST' else None)
                self.assertEqual(response.status_code, 302)
                self.assertIn('/login', response.headers['Location'])

    def test_foreign_unpublished_listing(self):
        "A buyer gets 404 for a supplier's draft; the supplier too here"
        draft = self.ids.own_draft
        self.page(self.client(), f'/catalog/{draft}', 404)
        self.page(self.client('user0@4.example.com'),
            f'/catalog/{draft}', 404)

    def test_supplier_only_member_forbidden(self):
        client = self.client('user0@1.example.com')
        for path in ['/catalog', f'/catalog/{self.ids.portland}',
                '/favourites', f'/catalog/compare?ids={self.ids.portland}']:
            with self.subTest(path=path):
                self.page(client, path, 403)
        response = client.submit(f'/catalog/{self.ids.portland}/favourite',
            {}, token_from='/')
        self.assertEqual(response.status_code, 403)
