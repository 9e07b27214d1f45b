# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Shared set-up of the cross-module tests"
import re
import unittest

from werkzeug.test import Client

from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction, TransactionError
from trytond.wsgi import app

PASSWORD = 'Portal-2026!'
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class DatabaseTestCase(unittest.TestCase):
    "A database of its own for the class, dropped afterwards"
    modules = ['s2b2b_portal']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(cls.modules)
        committed(load_chinese)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()


def load_chinese():
    "Members read the portal in Chinese: load the zh_CN catalogues"
    from trytond.pool import Pool
    Lang = Pool().get('ir.lang')
    Lang.load_translations(Lang.search([('code', '=', 'zh_CN')]))


def committed(func):
    """Run func() in its own committed transaction; return its result.

    Started again when Tryton asks for tables locked first (as the
    accounting set-up does), the way the server retries a request."""
    extras = {}
    while True:
        with Transaction().start(DB_NAME, 0, context={'language': 'en'},
                **extras) as transaction:
            try:
                result = func()
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
        return result


class PortalClient(Client):
    "A browser-like client of the portal of the test database"

    def __init__(self):
        super().__init__(app)
        self.base = f'/{DB_NAME}/portal'

    def csrf(self, path):
        "Open a page and return the CSRF token of its forms"
        response = self.get(self.base + path)
        match = CSRF_RE.search(response.get_data(as_text=True))
        return match.group(1) if match else None

    def login(self, email, password=PASSWORD):
        token = self.csrf('/login')
        return self.post(self.base + '/login', data={
                'email': email, 'password': password, 'csrf_token': token})

    def submit(self, path, data, token_from=None, **kwargs):
        "POST a form with the token the page at token_from shows"
        token = self.csrf(token_from or '/')
        return self.post(self.base + path,
            data={'csrf_token': token, **data}, **kwargs)


__all__ = ['DB_NAME', 'with_transaction']


ERROR_RE = re.compile(r'id="error">([^<]*)<')
LOGIN_RE = re.compile(r'/login\?next=')


class PortalPages:
    """Page helpers of the portal tests, for TestCase classes: email is
    who client() logs in by default, password(email) their password"""
    email = None

    def password(self, email):
        return PASSWORD

    def client(self, email='', lang='en'):
        "A client in lang, logged in as email (None: nobody)"
        email = self.email if email == '' else email
        client = PortalClient()
        client.get(f'{client.base}/lang/{lang}')
        if email:
            self.assertEqual(client.login(email, self.password(email))
                .status_code, 302, email)
        return client

    def page(self, client, path, status=200):
        response = client.get(client.base + path)
        self.assertEqual(response.status_code, status, path)
        return response.get_data(as_text=True)

    def post(self, client, path, data, status=302):
        response = client.submit(path, data, token_from='/')
        if response.status_code != status:
            found = ERROR_RE.search(response.get_data(as_text=True))
            self.fail(f"{path}: {response.status_code} != {status}: "
                f"{found.group(1) if found else ''}")
        return response

    def refused(self, client, path, data, status=400):
        "The page is shown again with its error: return the error"
        response = self.post(client, path, data, status=status)
        match = ERROR_RE.search(response.get_data(as_text=True))
        self.assertIsNotNone(match, f"{path} shows no error")
        self.assertTrue(match.group(1).strip())
        return match.group(1)


class RouteSweep:
    """The routes of a group of pages (routes, matched by route_re) are
    those urls() sweeps; nobody reaches them without logging in"""
    routes = set()
    route_re = None

    def test_routes_swept(self):
        from trytond.wsgi import app
        prefix = '/<database_name>/portal'
        rules = {r.rule[len(prefix):] for r in app.url_map.iter_rules()
            if re.match(prefix + self.route_re, r.rule)}
        self.assertEqual(rules, self.routes)
        adapter = app.url_map.bind('localhost')
        swept = {adapter.match(f'/{DB_NAME}/portal{url}', method=method,
                return_rule=True)[0].rule[len(prefix):]
            for method, url in self.urls(self.foreign_ids())}
        self.assertEqual(swept, self.routes)

    def test_unauthenticated(self):
        client = self.client(email=None)
        for method, url in self.urls(self.foreign_ids()):
            with self.subTest(method=method, url=url):
                token = client.csrf('/login')
                response = client.open(client.base + url, method=method,
                    data={'csrf_token': token} if method == 'POST' else None)
                self.assertEqual(response.status_code, 302)
                self.assertRegex(response.headers['Location'], LOGIN_RE)
