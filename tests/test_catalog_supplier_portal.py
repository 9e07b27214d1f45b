# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Catalog supplier pages: listings, editor, images, prices, stock, imports"
import io
import re
import time
from decimal import Decimal
from types import SimpleNamespace
from unittest.mock import patch

from common import PASSWORD, DatabaseTestCase, PortalClient, committed

from trytond.modules.s2b2b_catalog import importing
from trytond.modules.s2b2b_catalog.tests.tools import (
    create_catalog, create_listing)
from trytond.modules.s2b2b_platform.demo import setup_company
from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member)
from trytond.pool import Pool
from trytond.transaction import Transaction

# Portal routes (relative to /<database_name>/portal) this file sweeps
ROUTES = {
    '/listings', '/listings/new', '/listings/<record_id>',
    '/listings/<record_id>/<action>', '/listings/<record_id>/stock',
    '/listings/<record_id>/prices', '/listings/<record_id>/media',
    '/listings/<record_id>/media/<media_id>',
    '/listings/<record_id>/media/<media_id>/delete',
    '/listings/import', '/listings/import/<record_id>',
    '/listings/import/<record_id>/errors', '/listings/template.<fmt>',
    '/listings/export',
    }
PNG = b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR' + b'\x00' * 32
PDF = b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'
MB = 1024 * 1024
ERROR_RE = re.compile(r'id="error">([^<]*)<')
LOGIN = re.compile(r'/login\?next=')


def _setup():
    pool = Pool()
    WebUser = pool.get('web.user')
    Media = pool.get('s2b2b.listing.media')
    create_document_types()
    setup_company()
    catalog = create_catalog()
    a = create_member("苏州精工 A", 1, kind='supplier', users=3)
    b = create_member("无锡华东 B", 2, kind='both', users=1)
    c = create_member("深圳采购 C", 3, kind='buyer', users=1)
    WebUser.write([a.web_users[2]], {'s2b2b_roles': ['warehouse']})
    WebUser.write(WebUser.search([]),
        {'password_hash': WebUser.hash_password(PASSWORD)})
    b_draft = create_listing(b, catalog.cement, name="乙方草稿水泥",
        reference='B-DRAFT', state='draft')
    b_published = create_listing(b, catalog.cable, name="乙方电缆",
        reference='B-PUB', specs={'voltage': 220})
    image, = Media.create([{'listing': b_draft.id, 'kind': 'image',
                'image': PNG, 'filename': 'b.png'}])
    return SimpleNamespace(
        cement=catalog.cement.id, cable=catalog.cable.id,
        building=catalog.building.id, a=a.id, b=b.id,
        unit=pool.get('ir.model.data').get_id('product', 'uom_unit'),
        b_draft=b_draft.id, b_published=b_published.id, b_image=image.id)


def _listing(listing_id):
    "What a test reads of a listing"
    def read():
        Listing = Pool().get('s2b2b.listing')
        listing = Listing(listing_id)
        return SimpleNamespace(
            name=listing.name, name_en=listing.name_en,
            state=listing.state, specs=dict(listing.specs or {}),
            tiers=[(q, p) for q, p in listing.tiers],
            province=listing.province, moq=listing.moq,
            services=[(s.kind, s.price) for s in listing.services],
            videos=[m.url for m in listing.media if m.kind == 'video'],
            images=len(listing.images),
            available=listing.available_quantity,
            changes=[c.state for c in listing.price_changes])
    return committed(read)


def _count(model, domain=None):
    return committed(
        lambda: Pool().get(model).search(domain or [], count=True))


def _snapshot(member_id):
    "Everything of a supplier's catalog the pages could change"
    def read():
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        return [(l.id, l.name, l.state, l.available_quantity,
                l.low_stock_threshold, tuple(l.tiers), len(l.media),
                len(l.price_changes), tuple(sorted((l.specs or {}).items())))
            for l in Listing.search([('supplier', '=', member_id)],
                order=[('id', 'ASC')])]
    return committed(read)


def editor_data(ids, **changes):
    "A complete editor form for a cement listing"
    data = {
        'name': "普通硅酸盐水泥 P.O 42.5", 'name_en': "Portland cement",
        'reference': 'PO-425', 'category': str(ids.cement),
        'brand': "海螺", 'model': 'P.O 42.5', 'uom': str(ids.unit),
        'spec-grade': '42.5', 'spec-bag_weight': '50',
        'moq': '10', 'order_multiple': '5', 'lead_time': '3',
        'available_quantity': '1000', 'low_stock_threshold': '50',
        'tier-0-quantity': '10', 'tier-0-price': '480',
        'tier-1-quantity': '100', 'tier-1-price': '450',
        'tier-2-quantity': '', 'tier-2-price': '',
        'province': 'JS', 'city': "苏州",
        'valid_from': '', 'valid_to': '',
        'carbon_footprint': '0.8', 'carbon_source': "EPD 2024",
        'description': "袋装水泥",
        'service-0-kind': 'installation', 'service-0-description': "送货上门",
        'service-0-price': '20',
        'service-1-kind': '', 'service-1-description': '',
        'service-1-price': '',
        'video-0-url': 'https://video.example.com/cement',
        }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


class SupplierPortalTestCase(DatabaseTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def client(self, email='user0@1.example.com', lang='zh_CN'):
        client = PortalClient()
        client.get(f'{client.base}/lang/{lang}')
        if email:
            response = client.login(email)
            self.assertEqual(response.status_code, 302)
        return client

    def page(self, client, path, status=200):
        response = client.get(client.base + path)
        self.assertEqual(response.status_code, status, path)
        return response.get_data(as_text=True)

    def post(self, client, path, data, status=302, **kwargs):
        response = client.submit(path, data, token_from='/listings',
            **kwargs)
        if response.status_code != status:
            found = ERROR_RE.search(response.get_data(as_text=True))
            self.fail(f"{path}: {response.status_code} != {status}: "
                f"{found.group(1) if found else ''}")
        return response

    def error(self, response):
        match = ERROR_RE.search(response.get_data(as_text=True))
        self.assertIsNotNone(match, "the page shows no error")
        return match.group(1)

    def published(self, **values):
        "A published listing of member A"
        def create():
            Member = Pool().get('s2b2b.member')
            Category = Pool().get('product.category')
            return create_listing(Member(self.ids.a),
                Category(self.ids.cement), **values).id
        return committed(create)

    def new_listing(self, client, **changes):
        response = self.post(client, '/listings/new',
            editor_data(self.ids, **changes))
        match = re.search(r'/listings/(\d+)\?done=sl_saved',
            response.headers['Location'])
        self.assertIsNotNone(match, response.headers['Location'])
        return int(match.group(1))


class EditorTests:

    def test_editor_renders_category_specs(self):
        "The category's specifications become inputs of their type"
        client = self.client()
        page = self.page(client, f'/listings/new?category={self.ids.cement}')
        self.assertIn('<select class="form-select" id="spec-grade"', page)
        self.assertIn('P.O 42.5', page)
        self.assertRegex(page, r'type="number" step="1"[^>]*'
            r'id="spec-bag_weight"')
        self.assertIn('<span class="input-group-text">kg</span>', page)
        page = self.page(client, f'/listings/new?category={self.ids.cable}')
        self.assertRegex(page, r'type="checkbox" id="spec-copper"')
        self.assertNotIn('spec-grade', page)
        # the categories as an indented tree
        self.assertRegex(page, r'<option value="%d"[^>]*>\u3000' %
            self.ids.cement)

    def test_category_reload_keeps_values(self):
        "Changing the category re-sends the form by GET, token dropped"
        client = self.client()
        response = client.get(client.base + '/listings/new', query_string={
                'csrf_token': 'x', 'name': "电缆 YJV", 'category':
                str(self.ids.cable), 'tier-0-quantity': '5'})
        self.assertEqual(response.status_code, 302)
        self.assertNotIn('csrf_token', response.headers['Location'])
        page = self.page(client, response.headers['Location'].split(
                '/portal', 1)[1])
        self.assertIn('value="电缆 YJV"', page)
        self.assertIn('id="spec-voltage"', page)
        self.assertIn('name="tier-0-quantity" value="5"', page)

    def test_create_edit_submit(self):
        "A supplier creates, edits and submits a listing through forms"
        client = self.client()
        listing_id = self.new_listing(client)
        listing = _listing(listing_id)
        self.assertEqual(listing.name, "普通硅酸盐水泥 P.O 42.5")
        self.assertEqual(listing.state, 'draft')
        self.assertEqual(listing.specs, {'grade': '42.5', 'bag_weight': 50})
        self.assertEqual(listing.tiers,
            [(10, Decimal('480')), (100, Decimal('450'))])
        self.assertEqual((listing.province, listing.moq), ('JS', 10))
        self.assertEqual(listing.services,
            [('installation', Decimal('20'))])
        self.assertEqual(listing.videos, ['https://video.example.com/cement'])
        page = self.page(client, f'/listings/{listing_id}?done=sl_saved')
        self.assertIn('class="alert alert-success"', page)
        self.assertIn('id="listing-form"', page)

        self.post(client, f'/listings/{listing_id}', editor_data(self.ids,
                name="水泥 P.O 52.5", **{'spec-grade': '52.5',
                    'tier-2-quantity': '500', 'tier-2-price': '430',
                    'video-0-url': '', 'service-0-kind': '',
                    'service-0-description': '', 'service-0-price': ''}))
        listing = _listing(listing_id)
        self.assertEqual(listing.name, "水泥 P.O 52.5")
        self.assertEqual(listing.specs['grade'], '52.5')
        self.assertEqual(len(listing.tiers), 3)
        self.assertEqual((listing.videos, listing.services), ([], []))

        self.post(client, f'/listings/{listing_id}/submit', {})
        self.assertEqual(_listing(listing_id).state, 'submitted')
        page = self.page(client, f'/listings/{listing_id}')
        self.assertNotIn('id="listing-form"', page)
        self.assertIn('id="under-review"', page)
        self.assertIn('id="action-draft"', page)

        # read-only while submitted: nothing saved
        response = self.post(client, f'/listings/{listing_id}',
            editor_data(self.ids, name="改名"), status=400)
        self.assertTrue(self.error(response))
        self.assertEqual(_listing(listing_id).name, "水泥 P.O 52.5")

        self.post(client, f'/listings/{listing_id}/draft', {})
        self.assertEqual(_listing(listing_id).state, 'draft')

    def test_bad_input_nothing_saved(self):
        "Bad tiers, spec values or numbers: the error, nothing saved"
        client = self.client()
        before = _count('s2b2b.listing')
        cases = {
            'negative tier': {'tier-0-price': '-5'},
            'price rising': {'tier-1-price': '490'},
            'incomplete tier': {'tier-1-price': ''},
            'unknown grade': {'spec-grade': '99.9'},
            'bag weight not a number': {'spec-bag_weight': 'heavy'},
            'moq not a number': {'moq': 'ten'},
            'unknown category': {'category': '999999'},
            'negative stock': {'available_quantity': '-1'},
            'bad date': {'valid_to': '2026-13-45'},
            'valid_to before valid_from': {
                'valid_from': '2026-12-01', 'valid_to': '2026-01-01'},
            'bad video link': {'video-0-url': 'ftp://x'},
            }
        for name, changes in cases.items():
            with self.subTest(case=name):
                response = self.post(client, '/listings/new',
                    editor_data(self.ids, **changes), status=400)
                self.assertTrue(self.error(response))
                # the form comes back with the values entered
                self.assertIn('value="普通硅酸盐水泥 P.O 42.5"',
                    response.get_data(as_text=True))
        self.assertEqual(_count('s2b2b.listing'), before)

    def test_bad_edit_keeps_listing(self):
        client = self.client()
        listing_id = self.new_listing(client, reference='KEEP-1')
        before = _listing(listing_id)
        response = self.post(client, f'/listings/{listing_id}',
            editor_data(self.ids, reference='KEEP-1', name="新名字",
                **{'tier-1-price': '999'}), status=400)
        self.assertIn("新名字", self.error(response))
        self.assertEqual(vars(_listing(listing_id)), vars(before))

    def test_english_page(self):
        client = self.client(lang='en')
        page = self.page(client, '/listings/new')
        self.assertIn('Name (Chinese)', page)
        self.assertIn('From quantity', page)
        page = self.page(self.client(), '/listings/new')
        self.assertIn('lang="zh-CN"', page)
        self.assertIn('>保存<', page)
        self.assertIn('\u3000水泥', page)


class MediaTests:

    def upload(self, client, listing_id, files, status=302):
        return self.post(client, f'/listings/{listing_id}/media',
            {'images': files}, status=status,
            content_type='multipart/form-data')

    def test_upload_show_delete(self):
        client = self.client()
        listing_id = self.new_listing(client, reference='IMG-1')
        self.upload(client, listing_id, [(io.BytesIO(PNG), 'a.png'),
                (io.BytesIO(PNG), 'b.png')])
        self.assertEqual(_listing(listing_id).images, 2)
        page = self.page(client, f'/listings/{listing_id}/media')
        media_ids = re.findall(
            rf'/listings/{listing_id}/media/(\d+)"', page)
        self.assertEqual(len(media_ids), 2)
        response = client.get(
            f'{client.base}/listings/{listing_id}/media/{media_ids[0]}')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.mimetype, 'image/png')
        self.assertEqual(response.get_data(), PNG)
        self.post(client,
            f'/listings/{listing_id}/media/{media_ids[0]}/delete', {})
        self.assertEqual(_listing(listing_id).images, 1)

    def test_bad_images(self):
        "Too large or not an image: the error, nothing saved"
        client = self.client()
        listing_id = self.new_listing(client, reference='IMG-2')
        big = PNG + b'\x00' * (2 * MB)
        for name, data in [('big.png', big), ('doc.png', PDF)]:
            with self.subTest(file=name):
                response = self.upload(client, listing_id,
                    [(io.BytesIO(PNG), 'ok.png'), (io.BytesIO(data), name)],
                    status=400)
                self.assertIn(name, self.error(response))
        response = self.upload(client, listing_id, [], status=400)
        self.assertTrue(self.error(response))
        self.assertEqual(_listing(listing_id).images, 0)

    def test_request_too_large(self):
        client = self.client()
        listing_id = self.new_listing(client, reference='IMG-3')
        huge = PNG + b'\x00' * (11 * MB)
        response = self.upload(client, listing_id,
            [(io.BytesIO(huge), 'huge.png')], status=413)
        self.assertEqual(_listing(listing_id).images, 0)
        self.assertIn('alert', response.get_data(as_text=True))

    def test_published_images_locked(self):
        client = self.client()
        listing_id = self.published(reference='IMG-4')
        page = self.page(client, f'/listings/{listing_id}/media')
        self.assertIn('id="images-locked"', page)
        response = self.upload(client, listing_id,
            [(io.BytesIO(PNG), 'a.png')], status=400)
        self.assertTrue(self.error(response))
        self.assertEqual(_listing(listing_id).images, 0)


class PriceStockTests:

    def change(self, client, listing_id, tiers, status=302, date=''):
        data = {'effective_date': date}
        for i, (quantity, price) in enumerate(tiers):
            data[f'tier-{i}-quantity'] = quantity
            data[f'tier-{i}-price'] = price
        return self.post(client, f'/listings/{listing_id}/prices', data,
            status=status)

    def test_price_change_auto_and_pending(self):
        client = self.client()
        listing_id = self.published(reference='PRICE-1')
        response = self.change(client, listing_id,
            [('1', '490'), ('10', '440')])
        self.assertIn('done=sl_price_applied', response.headers['Location'])
        self.assertEqual(_listing(listing_id).tiers,
            [(1, Decimal('490')), (10, Decimal('440'))])
        page = self.page(client, f'/listings/{listing_id}/prices'
            '?done=sl_price_applied')
        self.assertIn('class="alert alert-success"', page)

        response = self.change(client, listing_id,
            [('1', '300'), ('10', '280')])
        self.assertIn('done=sl_price_pending', response.headers['Location'])
        listing = _listing(listing_id)
        self.assertEqual(listing.tiers[0], (1, Decimal('490')))
        self.assertEqual(sorted(listing.changes), ['applied', 'pending'])
        page = self.page(client, f'/listings/{listing_id}/prices'
            '?done=sl_price_pending')
        self.assertIn('class="alert alert-success"', page)
        self.assertIn('text-bg-warning', page)
        self.assertIn('id="price-history"', page)
        self.assertIn('user0@1.example.com', page)

    def test_price_change_refused(self):
        client = self.client()
        listing_id = self.published(reference='PRICE-2')
        for tiers in [[('1', '-1')], [('1', '400'), ('10', '450')], []]:
            with self.subTest(tiers=tiers):
                response = self.change(client, listing_id, tiers,
                    status=400)
                self.assertTrue(self.error(response))
        response = self.change(client, listing_id, [('1', '495')],
            date='2000-01-01', status=400)
        self.assertIn('2000-01-01', self.error(response))
        draft_id = self.new_listing(client, reference='PRICE-3')
        page = self.page(client, f'/listings/{draft_id}/prices')
        self.assertIn('id="not-published"', page)
        response = self.change(client, draft_id, [('1', '400')],
            status=400)
        self.assertTrue(self.error(response))
        self.assertEqual(_listing(listing_id).changes, [])
        self.assertEqual(_listing(draft_id).changes, [])

    def test_stock_update_low_stock(self):
        "Warehouse updates stock; falling to the threshold alerts"
        listing_id = self.published(reference='STOCK-1',
            available_quantity=100, low_stock_threshold=10)
        notifications = _count('s2b2b.notification',
            [('kind', '=', 'listing.low_stock')])
        warehouse = self.client('user2@1.example.com')
        self.post(warehouse, f'/listings/{listing_id}/stock',
            {'available_quantity': '5', 'low_stock_threshold': '10'})
        self.assertEqual(_listing(listing_id).available, 5)
        self.assertEqual(_count('s2b2b.notification',
                [('kind', '=', 'listing.low_stock')]), notifications + 1)
        home = self.page(self.client(), '/')
        self.assertIn('listings?stock=low', home)
        page = self.page(self.client(), '/listings?stock=low')
        self.assertIn(f'id="listing-{listing_id}"', page)
        # warehouse may not edit nor submit
        for path in [f'/listings/{listing_id}', '/listings/new',
                f'/listings/{listing_id}/delist']:
            with self.subTest(path=path):
                self.post(warehouse, path, editor_data(self.ids),
                    status=403)
        response = self.post(warehouse, f'/listings/{listing_id}/stock',
            {'available_quantity': '-3', 'low_stock_threshold': '1'},
            status=400)
        self.assertTrue(self.error(response))
        self.assertEqual(_listing(listing_id).available, 5)

    def test_rejected_waiting_and_delist(self):
        def create():
            pool = Pool()
            Listing = pool.get('s2b2b.listing')
            listing = create_listing(pool.get('s2b2b.member')(self.ids.a),
                pool.get('product.category')(self.ids.cement),
                reference='REJ-1', state='submitted')
            # the operator's rejection, as the back office records it
            table = Listing.__table__()
            Transaction().connection.cursor().execute(*table.update(
                    [table.reject_reason], ["照片不清晰"],
                    where=table.id == listing.id))
            return listing.id
        listing_id = committed(create)
        committed(lambda: Pool().get('s2b2b.listing').reject(
                [Pool().get('s2b2b.listing')(listing_id)]))
        client = self.client()
        self.assertIn('listings?state=rejected', self.page(client, '/'))
        page = self.page(client, f'/listings/{listing_id}')
        self.assertIn('id="reject-reason"', page)
        self.assertIn("照片不清晰", page)
        self.assertIn('id="listing-form"', page)
        published = self.published(reference='DEL-1')
        self.post(client, f'/listings/{published}/delist', {})
        self.assertEqual(_listing(published).state, 'delisted')
        self.post(client, f'/listings/{published}/publish', {}, status=404)
        self.assertEqual(_listing(published).state, 'delisted')


class ListTests:

    def test_list_tabs_search_pages(self):
        client = self.client()
        ids = [self.new_listing(client, reference=f'LIST-{i}',
                name=f"列表商品 {i}") for i in range(3)]
        page = self.page(client, '/listings')
        for listing_id in ids:
            self.assertIn(f'id="listing-{listing_id}"', page)
        self.assertNotIn("乙方草稿水泥", page)
        self.assertNotIn("乙方电缆", page)
        self.assertRegex(page, r'id="count-draft">\d+<')
        page = self.page(client, '/listings?q=LIST-1')
        self.assertIn(f'id="listing-{ids[1]}"', page)
        self.assertNotIn(f'id="listing-{ids[0]}"', page)
        page = self.page(client, '/listings?state=published&q=LIST')
        self.assertIn('id="no-listings"', page)
        with patch('trytond.modules.s2b2b_portal.catalog_routes.PAGE_SIZE',
                2):
            first = self.page(client, '/listings?q=LIST')
            second = self.page(client, '/listings?q=LIST&page=2')
        self.assertIn('id="pagination"', first)
        self.assertEqual(len(re.findall(r'id="listing-\d+"', first)), 2)
        self.assertEqual(len(re.findall(r'id="listing-\d+"', second)), 1)
        # never another supplier's drafts, even searched for
        page = self.page(client, '/listings?q=B-DRAFT')
        self.assertIn('id="no-listings"', page)

    def test_export_and_templates(self):
        client = self.client()
        self.new_listing(client, reference='EXP-1', name="导出商品")
        response = client.get(client.base + '/listings/export?format=csv')
        self.assertEqual(response.status_code, 200)
        text = response.get_data().decode('utf-8-sig')
        self.assertIn('EXP-1', text)
        self.assertNotIn('B-DRAFT', text)
        response = client.get(client.base + '/listings/export?format=xlsx')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.get_data()[:2], b'PK')
        for fmt, lang, expected in [('csv', 'zh', "名称"),
                ('csv', 'en', 'Name')]:
            response = client.get(
                f'{client.base}/listings/template.{fmt}?lang={lang}')
            self.assertEqual(response.status_code, 200)
            self.assertIn(expected,
                response.get_data().decode('utf-8-sig').splitlines()[0])
        response = client.get(client.base + '/listings/template.xlsx')
        self.assertEqual(response.get_data()[:2], b'PK')
        self.page(client, '/listings/template.pdf', status=404)
        self.page(client, '/listings/export?format=pdf', status=404)

    def test_buyer_refused(self):
        "A buyer-only member gets no supplier page"
        client = self.client('user0@3.example.com')
        self.assertNotIn('data-nav="listings"', self.page(client, '/'))
        for path in ['/listings', '/listings/new', '/listings/import',
                '/listings/export', '/listings/template.csv',
                f'/listings/{self.ids.b_published}']:
            with self.subTest(path=path):
                response = client.get(client.base + path)
                self.assertIn(response.status_code, {403, 404})
        before = _count('s2b2b.listing')
        response = client.submit('/listings/new', editor_data(self.ids))
        self.assertIn(response.status_code, {403, 404})
        self.assertEqual(_count('s2b2b.listing'), before)


class ImportTests:

    def test_import_csv(self):
        "A small CSV through the import page: listings created"
        client = self.client()
        page = self.page(client, '/listings/import')
        self.assertIn('id="template-xlsx-zh"', page)
        template = client.get(client.base + '/listings/template.csv'
            '?lang=zh').get_data().decode('utf-8-sig').splitlines()[0]
        row = ('IMP-1,进口测试水泥,Import cement,建材 / 水泥,海螺,P.O 42.5,'
            'u,1:500; 10:450')
        header = template.split(',')
        cells = dict(zip(header, row.split(',')))
        line = ','.join(cells.get(h, '') for h in header)
        data = f'{template}\n{line}\n'.encode('utf-8')
        response = self.post(client, '/listings/import',
            {'file': (io.BytesIO(data), 'listings.csv')},
            content_type='multipart/form-data')
        path = response.headers['Location'].split('/portal', 1)[1]
        self.assertRegex(path, r'^/listings/import/\d+$')
        for _ in range(50):
            page = self.page(client, path)
            if 'data-state="done"' in page or 'data-state="failed"' in page:
                break
            self.assertIn('http-equiv="refresh"', page)
            time.sleep(0.2)
        self.assertIn('data-state="done"', page, page[-1500:])
        self.assertIn("进口测试水泥", self.page(client, '/listings?q=IMP-1'))
        self.assertIn('id="import-', self.page(client, '/listings/import'))

    def test_import_status_refreshes(self):
        "While an import runs its page refreshes itself and shows progress"
        def create():
            pool = Pool()
            Import = pool.get('s2b2b.listing.import')
            record, = Import.create([{'member': self.ids.a,
                        'filename': 'big.csv', 'format': 'csv',
                        'state': 'validating',
                        'total_rows': 400}])
            pool.get('s2b2b.listing.import.progress').create([{
                        'listing_import': record.id, 'processed_rows': 100}])
            return record.id
        record_id = committed(create)
        page = self.page(self.client(), f'/listings/import/{record_id}')
        self.assertIn('<meta http-equiv="refresh" content="2">', page)
        self.assertIn('style="width: 25%"', page)
        self.assertNotIn('id="download-errors"', page)

    def test_import_bad_file(self):
        client = self.client()
        before = _count('s2b2b.listing')
        response = self.post(client, '/listings/import', {},
            content_type='multipart/form-data', status=400)
        self.assertTrue(self.error(response))
        response = client.submit('/listings/import',
            {'file': (io.BytesIO(PDF), 'listings.pdf')},
            token_from='/listings', content_type='multipart/form-data')
        self.assertIn(response.status_code, {302, 400})
        self.assertEqual(_count('s2b2b.listing'), before)


class SweepTests:
    "Every supplier route, as nobody and as member A against B's ids"

    @classmethod
    def _b_import(cls):
        "An import of member B (with an errors file), when imports exist"
        pool = Pool()
        try:
            Import = pool.get('s2b2b.listing.import')
        except KeyError:
            return None
        Member = pool.get('s2b2b.member')
        header = importing.template('csv', 'en').decode('utf-8-sig'
            ).splitlines()[0]
        data = f'{header}\nB-IMPORT,,,no such category\n'.encode()
        record = Import.start(Member(cls.ids.b), 'b.csv', data)
        assert record.errors_file, record.state
        return record.id

    def urls(self):
        "(method, url) of every route with B's ids"
        ids = vars(self.ids)
        draft, pub, image = ids['b_draft'], ids['b_published'], \
            ids['b_image']
        imp = self.foreign or 999999
        return [
            ('GET', '/listings'), ('GET', '/listings/new'),
            ('POST', '/listings/new'),
            ('GET', f'/listings/{draft}'), ('POST', f'/listings/{draft}'),
            ('GET', f'/listings/{pub}'), ('POST', f'/listings/{pub}'),
            ('POST', f'/listings/{draft}/submit'),
            ('POST', f'/listings/{pub}/draft'),
            ('POST', f'/listings/{pub}/delist'),
            ('POST', f'/listings/{pub}/stock'),
            ('POST', f'/listings/{draft}/stock'),
            ('GET', f'/listings/{pub}/prices'),
            ('POST', f'/listings/{pub}/prices'),
            ('GET', f'/listings/{draft}/media'),
            ('POST', f'/listings/{draft}/media'),
            ('GET', f'/listings/{draft}/media/{image}'),
            ('POST', f'/listings/{draft}/media/{image}/delete'),
            ('GET', '/listings/import'), ('POST', '/listings/import'),
            ('GET', f'/listings/import/{imp}'),
            ('GET', f'/listings/import/{imp}/errors'),
            ('GET', '/listings/template.csv'),
            ('GET', '/listings/export'),
            ]

    def form(self):
        return {**editor_data(self.ids, reference='B-DRAFT'),
            'available_quantity': '0', 'low_stock_threshold': '5',
            'effective_date': '', 'tier-0-price': '1'}

    def test_routes_swept(self):
        "Every route of ROUTES is in this sweep and registered"
        from trytond.wsgi import app
        rules = {r.rule[len('/<database_name>/portal'):]
            for r in app.url_map.iter_rules()
            if r.rule.startswith('/<database_name>/portal/listings')}
        self.assertEqual(rules, ROUTES)

    def test_unauthenticated(self):
        client = self.client(email=None)
        for method, url in self.urls():
            with self.subTest(method=method, url=url):
                token = client.csrf('/login')
                response = client.open(client.base + url, method=method,
                    data={'csrf_token': token} if method == 'POST' else None)
                self.assertEqual(response.status_code, 302)
                self.assertRegex(response.headers['Location'], LOGIN)

    def test_foreign_ids(self):
        "Supplier A gets 404 for every route with B's ids; B unchanged"
        before = _snapshot(self.ids.b)
        client = self.client()
        for method, url in self.urls():
            if not re.search(r'/\d+', url):
                continue
            with self.subTest(method=method, url=url):
                if method == 'POST':
                    response = client.submit(url, self.form(),
                        token_from='/listings')
                else:
                    response = client.get(client.base + url)
                self.assertEqual(response.status_code, 404)
        # A's own listing with B's image
        own = self.new_listing(client, reference='SWEEP-OWN')
        response = client.get(
            f'{client.base}/listings/{own}/media/{self.ids.b_image}')
        self.assertEqual(response.status_code, 404)
        response = client.submit(
            f'/listings/{own}/media/{self.ids.b_image}/delete', {},
            token_from='/listings')
        self.assertEqual(response.status_code, 404)
        self.assertEqual(_snapshot(self.ids.b), before)


class SupplierPagesTestCase(EditorTests, MediaTests, PriceStockTests,
        ListTests, ImportTests, SweepTests, SupplierPortalTestCase):
    "One database for all: B's records stay untouched by A's tests"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.foreign = committed(cls._b_import)
