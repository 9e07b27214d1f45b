# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Orders as the API receives them: accepted at once (checked, stock
taken, recorded, queued), their sales made by the queue."""
import json
import unittest
from decimal import Decimal

from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.tenant import as_member, get_record
from trytond.modules.s2b2b_platform.tests.tools import request_rollback
from trytond.modules.s2b2b_procurement.exceptions import (
    OrderAccessError, OrderValidationError)
from trytond.modules.s2b2b_procurement.tests.order_tools import (
    drain_queue, listing, members, platform)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction


def place(data, lines, user=None, **kwargs):
    "The buyer's purchaser places an order through the API"
    Order = Pool().get('s2b2b.order')
    user = user or data.purchaser
    with as_member(user.s2b2b_member.id):
        return Order.place(user.s2b2b_member, lines, requested_by=user,
            **kwargs)


class IntakeTestCase(unittest.TestCase):
    "Orders received, then made into sales by the queue"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['s2b2b_procurement'])

    @classmethod
    def tearDownClass(cls):
        drop_db()

    @with_transaction()
    def test_received_then_placed(self):
        "The stock is taken at intake; the queue makes and processes the sale"
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        Sale = pool.get('sale.sale')
        with platform():
            data = members()
            a = listing(data.supplier_a, data.catalog.cement, available=100)
            b = listing(data.supplier_b, data.catalog.cement, available=50,
                tiers=((10, '300'),))
            sales = Sale.search([])
            drain_queue()
            order = place(data, [{'listing': a.id, 'quantity': 20},
                    {'listing': b.id, 'quantity': 10}], reference="PO-1")
            self.assertEqual((order.state, order.amount, order.sale),
                ('received', Decimal('13000.00'), None))
            self.assertEqual([Listing(a.id).available_quantity,
                    Listing(b.id).available_quantity], [80, 40])
            self.assertEqual(Sale.search([]), sales)
            Queue = pool.get('ir.queue')
            queued = [(t.data['model'], t.data['method'])
                for t in Queue.browse(Transaction().tasks)]
            self.assertIn(('s2b2b.order', 'process'), queued)
            self.assertNotIn(('sale.sale', 's2b2b_process'), queued)
            Event = pool.get('s2b2b.event')
            received = [('event', '=', 'order.received'),
                ('resource', '=', str(order))]
            self.assertEqual(Event.search(received), [])
            drain_queue()
            # The worker appended the order's event, with its receipt time
            event, = Event.search(received)
            self.assertEqual((event.member, event.hash is not None),
                (data.buyer, True))
            self.assertEqual(json.loads(event.data)['received_at'],
                order.create_date.isoformat(timespec='seconds'))
            sale = order.sale
            self.assertEqual((order.state, sale.reference, sale.s2b2b_buyer),
                ('placed', "PO-1", data.buyer))
            self.assertEqual([(l.quantity, l.unit_price, l.s2b2b_reserved)
                    for l in sale.lines],
                [(20, Decimal(500), 20), (10, Decimal(300), 10)])
            self.assertEqual(sale.state, 'processing')
            self.assertEqual(len(sale.s2b2b_purchases), 2)
            # The stock was taken once, at intake
            self.assertEqual(Listing(a.id).available_quantity, 80)

    @with_transaction()
    def test_refused_at_intake(self):
        "Bad orders are refused before anything is recorded or queued"
        pool = Pool()
        Order = pool.get('s2b2b.order')
        Listing = pool.get('s2b2b.listing')
        with platform():
            data = members()
            a = listing(data.supplier_a, data.catalog.cement, available=30)
            for lines, user, error in [
                    ([{'listing': a.id, 'quantity': 5}], None,
                        OrderValidationError),  # below the MOQ of 10
                    ([{'listing': a.id, 'quantity': 12}], None,
                        OrderValidationError),  # not a multiple of 5
                    ([{'listing': a.id, 'quantity': 40}], None,
                        OrderValidationError),  # more than the stock
                    ([{'listing': 10 ** 6, 'quantity': 10}], None,
                        OrderValidationError),
                    ([], None, OrderValidationError),
                    ([{'listing': a.id, 'quantity': 10}], data.sales_a,
                        OrderAccessError),
                    ]:
                with self.subTest(lines=lines):
                    with self.assertRaises(error), request_rollback():
                        place(data, lines, user=user)
                    self.assertEqual(Order.search([]), [])
                    self.assertEqual(Listing(a.id).available_quantity, 30)

    @with_transaction()
    def test_processed_once(self):
        "A task run again (a restarted worker) makes no second sale"
        pool = Pool()
        Order = pool.get('s2b2b.order')
        Sale = pool.get('sale.sale')
        with platform():
            data = members()
            a = listing(data.supplier_a, data.catalog.cement)
            order = place(data, [{'listing': a.id, 'quantity': 10}])
            Transaction().tasks.clear()
            Order.process([order])
            Order.process([order])
            self.assertEqual(Sale.search([('s2b2b_buyer', '=',
                            data.buyer.id)]), [order.sale])

    @with_transaction()
    def test_approval_after_intake(self):
        "Above the buyer's limit the sale waits for an approver"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        with platform():
            data = members()
            Member.write([data.buyer], {'approval_limit': Decimal(1000)})
            a = listing(data.supplier_a, data.catalog.cement)
            order = place(data, [{'listing': a.id, 'quantity': 10}])
            drain_queue()
            self.assertEqual((order.sale.s2b2b_approval, order.sale.state),
                ('waiting', 'draft'))

    @with_transaction()
    def test_orders_of_the_buyer_only(self):
        with platform():
            data = members()
            a = listing(data.supplier_a, data.catalog.cement)
            order = place(data, [{'listing': a.id, 'quantity': 10}])
            with as_member(data.buyer.id):
                self.assertEqual(get_record('s2b2b.order', order.id), order)
            for member in [data.buyer_b, data.supplier_a]:
                with self.subTest(member=member.rec_name):
                    with as_member(member.id):
                        with self.assertRaises(RecordNotFound):
                            get_record('s2b2b.order', order.id)
