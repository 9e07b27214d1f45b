# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Order stories at the model level: intake, approval, supplier
confirmation or rejection, shipments (partial too), receipt, invoices
and the platform's margin, tenant isolation."""
import datetime as dt
import unittest
from decimal import Decimal
from unittest.mock import patch

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.currency.tests import create_currency
from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.tenant import as_member, get_record
from trytond.modules.s2b2b_platform.tests.tools import request_rollback
from trytond.modules.s2b2b_procurement import accounting
from trytond.modules.s2b2b_procurement.exceptions import (
    ContractError, OrderAccessError, OrderStateError, OrderValidationError,
    ShipmentQuantityError, StockShortError)
from trytond.modules.s2b2b_procurement.tests.order_tools import (
    account_balance, amount, confirm, drain_queue, listing, members, order,
    platform, purchases_of, receive, ship, signed_contract)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

MODULE = 's2b2b_procurement'


class OrderTestCase(unittest.TestCase):
    "The order flow on Tryton's sale, purchase and drop shipment"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module([MODULE])

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def _listings(self, data):
        cement = data.catalog.cement
        return (
            listing(data.supplier_a, cement, name="水泥 A", available=100),
            listing(data.supplier_b, cement, name="水泥 B", available=50,
                tiers=((10, '300'),), lead_time=5))

    @with_transaction()
    def test_whole_flow(self):
        "Order two suppliers' listings to both invoices posted"
        pool = Pool()
        Notification = pool.get('s2b2b.notification')
        with platform() as company:
            data = members()
            a, b = self._listings(data)
            sale = order(data, [
                    {'listing': a.id, 'quantity': 20},
                    {'listing': b.id, 'quantity': 10}])
            self.assertEqual(
                (sale.state, sale.s2b2b_buyer, sale.s2b2b_requested_by),
                ('draft', data.buyer, data.purchaser))
            self.assertEqual(
                (a.available_quantity, b.available_quantity), (80, 40))
            self.assertEqual([l.unit_price for l in sale.lines],
                [Decimal('500'), Decimal('300')])
            drain_queue()
            self._assert_processed(data, sale)

            confirm(data, purchases_of(sale))
            self._assert_confirmed(data, sale)
            shipments = [s for p in purchases_of(sale)
                for s in p.drop_shipments]
            ship(data, shipments)
            self.assertEqual([s.state for s in shipments], ['shipped'] * 2)
            self.assertEqual(shipments[0].s2b2b_tracking_number, "SF0001")
            told = Notification.search([('member', '=', data.buyer.id),
                    ('kind', '=', 'order.shipped')])
            self.assertEqual(len(told), 2)
            self.assertIn("SF0001", told[0].body)

            receive(data, shipments)
            self.assertEqual([s.state for s in shipments], ['done'] * 2)
            self._assert_invoiced(company, sale)

    def _assert_processed(self, data, sale):
        "One purchase per supplier at the price less 5 %, to confirm"
        self.assertEqual(sale.state, 'processing')
        purchase_a, purchase_b = purchases_of(sale)
        self.assertEqual(
            (purchase_a.state, purchase_a.party, purchase_a.s2b2b_supplier,
                purchase_a.customer),
            ('quotation', data.supplier_a.party, data.supplier_a,
                data.buyer.party))
        self.assertEqual(purchase_b.s2b2b_supplier, data.supplier_b)
        self.assertTrue(purchase_a.s2b2b_confirm_due)
        self.assertEqual(purchase_a.lines[0].unit_price, Decimal('475'))
        self.assertEqual(purchase_b.lines[0].unit_price, Decimal('285'))

    def _assert_confirmed(self, data, sale):
        "Confirmed purchases wait as drop shipments promised by lead time"
        today = Pool().get('ir.date').today()
        purchase_a, purchase_b = purchases_of(sale)
        self.assertEqual(purchase_a.state, 'processing')
        shipment_a, = purchase_a.drop_shipments
        shipment_b, = purchase_b.drop_shipments
        self.assertEqual((shipment_a.state, shipment_a.s2b2b_buyer),
            ('waiting', data.buyer))
        self.assertEqual(shipment_b.s2b2b_promised_date,
            today + dt.timedelta(days=5))

    def _assert_invoiced(self, company, sale):
        "Both invoices posted; the margin on the platform's accounts"
        invoice, = sale.invoices
        self.assertEqual((invoice.state, invoice.total_amount),
            ('posted', amount(13000)))
        in_invoices = [i for p in purchases_of(sale) for i in p.invoices]
        self.assertEqual([i.state for i in in_invoices], ['posted'] * 2)
        self.assertEqual(sum(i.total_amount for i in in_invoices),
            amount(12350))
        revenue = account_balance(company, 'revenue')
        expense = -account_balance(company, 'expense')
        self.assertEqual((revenue, expense), (amount(13000), amount(12350)))
        self.assertEqual(revenue - expense, amount(650))
        self.assertEqual(sale.state, 'processing')

    def _count(self, model):
        return Pool().get(model).search([], count=True)

    def _assert_refused(self, data, lines, exception, **kwargs):
        "The order is refused with exception and nothing is written"
        Listing = Pool().get('s2b2b.listing')
        listings = Listing.search([])
        stock = {l.id: l.available_quantity for l in listings}
        counts = {m: self._count(m) for m in [
                'sale.sale', 'sale.line', 's2b2b.event', 'ir.queue']}
        with self.assertRaises(exception) as context, request_rollback():
            order(data, lines, **kwargs)
        self.assertEqual(
            {m: self._count(m) for m in counts}, counts)
        self.assertEqual({l.id: l.available_quantity
                for l in Listing.browse(listings)}, stock)
        return str(context.exception)

    @with_transaction()
    def test_validation_failures(self):
        "Each bad line is refused with a clear error, nothing changed"
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        Member = pool.get('s2b2b.member')
        today = pool.get('ir.date').today()
        with platform():
            data = members()
            cement = data.catalog.cement
            ok = listing(data.supplier_a, cement, name="好水泥")
            cases = {
                'moq': (ok, 5),
                'multiple': (ok, 12),
                'stock': (ok, 105),
                'quantity': (ok, 0),
                'not_published': (listing(data.supplier_a, cement,
                        name="下架水泥", state='delisted'), 10),
                'draft': (listing(data.supplier_a, cement,
                        name="草稿水泥", state='draft'), 10),
                'not_yet_valid': (listing(data.supplier_a, cement,
                        name="未来水泥",
                        valid_from=today + dt.timedelta(days=3)), 10),
                'expired': (listing(data.supplier_a, cement,
                        name="过期水泥", valid_from=today
                        - dt.timedelta(days=30),
                        valid_to=today - dt.timedelta(days=1)), 10),
                'no_price': (listing(data.supplier_a, cement,
                        name="高起订水泥", moq=1, order_multiple=1), 5),
                }
            supplier_c = listing(data.supplier_b, cement, name="停牌水泥")
            for code, (record, quantity) in cases.items():
                with self.subTest(code=code):
                    message = self._assert_refused(data, [
                            {'listing': record.id, 'quantity': quantity}],
                        OrderValidationError)
                    self.assertIn(record.name, message)
            # Every problem of every line in one error
            message = self._assert_refused(data, [
                    {'listing': ok.id, 'quantity': 5},
                    {'listing': cases['expired'][0].id, 'quantity': 10}],
                OrderValidationError)
            self.assertIn("好水泥", message)
            self.assertIn("过期水泥", message)
            # Lines of one listing share its stock
            self._assert_refused(data, [
                    {'listing': ok.id, 'quantity': 60},
                    {'listing': ok.id, 'quantity': 50}],
                OrderValidationError)
            Member.write([data.supplier_b], {'reason': "资质过期"})
            Member.suspend([data.supplier_b])
            self._assert_refused(data, [
                    {'listing': supplier_c.id, 'quantity': 10}],
                OrderValidationError)
            self.assertTrue(Listing(ok.id).available_quantity, 100)

    @with_transaction()
    def test_bad_requests(self):
        "Orders of unapproved buyers, by the wrong people or to others"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        Address = pool.get('party.address')
        with platform():
            data = members()
            cement = data.catalog.cement
            ok = listing(data.supplier_a, cement)
            line = [{'listing': ok.id, 'quantity': 10}]
            self._assert_refused(data, [], OrderValidationError)
            # A sales user of the buyer may not order
            self._assert_refused(data, line, OrderAccessError,
                user=data.buyer.web_users[0].__class__.search([
                        ('s2b2b_member', '=', data.buyer.id),
                        ('s2b2b_roles', 'in', ['approver'])])[0])
            # Another member's user may not order for the buyer
            Sale = pool.get('sale.sale')
            with self.assertRaises(OrderAccessError), request_rollback():
                Sale.s2b2b_order(data.buyer, line,
                    requested_by=data.purchaser_b)
            # A supplier cannot order, nor a buyer not yet approved
            with self.assertRaises(OrderAccessError), request_rollback():
                Sale.s2b2b_order(data.supplier_a, line)
            Member.write([data.buyer_b], {'reason': "欠款"})
            Member.suspend([data.buyer_b])
            self._assert_refused(data, line, OrderAccessError,
                user=data.purchaser_b)
            # Deliveries go to the buyer's own addresses
            other, = data.supplier_a.party.addresses
            self._assert_refused(data, line, OrderValidationError,
                delivery=other.id)
            Address.delete(list(data.buyer.party.addresses))
            self._assert_refused(data, line, OrderValidationError)

    @with_transaction()
    def test_stock_taken_meanwhile(self):
        "The conditional update refuses stock another order took"
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        with platform():
            data = members()
            ok = listing(data.supplier_a, data.catalog.cement, available=30)
            snapshots = Listing.s2b2b_snapshots

            def stale(listings):
                "What was read before another order took the stock"
                return {i: s.__class__(**{**s.__dict__, 'available': 1000})
                    for i, s in snapshots(listings).items()}
            with patch.object(Listing, 's2b2b_snapshots', stale):
                self._assert_refused(data, [
                        {'listing': ok.id, 'quantity': 40}], StockShortError)
            sale = order(data, [{'listing': ok.id, 'quantity': 30}])
            self.assertEqual(Listing(ok.id).available_quantity, 0)
            self.assertFalse(Listing(ok.id).in_stock)
            self.assertTrue(Listing(ok.id).low_stock_alerted)
            self.assertEqual(sale.lines[0].s2b2b_reserved, 30)

    @with_transaction()
    def test_approval(self):
        "Above the buyer's limit an approver decides"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Member = pool.get('s2b2b.member')
        Listing = pool.get('s2b2b.listing')
        with platform():
            data = members()
            Member.write([data.buyer], {'approval_limit': Decimal(5000)})
            ok = listing(data.supplier_a, data.catalog.cement)
            small = order(data, [{'listing': ok.id, 'quantity': 10}])
            self.assertIsNone(small.s2b2b_approval)
            big = order(data, [{'listing': ok.id, 'quantity': 20}])
            other = order(data, [{'listing': ok.id, 'quantity': 15}])
            self.assertEqual(big.s2b2b_approval, 'waiting')
            self.assertEqual(pool.get('s2b2b.notification').search([
                        ('member', '=', data.buyer.id),
                        ('kind', '=', 'order.approval')], count=True), 2)
            self.assertEqual(Listing(ok.id).available_quantity, 55)
            drain_queue()
            self.assertEqual(small.state, 'processing')
            self.assertEqual(big.state, 'draft')
            self.assertFalse(big.s2b2b_purchases)

            for user in [data.purchaser, data.sales_a]:
                with self.subTest(user=user.email), \
                        self.assertRaises(OrderAccessError), \
                        request_rollback():
                    with as_member(user.s2b2b_member.id):
                        Sale.s2b2b_approve([big], user)
            with as_member(data.buyer.id):
                Sale.s2b2b_approve([big], data.approver)
                with self.assertRaises(OrderStateError), request_rollback():
                    Sale.s2b2b_approve([big], data.approver)
                with self.assertRaises(OrderStateError), request_rollback():
                    Sale.s2b2b_refuse([other], data.approver, "  ")
                Sale.s2b2b_refuse([other], data.approver, "预算不足")
            drain_queue()
            self.assertEqual(big.s2b2b_approval, 'approved')
            self.assertEqual(big.s2b2b_approved_by, data.approver)
            self.assertEqual(big.state, 'processing')
            self.assertEqual(len(big.s2b2b_purchases), 1)
            self.assertEqual(other.state, 'cancelled')
            self.assertEqual(other.s2b2b_refusal_reason, "预算不足")
            self.assertEqual(other.lines[0].s2b2b_reserved, 0)
            self.assertEqual(Listing(ok.id).available_quantity, 70)

    @with_transaction()
    def test_supplier_rejects(self):
        "A supplier rejects: its part is cancelled, stock back, buyer told"
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        Listing = pool.get('s2b2b.listing')
        Notification = pool.get('s2b2b.notification')
        with platform():
            data = members()
            a, b = self._listings(data)
            sale = order(data, [
                    {'listing': a.id, 'quantity': 20},
                    {'listing': b.id, 'quantity': 10}])
            drain_queue()
            purchase_a, purchase_b = purchases_of(sale)
            with as_member(data.supplier_b.id):
                # The other supplier's order is not found, not rejectable
                with self.assertRaises(RecordNotFound):
                    get_record('purchase.purchase', purchase_a.id)
                with self.assertRaises(OrderAccessError), request_rollback():
                    Purchase.s2b2b_reject(
                        [purchase_a], data.sales_b, "没货")
                with self.assertRaises(OrderStateError), request_rollback():
                    Purchase.s2b2b_reject([purchase_b], data.sales_b, "")
                Purchase.s2b2b_reject([purchase_b], data.sales_b, "停产")
            drain_queue()
            self.assertEqual(purchase_b.state, 'cancelled')
            self.assertEqual(purchase_b.s2b2b_reject_reason, "停产")
            self.assertEqual(Listing(b.id).available_quantity, 50)
            self.assertEqual(Listing(a.id).available_quantity, 80)
            line_a, line_b = sale.lines
            self.assertEqual(line_b.supply_state, 'cancelled')
            self.assertEqual(line_b.s2b2b_reserved, 0)
            self.assertEqual(line_a.s2b2b_reserved, 20)
            told, = Notification.search([
                    ('member', '=', data.buyer.id),
                    ('kind', '=', 'order.rejected')])
            self.assertIn("停产", told.body)
            self.assertEqual(purchase_a.state, 'quotation')
            with as_member(data.supplier_a.id):
                Purchase.s2b2b_confirm([purchase_a], data.sales_a)
                with self.assertRaises(OrderStateError), request_rollback():
                    Purchase.s2b2b_reject([purchase_a], data.sales_a, "晚了")
            drain_queue()
            self.assertEqual(sale.state, 'processing')
            self.assertNotEqual(sale.shipment_state, 'exception')

    @with_transaction()
    def test_partial_shipment(self):
        "Ship part, receive and invoice it; then the rest"
        pool = Pool()
        Shipment = pool.get('stock.shipment.drop')
        with platform():
            data = members()
            a, _ = self._listings(data)
            sale = order(data, [{'listing': a.id, 'quantity': 20}])
            drain_queue()
            purchase, = sale.s2b2b_purchases
            confirm(data, [purchase])
            shipment, = purchase.drop_shipments
            move, = shipment.supplier_moves
            self._assert_bad_shipments(data, shipment, move)
            ship(data, [shipment], {move.id: 12})
            first = shipment
            rest, = [s for s in purchase.drop_shipments if s != first]
            for record, state, quantity in [
                    (first, 'shipped', 12), (rest, 'waiting', 8)]:
                self.assertEqual(record.state, state)
                self.assertEqual(
                    [m.quantity for m in record.supplier_moves], [quantity])
                self.assertEqual(
                    [m.quantity for m in record.customer_moves], [quantity])
            self.assertEqual(rest.s2b2b_supplier, data.supplier_a)
            self.assertFalse(rest.s2b2b_tracking_number)

            with self.assertRaises(OrderStateError), request_rollback():
                receive(data, [rest])
            receive(data, [first])
            self.assertEqual([(i.state, i.total_amount) for i in sale.invoices],
                [('posted', amount(6000))])
            self.assertEqual([i.total_amount for i in purchase.invoices],
                [amount(5700)])

            ship(data, [rest])
            receive(data, [rest])
            self.assertEqual(
                sorted((i.state, i.total_amount) for i in sale.invoices),
                [('posted', amount(4000)), ('posted', amount(6000))])
            self.assertEqual(
                sorted(i.total_amount for i in purchase.invoices),
                [amount(3800), amount(5700)])
            self.assertEqual(purchase.state, 'processing')

    def _assert_bad_shipments(self, data, shipment, move):
        "Quantities off the move and missing tracking are refused"
        Shipment = Pool().get('stock.shipment.drop')
        with as_member(data.supplier_a.id):
            for quantities in [{move.id: 25}, {move.id: -1}, {move.id: 0}]:
                with self.subTest(quantities=quantities), \
                        self.assertRaises(ShipmentQuantityError), \
                        request_rollback():
                    Shipment.s2b2b_ship([shipment], data.sales_a,
                        "顺丰", "SF1", quantities)
            with self.assertRaises(ShipmentQuantityError), \
                    request_rollback():
                Shipment.s2b2b_ship([shipment], data.sales_a, "", "")
        self.assertEqual(shipment.state, 'waiting')
        self.assertEqual([m.quantity for m in shipment.supplier_moves], [20])

    @with_transaction()
    def test_tenant_isolation(self):
        "Members see only their documents and never the other side's price"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Purchase = pool.get('purchase.purchase')
        Shipment = pool.get('stock.shipment.drop')
        Invoice = pool.get('account.invoice')
        with platform():
            data = members()
            a, b = self._listings(data)
            sale = order(data, [
                    {'listing': a.id, 'quantity': 20},
                    {'listing': b.id, 'quantity': 10}])
            other = order(data, [{'listing': a.id, 'quantity': 10}],
                user=data.purchaser_b)
            drain_queue()
            purchase_a, purchase_b = purchases_of(sale)
            confirm(data, [purchase_a])
            shipment, = purchase_a.drop_shipments
            ship(data, [shipment])
            receive(data, [shipment])
            self._assert_buyer_view(data, sale, other, shipment)
            self._assert_supplier_view(data, sale, other, shipment)
            with as_member(data.buyer_b.id):
                self.assertEqual(Sale.search([]), [other])
                self.assertEqual(Shipment.search([]), [])
                self.assertEqual(Invoice.search([]), [])
                with self.assertRaises(OrderAccessError), request_rollback():
                    Shipment.s2b2b_receive([shipment], data.purchaser_b)
            with as_member(data.supplier_b.id):
                self.assertEqual(Purchase.search([]), [purchase_b])
                self.assertEqual(Shipment.search([]), [])
                with self.assertRaises(OrderAccessError), request_rollback():
                    Shipment.s2b2b_receive([shipment], data.sales_b)

    def _assert_buyer_view(self, data, sale, other, shipment):
        "The buyer: its sales, its customer moves at its price, no purchase"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Purchase = pool.get('purchase.purchase')
        Shipment = pool.get('stock.shipment.drop')
        Move = pool.get('stock.move')
        Invoice = pool.get('account.invoice')
        purchase_a, purchase_b = purchases_of(sale)
        with as_member(data.buyer.id):
            self.assertEqual(Sale.search([]), [sale])
            self.assertEqual(Purchase.search([]), [])
            with self.assertRaises(RecordNotFound):
                get_record('sale.sale', other.id)
            with self.assertRaises(RecordNotFound):
                get_record('purchase.purchase', purchase_a.id)
            # Attribute access reads without access checks: members
            # read through search and read, as the portal does
            seen, = Shipment.read([get_record(
                        'stock.shipment.drop', shipment.id).id],
                ['supplier_moves', 'customer_moves'])
            self.assertEqual(seen['supplier_moves'], ())
            self.assertEqual(len(seen['customer_moves']), 1)
            self.assertEqual(
                {m.unit_price for m in Move.search([])},
                {Decimal('500')})
            self.assertEqual(
                [i.type for i in Invoice.search([])], ['out'])
            with self.assertRaises(OrderAccessError), request_rollback():
                Purchase.s2b2b_confirm([purchase_b], data.purchaser)

    def _assert_supplier_view(self, data, sale, other, shipment):
        "The supplier: its purchases, its supplier moves, never the sale"
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        Shipment = pool.get('stock.shipment.drop')
        Move = pool.get('stock.move')
        Invoice = pool.get('account.invoice')
        Sale = pool.get('sale.sale')
        with as_member(data.supplier_a.id):
            self.assertEqual(Sale.search([]), [])
            self.assertEqual(
                {p.s2b2b_sale.id for p in Purchase.search([])},
                {sale.id, other.id})
            with self.assertRaises(RecordNotFound):
                get_record('sale.sale', sale.id)
            seen, = Shipment.read([shipment.id],
                ['supplier_moves', 'customer_moves'])
            self.assertEqual(seen['customer_moves'], ())
            self.assertEqual(len(seen['supplier_moves']), 1)
            self.assertEqual(
                {m.unit_price for m in Move.search([])},
                {Decimal('475')})
            self.assertEqual(
                [i.type for i in Invoice.search([])], ['in'])

    @with_transaction()
    def test_accounting_setup(self):
        "Set-up is idempotent and makes listings published before tradable"
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        Template = pool.get('product.template')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        models = ['account.account', 'account.fiscalyear', 'account.period',
            'ir.sequence.strict', 'account.invoice.payment_term',
            'product.category', 'purchase.product_supplier']
        company = create_company(
            "S2B2B Platform", currency=create_currency('CNY'))
        with set_company(company):
            data = members()
            # Published before the procurement module made products tradable
            with patch.object(Listing, 's2b2b_make_tradable'):
                early = listing(data.supplier_a, data.catalog.cement)
            template = early.product.template
            self.assertFalse(template.salable)
            first = accounting.setup_company(company)
            counts = {m: self._count(m) for m in models}
            second = accounting.setup_company(company)
            self.assertEqual({m: self._count(m) for m in models}, counts)
            self.assertEqual(
                (first.category, first.payment_term),
                (second.category, second.payment_term))
            self.assertEqual(first.accounts, second.accounts)
            template = Template(template.id)
            self.assertTrue(template.salable and template.purchasable)
            self.assertEqual(template.supply_on_sale, 'always')
            self.assertEqual(template.account_category, first.category)
            supplier, = template.product_suppliers
            self.assertEqual(supplier.party, data.supplier_a.party)
            self.assertTrue(supplier.drop_shipment)
            portal = User(ModelData.get_id('s2b2b_platform', 'user_portal'))
            self.assertEqual(portal.company, company)

            sale = order(data, [{'listing': early.id, 'quantity': 10}])
            drain_queue()
            purchase, = sale.s2b2b_purchases
            self.assertEqual(purchase.party, data.supplier_a.party)

    @with_transaction()
    def test_order_contract(self):
        """The buyer orders a signed spot contract once, at its prices;
        anyone else, an unsigned contract, a second order are refused and
        change nothing"""
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        Order = pool.get('s2b2b.order')
        with platform() as company:
            data = members()
            cement = listing(data.supplier_a, data.catalog.cement)
            contract = signed_contract(data.buyer, data.supplier_a, cement,
                20, '480', company.currency)
            loose = signed_contract(data.buyer, data.supplier_a, cement,
                20, '480', company.currency, listings=False)
            draft, = Contract.copy([contract], default={'state': 'draft'})

            def refused(contract, member=None):
                member = member or data.buyer
                before = (Order.search([]), cement.available_quantity)
                with self.assertRaises(ContractError) as context, \
                        request_rollback(), as_member(member.id):
                    Contract.place_order(contract, data.purchaser)
                self.assertEqual(
                    (Order.search([]), cement.available_quantity), before)
                return str(context.exception)
            self.assertIn("buyer", refused(contract, member=data.buyer_b))
            self.assertIn("not a signed spot contract", refused(draft))

            with as_member(data.buyer.id):
                order = Contract.place_order(contract, data.purchaser)
            self.assertEqual((order.state, order.contract, order.reference,
                    order.amount), ('received', contract, contract.number,
                    amount(9600)))
            self.assertEqual(cement.available_quantity, 80)
            self.assertEqual(contract.orders, (order,))
            self.assertIn("already been ordered", refused(contract))
            drain_queue()
            line, = order.sale.lines
            self.assertEqual((line.unit_price, line.s2b2b_origin,
                    order.sale.s2b2b_contract),
                (Decimal('480'), contract.lines[0], contract))
            self._order_awarded(company, data, loose, cement)

    def _order_awarded(self, company, data, contract, cement):
        """A line awarded from an RFQ (no listing) is bought from the
        contract's supplier and drop-shipped like a listing's, to both
        invoices; its quantity changes take no stock"""
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        Order = pool.get('s2b2b.order')
        cement_line, crane_line = contract.lines

        # Straight to the intake: only the buyer of the signed contract
        # may order its lines
        def intake_refused(buyer, line):
            before = Order.search([])
            with self.assertRaises(OrderAccessError) as context, \
                    request_rollback():
                Order.place(buyer, [line.to_order_line(1)])
            self.assertEqual(Order.search([]), before)
            return str(context.exception)
        self.assertIn("not on a signed contract",
            intake_refused(data.buyer_b, crane_line))
        Contract.write([contract], {'state': 'done'})
        self.assertIn("not on a signed contract",
            intake_refused(data.buyer, crane_line))
        Contract.write([contract], {'state': 'signed'})
        with as_member(data.buyer.id):
            order = Contract.place_order(contract, data.purchaser)
        self.assertEqual(order.amount, amount(9600 + 1000))
        self.assertEqual(cement.available_quantity, 60)
        drain_queue()
        sale = order.sale
        cement_sale, crane_sale = sale.lines
        self.assertEqual((crane_sale.product, crane_sale.s2b2b_listing,
                crane_sale.s2b2b_origin, crane_sale.unit_price,
                crane_sale.description, crane_sale.s2b2b_supplier),
            (crane_line.product, None, crane_line, Decimal(1000),
                "吊车 Crane hire", data.supplier_a))
        purchase, = purchases_of(sale)
        self.assertEqual((purchase.party, purchase.s2b2b_supplier,
                purchase.customer, purchase.state),
            (data.supplier_a.party, data.supplier_a, data.buyer.party,
                'quotation'))
        self.assertEqual(sorted(l.unit_price for l in purchase.lines),
            [Decimal('456'), Decimal('950')])
        confirm(data, [purchase])
        shipment, = purchase.drop_shipments
        # promised as the crane's supplier quoted it, not on the day
        self.assertEqual(shipment.s2b2b_promised_date,
            Pool().get('ir.date').today() + dt.timedelta(days=30))
        self.assertEqual(
            sorted(m.product.id for m in shipment.customer_moves),
            sorted([cement_line.product.id, crane_line.product.id]))
        ship(data, [shipment])
        receive(data, [shipment])
        invoice, = sale.invoices
        in_invoice, = purchase.invoices
        self.assertEqual(
            (invoice.state, invoice.total_amount, in_invoice.state,
                in_invoice.total_amount),
            ('posted', amount(10600), 'posted', amount(10070)))

    @with_transaction()
    def test_contract_lines(self):
        "Lines agreed in a contract keep their price and their origin"
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        with platform() as company:
            data = members()
            cement = listing(data.supplier_a, data.catalog.cement)
            contract, = Contract.create_from_award([{
                        'buyer': data.buyer, 'supplier': data.supplier_a,
                        'currency': company.currency,
                        'lines': [{'description': "水泥", 'listing': cement,
                                'quantity': 20, 'uom': cement.uom,
                                'unit_price': Decimal('480')}],
                        }])
            agreed, = contract.lines
            sale = order(data, [{'listing': cement.id, 'quantity': 20,
                        'unit_price': agreed.unit_price, 'origin': agreed}],
                contract=contract)
            line, = sale.lines
            self.assertEqual(line.unit_price, Decimal('480'))
            self.assertEqual(line.s2b2b_origin, agreed)
            self.assertEqual(sale.s2b2b_contract, contract)
            drain_queue()
            purchase_line, = sale.s2b2b_purchases[0].lines
            self.assertEqual(purchase_line.unit_price, Decimal('456'))
