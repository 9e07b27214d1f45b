# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Consolidated billing: members billed per period get one invoice per
period and side, posted when the period ends."""
import datetime as dt
import unittest
from unittest.mock import patch

from trytond.modules.s2b2b_procurement import ordering
from trytond.modules.s2b2b_procurement.tests.order_tools import (
    account_balance, amount, confirm, drain_queue, listing, members, order,
    platform, purchases_of, receive, ship)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)


class BillingPeriodTestCase(unittest.TestCase):
    "The periods, without a database"

    def test_week(self):
        # 2026-12-02 is a Wednesday
        self.assertEqual(ordering.billing_period('week', dt.date(2026, 12, 2)),
            (dt.date(2026, 11, 30), dt.date(2026, 12, 6)))

    def test_month(self):
        self.assertEqual(
            ordering.billing_period('month', dt.date(2026, 12, 31)),
            (dt.date(2026, 12, 1), dt.date(2026, 12, 31)))
        self.assertEqual(
            ordering.billing_period('month', dt.date(2028, 2, 10)),
            (dt.date(2028, 2, 1), dt.date(2028, 2, 29)))

    def test_per_order(self):
        self.assertIsNone(ordering.billing_period(None, dt.date(2026, 1, 1)))
        with self.assertRaises(ValueError):
            ordering.billing_period('year', dt.date(2026, 1, 1))


class BillingTestCase(unittest.TestCase):
    "Orders of the period on one invoice per side"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['s2b2b_procurement'])

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def _deliver(self, data, sale):
        "The queue processes the order; it is confirmed, shipped, received"
        drain_queue()
        purchases = purchases_of(sale)
        confirm(data, purchases)
        shipments = [s for p in purchases for s in p.drop_shipments]
        ship(data, shipments)
        receive(data, shipments)

    @with_transaction()
    def test_monthly(self):
        "Two orders of the month on one invoice each side, posted at its end"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        Invoice = pool.get('account.invoice')
        Event = pool.get('s2b2b.event')
        Date = pool.get('ir.date')
        today = Date.today()
        start, end = ordering.billing_period('month', today)
        with platform() as company:
            data = members()
            Member.write([data.buyer, data.supplier_a],
                {'billing_period': 'month'})
            a = listing(data.supplier_a, data.catalog.cement, available=100)
            first = order(data, [{'listing': a.id, 'quantity': 20}])
            self._deliver(data, first)
            second = order(data, [{'listing': a.id, 'quantity': 10}])
            self._deliver(data, second)

            invoice, = first.invoices
            self.assertEqual(second.invoices, (invoice,))
            self.assertEqual(
                (invoice.state, invoice.s2b2b_billing_start,
                    invoice.s2b2b_billing_end, len(invoice.lines)),
                ('draft', start, end, 2))
            supplier_invoice, = {i for s in [first, second]
                for p in purchases_of(s) for i in p.invoices}
            self.assertEqual((supplier_invoice.state, supplier_invoice.party,
                    len(supplier_invoice.lines)),
                ('draft', data.supplier_a.party, 2))
            self.assertEqual(account_balance(company, 'revenue'), 0)

            # Not before the period ends
            Invoice.s2b2b_close_billing(end)
            self.assertEqual(invoice.state, 'draft')
            after = end + dt.timedelta(days=1)
            with patch.object(Date, 'today', return_value=after):
                Invoice.s2b2b_close_billing()
            for record in [invoice, supplier_invoice]:
                self.assertEqual((record.state, record.invoice_date),
                    ('posted', end))
            self.assertEqual(invoice.total_amount, amount(15000))
            self.assertEqual(supplier_invoice.total_amount, amount(14250))
            self.assertEqual(account_balance(company, 'revenue')
                + account_balance(company, 'expense'), amount(750))
            logged = Event.search([('event', '=', 'order.invoiced'),
                    ('resource', '=', str(invoice))])
            self.assertEqual([e.member for e in logged], [data.buyer])

            # The next order of the month starts a new invoice
            third = order(data, [{'listing': a.id, 'quantity': 10}])
            self._deliver(data, third)
            new, = third.invoices
            self.assertNotEqual(new, invoice)
            self.assertEqual((new.state, new.s2b2b_billing_start),
                ('draft', start))

    @with_transaction()
    def test_mixed(self):
        """A buyer billed per order beside a supplier billed per period;
        an operator posts a consolidated invoice early"""
        pool = Pool()
        Member = pool.get('s2b2b.member')
        Invoice = pool.get('account.invoice')
        with platform():
            data = members()
            Member.write([data.supplier_a], {'billing_period': 'week'})
            a = listing(data.supplier_a, data.catalog.cement, available=100)
            sale = order(data, [{'listing': a.id, 'quantity': 20}])
            self._deliver(data, sale)
            invoice, = sale.invoices
            self.assertEqual((invoice.state, invoice.s2b2b_billing_end),
                ('posted', None))
            supplier_invoice, = purchases_of(sale)[0].invoices
            self.assertEqual(supplier_invoice.state, 'draft')
            self.assertTrue(supplier_invoice.s2b2b_billing_end)

            Invoice.s2b2b_close_billing_button([invoice, supplier_invoice])
            self.assertEqual(
                (supplier_invoice.state, supplier_invoice.invoice_date),
                ('posted', pool.get('ir.date').today()))

    @with_transaction()
    def test_period_of_receipt(self):
        "What is received in the next period goes on that period's invoice"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        Date = pool.get('ir.date')
        with platform():
            data = members()
            # Nothing posted: the fiscal year of next week may not exist
            Member.write([data.buyer, data.supplier_a],
                {'billing_period': 'week'})
            a = listing(data.supplier_a, data.catalog.cement, available=100)
            first = order(data, [{'listing': a.id, 'quantity': 20}])
            self._deliver(data, first)
            later = Date.today() + dt.timedelta(days=7)
            second = order(data, [{'listing': a.id, 'quantity': 10}])
            with patch.object(Date, 'today', return_value=later):
                self._deliver(data, second)
            this_week, = first.invoices
            next_week, = second.invoices
            self.assertNotEqual(this_week, next_week)
            self.assertEqual(next_week.s2b2b_billing_start,
                ordering.billing_period('week', later)[0])
