# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Catalog rules that need no database: price tiers and search tokens"
import unittest
from decimal import Decimal as D

from trytond.modules.s2b2b_catalog import (
    pricing, regions, search, searchtext)
from trytond.modules.s2b2b_catalog.search import tsquery


class PricingTestCase(unittest.TestCase):

    def test_check_tiers(self):
        pricing.check_tiers([(1, D(10)), (10, D(9)), (100, D(9))])
        for tiers, problem in [
                ([], 'empty'),
                ([(1, D(-1))], 'negative'),
                ([(0, D(1))], 'negative'),
                ([(1, D(9)), (10, D(10))], 'increasing'),
                ([(1, D(9)), (1, D(8))], 'duplicate'),
                ([(1, None)], 'missing'),
                ]:
            with self.subTest(tiers=tiers), \
                    self.assertRaises(pricing.TierError) as error:
                pricing.check_tiers(tiers)
            self.assertEqual(error.exception.args[0], problem)

    def test_price_for(self):
        tiers = [(10, D(9)), (1, D(10)), (100, D(8))]
        self.assertIsNone(pricing.price_for(tiers, D('0.5')))
        self.assertEqual(pricing.price_for(tiers, 1), D(10))
        self.assertEqual(pricing.price_for(tiers, 99), D(9))
        self.assertEqual(pricing.price_for(tiers, 100), D(8))

    def test_quantity_problem(self):
        self.assertEqual(pricing.quantity_problem(4, 5, 1), 'moq')
        self.assertEqual(pricing.quantity_problem(12, 5, 5), 'multiple')
        self.assertIsNone(pricing.quantity_problem(15, 5, 5))
        self.assertIsNone(pricing.quantity_problem(1.5, 1, 0.5))

    def test_change_percent(self):
        old = [(1, D(100)), (10, D(90))]
        self.assertEqual(pricing.change_percent(old, [(1, D(105))]),
            D('16.67'))
        self.assertEqual(pricing.change_percent(old, old), D(0))
        self.assertEqual(
            pricing.change_percent(old, [(1, D(110)), (10, D(99))]),
            D('10.00'))


class SearchTextTestCase(unittest.TestCase):

    def test_document_has_words_pinyin_and_initials(self):
        tokens = searchtext.document("普通硅酸盐水泥 Portland Cement").split()
        for token in ['水泥', '硅酸盐', 'shuini', 'sn', 'portland',
                'cement', 'putongguisuanyanshuini']:
            self.assertIn(token, tokens)

    def test_query_terms(self):
        self.assertEqual(searchtext.query_terms("水泥 YJV-3x95"),
            ['水泥', 'yjv-3x95'])
        self.assertEqual(searchtext.query_terms("  "), [])

    def test_every_query_term_is_in_its_document(self):
        "What a buyer types finds the listing named the same"
        for name in ["不锈钢六角螺栓", "铜芯电力电缆", "A4复印纸 70克"]:
            document = set(searchtext.document(name).split())
            self.assertLessEqual(set(searchtext.query_terms(name)), document)

    def test_tsquery_quotes_and_prefixes(self):
        self.assertEqual(tsquery(["o'neil", 'bolt']),
            "'o''neil' & 'bolt':*")
        self.assertEqual(tsquery(['m8']), "'m8'")
        self.assertEqual(tsquery(['钢']), "'钢':*")
        # Complete Chinese words, codes and numbers are whole words
        self.assertEqual(tsquery(['水泥']), "'水泥'")
        self.assertEqual(tsquery(['cement', '42.5']), "'cement' & '42.5'")
        self.assertEqual(tsquery(['yjv-3x95']), "'yjv-3x95'")
        self.assertEqual(tsquery(['bolt'], prefix=False), "'bolt'")

    def test_filter_tsquery(self):
        "Selective filters become lexemes of the listing vector"
        filters = search.Filters(category=7, provinces=['JS', 'AH'],
            standings=['preferred'], specs={'grade': '42.5'},
            in_stock=True, lead_time_max=5)
        self.assertEqual(search.filter_tsquery(filters),
            "('~c7') & ('~pAH' | '~pJS') & ('~spreferred') "
            "& ('~agrade=42.5')")
        self.assertEqual(search.filter_tsquery(search.Filters()), '')


class RegionsTestCase(unittest.TestCase):

    def test_lookup(self):
        self.assertEqual(regions.lookup("江苏省"), 'JS')
        self.assertEqual(regions.lookup("jiangsu"), 'JS')
        self.assertEqual(regions.lookup("gd"), 'GD')
        self.assertIsNone(regions.lookup("Atlantis"))
