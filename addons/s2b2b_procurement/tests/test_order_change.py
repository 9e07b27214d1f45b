# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Order changes, cancellations and returns at the model level."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.modules.s2b2b_platform.tenant import as_member
from trytond.modules.s2b2b_platform.tests.tools import request_rollback
from trytond.modules.s2b2b_procurement.exceptions import (
    OrderAccessError, OrderChangeError, OrderReturnError, OrderStateError)
from trytond.modules.s2b2b_procurement.tests.order_tools import (
    account_balance, amount, confirm, drain_queue, listing, members, order,
    platform, purchases_of, receive, ship)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

MODULE = 's2b2b_procurement'


def change(data, line, reason="项目调整", user=None, **values):
    Change = Pool().get('s2b2b.order.change')
    user = user or data.purchaser
    with as_member(user.s2b2b_member.id):
        return Change.request(line, user, reason, **values)


def decide(data, changes, accept=True, reason=None, user=None):
    Change = Pool().get('s2b2b.order.change')
    user = user or data.sales_a
    with as_member(user.s2b2b_member.id):
        if accept:
            Change.accept(changes, user)
        else:
            Change.refuse(changes, user, reason)
    drain_queue()


def ask_return(data, line, quantity, user=None, reason="破损"):
    Return = Pool().get('s2b2b.order.return')
    user = user or data.purchaser
    with as_member(user.s2b2b_member.id):
        return Return.request(line, user, quantity, reason)


def act_return(data, method, records, user=None, *args):
    "The supplier accepts, refuses or receives returns"
    Return = Pool().get('s2b2b.order.return')
    user = user or data.sales_a
    with as_member(user.s2b2b_member.id):
        getattr(Return, method)(records, user, *args)
    drain_queue()


class OrderChangeTestCase(unittest.TestCase):
    "Changes, cancellations and returns of orders"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module([MODULE])

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def _ordered(self, data, quantity=20, confirmed=True, **values):
        "An order of cement A, processed and confirmed by the supplier"
        cement = listing(data.supplier_a, data.catalog.cement, name="水泥 A",
            **values)
        sale = order(data, [{'listing': cement.id, 'quantity': quantity}])
        drain_queue()
        purchase, = sale.s2b2b_purchases
        if confirmed:
            confirm(data, [purchase])
        return cement, sale, purchase

    @with_transaction()
    def test_change_quantity_confirmed(self):
        "More after confirmation: amendments on both sides, moves follow"
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        Notification = pool.get('s2b2b.notification')
        with platform():
            data = members()
            cement, sale, purchase = self._ordered(data)
            line, = sale.lines
            request = change(data, line, quantity=30)
            self.assertEqual(request.state, 'requested')
            self.assertEqual(request.supplier, data.supplier_a)
            self.assertTrue(Notification.search([
                        ('member', '=', data.supplier_a.id),
                        ('kind', '=', 'order.change')]))
            with self.assertRaises(OrderChangeError), request_rollback():
                change(data, line, quantity=40)
            decide(data, [request])
            self.assertEqual(request.state, 'accepted')
            self.assertEqual(request.decided_by, data.sales_a)
            self.assertEqual(line.quantity, 30)
            self.assertEqual(line.unit_price, Decimal('500'))
            self.assertEqual(line.s2b2b_reserved, 30)
            self.assertEqual(len(sale.amendments), 1)
            purchase_line, = purchase.lines
            self.assertEqual(purchase_line.quantity, 30)
            self.assertEqual(len(purchase.amendments), 1)
            self.assertEqual(Listing(cement.id).available_quantity, 70)
            shipment, = purchase.drop_shipments
            self.assertEqual(
                [(m.quantity, m.origin) for m in shipment.supplier_moves],
                [(30, purchase_line)])
            self.assertEqual(
                [(m.quantity, m.origin) for m in shipment.customer_moves],
                [(30, line)])
            ship(data, [shipment])
            receive(data, [shipment])
            invoice, = sale.invoices
            self.assertEqual(invoice.total_amount, amount(15000))
            supplier_invoice, = purchase.invoices
            self.assertEqual(supplier_invoice.total_amount, amount(14250))

    @with_transaction()
    def test_change_before_confirmation(self):
        "While the supplier has not confirmed: the tier price follows"
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        with platform():
            data = members()
            cement, sale, purchase = self._ordered(data, confirmed=False)
            line, = sale.lines
            decide(data, [change(data, line, quantity=100)])
            self.assertEqual(line.unit_price, Decimal('450'))
            purchase_line, = purchase.lines
            self.assertEqual(purchase.state, 'quotation')
            self.assertEqual(
                (purchase_line.quantity, purchase_line.unit_price),
                (100, Decimal('427.5')))
            self.assertEqual(Listing(cement.id).available_quantity, 0)
            decide(data, [change(data, line, quantity=10)])
            self.assertEqual(line.unit_price, Decimal('500'))
            self.assertEqual(Listing(cement.id).available_quantity, 90)
            confirm(data, [purchase])
            shipment, = purchase.drop_shipments
            self.assertEqual(
                [m.quantity for m in shipment.supplier_moves], [10])
            self.assertEqual(
                [(m.quantity, m.origin) for m in shipment.customer_moves],
                [(10, line)])

    @with_transaction()
    def test_change_date(self):
        "A later date moves the shipment's promised date"
        pool = Pool()
        today = pool.get('ir.date').today()
        with platform():
            data = members()
            _, sale, purchase = self._ordered(data)
            line, = sale.lines
            later = today + dt.timedelta(days=20)
            decide(data, [change(data, line, date=later)])
            self.assertEqual(line.s2b2b_delivery_date, later)
            shipment, = purchase.drop_shipments
            self.assertEqual(shipment.s2b2b_promised_date, later)
            self.assertEqual(shipment.planned_date, later)
            self.assertEqual(line.quantity, 20)

    @with_transaction()
    def test_change_refused_and_bad(self):
        "Refused changes change nothing; bad ones are refused at once"
        pool = Pool()
        Change = pool.get('s2b2b.order.change')
        today = pool.get('ir.date').today()
        with platform():
            data = members()
            cement, sale, purchase = self._ordered(data)
            line, = sale.lines
            for values in [{}, {'quantity': 0}, {'quantity': 5},
                    {'quantity': 22}, {'quantity': 200},
                    {'date': today - dt.timedelta(days=1)}]:
                with self.subTest(values=values), \
                        self.assertRaises(OrderChangeError), \
                        request_rollback():
                    change(data, line, **values)
            with self.assertRaises(OrderStateError), request_rollback():
                change(data, line, reason=" ", quantity=30)
            with self.assertRaises(OrderAccessError), request_rollback():
                change(data, line, quantity=30, user=data.purchaser_b)
            request = change(data, line, quantity=30)
            for user in [data.sales_b, data.purchaser]:
                with self.subTest(user=user.email), \
                        self.assertRaises(OrderAccessError), \
                        request_rollback():
                    decide(data, [request], user=user)
            with self.assertRaises(OrderStateError), request_rollback():
                decide(data, [request], accept=False, reason="")
            decide(data, [request], accept=False, reason="产能不足")
            self.assertEqual(request.state, 'refused')
            self.assertEqual(request.refusal_reason, "产能不足")
            self.assertEqual(line.quantity, 20)
            self.assertFalse(sale.amendments)
            with self.assertRaises(OrderStateError), request_rollback():
                decide(data, [request])

            shipment, = purchase.drop_shipments
            ship(data, [shipment])
            with self.assertRaises(OrderChangeError), request_rollback():
                change(data, line, quantity=30)
            self.assertEqual(Change.search([], count=True), 1)

    @with_transaction()
    def test_cancel(self):
        "Cancellations before shipment release the stock"
        pool = Pool()
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        Listing = pool.get('s2b2b.listing')
        with platform():
            data = members()
            cement = listing(data.supplier_a, data.catalog.cement,
                name="水泥 A")
            cable = listing(data.supplier_b, data.catalog.cable,
                name="电缆 B", available=50)

            def cancel(records, reason="不需要了", user=None):
                user = user or data.purchaser
                Model = Sale if records[0].__name__ == 'sale.sale' \
                    else SaleLine
                with as_member(user.s2b2b_member.id):
                    Model.s2b2b_cancel(records, user, reason)
                drain_queue()

            # Not yet processed
            draft = order(data, [{'listing': cement.id, 'quantity': 10}])
            cancel([draft])
            drain_queue()
            self.assertEqual(draft.state, 'cancelled')
            self.assertFalse(draft.s2b2b_purchases)

            # One supplier confirmed, the other not: each side cancelled
            sale = order(data, [
                    {'listing': cement.id, 'quantity': 20},
                    {'listing': cable.id, 'quantity': 10}])
            drain_queue()
            purchase_a, purchase_b = purchases_of(sale)
            confirm(data, [purchase_a])
            self.assertEqual(Listing(cement.id).available_quantity, 80)
            with self.assertRaises(OrderAccessError), request_rollback():
                cancel([sale], user=data.purchaser_b)
            with self.assertRaises(OrderStateError), request_rollback():
                cancel([sale], reason="")
            cancel([sale])
            self.assertEqual(Listing(cement.id).available_quantity, 100)
            self.assertEqual(Listing(cable.id).available_quantity, 50)
            self.assertEqual(purchase_b.state, 'cancelled')
            shipment, = purchase_a.drop_shipments
            self.assertEqual(shipment.state, 'cancelled')
            self.assertTrue(all(l.s2b2b_cancelled for l in sale.lines))
            self.assertEqual(sale.shipment_state, 'none')
            self.assertEqual(sale.state, 'done')
            self.assertFalse(sale.invoices)
            self.assertEqual(purchase_a.state, 'done')

    @with_transaction()
    def test_cancel_line(self):
        "One line of two cancelled; the other goes on; shipped: refused"
        pool = Pool()
        SaleLine = pool.get('sale.line')
        Listing = pool.get('s2b2b.listing')
        with platform():
            data = members()
            a = listing(data.supplier_a, data.catalog.cement, name="水泥 A")
            b = listing(data.supplier_a, data.catalog.cement, name="水泥 B")
            sale = order(data, [{'listing': a.id, 'quantity': 20},
                    {'listing': b.id, 'quantity': 10}])
            drain_queue()
            purchase, = sale.s2b2b_purchases
            line_a, line_b = sale.lines
            with as_member(data.buyer.id):
                SaleLine.s2b2b_cancel([line_b], data.purchaser, "改规格")
            drain_queue()
            self.assertEqual(Listing(b.id).available_quantity, 100)
            self.assertEqual(purchase.state, 'quotation')
            self.assertEqual(
                sorted(l.quantity for l in purchase.lines), [0, 20])
            confirm(data, [purchase])
            shipment, = purchase.drop_shipments
            self.assertEqual(
                [m.quantity for m in shipment.supplier_moves], [20])
            ship(data, [shipment])
            with self.assertRaises(OrderChangeError), request_rollback():
                with as_member(data.buyer.id):
                    SaleLine.s2b2b_cancel([line_a], data.purchaser, "晚了")
            receive(data, [shipment])
            invoice, = sale.invoices
            self.assertEqual(invoice.total_amount, amount(10000))

    @with_transaction()
    def test_return(self):
        "Returned after receipt: return shipments, credit notes posted"
        with platform() as company:
            data = members()
            _, sale, purchase = self._ordered(data)
            line, = sale.lines
            with self.assertRaises(OrderReturnError), request_rollback():
                ask_return(data, line, 5)
            shipment, = purchase.drop_shipments
            ship(data, [shipment])
            receive(data, [shipment])
            self._assert_bad_returns(data, line)

            record = ask_return(data, line, 5)
            with self.assertRaises(OrderReturnError), request_rollback():
                ask_return(data, line, 16)
            with self.assertRaises(OrderStateError), request_rollback():
                act_return(data, 'receive', [record])
            act_return(data, 'accept', [record])
            self.assertEqual(record.state, 'accepted')
            self.assertEqual(record.return_sale.lines[0].quantity, -5)
            self.assertEqual(record.return_purchase.lines[0].quantity, -5)
            self.assertEqual(record.return_sale.s2b2b_buyer, data.buyer)
            customer_return, = record.return_sale.shipment_returns
            supplier_return, = record.return_purchase.shipment_returns
            act_return(data, 'receive', [record])
            self.assertEqual(record.state, 'credited')
            self.assertEqual((customer_return.state, supplier_return.state),
                ('done', 'done'))
            self._assert_credited(company, record)

    def _assert_bad_returns(self, data, line):
        "Too much, nothing, someone else's; a refused return"
        for quantity in [0, 25]:
            with self.subTest(quantity=quantity), \
                    self.assertRaises(OrderReturnError), request_rollback():
                ask_return(data, line, quantity)
        with self.assertRaises(OrderAccessError), request_rollback():
            ask_return(data, line, 5, user=data.purchaser_b)
        refused = ask_return(data, line, 15)
        with self.assertRaises(OrderAccessError), request_rollback():
            act_return(data, 'refuse', [refused], data.sales_b, "不行")
        act_return(data, 'refuse', [refused], None, "非质量问题")
        self.assertEqual(
            (refused.state, refused.refusal_reason), ('refused', "非质量问题"))

    def _assert_credited(self, company, record):
        "Credit notes on both sides; the margin of what was kept"
        credit_note, = record.return_sale.invoices
        self.assertEqual((credit_note.state, credit_note.total_amount),
            ('posted', amount(-2500)))
        supplier_note, = record.return_purchase.invoices
        self.assertEqual((supplier_note.state, supplier_note.total_amount),
            ('posted', amount(-2375)))
        revenue = account_balance(company, 'revenue')
        expense = -account_balance(company, 'expense')
        self.assertEqual((revenue, expense),
            (amount(15 * 500), amount(15 * 475)))
