# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Changes and cancellations of orders before shipment.

A buyer asks for a new quantity and/or date of an order line; the
supplier accepts or refuses.  Accepted, the change becomes amendments of
the sale and of the purchase (Tryton's sale_amendment and
purchase_amendment), the unshipped moves of the drop shipment follow and
the stock reserved moves by the difference.  A buyer may also cancel an
order, or lines of it, before anything is shipped."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from . import ordering
from .company import as_platform
from .exceptions import OrderChangeError, StockShortError
from .order import (
    ORDER_ROLES, SUPPLIER_ROLES, _by, _required_reason, check_member, check_state, log, notify)

CHANGE_STATES = [
    ('requested', "Requested"),
    ('accepted', "Accepted"),
    ('refused', "Refused"),
    ]


def shipped_quantity(line):
    "What of the sale line the supplier has shipped"
    purchase_line = line.s2b2b_purchase_line
    moves = purchase_line.moves if purchase_line else ()
    return sum(m.quantity for m in moves if m.state == 'done')


def unshipped_moves(line):
    "The drop moves of the sale line and its purchase line still to ship"
    purchase_line = line.s2b2b_purchase_line
    moves = list(line.moves) + list(
        purchase_line.moves if purchase_line else ())
    return [m for m in moves if m.state in {'staging', 'draft'}]


class OrderChange(Workflow, ModelSQL, ModelView):
    "Order Change Request"
    __name__ = 's2b2b.order.change'

    _states = {'readonly': True}
    sale = fields.Many2One(
        'sale.sale', "Order", required=True, ondelete='CASCADE',
        states=_states)
    line = fields.Many2One(
        'sale.line', "Order Line", required=True, ondelete='CASCADE',
        domain=[('sale', '=', Eval('sale', -1))], states=_states)
    buyer = fields.Many2One(
        's2b2b.member', "Buyer", required=True, ondelete='RESTRICT',
        states=_states)
    supplier = fields.Many2One(
        's2b2b.member', "Supplier", required=True, ondelete='RESTRICT',
        states=_states)
    quantity = fields.Float(
        "Quantity", states=_states, help="The quantity when asked.")
    new_quantity = fields.Float("New Quantity", states=_states)
    new_date = fields.Date(
        "New Date", states=_states,
        help="The date the buyer wants the goods shipped by.")
    reason = fields.Text("Reason", required=True, states=_states)
    requested_by = fields.Many2One(
        'web.user', "Requested by", ondelete='RESTRICT', states=_states)
    state = fields.Selection(
        CHANGE_STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    decided_by = fields.Many2One(
        'web.user', "Decided by", ondelete='RESTRICT', states=_states)
    decided_at = fields.DateTime("Decided", states=_states)
    refusal_reason = fields.Text(
        "Refusal Reason", states={
            'readonly': True,
            'invisible': Eval('state') != 'refused',
            })
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.line, Index.Equality()),
                    where=t.state == 'requested'),
                Index(t, (t.supplier, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.buyer, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('requested', 'accepted'),
            ('requested', 'refused'),
            }

    @classmethod
    def default_state(cls):
        return 'requested'

    def get_rec_name(self, name):
        return f'{self.sale.rec_name} / {self.line.rec_name}'

    @classmethod
    def request(cls, line, web_user, reason, quantity=None, date=None):
        """The buyer asks to change an order line: its quantity, its date
        or both; the supplier decides"""
        SaleLine = Pool().get('sale.line')
        reason = _required_reason(reason)
        with as_platform():
            line = SaleLine(int(line))
            check_member(web_user, line.sale.s2b2b_buyer, ORDER_ROLES,
                line.sale)
            cls._check_changeable(line, quantity, date)
            purchase = line.s2b2b_purchase_line.purchase
            change = cls(sale=line.sale, line=line,
                buyer=line.sale.s2b2b_buyer, supplier=purchase.s2b2b_supplier,
                quantity=line.quantity, new_quantity=quantity, new_date=date,
                reason=reason, requested_by=web_user)
            change.save()
            Pool().get('s2b2b.notification').notify([notify(
                        change.supplier, 'order.change', change,
                        'msg_change_requested', order=purchase.rec_name,
                        line=line.rec_name, reason=reason)])
            log('order.change_requested', [change], change.buyer,
                change._log_data)
        return cls(change.id)

    @classmethod
    def _check_changeable(cls, line, quantity, date):
        today = Pool().get('ir.date').today()
        purchase_line = line.s2b2b_purchase_line
        if (line.sale.state != 'processing' or not purchase_line
                or purchase_line.purchase.state not in {
                    'quotation', 'processing'}):
            raise OrderChangeError(gettext(
                    's2b2b_procurement.msg_change_not_open',
                    line=line.rec_name))
        if cls.search([('line', '=', line.id), ('state', '=', 'requested')],
                limit=1):
            raise OrderChangeError(gettext(
                    's2b2b_procurement.msg_change_pending',
                    line=line.rec_name))
        # A contract line without listing has no stock nor order rules
        listing = line.s2b2b_listing
        rules = {'moq': listing.moq, 'multiple': listing.order_multiple,
            'available': listing.available_quantity} if listing else {}
        problem = ordering.change_problem(
            line.quantity, shipped_quantity(line), quantity, date, today,
            **rules)
        if problem:
            raise OrderChangeError(gettext(
                    f's2b2b_procurement.msg_change_{problem}',
                    line=line.rec_name,
                    **{k: f'{v:g}' for k, v in rules.items()}))

    @property
    def _log_data(self):
        return {
            'line': self.line.id, 'quantity': self.quantity,
            'new_quantity': self.new_quantity,
            'new_date': self.new_date, 'reason': self.reason,
            'state': self.state,
            }

    @classmethod
    def accept(cls, changes, web_user):
        "The supplier accepts: the change is applied on both documents"
        cls._check_supplier(changes, web_user)
        with as_platform(changes[0].sale.company if changes else None):
            changes = cls.browse(changes)
            for change in changes:
                if shipped_quantity(change.line):
                    raise OrderChangeError(gettext(
                            's2b2b_procurement.msg_change_shipped',
                            line=change.line.rec_name))
                change.apply()
            cls._decide(changes, 'accepted', web_user)

    @classmethod
    def refuse(cls, changes, web_user, reason):
        "The supplier refuses, saying why"
        cls._check_supplier(changes, web_user)
        reason = _required_reason(reason)
        with as_platform():
            changes = cls.browse(changes)
            cls.write(changes, {'refusal_reason': reason})
            cls._decide(changes, 'refused', web_user)

    @classmethod
    def _check_supplier(cls, changes, web_user):
        for change in changes:
            check_member(web_user, change.supplier, SUPPLIER_ROLES, change)
        check_state(changes, {'requested'}, 'decide')

    @classmethod
    def _decide(cls, changes, state, web_user):
        Notification = Pool().get('s2b2b.notification')
        cls.write(changes, {
                'decided_by': web_user.id if web_user else None,
                'decided_at': dt.datetime.now(),
                })
        getattr(cls, f'_{state}')(changes)
        log(f'order.change_{state}', changes, lambda c: c.supplier,
            lambda c: {**c._log_data, **_by(web_user)})
        Notification.notify([notify(c.buyer, f'order.change_{state}', c,
                    f'msg_change_{state}', order=c.sale.rec_name,
                    line=c.line.rec_name, reason=c.refusal_reason or '')
                for c in changes])

    @classmethod
    @Workflow.transition('accepted')
    def _accepted(cls, changes):
        pass

    @classmethod
    @Workflow.transition('refused')
    def _refused(cls, changes):
        pass

    def apply(self):
        "Apply the change as amendments of the sale and the purchase"
        if self.new_quantity is not None:
            self._apply_quantity()
        if self.new_date is not None:
            self._apply_date()

    def _apply_quantity(self):
        pool = Pool()
        SaleLine = pool.get('sale.line')
        Sale = pool.get('sale.sale')
        line = self.line
        delta = self.new_quantity - line.quantity
        self._move_stock(line, delta)
        price = line.unit_price
        if not line.s2b2b_origin:
            price = ordering.unit_price(
                line.s2b2b_listing.s2b2b_snapshot(), self.new_quantity)
        _amend_sale(line, self.new_quantity, price)
        supplier_price = _amend_purchase(
            line.s2b2b_purchase_line, self.new_quantity, price)
        _resize_moves(SaleLine(line.id), self.new_quantity,
            price, supplier_price)
        Sale.process([line.sale])

    @staticmethod
    def _move_stock(line, delta):
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        SaleLine = pool.get('sale.line')
        listing = line.s2b2b_listing
        if listing is None:
            return
        if delta > 0 and Listing.s2b2b_reserve({listing.id: delta}):
            raise StockShortError(gettext(
                    's2b2b_procurement.msg_order_stock_short',
                    listings=listing.rec_name))
        if delta < 0:
            Listing.s2b2b_release({listing.id: -delta})
        SaleLine.write([line], {
                's2b2b_reserved': (line.s2b2b_reserved or 0) + delta})

    def _apply_date(self):
        pool = Pool()
        SaleLine = pool.get('sale.line')
        Shipment = pool.get('stock.shipment.drop')
        line = SaleLine(self.line.id)
        SaleLine.write([line], {'s2b2b_delivery_date': self.new_date})
        shipments = {m.shipment for m in unshipped_moves(line)
            if isinstance(m.shipment, Shipment)}
        Shipment.write(list(shipments), {
                's2b2b_promised_date': self.new_date,
                'planned_date': self.new_date,
                })


def _amend_sale(line, quantity, price):
    "A validated sale amendment of the line's quantity and price"
    Amendment = Pool().get('sale.amendment')
    amendment = Amendment(sale=line.sale, lines=[{
                'action': 'line', 'line': line.id,
                'product': line.product.id, 'unit': line.unit.id,
                'quantity': quantity, 'unit_price': price,
                'description': line.description,
                }])
    amendment.save()
    Amendment.validate_amendment([amendment])


def _amend_purchase(line, quantity, sale_price):
    """The purchase line follows at the supplier's price: amended once the
    supplier confirmed, edited while the quotation waits for it"""
    pool = Pool()
    Purchase = pool.get('purchase.purchase')
    PurchaseLine = pool.get('purchase.line')
    Amendment = pool.get('purchase.amendment')
    Configuration = pool.get('s2b2b.configuration')
    price = ordering.supplier_price(
        sale_price, Configuration(1).commission_percent)
    purchase = line.purchase
    if purchase.state == 'quotation':
        Purchase.draft([purchase])
        PurchaseLine.write([line], {'quantity': quantity, 'unit_price': price})
        Purchase.quote([purchase])
        return price
    amendment = Amendment(purchase=purchase, lines=[{
                'action': 'line', 'line': line.id,
                'product': line.product.id, 'unit': line.unit.id,
                'quantity': quantity, 'unit_price': price,
                'description': line.description,
                }])
    amendment.save()
    Amendment.validate_amendment([amendment])
    return price


def _resize_moves(line, quantity, price, supplier_price):
    """The moves of a waiting drop shipment carry the new quantity and
    prices (the amendments leave moves in a shipment alone)"""
    pool = Pool()
    Move = pool.get('stock.move')
    Shipment = pool.get('stock.shipment.drop')
    moves = [m for m in unshipped_moves(line)
        if isinstance(m.shipment, Shipment)]
    for move in moves:
        move.quantity = quantity
        if move.unit_price is not None:
            move.unit_price = (price if move.from_location.type == 'drop'
                else supplier_price)
    Move.save(moves)
    Shipment.wait(list({m.shipment for m in moves
                if m.shipment.state == 'waiting'}))


class SaleAmendment(metaclass=PoolMeta):
    __name__ = 'sale.amendment'

    @classmethod
    def _stock_moves(cls, line):
        """Keep the moves of platform lines in drop shipments: the change
        resizes them, so that they keep their origin"""
        Shipment = Pool().get('stock.shipment.drop')
        for move in super()._stock_moves(line):
            if not (line.s2b2b_supplier
                    and isinstance(move.shipment, Shipment)):
                yield move


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    s2b2b_changes = fields.One2Many(
        's2b2b.order.change', 'sale', "Change Requests", readonly=True)

    @classmethod
    def s2b2b_cancel(cls, sales, web_user, reason):
        """The buyer cancels whole orders before anything is shipped: the
        documents are cancelled and the stock released"""
        SaleLine = Pool().get('sale.line')
        reason = _required_reason(reason)
        for sale in sales:
            check_member(web_user, sale.s2b2b_buyer, ORDER_ROLES, sale)
        check_state(sales, {'draft', 'processing'}, 'cancel')
        with as_platform(sales[0].company if sales else None):
            sales = cls.browse(sales)
            drafts = [s for s in sales if s.state == 'draft']
            cls.cancel(drafts)
            SaleLine.s2b2b_release([l for s in drafts for l in s.lines])
            SaleLine._s2b2b_cancel([l for s in sales if s not in drafts
                    for l in s.lines])
            log('order.cancelled', sales, lambda s: s.s2b2b_buyer,
                {**_by(web_user), 'reason': reason})


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    s2b2b_cancelled = fields.Boolean("Cancelled", readonly=True)

    @property
    def supply_on_sale_drop_move(self):
        # A cancelled line's purchase line may be left at quantity 0
        if self.s2b2b_cancelled:
            return False
        return super().supply_on_sale_drop_move

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('s2b2b_cancelled')
        return super().copy(lines, default=default)

    @classmethod
    def s2b2b_cancel(cls, lines, web_user, reason):
        "The buyer cancels lines of an order before they are shipped"
        reason = _required_reason(reason)
        for line in lines:
            check_member(web_user, line.sale.s2b2b_buyer, ORDER_ROLES,
                line.sale)
        check_state([l.sale for l in lines], {'processing'}, 'cancel')
        with as_platform(lines[0].sale.company if lines else None):
            lines = cls.browse(lines)
            cls._s2b2b_cancel(lines)
            log('order.line_cancelled', lines, lambda l: l.sale.s2b2b_buyer,
                lambda l: {**_by(web_user), 'reason': reason,
                    'sale': l.sale.id, 'quantity': l.quantity})

    @classmethod
    def _s2b2b_cancel(cls, lines):
        "Cancel what remains of processing lines, nothing being shipped"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Purchase = pool.get('purchase.purchase')
        lines = [l for l in lines if not l.s2b2b_cancelled]
        for line in lines:
            if shipped_quantity(line):
                raise OrderChangeError(gettext(
                        's2b2b_procurement.msg_cancel_shipped',
                        line=line.rec_name))
        purchases = {}
        for line in lines:
            if purchase_line := line.s2b2b_purchase_line:
                purchases.setdefault(purchase_line.purchase, []).append(
                    purchase_line)
        for purchase, purchase_lines in purchases.items():
            _cancel_purchase_lines(purchase, purchase_lines)
        _cancel_moves([m for l in cls.browse(lines)
                for m in unshipped_moves(l)])
        cls.s2b2b_release(lines)
        cls.write(lines, {'s2b2b_cancelled': True})
        lines = cls.browse(lines)
        cls.s2b2b_ignore_cancelled(lines)
        Purchase.s2b2b_ignore_cancelled(list(purchases))
        Sale.process(list({l.sale for l in lines}))
        Purchase.process([p for p in purchases if p.state == 'processing'])


def _cancel_purchase_lines(purchase, lines):
    """A purchase waiting for its supplier loses the lines (all: it is
    cancelled); a confirmed one keeps them, their moves are cancelled"""
    pool = Pool()
    Purchase = pool.get('purchase.purchase')
    PurchaseLine = pool.get('purchase.line')
    if purchase.state != 'quotation':
        return
    if set(purchase.line_lines) <= set(lines):
        Purchase.cancel([purchase])
        Purchase._s2b2b_cancel_requests([purchase])
    else:
        Purchase.draft([purchase])
        PurchaseLine.write(lines, {'quantity': 0})
        Purchase.quote([purchase])


def _cancel_moves(moves):
    "Cancel the moves, and the drop shipments left without any"
    pool = Pool()
    Move = pool.get('stock.move')
    Shipment = pool.get('stock.shipment.drop')
    Move.cancel(moves)
    shipments = {m.shipment for m in Move.browse(moves)
        if isinstance(m.shipment, Shipment)}
    Shipment.cancel([s for s in shipments if s.state in {'draft', 'waiting'}
            and all(m.state == 'cancelled' for m in s.moves)])


class Purchase(metaclass=PoolMeta):
    __name__ = 'purchase.purchase'

    @classmethod
    def s2b2b_ignore_cancelled(cls, purchases):
        "The cancelled moves of cancelled lines are no shipment exception"
        PurchaseLine = Pool().get('purchase.line')
        to_write = []
        for line in [l for p in cls.browse(purchases) for l in p.line_lines]:
            skips = set(line.moves_ignored) | set(line.moves_recreated)
            moves = [m.id for m in line.moves
                if m.state == 'cancelled' and m not in skips]
            if moves:
                to_write.extend(([line], {'moves_ignored': [('add', moves)]}))
        if to_write:
            PurchaseLine.write(*to_write)
