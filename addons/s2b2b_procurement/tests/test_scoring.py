# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Weighted scoring of tender bids, with figures computed by hand"
import unittest
from decimal import Decimal as D

from trytond.modules.s2b2b_procurement import scoring

WEIGHTS = {'price': D(50), 'lead_time': D(20), 'supplier': D(20),
    'carbon': D(10)}


class ScoringTestCase(unittest.TestCase):
    "Scores, weights, ranks and the per-line split suggestion"

    def test_supplier_score(self):
        self.assertEqual([scoring.supplier_score(s) for s in
                ['standard', 'verified', 'preferred', None, 'unknown']],
            [60, 80, 100, 60, 0])

    def test_weights(self):
        self.assertTrue(scoring.weights_valid(WEIGHTS))
        self.assertTrue(scoring.weights_valid(
                {**WEIGHTS, 'price': D('49.5'), 'carbon': D('10.5')}))
        for bad in [{**WEIGHTS, 'price': D(51)}, {**WEIGHTS, 'carbon': None},
                {**WEIGHTS, 'price': D(70), 'carbon': D(-10)}]:
            with self.subTest(weights=bad):
                self.assertFalse(scoring.weights_valid(bad))

    def test_score(self):
        """price 800/1000 = 80, lead 10/20 = 50, no carbon = 0:
        A = (50×80 + 20×100 + 20×80 + 10×100) / 100 = 86,
        B = (50×100 + 20×50 + 20×60 + 10×0) / 100 = 72, C = A"""
        bids = [
            scoring.Figures('A', D(1000), 10, D(80), D(200)),
            scoring.Figures('B', D(800), 20, D(60), None),
            scoring.Figures('C', D(1000), 10, D(80), D(200)),
            ]
        scores = scoring.score(bids, WEIGHTS)
        self.assertEqual([(s.key, s.price, s.lead_time, s.supplier,
                    s.carbon, s.total, s.rank) for s in scores], [
                ('A', D(80), D(100), D(80), D(100), D(86), 1),
                ('C', D(80), D(100), D(80), D(100), D(86), 1),
                ('B', D(100), D(50), D(60), D(0), D(72), 3),
                ])

    def test_score_rounding(self):
        """800/900 = 88.888… → 88.89; 7/9 days = 77.78;
        total (40×88.89 + 30×100 + 30×60) / 100 = 83.56 on the exact
        parts: (40×88.888… + 3000 + 1800) / 100 = 83.555… → 83.56"""
        weights = {'price': D(40), 'lead_time': D(30), 'supplier': D(30),
            'carbon': D(0)}
        bids = [scoring.Figures(1, D(900), 7, D(60), None),
            scoring.Figures(2, D(800), 9, D(100), D(0))]
        first, second = scoring.score(bids, weights)
        self.assertEqual((second.key, second.price, second.total),
            (1, D('88.89'), D('83.56')))
        # (40×100 + 30×77.777… + 30×100) / 100 = 93.33
        self.assertEqual((first.key, first.lead_time, first.carbon,
                first.total, first.rank), (2, D('77.78'), D(100),
                D('93.33'), 1))
        self.assertEqual(second.carbon, D(0))

    def test_score_nothing(self):
        self.assertEqual(scoring.score([], WEIGHTS), [])

    def test_rank(self):
        self.assertEqual(scoring.rank([D(5), D(9), D(5), D(1)]),
            [2, 1, 2, 4])

    def test_figures(self):
        """Totals on the tendered quantities: 10×10 + 3.5×100 = 450;
        carbon only when every line has it: 2×10 + 0.5×100 = 70"""
        content = {'lines': {
                '1': {'unit_price': '10.0000', 'quantity': 5.0,
                    'carbon': '2'},
                '2': {'unit_price': '3.5000', 'quantity': 100.0,
                    'carbon': None},
                }, 'lead_time': 12, 'notes': ''}
        quantities = {1: 10.0, 2: 100.0}
        figures = scoring.figures('x', content, quantities, 'preferred')
        self.assertEqual(figures, scoring.Figures(
                'x', D(450), 12, D(100), None))
        content['lines']['2']['carbon'] = '0.5'
        self.assertEqual(scoring.figures('x', content, quantities, None)
            .carbon, D(70))

    def test_split(self):
        """Cheapest first; equal prices go to the better ranked bid; a
        bid offering less leaves the rest to the next cheapest"""
        offers = {
            1: [('A', D(10), 60.0), ('B', D(12), 100.0), ('C', D(10), 100.0)],
            2: [('B', D(6), 100.0), ('A', D(5), 60.0)],
            3: [('A', D(9), 30.0)],
            }
        suggestion = scoring.split(offers, {1: 100.0, 2: 100.0, 3: 50.0},
            ranks={'A': 2, 'B': 3, 'C': 1})
        self.assertEqual(suggestion, {
                1: [('C', 100.0, D(10))],
                2: [('A', 60.0, D(5)), ('B', 40.0, D(6))],
                3: [('A', 30.0, D(9))],
                })
