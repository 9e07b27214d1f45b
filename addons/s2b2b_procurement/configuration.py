# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 's2b2b.configuration'

    commission_percent = fields.Numeric(
        "Platform Commission (%)", digits=(16, 2), required=True,
        domain=[('commission_percent', '>=', 0),
            ('commission_percent', '<', 100)],
        help="The share of a buyer's price the platform keeps: a supplier "
        "is paid the buyer's price less this percentage.")
    confirm_sla_hours = fields.Integer(
        "Supplier Confirmation SLA (hours)", required=True,
        domain=[('confirm_sla_hours', '>', 0)],
        help="An order a supplier has not confirmed within this time is "
        "raised as an exception.")
    rfq_warning_hours = fields.Integer(
        "RFQ Deadline Warning (hours)", required=True,
        domain=[('rfq_warning_hours', '>', 0)],
        help="Invited suppliers who have not quoted are reminded this long "
        "before an RFQ's deadline.")
    listing_account_category = fields.Many2One(
        'product.category', "Listing Account Category",
        domain=[('accounting', '=', True)], ondelete='RESTRICT',
        help="The accounting category of the products listings are "
        "traded as: its revenue and expense accounts receive the sales "
        "to buyers and the purchases from suppliers.")
    order_payment_term = fields.Many2One(
        'account.invoice.payment_term', "Order Payment Term",
        ondelete='RESTRICT',
        help="The payment term of orders when the party has none.")

    @classmethod
    def default_commission_percent(cls):
        return 5

    @classmethod
    def default_confirm_sla_hours(cls):
        return 24

    @classmethod
    def default_rfq_warning_hours(cls):
        return 24
