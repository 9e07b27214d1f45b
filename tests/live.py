# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""A real trytond server on a scratch database, for browser tests.

The database is created with trytond-admin (all modules, zh_CN loaded)
and the demo data once per state of addons/, then copied for each server:
a SQLite file and its file store under var/test-cache, or a PostgreSQL
template database.  Mails go to an SMTP sink whose messages the tests read.
"""
import base64
import json
import mailbox
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from run import fingerprint

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODULES = ['s2b2b_platform', 's2b2b_catalog', 's2b2b_procurement',
    's2b2b_portal']
# The backend of the test run (tests/run.py sets it): SQLite or PostgreSQL
URI = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
SECRET = 'test-live-server-secret'
# Bumped when what a cached demo database holds changes outside addons/
CACHE_VERSION = 2
DB = 'browser' if URI.startswith('sqlite') else f'test_browser_{os.getpid()}'


# Debian's Chromium, never a browser downloaded by the test tool
CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-sync',
    '--disable-component-update', '--no-first-run']


def start_browser():
    "Return Playwright and a headless Chromium it drives"
    from playwright.sync_api import sync_playwright
    playwright = sync_playwright().start()
    return playwright, playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class LiveServer:
    "Start with start(), stop with stop(); base_url is the portal's"

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix='s2b2b-live-'))
        self.port = free_port()
        self.maildir = self.tmp / 'outbox'
        self.smtp = Controller(Mailbox(str(self.maildir)),
            hostname='127.0.0.1', port=free_port())
        self.process = None

    @property
    def base_url(self):
        return f'http://127.0.0.1:{self.port}/{DB}/portal'

    def environ(self):
        env = dict(os.environ)
        env.update({
                'TRYTOND_DATABASE__URI': URI,
                'TRYTOND_DATABASE__PATH': str(self.tmp),
                'TRYTOND_WEB__LISTEN': f'127.0.0.1:{self.port}',
                'TRYTOND_EMAIL__URI':
                f'smtp://127.0.0.1:{self.smtp.port}',
                'TRYTOND_EMAIL__FROM': 'noreply@s2b2b.example',
                'TRYTOND_S2B2B_PORTAL__ASSETS':
                str(ROOT / 'var' / 'portal' / 'node_modules'),
                'TRYTONPASSFILE': str(self.tmp / 'admin.pw'),
                # One server secret for the cached demo database and every
                # server started from it: the platform's signing key is
                # encrypted with it (else a PostgreSQL copy, whose file
                # store holds no secret, could not open the key)
                'TRYTOND_S2B2B_PROCUREMENT__SECRET': SECRET,
                })
        for name in ['DB_NAME', 'DB_CACHE']:
            env.pop(name, None)
        return env

    def _build(self, name, **settings):
        """Create database name with every module and the demo data
        (settings override the server's environment)"""
        environ = {**self.environ(), **settings}
        for args in [
                ['trytond-admin', '-d', name, '--all', '-u', *MODULES,
                    '--activate-dependencies', '-l', 'zh_CN', 'en',
                    '--email', 'admin@example.com'],
                ['s2b2b', '-d', name, 'demo']]:
            done = subprocess.run([str(BIN / args[0]), *args[1:]],
                env=environ, capture_output=True, text=True, cwd=ROOT)
            if done.returncode:
                raise RuntimeError(f"{' '.join(args)} failed:\n"
                    + done.stderr[-3000:])

    def _create_database(self):
        """Copy the demo database of this state of the code, building it
        first when there is none"""
        template = f'test-live-{CACHE_VERSION}-{fingerprint()}'
        (self.tmp / 'admin.pw').write_text('admin\n')
        if URI.startswith('sqlite'):
            self._copy_sqlite(ROOT / 'var' / 'test-cache' / template)
            return
        import psycopg
        files = ROOT / 'var' / 'test-cache' / 'live-files'
        with psycopg.connect(URI + 'postgres', autocommit=True) as conn:
            if not conn.execute('SELECT 1 FROM pg_database '
                    'WHERE datname = %s', (template,)).fetchone():
                building = f'{template}-{os.getpid()}'
                conn.execute(f'DROP DATABASE IF EXISTS "{building}"')
                conn.execute(f'CREATE DATABASE "{building}"')
                self._build(building, TRYTOND_DATABASE__PATH=str(files))
                if (files / building).exists():
                    shutil.rmtree(files / template, ignore_errors=True)
                    (files / building).rename(files / template)
                conn.execute(
                    f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}"')
            conn.execute(f'CREATE DATABASE "{DB}" TEMPLATE "{template}"')
        if (files / template).exists():  # the file store of the demo
            shutil.copytree(files / template, self.tmp / DB)

    def _copy_sqlite(self, cache):
        "The database file and its file store, from cache"
        if not cache.exists():
            cache.parent.mkdir(parents=True, exist_ok=True)
            building = Path(tempfile.mkdtemp(dir=cache.parent))
            (building / f'{DB}.sqlite').touch()
            try:
                self._build(DB, TRYTOND_DATABASE__PATH=str(building))
            except BaseException:
                shutil.rmtree(building)
                raise
            try:
                building.rename(cache)
            except OSError:  # another run built it meanwhile
                shutil.rmtree(building)
        shutil.copytree(cache, self.tmp, dirs_exist_ok=True)

    def _drop_database(self):
        if URI.startswith('postgresql'):
            import psycopg
            with psycopg.connect(URI + 'postgres', autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')

    def start(self):
        self.smtp.start()
        self._create_database()
        self.process = subprocess.Popen(
            [str(BIN / 'trytond'), '-d', DB], env=self.environ(), cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=open(self.tmp / 'log', 'w'))
        self._wait()

    def _wait(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base_url + '/login', timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError((self.tmp / 'log').read_text()[-2000:])

    def mails(self):
        "The messages sent so far, oldest first"
        box = mailbox.Maildir(str(self.maildir), create=True)
        return sorted(box, key=lambda m: m['Date'] or '')

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.smtp.stop()
        self._drop_database()

    def rpc(self, login, password):
        "A JSON-RPC client of the back office, the protocol sao speaks"
        return BackOffice(f'http://127.0.0.1:{self.port}/{DB}', login,
            password)


class BackOffice:
    "What an operator does in sao, through the same JSON-RPC calls"

    def __init__(self, url, login, password):
        self.url = url + '/rpc/'
        self.login = login
        user_id, session = self._call('common.db.login',
            [login, {'password': password}, 'en'])[:2]
        token = f'{login}:{user_id}:{session}'.encode()
        self.authorization = 'Session ' + base64.b64encode(token).decode()

    def _call(self, method, params, headers=None):
        request = urllib.request.Request(self.url, json.dumps(
                {'id': 1, 'method': method, 'params': params}).encode(),
            {'Content-Type': 'application/json', **(headers or {})})
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        if answer.get('error'):
            raise RuntimeError(answer['error'])
        return answer['result']

    def __call__(self, model, method, *args):
        return self._call(f'model.{model}.{method}', [*args, {}],
            {'Authorization': self.authorization})


ARTIFACTS = ROOT / 'tests' / 'artifacts'
WIDTHS = {'phone': (390, 844), 'desktop': (1280, 800)}
DEMO_PASSWORD = 'demo2026!'


class BrowserCase(unittest.TestCase):
    """A live demo server, headless Chromium and the steps every browser
    story takes: a page at a width, a screenshot, a portal login"""
    # screenshots are tests/artifacts/<shots><name>.png
    shots = ''
    # accept the confirm() dialogs of the pages (cancel, close, award...)
    accept_dialogs = False

    @classmethod
    def setUpClass(cls):
        from playwright.sync_api import expect
        # A loaded CI machine answers slowly: wait longer than the 5 s
        expect.set_options(timeout=20000)
        ARTIFACTS.mkdir(exist_ok=True)
        cls.server = LiveServer()
        cls.server.start()
        cls.playwright, cls.browser = start_browser()

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        cls.server.stop()

    @classmethod
    def admin_email(cls, sao, member_id):
        "The e-mail of the member's first administrator"
        user_ids = sao('web.user', 'search', [
                ('s2b2b_member', '=', member_id),
                ('s2b2b_roles', 'in', ['admin'])], 0, 1, [('id', 'ASC')])
        user, = sao('web.user', 'read', user_ids, ['email'])
        return user['email']

    def page(self, width):
        size = WIDTHS[width]
        context = self.browser.new_context(
            viewport={'width': size[0], 'height': size[1]},
            locale='zh-CN')
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(20000)
        if self.accept_dialogs:
            page.on('dialog', lambda dialog: dialog.accept())
        return page

    def shot(self, page, name):
        page.screenshot(path=str(ARTIFACTS / f'{self.shots}{name}.png'),
            full_page=True)

    def login(self, page, email, password=DEMO_PASSWORD):
        from playwright.sync_api import expect
        page.goto(self.server.base_url + '/login')
        page.fill('#email', email)
        page.fill('#password', password)
        page.click('#login')
        expect(page.locator('#member-state')).to_be_visible()

    def assertNoOverflow(self, page, width):
        "Nothing wider than the viewport: no sideways scrolling"
        scroll = page.evaluate('document.documentElement.scrollWidth')
        self.assertLessEqual(scroll, WIDTHS[width][0], page.url)
