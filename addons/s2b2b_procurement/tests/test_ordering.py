# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Order rules without a database"
import datetime as dt
import unittest
from decimal import Decimal

from trytond.modules.s2b2b_procurement import ordering
from trytond.modules.s2b2b_procurement.ordering import ListingSnapshot

TODAY = dt.date(2026, 3, 10)
TIERS = ((10, Decimal('500')), (100, Decimal('450')))


def snapshot(**values):
    values = {'id': 1, 'state': 'published', 'supplier_approved': True,
        'tiers': TIERS, 'moq': 10, 'multiple': 5, 'available': 200,
        'currency': 7, **values}
    return ListingSnapshot(**values)


class LineProblemsTestCase(unittest.TestCase):
    "What makes a line orderable"

    def test_orderable(self):
        self.assertEqual(
            ordering.line_problems(snapshot(), 20, TODAY, currency=7), [])

    def test_each_problem(self):
        for values, quantity, expected in [
                ({}, 0, ['quantity']),
                ({}, -5, ['quantity']),
                ({'state': 'delisted'}, 20, ['not_published']),
                ({'supplier_approved': False}, 20, ['supplier']),
                ({'valid_from': TODAY + dt.timedelta(days=1)}, 20,
                    ['not_yet_valid']),
                ({'valid_to': TODAY - dt.timedelta(days=1)}, 20,
                    ['expired']),
                ({'currency': 8}, 20, ['currency']),
                ({'moq': 1, 'multiple': 1}, 5, ['no_price']),
                ({'moq': 1}, 5, ['no_price']),
                ({}, 5, ['moq']),
                ({}, 12, ['multiple']),
                ({'available': 15}, 20, ['stock']),
                ]:
            with self.subTest(values=values, quantity=quantity):
                self.assertEqual(ordering.line_problems(
                        snapshot(**values), quantity, TODAY, currency=7),
                    expected)

    def test_validity_bounds_included(self):
        listing = snapshot(valid_from=TODAY, valid_to=TODAY)
        self.assertEqual(ordering.line_problems(listing, 20, TODAY), [])

    def test_all_problems_reported(self):
        listing = snapshot(supplier_approved=False, available=3)
        self.assertEqual(ordering.line_problems(listing, 5, TODAY),
            ['supplier', 'moq', 'stock'])

    def test_agreed_price_skips_tiers(self):
        listing = snapshot(moq=1, multiple=1)
        self.assertEqual(
            ordering.line_problems(listing, 5, TODAY, priced=True), [])

    def test_lines_share_stock(self):
        listing = snapshot(available=30)
        problems = ordering.order_problems(
            [(listing, 20, False), (listing, 15, False)], TODAY)
        self.assertEqual(problems, [(1, 'stock')])


class PriceTestCase(unittest.TestCase):
    "Buyer's and supplier's prices, approval"

    def test_unit_price(self):
        self.assertEqual(ordering.unit_price(snapshot(), 20), Decimal(500))
        self.assertEqual(ordering.unit_price(snapshot(), 100), Decimal(450))
        self.assertEqual(
            ordering.unit_price(snapshot(), 20, agreed='480'), Decimal(480))

    def test_supplier_price(self):
        self.assertEqual(
            ordering.supplier_price(Decimal('500'), 5), Decimal('475.0000'))
        self.assertEqual(
            ordering.supplier_price(Decimal('9.99'), Decimal('3.5')),
            Decimal('9.6404'))
        self.assertEqual(
            ordering.supplier_price(Decimal('10'), 0), Decimal('10'))

    def test_needs_approval(self):
        self.assertFalse(ordering.needs_approval(Decimal(1000), None))
        self.assertFalse(ordering.needs_approval(Decimal(1000), Decimal(1000)))
        self.assertTrue(ordering.needs_approval(Decimal('1000.01'), 1000))
        self.assertTrue(ordering.needs_approval(Decimal(1), 0))

    def test_quantities_by_listing(self):
        self.assertEqual(ordering.quantities_by_listing(
                [(1, 5), (2, 3), (1, 2.5)]), {1: 7.5, 2: 3})


class DatesTestCase(unittest.TestCase):
    "Promised dates and lateness"

    def test_promised_date(self):
        self.assertEqual(
            ordering.promised_date(TODAY, 7), dt.date(2026, 3, 17))
        self.assertEqual(ordering.promised_date(TODAY, None), TODAY)

    def test_confirm_overdue(self):
        asked = dt.datetime(2026, 3, 10, 8, 0)
        self.assertFalse(ordering.confirm_overdue(
                asked, 24, dt.datetime(2026, 3, 11, 8, 0)))
        self.assertTrue(ordering.confirm_overdue(
                asked, 24, dt.datetime(2026, 3, 11, 8, 1)))

    def test_ship_overdue(self):
        self.assertFalse(ordering.ship_overdue(TODAY, TODAY))
        self.assertTrue(
            ordering.ship_overdue(TODAY - dt.timedelta(days=1), TODAY))
        self.assertFalse(ordering.ship_overdue(None, TODAY))


class ShipPlanTestCase(unittest.TestCase):
    "Partial shipments"

    def test_full_and_partial(self):
        self.assertEqual(
            ordering.ship_plan([(1, 10), (2, 4)], {1: 6}),
            [(1, 6, 4), (2, 4, 0)])

    def test_bad_quantities(self):
        for quantities in [{1: 11}, {1: -1}, {1: None}]:
            with self.subTest(quantities=quantities), \
                    self.assertRaises(ValueError) as context:
                ordering.ship_plan([(1, 10)], quantities)
            self.assertEqual(context.exception.args, ('quantity',))

    def test_nothing_shipped(self):
        with self.assertRaises(ValueError) as context:
            ordering.ship_plan([(1, 10), (2, 3)], {1: 0, 2: 0})
        self.assertEqual(context.exception.args, ('nothing',))


class ChangeReturnTestCase(unittest.TestCase):
    "Change requests and returns"

    def test_change(self):
        tomorrow = TODAY + dt.timedelta(days=1)
        for args, expected in [
                ((20, 0, 30, None), None),
                ((20, 0, None, tomorrow), None),
                ((20, 5, 30, None), 'shipped'),
                ((20, 0, None, None), 'nothing'),
                ((20, 0, 0, None), 'quantity'),
                ((20, 0, None, TODAY - dt.timedelta(days=1)), 'date'),
                ]:
            with self.subTest(args=args):
                self.assertEqual(
                    ordering.change_problem(*args, today=TODAY), expected)

    def test_change_within_stock(self):
        self.assertIsNone(ordering.change_problem(
                20, 0, 30, None, TODAY, available=10))
        self.assertEqual(ordering.change_problem(
                20, 0, 35, None, TODAY, available=10), 'stock')
        self.assertIsNone(ordering.change_problem(
                20, 0, 5, None, TODAY, available=0))

    def test_change_follows_listing_rules(self):
        self.assertEqual(ordering.change_problem(
                20, 0, 5, None, TODAY, moq=10, multiple=5), 'moq')
        self.assertEqual(ordering.change_problem(
                20, 0, 12, None, TODAY, moq=10, multiple=5), 'multiple')

    def test_return(self):
        for args, expected in [
                ((5, 10, 0), None),
                ((5, 10, 5), None),
                ((6, 10, 5), 'too_much'),
                ((1, 0, 0), 'not_received'),
                ((0, 10, 0), 'quantity'),
                ]:
            with self.subTest(args=args):
                self.assertEqual(ordering.return_problem(*args), expected)
