# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""What every page shows about its user and member, computed once.

The navigation and the home page summary read a dozen records; members
open them far more often than any of those records change.  They are kept
in a Tryton cache (shared by all workers through the database) that any
change of a record they show clears.
"""
from trytond.cache import Cache
from trytond.pool import PoolMeta

page_cache = Cache('s2b2b_portal.page', duration=600, context=False)


class PageCacheMixin:
    "Clear the page cache when a record shown on member pages changes"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        page_cache.clear()


class Member(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 's2b2b.member'


class Document(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 's2b2b.member.document'


class DocumentType(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 's2b2b.member.document.type'


class Notification(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 's2b2b.notification'


class WebUser(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 'web.user'


class Party(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 'party.party'


class Configuration(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 's2b2b.configuration'


class Listing(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 's2b2b.listing'


class Requirement(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 's2b2b.requirement'


class Rfq(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 's2b2b.rfq'


class RfqInvitation(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 's2b2b.rfq.invitation'


class Quotation(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 's2b2b.rfq.quotation'


class QuotationLine(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 's2b2b.rfq.quotation.line'


class Offer(PageCacheMixin, metaclass=PoolMeta):
    __name__ = 's2b2b.rfq.offer'
