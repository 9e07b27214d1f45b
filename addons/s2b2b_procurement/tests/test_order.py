# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Order stories at the model level: intake, approval, supplier
confirmation or rejection, shipments (partial too), receipt, invoices
and the platform's margin, tenant isolation."""
import unittest
from decimal import Decimal

from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.tenant import as_member, get_record
from trytond.modules.s2b2b_platform.tests.tools import request_rollback
from trytond.modules.s2b2b_procurement.exceptions import (
    OrderAccessError, OrderStateError, OrderValidationError,
    ShipmentQuantityError, StockShortError)
from trytond.modules.s2b2b_procurement.tests.order_tools import (
    amount, drain_queue, listing, members, platform)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

MODULE = 's2b2b_procurement'


def order(data, lines, user=None, **kwargs):
    "Place an order of the buyer as its purchaser, in the portal"
    Sale = Pool().get('sale.sale')
    user = user or data.purchaser
    with as_member(user.s2b2b_member.id):
        return Sale.s2b2b_order(user.s2b2b_member, lines,
            requested_by=user, **kwargs)


def purchases_of(sale):
    return sorted(sale.s2b2b_purchases, key=lambda p: p.id)


def account_balance(company, kind):
    "Credit less debit of the company's accounts of a kind (revenue...)"
    pool = Pool()
    Line = pool.get('account.move.line')
    lines = Line.search([
            ('account.company', '=', company.id),
            (f'account.type.{kind}', '=', True),
            ('move.state', '=', 'posted'),
            ])
    return sum((l.credit - l.debit for l in lines), Decimal(0))


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
        Purchase = pool.get('purchase.purchase')
        Shipment = pool.get('stock.shipment.drop')
        with platform() as company:
            data = members()
            a, b = self._listings(data)
            sale = order(data, [
                    {'listing': a.id, 'quantity': 20},
                    {'listing': b.id, 'quantity': 10}])
            self.assertEqual(sale.state, 'draft')
            self.assertEqual(sale.s2b2b_buyer, data.buyer)
            self.assertEqual(sale.s2b2b_requested_by, data.purchaser)
            self.assertEqual(a.available_quantity, 80)
            self.assertEqual(b.available_quantity, 40)
            self.assertEqual(
                [l.unit_price for l in sale.lines],
                [Decimal('500'), Decimal('300')])

            drain_queue()
            self.assertEqual(sale.state, 'processing')
            purchase_a, purchase_b = purchases_of(sale)
            self.assertEqual(purchase_a.state, 'quotation')
            self.assertEqual(purchase_a.party, data.supplier_a.party)
            self.assertEqual(purchase_a.s2b2b_supplier, data.supplier_a)
            self.assertEqual(purchase_b.s2b2b_supplier, data.supplier_b)
            self.assertEqual(purchase_a.customer, data.buyer.party)
            self.assertTrue(purchase_a.s2b2b_confirm_due)
            # commission 5 %
            self.assertEqual(purchase_a.lines[0].unit_price, Decimal('475'))
            self.assertEqual(purchase_b.lines[0].unit_price, Decimal('285'))

            with as_member(data.supplier_a.id):
                Purchase.s2b2b_confirm([purchase_a], data.sales_a)
            with as_member(data.supplier_b.id):
                Purchase.s2b2b_confirm([purchase_b], data.sales_b)
            drain_queue()
            self.assertEqual(purchase_a.state, 'processing')
            shipment_a, = purchase_a.drop_shipments
            shipment_b, = purchase_b.drop_shipments
            self.assertEqual(shipment_a.state, 'waiting')
            self.assertEqual(shipment_a.s2b2b_buyer, data.buyer)
            self.assertEqual(shipment_b.s2b2b_promised_date,
                pool.get('ir.date').today()
                + __import__('datetime').timedelta(days=5))

            for shipment, user in [(shipment_a, data.sales_a),
                    (shipment_b, data.sales_b)]:
                with as_member(user.s2b2b_member.id):
                    Shipment.s2b2b_ship(
                        [shipment], user, "顺丰速运", "SF1234567890")
            drain_queue()
            self.assertEqual(shipment_a.state, 'shipped')
            self.assertEqual(shipment_a.s2b2b_tracking_number,
                "SF1234567890")

            with as_member(data.buyer.id):
                Shipment.s2b2b_receive(
                    [shipment_a, shipment_b], data.purchaser)
            drain_queue()
            self.assertEqual(shipment_a.state, 'done')

            out_invoices = [i for i in sale.invoices]
            self.assertEqual([i.state for i in out_invoices], ['posted'])
            self.assertEqual(out_invoices[0].total_amount, amount(13000))
            in_invoices = [i for p in purchases_of(sale) for i in p.invoices]
            self.assertEqual(
                [i.state for i in in_invoices], ['posted', 'posted'])
            self.assertEqual(sum(i.total_amount for i in in_invoices),
                amount(12350))
            revenue = account_balance(company, 'revenue')
            expense = -account_balance(company, 'expense')
            self.assertEqual(revenue, amount(13000))
            self.assertEqual(expense, amount(12350))
            self.assertEqual(revenue - expense, amount(650))
            self.assertEqual(sale.state, 'processing')
