# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The buyer's cart: listings and quantities a portal user keeps until it
checks out, stored so that it follows the user from phone to desktop.

Checking out places one order (``s2b2b.order.place``) of every line; the
cart is emptied only when the order was accepted."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool

from . import ordering
from .exceptions import CartError
from .order import ORDER_ROLES, _problem_text, check_member


class CartLine(ModelSQL, ModelView):
    "Cart Line"
    __name__ = 's2b2b.cart.line'

    web_user = fields.Many2One(
        'web.user', "Portal User", required=True, ondelete='CASCADE')
    buyer = fields.Many2One(
        's2b2b.member', "Buyer", required=True, ondelete='CASCADE')
    listing = fields.Many2One(
        's2b2b.listing', "Listing", required=True, ondelete='CASCADE')
    quantity = fields.Float("Quantity", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('web_user_listing_unique', Unique(t, t.web_user, t.listing),
                's2b2b_procurement.msg_cart_line_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.web_user, Index.Equality())))
        cls._order = [('id', 'ASC')]

    @classmethod
    def lines_of(cls, web_user):
        "The cart of the portal user"
        return cls.search([('web_user', '=', web_user.id)])

    @classmethod
    def count_of(cls, web_user):
        return cls.search([('web_user', '=', web_user.id)], count=True)

    @classmethod
    def add(cls, web_user, listing, quantity):
        """Put quantity of the listing in the user's cart, added to what
        is there already; return the line"""
        _check_buyer(web_user)
        quantity = _quantity(quantity)
        line, = cls.search([('web_user', '=', web_user.id),
                ('listing', '=', listing.id)], limit=1) or [None]
        if line is None:
            line = cls(web_user=web_user, buyer=web_user.s2b2b_member,
                listing=listing, quantity=0)
        line.quantity += quantity
        line.save()
        return line

    @classmethod
    def set_quantity(cls, lines, web_user, quantity):
        _check_buyer(web_user)
        cls.write(list(lines), {'quantity': _quantity(quantity)})

    @classmethod
    def remove(cls, lines, web_user):
        _check_buyer(web_user)
        cls.delete(list(lines))

    @classmethod
    def checkout(cls, web_user, delivery=None, reference=None):
        """Place the order of the user's cart and empty it; nothing is
        changed when the order is refused"""
        Order = Pool().get('s2b2b.order')
        lines = cls.lines_of(web_user)
        if not lines:
            raise CartError(gettext('s2b2b_procurement.msg_cart_empty'))
        order = Order.place(web_user.s2b2b_member, [
                {'listing': l.listing.id, 'quantity': l.quantity}
                for l in lines], requested_by=web_user, delivery=delivery,
            reference=(reference or '').strip()[:255] or None)
        cls.delete(lines)
        return order

    @property
    def unit_price(self):
        "The tier price at the line's quantity (None below every tier)"
        return ordering.unit_price(
            self.listing.s2b2b_snapshot(), self.quantity)

    @classmethod
    def problems(cls, lines):
        "{line: [translated problem]} as checkout would find them today"
        today = Pool().get('ir.date').today()
        Listing = Pool().get('s2b2b.listing')
        snapshots = Listing.s2b2b_snapshots([l.listing for l in lines])
        found = ordering.order_problems([(snapshots[l.listing.id],
                    l.quantity, False) for l in lines], today)
        result = {l: [] for l in lines}
        for index, code in found:
            line = lines[index]
            result[line].append(_problem_text(ordering.OrderLine(
                        listing=line.listing, quantity=line.quantity), code))
        return result


def _check_buyer(web_user):
    check_member(web_user, web_user.s2b2b_member, ORDER_ROLES,
        web_user.s2b2b_member)


def _quantity(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        value = 0
    if not value > 0 or value >= 10 ** 12:
        raise CartError(gettext('s2b2b_procurement.msg_cart_quantity'))
    return value
