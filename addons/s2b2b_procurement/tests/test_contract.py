# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Contract stories at the model level: award, prepare, sign in turn with
the password, verify, tampering, tenant isolation and forward contracts
with blanket agreements and call-offs."""
import datetime as dt
import io
import logging
import unittest
from decimal import Decimal

from pdfminer.high_level import extract_text
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.s2b2b_catalog.tests.tools import (
    create_catalog, create_listing)
from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.tenant import as_member, get_record
from trytond.modules.s2b2b_platform.tests.tools import (
    company_code, create_backoffice_user, create_document_types,
    create_member, request_rollback)
from trytond.modules.s2b2b_procurement import signing
from trytond.modules.s2b2b_procurement.contract import SIGNING_KEY
from trytond.modules.s2b2b_procurement.exceptions import (
    ContractError, ContractPasswordError, ContractSigningError,
    OrderValidationError)
from trytond.modules.s2b2b_procurement.tests.order_tools import drain_queue
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

PLATFORM_CODE = company_code(99, region='310000')
PASSWORDS = {
    'buyer': 'Buyer-Pass-2026!',
    'supplier': 'Supplier-Pass-2026!',
    'platform': 'Operator-Pass-2026!',
    }


def create_cny():
    Currency = Pool().get('currency.currency')
    currency, = Currency.create([{
                'name': "Renminbi", 'code': 'CNY', 'symbol': '¥',
                'digits': 2, 'rounding': Decimal('0.01'),
                }])
    return currency


def add_address(member, street, city):
    Address = Pool().get('party.address')
    address, = Address.create([{
                'party': member.party.id, 'street': street, 'city': city,
                }])
    return address


def set_password(web_user, password):
    WebUser = Pool().get('web.user')
    WebUser.write([web_user], {'password': password})


def setup():
    "Buyer, supplier (admins with passwords), an operator and a listing"
    pool = Pool()
    User = pool.get('res.user')
    WebUser = pool.get('web.user')
    create_document_types()
    buyer = create_member("苏州远景建设工程有限公司", 11, kind='buyer', users=2)
    supplier = create_member("安徽海螺水泥股份有限公司", 12, kind='supplier')
    other = create_member("其他采购方有限公司", 13, kind='buyer')
    address = add_address(buyer, "星湖街 328 号", "苏州")
    add_address(supplier, "九华南路 1011 号", "芜湖")
    users = {}
    for role, member in [('buyer', buyer), ('supplier', supplier),
            ('other', other)]:
        admin, = WebUser.search([
                ('s2b2b_member', '=', member.id),
                ('s2b2b_roles', 'in', ['admin']),
                ])
        set_password(admin, PASSWORDS.get(role, 'Other-Pass-2026!'))
        users[role] = admin
    sales, = WebUser.search([
            ('s2b2b_member', '=', buyer.id), ('id', '!=', users['buyer'].id)])
    set_password(sales, 'Sales-Pass-2026!')
    Category = pool.get('product.category')
    Configuration = pool.get('s2b2b.configuration')
    goods, = Category.create([{'name': "Goods", 'accounting': True}])
    Configuration.write([Configuration(1)], {
            'product_account_category': goods.id})
    operator = create_backoffice_user('operator', 'group_s2b2b_operator')
    User.write([operator], {'password': PASSWORDS['platform']})
    catalog = create_catalog()
    listing = create_listing(supplier, catalog.cement)
    return {
        'buyer': buyer, 'supplier': supplier, 'other': other,
        'address': address, 'users': users, 'sales': sales,
        'operator': operator, 'listing': listing, 'currency': create_cny(),
        }


def award(data, kind='spot'):
    pool = Pool()
    Contract = pool.get('s2b2b.contract')
    ModelData = pool.get('ir.model.data')
    unit = ModelData.get_id('product', 'uom_unit')
    contract, = Contract.create_from_award([{
                'buyer': data['buyer'], 'supplier': data['supplier'],
                'currency': data['currency'], 'kind': kind,
                'lines': [{
                        'description': "普通硅酸盐水泥 P.O 42.5",
                        'quantity': 200, 'uom': data['listing'].uom,
                        'unit_price': Decimal('450'),
                        'listing': data['listing'],
                        }, {
                        'description': "Site delivery crane hire",
                        'quantity': 3, 'uom': unit,
                        'unit_price': Decimal('1234.5'),
                        }],
                }])
    contract.delivery_address = data['address']
    contract.delivery_terms = "送货至买方工地 DAP buyer's site"
    contract.payment_terms = "验收后 30 天付款 Net 30 days"
    contract.save()
    return contract


def sign(contract, role, data, password=None):
    Contract = Pool().get('s2b2b.contract')
    signer = data['operator'] if role == 'platform' else data['users'][role]
    return Contract.sign(contract, role, signer,
        password or PASSWORDS[role])


def sign_all(contract, data):
    for role in ['buyer', 'supplier', 'platform']:
        sign(contract, role, data)


def text_of(pdf):
    return ''.join(extract_text(io.BytesIO(pdf)).split())


class ContractTestCase(unittest.TestCase):
    "E-contracts: documents, signatures, verification, forward contracts"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['s2b2b_procurement'])
        logging.getLogger('pyhanko').setLevel(logging.CRITICAL)

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def _company(self):
        pool = Pool()
        Party = pool.get('party.party')
        company = create_company("S2B2B 供应链平台", currency=create_cny())
        Party.write([company.party], {
                'identifiers': [('create', [{
                                'type': 'cn_vat', 'code': PLATFORM_CODE}])]})
        return set_company(company)

    @with_transaction()
    def test_award_prepare_sign_verify(self):
        "Award → contract → prepare → three signatures in turn → signed"
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        Signature = pool.get('s2b2b.contract.signature')
        SigningKey = pool.get('s2b2b.signing.key')
        Event = pool.get('s2b2b.event')
        Report = pool.get('s2b2b.contract', type='report')
        with self._company():
            data = setup()
            contract = award(data)
            self.assertRegex(contract.number, r'^HT\d{4}-\d{5}$')
            self.assertEqual(contract.total, Decimal('93703.50'))
            Contract.prepare([contract])
            self.assertEqual(contract.state, 'signing')
            self.assertEqual(contract.next_signer, 'buyer')
            text = text_of(contract.document)
            for value in [contract.number, "采购合同", "苏州远景建设工程有限公司",
                    data['buyer'].company_code, data['supplier'].company_code,
                    PLATFORM_CODE, "星湖街328号",
                    "¥93,703.50", "人民币玖万叁仟柒佰零叁元伍角整",
                    "Ninety-threethousandsevenhundredthreeyuanandfiftyfen",
                    "DAPbuyer'ssite", "Net30days"]:
                with self.subTest(value=value):
                    self.assertIn(''.join(value.split()), text)
            self.assertEqual(signing.signature_fields(contract.document),
                dict.fromkeys(['buyer', 'supplier', 'platform'], False))
            # lines got products the blanket agreements and orders use
            self.assertTrue(all(l.product for l in contract.lines))
            self.assertEqual(contract.lines[0].product,
                data['listing'].product)
            self.assertTrue(contract.lines[1].product.salable)
            self.assertEqual(
                contract.lines[1].product.template.account_category.name,
                "Goods")

            # frozen once prepared
            with self.assertRaises(ContractError), request_rollback():
                Contract.write([contract], {'payment_terms': "Net 90"})
            with self.assertRaises(ContractError), request_rollback():
                Contract.write([contract], {'document': b'%PDF-1.4 other'})
            with self.assertRaises(ContractError), request_rollback():
                contract.lines[0].unit_price = Decimal('1')
                contract.lines[0].save()

            document = contract.document
            # wrong password: refused, nothing changed
            with self.assertRaises(ContractPasswordError), \
                    request_rollback():
                sign(contract, 'buyer', data, password='wrong password')
            contract = Contract(contract.id)
            self.assertEqual(contract.document, document)
            self.assertEqual(Signature.search([]), [])
            self.assertEqual(SigningKey.search(
                    [('owner', '=', 'web_user')]), [])

            # out of order, wrong user, user without the admin role
            with self.assertRaises(ContractSigningError), \
                    request_rollback():
                sign(contract, 'supplier', data)
            with self.assertRaises(ContractSigningError), \
                    request_rollback():
                Contract.sign(contract, 'buyer', data['users']['supplier'],
                    PASSWORDS['supplier'])
            with self.assertRaises(ContractSigningError), \
                    request_rollback():
                Contract.sign(contract, 'buyer', data['sales'],
                    'Sales-Pass-2026!')
            with self.assertRaises(ContractSigningError), \
                    request_rollback():
                Contract.sign(contract, 'buyer', data['users']['other'],
                    'Other-Pass-2026!')

            buyer_signature = sign(contract, 'buyer', data)
            self.assertEqual(buyer_signature.member, data['buyer'])
            self.assertEqual(buyer_signature.web_user, data['users']['buyer'])
            contract = Contract(contract.id)
            self.assertNotEqual(contract.document, document)
            self.assertTrue(contract.document.startswith(document))
            self.assertEqual(contract.next_signer, 'supplier')
            self.assertEqual(contract.state, 'signing')

            sign(contract, 'supplier', data)
            # the platform signs through its operator, password again
            with self.assertRaises(ContractPasswordError), \
                    request_rollback():
                sign(contract, 'platform', data, password='not mine')
            with self.assertRaises(ContractSigningError), \
                    request_rollback():
                Contract.sign(contract, 'platform', data['users']['buyer'],
                    PASSWORDS['buyer'])
            platform_signature = sign(contract, 'platform', data)
            self.assertEqual(platform_signature.user, data['operator'])
            contract = Contract(contract.id)
            self.assertEqual(contract.state, 'signed')

            results = Contract.verify(contract)
            self.assertEqual([r.field for r in results],
                ['buyer', 'supplier', 'platform'])
            self.assertTrue(all(r.ok for r in results))
            self.assertEqual(results[0].organization_id,
                data['buyer'].company_code)
            self.assertEqual(results[1].organization, data['supplier'].name)
            self.assertEqual(results[2].organization_id,
                PLATFORM_CODE)
            self.assertEqual([s.certificate_serial
                    for s in contract.signatures],
                [r.serial for r in results])
            self.assertEqual(contract.signatures[-1].document_sha256,
                signing_sha(contract.document))
            check = Contract.check_signatures(contract)
            self.assertTrue(check['valid'])
            self.assertFalse(check['changed'])

            keys = SigningKey.search([])
            self.assertEqual(sorted(k.owner for k in keys),
                ['ca', 'platform', 'web_user', 'web_user'])
            for key in keys:
                self.assertIn('ENCRYPTED PRIVATE KEY', key.private_key)
            events = {e.event for e in Event.search([])}
            self.assertTrue({'contract.prepared', 'contract.signature',
                    'contract.signed'} <= events)

            kind, content, _, _ = Report.execute([contract.id], {})
            self.assertEqual(kind, 'pdf')
            self.assertEqual(bytes(content), contract.document)

    @with_transaction()
    def test_tampered_document_detected(self):
        "A changed byte or an appended change shows after signing"
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        with self._company():
            data = setup()
            contract = award(data)
            Contract.prepare([contract])
            sign_all(contract, data)
            contract = Contract(contract.id)
            signed = contract.document

            def store(document):
                # what someone with access to the files could do
                with Transaction().set_context({SIGNING_KEY: True}):
                    Contract.write([contract], {'document': document})
                return Contract(contract.id)

            flipped = signed.replace(b'/MediaBox [ 0 0 595.2756',
                b'/MediaBox [ 0 0 595.2757', 1)
            self.assertNotEqual(flipped, signed)
            tampered = store(flipped)
            results = Contract.verify(tampered)
            self.assertTrue(all(not r.intact for r in results))
            check = Contract.check_signatures(tampered)
            self.assertFalse(check['valid'])
            self.assertTrue(check['changed'])

            tampered = store(append_content(signed))
            results = Contract.verify(tampered)
            self.assertTrue(all(r.intact and r.changed_after
                    for r in results))
            self.assertFalse(Contract.check_signatures(tampered)['valid'])

            # the document cut back to the buyer's signed revision
            buyer_sha = contract.signatures[0].document_sha256
            ends = [i + 5 + n for i in range(len(signed))
                if signed.startswith(b'%%EOF', i) for n in range(3)]
            buyer_only, = [signed[:e] for e in ends
                if signing_sha(signed[:e]) == buyer_sha]
            tampered = store(buyer_only)
            check = Contract.check_signatures(tampered)
            self.assertFalse(check['valid'])
            self.assertEqual(check['missing'], ['supplier', 'platform'])

            store(signed)
            self.assertTrue(Contract.check_signatures(
                    Contract(contract.id))['valid'])

    @with_transaction()
    def test_verify_wizard(self):
        "The back office shows who signed what and whether it changed"
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        Verify = pool.get('s2b2b.contract.verify', type='wizard')
        with self._company():
            data = setup()
            contract = award(data)
            Contract.prepare([contract])
            sign(contract, 'buyer', data)
            session_id, _, _ = Verify.create()
            with Transaction().set_context(
                    active_model='s2b2b.contract', active_id=contract.id,
                    active_ids=[contract.id]):
                result = Verify.execute(session_id, {}, 'result')
            values = result['view']['defaults']
            self.assertTrue(values['valid'])
            self.assertFalse(values['changed'])
            signature, = values['signatures']
            self.assertEqual(signature['field'], 'buyer')
            self.assertEqual(signature['organization_id'],
                data['buyer'].company_code)
            Verify.delete(session_id)

    @with_transaction()
    def test_platform_sign_wizard(self):
        "An operator signs for the platform from the back office"
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        Session = pool.get('ir.session.wizard')
        SignPlatform = pool.get('s2b2b.contract.sign_platform',
            type='wizard')
        with self._company():
            data = setup()
            contract = award(data)
            Contract.prepare([contract])
            sign(contract, 'buyer', data)
            sign(contract, 'supplier', data)
            with Transaction().set_user(data['operator'].id), \
                    Transaction().set_context(
                        active_model='s2b2b.contract',
                        active_id=contract.id, active_ids=[contract.id],
                        _check_access=True):
                session_id, _, _ = SignPlatform.create()
                SignPlatform.execute(session_id, {}, 'start')
                SignPlatform.execute(session_id, {
                        'start': {'password': PASSWORDS['platform']},
                        }, 'sign')
                session = Session(session_id)
                self.assertNotIn(PASSWORDS['platform'], session.data)
            contract = Contract(contract.id)
            self.assertEqual(contract.state, 'signed')
            self.assertEqual(contract.signatures[-1].user, data['operator'])

    @with_transaction()
    def test_password_reset_issues_new_key(self):
        "A key the password no longer opens is replaced"
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        SigningKey = pool.get('s2b2b.signing.key')
        with self._company():
            data = setup()
            first = award(data)
            second = award(data)
            Contract.prepare([first, second])
            sign(first, 'buyer', data)
            key, = SigningKey.search([('owner', '=', 'web_user')])
            PASSWORDS_NEW = 'Reset-Pass-2026!'
            set_password(data['users']['buyer'], PASSWORDS_NEW)
            with self.assertRaises(ContractPasswordError), \
                    request_rollback():
                sign(second, 'buyer', data)
            signature = sign(second, 'buyer', data, password=PASSWORDS_NEW)
            key = SigningKey(key.id)
            self.assertFalse(key.valid)
            self.assertNotEqual(signature.key, key)
            self.assertTrue(signature.key.valid)
            # the first contract's signature still verifies
            self.assertTrue(all(r.ok for r in Contract.verify(
                        Contract(first.id))))

    @with_transaction()
    def test_member_isolation(self):
        "Members sign and read their own contracts only, through the portal"
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        Signature = pool.get('s2b2b.contract.signature')
        WebUser = pool.get('web.user')
        SigningKey = pool.get('s2b2b.signing.key')
        with self._company():
            data = setup()
            contract = award(data)
            Contract.prepare([contract])
            with as_member(data['buyer'].id):
                mine = get_record('s2b2b.contract', contract.id)
                web_user = WebUser(data['users']['buyer'].id)
                Contract.sign(mine, 'buyer', web_user, PASSWORDS['buyer'])
                self.assertEqual(len(Signature.search([])), 1)
                self.assertTrue(all(r.ok for r in Contract.verify(mine)))
                with self.assertRaises(AccessError):
                    Contract.write([mine], {'payment_terms': "free"})
                with self.assertRaises(AccessError):
                    SigningKey.search([])
            with as_member(data['other'].id):
                self.assertEqual(Contract.search([]), [])
                self.assertEqual(Signature.search([]), [])
                with self.assertRaises(RecordNotFound):
                    get_record('s2b2b.contract', contract.id)
                # even handed the record, the rules refuse it
                with self.assertRaises(RecordNotFound):
                    Contract.verify(Contract(contract.id))
                intruder = WebUser(data['users']['other'].id)
                with self.assertRaises(RecordNotFound):
                    Contract.sign(Contract(contract.id), 'supplier',
                        intruder, 'Other-Pass-2026!')
            # and directly: another member's admin is not the supplier
            with self.assertRaises(ContractSigningError), \
                    request_rollback():
                Contract.sign(contract, 'supplier', data['users']['other'],
                    'Other-Pass-2026!')
            self.assertEqual(len(Contract(contract.id).signatures), 1)

    @with_transaction()
    def test_cancel_and_draft(self):
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        with self._company():
            data = setup()
            contract = award(data)
            Contract.prepare([contract])
            Contract.draft([contract])
            self.assertEqual(contract.state, 'draft')
            self.assertIsNone(contract.document)
            contract.payment_terms = "Net 60"
            contract.save()
            Contract.prepare([contract])
            sign(contract, 'buyer', data)
            with self.assertRaises(ContractError), request_rollback():
                Contract.draft([contract])
            with self.assertRaises(ContractError), request_rollback():
                Contract.cancel([contract])
            contract.cancel_reason = "买方撤回 Buyer withdrew"
            contract.save()
            Contract.cancel([contract])
            self.assertEqual(contract.state, 'cancelled')
            with self.assertRaises(ContractError), request_rollback():
                Contract.delete([contract])
            copy, = Contract.copy([contract])
            self.assertEqual(copy.state, 'draft')
            self.assertNotEqual(copy.number, contract.number)
            self.assertIsNone(copy.document)
            self.assertEqual(copy.signatures, ())
            self.assertEqual(len(copy.lines), 2)

    @with_transaction()
    def test_forward_checks(self):
        "A forward contract needs its period and a schedule within it"
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        CallOff = pool.get('s2b2b.contract.calloff')
        with self._company():
            data = setup()
            contract = award(data, kind='forward')
            with self.assertRaises(ContractError), request_rollback():
                Contract.prepare([contract])
            today = dt.date.today()
            contract.period_start = today
            contract.period_end = today + dt.timedelta(days=90)
            contract.save()
            with self.assertRaises(ContractError), request_rollback():
                Contract.prepare([contract])
            line = contract.lines[0]
            for date, quantity in [
                    (today + dt.timedelta(days=100), 10),
                    (today + dt.timedelta(days=10), 250)]:
                calloff, = CallOff.create([{'contract': contract.id,
                            'line': line.id, 'date': date,
                            'quantity': quantity}])
                with self.subTest(date=date), \
                        self.assertRaises(ContractError), \
                        request_rollback():
                    Contract.prepare([Contract(contract.id)])
                CallOff.delete([calloff])
            self.assertEqual(Contract(contract.id).state, 'draft')

    @with_transaction()
    def test_forward_blanket_agreements_and_calloffs(self):
        "Signed forward contract → blanket agreements; cron orders due"
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        CallOff = pool.get('s2b2b.contract.calloff')
        Cron = pool.get('ir.cron')
        Order = pool.get('s2b2b.order')
        Alert = pool.get('s2b2b.alert')
        with self._company():
            data = setup()
            contract = award(data, kind='forward')
            today = dt.date.today()
            contract.period_start = today - dt.timedelta(days=5)
            contract.period_end = today + dt.timedelta(days=90)
            cement, crane = contract.lines
            contract.calloffs = [
                CallOff(line=cement, date=today - dt.timedelta(days=1),
                    quantity=80),
                CallOff(line=cement, date=today + dt.timedelta(days=30),
                    quantity=120),
                CallOff(line=crane, date=today + dt.timedelta(days=60),
                    quantity=3),
                ]
            contract.save()
            Contract.prepare([contract])
            text = text_of(contract.document)
            self.assertIn("远期履约", text)
            self.assertIn((today + dt.timedelta(days=30)).isoformat(), text)
            sign_all(contract, data)
            contract = Contract(contract.id)
            self.assertEqual(contract.state, 'signed')

            sale_agreement = contract.sale_blanket_agreement
            self.assertEqual(sale_agreement.state, 'running')
            self.assertEqual(sale_agreement.customer, data['buyer'].party)
            self.assertEqual(sale_agreement.company.party.name,
                "S2B2B 供应链平台")
            self.assertEqual(sale_agreement.from_date, contract.period_start)
            self.assertEqual(sale_agreement.to_date, contract.period_end)
            self.assertEqual(
                [(l.product, l.quantity, l.unit_price)
                    for l in sale_agreement.lines],
                [(l.product, l.quantity, l.unit_price)
                    for l in contract.lines])
            purchase_agreement = contract.purchase_blanket_agreement
            self.assertEqual(purchase_agreement.state, 'running')
            self.assertEqual(purchase_agreement.supplier,
                data['supplier'].party)
            # the supplier is paid the buyer's price less the commission
            self.assertEqual(
                [l.unit_price for l in purchase_agreement.lines],
                [Decimal('427.5000'), Decimal('1172.7750')])

            cron, = Cron.search([
                    ('method', '=', 's2b2b.contract.calloff|call_off_due')])
            cron.run_once()
            due, later, crane_calloff = CallOff.browse(
                [c.id for c in contract.calloffs])
            self.assertEqual(due.state, 'ordered')
            self.assertEqual([later.state, crane_calloff.state],
                ['planned', 'planned'])
            # placed as a buyer order through the intake, stock taken
            order = due.buyer_order
            self.assertEqual((order.state, order.buyer, order.contract,
                    order.delivery, order.amount),
                ('received', data['buyer'], contract, data['address'],
                    Decimal('36000.00')))
            self.assertEqual(data['listing'].available_quantity, 20)
            drain_queue()
            sale = CallOff(due.id).sale
            self.assertEqual((sale.party, sale.shipment_address,
                    sale.s2b2b_contract), (data['buyer'].party,
                    data['address'], contract))
            line, = sale.lines
            self.assertEqual((line.quantity, line.unit_price,
                    line.blanket_agreement_line, line.s2b2b_origin),
                (80, Decimal('450'), sale_agreement.lines[0], cement))
            # the supplier's order draws on the purchase agreement
            purchase, = sale.s2b2b_purchases
            purchase_line, = purchase.lines
            self.assertEqual((purchase.party, purchase_line.unit_price,
                    purchase_line.blanket_agreement_line),
                (data['supplier'].party, Decimal('427.5000'),
                    purchase_agreement.lines[0]))
            self.assertEqual(Contract(contract.id).state, 'signed')

            with as_member(data['other'].id):
                self.assertEqual(CallOff.search([]), [])
            with as_member(data['supplier'].id):
                self.assertEqual(len(CallOff.search([])), 3)

            # ordered call-offs are kept
            with self.assertRaises(ContractError), request_rollback():
                CallOff.write([due], {'quantity': 1})
            # 120 more cement than the listing's stock: refused, nothing
            # ordered, from the button; the cron leaves it planned with an
            # alert and orders the crane (no listing, no stock)
            with self.assertRaises(OrderValidationError), request_rollback():
                CallOff.order([later, crane_calloff])
            self.assertEqual(Order.search([], count=True), 1)
            CallOff.call_off_due(today + dt.timedelta(days=60))
            later, crane_calloff = CallOff.browse([later, crane_calloff])
            self.assertEqual((later.state, crane_calloff.state),
                ('planned', 'ordered'))
            alert, = Alert.search([('kind', '=', 'calloff_refused')])
            self.assertEqual((alert.member, alert.resource, alert.state),
                (data['buyer'], later, 'open'))
            self.assertIn("120", alert.message)
            drain_queue()
            crane_line, = CallOff(crane_calloff.id).sale.lines
            self.assertEqual((crane_line.product, crane_line.quantity,
                    crane_line.blanket_agreement_line),
                (crane.product, 3, sale_agreement.lines[1]))
            # stock back: ordered the next day, the contract done and the
            # alert resolved
            data['listing'].available_quantity = 500
            data['listing'].save()
            CallOff.call_off_due(today + dt.timedelta(days=61))
            self.assertEqual(CallOff(later.id).state, 'ordered')
            self.assertEqual(Contract(contract.id).state, 'done')
            Alert.check()
            self.assertEqual(Alert(alert.id).state, 'resolved')


def signing_sha(document):
    import hashlib
    return hashlib.sha256(document).hexdigest()


def append_content(pdf):
    "An incremental update that draws on the first page"
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    stream = writer.add_object(generic.StreamObject(
            stream_data=b'BT /F1 24 Tf 100 500 Td (999) Tj ET'))
    writer.add_stream_to_page(0, stream)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
