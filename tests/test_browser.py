# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The portal in a real browser: headless Debian Chromium via Playwright.

Each story runs at phone (390 px) and desktop (1280 px) widths against a
live trytond server and saves screenshots in tests/artifacts/.
"""
import re
import urllib.request

from stdnum.cn import uscc

from live import ARTIFACTS, DEMO_PASSWORD, WIDTHS, BrowserCase
from playwright.sync_api import expect

NEW_PASSWORD = 'Reg-2026-pass!'
PDF = b'%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'
LINK_RE = re.compile(r'(http://\S+/reset/confirm\?\S+)')


def company_code(number):
    body = f'91330100{number:09d}'
    return body + uscc.calc_check_digit(body)


class BrowserTestCase(BrowserCase):

    def open_menu(self, page):
        "On a phone the navigation hides behind the toggler"
        toggler = page.locator('.navbar-toggler')
        if toggler.is_visible():
            toggler.click()
            # Bootstrap marks it "show" once the slide-down has ended
            expect(page.locator('#nav')).to_have_class(
                re.compile(r'\bshow\b'))

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

    def register(self, page, width, number):
        "A buyer registers its company with its business license"
        email = f'admin@new{number}.example.com'
        page.goto(self.server.base_url + '/login')
        page.click('#register-link')
        page.fill('#name', f'杭州新锐贸易有限公司 {number}')
        page.fill('#company_code', company_code(number))
        page.check('#kind-buyer')
        page.fill('#contact_name', '陈静')
        page.fill('#contact_phone', '+86 571 8888 0000')
        page.fill('#contact_email', email)
        page.fill('#password', NEW_PASSWORD)
        page.fill('#password2', NEW_PASSWORD)
        page.fill('#doc-0-number', f'BL-{number}')
        page.fill('#doc-0-valid_from', '2025-01-01')
        page.fill('#doc-0-valid_to', '2030-12-31')
        license_ = ARTIFACTS / f'license-{number}.pdf'
        license_.write_bytes(PDF)
        page.set_input_files('#doc-0-file', str(license_))
        self.shot(page, f'register-form-{width}')
        page.click('#register')
        expect(page.locator('#registered')).to_be_visible()
        self.shot(page, f'register-done-{width}')
        return email, company_code(number)

    def approve_in_back_office(self, code):
        "The operator reviews and approves, as sao's buttons do"
        sao = self.server.rpc('operator', DEMO_PASSWORD)
        member_id, = sao('s2b2b.member', 'search',
            [('company_code', '=', code)], 0, None, None)
        sao('s2b2b.member', 'start_review', [member_id])
        sao('s2b2b.member', 'approve', [member_id])
        state, = sao('s2b2b.member', 'read', [member_id], ['state'])
        self.assertEqual(state['state'], 'approved')

    def invite(self, page, width, number):
        colleague = f'buyer{number}@new{number}.example.com'
        self.open_menu(page)
        page.click('[data-nav="users"]')
        page.fill('#invite-email', colleague)
        page.check('#invite-role-purchaser')
        page.click('#invite')
        expect(page.locator('#users')).to_contain_text(colleague)
        self.shot(page, f'users-invited-{width}')
        return colleague

    def accept_invitation(self, width, email):
        "The colleague follows the e-mailed link and sets a password"
        mail, = [m for m in self.server.mails() if email in m['To']]
        body = mail.get_payload(decode=True) if not mail.is_multipart() \
            else mail.get_payload(0).get_payload(decode=True)
        link = LINK_RE.search(body.decode()).group(1)
        page = self.page(width)
        page.goto(link)
        page.fill('#password', NEW_PASSWORD)
        page.fill('#password2', NEW_PASSWORD)
        page.click('#set-password')
        self.login(page, email, NEW_PASSWORD)
        self.shot(page, f'colleague-home-{width}')
        self.logout(page)

    def create_api_key(self, page, width):
        self.open_menu(page)
        page.click('[data-nav="api-keys"]')
        page.fill('#name', 'ERP')
        page.locator('input[name="scopes"][value="member:read"]').check()
        page.click('#create-key')
        token = page.locator('#token').input_value().strip()
        self.shot(page, f'api-key-created-{width}')
        request = urllib.request.Request(
            self.server.base_url.replace('/portal', '/s2b2b/api/v1/member'),
            headers={'Authorization': f'Bearer {token}'})
        with urllib.request.urlopen(request) as response:
            self.assertIn(b'"state": "approved"', response.read())

    def test_register_approve_invite_api_key(self):
        "From registration to a colleague's login and a working API key"
        for number, width in enumerate(WIDTHS, 1):
            with self.subTest(width=width):
                page = self.page(width)
                email, code = self.register(page, width, number)
                self.approve_in_back_office(code)
                self.login(page, email, NEW_PASSWORD)
                expect(page.locator('#member-state')).to_contain_text(
                    '已批准')
                page.click('#lang-en')
                expect(page.locator('#member-state')).to_contain_text(
                    'Approved')
                colleague = self.invite(page, width, number)
                self.create_api_key(page, width)
                self.logout(page)
                self.accept_invitation(width, colleague)
