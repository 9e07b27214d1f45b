# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import (
    AccessError, RequiredValidationError, SQLConstraintError)
from trytond.model.modelview import AccessButtonError
from trytond.modules.s2b2b_platform.emails import is_email
from trytond.modules.s2b2b_platform.exceptions import (
    ContactEmailError, DocumentDateError, DocumentFileError, DuplicateMember,
    EventLogReadOnly, InvalidCompanyCode, MemberApprovalError, PortalUserError,
    ReasonRequired, RecordNotFound, RegistrationError, TenantContextError)
from trytond.modules.s2b2b_platform.files import file_name, file_type
from trytond.modules.s2b2b_platform.tenant import as_member, get_record
from trytond.modules.s2b2b_platform.tests.tools import (
    company_code, create_backoffice_user, create_document_types,
    create_member, request_rollback)
from trytond.pool import Pool
from trytond.res.exceptions import PasswordError
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


SEND = ('trytond.modules.s2b2b_platform.notification.'
    'send_message_transactional')
PDF = b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'
PNG = b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR' + b'\x00' * 32


def _as_user(user):
    transaction = Transaction()
    manager = transaction.set_user(user.id)
    transaction.set_context(_check_access=True)
    return manager


class S2B2BPlatformTestCase(ModuleTestCase):
    "Test S2B2B Platform module"
    module = 's2b2b_platform'

    @with_transaction()
    def test_company_code_validated_and_normalized(self):
        "An invalid 统一社会信用代码 is refused and nothing is created"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        Party = pool.get('party.party')
        party, = Party.create([{'name': "A"}])
        valid = company_code(1)
        with self.assertRaises(InvalidCompanyCode), request_rollback():
            Member.create([{'party': party.id,
                        'company_code': valid[:-1] + 'Z'}])
        self.assertEqual(Member.search([], count=True), 0)
        member, = Member.create([{'party': party.id,
                    'company_code': ' ' + valid[:9] + '-' + valid[9:]}])
        self.assertEqual(member.company_code, valid)

    @with_transaction()
    def test_duplicate_member(self):
        "One member per party and per company code"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        Party = pool.get('party.party')
        create_document_types()
        member = create_member("A", 1, state='draft')
        party, = Party.create([{'name': "B"}])
        with self.assertRaises(DuplicateMember), request_rollback():
            Member.create([{'party': party.id,
                        'company_code': member.company_code}])
        self.assertEqual(Member.search([], count=True), 1)
        with self.assertRaises(DuplicateMember), request_rollback():
            Member.copy([member])
        self.assertEqual(Member.search([], count=True), 1)
        # Last: the database refuses the row, which ends the transaction
        with self.assertRaises(SQLConstraintError):
            Member.create([{'party': member.party.id}])

    @with_transaction()
    def test_lifecycle(self):
        "draft → applied → under review → approved → suspended → approved"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        Event = pool.get('s2b2b.event')
        create_document_types()
        member = create_member("A", 1, kind='supplier', state='draft')
        self.assertEqual((member.is_supplier, member.is_buyer), (True, False))
        Member.apply([member])
        Member.start_review([member])
        Member.approve([member])
        self.assertEqual(member.state, 'approved')
        self.assertTrue(member.approved_date)
        with self.assertRaises(ReasonRequired), request_rollback():
            Member.suspend([member])
        self.assertEqual(member.state, 'approved')
        member.reason = "Late deliveries"
        member.save()
        Member.suspend([member])
        self.assertEqual(
            (member.state, member.state_reason, member.reason),
            ('suspended', "Late deliveries", None))
        Member.reinstate([member])
        events = Event.search([('member', '=', member.id)],
            order=[('id', 'ASC')])
        self.assertEqual([e.event for e in events], [
                'member.applied', 'member.under_review', 'member.approved',
                'member.suspended', 'member.reinstated'])
        self.assertIn('Late deliveries', events[3].data)
        self.assertEqual(
            Member.search([('is_supplier', '=', True)]), [member])
        self.assertEqual(Member.search([('is_buyer', '=', True)]), [])

    @with_transaction()
    def test_reject_returns_to_draft_with_reason(self):
        pool = Pool()
        Member = pool.get('s2b2b.member')
        create_document_types()
        member = create_member("A", 1, state='under_review')
        member.reason = "License copy unreadable"
        member.save()
        Member.reject([member])
        self.assertEqual(member.state, 'draft')
        self.assertEqual(member.state_reason, "License copy unreadable")

    @with_transaction()
    def test_approval_needs_valid_documents(self):
        "An expired or missing mandatory document blocks approval"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        Document = pool.get('s2b2b.member.document')
        create_document_types()
        member = create_member("A", 1, state='under_review')
        document, = member.documents
        today = pool.get('ir.date').today()
        document.valid_from = today - dt.timedelta(days=400)
        document.valid_to = today - dt.timedelta(days=1)
        document.save()
        with self.assertRaises(MemberApprovalError), request_rollback():
            Member.approve([member])
        self.assertEqual(Member(member.id).state, 'under_review')
        Document.delete([document])
        with self.assertRaises(MemberApprovalError), request_rollback():
            Member.approve([member])
        self.assertEqual(Member(member.id).state, 'under_review')

    @with_transaction()
    def test_document_dates(self):
        pool = Pool()
        Document = pool.get('s2b2b.member.document')
        create_document_types()
        member = create_member("A", 1, state='draft')
        document, = member.documents
        with self.assertRaises((DocumentDateError, UserError)), request_rollback():
            Document.write([document], {
                    'valid_to': document.valid_from - dt.timedelta(days=1)})
        with self.assertRaises(RequiredValidationError), request_rollback():
            Document.create([{'member': member.id,
                        'type': document.type.id, 'number': 'X'}])

    @with_transaction()
    def test_transition_by_wrong_group(self):
        "A group that may not press a transition gets an error, no change"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        create_document_types()
        member = create_member("A", 1, state='under_review')
        finance = create_backoffice_user('fin', 'group_s2b2b_finance')
        operator = create_backoffice_user('op', 'group_s2b2b_operator')
        with _as_user(finance):
            with self.assertRaises(AccessButtonError), request_rollback():
                Member.approve([Member(member.id)])
        self.assertEqual(Member(member.id).state, 'under_review')
        with _as_user(operator):
            Member.approve([Member(member.id)])
        self.assertEqual(Member(member.id).state, 'approved')
        Member.write([member], {'reason': "Fraud"})
        with _as_user(operator):
            with self.assertRaises(AccessButtonError), request_rollback():
                Member.terminate([Member(member.id)])
        self.assertEqual(Member(member.id).state, 'approved')

    @with_transaction()
    def test_document_expiry(self):
        "Warned ahead of expiry once; suspended when a mandatory one expired"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        Document = pool.get('s2b2b.member.document')
        Notification = pool.get('s2b2b.notification')
        Configuration = pool.get('s2b2b.configuration')
        create_document_types()
        today = pool.get('ir.date').today()
        expiring = create_member("A", 1, valid_days=10)
        lasting = create_member("B", 2, valid_days=400)
        self.assertEqual(expiring.documents[0].status, 'expiring')
        self.assertEqual(
            Document.search([('status', '=', 'expiring')]),
            list(expiring.documents))
        with patch('trytond.modules.s2b2b_platform.notification.'
                'send_message_transactional') as send:
            Document.check_expiry()
        expiry = [('kind', '=', 'document.expiring')]
        notification, = Notification.search(expiry)
        self.assertEqual(notification.member, expiring)
        send.assert_called_once()
        self.assertEqual(send.call_args[0][0]['To'], 'user0@1.example.com')
        self.assertEqual(expiring.documents[0].expiry_warned, today)
        with patch('trytond.modules.s2b2b_platform.notification.'
                'send_message_transactional') as send:
            Document.check_expiry()
        send.assert_not_called()
        self.assertEqual(Notification.search(expiry, count=True), 1)

        config = Configuration(1)
        config.suspend_on_expiry = False
        config.save()
        Document.check_expiry(today + dt.timedelta(days=11))
        self.assertEqual(Member(expiring.id).state, 'approved')
        config.suspend_on_expiry = True
        config.save()
        Document.check_expiry(today + dt.timedelta(days=11))
        self.assertEqual(Member(expiring.id).state, 'suspended')
        self.assertTrue(Member(expiring.id).state_reason)
        self.assertEqual(Member(lasting.id).state, 'approved')

    @with_transaction()
    def test_event_log_append_only_and_verified(self):
        "Altering, removing or rewriting a sealed entry is pinpointed"
        pool = Pool()
        Event = pool.get('s2b2b.event')
        create_document_types()
        create_member("A", 1)
        create_member("B", 2)
        Event.seal()
        events = Event.search([], order=[('sequence', 'ASC')])
        self.assertEqual([e.sequence for e in events], [1, 2, 3, 4, 5, 6])
        self.assertEqual(events[1].prev_hash, events[0].hash)
        self.assertEqual(Event.verify(), (6, None))
        with self.assertRaises(EventLogReadOnly), request_rollback():
            Event.write([events[2]], {'data': '{}'})
        with self.assertRaises(EventLogReadOnly), request_rollback():
            Event.delete([events[2]])

        table = Event.__table__()
        cursor = Transaction().connection.cursor()

        def tamper(query):
            cursor.execute(*query)
            for cache in Transaction().cache.values():
                cache.clear()
            return Event.verify()

        checked, broken = tamper(table.update(
                [table.data], ['{"state":"approved","reason":"forged"}'],
                where=table.sequence == 3))
        self.assertEqual((checked, broken.sequence, broken.reason),
            (2, 3, 'content'))
        checked, broken = tamper(table.delete(where=table.sequence == 3))
        self.assertEqual((checked, broken.sequence, broken.reason),
            (2, 3, 'missing'))

    @with_transaction()
    def test_event_verify_wizard(self):
        pool = Pool()
        Verify = pool.get('s2b2b.event.verify', type='wizard')
        Event = pool.get('s2b2b.event')
        create_document_types()
        create_member("A", 1)
        Event.seal()
        session_id, _, _ = Verify.create()
        verify = Verify(session_id)
        result = verify.default_result(None)
        self.assertEqual((result['valid'], result['checked']), (True, 3))

    def test_file_type_and_name(self):
        "Allowed files are told by content, whatever their name says"
        self.assertEqual(file_type(PDF), 'application/pdf')
        self.assertEqual(file_type(PNG), 'image/png')
        self.assertEqual(file_type(b'\xff\xd8\xff\xe0' + b'\x00' * 16),
            'image/jpeg')
        for data in [b'', None, b'hello', b'MZ\x90\x00', b'PK\x03\x04']:
            with self.subTest(data=data):
                self.assertIsNone(file_type(data))
        self.assertEqual(file_name('C:\\scans\\营业执照.PDF', 'application/pdf'),
            '营业执照.pdf')
        self.assertEqual(file_name('../../etc/passwd', 'image/png'),
            'passwd.png')
        self.assertEqual(file_name('', 'image/jpeg'), 'document.jpg')

    def test_is_email(self):
        for value in ['a@b.cn', 'li.na+rfq@jinggong.example.com']:
            with self.subTest(value=value):
                self.assertTrue(is_email(value))
        for value in ['', None, 'bad address', 'a@b', '@b.cn', 'a@@b.cn',
                'a b@c.cn', 'a@b..cn', 'a@.cn']:
            with self.subTest(value=value):
                self.assertFalse(is_email(value))

    def _registration(self, number, **changes):
        pool = Pool()
        DocumentType = pool.get('s2b2b.member.document.type')
        license_, = DocumentType.search([('code', '=', 'business_license')])
        today = pool.get('ir.date').today()
        values = {
            'name': f"注册企业 {number}", 'kind': 'supplier',
            'company_code': company_code(number),
            'contact_name': "张强",
            'contact_email': f'zhang@{number}.example.com',
            'contact_phone': '0512-1234567', 'password': 'Reg-2026!x',
            'language': 'en',
            'documents': [{
                    'type': license_.id, 'number': f'BL-{number}',
                    'valid_from': today, 'file': PDF,
                    'file_name': 'license.pdf'}],
            }
        values.update(changes)
        return values

    def _counts(self):
        pool = Pool()
        with Transaction().set_context(active_test=False):
            return [pool.get(m).search([], count=True) for m in [
                    'party.party', 's2b2b.member', 'web.user',
                    's2b2b.member.document']]

    @with_transaction()
    def test_register(self):
        "A registration makes an applied member with its admin user"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        WebUser = pool.get('web.user')
        Event = pool.get('s2b2b.event')
        create_document_types()
        member = Member.register(self._registration(5,
                company_code=' ' + company_code(5).lower()))
        self.assertEqual((member.state, member.kind, member.company_code),
            ('applied', 'supplier', company_code(5)))
        self.assertEqual(member.party.lang.code, 'en')
        user, = member.web_users
        self.assertEqual((user.email, user.s2b2b_roles),
            ('zhang@5.example.com', ('admin',)))
        self.assertEqual(WebUser.authenticate(
                'zhang@5.example.com', 'Reg-2026!x'), user)
        document, = member.documents
        self.assertEqual((document.file_name, bytes(document.file)),
            ('license.pdf', PDF))
        self.assertEqual(
            [e.event for e in Event.search([('member', '=', member.id)])],
            ['member.applied'])

    @with_transaction()
    def test_register_refused(self):
        "A refused registration raises and leaves nothing behind"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        DocumentType = pool.get('s2b2b.member.document.type')
        create_document_types()
        create_member("A", 1)
        iso, = DocumentType.search([('code', '=', 'iso9001')])
        today = pool.get('ir.date').today()
        before = self._counts()
        cases = [
            (InvalidCompanyCode, {'company_code': '91320500MA1234567X'}),
            (DuplicateMember, {'company_code': company_code(1)}),
            (PortalUserError, {'contact_email': 'user0@1.example.com'}),
            (RegistrationError, {'password': ''}),
            (RegistrationError, {'contact_email': ' '}),
            (RegistrationError, {'documents': [{'type': iso.id,
                            'number': 'ISO', 'valid_from': today,
                            'file': PDF}]}),
            (DocumentFileError, {'documents': [{
                            **self._registration(6)['documents'][0],
                            'file': b'GIF89a not allowed'}]}),
            ((DocumentDateError, UserError), {'documents': [{
                            **self._registration(6)['documents'][0],
                            'valid_to': today - dt.timedelta(days=1)}]}),
            (PasswordError, {'password': 'zhang@6.example.com'}),
            ]
        for exception, changes in cases:
            with self.subTest(changes=changes):
                with self.assertRaises(exception), request_rollback():
                    Member.register(self._registration(6, **changes))
                self.assertEqual(self._counts(), before)

    @with_transaction()
    def test_document_file_type(self):
        "A document file must be a PDF, JPEG or PNG scan, by its content"
        pool = Pool()
        Document = pool.get('s2b2b.member.document')
        create_document_types()
        member = create_member("A", 1, state='draft')
        document, = member.documents
        with self.assertRaises(DocumentFileError), request_rollback():
            Document.write([document], {
                    'file': b'<?xml version="1.0"?><svg/>',
                    'file_name': 'scan.png'})
        Document.write([document], {'file': PNG, 'file_name': 'scan.pdf'})
        self.assertEqual(document.file_name, 'scan.png')
        Document.write([document], {'file': PDF})
        self.assertEqual(document.file_name, 'scan.png')

    @with_transaction()
    def test_contact_email_validated(self):
        "Also when the member changes it from the portal"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        create_document_types()
        member = create_member("A", 1)
        with as_member(member.id):
            with self.assertRaises(ContactEmailError), request_rollback():
                Member.write([Member(member.id)],
                    {'contact_email': 'not an address'})
            Member.write([Member(member.id)],
                {'contact_email': 'buyer@1.example.com'})
        self.assertEqual(Member(member.id).contact_email,
            'buyer@1.example.com')

    @with_transaction()
    def test_applicants_told_the_outcome(self):
        "Approval and return are e-mailed in the party's language"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        Notification = pool.get('s2b2b.notification')
        Lang = pool.get('ir.lang')
        Party = pool.get('party.party')
        create_document_types()
        first = create_member("A", 1, state='under_review')
        second = create_member("B", 2, state='under_review')
        english, = Lang.search([('code', '=', 'en')])
        Party.write([first.party], {'lang': english.id})
        with patch(SEND) as send:
            Member.approve([first])
            second.reason = "License copy unreadable"
            second.save()
            Member.reject([second])
        approved, rejected = [c.args[0] for c in send.call_args_list]
        self.assertEqual(approved['To'], 'user0@1.example.com')
        self.assertIn('approved', approved['Subject'])
        self.assertEqual(rejected['To'], 'user0@2.example.com')
        self.assertIn('License copy unreadable', rejected.get_content())
        self.assertEqual(
            [(n.member, n.kind) for n in Notification.search(
                    [], order=[('id', 'ASC')])],
            [(first, 'member.approved'), (second, 'member.rejected')])

    @with_transaction()
    def test_operator_decision_notifies(self):
        "An operator without rights on notifications still has them sent"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        create_document_types()
        member = create_member("A", 1, state='under_review')
        operator = create_backoffice_user('op', 'group_s2b2b_operator')
        with patch(SEND) as send, _as_user(operator):
            Member.approve([Member(member.id)])
        send.assert_called_once()

    @with_transaction()
    def test_invite(self):
        "An invited user exists without password and gets a link"
        pool = Pool()
        WebUser = pool.get('web.user')
        create_document_types()
        member = create_member("A", 1)
        admin, = member.web_users
        before = self._counts()
        for exception, email, roles in [
                (PortalUserError, 'new@1.example.com', []),
                (PortalUserError, 'new@1.example.com', ['owner']),
                (PortalUserError, 'USER0@1.example.com', ['sales']),
                (UserError, 'not an address', ['sales']),
                ]:
            with self.subTest(email=email, roles=roles), patch(SEND) as send:
                with self.assertRaises(exception), request_rollback():
                    with as_member(member.id):
                        WebUser.invite(member, email, roles,
                            'https://s2b2b.example/portal/reset/confirm',
                            by=admin)
                send.assert_not_called()
                self.assertEqual(self._counts(), before)
        with patch(SEND) as send, as_member(member.id):
            user = WebUser.invite(member, 'New@1.example.com',
                ['sales', 'purchaser', 'sales'],
                'https://s2b2b.example/portal/reset/confirm?invite=1',
                by=admin)
        self.assertEqual((user.email, user.s2b2b_roles, user.password_hash),
            ('new@1.example.com', ('purchaser', 'sales'), None))
        message = send.call_args.args[0]
        self.assertEqual(message['To'], 'new@1.example.com')
        self.assertIn('https://s2b2b.example/portal/reset/confirm?invite=1'
            f'&email=new%401.example.com&token={user.reset_password_token}',
            message.get_content())
        self.assertTrue(WebUser.password_link_valid(
                'new@1.example.com', user.reset_password_token))

    @with_transaction()
    def test_member_keeps_an_admin(self):
        pool = Pool()
        WebUser = pool.get('web.user')
        create_document_types()
        member = create_member("A", 1, users=2)
        admin, sales = sorted(member.web_users, key=lambda u: u.email)
        with as_member(member.id):
            for change in [
                    lambda: WebUser.set_member_roles([admin], ['sales']),
                    lambda: WebUser.set_member_active([admin], False),
                    lambda: WebUser.set_member_active([sales], False,
                        by=sales),
                    lambda: WebUser.set_member_roles([sales], []),
                    ]:
                with self.assertRaises(PortalUserError), request_rollback():
                    change()
            WebUser.set_member_roles([sales], ['admin', 'finance'], by=admin)
            WebUser.set_member_roles([admin], ['sales'], by=admin)
            WebUser.set_member_active([admin], False, by=sales)
        self.assertFalse(WebUser(admin.id).active)
        self.assertEqual(WebUser(sales.id).s2b2b_roles, ('admin', 'finance'))
        WebUser.create([{'email': admin.email}])
        with as_member(member.id), self.assertRaises(PortalUserError):
            WebUser.set_member_active([WebUser(admin.id)], True, by=sales)

    @with_transaction()
    def test_password_reset(self):
        "A link for known addresses only, not twice at once, used once"
        pool = Pool()
        WebUser = pool.get('web.user')
        Session = pool.get('web.user.session')
        create_document_types()
        member = create_member("A", 1)
        user, = member.web_users
        session = user.new_session()
        url = 'https://s2b2b.example/portal/reset/confirm'
        with patch(SEND) as send:
            WebUser.request_password_reset('nobody@1.example.com', url)
            WebUser.request_password_reset('', url)
            send.assert_not_called()
            WebUser.request_password_reset(' User0@1.example.com', url)
            WebUser.request_password_reset('user0@1.example.com', url)
        send.assert_called_once()
        token = WebUser(user.id).reset_password_token
        self.assertIn(token, send.call_args.args[0].get_content())
        with patch('time.sleep'):
            self.assertFalse(WebUser.set_portal_password(
                    user.email, 'wrong', 'Nouveau-2026!'))
            self.assertFalse(WebUser.set_portal_password(
                    user.email, None, 'Nouveau-2026!'))
            with self.assertRaises(PasswordError):
                WebUser.set_portal_password(user.email, token, user.email)
            self.assertTrue(WebUser.set_portal_password(
                    user.email, token, 'Nouveau-2026!'))
            self.assertFalse(WebUser.set_portal_password(
                    user.email, token, 'Again-2026!'))
        self.assertEqual(WebUser.authenticate(user.email, 'Nouveau-2026!'),
            user)
        self.assertTrue(WebUser(user.id).email_valid)
        self.assertIsNone(Session.get_user(session))
        self.assertFalse(WebUser.password_link_valid(user.email, token))

    @with_transaction()
    def test_password_reset_terminated_member(self):
        pool = Pool()
        WebUser = pool.get('web.user')
        Member = pool.get('s2b2b.member')
        create_document_types()
        member = create_member("A", 1)
        member.reason = "Fraud"
        member.save()
        Member.terminate([member])
        with patch(SEND) as send:
            WebUser.request_password_reset('user0@1.example.com', 'https://x')
        send.assert_not_called()


class S2B2BTenantTestCase(ModuleTestCase):
    "Member requests see and change only their own member's records"
    module = 's2b2b_platform'
    extras = []

    def _setup(self):
        create_document_types()
        self.a = create_member("A", 1, users=2)
        self.b = create_member("B", 2, users=2)

    @with_transaction()
    def test_list_only_own(self):
        pool = Pool()
        self._setup()
        expected = {
            's2b2b.member': [('id', '=', self.a.id)],
            's2b2b.member.document': [('member', '=', self.a.id)],
            'web.user': [('s2b2b_member', '=', self.a.id)],
            's2b2b.event': [('member', '=', self.a.id)],
            'party.party': [('id', '=', self.a.party.id)],
            }
        own = {m: {r.id for r in pool.get(m).search(d)}
            for m, d in expected.items()}
        with as_member(self.a.id):
            for model, ids in own.items():
                with self.subTest(model=model):
                    self.assertTrue(ids)
                    self.assertEqual(
                        {r.id for r in pool.get(model).search([])}, ids)
        with as_member(self.b.id):
            members = pool.get('s2b2b.member').search([])
            self.assertEqual([m.id for m in members], [self.b.id])

    @with_transaction()
    def test_record_cache_per_member(self):
        "Values cached for one member's request are not another's"
        from trytond.transaction import Transaction
        self._setup()
        with as_member(self.a.id):
            cache_a = Transaction().get_cache()
        with as_member(self.b.id):
            cache_b = Transaction().get_cache()
        with as_member(self.a.id):
            self.assertIs(Transaction().get_cache(), cache_a)
        self.assertIsNot(cache_a, cache_b)

    def _foreign(self):
        pool = Pool()
        return {
            's2b2b.member': self.b,
            's2b2b.member.document': self.b.documents[0],
            'web.user': self.b.web_users[0],
            's2b2b.event': pool.get('s2b2b.event').search(
                [('member', '=', self.b.id)])[0],
            'party.party': self.b.party,
            }

    @with_transaction()
    def test_read_write_delete_foreign_ids(self):
        "Guessing another member's ids reads, changes and deletes nothing"
        pool = Pool()
        self._setup()
        foreign = self._foreign()
        writes = {
            's2b2b.member': {'contact_name': "x"},
            's2b2b.member.document': {'number': "x"},
            'web.user': {'email': 'x@x.example.com'},
            's2b2b.event': {'event': 'x'},
            'party.party': {'name': "x"},
            }
        with as_member(self.a.id):
            for model, record in foreign.items():
                Model = pool.get(model)
                with self.subTest(model=model):
                    with self.assertRaises(AccessError), request_rollback():
                        Model.read([record.id], ['id'])
                    with self.assertRaises(AccessError), request_rollback():
                        Model.write([Model(record.id)], writes[model])
                    with self.assertRaises(AccessError), request_rollback():
                        Model.delete([Model(record.id)])
        for model, record in foreign.items():
            with self.subTest(model=model):
                self.assertTrue(pool.get(model).search(
                        [('id', '=', record.id)]))
        self.assertEqual(pool.get('s2b2b.member')(self.b.id).contact_name,
            None)

    @with_transaction()
    def test_create_for_foreign_member(self):
        "A document or a user cannot be created for, or moved to, B"
        pool = Pool()
        Document = pool.get('s2b2b.member.document')
        WebUser = pool.get('web.user')
        self._setup()
        document = self.a.documents[0]
        user = self.a.web_users[0]
        count = Document.search([], count=True)
        with as_member(self.a.id):
            with self.assertRaises(AccessError), request_rollback():
                Document.create([{'member': self.b.id,
                            'type': document.type.id, 'number': 'X',
                            'valid_from': document.valid_from}])
            with self.assertRaises(AccessError), request_rollback():
                WebUser.create([{'email': 'new@b.example.com',
                            's2b2b_member': self.b.id}])
            with self.assertRaises(AccessError), request_rollback():
                Document.write([Document(document.id)],
                    {'member': self.b.id})
            with self.assertRaises(AccessError), request_rollback():
                WebUser.write([WebUser(user.id)],
                    {'s2b2b_member': self.b.id})
            new, = Document.create([{'member': self.a.id,
                        'type': document.type.id, 'number': 'Y',
                        'valid_from': document.valid_from}])
        self.assertEqual(Document.search([], count=True), count + 1)
        self.assertEqual(WebUser(user.id).s2b2b_member, self.a)

    @with_transaction()
    def test_no_existence_oracle(self):
        "Unknown ids and other members' ids answer the same 'not found'"
        self._setup()
        foreign = self._foreign()
        with as_member(self.a.id):
            own = get_record('s2b2b.member', str(self.a.id))
            self.assertEqual(own.id, self.a.id)
            messages = set()
            for model, record in foreign.items():
                for record_id in [record.id, 10 ** 9, 'abc', -1, None]:
                    with self.subTest(model=model, id=record_id):
                        with self.assertRaises(RecordNotFound) as cm:
                            get_record(model, record_id)
                        messages.add((model, cm.exception.message))
        self.assertEqual(len(messages), len(foreign))

    @with_transaction()
    def test_helper_requires_member_context(self):
        self._setup()
        with self.assertRaises(TenantContextError), request_rollback():
            get_record('s2b2b.member', self.a.id)
        for bad in [None, 0, -3, '1']:
            with self.assertRaises(TenantContextError):
                with as_member(bad):
                    pass

    @with_transaction()
    def test_member_may_apply_not_approve(self):
        "Through the portal a member applies but never approves itself"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        create_document_types()
        member = create_member("A", 1, state='draft')
        with as_member(member.id):
            Member.apply([Member(member.id)])
            with self.assertRaises(AccessButtonError), request_rollback():
                Member.start_review([Member(member.id)])
        self.assertEqual(Member(member.id).state, 'applied')


del ModuleTestCase
