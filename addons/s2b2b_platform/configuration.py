# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __name__ = 's2b2b.configuration'

    expiry_warning_days = fields.Integer(
        "Expiry Warning Days", required=True,
        domain=[('expiry_warning_days', '>=', 0)],
        help="How many days before a qualification document expires "
        "the member is warned.")
    suspend_on_expiry = fields.Boolean(
        "Suspend on Expiry",
        help="Suspend an approved member as soon as one of its mandatory "
        "documents has expired.")

    @classmethod
    def default_expiry_warning_days(cls):
        return 30

    @classmethod
    def default_suspend_on_expiry(cls):
        return True
