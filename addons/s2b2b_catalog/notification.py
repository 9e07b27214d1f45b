# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

class Notification(metaclass=PoolMeta):
    __name__ = 's2b2b.notification'

    @classmethod
    def notify_low_stock(cls, listings):
        notifications = []
        for listing in listings:
            party = listing.supplier.party
            with Transaction().set_context(
                    language=party.lang.code if party.lang else None):
                notifications.append(cls(
                        member=listing.supplier,
                        kind='listing.low_stock',
                        resource=listing,
                        subject=gettext(
                            's2b2b_catalog.msg_low_stock_subject',
                            listing=listing.rec_name),
                        body=gettext(
                            's2b2b_catalog.msg_low_stock_body',
                            listing=listing.rec_name,
                            quantity=f'{listing.available_quantity:g}',
                            threshold=f'{listing.low_stock_threshold:g}')))
        cls.notify(notifications)
