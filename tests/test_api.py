# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Member API v1: keys, every endpoint, errors, idempotency, tenant isolation"
import base64
import datetime as dt
import io
import re
from types import SimpleNamespace

from common import (
    DB_NAME, PASSWORD, DatabaseTestCase, PortalClient, committed)
from openapi_spec_validator import validate
from werkzeug.test import Client

from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member)
from trytond.modules.s2b2b_portal import api
from trytond.modules.s2b2b_portal.apikey import SCOPES
from trytond.pool import Pool
from trytond.wsgi import app

ALL_SCOPES = [s for s, _ in SCOPES]
READ_SCOPES = [s for s in ALL_SCOPES if s.endswith(':read')]
PDF = b'%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'
PNG = b'\x89PNG\r\n\x1a\n' + b'\0' * 32
PREFIX = '/<database_name>/s2b2b/api/v1'
TOKEN_RE = re.compile(r's2b2b_[0-9a-f]{12}_[A-Za-z0-9_-]{43}')


def _setup():
    pool = Pool()
    ApiKey = pool.get('s2b2b.api.key')
    Document = pool.get('s2b2b.member.document')
    WebUser = pool.get('web.user')
    create_document_types()
    a = create_member("苏州精工 Jinggong", 1, kind='supplier', users=3)
    b = create_member("深圳华辰 Huachen", 2, kind='buyer', users=2)
    Document.write(list(a.documents + b.documents),
        {'file': PDF, 'file_name': 'license.pdf'})
    WebUser.write(list(a.web_users + b.web_users),
        {'password_hash': WebUser.hash_password(PASSWORD)})
    keys = {name: ApiKey.generate(member, name, scopes)[1]
        for name, member, scopes in [
            ('full', a, ALL_SCOPES), ('read', a, READ_SCOPES),
            ('b_key', b, ALL_SCOPES)]}
    return SimpleNamespace(a=a.id, b=b.id, **keys,
        a_admin=a.web_users[0].id, a_user=a.web_users[1].id,
        a_document=a.documents[0].id,
        b_user=b.web_users[1].id, b_document=b.documents[0].id)


def _snapshot(member_id):
    "What the API could change of a member"
    pool = Pool()
    Member = pool.get('s2b2b.member')
    WebUser = pool.get('web.user')
    Document = pool.get('s2b2b.member.document')
    member = Member(member_id)
    users = WebUser.search([('s2b2b_member', '=', member_id),
            ('active', 'in', [True, False])], order=[('id', 'ASC')])
    documents = Document.search([('member', '=', member_id)],
        order=[('id', 'ASC')])
    return (
        [member.contact_name, member.contact_email, member.contact_phone],
        [(u.id, u.email, tuple(u.s2b2b_roles or ()), u.active)
            for u in users],
        [(d.id, d.number, d.file_id) for d in documents])


def _read(model, record_id, field):
    return committed(lambda: getattr(Pool().get(model)(record_id), field))


def _write(model, record_id, values):
    def write():
        Model = Pool().get(model)
        Model.write([Model(record_id)], values)
    committed(write)


def _upload(type_='business_license', number='BL-NEW', data=PDF, **extra):
    return {'type': type_, 'number': number, 'valid_from': '2026-01-01',
        'valid_to': None, 'file': base64.b64encode(data).decode(),
        'file_name': 'scan.pdf', **extra}


class ApiClient(Client):
    "A program calling the member API with a key"

    def __init__(self, token=None):
        super().__init__(app)
        self.token = token
        self.base = f'/{DB_NAME}/s2b2b/api/v1'

    def call(self, method, path, payload=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault('Authorization', f'Bearer {self.token}')
        if payload is not None:
            kwargs['json'] = payload
        return self.open(self.base + path, method=method, headers=headers,
            **kwargs)


def endpoints(ids):
    "(method, path, body) of every authenticated endpoint, for ids' records"
    return [
        ('GET', '/member', None),
        ('PATCH', '/member', {'contact_phone': '+86 512 0000 0000'}),
        ('GET', '/users', None),
        ('POST', '/users', {'email': 'sweep@x.example.com',
                'roles': ['sales']}),
        ('GET', f'/users/{ids.user}', None),
        ('PATCH', f'/users/{ids.user}', {'roles': ['finance']}),
        ('GET', '/documents', None),
        ('POST', '/documents', _upload(number='SWEEP')),
        ('GET', f'/documents/{ids.document}', None),
        ('GET', f'/documents/{ids.document}/file', None),
        ('GET', '/document-types', None),
        ]


def api_routes(module=None):
    "(method, OpenAPI path) of every route of the API (or of a module)"
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + '/') or \
                rule.endpoint is api.fallback:
            continue
        if module and rule.endpoint.__module__ != module.__name__:
            continue
        path = re.sub(r'<(?:[^:>]+:)?([^>]+)>', r'{\1}',
            rule.rule[len(PREFIX):])
        routes.update((m, path) for m in rule.methods
            if m not in {'HEAD', 'OPTIONS'})
    return routes


class ApiAssertions:
    "Checks of the JSON errors, for TestCase classes"

    def assertError(self, response, status, code=None):
        self.assertEqual(response.status_code, status, response.data[:300])
        self.assertTrue(response.content_type.startswith('application/json'))
        error = response.json['error']
        self.assertEqual(set(error), {'code', 'message'})
        self.assertTrue(error['message'])
        if code:
            self.assertEqual(error['code'], code)
        return error


class ApiTestCase(DatabaseTestCase, ApiAssertions):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def test_every_endpoint_in_sweeps(self):
        "The sweeps below cover every authenticated route"
        ids = SimpleNamespace(user='{user_id}', document='{document_id}')
        swept = {(m, p) for m, p, _ in endpoints(ids)}
        public = {('GET', '/health'), ('GET', '/openapi.json')}
        self.assertEqual(swept | public, api_routes(api))

    def test_unauthenticated(self):
        "Without a valid key every endpoint answers 401, nothing else"
        ids = SimpleNamespace(user=self.ids.a_user,
            document=self.ids.a_document)
        before = committed(lambda: _snapshot(self.ids.a))
        for header in [None, 'Bearer', 'Bearer nonsense',
                f'Basic {self.ids.full}', f'Bearer {self.ids.full}x',
                'Bearer s2b2b_000000000000_' + 'x' * 43]:
            client = ApiClient()
            headers = {'Authorization': header} if header else {}
            for method, path, payload in endpoints(ids):
                with self.subTest(header=header, method=method, path=path):
                    response = client.call(method, path, payload,
                        headers=headers)
                    self.assertError(response, 401, 'unauthorized')
                    self.assertIn('Bearer',
                        response.headers['WWW-Authenticate'])
        self.assertEqual(committed(lambda: _snapshot(self.ids.a)), before)

    def test_key_lifecycle(self):
        "A new key works until revoked or expired; scopes are enforced"
        ApiKey = 's2b2b.api.key'

        def generate():
            key, token = Pool().get(ApiKey).generate(
                self.ids.a, "Lifecycle", ['member:read'])
            return key.id, token
        key_id, token = committed(generate)
        client = ApiClient(token)
        self.assertEqual(client.call('GET', '/member').status_code, 200)
        self.assertError(client.call('GET', '/users'), 403,
            'insufficient_scope')
        self.assertError(client.call('PATCH', '/member',
                {'contact_name': 'X'}), 403, 'insufficient_scope')
        _write(ApiKey, key_id,
            {'expires': dt.datetime.now() - dt.timedelta(seconds=1)})
        self.assertError(client.call('GET', '/member'), 401, 'unauthorized')
        _write(ApiKey, key_id, {'expires': None})
        self.assertEqual(client.call('GET', '/member').status_code, 200)
        committed(lambda: Pool().get(ApiKey).revoke(
                [Pool().get(ApiKey)(key_id)]))
        self.assertError(client.call('GET', '/member'), 401, 'unauthorized')

    def test_last_used_at_once_a_minute(self):
        ApiKey = 's2b2b.api.key'
        key_id = committed(lambda: Pool().get(ApiKey).search(
                [('name', '=', 'read')])[0].id)
        client = ApiClient(self.ids.read)
        self.assertEqual(client.call('GET', '/member').status_code, 200)
        used = _read(ApiKey, key_id, 'last_used_at')
        self.assertLess(dt.datetime.now() - used, dt.timedelta(minutes=1))
        recent = dt.datetime.now() - dt.timedelta(seconds=30)
        _write(ApiKey, key_id, {'last_used_at': recent})
        client.call('GET', '/member')
        self.assertEqual(_read(ApiKey, key_id, 'last_used_at'), recent)
        old = dt.datetime.now() - dt.timedelta(minutes=2)
        _write(ApiKey, key_id, {'last_used_at': old})
        client.call('GET', '/document-types')
        self.assertGreater(_read(ApiKey, key_id, 'last_used_at'), recent)

    def test_terminated_member(self):
        "Keys of a terminated member stop working"
        def terminated_member():
            pool = Pool()
            ApiKey = pool.get('s2b2b.api.key')
            Member = pool.get('s2b2b.member')
            member = create_member("Closing", 3)
            _, token = ApiKey.generate(member, "K", ['member:read'])
            member.reason = "Closed"
            member.save()
            Member.terminate([member])
            return token
        client = ApiClient(committed(terminated_member))
        self.assertError(client.call('GET', '/member'), 401, 'unauthorized')

    def test_member(self):
        client = ApiClient(self.ids.full)
        response = client.call('GET', '/member')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers['Cache-Control'], 'no-store')
        member = response.json
        self.assertEqual(member['id'], self.ids.a)
        self.assertEqual(member['name'], "苏州精工 Jinggong")
        self.assertEqual((member['kind'], member['state']),
            ('supplier', 'approved'))
        self.assertEqual(len(member['company_code']), 18)
        response = client.call('PATCH', '/member', {
                'contact_name': " 王经理 ", 'contact_email': 'wang@1.example.com',
                'contact_phone': None})
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.json['contact_name'], "王经理")
        self.assertEqual(_read('s2b2b.member', self.ids.a, 'contact_email'),
            'wang@1.example.com')
        for payload in [{'name': "Renamed"}, {'state': 'approved'},
                {'contact_name': 12}, {'contact_name': 'x' * 256},
                {'contact_email': 'not an e-mail'}]:
            with self.subTest(payload=payload):
                self.assertError(
                    client.call('PATCH', '/member', payload), 400)
        self.assertEqual(_read('s2b2b.member', self.ids.a, 'contact_name'),
            "王经理")

    def test_users(self):
        client = ApiClient(self.ids.full)
        page = client.call('GET', '/users').json
        self.assertGreaterEqual(page['total'], 3)
        self.assertTrue(all(u['email'].endswith('@1.example.com')
                or u['email'].endswith('x.example.com')
                for u in page['items']))
        response = client.call('POST', '/users',
            {'email': 'Invited@1.Example.com', 'roles': ['sales', 'finance']})
        self.assertEqual(response.status_code, 201, response.data)
        user = response.json
        self.assertEqual(user['email'], 'invited@1.example.com')
        self.assertEqual(user['roles'], ['finance', 'sales'])
        self.assertTrue(user['active'])
        self.assertTrue(user['invitation_pending'])
        self.assertTrue(response.headers['Location'].endswith(
                f"/users/{user['id']}"))
        self.assertEqual(_read('web.user', user['id'], 's2b2b_member').id,
            self.ids.a)
        self.assertEqual(client.call('GET', f"/users/{user['id']}").json,
            user)
        response = client.call('PATCH', f"/users/{user['id']}",
            {'roles': ['warehouse'], 'active': False})
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual((response.json['roles'], response.json['active']),
            (['warehouse'], False))
        self.assertEqual(client.call('GET', f"/users/{user['id']}").json[
                'active'], False)
        inactive = client.call('GET', '/users?active=false').json['items']
        self.assertIn(user['id'], [u['id'] for u in inactive])

    def test_user_errors(self):
        client = ApiClient(self.ids.full)
        for payload in [{'email': 'invited2@1.example.com'},
                {'email': 'x@1.example.com', 'roles': ['root']},
                {'email': 'x@1.example.com', 'roles': []},
                {'email': 'user0@1.example.com', 'roles': ['sales']},
                {'email': 'not-an-email', 'roles': ['sales']},
                {'email': 'x@1.example.com', 'roles': ['sales'], 'x': 1}]:
            with self.subTest(payload=payload):
                self.assertError(client.call('POST', '/users', payload), 400)
        for payload in [{'active': 'no'}, {'roles': 'admin'}, {'roles': []},
                {'email': 'x@1.example.com'}]:
            with self.subTest(payload=payload):
                self.assertError(client.call('PATCH',
                        f'/users/{self.ids.a_user}', payload), 400)
        # The member keeps an administrator
        for payload in [{'roles': ['sales']}, {'active': False}]:
            with self.subTest(payload=payload, admin=True):
                self.assertError(client.call('PATCH',
                        f'/users/{self.ids.a_admin}', payload), 400)
        self.assertError(client.call('GET', '/users?active=maybe'), 400)

    def test_documents(self):
        client = ApiClient(self.ids.full)
        page = client.call('GET', '/documents').json
        self.assertIn(self.ids.a_document, [d['id'] for d in page['items']])
        document = client.call('GET', f'/documents/{self.ids.a_document}')
        self.assertEqual(document.status_code, 200)
        document = document.json
        self.assertEqual(document['type'], 'business_license')
        self.assertEqual(document['status'], 'valid')
        self.assertTrue(document['file_url'].endswith(
                f'/s2b2b/api/v1/documents/{self.ids.a_document}/file'))
        response = client.call(
            'GET', f'/documents/{self.ids.a_document}/file')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.mimetype, 'application/pdf')
        self.assertEqual(response.data, PDF)
        self.assertIn('attachment', response.headers['Content-Disposition'])
        response = client.call('POST', '/documents', _upload(
                type_='iso9001', number='ISO-1', issuer="CQC",
                valid_to='2028-12-31'))
        self.assertEqual(response.status_code, 201, response.data)
        created = response.json
        self.assertEqual((created['type'], created['number'],
                created['issuer'], created['valid_to'], created['file_name']),
            ('iso9001', 'ISO-1', "CQC", '2028-12-31', 'scan.pdf'))
        self.assertEqual(_read('s2b2b.member.document', created['id'],
                'member').id, self.ids.a)
        response = client.call('POST', '/documents', data={
                'type': 'iso9001', 'number': 'ISO-2',
                'valid_from': '2026-02-01',
                'file': (io.BytesIO(PNG), '证书.png')})
        self.assertEqual(response.status_code, 201, response.data)
        self.assertEqual(response.json['file_name'], '证书.png')
        file = client.call('GET', f"/documents/{response.json['id']}/file")
        self.assertEqual((file.mimetype, file.data), ('image/png', PNG))

    def test_document_errors(self):
        client = ApiClient(self.ids.full)
        count = committed(lambda: len(_snapshot(self.ids.a)[2]))
        for payload in [_upload(type_='unknown'), _upload(number=''),
                _upload(valid_from='01/02/2026'),
                _upload(valid_to='2020-01-01'), _upload(file='***'),
                {**_upload(), 'file': None}, {**_upload(), 'member': 2}]:
            with self.subTest(payload=payload):
                self.assertError(
                    client.call('POST', '/documents', payload), 400)
        for data in [b'plain text', b'GIF89a' + b'\0' * 20,
                b'PK\x03\x04' + b'\0' * 30]:
            with self.subTest(data=data):
                self.assertError(client.call('POST', '/documents',
                        _upload(data=data)), 415, 'file_type')
        too_big = PDF + b'\0' * api.MAX_FILE_SIZE
        response = client.call('POST', '/documents', data={
                'type': 'iso9001', 'number': 'BIG', 'valid_from': '2026-01-01',
                'file': (io.BytesIO(too_big), 'big.pdf')})
        self.assertError(response, 413, 'file_too_large')
        response = client.call('POST', '/documents', data=b'x' * (
                api.MAX_UPLOAD_SIZE + 1), content_type='application/json')
        self.assertError(response, 413, 'too_large')
        self.assertError(client.call('POST', '/documents', data='type=x',
                content_type='text/plain'), 415, 'unsupported_media_type')
        self.assertEqual(committed(lambda: len(_snapshot(self.ids.a)[2])),
            count)

    def test_document_types(self):
        client = ApiClient(self.ids.read)
        page = client.call('GET', '/document-types').json
        self.assertEqual([t['code'] for t in page['items']],
            ['business_license', 'iso9001'])
        self.assertEqual(page['items'][0]['mandatory'], True)

    def test_pagination(self):
        client = ApiClient(self.ids.full)
        total = client.call('GET', '/users').json['total']
        self.assertGreaterEqual(total, 3)
        seen, url, pages = [], '/users?per_page=2', 0
        while url:
            response = client.call('GET', url)
            self.assertEqual(response.status_code, 200)
            page = response.json
            self.assertEqual(page['total'], total)
            self.assertEqual(page['per_page'], 2)
            self.assertLessEqual(len(page['items']), 2)
            seen += [u['id'] for u in page['items']]
            pages += 1
            url = page['next'] and page['next'].split('/s2b2b/api/v1')[1]
        self.assertEqual(len(seen), total)
        self.assertEqual(len(set(seen)), total)
        self.assertEqual(pages, (total + 1) // 2)
        beyond = client.call('GET', '/users?page=99&per_page=2').json
        self.assertEqual((beyond['items'], beyond['total'], beyond['next']),
            ([], total, None))
        self.assertEqual(client.call('GET', '/users?per_page=100')
            .status_code, 200)
        for query in ['page=0', 'page=-1', 'page=x', 'per_page=0',
                'per_page=101', 'per_page=1.5']:
            with self.subTest(query=query):
                self.assertError(client.call('GET', f'/users?{query}'), 400)

    def test_idempotency(self):
        client = ApiClient(self.ids.full)
        body = {'email': 'once@1.example.com', 'roles': ['sales']}
        headers = {'Idempotency-Key': 'invite-once-1'}
        first = client.call('POST', '/users', body, headers=headers)
        self.assertEqual(first.status_code, 201, first.data)
        again = client.call('POST', '/users', body, headers=headers)
        self.assertEqual(again.status_code, 201)
        self.assertEqual(again.json, first.json)
        self.assertEqual(again.headers['Idempotent-Replayed'], 'true')
        emails = [u['email'] for u in client.call(
                'GET', '/users?per_page=100').json['items']]
        self.assertEqual(emails.count('once@1.example.com'), 1)
        self.assertError(client.call('POST', '/users',
                {**body, 'roles': ['finance']}, headers=headers), 409,
            'idempotency_conflict')
        self.assertError(client.call('POST', '/documents', _upload(),
                headers=headers), 409, 'idempotency_conflict')
        # Another member's same key is another key
        other = ApiClient(self.ids.b_key).call('POST', '/users',
            {'email': 'once@2.example.com', 'roles': ['sales']},
            headers=headers)
        self.assertEqual(other.status_code, 201, other.data)
        # A failed request is not kept: the key may be used again
        retry = {'Idempotency-Key': 'invite-once-2'}
        self.assertError(client.call('POST', '/users',
                {'email': 'once2@1.example.com', 'roles': ['x']},
                headers=retry), 400)
        self.assertEqual(client.call('POST', '/users',
                {'email': 'once2@1.example.com', 'roles': ['sales']},
                headers=retry).status_code, 201)
        for value in ['', 'x' * 256, '键']:
            with self.subTest(key=value):
                self.assertError(client.call('POST', '/users', body,
                        headers={'Idempotency-Key': value}), 400)

    def test_malformed_json(self):
        client = ApiClient(self.ids.full)
        for data in [b'{bad', b'[1, 2]', b'"text"', b'', b'\xff\xfe',
                b'[' * 5000 + b']' * 5000]:
            with self.subTest(data=data[:10]):
                response = client.call('PATCH', '/member', data=data,
                    content_type='application/json')
                self.assertError(response, 400, 'malformed_json')

    def test_wrong_content_type(self):
        client = ApiClient(self.ids.full)
        for method, path in [('PATCH', '/member'), ('POST', '/users'),
                ('PATCH', f'/users/{self.ids.a_user}')]:
            for content_type in ['text/plain',
                    'application/x-www-form-urlencoded']:
                with self.subTest(path=path, content_type=content_type):
                    response = client.call(method, path, data='{}',
                        content_type=content_type)
                    self.assertError(response, 415, 'unsupported_media_type')

    def test_too_large(self):
        client = ApiClient(self.ids.full)
        payload = {'contact_name': 'x' * (api.MAX_JSON_SIZE + 1)}
        self.assertError(client.call('PATCH', '/member', payload), 413,
            'too_large')
        self.assertError(client.call('POST', '/users', {
                    'email': 'big@1.example.com', 'roles': ['sales'],
                    'pad': 'x' * api.MAX_JSON_SIZE}), 413, 'too_large')

    def test_cross_tenant_sweep(self):
        "A's key with B's ids finds nothing and changes nothing of B"
        client = ApiClient(self.ids.full)
        before = committed(lambda: _snapshot(self.ids.b))
        foreign = SimpleNamespace(user=self.ids.b_user,
            document=self.ids.b_document)
        unknown = SimpleNamespace(user=10 ** 9, document=10 ** 9)
        messages = set()
        for ids in [foreign, unknown]:
            for method, path, payload in endpoints(ids):
                if not re.search(r'/\d+', path):
                    continue
                with self.subTest(method=method, path=path):
                    error = self.assertError(
                        client.call(method, path, payload), 404, 'not_found')
                    messages.add((method, path.split('/')[1],
                            error['message']))
        self.assertEqual(len({m for _, _, m in messages}), 1)
        # Endpoints without ids act on A only
        own = SimpleNamespace(user=self.ids.a_user,
            document=self.ids.a_document)
        for method, path, payload in endpoints(own):
            with self.subTest(method=method, path=path, own=True):
                response = client.call(method, path, payload)
                self.assertLess(response.status_code, 300, response.data)
                if response.mimetype == 'application/json':
                    self.assertNotIn('@2.example.com', response.text)
                    self.assertNotIn('深圳华辰', response.text)
        self.assertEqual(committed(lambda: _snapshot(self.ids.b)), before)
        self.assertEqual(ApiClient(self.ids.b_key).call('GET', '/member')
            .json['id'], self.ids.b)

    def test_openapi(self):
        response = Client(app).get(f'/{DB_NAME}/s2b2b/api/v1/openapi.json')
        self.assertEqual(response.status_code, 200)
        document = response.json
        validate(document)
        self.assertTrue(document['servers'][0]['url'].endswith(
                f'/{DB_NAME}/s2b2b/api/v1'))
        described = {(m.upper(), p) for p, item in document['paths'].items()
            for m in item}
        self.assertEqual(api_routes(), described)
        schemes = document['components']['securitySchemes']
        self.assertEqual(schemes['bearerAuth']['scheme'], 'bearer')
        for path, item in document['paths'].items():
            for method, operation in item.items():
                with self.subTest(path=path, method=method):
                    public = path in {'/health', '/openapi.json'}
                    self.assertEqual(operation['security'] == [], public)
                    if not public:
                        self.assertIn('401', operation['responses'])

    def test_unknown_paths_and_methods(self):
        client = ApiClient(self.ids.full)
        for path in ['/nothing', '/users/abc', '/documents/1/x']:
            with self.subTest(path=path):
                self.assertError(client.call('GET', path), 404, 'not_found')
        response = client.call('DELETE', '/member')
        self.assertError(response, 405, 'method_not_allowed')
        self.assertEqual(set(response.headers['Allow'].split(', ')),
            {'GET', 'PATCH'})

    def test_language(self):
        client = ApiClient()
        english = client.call('GET', '/member',
            headers={'Accept-Language': 'en'}).json['error']['message']
        chinese = client.call('GET', '/member',
            headers={'Accept-Language': 'zh-CN'}).json['error']['message']
        self.assertIn('API key', english)
        self.assertNotEqual(english, chinese)
        self.assertRegex(chinese, r'[\u4e00-\u9fff]')


class ApiKeyPageTestCase(DatabaseTestCase, ApiAssertions):
    "Member administrators manage their keys in the portal"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def _admin(self, email='user0@1.example.com'):
        client = PortalClient()
        client.login(email)
        return client

    def test_create_use_revoke(self):
        client = self._admin()
        page = client.get(client.base + '/api-keys')
        self.assertEqual(page.status_code, 200)
        self.assertIn('id="api-key-form"', page.text)
        self.assertIn('<strong>full</strong>', page.text)
        self.assertNotIn('<strong>b_key</strong>', page.text)
        token = client.csrf('/api-keys')
        response = client.post(client.base + '/api-keys', data={
                'csrf_token': token, 'name': "WMS 接口",
                'scopes': ['documents:read', 'member:read'], 'expiry': '30'})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers['Cache-Control'], 'no-store')
        secret = TOKEN_RE.search(response.text).group(0)
        api_client = ApiClient(secret)
        self.assertEqual(api_client.call('GET', '/documents').status_code,
            200)
        self.assertError(api_client.call('GET', '/users'), 403)
        listing = client.get(client.base + '/api-keys').text
        self.assertIn("WMS 接口", listing)
        self.assertNotIn(secret, listing)
        key_id = committed(lambda: Pool().get('s2b2b.api.key').search(
                [('name', '=', "WMS 接口")])[0].id)
        self.assertIn(f'data-key="{key_id}" data-state="active"', listing)
        response = client.submit(f'/api-keys/{key_id}/revoke', {},
            token_from='/api-keys')
        self.assertEqual(response.status_code, 302)
        self.assertIn('done=api_key_revoked', response.headers['Location'])
        self.assertError(api_client.call('GET', '/documents'), 401)
        self.assertIsNotNone(_read('s2b2b.api.key', key_id, 'revoked_at'))

    def test_form_errors(self):
        client = self._admin()
        count = committed(lambda: Pool().get('s2b2b.api.key').search(
                [], count=True))
        for data in [{'name': '', 'scopes': ['member:read']},
                {'name': 'X', 'scopes': []},
                {'name': 'X', 'scopes': ['root']},
                {'name': 'X', 'scopes': ['member:read'], 'expiry': 'x'}]:
            with self.subTest(data=data):
                response = client.submit('/api-keys', data,
                    token_from='/api-keys')
                self.assertEqual(response.status_code, 400)
                self.assertIn('id="error"', response.text)
        self.assertEqual(committed(lambda: Pool().get('s2b2b.api.key')
                .search([], count=True)), count)

    def test_only_admins_and_own_keys(self):
        sales = self._admin('user1@1.example.com')
        self.assertEqual(sales.get(sales.base + '/api-keys').status_code,
            403)
        self.assertEqual(sales.submit('/api-keys', {
                    'name': 'X', 'scopes': ['member:read']}).status_code,
            403)
        client = self._admin()
        b_key = committed(lambda: Pool().get('s2b2b.api.key').search(
                [('member', '=', self.ids.b)])[0].id)
        response = client.submit(f'/api-keys/{b_key}/revoke', {},
            token_from='/api-keys')
        self.assertEqual(response.status_code, 404)
        self.assertIsNone(_read('s2b2b.api.key', b_key, 'revoked_at'))
        response = client.post(client.base + f'/api-keys/{b_key}/revoke')
        self.assertEqual(response.status_code, 403)
        anonymous = PortalClient()
        self.assertEqual(anonymous.get(anonymous.base + '/api-keys')
            .status_code, 302)
