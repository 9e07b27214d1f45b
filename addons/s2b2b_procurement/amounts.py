# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""An amount of yuan as contracts write it: in figures, in English words
and in Chinese uppercase (大写), the form banks and contracts require so
that an amount cannot be altered by adding a stroke."""
from decimal import ROUND_HALF_UP, Decimal

import cn2an
from num2words import num2words

CENT = Decimal('0.01')
# Numeric(16, 2) holds less than this; cn2an is exact up to it
LIMIT = Decimal(10) ** 16


def normalize(amount):
    "The amount as a Decimal rounded to the fen; ValueError when out of range"
    value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    if value < 0 or value >= LIMIT:
        raise ValueError(f"amount out of range: {amount}")
    return value


def figures(amount, symbol='¥'):
    "¥1,234.50"
    return f'{symbol}{normalize(amount):,.2f}'


def _english_integer(number):
    # num2words writes British English ("one thousand, two hundred and
    # thirty-four"); contracts and cheques write it without commas or "and"
    words = num2words(number, lang='en').replace(',', '')
    return ' '.join(w for w in words.split() if w != 'and')


def english_words(amount):
    "one thousand two hundred thirty-four yuan and fifty fen"
    value = normalize(amount)
    yuan = int(value)
    fen = int((value - yuan) * 100)
    parts = []
    if yuan or not fen:
        parts.append(f'{_english_integer(yuan)} yuan')
    if fen:
        parts.append(f'{_english_integer(fen)} fen')
    return ' and '.join(parts)


def chinese_uppercase(amount):
    "壹仟贰佰叁拾肆元伍角整"
    value = normalize(amount)
    words = cn2an.an2cn(str(value), 'rmb')
    # 整 closes an amount without fen (支付结算办法: after 元, and after 角
    # as contracts usually write it), never one that ends with 分
    if not words.endswith(('整', '分')):
        words += '整'
    return words


def in_words(amount):
    "(figures, English words, Chinese uppercase) of the amount"
    return figures(amount), english_words(amount), chinese_uppercase(amount)
