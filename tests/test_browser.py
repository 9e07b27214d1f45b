# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The portal in a real browser: headless Debian Chromium via Playwright.

Each story runs at phone (390 px) and desktop (1280 px) widths against a
live trytond server and saves screenshots in tests/artifacts/.
"""
import re
import unittest
from pathlib import Path

from live import LiveServer
from playwright.sync_api import expect, sync_playwright

ARTIFACTS = Path(__file__).resolve().parent / 'artifacts'
CHROMIUM = '/usr/bin/chromium'
WIDTHS = {'phone': (390, 844), 'desktop': (1280, 800)}
# A loaded CI machine answers slowly: wait longer than Playwright's 5 s
expect.set_options(timeout=20000)
DEMO_PASSWORD = 'demo2026!'


class BrowserTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        ARTIFACTS.mkdir(exist_ok=True)
        cls.server = LiveServer()
        cls.server.start()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=['--no-sandbox', '--disable-gpu',
                '--disable-background-networking', '--disable-sync',
                '--disable-component-update', '--no-first-run'])

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        cls.server.stop()

    def page(self, width):
        size = WIDTHS[width]
        context = self.browser.new_context(
            viewport={'width': size[0], 'height': size[1]},
            locale='zh-CN')
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(20000)
        return page

    def shot(self, page, name):
        page.screenshot(path=str(ARTIFACTS / f'{name}.png'), full_page=True)

    def open_menu(self, page):
        "On a phone the navigation hides behind the toggler"
        toggler = page.locator('.navbar-toggler')
        if toggler.is_visible():
            toggler.click()
            expect(page.locator('#nav')).to_be_visible()

    def login(self, page, email, password=DEMO_PASSWORD):
        page.goto(self.server.base_url + '/')
        expect(page).to_have_url(re.compile(r'/login'))
        page.fill('#email', email)
        page.fill('#password', password)
        page.click('#login')
        expect(page.locator('#member-state')).to_be_visible()

    def logout(self, page):
        self.open_menu(page)
        page.click('#logout')
        expect(page).to_have_url(re.compile(r'/login'))

    def test_login_language_logout(self):
        for width in WIDTHS:
            with self.subTest(width=width):
                page = self.page(width)
                self.login(page, 'user0@member0.example.com')
                expect(page.locator('h1')).to_contain_text('有限公司')
                expect(page.locator('nav')).to_contain_text('资质文件')
                self.shot(page, f'home-zh-{width}')
                page.click('#lang-en')
                expect(page.locator('nav')).to_contain_text(
                    'Qualification Documents')
                self.shot(page, f'home-en-{width}')
                self.logout(page)
                page.goto(self.server.base_url + '/')
                expect(page).to_have_url(re.compile(r'/login'))

    def test_wrong_password_shows_error(self):
        page = self.page('phone')
        page.goto(self.server.base_url + '/login')
        page.fill('#email', 'user0@member0.example.com')
        page.fill('#password', 'not-the-password')
        page.click('#login')
        expect(page.locator('#error')).to_be_visible()
        self.shot(page, 'login-error-phone')
