# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The procurement's scheduled methods"
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('s2b2b.rfq|remind_deadlines',
                    "Remind Suppliers of RFQ Deadlines"),
                ('s2b2b.contract.calloff|call_off_due',
                    "Order Due Contract Call-offs"),
                ('s2b2b.alert|check', "Check Order Exceptions"),
                ('account.invoice|s2b2b_close_billing',
                    "Post Consolidated Invoices of Ended Periods"),
                ])
