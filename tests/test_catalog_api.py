# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Member API v1, catalog: supplier listings, buyer catalog, tenant sweep"
import datetime as dt
import io
import re
from decimal import Decimal
from types import SimpleNamespace

from common import DB_NAME, DatabaseTestCase, committed
from test_api import ApiAssertions, ApiClient, api_routes
from werkzeug.test import Client

from trytond.modules.company.tests import create_company
from trytond.modules.s2b2b_catalog import importing
from trytond.modules.s2b2b_catalog.tests.tools import (
    create_catalog, create_listing)
from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member)
from trytond.modules.s2b2b_portal import catalog_api
from trytond.modules.s2b2b_portal.apikey import SCOPES
from trytond.pool import Pool
from trytond.wsgi import app

ALL_SCOPES = [s for s, _ in SCOPES]
PNG = b'\x89PNG\r\n\x1a\n' + b'\0' * 64
JPEG = b'\xff\xd8\xff\xe0\x00\x10JFIF\x00' + b'\0' * 64
LISTING = 's2b2b.listing'


def _setup():
    pool = Pool()
    ApiKey = pool.get('s2b2b.api.key')
    create_company()
    create_document_types()
    catalog = create_catalog()
    a = create_member("苏州精工 Jinggong", 1, kind='supplier')
    b = create_member("无锡远东 Yuandong", 2, kind='supplier')
    c = create_member("深圳华辰 Huachen", 3, kind='buyer')
    cement, cable = catalog.cement, catalog.cable
    listings = {
        'a_published': create_listing(a, cement, name="海螺水泥 42.5",
            name_en="Conch cement", specs={'grade': '42.5'},
            province='JS', lead_time=3),
        'a_draft': create_listing(a, cement, name="草稿水泥", state='draft'),
        'b_published': create_listing(b, cable, name="远东电缆",
            name_en="Far East cable", specs={'voltage': 380},
            tiers=((1, '80'), (100, '70')), province='ZJ', lead_time=10),
        'b_draft': create_listing(b, cable, name="远东草稿电缆",
            state='draft'),
        'b_submitted': create_listing(b, cable, name="远东审核电缆",
            state='submitted'),
        }
    Media = pool.get('s2b2b.listing.media')
    b_media, = Media.create([{'listing': listings['b_published'].id,
                'kind': 'image', 'image': PNG, 'filename': 'cable.png'}])
    # A's key was made by A's administrator: what it does is theirs
    user_a, = pool.get('web.user').search(
        [('s2b2b_member', '=', a.id)], limit=1, order=[('id', 'ASC')])
    keys = {name: ApiKey.generate(member, name, scopes, created_by=user)[1]
        for name, member, scopes, user in [
            ('a', a, ALL_SCOPES, user_a), ('b', b, ALL_SCOPES, None),
            ('c', c, ALL_SCOPES, None),
            ('a_none', a, ['member:read'], None),
            ('c_none', c, ['member:read'], None)]}
    ListingImport = pool.get('s2b2b.listing.import')
    b_import = ListingImport.start(b, 'b.csv', _csv(_row(category="bad")))
    return SimpleNamespace(member_a=a.id, member_b=b.id, member_c=c.id,
        b_media=b_media.id, b_import=b_import.id,
        cement=cement.id, cable=cable.id, building=catalog.building.id,
        user_a=user_a.id, **keys, **{k: v.id for k, v in listings.items()})


def endpoints(listing, media=1, import_=1):
    "(method, path, body) of every catalog route, for a listing id"
    tiers = [{'quantity': 1, 'unit_price': '490'}]
    return [
        ('GET', '/listings', None),
        ('GET', '/listings/export?format=csv', None),
        ('POST', '/listing-imports', None),
        ('GET', f'/listing-imports/{import_}', None),
        ('GET', f'/listing-imports/{import_}/errors', None),
        ('POST', '/listings', _body(name="扫描")),
        ('GET', f'/listings/{listing}', None),
        ('PATCH', f'/listings/{listing}', {'brand': "X"}),
        ('DELETE', f'/listings/{listing}', None),
        ('POST', f'/listings/{listing}/submit', None),
        ('POST', f'/listings/{listing}/withdraw', None),
        ('POST', f'/listings/{listing}/delist', None),
        ('PUT', f'/listings/{listing}/stock', {'available_quantity': 5}),
        ('GET', f'/listings/{listing}/price-changes', None),
        ('POST', f'/listings/{listing}/price-changes', {'tiers': tiers}),
        ('POST', f'/listings/{listing}/media', None),
        ('GET', f'/listings/{listing}/media/{media}', None),
        ('DELETE', f'/listings/{listing}/media/{media}', None),
        ('GET', '/catalog/search', None),
        ('GET', f'/catalog/listings/{listing}', None),
        ('GET', f'/catalog/listings/{listing}/media/{media}', None),
        ('GET', f'/catalog/compare?ids={listing}', None),
        ('GET', '/catalog/categories', None),
        ('GET', '/favourites', None),
        ('POST', '/favourites', {'listing': listing}),
        ('DELETE', f'/favourites/{listing}', None),
        ('GET', '/recommendations', None),
        ]


def _body(**values):
    "A complete new listing"
    body = {
        'name': "普通硅酸盐水泥 P.O 42.5", 'name_en': "Portland cement",
        'reference': None, 'category': None, 'brand': "海螺",
        'model': "P.O 42.5", 'specs': {'grade': '42.5', 'bag_weight': 50},
        'uom': 'u', 'tiers': [{'quantity': 1, 'unit_price': 500},
            {'quantity': 10, 'unit_price': '450.5'}],
        'moq': 2, 'order_multiple': 2, 'lead_time': 5,
        'province': 'JS', 'city': "苏州", 'valid_from': '2026-01-01',
        'valid_to': None, 'carbon_footprint': 0.82,
        'carbon_source': "LCA 2025", 'description': "袋装 50 kg",
        'services': [{'kind': 'installation', 'description': "上门",
                'price': 100}],
        'available_quantity': 500, 'low_stock_threshold': 20,
        }
    body.update(values)
    return body


def _request(client, method, path, payload):
    if path.endswith('/media'):
        return client.call(method, path, data=PNG,
            content_type='image/png')
    if path == '/listing-imports':
        return client.call(method, path, data={
                'file': (io.BytesIO(_csv(_row())), 'sweep.csv')})
    return client.call(method, path, payload)


def _row(**values):
    "A row of an import file, texts by column key"
    return {'reference': 'IMP-1', 'name': "导入水泥", 'category': "水泥",
        'uom': 'u', 'tiers': '1:300; 10:280', 'moq': '1', **values}


def _csv(*rows):
    return importing.export(list(rows), 'csv', 'en')


def _snapshot(member_id):
    "What the API could change of a supplier's listings"
    Listing = Pool().get(LISTING)
    Favourite = Pool().get('s2b2b.listing.favourite')
    listings = Listing.search([('supplier', '=', member_id)],
        order=[('id', 'ASC')])
    return ([(l.id, l.state, l.name, l.brand, tuple(l.tiers),
                l.available_quantity, len(l.media), len(l.price_changes))
            for l in listings],
        Favourite.search([], count=True))


def _count(model, domain=None):
    return committed(
        lambda: Pool().get(model).search(domain or [], count=True))


def _read(record_id, field, model=LISTING):
    return committed(lambda: getattr(Pool().get(model)(record_id), field))


def _call(func, *args):
    def run():
        Model = Pool().get(LISTING)
        getattr(Model, func)([Model(a) for a in args])
    committed(run)


class CatalogApiTestCase(DatabaseTestCase, ApiAssertions):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def _new(self, **values):
        "A new draft of supplier A through the API: its JSON"
        body = _body(category=self.ids.cement, **values)
        response = ApiClient(self.ids.a).call('POST', '/listings', body)
        self.assertEqual(response.status_code, 201, response.data)
        return response.json

    def test_every_route_swept(self):
        "The sweeps of this file cover every catalog route"
        swept = {(m, re.sub(r'\?.*', '', p)) for m, p, _ in endpoints(
                '{listing_id}', '{media_id}', '{import_id}')}
        self.assertEqual(swept, api_routes(catalog_api))

    def test_openapi_lists_routes(self):
        document = Client(app).get(
            f'/{DB_NAME}/s2b2b/api/v1/openapi.json').json
        described = {(m.upper(), p) for p, item in document['paths'].items()
            for m in item}
        self.assertLessEqual(api_routes(catalog_api), described)
        operation = document['paths']['/listings']['post']
        self.assertEqual(operation['security'],
            [{'bearerAuth': ['listings:write']}])
        self.assertIn('422', operation['responses'])
        scopes = document['components']['securitySchemes']['bearerAuth']
        self.assertIn('catalog:read', scopes['description'])

    def test_create_and_read(self):
        listing = self._new()
        self.assertEqual(listing['state'], 'draft')
        self.assertEqual(listing['name'], "普通硅酸盐水泥 P.O 42.5")
        self.assertEqual(listing['category']['id'], self.ids.cement)
        self.assertEqual(listing['specs'], {'grade': '42.5', 'bag_weight': 50})
        self.assertEqual(listing['uom']['symbol'], 'u')
        self.assertEqual(listing['tiers'], [
                {'quantity': 1, 'unit_price': '500.0000'},
                {'quantity': 10, 'unit_price': '450.5000'}])
        self.assertEqual(listing['price_from'], '500.0000')
        self.assertEqual(Decimal(listing['price_from']), Decimal(500))
        self.assertEqual((listing['moq'], listing['lead_time'],
                listing['province'], listing['valid_from']),
            (2, 5, 'JS', '2026-01-01'))
        self.assertEqual(Decimal(listing['carbon_footprint']),
            Decimal('0.82'))
        self.assertEqual(listing['services'][0]['kind'], 'installation')
        self.assertEqual(listing['stock_status'], 'in_stock')
        self.assertEqual(_read(listing['id'], 'supplier').id,
            self.ids.member_a)
        client = ApiClient(self.ids.a)
        self.assertEqual(
            client.call('GET', f"/listings/{listing['id']}").json, listing)
        mine = client.call('GET', '/listings?state=draft&per_page=100').json
        ids = [l['id'] for l in mine['items']]
        self.assertIn(listing['id'], ids)
        self.assertIn(self.ids.a_draft, ids)
        self.assertNotIn(self.ids.a_published, ids)
        self.assertNotIn(self.ids.b_draft, ids)
        found = client.call('GET', '/listings?q=Portland').json['items']
        self.assertIn(listing['id'], [l['id'] for l in found])
        by_category = client.call(
            'GET', f'/listings?category={self.ids.building}').json
        self.assertIn(listing['id'], [l['id'] for l in by_category['items']])
        none = client.call('GET', f'/listings?category={self.ids.cable}')
        self.assertEqual(none.json['total'], 0)
        for query in ['state=nope', 'category=x', 'page=0']:
            with self.subTest(query=query):
                self.assertError(client.call('GET', f'/listings?{query}'),
                    400)

    def test_create_errors(self):
        "Refused values answer 400 or 422 with a code; nothing is saved"
        client = ApiClient(self.ids.a)
        count = _count(LISTING)
        cement = self.ids.cement
        cases = [
            (_body(category=cement, tiers=[
                        {'quantity': 1, 'unit_price': -5}]),
                422, 'invalid_tiers'),
            (_body(category=cement, tiers=[
                        {'quantity': 1, 'unit_price': 5},
                        {'quantity': 10, 'unit_price': 6}]),
                422, 'invalid_tiers'),
            (_body(category=cement, specs={'grade': '99'}),
                422, 'invalid_spec'),
            (_body(category=cement, specs={'voltage': 380}),
                422, 'invalid_spec'),
            (_body(category=10 ** 9), 422, 'unknown_category'),
            (_body(category=cement, uom='no-such-unit'), 422, 'unknown_uom'),
            (_body(category=cement, tiers=[]), 400, 'invalid'),
            (_body(category=cement, tiers=[{'quantity': 1}]), 400,
                'invalid'),
            (_body(category=cement, name=''), 400, 'invalid'),
            (_body(category=cement, moq=0), 400, 'invalid'),
            (_body(category=cement, lead_time=1.5), 400, 'invalid'),
            (_body(category=cement, province='XX'), 400, 'invalid'),
            (_body(category=cement, valid_from='1/1/2026'), 400, 'invalid'),
            (_body(category=cement, services=[{'kind': 'x'}]), 400,
                'invalid'),
            (_body(category=cement, supplier=self.ids.member_b), 400,
                'invalid'),
            (_body(category=cement, valid_from='2026-02-01',
                    valid_to='2026-01-01'), 422, 'invalid'),
            ]
        for body, status, code in cases:
            with self.subTest(body={k: v for k, v in body.items()
                        if v != _body().get(k)}):
                error = self.assertError(
                    client.call('POST', '/listings', body), status, code)
                self.assertNotIn('Traceback', error['message'])
        self.assertError(client.call('POST', '/listings', data='{}',
                content_type='text/plain'), 415, 'unsupported_media_type')
        self.assertEqual(_count(LISTING), count)
        message = client.call('POST', '/listings',
            _body(category=cement, specs={'grade': '99'}),
            headers={'Accept-Language': 'en'}).json['error']['message']
        self.assertIn('99', message)

    def test_update_and_workflow(self):
        client = ApiClient(self.ids.a)
        listing = self._new(reference='WF-1')
        path = f"/listings/{listing['id']}"
        response = client.call('PATCH', path, {'brand': "华新",
                'tiers': [{'quantity': 5, 'unit_price': 300}],
                'services': []})
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.json['brand'], "华新")
        self.assertEqual(response.json['tiers'],
            [{'quantity': 5, 'unit_price': '300.0000'}])
        self.assertEqual(response.json['services'], [])
        self.assertError(client.call('PATCH', path,
                {'tiers': [{'quantity': -1, 'unit_price': 3}]}), 422,
            'invalid_tiers')
        self.assertEqual(_read(listing['id'], 'tiers'),
            [(5, Decimal(300))])
        submitted = client.call('POST', path + '/submit')
        self.assertEqual(submitted.json['state'], 'submitted')
        self.assertError(client.call('PATCH', path, {'brand': "X"}), 409,
            'invalid_state')
        self.assertError(client.call('DELETE', path), 409, 'invalid_state')
        self.assertError(client.call('POST', path + '/submit'), 409)
        self.assertError(client.call('POST', path + '/delist'), 409)
        self.assertEqual(_read(listing['id'], 'brand'), "华新")
        withdrawn = client.call('POST', path + '/withdraw')
        self.assertEqual(withdrawn.json['state'], 'draft')
        client.call('POST', path + '/submit')
        _call('publish', listing['id'])
        self.assertError(client.call('POST', path + '/withdraw'), 409)
        delisted = client.call('POST', path + '/delist')
        self.assertEqual(delisted.json['state'], 'delisted')
        other = self._new()
        self.assertEqual(client.call(
                'DELETE', f"/listings/{other['id']}").status_code, 204)
        self.assertError(client.call('GET', f"/listings/{other['id']}"),
            404, 'not_found')

    def test_stock(self):
        client = ApiClient(self.ids.a)
        path = f'/listings/{self.ids.a_published}/stock'
        response = client.call('PUT', path,
            {'available_quantity': 8, 'low_stock_threshold': 10})
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.json['stock_status'], 'low')
        self.assertEqual(response.json['state'], 'published')
        for payload in [{}, {'available_quantity': -1},
                {'available_quantity': 'x'}, {'name': "X"}]:
            with self.subTest(payload=payload):
                self.assertError(client.call('PUT', path, payload), 400)
        self.assertEqual(_read(self.ids.a_published, 'available_quantity'),
            8)
        client.call('PUT', path, {'available_quantity': 100})

    def test_price_changes(self):
        client = ApiClient(self.ids.a)
        listing = committed(lambda: create_listing(
                Pool().get('s2b2b.member')(self.ids.member_a),
                Pool().get('product.category')(self.ids.cement),
                name="调价水泥", tiers=((1, '100'),)).id)
        path = f'/listings/{listing}/price-changes'
        small = client.call('POST', path,
            {'tiers': [{'quantity': 1, 'unit_price': 105}]})
        self.assertEqual(small.status_code, 201, small.data)
        self.assertEqual(small.json['state'], 'applied')
        self.assertEqual(_read(small.json['id'], 'requested_by',
                's2b2b.listing.price_change').id, self.ids.user_a)
        self.assertEqual(_read(listing, 'tiers'), [(1, Decimal(105))])
        large = client.call('POST', path,
            {'tiers': [{'quantity': 1, 'unit_price': 200}]})
        self.assertEqual(large.json['state'], 'pending')
        later = (dt.date.today() + dt.timedelta(days=7)).isoformat()
        future = client.call('POST', path, {'effective_date': later,
                'tiers': [{'quantity': 1, 'unit_price': 100}]})
        self.assertEqual((future.json['state'],
                future.json['effective_date']), ('approved', later))
        self.assertEqual(_read(listing, 'tiers'), [(1, Decimal(105))])
        history = client.call('GET', path).json
        self.assertEqual(history['total'], 3)
        self.assertEqual(history['items'][0]['new_tiers'],
            [{'quantity': 1, 'unit_price': '100.0000'}])
        count = _count('s2b2b.listing.price_change')
        past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
        for payload, status in [
                ({'tiers': [{'quantity': 1, 'unit_price': -1}]}, 422),
                ({'tiers': [{'quantity': 1, 'unit_price': 1}],
                        'effective_date': past}, 422),
                ({'tiers': 'cheap'}, 400), ({}, 400)]:
            with self.subTest(payload=payload):
                self.assertError(client.call('POST', path, payload), status)
        draft = f'/listings/{self.ids.a_draft}/price-changes'
        self.assertError(client.call('POST', draft,
                {'tiers': [{'quantity': 1, 'unit_price': 1}]}), 409,
            'invalid_state')
        self.assertEqual(_count('s2b2b.listing.price_change'), count)

    def test_media(self):
        client = ApiClient(self.ids.a)
        listing = self._new()
        path = f"/listings/{listing['id']}/media"
        response = client.call('POST', path + '?filename=front.png',
            data=PNG, content_type='image/png')
        self.assertEqual(response.status_code, 201, response.data)
        medium = response.json
        self.assertEqual((medium['kind'], medium['filename'],
                medium['content_type']), ('image', 'front.png', 'image/png'))
        image = client.call('GET', f"{path}/{medium['id']}")
        self.assertEqual((image.status_code, image.mimetype, image.data),
            (200, 'image/png', PNG))
        form = client.call('POST', path,
            data={'file': (io.BytesIO(JPEG), '侧面.jpg')})
        self.assertEqual(form.status_code, 201, form.data)
        self.assertEqual(form.json['content_type'], 'image/jpeg')
        count = _count('s2b2b.listing.media')
        self.assertError(client.call('POST', path,
                data=PNG + b'\0' * (2 * 1024 * 1024),
                content_type='image/png'), 413, 'file_too_large')
        self.assertError(client.call('POST', path, data=b'%PDF-1.4 text',
                content_type='image/png'), 415, 'file_type')
        self.assertError(client.call('POST', path,
                data={'file': (io.BytesIO(b'plain'), 'a.png')}), 415,
            'file_type')
        self.assertError(client.call('POST', path, data=PNG,
                content_type='text/plain'), 415, 'unsupported_media_type')
        self.assertEqual(_count('s2b2b.listing.media'), count)
        self.assertEqual(client.call('DELETE',
                f"{path}/{medium['id']}").status_code, 204)
        self.assertError(client.call('GET', f"{path}/{medium['id']}"), 404)
        published = f'/listings/{self.ids.a_published}/media'
        self.assertError(client.call('POST', published, data=PNG,
                content_type='image/png'), 409, 'invalid_state')

    def test_tenant_sweep(self):
        "A's key with B's listing ids finds nothing and changes nothing"
        client = ApiClient(self.ids.a)
        before = committed(lambda: _snapshot(self.ids.member_b))
        for listing in [self.ids.b_published, self.ids.b_draft,
                self.ids.b_submitted, 10 ** 9]:
            for method, path, payload in endpoints(listing,
                    self.ids.b_media, self.ids.b_import):
                if not re.match(r'/listing[-a-z]*/\d', path):
                    continue
                with self.subTest(method=method, path=path):
                    self.assertError(_request(client, method, path, payload),
                        404, 'not_found')
        self.assertEqual(
            committed(lambda: _snapshot(self.ids.member_b)), before)
        mine = client.call('GET', '/listings?per_page=100').json['items']
        self.assertEqual({l['id'] for l in mine} & {self.ids.b_published,
                self.ids.b_draft, self.ids.b_submitted}, set())

    def test_member_kinds(self):
        "Buyers cannot manage listings, suppliers cannot search as buyers"
        buyer, supplier = ApiClient(self.ids.c), ApiClient(self.ids.a)
        before = committed(lambda: _snapshot(self.ids.member_a))
        for method, path, payload in endpoints(self.ids.a_draft):
            with self.subTest(method=method, path=path):
                if path.startswith('/listing'):
                    self.assertError(_request(buyer, method, path, payload),
                        403, 'not_supplier')
                elif path != '/catalog/categories':
                    self.assertError(_request(
                            supplier, method, path, payload), 403,
                        'not_buyer')
        self.assertEqual(
            committed(lambda: _snapshot(self.ids.member_a)), before)

    def test_scopes(self):
        "Without the scope of a route its key answers 403, nothing changes"
        before = committed(lambda: _snapshot(self.ids.member_a))
        for token, listing in [(self.ids.a_none, self.ids.a_draft),
                (self.ids.c_none, self.ids.b_published)]:
            client = ApiClient(token)
            for method, path, payload in endpoints(listing):
                with self.subTest(method=method, path=path):
                    self.assertError(_request(client, method, path, payload),
                        403, 'insufficient_scope')
        self.assertEqual(
            committed(lambda: _snapshot(self.ids.member_a)), before)
        self.assertError(ApiClient().call('GET', '/catalog/search'), 401)

    def test_buyer_sees_published_only(self):
        client = ApiClient(self.ids.c)
        for listing in [self.ids.a_draft, self.ids.b_draft,
                self.ids.b_submitted, 10 ** 9]:
            with self.subTest(listing=listing):
                self.assertError(client.call(
                        'GET', f'/catalog/listings/{listing}'), 404,
                    'not_found')
                self.assertError(client.call(
                        'GET', f'/catalog/compare?ids={listing}'), 404)
                self.assertError(client.call('POST', '/favourites',
                        {'listing': listing}), 404)
        response = client.call('GET',
            f'/catalog/listings/{self.ids.b_published}')
        self.assertEqual(response.status_code, 200, response.data)
        listing = response.json
        self.assertEqual(listing['supplier']['id'], self.ids.member_b)
        self.assertNotIn('reference', listing)
        self.assertNotIn('state', listing)
        image = client.call('GET', listing['media'][0]['url'].split(
                '/s2b2b/api/v1')[1])
        self.assertEqual((image.status_code, image.data), (200, PNG))
        found = client.call('GET', '/catalog/search?per_page=100').json
        ids = {l['id'] for l in found['items']}
        self.assertIn(self.ids.b_published, ids)
        self.assertFalse(ids & {self.ids.a_draft, self.ids.b_draft,
                self.ids.b_submitted})

    def test_search(self):
        client = ApiClient(self.ids.c)
        response = client.call('GET', '/catalog/search?q=电缆')
        self.assertEqual(response.status_code, 200, response.data)
        result = response.json
        self.assertEqual([l['id'] for l in result['items']],
            [self.ids.b_published])
        self.assertEqual(result['total'], 1)
        self.assertEqual(result['facets']['province'], {'ZJ': 1})
        self.assertEqual(result['facets']['category'],
            {str(self.ids.cable): 1})
        self.assertIs(result['fuzzy'], False)
        a, b = self.ids.a_published, self.ids.b_published
        for query, included, excluded in [
                (f'category={self.ids.building}', a, b),
                ('spec.grade=42.5', a, b), ('spec.voltage=380', b, a),
                ('province=JS,SH', a, b), ('lead_time_max=5', a, b),
                ('price_min=60&price_max=90', b, a),
                ('quantity=100&price_max=75', b, a),
                ('quantity=1&price_min=400', a, b),
                ('in_stock=true&standing=standard&sort=price', b, None)]:
            with self.subTest(query=query):
                response = client.call('GET', f'/catalog/search?{query}')
                ids = [l['id'] for l in response.json['items']]
                self.assertIn(included, ids)
                self.assertNotIn(excluded, ids)
                self.assertEqual(response.json['total'], len(ids))
        for query, name in [('price_min=abc', 'price_min'),
                ('price_max=-1', 'price_max'), ('category=x', 'category'),
                ('category=999999999', 'category'),
                ('spec.grade=99', 'spec.grade'),
                ('spec.nothing=1', 'spec.nothing'),
                ('province=XX', 'province'), ('in_stock=maybe', 'in_stock'),
                ('standing=gold', 'standing'), ('sort=random', 'sort'),
                ('lead_time_max=1.5', 'lead_time_max')]:
            with self.subTest(query=query):
                error = self.assertError(client.call(
                        'GET', f'/catalog/search?{query}'), 400,
                    'invalid_filter')
                self.assertIn(name, error['message'])

    def test_compare(self):
        client = ApiClient(self.ids.c)
        ids = f'{self.ids.a_published},{self.ids.b_published}'
        response = client.call('GET', f'/catalog/compare?ids={ids}')
        self.assertEqual(response.status_code, 200, response.data)
        result = response.json
        self.assertEqual([l['id'] for l in result['items']],
            [self.ids.a_published, self.ids.b_published])
        rows = {r['name']: r['values'] for r in result['specs']}
        self.assertEqual(rows['grade'], ['P.O 42.5', None])
        self.assertEqual(rows['voltage'], [None, '380 V'])
        many = ','.join([str(self.ids.a_published),
                str(self.ids.b_published), '7', '8', '9'])
        self.assertError(client.call('GET', f'/catalog/compare?ids={many}'),
            400, 'too_many')
        for query in ['', '?ids=', '?ids=a,b', '?ids=0']:
            with self.subTest(query=query):
                self.assertError(client.call(
                        'GET', f'/catalog/compare{query}'), 400)

    def test_categories(self):
        response = ApiClient(self.ids.a).call('GET', '/catalog/categories',
            headers={'Accept-Language': 'en'})
        self.assertEqual(response.status_code, 200, response.data)
        roots = {c['name_en']: c for c in response.json['items']}
        building = roots["Building Materials"]
        self.assertEqual(building['name_zh'], "建材")
        cement, = building['children']
        self.assertEqual((cement['name_en'], cement['name_zh'],
                cement['parent']), ("Cement", "水泥", building['id']))
        attributes = {a['name']: a for a in cement['attributes']}
        self.assertEqual(attributes['grade']['type'], 'selection')
        self.assertEqual([v['value'] for v in attributes['grade']['values']],
            ['42.5', '52.5'])
        self.assertEqual(attributes['bag_weight']['unit'], 'kg')
        self.assertIsNone(attributes['bag_weight']['values'])

    def test_favourites_and_recommendations(self):
        client = ApiClient(self.ids.c)
        listing = self.ids.b_published
        added = client.call('POST', '/favourites', {'listing': listing})
        self.assertEqual(added.status_code, 201, added.data)
        self.assertEqual(added.json['listing']['id'], listing)
        again = client.call('POST', '/favourites', {'listing': listing})
        self.assertEqual(again.status_code, 200)
        self.assertEqual(_read(listing, 'favourite_count'), 1)
        page = client.call('GET', '/favourites').json
        self.assertEqual([f['listing']['id'] for f in page['items']],
            [listing])
        for payload in [{}, {'listing': 'x'}, {'listing': 1, 'x': 1}]:
            with self.subTest(payload=payload):
                self.assertError(
                    client.call('POST', '/favourites', payload), 400)
        recommended = client.call('GET', '/recommendations')
        self.assertEqual(recommended.status_code, 200, recommended.data)
        items = recommended.json['items']
        self.assertIn(self.ids.a_published,
            [r['listing']['id'] for r in items])
        self.assertTrue(all(r['reason'] and r['kind'] in {
                    'history', 'similar', 'popular'} for r in items))
        self.assertNotIn(listing, [r['listing']['id'] for r in items])
        self.assertEqual(client.call(
                'DELETE', f'/favourites/{listing}').status_code, 204)
        self.assertError(client.call('DELETE', f'/favourites/{listing}'),
            404)
        self.assertEqual(client.call('GET', '/favourites').json['total'], 0)
        self.assertEqual(_read(listing, 'favourite_count'), 0)

    def test_import_and_export(self):
        client = ApiClient(self.ids.a)
        count = _count(LISTING, [('supplier', '=', self.ids.member_a)])
        response = client.call('POST', '/listing-imports', data={
                'file': (io.BytesIO(_csv(_row(), _row(reference='IMP-2',
                                name="导入水泥二"))), '商品.csv')})
        self.assertEqual(response.status_code, 202, response.data)
        done = response.json
        self.assertEqual((done['state'], done['finished'],
                done['total_rows'], done['processed_rows'],
                done['created_count'], done['error_count'],
                done['errors_url']), ('done', True, 2, 2, 2, 0, None))
        self.assertEqual(_read(done['id'], 'web_user',
                's2b2b.listing.import').id, self.ids.user_a)
        self.assertTrue(response.headers['Location'].endswith(
                f"/listing-imports/{done['id']}"))
        self.assertEqual(client.call(
                'GET', f"/listing-imports/{done['id']}").json, done)
        self.assertEqual(_count(LISTING,
                [('supplier', '=', self.ids.member_a)]), count + 2)
        self.assertError(client.call(
                'GET', f"/listing-imports/{done['id']}/errors"), 404)
        raw = client.call('POST', '/listing-imports?filename=bad.csv',
            data=_csv(_row(reference='IMP-3', tiers='1:-5'),
                _row(reference='IMP-4', category="没有")),
            content_type='text/csv')
        self.assertEqual(raw.status_code, 202, raw.data)
        failed = raw.json
        self.assertEqual((failed['state'], failed['error_count'],
                failed['created_count']), ('failed', 2, 0))
        self.assertTrue(failed['message'])
        errors = client.call('GET',
            failed['errors_url'].split('/s2b2b/api/v1')[1])
        self.assertEqual(errors.status_code, 200)
        self.assertEqual(errors.data[:2], b'PK')
        self.assertEqual(_count(LISTING,
                [('supplier', '=', self.ids.member_a)]), count + 2)
        export = client.call('GET', '/listings/export?format=csv')
        self.assertEqual((export.status_code, export.mimetype),
            (200, 'text/csv'))
        self.assertIn("导入水泥二", export.data.decode('utf-8-sig'))
        self.assertNotIn("远东电缆", export.data.decode('utf-8-sig'))
        xlsx = client.call('GET', '/listings/export')
        self.assertEqual(xlsx.data[:2], b'PK')
        self.assertError(client.call('GET', '/listings/export?format=pdf'),
            400)

    def test_import_errors(self):
        client = ApiClient(self.ids.a)
        count = _count('s2b2b.listing.import')
        for data, status, code in [
                ({'file': (io.BytesIO(b'%PDF-1.4'), 'a.pdf')}, 415,
                    'file_type'),
                ({'file': (io.BytesIO(b'a,b\n1,2\n'), 'a.csv')}, 422,
                    'invalid_file'),
                ({'file': (io.BytesIO(_csv()), 'empty.csv')}, 422,
                    'invalid_file'),
                ({'note': (io.BytesIO(b'x'), 'a.csv')}, 400, 'invalid')]:
            with self.subTest(data=data):
                self.assertError(client.call('POST', '/listing-imports',
                        data=data), status, code)
        self.assertError(client.call('POST', '/listing-imports',
                data=b'x', content_type='text/plain'), 415,
            'unsupported_media_type')
        self.assertEqual(_count('s2b2b.listing.import'), count)
