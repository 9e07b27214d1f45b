# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 's2b2b.configuration'

    price_change_auto_percent = fields.Numeric(
        "Auto-approved Price Change (%)", digits=(16, 2), required=True,
        domain=[('price_change_auto_percent', '>=', 0)],
        help="A price change on a published listing within this "
        "percentage is approved at once; a larger one waits for review.")
    compare_limit = fields.Integer(
        "Compare Limit", required=True,
        domain=[('compare_limit', '>=', 2)],
        help="How many listings a buyer can compare side by side.")

    @classmethod
    def default_price_change_auto_percent(cls):
        return 10

    @classmethod
    def default_compare_limit(cls):
        return 4
