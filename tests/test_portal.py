# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Portal sessions: login, logout, language, CSRF, throttling, expiry"
import datetime as dt
from unittest.mock import patch

from common import PASSWORD, DatabaseTestCase, PortalClient, committed

from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member)
from trytond.pool import Pool
from trytond.transaction import Transaction


def _members():
    WebUser = Pool().get('web.user')
    create_document_types()
    a = create_member("苏州精工 Jinggong", 1, kind='supplier', users=2)
    b = create_member("深圳华辰 Huachen", 2, kind='buyer', users=1)
    users = WebUser.search([])
    WebUser.write(users, {'password_hash': WebUser.hash_password(PASSWORD)})
    return a.id, b.id


class PortalSessionTestCase(DatabaseTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a, cls.b = committed(_members)

    def test_login_home_logout(self):
        client = PortalClient()
        response = client.get(client.base + '/')
        self.assertEqual(response.status_code, 302)
        self.assertIn('/login', response.headers['Location'])
        response = client.login('user0@1.example.com')
        self.assertEqual(response.status_code, 302)
        cookie = response.headers['Set-Cookie']
        self.assertIn('HttpOnly', cookie)
        self.assertIn('SameSite=Lax', cookie)
        self.assertNotIn('Secure', cookie)
        page = client.get(client.base + '/').get_data(as_text=True)
        self.assertIn('苏州精工 Jinggong', page)
        self.assertIn('id="member-state"', page)
        self.assertNotIn('深圳华辰', page)
        token = client.csrf('/')
        response = client.post(client.base + '/logout',
            data={'csrf_token': token})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(client.get(client.base + '/').status_code, 302)

    def test_logout_invalidates_session_server_side(self):
        "A stolen cookie is worthless after logout"
        client = PortalClient()
        client.login('user0@1.example.com')
        key = client.get_cookie('s2b2b_session', path=f'/{client.base.split("/")[1]}/').value
        token = client.csrf('/')
        client.post(client.base + '/logout', data={'csrf_token': token})
        thief = PortalClient()
        thief.set_cookie('s2b2b_session', key)
        self.assertEqual(thief.get(thief.base + '/').status_code, 302)

    def test_wrong_password(self):
        client = PortalClient()
        response = client.login('user0@1.example.com', 'wrong')
        self.assertEqual(response.status_code, 401)
        self.assertIsNone(client.get_cookie('s2b2b_session'))

    def test_throttling(self):
        "After repeated wrong passwords even the right one is refused"
        client = PortalClient()
        with patch('time.sleep'):
            codes = [client.login('user1@1.example.com', 'bad').status_code
                for _ in range(7)]
            final = client.login('user1@1.example.com', PASSWORD)
        self.assertEqual(codes[:5], [401] * 5)
        self.assertEqual(codes[-1], 429)
        self.assertEqual(final.status_code, 429)

    def test_csrf(self):
        client = PortalClient()
        client.login('user0@2.example.com')
        for data in [{}, {'csrf_token': 'forged'}]:
            with self.subTest(data=data):
                response = client.post(client.base + '/logout', data=data)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(client.get(client.base + '/').status_code,
                    200)
        anonymous = PortalClient()
        response = anonymous.post(anonymous.base + '/login', data={
                'email': 'user0@2.example.com', 'password': PASSWORD})
        self.assertEqual(response.status_code, 403)

    def test_language_switch(self):
        client = PortalClient()
        page = client.get(client.base + '/login',
            headers={'Accept-Language': 'en'}).get_data(as_text=True)
        self.assertIn('Log in to the member portal', page)
        client.get(client.base + '/lang/zh_CN?next=' + client.base + '/login')
        page = client.get(client.base + '/login').get_data(as_text=True)
        self.assertIn('登录会员门户', page)
        response = client.get(client.base + '/lang/en?next=https://evil.example')
        self.assertEqual(response.headers['Location'], client.base + '/')

    def test_session_expiry(self):
        client = PortalClient()
        client.login('user0@1.example.com')
        self.assertEqual(client.get(client.base + '/').status_code, 200)

        def age_sessions():
            "The session was last used longer ago than web_timeout"
            Session = Pool().get('web.user.session')
            table = Session.__table__()
            old = dt.datetime.now() - Session.timeout() - dt.timedelta(
                minutes=1)
            Transaction().connection.cursor().execute(*table.update(
                    [table.create_date, table.write_date], [old, old]))
        committed(age_sessions)
        self.assertEqual(client.get(client.base + '/').status_code, 302)

    def test_assets(self):
        client = PortalClient()
        response = client.get(client.base + '/static/portal.css')
        self.assertEqual(response.status_code, 200)
        response = client.get(
            client.base + '/vendor/bootstrap/dist/css/bootstrap.min.css')
        self.assertEqual(response.status_code, 200)
        for path in ['/vendor/../../pyproject.toml',
                '/vendor/bootstrap/package.json', '/static/../routes.py']:
            with self.subTest(path=path):
                self.assertEqual(
                    client.get(client.base + path).status_code, 404)
