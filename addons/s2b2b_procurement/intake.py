# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Orders as the member API receives them.

A buyer's order is accepted at once: checked line by line, its stock
taken, recorded and queued.  Its entry in the event log is appended by
the worker, with those of the batch, when it makes the sale.  The Tryton
documents (the sale, then the supplier purchases) are made by the
queue's workers, in batches, so that intake stays fast under load and a
crash between the two leaves a received order the queue still completes
— never half a sale.
"""
import datetime as dt
import json
from decimal import Decimal

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool

from . import ordering
from .company import as_platform, platform_company
from .order import _order_lines, log, queue

STATES = [
    ('received', "Received"),
    ('placed', "Placed"),
    ]


class Order(ModelSQL, ModelView):
    "Buyer Order"
    __name__ = 's2b2b.order'
    __string__ = "Buyer Order"

    buyer = fields.Many2One(
        's2b2b.member', "Buyer", required=True, ondelete='RESTRICT',
        readonly=True)
    requested_by = fields.Many2One(
        'web.user', "Ordered by", readonly=True, ondelete='RESTRICT')
    reference = fields.Char("Reference", readonly=True,
        help="The buyer's own order number.")
    contract = fields.Many2One(
        's2b2b.contract', "Contract", readonly=True, ondelete='RESTRICT')
    delivery = fields.Many2One(
        'party.address', "Delivery Address", readonly=True,
        ondelete='RESTRICT')
    lines = fields.Text("Lines", readonly=True,
        help="The lines as received: listing, quantity and agreed price.")
    amount = fields.Numeric("Amount", digits=(16, 2), readonly=True)
    sale = fields.Many2One(
        'sale.sale', "Sale", readonly=True, ondelete='RESTRICT')
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.buyer, Index.Equality()),
                    (t.id, Index.Range(order='DESC'))),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'received'),
                })
        cls._order = [('id', 'DESC')]
        cls.__access__.add('buyer')

    @classmethod
    def default_state(cls):
        return 'received'

    @classmethod
    def place(cls, buyer, lines, requested_by=None, delivery=None,
            reference=None, contract=None):
        """Accept an order of the buyer member: every line checked (all
        problems in one error, nothing kept), the stock taken, the order
        recorded and its sale queued; return the order"""
        Sale = Pool().get('sale.sale')
        lines = _order_lines(lines)
        company = platform_company()
        with as_platform(company):
            buyer = Pool().get('s2b2b.member')(int(buyer))
            amount, delivery = Sale.s2b2b_accept(
                buyer, lines, requested_by, company, delivery)
            order, = cls.create([{
                        'buyer': buyer.id,
                        'requested_by': requested_by.id
                        if requested_by else None,
                        'reference': reference,
                        'contract': int(contract) if contract else None,
                        'delivery': delivery.id,
                        # Tier prices may have more digits than money
                        'amount': company.currency.round(amount),
                        'lines': _dump(lines),
                        }])
        # Its event is appended by process(), with those of its batch
        queue(cls, 'process', [order], company)
        return order

    @classmethod
    def process(cls, orders):
        """Make the sales of the received orders (a queue task).  Two
        workers given the same order both write it: the database lets one
        commit, the other is rolled back with its sale and sees it placed
        when retried."""
        pool = Pool()
        Sale = pool.get('sale.sale')
        company = platform_company()
        with as_platform(company):
            orders = [o for o in cls.browse(orders) if o.state == 'received']
            log('order.received', orders, lambda o: o.buyer, _order_data)
            sales = Sale.s2b2b_make_sales(company, [dict(buyer=o.buyer,
                        lines=_order_lines(_load(o.lines)), amount=o.amount,
                        delivery=o.delivery, requested_by=o.requested_by,
                        contract=o.contract, reference=o.reference)
                    for o in orders])
            for order, sale in zip(orders, sales):
                order.sale, order.state = sale, 'placed'
            cls.save(orders)
        to_process = [s for s in sales if s.s2b2b_approval != 'waiting']
        if to_process:
            queue(Sale, 's2b2b_process', to_process, company)


def _dump(lines):
    return json.dumps([{
                'listing': l.listing.id if l.listing else None,
                'quantity': l.quantity,
                'unit_price': (str(l.unit_price)
                    if l.unit_price is not None else None),
                'origin': str(l.origin) if l.origin else None,
                'delivery_date': (l.delivery_date.isoformat()
                    if l.delivery_date else None),
                } for l in lines])


def _load(text):
    "The received lines as ordering.OrderLine"
    lines = []
    for value in json.loads(text):
        lines.append(ordering.OrderLine(
                listing=value['listing'], quantity=value['quantity'],
                unit_price=(Decimal(value['unit_price'])
                    if value['unit_price'] is not None else None),
                origin=value['origin'],
                delivery_date=(dt.date.fromisoformat(value['delivery_date'])
                    if value['delivery_date'] else None)))
    return lines


def _order_data(order):
    return {'buyer': order.buyer.rec_name, 'amount': str(order.amount),
        'lines': json.loads(order.lines), 'reference': order.reference,
        'received_at': order.create_date.isoformat(timespec='seconds')}
