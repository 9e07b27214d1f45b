# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import unittest
from decimal import Decimal

from trytond.modules.s2b2b_procurement import amounts


class AmountsTestCase(unittest.TestCase):
    "Amounts in figures, English words and Chinese uppercase"

    def check(self, amount, figures, english, chinese):
        self.assertEqual(
            amounts.in_words(amount), (figures, english, chinese))

    def test_issue_example(self):
        self.check(Decimal('1234.50'), '¥1,234.50',
            "one thousand two hundred thirty-four yuan and fifty fen",
            "壹仟贰佰叁拾肆元伍角整")

    def test_zero(self):
        self.check(0, '¥0.00', "zero yuan", "零元整")

    def test_whole(self):
        self.check(Decimal('1005'), '¥1,005.00', "one thousand five yuan",
            "壹仟零伍元整")
        self.check(10, '¥10.00', "ten yuan", "壹拾元整")

    def test_fen_only(self):
        self.check(Decimal('0.05'), '¥0.05', "five fen", "伍分")
        self.check(Decimal('0.50'), '¥0.50', "fifty fen", "伍角整")

    def test_inner_zeros(self):
        self.check(Decimal('1050.05'), '¥1,050.05',
            "one thousand fifty yuan and five fen", "壹仟零伍拾元零伍分")
        self.check(Decimal('1000.05'), '¥1,000.05',
            "one thousand yuan and five fen", "壹仟元零伍分")

    def test_large(self):
        self.check(Decimal('1234567890.12'), '¥1,234,567,890.12',
            "one billion two hundred thirty-four million five hundred "
            "sixty-seven thousand eight hundred ninety yuan and twelve fen",
            "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分")
        self.check(Decimal('100000000'), '¥100,000,000.00',
            "one hundred million yuan", "壹亿元整")

    def test_rounded_to_fen(self):
        self.assertEqual(amounts.figures(Decimal('12.345')), '¥12.35')
        self.assertEqual(amounts.figures('0.004'), '¥0.00')

    def test_out_of_range(self):
        for value in [Decimal('-0.01'), Decimal(10) ** 16]:
            with self.subTest(value=value), self.assertRaises(ValueError):
                amounts.in_words(value)

    def test_other_symbol(self):
        self.assertEqual(amounts.figures(1, symbol='$'), '$1.00')
