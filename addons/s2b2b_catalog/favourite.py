# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from sql.aggregate import Count

from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .listing import invalidate


class Favourite(ModelSQL, ModelView):
    "Buyer's Favourite Listing"
    __name__ = 's2b2b.listing.favourite'

    member = fields.Many2One(
        's2b2b.member', "Buyer", required=True, ondelete='CASCADE',
        domain=[('is_buyer', '=', True)])
    listing = fields.Many2One(
        's2b2b.listing', "Listing", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('member_listing_unique', Unique(t, t.member, t.listing),
                's2b2b_catalog.msg_favourite_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.listing, Index.Equality())))
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def toggle(cls, member, listing):
        "Add the listing to the member's favourites or remove it"
        existing = cls.search([
                ('member', '=', member.id), ('listing', '=', listing.id)])
        if existing:
            cls.delete(existing)
        else:
            cls.save([cls(member=member, listing=listing)])
        cls._count([listing.id])
        return not existing

    @classmethod
    def _count(cls, listing_ids):
        "Store how many buyers keep each listing (a popularity signal)"
        Listing = Pool().get('s2b2b.listing')
        table, favourite = Listing.__table__(), cls.__table__()
        cursor = Transaction().connection.cursor()
        for listing_id in listing_ids:
            count = favourite.select(Count(favourite.id),
                where=favourite.listing == listing_id)
            cursor.execute(*table.update([table.favourite_count], [count],
                    where=table.id == listing_id))
        invalidate(Listing, listing_ids)
