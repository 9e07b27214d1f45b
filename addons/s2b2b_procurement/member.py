# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import fields
from trytond.pool import PoolMeta

BILLING = [
    (None, "Per Order"),
    ('week', "Weekly"),
    ('month', "Monthly"),
    ]


class Member(metaclass=PoolMeta):
    __name__ = 's2b2b.member'

    approval_limit = fields.Numeric(
        "Approval Limit", digits=(16, 2),
        domain=['OR', ('approval_limit', '=', None),
            ('approval_limit', '>=', 0)],
        help="Requirements and orders of the buyer above this amount need "
        "a portal user with the approver role; empty: no approval.")
    billing_period = fields.Selection(BILLING, "Billing",
        help="Per order: each order is invoiced when received.\n"
        "Weekly or monthly: the orders received in the period are billed "
        "on one invoice (one per side), posted when the period ends.")
