# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Returns after receipt, on both sides.

The buyer asks to return part of what it received; the supplier accepts
(or refuses with a reason).  Accepted, the return becomes a return sale
to the buyer and a return purchase from the supplier (negative lines, as
Tryton's return wizards make them), whose processing makes the customer
return shipment and the supplier return shipment.  When the supplier has
the goods back, both shipments are done and, in the queue, the customer
and supplier credit notes are made and posted."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval

from . import ordering
from .company import as_platform
from .exceptions import OrderReturnError
from .order import (
    ORDER_ROLES, SUPPLIER_ROLES, _by, _required_reason, check_member, check_state, log, notify, queue)

RETURN_STATES = [
    ('requested', "Requested"),
    ('accepted', "Accepted"),
    ('received', "Received"),
    ('credited', "Credited"),
    ('refused', "Refused"),
    ]
RECEIVE_ROLES = SUPPLIER_ROLES | {'warehouse'}


def received_quantity(line):
    "What of the sale line the buyer received"
    return sum(m.quantity for m in line.moves
        if m.state == 'done' and m.to_location.type == 'customer')


class OrderReturn(Workflow, ModelSQL, ModelView):
    "Order Return"
    __name__ = 's2b2b.order.return'

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
    quantity = fields.Float("Quantity", required=True, states=_states)
    reason = fields.Text("Reason", required=True, states=_states)
    requested_by = fields.Many2One(
        'web.user', "Requested by", ondelete='RESTRICT', states=_states)
    state = fields.Selection(
        RETURN_STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    decided_by = fields.Many2One(
        'web.user', "Decided by", ondelete='RESTRICT', states=_states)
    refusal_reason = fields.Text(
        "Refusal Reason", states={
            'readonly': True,
            'invisible': Eval('state') != 'refused',
            })
    received_by = fields.Many2One(
        'web.user', "Received by", ondelete='RESTRICT', states=_states)
    return_sale = fields.Many2One(
        'sale.sale', "Return Sale", readonly=True, ondelete='RESTRICT',
        help="The sale returning the goods from the buyer, with the "
        "customer return shipment and credit note.")
    return_purchase = fields.Many2One(
        'purchase.purchase', "Return Purchase", readonly=True,
        ondelete='RESTRICT',
        help="The purchase returning the goods to the supplier, with the "
        "supplier return shipment and credit note.")
    credited_at = fields.DateTime("Credited", states=_states)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.line, Index.Equality())),
                Index(t, (t.supplier, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.buyer, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('requested', 'accepted'),
            ('requested', 'refused'),
            ('accepted', 'received'),
            ('received', 'credited'),
            }

    @classmethod
    def default_state(cls):
        return 'requested'

    def get_rec_name(self, name):
        return f'{self.sale.rec_name} / {self.line.rec_name}'

    @classmethod
    def request(cls, line, web_user, quantity, reason):
        "The buyer asks to return a quantity of a line it received"
        SaleLine = Pool().get('sale.line')
        reason = _required_reason(reason)
        with as_platform():
            line = SaleLine(int(line))
            check_member(web_user, line.sale.s2b2b_buyer, ORDER_ROLES,
                line.sale)
            cls._check_returnable(line, quantity)
            purchase = line.s2b2b_purchase_line.purchase
            record = cls(sale=line.sale, line=line,
                buyer=line.sale.s2b2b_buyer,
                supplier=purchase.s2b2b_supplier, quantity=quantity,
                reason=reason, requested_by=web_user)
            record.save()
            Pool().get('s2b2b.notification').notify([notify(
                        record.supplier, 'order.return', record,
                        'msg_return_requested', order=purchase.rec_name,
                        line=line.rec_name, quantity=f'{quantity:g}',
                        reason=reason)])
            log('order.return_requested', [record], record.buyer,
                record._log_data)
        return cls(record.id)

    @classmethod
    def _check_returnable(cls, line, quantity):
        returns = cls.search([
                ('line', '=', line.id), ('state', '!=', 'refused')])
        problem = ordering.return_problem(quantity, received_quantity(line),
            sum(r.quantity for r in returns))
        if problem or not line.s2b2b_purchase_line:
            raise OrderReturnError(gettext(
                    f's2b2b_procurement.msg_return_{problem or "not_received"}',
                    line=line.rec_name, quantity=f'{quantity or 0:g}'))

    @property
    def _log_data(self):
        return {'line': self.line.id, 'quantity': self.quantity,
            'reason': self.reason, 'state': self.state}

    @classmethod
    def accept(cls, returns, web_user):
        "The supplier accepts: return sale and purchase make the shipments"
        cls._check_supplier(returns, web_user, {'requested'}, 'accept')
        with as_platform(returns[0].sale.company if returns else None):
            returns = cls.browse(returns)
            cls._make_documents(returns)
            cls.write(returns, {'decided_by': web_user.id if web_user
                    else None})
            cls._accepted(returns)
            cls._tell_buyer(returns, 'accepted', web_user)

    @classmethod
    def refuse(cls, returns, web_user, reason):
        "The supplier refuses, saying why"
        cls._check_supplier(returns, web_user, {'requested'}, 'refuse')
        reason = _required_reason(reason)
        with as_platform():
            returns = cls.browse(returns)
            cls.write(returns, {
                    'decided_by': web_user.id if web_user else None,
                    'refusal_reason': reason,
                    })
            cls._refused(returns)
            cls._tell_buyer(returns, 'refused', web_user)

    @classmethod
    def receive(cls, returns, web_user):
        """The supplier has the goods back: both return shipments are done
        and the credit notes follow in the queue"""
        cls._check_supplier(returns, web_user, {'accepted'}, 'receive',
            roles=RECEIVE_ROLES)
        with as_platform(returns[0].sale.company if returns else None):
            returns = cls.browse(returns)
            cls._do_shipments(returns)
            cls.write(returns, {'received_by': web_user.id if web_user
                    else None})
            cls._received(returns)
            log('order.return_received', returns, lambda r: r.supplier,
                lambda r: {**r._log_data, **_by(web_user)})
        for record in returns:
            queue(cls, 'credit', [record], record.sale.company)

    @classmethod
    def credit(cls, returns):
        "Queued: make and post the credit notes of received returns"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Purchase = pool.get('purchase.purchase')
        Invoice = pool.get('account.invoice')
        returns = [r for r in cls.browse(returns) if r.state == 'received']
        if not returns:
            return
        Sale.process([r.return_sale for r in returns])
        Purchase.process([r.return_purchase for r in returns])
        returns = cls.browse(returns)
        invoices = [i for r in returns
            for i in r.return_sale.invoices + r.return_purchase.invoices
            if i.state == 'draft']
        Invoice.write([i for i in invoices if not i.invoice_date],
            {'invoice_date': pool.get('ir.date').today()})
        Invoice.post(invoices)
        cls.write(returns, {'credited_at': dt.datetime.now()})
        cls._credited(returns)
        log('order.return_credited', returns, lambda r: r.buyer,
            lambda r: {**r._log_data, 'credit_notes': [
                    i.number for i in r.return_sale.invoices
                    + r.return_purchase.invoices]})

    @classmethod
    def _check_supplier(cls, returns, web_user, states, action,
            roles=SUPPLIER_ROLES):
        for record in returns:
            check_member(web_user, record.supplier, roles, record)
        check_state(returns, states, action)

    @classmethod
    def _tell_buyer(cls, returns, state, web_user):
        Notification = Pool().get('s2b2b.notification')
        log(f'order.return_{state}', returns, lambda r: r.supplier,
            lambda r: {**r._log_data, **_by(web_user)})
        Notification.notify([notify(r.buyer, f'order.return_{state}', r,
                    f'msg_return_{state}', order=r.sale.rec_name,
                    line=r.line.rec_name, quantity=f'{r.quantity:g}',
                    reason=r.refusal_reason or '')
                for r in returns])

    @classmethod
    def _make_documents(cls, returns):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Purchase = pool.get('purchase.purchase')
        sales = [r._return_sale() for r in returns]
        purchases = [r._return_purchase() for r in returns]
        Sale.save(sales)
        Purchase.save(purchases)
        for record, sale, purchase in zip(returns, sales, purchases):
            record.return_sale = sale
            record.return_purchase = purchase
        cls.save(returns)
        Sale.quote(sales)
        Sale.confirm(sales)
        Sale.process(sales)
        Purchase.quote(purchases)
        Purchase.confirm(purchases)
        Purchase.process(purchases)

    def _return_sale(self):
        "The platform takes the goods back from the buyer"
        pool = Pool()
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        sale, line = self.sale, self.line
        return Sale(
            company=sale.company, party=sale.party, currency=sale.currency,
            invoice_address=sale.invoice_address,
            shipment_address=sale.shipment_address,
            payment_term=sale.payment_term, warehouse=sale.warehouse,
            invoice_method='fulfillment', shipment_method='order',
            origin=sale, s2b2b_buyer=sale.s2b2b_buyer,
            description=self.reason[:100],
            lines=[SaleLine(
                    type='line', product=line.product, unit=line.unit,
                    quantity=-self.quantity, unit_price=line.unit_price,
                    taxes=[], description=line.description,
                    s2b2b_listing=line.s2b2b_listing)])

    def _return_purchase(self):
        "The platform gives the goods back to the supplier"
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        PurchaseLine = pool.get('purchase.line')
        line = self.line.s2b2b_purchase_line
        purchase = line.purchase
        return Purchase(
            company=purchase.company, party=purchase.party,
            invoice_address=purchase.invoice_address,
            currency=purchase.currency, payment_term=purchase.payment_term,
            warehouse=self.sale.warehouse, invoice_method='fulfillment',
            origin=purchase, s2b2b_supplier=purchase.s2b2b_supplier,
            description=self.reason[:100],
            lines=[PurchaseLine(
                    type='line', product=line.product, unit=line.unit,
                    quantity=-self.quantity, unit_price=line.unit_price,
                    taxes=[], description=line.description)])

    @classmethod
    def _do_shipments(cls, returns):
        "The goods come back from the buyer and go back to the supplier"
        pool = Pool()
        CustomerReturn = pool.get('stock.shipment.out.return')
        SupplierReturn = pool.get('stock.shipment.in.return')
        customer = [s for r in returns
            for s in r.return_sale.shipment_returns if s.state == 'draft']
        CustomerReturn.receive(customer)
        CustomerReturn.do([s for s in CustomerReturn.browse(customer)
                if s.state == 'received'])
        supplier = [s for r in cls.browse(returns)
            for s in r.return_purchase.shipment_returns
            if s.state == 'waiting']
        SupplierReturn.assign_try(supplier)
        supplier = SupplierReturn.browse(supplier)
        if any(s.state != 'assigned' for s in supplier):
            raise OrderReturnError(gettext(
                    's2b2b_procurement.msg_return_not_assignable',
                    shipments=', '.join(s.rec_name for s in supplier
                        if s.state != 'assigned')))
        SupplierReturn.do(supplier)

    @classmethod
    @Workflow.transition('accepted')
    def _accepted(cls, returns):
        pass

    @classmethod
    @Workflow.transition('refused')
    def _refused(cls, returns):
        pass

    @classmethod
    @Workflow.transition('received')
    def _received(cls, returns):
        pass

    @classmethod
    @Workflow.transition('credited')
    def _credited(cls, returns):
        pass
