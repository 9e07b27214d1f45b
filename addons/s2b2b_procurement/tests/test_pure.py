# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Rules of the procurement module that need no database"
import unittest
from decimal import Decimal

from trytond.modules.s2b2b_procurement import bargaining, matching
from trytond.modules.s2b2b_procurement.bargaining import (
    ACCEPT, BUYER, COUNTER, DECLINE, SUPPLIER, BargainError, Move)


class BargainingTestCase(unittest.TestCase):
    "Rounds of counter-offers on a quotation line"

    def test_rounds_to_agreement(self):
        moves = []
        for move in [Move(BUYER, COUNTER, Decimal(90)),
                Move(SUPPLIER, COUNTER, Decimal(95)),
                Move(BUYER, ACCEPT, None)]:
            bargaining.apply(Decimal(100), moves, move)
            moves.append(move)
        self.assertEqual(bargaining.state(Decimal(100), moves),
            ('agreed', Decimal(95), None))

    def test_buyer_accepts_quoted_price(self):
        self.assertEqual(bargaining.apply(Decimal(100), [],
                Move(BUYER, ACCEPT, None)), ('agreed', Decimal(100), None))

    def test_supplier_accepts_counter(self):
        moves = [Move(BUYER, COUNTER, Decimal(80))]
        self.assertEqual(bargaining.apply(Decimal(100), moves,
                Move(SUPPLIER, ACCEPT, None)), ('agreed', Decimal(80), None))

    def test_refused_moves(self):
        countered = [Move(BUYER, COUNTER, Decimal(80))]
        declined = [Move(BUYER, DECLINE, None)]
        for moves, move, problem in [
                ([], Move(SUPPLIER, COUNTER, Decimal(90)), 'turn'),
                (countered, Move(BUYER, COUNTER, Decimal(70)), 'turn'),
                ([], Move(BUYER, COUNTER, Decimal(0)), 'price'),
                ([], Move(BUYER, COUNTER, None), 'price'),
                ([], Move(BUYER, COUNTER, Decimal(100)), 'same'),
                (declined, Move(SUPPLIER, COUNTER, Decimal(90)), 'closed'),
                ([], Move(BUYER, 'haggle', None), 'unknown'),
                ]:
            with self.subTest(moves=moves, move=move):
                with self.assertRaises(BargainError) as raised:
                    bargaining.check_move(Decimal(100), moves, move)
                self.assertEqual(raised.exception.args[0], problem)

    def test_decline_ends(self):
        state = bargaining.apply(Decimal(100), [], Move(BUYER, DECLINE, None))
        self.assertEqual(state.status, 'declined')
        self.assertIsNone(state.next_side)


class MatchingTestCase(unittest.TestCase):
    "Suggested listings for a requirement line, with reasons"

    need = matching.Need(quantity=100, target_price=Decimal(50), days=10,
        specs={'grade': '42.5'})

    def candidate(self, listing, price, lead_time=5, available=1000,
            standing='standard', specs=None):
        return matching.Candidate(listing, price, lead_time, available,
            standing, specs if specs is not None else {'grade': '42.5'})

    def test_all_criteria_met(self):
        suggestion = matching.score(self.need, self.candidate(
                1, Decimal(40), standing='preferred'))
        self.assertEqual(suggestion.score, Decimal(100))
        self.assertEqual([r[0] for r in suggestion.reasons],
            ['price', 'lead_time', 'stock', 'specs', 'standing'])
        self.assertEqual(suggestion.reasons[0][1], {'percent': 20})

    def test_partial(self):
        # 10 % above target, too slow, half the stock, wrong grade
        suggestion = matching.score(self.need, self.candidate(
                2, Decimal(55), lead_time=20, available=50,
                specs={'grade': '52.5'}))
        self.assertEqual(suggestion.score,
            Decimal('31.5') + 0 + 10 + 0 + 6)
        self.assertEqual(suggestion.reasons, [])

    def test_rank(self):
        candidates = [self.candidate(1, Decimal(60)),
            self.candidate(2, Decimal(45)), self.candidate(3, None)]
        self.assertEqual([s.listing for s in matching.rank(
                    self.need, candidates)], [2, 1])

    def test_no_target_no_date(self):
        need = matching.Need(10, None, None, {})
        suggestion = matching.score(need, self.candidate(1, Decimal(5)))
        self.assertEqual(suggestion.score,
            Decimal('17.5') + 10 + 20 + 15 + 6)


class SupplierPriceTestCase(unittest.TestCase):
    "The price an award takes while the bargaining is open or agreed"

    def test_prices(self):
        quoted = Decimal(100)
        for moves, expected in [
                ([], 100),
                ([Move(BUYER, COUNTER, Decimal(80))], 100),
                ([Move(BUYER, COUNTER, Decimal(80)),
                        Move(SUPPLIER, COUNTER, Decimal(90))], 90),
                ([Move(BUYER, COUNTER, Decimal(80)),
                        Move(SUPPLIER, ACCEPT, None)], 80),
                ]:
            with self.subTest(moves=moves):
                self.assertEqual(bargaining.supplier_price(quoted, moves),
                    Decimal(expected))


class ComparingTestCase(unittest.TestCase):
    "Lines x suppliers, best values and landed cost"

    def test_compare(self):
        from trytond.modules.s2b2b_procurement import comparing
        Cell, Quote = comparing.Cell, comparing.Quote
        quotes = [
            Quote('a', Decimal(50), {1: Cell(Decimal(10), 5, False),
                    2: Cell(Decimal(20), 7, False)}),
            Quote('b', Decimal(0), {1: Cell(Decimal(9), 9, False),
                    2: Cell(Decimal(22), 7, False)}),
            Quote('c', None, {1: Cell(Decimal(8), 3, False)}),
            ]
        result = comparing.compare([(1, 100), (2, 10)], quotes)
        first, second = result.rows
        self.assertEqual(first.best_price, {'c'})
        self.assertEqual(first.best_lead_time, {'c'})
        self.assertEqual(second.best_price, {'a'})
        self.assertEqual(second.best_lead_time, {'a', 'b'})
        self.assertEqual(result.totals['a'].landed, Decimal('1250.00'))
        self.assertEqual(result.totals['b'].landed, Decimal('1120.00'))
        self.assertFalse(result.totals['c'].complete)
        # c is cheapest but does not price line 2
        self.assertEqual(result.best_total, {'b'})

    def test_declined_not_best(self):
        from trytond.modules.s2b2b_procurement import comparing
        Cell, Quote = comparing.Cell, comparing.Quote
        result = comparing.compare([(1, 1)], [
                Quote('a', None, {1: Cell(Decimal(5), 1, True)}),
                Quote('b', None, {1: Cell(Decimal(6), 2, False)})])
        self.assertEqual(result.rows[0].best_price, {'b'})
        self.assertEqual(result.best_total, {'b'})
