# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Portal pages: registration, password reset, profile, documents, users"
import datetime as dt
import io
import re
from contextlib import contextmanager
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from common import PASSWORD, DatabaseTestCase, PortalClient, committed

from trytond import config
from trytond.modules.s2b2b_platform.tests.tools import (
    company_code, create_document_types, create_member)
from trytond.model import Model
from trytond.pool import Pool
from trytond.transaction import Transaction

SEND = ('trytond.modules.s2b2b_platform.notification.'
    'send_message_transactional')
PDF = b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'
PNG = b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR' + b'\x00' * 32
MB = 1024 * 1024
NEW_PASSWORD = 'Nouveau-2026!'
ERROR_RE = re.compile(r'id="error">([^<]*)<')
URL_RE = re.compile(r'https?://\S+/portal/reset/confirm\?\S+')
MODELS = ['party.party', 's2b2b.member', 'web.user', 's2b2b.member.document',
    's2b2b.notification']


def _members():
    WebUser = Pool().get('web.user')
    create_document_types()
    a = create_member("苏州精工 Jinggong", 1, kind='supplier', users=2)
    b = create_member("深圳华辰 Huachen", 2, kind='buyer', users=1)
    WebUser.write(WebUser.search([]),
        {'password_hash': WebUser.hash_password(PASSWORD)})
    return a.id, b.id, b.documents[0].id


def _types():
    DocumentType = Pool().get('s2b2b.member.document.type')
    return {t.code: t.id for t in DocumentType.search([])}


def counts():
    "How many records of each model a refused request must not change"
    def count():
        with Transaction().set_context(active_test=False):
            return {m: Pool().get(m).search([], count=True) for m in MODELS}
    return committed(count)


def read(model, domain, fields):
    "The values of fields of the records matching domain, in id order"
    def _read():
        Model = Pool().get(model)
        with Transaction().set_context(active_test=False):
            records = Model.search(domain, order=[('id', 'ASC')])
            return [{f: _value(getattr(r, f)) for f in fields}
                for r in records]
    return committed(_read)


def _value(value):
    return value.id if isinstance(value, Model) else value


def mails(send):
    "(to, subject, body) of the e-mails a patched sender was given"
    return [(m['To'], m['Subject'], m.get_content())
        for m in (c.args[0] for c in send.call_args_list)]


def error(response):
    "The error message a page shows"
    return ERROR_RE.search(response.get_data(as_text=True)).group(1)


def link(body):
    "The path and query of the password link of an e-mail body"
    parts = urlsplit(URL_RE.search(body).group(0))
    return f'{parts.path}?{parts.query}', parse_qs(parts.query)


@contextmanager
def upload_max_size(size):
    if not config.has_section('s2b2b_portal'):
        config.add_section('s2b2b_portal')
    config.set('s2b2b_portal', 'upload_max_size', str(size))
    try:
        yield
    finally:
        config.set('s2b2b_portal', 'upload_max_size', str(5 * MB))


class PortalPagesTestCase(DatabaseTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a, cls.b, cls.b_document = committed(_members)
        cls.types = committed(_types)

    def client(self, email=None, lang='zh_CN'):
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

    def assertUnchanged(self, before):
        self.assertEqual(counts(), before)


class RegistrationTestCase(PortalPagesTestCase):

    def registration(self, number, **changes):
        today = dt.date.today()
        data = {
            'name': f"测试企业 {number} Co.",
            'company_code': company_code(number),
            'kind': 'buyer',
            'contact_name': "王伟",
            'contact_email': f'Admin@{number}.Example.com',
            'contact_phone': '+86 512 6666 0000',
            'password': 'Reg-2026!x', 'password2': 'Reg-2026!x',
            'doc-0-type': str(self.types['business_license']),
            'doc-0-number': f'BL-{number}',
            'doc-0-valid_from': (today - dt.timedelta(days=30)).isoformat(),
            'doc-0-valid_to': (today + dt.timedelta(days=700)).isoformat(),
            'doc-0-file': (io.BytesIO(PDF), '营业执照.pdf'),
            }
        data.update(changes)
        return data

    def register(self, client, data):
        return client.submit('/register', data, token_from='/register')

    def test_form(self):
        client = self.client()
        page = self.page(client, '/register')
        for element in ['id="company_code"', 'id="kind-both"',
                'id="contact_email"', 'id="password2"', 'id="doc-0-file"',
                'enctype="multipart/form-data"', 'id="register"']:
            self.assertIn(element, page)
        self.assertIn('统一社会信用代码', page)
        self.assertIn('Business License', page)
        page = self.page(self.client(lang='en'), '/register')
        self.assertIn('Unified Social Credit Code', page)

    def test_register(self):
        "A company applies; its contact logs in as the member's admin"
        client = self.client()
        response = self.register(client, self.registration(101))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.headers['Location'].endswith(
                '/portal/register/done'))
        self.assertIn('id="registered"', self.page(client, '/register/done'))
        member, = read('s2b2b.member',
            [('company_code', '=', company_code(101))],
            ['state', 'kind', 'contact_email', 'applied_date'])
        self.assertEqual((member['state'], member['kind']),
            ('applied', 'buyer'))
        self.assertTrue(member['applied_date'])
        user, = read('web.user', [('email', '=', 'admin@101.example.com')],
            ['s2b2b_roles', 'active', 'password_hash'])
        self.assertEqual(user['s2b2b_roles'], ('admin',))
        self.assertTrue(user['password_hash'])
        document, = read('s2b2b.member.document',
            [('number', '=', 'BL-101')], ['file', 'file_name'])
        self.assertEqual(bytes(document['file']), PDF)
        self.assertEqual(document['file_name'], '营业执照.pdf')
        party, = read('party.party', [('name', '=', "测试企业 101 Co.")],
            ['lang'])
        self.assertEqual(party['lang'], committed(lambda: Pool().get(
                    'ir.lang').search([('code', '=', 'zh_CN')])[0].id))
        response = client.login('admin@101.example.com', 'Reg-2026!x')
        self.assertEqual(response.status_code, 302)
        self.assertIn('id="application-pending"', self.page(client, '/'))

    def test_logged_in_user_is_sent_home(self):
        client = self.client('user0@1.example.com')
        response = client.get(client.base + '/register')
        self.assertEqual(response.status_code, 302)

    def test_refused_registrations_save_nothing(self):
        "Each bad input re-displays the form with its error, saves nothing"
        today = dt.date.today()
        big_code = company_code(1)  # member A's
        cases = {
            'invalid code': {'company_code': company_code(102)[:-1] + 'X'},
            'duplicate company': {'company_code': big_code},
            'duplicate e-mail': {'contact_email': 'user0@2.example.com'},
            'passwords differ': {'password2': 'Other-2026!x'},
            'no password': {'password': '', 'password2': ''},
            'no name': {'name': ' '},
            'wrong file type': {'doc-0-file': (io.BytesIO(
                        b'MZ\x90\x00 not a scan'), 'license.pdf')},
            'text file': {'doc-0-file': (io.BytesIO(b'hello'), 'a.txt')},
            'bad dates': {'doc-0-valid_to': (
                    today - dt.timedelta(days=60)).isoformat()},
            'not a date': {'doc-0-valid_from': '31/12/2024'},
            'missing license': {'doc-0-number': '', 'doc-0-file': (
                        io.BytesIO(b''), '')},
            'file without number': {'doc-0-number': ''},
            'number without file': {'doc-0-file': (io.BytesIO(b''), '')},
            'unknown type': {'doc-0-type': '999999'},
            }
        before = counts()
        client = self.client()
        for case, changes in cases.items():
            with self.subTest(case=case), patch(SEND) as send:
                response = self.register(
                    client, self.registration(102, **changes))
                page = response.get_data(as_text=True)
                self.assertEqual(response.status_code, 400, page)
                self.assertIn('id="error"', page)
                self.assertIn('id="reattach"', page)
                # What was entered is shown again, never the password
                self.assertIn('测试企业 102 Co.' if case != 'no name'
                    else 'id="name"', page)
                self.assertNotIn('Reg-2026!x', page)
                send.assert_not_called()
                self.assertUnchanged(before)

    def test_error_messages_translated(self):
        client = self.client()
        page = self.register(client, self.registration(103,
                company_code='91320500MA1234567X')).get_data(as_text=True)
        self.assertIn('不是有效的统一社会信用代码', page)
        page = self.register(client, self.registration(103,
                password2='x')).get_data(as_text=True)
        self.assertIn('两次输入的密码不一致', page)
        page = self.register(client, self.registration(103, **{
                    'doc-0-file': (io.BytesIO(b'hello'), 'a.pdf')})
            ).get_data(as_text=True)
        self.assertIn('不是 PDF、JPEG 或 PNG', page)

    def test_too_large_upload(self):
        "A file over upload_max_size gets the 413 page; nothing is saved"
        before = counts()
        client = self.client()
        with upload_max_size(4096):
            for size in [4097, 64 * 1024 * 8 + 300 * 1024]:
                with self.subTest(size=size):
                    response = self.register(client, self.registration(
                            104, **{'doc-0-file': (io.BytesIO(
                                        PDF + b'0' * (size - len(PDF))),
                                    'big.pdf')}))
                    self.assertEqual(response.status_code, 413)
                    self.assertIn('id="error"', response.get_data(
                            as_text=True))
        self.assertUnchanged(before)

    def test_default_upload_limit(self):
        "5 MB by default"
        before = counts()
        client = self.client()
        response = self.register(client, self.registration(105, **{
                    'doc-0-file': (io.BytesIO(PDF + b'0' * (5 * MB)),
                        'big.pdf')}))
        self.assertEqual(response.status_code, 413)
        self.assertUnchanged(before)

    def test_csrf(self):
        before = counts()
        client = self.client()
        data = self.registration(106)
        response = client.post(client.base + '/register', data=data)
        self.assertEqual(response.status_code, 403)
        self.assertUnchanged(before)

    def test_applicant_told_outcome(self):
        "Approval and return are e-mailed in the applicant's language"
        self.register(self.client(lang='en'), self.registration(107))
        self.register(self.client(), self.registration(108))

        def decide():
            Member = Pool().get('s2b2b.member')
            first, second = Member.search(
                [('company_code', 'in', [company_code(107),
                            company_code(108)])], order=[('id', 'ASC')])
            Member.start_review([first, second])
            with patch(SEND) as send:
                Member.approve([first])
                second.reason = "营业执照扫描件不清晰"
                second.save()
                Member.reject([second])
            return mails(send)
        approved, rejected = committed(decide)
        self.assertEqual(approved[0], 'admin@107.example.com')
        self.assertIn('approved', approved[1])
        self.assertEqual(rejected[0], 'admin@108.example.com')
        self.assertIn('退回', rejected[1])
        self.assertIn('营业执照扫描件不清晰', rejected[2])
        client = PortalClient()
        client.login('admin@108.example.com', 'Reg-2026!x')
        page = self.page(client, '/')
        self.assertIn('营业执照扫描件不清晰', page)


class PasswordResetTestCase(PortalPagesTestCase):

    def ask(self, client, email):
        with patch(SEND) as send:
            response = client.submit('/reset', {'email': email},
                token_from='/reset')
        return response, mails(send)

    def test_reset(self):
        client = self.client(lang='en')
        self.assertIn('id="send-link"', self.page(client, '/reset'))
        response, sent = self.ask(client, ' USER1@1.example.com ')
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.headers['Location'].endswith('/reset/sent'))
        self.assertIn('id="reset-sent"', self.page(client, '/reset/sent'))
        (to, subject, body), = sent
        self.assertEqual(to, 'user1@1.example.com')
        self.assertIn('new password', subject)
        path, query = link(body)
        self.assertEqual(query['email'], ['user1@1.example.com'])
        page = self.page(client, path.split('/portal', 1)[1])
        self.assertIn('id="set-password"', page)
        # Another browser's session ends when the password changes
        other = self.client('user1@1.example.com')
        with patch('time.sleep'):
            response = client.submit('/reset/confirm', {
                    'email': query['email'][0], 'token': query['token'][0],
                    'password': NEW_PASSWORD, 'password2': 'different'},
                token_from='/reset')
            self.assertEqual(response.status_code, 400)
            self.assertIn('do not match', response.get_data(as_text=True))
            response = client.submit('/reset/confirm', {
                    'email': query['email'][0], 'token': query['token'][0],
                    'password': NEW_PASSWORD, 'password2': NEW_PASSWORD},
                token_from='/reset')
            self.assertEqual(response.status_code, 302)
            self.assertIn('id="password-set"',
                self.page(client, '/reset/done'))
            self.assertEqual(other.get(other.base + '/').status_code, 302)
            self.assertEqual(PortalClient().login(
                    'user1@1.example.com').status_code, 401)
            self.assertEqual(PortalClient().login(
                    'user1@1.example.com', NEW_PASSWORD).status_code, 302)
            # A link works once
            self.assertIn('id="link-invalid"', self.page(
                    client, path.split('/portal', 1)[1], status=400))

    def test_same_answer_for_unknown_address(self):
        "No account oracle: the same page, no e-mail"
        client = self.client()
        known, sent = self.ask(client, 'user0@2.example.com')
        unknown, none = self.ask(client, 'nobody@2.example.com')
        self.assertEqual(len(sent), 1)
        self.assertEqual(none, [])
        self.assertEqual(
            (known.status_code, known.headers['Location']),
            (unknown.status_code, unknown.headers['Location']))
        # Asking again at once does not flood the mailbox
        again, sent = self.ask(client, 'user0@2.example.com')
        self.assertEqual(again.headers['Location'], known.headers['Location'])
        self.assertEqual(sent, [])

    def test_bad_or_expired_link(self):
        client = self.client()
        _, sent = self.ask(client, 'user0@1.example.com')
        path, query = link(sent[0][2])
        self.assertIn('打开此链接', sent[0][2])
        before = read('web.user', [('email', '=', 'user0@1.example.com')],
            ['password_hash'])
        with patch('time.sleep'):
            for token in ['wrong', '', query['token'][0] + 'x']:
                with self.subTest(token=token):
                    self.assertIn('id="link-invalid"', self.page(client,
                            f'/reset/confirm?email=user0@1.example.com'
                            f'&token={token}', status=400))
                    response = client.submit('/reset/confirm', {
                            'email': 'user0@1.example.com', 'token': token,
                            'password': NEW_PASSWORD,
                            'password2': NEW_PASSWORD}, token_from='/reset')
                    self.assertEqual(response.status_code, 400)
                    self.assertIn('id="link-invalid"',
                        response.get_data(as_text=True))

            def expire():
                WebUser = Pool().get('web.user')
                user, = WebUser.search(
                    [('email', '=', 'user0@1.example.com')])
                user.reset_password_token_expire = (
                    dt.datetime.now() - dt.timedelta(minutes=1))
                user.save()
            committed(expire)
            self.assertIn('id="link-invalid"', self.page(
                    client, path.split('/portal', 1)[1], status=400))
            response = client.submit('/reset/confirm', {
                    'email': query['email'][0], 'token': query['token'][0],
                    'password': NEW_PASSWORD, 'password2': NEW_PASSWORD},
                token_from='/reset')
            self.assertEqual(response.status_code, 400)
        self.assertEqual(read('web.user',
                [('email', '=', 'user0@1.example.com')], ['password_hash']),
            before)


class ProfileTestCase(PortalPagesTestCase):

    def test_view(self):
        client = self.client('user1@1.example.com')
        page = self.page(client, '/profile')
        self.assertIn('苏州精工 Jinggong', page)
        self.assertIn(company_code(1), page)
        self.assertIn('id="contact-details"', page)
        self.assertNotIn('id="contact-form"', page)
        self.assertNotIn('深圳华辰', page)

    def test_non_admin_cannot_edit(self):
        client = self.client('user1@1.example.com')
        response = client.submit('/profile', {'contact_name': "X"},
            token_from='/profile')
        self.assertEqual(response.status_code, 403)
        member, = read('s2b2b.member', [('id', '=', self.a)],
            ['contact_name'])
        self.assertIsNone(member['contact_name'])

    def test_admin_edits_contact(self):
        client = self.client('user0@2.example.com')
        self.assertIn('id="contact-form"', self.page(client, '/profile'))
        response = client.submit('/profile', {
                'contact_name': "李娜", 'contact_email': 'bad address',
                'contact_phone': '123'}, token_from='/profile')
        self.assertEqual(response.status_code, 400)
        page = response.get_data(as_text=True)
        self.assertIn('bad address', page)
        self.assertIn('id="error"', page)
        fields = ['contact_name', 'contact_email', 'contact_phone']
        self.assertEqual(read('s2b2b.member', [('id', '=', self.b)], fields),
            [dict.fromkeys(fields)])
        response = client.submit('/profile', {
                'contact_name': "李娜", 'contact_email': 'li@2.example.com',
                'contact_phone': '+86 755 1234 5678'}, token_from='/profile')
        self.assertEqual(response.status_code, 302)
        self.assertIn('修改已保存', self.page(client, '/profile?done=saved'))
        self.assertEqual(read('s2b2b.member', [('id', '=', self.b)], fields),
            [{'contact_name': "李娜", 'contact_email': 'li@2.example.com',
                    'contact_phone': '+86 755 1234 5678'}])


class DocumentsTestCase(PortalPagesTestCase):

    def upload(self, client, data, filename='renewal.png', content=PNG):
        today = dt.date.today()
        values = {
            'doc-0-type': str(self.types['iso9001']),
            'doc-0-number': 'ISO-9001-1',
            'doc-0-valid_from': today.isoformat(),
            'doc-0-valid_to': (today + dt.timedelta(days=30)).isoformat(),
            'doc-0-file': (io.BytesIO(content), filename),
            }
        values.update(data)
        return client.submit('/documents', values, token_from='/documents')

    def test_list_upload_download(self):
        client = self.client('user1@1.example.com')
        page = self.page(client, '/documents')
        self.assertIn('BL-1', page)
        self.assertNotIn('BL-2', page)
        self.assertIn('id="upload"', page)
        response = self.upload(client, {})
        self.assertEqual(response.status_code, 302)
        page = self.page(client, '/documents?done=uploaded')
        self.assertIn('ISO-9001-1', page)
        self.assertIn('资质文件已上传', page)
        document, = read('s2b2b.member.document',
            [('number', '=', 'ISO-9001-1')], ['id', 'member', 'status'])
        self.assertEqual(document['member'], self.a)
        self.assertEqual(document['status'], 'expiring')
        self.assertIn(f'id="document-{document["id"]}-download"', page)
        response = client.get(
            f'{client.base}/documents/{document["id"]}/file')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.data, PNG)
        self.assertEqual(response.headers['Content-Type'], 'image/png')
        self.assertIn('attachment', response.headers['Content-Disposition'])
        self.assertIn('renewal.png', response.headers['Content-Disposition'])

    def test_refused_uploads_save_nothing(self):
        client = self.client('user0@1.example.com')
        cases = {
            'wrong type': ({}, 'scan.pdf', b'<html>not a scan</html>'),
            'bad dates': ({'doc-0-valid_to': '2000-01-01'}, 'a.png', PNG),
            'no file': ({}, '', b''),
            'nothing': ({'doc-0-number': ''}, '', b''),
            }
        before = counts()
        for case, (data, filename, content) in cases.items():
            with self.subTest(case=case):
                response = self.upload(client, data, filename, content)
                self.assertEqual(response.status_code, 400)
                self.assertIn('id="error"', response.get_data(as_text=True))
                self.assertUnchanged(before)
        response = self.upload(client, {}, 'big.png',
            PNG + b'\x00' * (5 * MB))
        self.assertEqual(response.status_code, 413)
        with upload_max_size(1024):
            response = self.upload(client, {}, 'big.png',
                PNG + b'\x00' * (400 * 1024))
            self.assertEqual(response.status_code, 413)
        self.assertUnchanged(before)

    def test_other_members_file_not_found(self):
        client = self.client('user0@1.example.com')
        foreign = client.get(
            f'{client.base}/documents/{self.b_document}/file')
        unknown = client.get(f'{client.base}/documents/999999/file')
        junk = client.get(f'{client.base}/documents/abc/file')
        self.assertEqual(
            [foreign.status_code, unknown.status_code, junk.status_code],
            [404, 404, 404])
        self.assertEqual(error(foreign), error(unknown))
        self.assertNotIn(b'BL-2', foreign.data)

    def test_login_required(self):
        client = PortalClient()
        response = client.get(
            f'{client.base}/documents/{self.b_document}/file')
        self.assertEqual(response.status_code, 302)
        self.assertIn('/login', response.headers['Location'])


class UsersTestCase(PortalPagesTestCase):

    def test_admin_only(self):
        before = counts()
        client = self.client('user1@1.example.com')
        self.page(client, '/users', status=403)
        response = client.submit('/users',
            {'email': 'x@1.example.com', 'roles': ['admin']})
        self.assertEqual(response.status_code, 403)
        admin = read('web.user', [('email', '=', 'user0@1.example.com')],
            ['id'])[0]['id']
        response = client.submit(f'/users/{admin}/deactivate', {})
        self.assertEqual(response.status_code, 403)
        self.assertUnchanged(before)
        self.assertNotIn('data-nav="users"', self.page(client, '/'))

    def test_invite(self):
        client = self.client('user0@2.example.com')
        page = self.page(client, '/users')
        self.assertIn('user0@2.example.com', page)
        self.assertNotIn('1.example.com', page)
        with patch(SEND) as send:
            response = client.submit('/users', {
                    'email': 'New.Buyer@2.example.com',
                    'roles': ['purchaser', 'approver']}, token_from='/users')
        self.assertEqual(response.status_code, 302)
        (to, subject, body), = mails(send)
        self.assertEqual(to, 'new.buyer@2.example.com')
        self.assertIn('深圳华辰 Huachen', subject)
        path, query = link(body)
        self.assertEqual(query['invite'], ['1'])
        user, = read('web.user', [('email', '=', 'new.buyer@2.example.com')],
            ['active', 'password_hash', 's2b2b_roles', 's2b2b_member'])
        self.assertTrue(user['active'])
        self.assertIsNone(user['password_hash'])
        self.assertEqual(user['s2b2b_roles'], ('approver', 'purchaser'))
        self.assertEqual(user['s2b2b_member'], self.b)
        page = self.page(client, '/users?done=invited')
        self.assertIn('已发送邀请', page)
        invited = self.client()
        self.assertIn('欢迎', self.page(invited, path.split('/portal', 1)[1]))
        response = invited.submit('/reset/confirm', {
                'email': query['email'][0], 'token': query['token'][0],
                'password': NEW_PASSWORD, 'password2': NEW_PASSWORD},
            token_from='/reset')
        self.assertEqual(response.status_code, 302)
        self.assertEqual(PortalClient().login('new.buyer@2.example.com',
                NEW_PASSWORD).status_code, 302)

    def test_refused_invitations(self):
        client = self.client('user0@2.example.com')
        before = counts()
        cases = {
            'taken address': {'email': 'user1@1.example.com',
                'roles': ['sales']},
            'no role': {'email': 'norole@2.example.com'},
            'unknown role': {'email': 'r@2.example.com', 'roles': ['root']},
            'no address': {'email': '', 'roles': ['sales']},
            'bad address': {'email': 'not an address', 'roles': ['sales']},
            }
        for case, data in cases.items():
            with self.subTest(case=case), patch(SEND) as send:
                response = client.submit('/users', data, token_from='/users')
                self.assertEqual(response.status_code, 400)
                self.assertIn('id="error"', response.get_data(as_text=True))
                send.assert_not_called()
                self.assertUnchanged(before)

    def user_id(self, email):
        return read('web.user', [('email', '=', email)], ['id'])[0]['id']

    def test_roles_and_deactivation(self):
        client = self.client('user0@1.example.com')
        admin = self.user_id('user0@1.example.com')
        sales = self.user_id('user1@1.example.com')
        response = client.submit(f'/users/{sales}/roles',
            {'roles': ['sales', 'finance']}, token_from='/users')
        self.assertEqual(response.status_code, 302)
        self.assertEqual(read('web.user', [('id', '=', sales)],
                ['s2b2b_roles']), [{'s2b2b_roles': ('finance', 'sales')}])
        # The last administrator stays one; nobody deactivates itself
        for path, data in [(f'/users/{admin}/roles', {'roles': ['sales']}),
                (f'/users/{admin}/deactivate', {}),
                (f'/users/{sales}/roles', {})]:
            with self.subTest(path=path):
                response = client.submit(path, data, token_from='/users')
                self.assertEqual(response.status_code, 400)
                self.assertIn('id="error"', response.get_data(as_text=True))
        self.assertEqual(read('web.user', [('id', 'in', [admin, sales])],
                ['active', 's2b2b_roles']), [
                {'active': True, 's2b2b_roles': ('admin',)},
                {'active': True, 's2b2b_roles': ('finance', 'sales')}])
        response = client.submit(f'/users/{sales}/deactivate', {},
            token_from='/users')
        self.assertEqual(response.status_code, 302)
        self.assertIn(f'id="user-{sales}-reactivate"',
            self.page(client, '/users'))
        with patch('time.sleep'):
            self.assertEqual(PortalClient().login(
                    'user1@1.example.com').status_code, 401)
            response = client.submit(f'/users/{sales}/reactivate', {},
                token_from='/users')
            self.assertEqual(response.status_code, 302)
            self.assertEqual(PortalClient().login(
                    'user1@1.example.com').status_code, 302)

    def test_other_members_users_not_found(self):
        client = self.client('user0@1.example.com')
        foreign = self.user_id('user0@2.example.com')
        for action in ['deactivate', 'roles', 'reactivate']:
            with self.subTest(action=action):
                response = client.submit(f'/users/{foreign}/{action}',
                    {'roles': ['sales']}, token_from='/users')
                self.assertEqual(response.status_code, 404)
        response = client.submit(f'/users/{foreign}/delete', {},
            token_from='/users')
        self.assertEqual(response.status_code, 404)
        self.assertEqual(read('web.user', [('id', '=', foreign)],
                ['active', 's2b2b_roles']),
            [{'active': True, 's2b2b_roles': ('admin',)}])


del PortalPagesTestCase
