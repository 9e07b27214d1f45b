# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Orders on Tryton's documents: the buyer's order is a sale of the
platform company, each supplier's share a drop-shipped purchase.

Portal and API call the classmethods named ``s2b2b_*``: each checks that
the requesting member owns the document and that its portal user has the
role, then runs Tryton's workflow steps as the platform (``as_platform``).
Long steps run in the queue.  Every step goes to the event log."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.modules.s2b2b_catalog.listing import invalidate
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import ordering
from .company import as_platform, platform_company
from .exceptions import (
    OrderAccessError, OrderStateError, OrderValidationError,
    ShipmentQuantityError, StockShortError)

APPROVAL_STATES = [
    (None, ""),
    ('waiting', "Waiting"),
    ('approved', "Approved"),
    ('refused', "Refused"),
    ]
ORDER_ROLES = {'admin', 'purchaser'}
SUPPLIER_ROLES = {'admin', 'sales'}
RECEIPT_ROLES = {'admin', 'purchaser', 'warehouse'}


def check_member(web_user, member, roles, record):
    "The web user acts for member with one of roles, else OrderAccessError"
    if web_user is None:
        return
    if web_user.s2b2b_member != member:
        raise OrderAccessError(gettext(
                's2b2b_procurement.msg_order_not_owner',
                record=record.rec_name))
    if not set(web_user.s2b2b_roles or ()) & roles:
        raise OrderAccessError(gettext(
                's2b2b_procurement.msg_order_role',
                user=web_user.rec_name, record=record.rec_name))


def check_state(records, states, action):
    for record in records:
        if record.state not in states:
            selection = record.fields_get(['state'])['state']['selection']
            raise OrderStateError(gettext(
                    's2b2b_procurement.msg_order_state',
                    record=record.rec_name, action=action,
                    state=dict(selection).get(record.state, record.state)))


def log(event, records, member, data=None):
    "Append one event per record to the platform event log"
    Event = Pool().get('s2b2b.event')
    Event.append([{
                'event': event,
                'member': member(r) if callable(member) else member,
                'resource': r,
                'data': data(r) if callable(data) else (data or {}),
                } for r in records])


def notify(member, kind, record, message, **variables):
    "A notification of a member in its language: subject and body"
    Notification = Pool().get('s2b2b.notification')
    lang = member.party.lang
    with Transaction().set_context(language=lang.code if lang else None):
        return Notification(
            member=member, kind=kind, resource=record,
            subject=gettext(
                f's2b2b_procurement.{message}_subject', **variables),
            body=gettext(f's2b2b_procurement.{message}_body', **variables))


def queue(Model, method, records, company):
    "Push method of records to the queue, run as the platform"
    with as_platform(company):
        getattr(Model.__queue__, method)(records)


class Listing(metaclass=PoolMeta):
    __name__ = 's2b2b.listing'

    @classmethod
    def make_products(cls, listings):
        # Prices of products belong to a company: the platform's when the
        # caller (an operator without a company, a script) set none
        context = {}
        if Transaction().context.get('company') is None:
            company = platform_company()
            context['company'] = company.id if company else None
        with Transaction().set_context(context):
            super().make_products(listings)
            cls.s2b2b_make_tradable(listings)

    def s2b2b_tradable(self, category):
        "The listing's product can be sold, bought and drop-shipped"
        template = self.product.template
        return (template.salable and template.purchasable
            and template.supply_on_sale == 'always'
            and (category is None or template.account_category == category)
            and any(s.party == self.supplier.party and s.drop_shipment
                for s in template.product_suppliers))

    @classmethod
    def s2b2b_make_tradable(cls, listings):
        """Make the listings' products salable, purchasable, supplied on
        sale by drop shipment from the supplier, in the accounting category
        of the platform configuration"""
        pool = Pool()
        Template = pool.get('product.template')
        Configuration = pool.get('s2b2b.configuration')
        with as_platform():
            category = Configuration(1).listing_account_category
            listings = cls.browse([l for l in listings if l.product])
            todo = [l for l in listings if not l.s2b2b_tradable(category)]
            templates = [l._s2b2b_trade_template(category) for l in todo]
            Template.save(templates)
            ensure_addresses({l.supplier.party for l in todo})

    def _s2b2b_trade_template(self, category):
        template = self.product.template
        template.salable = template.purchasable = True
        template.sale_uom = template.purchase_uom = self.uom
        template.list_price = self.price_from or Decimal(0)
        if category:
            template.account_category = category
        drop_shipped_by(template, self.supplier.party, self.lead_time)
        return template

    def s2b2b_snapshot(self):
        "What an order line is checked against"
        return self.s2b2b_snapshots([self])[self.id]

    @classmethod
    def s2b2b_snapshots(cls, listings):
        """{listing id: ListingSnapshot} of the listings, read with two
        queries whatever their number"""
        pool = Pool()
        Tier = pool.get('s2b2b.listing.price_tier')
        Member = pool.get('s2b2b.member')
        table, tier, member = (
            cls.__table__(), Tier.__table__(), Member.__table__())
        ids = list({int(l) for l in listings})
        if not ids:
            # PostgreSQL refuses an empty IN ()
            return {}
        cursor = Transaction().connection.cursor()
        tiers = {}
        cursor.execute(*tier.select(tier.listing, tier.quantity,
                tier.unit_price, where=tier.listing.in_(ids),
                order_by=[tier.listing, tier.quantity]))
        for listing, quantity, price in cursor:
            tiers.setdefault(listing, []).append((quantity, Decimal(price)))
        cursor.execute(*table.join(member,
                condition=member.id == table.supplier).select(
                table.id, table.state, member.state, table.moq,
                table.order_multiple, table.available_quantity,
                table.valid_from, table.valid_to, table.currency,
                table.lead_time, where=table.id.in_(ids)))
        return {row[0]: ordering.ListingSnapshot(
                id=row[0], state=row[1], supplier_approved=row[2] == 'approved',
                tiers=tuple(tiers.get(row[0], ())), moq=row[3],
                multiple=row[4], available=row[5],
                valid_from=_date(row[6]), valid_to=_date(row[7]),
                currency=row[8], lead_time=row[9])
            for row in cursor}

    @classmethod
    def s2b2b_reserve(cls, quantities):
        """Take {listing id: quantity} off the stock, each with one
        conditional UPDATE so that concurrent orders never oversell;
        return the ids whose stock was short (then nothing is taken)"""
        items = sorted(quantities.items())
        moved = [cls._s2b2b_move_stock(i, -q) for i, q in items]
        short = [i for (i, _), m in zip(items, moved) if m is None]
        if not short:
            cls._s2b2b_stock_moved(list(quantities),
                [i for (i, _), m in zip(items, moved) if m])
            return short
        # Given back: a caller that goes on (the call-off cron) keeps no
        # stock taken for an order it did not place
        for (i, q), m in zip(items, moved):
            if m is not None:
                cls._s2b2b_move_stock(i, q)
        return short

    @classmethod
    def s2b2b_release(cls, quantities):
        "Give {listing id: quantity} back to the stock"
        moved = {i: cls._s2b2b_move_stock(i, q)
            for i, q in sorted(quantities.items()) if q > 0}
        cls._s2b2b_stock_moved(
            list(moved), [i for i, m in moved.items() if m])

    @classmethod
    def _s2b2b_move_stock(cls, listing_id, quantity):
        """Move the listing's stock by quantity; None when short, else
        whether the stock crossed its low-stock threshold or zero (the
        alert and the member pages follow), when the database tells"""
        table = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        new = table.available_quantity + quantity
        where = table.id == listing_id
        if quantity < 0:
            where &= table.available_quantity >= -quantity
        returning = None
        if transaction.database.has_returning():
            returning = [table.available_quantity, table.low_stock_threshold,
                table.low_stock_alerted]
        cursor.execute(*table.update(
                [table.available_quantity, table.in_stock], [new, new > 0],
                where=where, returning=returning))
        if not returning:
            return True if cursor.rowcount == 1 else None
        row = cursor.fetchone()
        if row is None:
            return None
        available, threshold, alerted = row
        low = available <= threshold
        return (low != bool(alerted)
            or (available > 0) != (available - quantity > 0))

    @classmethod
    def _s2b2b_stock_moved(cls, ids, crossed):
        """Tell the caches the stock changed by SQL, and the low-stock
        alert and the member pages the listings whose stock crossed"""
        if not ids:
            return
        invalidate(cls, ids)
        if not crossed:
            return
        listings = cls.browse(crossed)
        cls.on_modification('write', listings,
            field_names={'available_quantity', 'in_stock'})
        with as_platform():
            cls.check_low_stock(cls.browse(crossed))


def drop_shipped_by(template, party, lead_time=None):
    """Make the template supplied on sale by a drop shipment from the
    supplier's party (its product supplier added when missing)"""
    ProductSupplier = Pool().get('purchase.product_supplier')
    template.supply_on_sale = 'always'
    if not any(s.party == party for s in template.product_suppliers):
        template.product_suppliers += (ProductSupplier(
                party=party, drop_shipment=True,
                lead_time=dt.timedelta(days=lead_time or 0)),)
    for supplier in template.product_suppliers:
        if supplier.party == party:
            supplier.drop_shipment = True


def _date(value):
    "SQLite returns dates as text"
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def ensure_addresses(parties):
    "Invoices and drop shipments need an address of the supplier"
    Address = Pool().get('party.address')
    Address.save([Address(party=p) for p in parties if not p.addresses])


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    s2b2b_buyer = fields.Many2One(
        's2b2b.member', "Buyer", readonly=True, ondelete='RESTRICT',
        help="The member the platform sells to.")
    s2b2b_requested_by = fields.Many2One(
        'web.user', "Ordered by", readonly=True, ondelete='RESTRICT')
    s2b2b_contract = fields.Many2One(
        's2b2b.contract', "Contract", readonly=True, ondelete='RESTRICT')
    s2b2b_approval = fields.Selection(
        APPROVAL_STATES, "Approval", readonly=True,
        help="Orders above the buyer's approval limit wait for a portal "
        "user with the approver role.")
    s2b2b_approval_string = s2b2b_approval.translated('s2b2b_approval')
    s2b2b_approved_by = fields.Many2One(
        'web.user', "Approved by", readonly=True, ondelete='RESTRICT')
    s2b2b_refusal_reason = fields.Text(
        "Refusal Reason", readonly=True,
        states={'invisible': Eval('s2b2b_approval') != 'refused'})
    s2b2b_purchases = fields.One2Many(
        'purchase.purchase', 's2b2b_sale', "Supplier Orders", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.s2b2b_buyer, Index.Equality()),
                (t.id, Index.Range(order='DESC')),
                where=t.s2b2b_buyer != None))  # noqa: E711

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        for name in ['s2b2b_approval', 's2b2b_approved_by',
                's2b2b_refusal_reason', 's2b2b_purchases']:
            default.setdefault(name)
        return super().copy(sales, default=default)

    @classmethod
    def s2b2b_order(cls, buyer, lines, delivery=None, requested_by=None,
            contract=None, reference=None):
        """Place an order of the buyer member and return the sale.

        lines: ordering.OrderLine or dicts of listing (record or id),
        quantity and, for prices agreed beforehand (contract lines),
        unit_price and origin.  delivery: an address of the buyer's party
        (default: its delivery address).  Every line is checked first and
        all problems are reported in one error; the stock is then reserved
        and the sale saved, to be processed in the queue unless it waits
        for an approver."""
        lines = _order_lines(lines)
        company = platform_company()
        with as_platform(company):
            buyer = Pool().get('s2b2b.member')(int(buyer))
            amount, delivery = cls.s2b2b_accept(
                buyer, lines, requested_by, company, delivery)
            sale = cls.s2b2b_make(buyer, lines, company, amount,
                delivery=delivery, requested_by=requested_by,
                contract=contract, reference=reference)
        if sale.s2b2b_approval != 'waiting':
            queue(cls, 's2b2b_process', [sale], company)
        return cls(sale.id)

    @classmethod
    def s2b2b_accept(cls, buyer, lines, requested_by, company,
            delivery=None):
        """Check the order (every problem in one error), its delivery
        address and the buyer's credit, take the stock; return the amount
        and the delivery address"""
        cls._s2b2b_check_buyer(buyer, requested_by, lines)
        cls._s2b2b_validate(buyer, lines, company)
        delivery = _delivery_address(buyer.party, delivery)
        amount = _order_amount(lines)
        cls.s2b2b_check_credit(buyer, amount)
        cls._s2b2b_reserve(buyer, lines)
        return amount, delivery

    @classmethod
    def s2b2b_make(cls, buyer, lines, company, amount, delivery=None,
            requested_by=None, contract=None, reference=None):
        """The sale of accepted lines (their stock taken), waiting for an
        approver above the buyer's limit"""
        sale, = cls.s2b2b_make_sales(company, [dict(buyer=buyer,
                    lines=lines, amount=amount, delivery=delivery,
                    requested_by=requested_by, contract=contract,
                    reference=reference)])
        return sale

    @classmethod
    def s2b2b_make_sales(cls, company, orders):
        """The sales of accepted orders, saved together: dicts of buyer,
        lines, amount, delivery, requested_by, contract and reference"""
        # Listings published before the accounting was set up
        Pool().get('s2b2b.listing').s2b2b_make_tradable(
            list({l.listing for o in orders for l in o['lines']
                    if l.listing}))
        sales = []
        for order in orders:
            buyer = order['buyer']
            sale = cls._s2b2b_new_sale(buyer, order['lines'], company,
                order['delivery'], order['requested_by'], order['contract'])
            sale.reference = order['reference']
            sale.s2b2b_approval = ('waiting' if ordering.needs_approval(
                    order['amount'], buyer.approval_limit) else None)
            sales.append(sale)
        cls.save(sales)
        log('order.placed', sales, lambda s: s.s2b2b_buyer, _sale_data)
        Pool().get('s2b2b.notification').notify([notify(
                    s.s2b2b_buyer, 'order.approval', s,
                    'msg_order_approval', order=s.rec_name,
                    amount=f'{o["amount"]:.2f}',
                    limit=f'{s.s2b2b_buyer.approval_limit:.2f}')
                for s, o in zip(sales, orders)
                if s.s2b2b_approval == 'waiting'])
        return sales

    @classmethod
    def _s2b2b_check_buyer(cls, buyer, requested_by, lines):
        if not lines:
            raise OrderValidationError(
                gettext('s2b2b_procurement.msg_order_no_lines'))
        if not buyer.is_buyer or buyer.state != 'approved':
            raise OrderAccessError(gettext(
                    's2b2b_procurement.msg_order_buyer_not_approved',
                    member=buyer.rec_name))
        check_member(requested_by, buyer, ORDER_ROLES, buyer)
        # A line without listing is bought at a contract's agreed price:
        # only the buyer of a signed contract may order it
        for line in lines:
            contract = line.origin.contract if line.listing is None else None
            if contract is not None and (
                    contract.buyer != buyer or contract.state != 'signed'):
                raise OrderAccessError(gettext(
                        's2b2b_procurement.msg_order_contract_line_refused',
                        line=line.origin.rec_name, member=buyer.rec_name))

    @classmethod
    def _s2b2b_validate(cls, buyer, lines, company):
        "Raise one error with every problem of every line"
        today = Pool().get('ir.date').today()
        listed = [i for i, l in enumerate(lines) if l.listing is not None]
        problems = [(listed[i], code) for i, code in ordering.order_problems(
                [(lines[i].snapshot, lines[i].quantity,
                        lines[i].unit_price is not None) for i in listed],
                today, currency=company.currency.id)]
        # a contract line's quantity and price are agreed: only the
        # quantity can be wrong
        problems += [(i, 'quantity') for i, l in enumerate(lines)
            if l.listing is None and l.quantity <= 0]
        problems.sort()
        if problems:
            cls._s2b2b_alert_short(buyer, lines,
                {lines[i].listing for i, code in problems if code == 'stock'})
            raise OrderValidationError(gettext(
                    's2b2b_procurement.msg_order_invalid',
                    problems='\n'.join(
                        _problem_text(lines[i], code)
                        for i, code in problems)))

    @classmethod
    def s2b2b_check_credit(cls, buyer, amount):
        """Refuse (raise CreditRefusedError) an order the buyer's credit
        does not cover; the finance module overrides this hook"""
        pass

    @classmethod
    def _s2b2b_alert_short(cls, buyer, lines, listings):
        "Tell the suppliers a buyer wanted more than their stock"
        Alert = Pool().get('s2b2b.alert')
        if not listings:
            return
        quantities = ordering.quantities_by_listing(
            (l.listing.id, l.quantity) for l in lines if l.listing)
        Alert.raise_after_rollback([
                _stock_short_alert(l, quantities[l.id], buyer)
                for l in listings])

    @classmethod
    def _s2b2b_reserve(cls, buyer, lines):
        Listing = Pool().get('s2b2b.listing')
        quantities = ordering.quantities_by_listing(
            (l.listing.id, l.quantity) for l in lines if l.listing)
        short = Listing.s2b2b_reserve(quantities)
        if short:
            short = Listing.browse(short)
            cls._s2b2b_alert_short(buyer, lines, short)
            raise StockShortError(gettext(
                    's2b2b_procurement.msg_order_stock_short',
                    listings=', '.join(l.rec_name for l in short)))

    @classmethod
    def _s2b2b_new_sale(cls, buyer, lines, company, delivery, requested_by,
            contract):
        pool = Pool()
        Configuration = pool.get('s2b2b.configuration')
        party = buyer.party
        delivery = _delivery_address(party, delivery)
        return cls(
            company=company, party=party, currency=company.currency,
            invoice_address=party.address_get(type='invoice') or delivery,
            shipment_address=delivery,
            payment_term=(party.customer_payment_term
                or Configuration(1).order_payment_term),
            invoice_method='fulfillment', shipment_method='order',
            warehouse=cls.default_warehouse(),
            s2b2b_buyer=buyer, s2b2b_requested_by=requested_by,
            s2b2b_contract=contract,
            lines=[_sale_line(l) for l in lines])

    @classmethod
    def s2b2b_approve(cls, sales, web_user):
        "An approver of the buyer lets orders above the limit go on"
        cls._s2b2b_check_approver(sales, web_user)
        with as_platform():
            sales = cls.browse(sales)
            cls.write(sales, {
                    's2b2b_approval': 'approved',
                    's2b2b_approved_by': web_user.id if web_user else None,
                    })
            log('order.approved', sales, lambda s: s.s2b2b_buyer,
                _by(web_user))
        for sale in sales:
            queue(cls, 's2b2b_process', [sale], sale.company)

    @classmethod
    def s2b2b_refuse(cls, sales, web_user, reason):
        "An approver refuses orders: cancelled, their stock released"
        cls._s2b2b_check_approver(sales, web_user)
        reason = _required_reason(reason)
        with as_platform():
            sales = cls.browse(sales)
            cls.write(sales, {
                    's2b2b_approval': 'refused',
                    's2b2b_approved_by': web_user.id if web_user else None,
                    's2b2b_refusal_reason': reason,
                    })
            cls.cancel(sales)
            SaleLine = Pool().get('sale.line')
            SaleLine.s2b2b_release([l for s in sales for l in s.lines])
            log('order.refused', sales, lambda s: s.s2b2b_buyer,
                {**_by(web_user), 'reason': reason})

    @classmethod
    def _s2b2b_check_approver(cls, sales, web_user):
        for sale in sales:
            check_member(web_user, sale.s2b2b_buyer, {'approver'}, sale)
            if sale.state != 'draft' or sale.s2b2b_approval != 'waiting':
                raise OrderStateError(gettext(
                        's2b2b_procurement.msg_order_not_waiting_approval',
                        record=sale.rec_name))

    @classmethod
    def s2b2b_process(cls, sales):
        """Queued: quote, confirm and process the sales, then make one
        drop-shipped purchase per supplier, waiting for the supplier"""
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        sales = [s for s in cls.browse(sales) if s.state == 'draft'
            and s.s2b2b_approval in {None, 'approved'}]
        if not sales:
            return
        cls.lock(sales)
        cls.quote(sales)
        cls.confirm(sales)
        cls.process(sales)
        purchases = cls._s2b2b_create_purchases(sales)
        Purchase.s2b2b_ask_supplier(purchases)
        log('order.processed', sales, lambda s: s.s2b2b_buyer,
            lambda s: {'purchases': [p.rec_name for p in s.s2b2b_purchases]})

    @classmethod
    def _s2b2b_create_purchases(cls, sales):
        "Run Tryton's purchase request wizard on the requests of the sales"
        pool = Pool()
        Request = pool.get('purchase.request')
        CreatePurchase = pool.get(
            'purchase.request.create_purchase', type='wizard')
        requests = [l.purchase_request for s in cls.browse(sales)
            for l in s.lines
            if l.purchase_request and not l.purchase_request.purchase_line]
        if not requests:
            return []
        ids = [r.id for r in requests]
        with Transaction().set_context(active_model='purchase.request',
                active_ids=ids, active_id=ids[0]):
            session_id, _, _ = CreatePurchase.create()
            CreatePurchase.execute(session_id, {}, 'start')
            CreatePurchase.delete(session_id)
        return list({r.purchase for r in Request.browse(ids)})

    @classmethod
    def s2b2b_post_invoices(cls, sales):
        """Queued after a receipt: invoice what was received, on both sides,
        and post it; a member billed per period gets it on the period's
        invoice, posted when the period ends (billing.py)"""
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        Invoice = pool.get('account.invoice')
        sales = [s for s in cls.browse(sales)
            if s.state in {'processing', 'done'}]
        purchases = [p for s in sales for p in s.s2b2b_purchases
            if p.state in {'processing', 'done'}]
        # Processing locks both: locked together first, a worker's
        # transaction restarts once, before any work, not after the sales
        cls.lock(sales)
        Purchase.lock(purchases)
        cls.process(sales)
        Purchase.process(purchases)
        members = {i: s.s2b2b_buyer for s in cls.browse(sales)
            for i in s.invoices if i.state == 'draft'}
        members.update({i: p.s2b2b_supplier
                for p in Purchase.browse(purchases)
                for i in p.invoices if i.state == 'draft'})
        invoices = [i for i in members if not i.s2b2b_billing_end]
        today = pool.get('ir.date').today()
        Invoice.write([i for i in invoices if not i.invoice_date],
            {'invoice_date': today})
        Invoice.post(invoices)
        log('order.invoiced', invoices, members.get,
            lambda i: {'number': i.number, 'type': i.type,
                'total': i.total_amount})


def _order_lines(lines):
    """The lines as ordering.OrderLine of listing records (browsed
    together), each with the snapshot of its listing; a line without a
    listing trades a contract line (its origin), its snapshot None"""
    Listing = Pool().get('s2b2b.listing')
    lines = [l if isinstance(l, ordering.OrderLine)
        else ordering.OrderLine(**l) for l in lines]
    listed = [l for l in lines if l.listing is not None]
    with as_platform():
        listings = Listing.browse([int(l.listing) for l in listed])
        snapshots = Listing.s2b2b_snapshots(listings)
    for line, listing in zip(listed, listings):
        if listing.id not in snapshots:
            raise OrderValidationError(gettext(
                    's2b2b_procurement.msg_order_listing_unknown',
                    listing=listing.id))
        line.listing = listing
        line.snapshot = snapshots[listing.id]
    for line in lines:
        line.quantity = float(line.quantity or 0)
        line.origin = _origin(line.origin)
        if line.listing is None:
            _check_contract_line(line.origin)
            line.snapshot = None
            if line.unit_price is None:
                line.unit_price = line.origin.unit_price
    return lines


def _origin(origin):
    "The record of an origin given as 'model,id' (the intake keeps text)"
    if isinstance(origin, str):
        model, id_ = origin.split(',', 1)
        SaleLine = Pool().get('sale.line')
        if model not in SaleLine._get_s2b2b_origins():
            raise OrderValidationError(gettext(
                    's2b2b_procurement.msg_order_listing_unknown',
                    listing=origin))
        origin = Pool().get(model)(int(id_))
    return origin


def _check_contract_line(origin):
    "A line without listing trades a contract line that has a product"
    ContractLine = Pool().get('s2b2b.contract.line')
    with as_platform():
        if (not isinstance(origin, ContractLine)
                or not ContractLine.search([('id', '=', origin.id)])
                or not origin.product):
            raise OrderValidationError(gettext(
                    's2b2b_procurement.msg_order_listing_unknown',
                    listing=origin.id if origin else None))


def _order_amount(lines):
    return sum((Decimal(str(l.quantity)) * ordering.unit_price(
                l.snapshot, l.quantity, l.unit_price)
            for l in lines), Decimal(0))


def _problem_text(line, code):
    listing = line.listing
    if listing is None:
        return gettext(f's2b2b_procurement.msg_order_problem_{code}',
            listing=line.origin.rec_name, quantity=f'{line.quantity:g}')
    return gettext(f's2b2b_procurement.msg_order_problem_{code}',
        listing=listing.rec_name, quantity=f'{line.quantity:g}',
        moq=f'{listing.moq:g}', multiple=f'{listing.order_multiple:g}',
        available=f'{listing.available_quantity:g}',
        valid_from=listing.valid_from or '', valid_to=listing.valid_to or '')


def _stock_short_alert(listing, quantity, buyer):
    return {
        'kind': 'stock_short', 'member': listing.supplier,
        'resource': listing, 'quantity': quantity,
        'message': gettext('s2b2b_procurement.msg_alert_stock_short',
            listing=listing.rec_name, quantity=f'{quantity:g}',
            available=f'{listing.available_quantity:g}',
            buyer=buyer.rec_name),
        }


def _delivery_address(party, delivery):
    Address = Pool().get('party.address')
    if delivery is not None:
        delivery = Address(int(delivery))
        if not Address.search([('id', '=', delivery.id)]) \
                or delivery.party != party:
            raise OrderValidationError(gettext(
                    's2b2b_procurement.msg_order_delivery_not_buyer',
                    address=delivery.rec_name))
        return delivery
    delivery = party.address_get(type='delivery')
    if delivery is None:
        raise OrderValidationError(gettext(
                's2b2b_procurement.msg_order_delivery_missing',
                party=party.rec_name))
    return delivery


def _sale_line(line):
    SaleLine = Pool().get('sale.line')
    listing = line.listing
    price = ordering.unit_price(
        line.snapshot, line.quantity, line.unit_price)
    sale_line = SaleLine(type='line', quantity=line.quantity,
        unit_price=price, taxes=[], s2b2b_origin=line.origin,
        s2b2b_delivery_date=line.delivery_date)
    if listing is not None:
        sale_line.product, sale_line.unit = listing.product, listing.uom
        sale_line.description = listing.rec_name
        sale_line.s2b2b_listing = listing
        sale_line.s2b2b_reserved = line.quantity
    else:
        contract_line = line.origin
        sale_line.product = contract_line.product
        sale_line.unit = contract_line.uom
        sale_line.description = contract_line.description
    # a forward contract's call-off draws on its blanket agreement
    agreement_line = getattr(line.origin, 'sale_agreement_line', None)
    if agreement_line:
        sale_line.blanket_agreement_line = agreement_line
    return sale_line


def _sale_data(sale):
    return {
        'number': sale.number, 'buyer': sale.s2b2b_buyer.rec_name,
        'requested_by': (sale.s2b2b_requested_by.email
            if sale.s2b2b_requested_by else None),
        'approval': sale.s2b2b_approval,
        'lines': [[l.s2b2b_listing.id if l.s2b2b_listing else None,
                l.quantity, str(l.unit_price)] for l in sale.lines],
        }


def _by(web_user):
    return {'by': web_user.email if web_user else None}


def _required_reason(reason):
    reason = (reason or '').strip()
    if not reason:
        raise OrderStateError(
            gettext('s2b2b_procurement.msg_order_reason_required'))
    return reason


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    s2b2b_listing = fields.Many2One(
        's2b2b.listing', "Listing", readonly=True, ondelete='RESTRICT')
    s2b2b_reserved = fields.Float(
        "Reserved Stock", readonly=True,
        help="The quantity taken off the listing's stock and not yet "
        "shipped or given back.")
    s2b2b_origin = fields.Reference(
        "Order Origin", selection='get_s2b2b_origins', readonly=True,
        help="What the line was ordered from, e.g. a contract line.")
    s2b2b_delivery_date = fields.Date(
        "Requested Date", readonly=True,
        help="The date the buyer wants the goods shipped by, when later "
        "than the listing's lead time allows.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.s2b2b_listing, Index.Equality()),
                where=t.s2b2b_listing != None))  # noqa: E711

    @property
    def _s2b2b_contract_line(self):
        "The contract line a line without listing trades, else None"
        ContractLine = Pool().get('s2b2b.contract.line')
        if not self.s2b2b_listing and isinstance(
                self.s2b2b_origin, ContractLine):
            return self.s2b2b_origin

    @property
    def s2b2b_supplier(self):
        """The supplier member the line is bought from: its listing's or
        its contract's (a contract line without listing), else None"""
        if self.s2b2b_listing:
            return self.s2b2b_listing.supplier
        contract_line = self._s2b2b_contract_line
        return contract_line.contract.supplier if contract_line else None

    @property
    def s2b2b_lead_time(self):
        """The supplier's days from confirmation to shipment: its
        listing's, or the contract line's (as quoted or bid), else 0"""
        if self.s2b2b_listing:
            return self.s2b2b_listing.lead_time or 0
        contract_line = self._s2b2b_contract_line
        return (contract_line.lead_time or 0) if contract_line else 0

    @property
    def s2b2b_purchase_line(self):
        "The supplier's purchase line of the order line"
        request = self.purchase_request
        return request.purchase_line if request else None

    @classmethod
    def _get_s2b2b_origins(cls):
        "Models an order line can come from"
        return ['s2b2b.contract.line']

    @classmethod
    def get_s2b2b_origins(cls):
        IrModel = Pool().get('ir.model')
        return [(None, '')] + [(m, IrModel.get_name(m))
            for m in cls._get_s2b2b_origins()]

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('s2b2b_reserved')
        return super().copy(lines, default=default)

    @classmethod
    def s2b2b_release(cls, lines):
        "Give the stock still reserved by the lines back to their listings"
        Listing = Pool().get('s2b2b.listing')
        lines = [l for l in lines if l.s2b2b_listing and l.s2b2b_reserved]
        quantities = ordering.quantities_by_listing(
            (l.s2b2b_listing.id, l.s2b2b_reserved) for l in lines)
        Listing.s2b2b_release(quantities)
        cls.write(lines, {'s2b2b_reserved': 0})

    @classmethod
    def s2b2b_ignore_cancelled(cls, lines):
        "The cancelled moves of cancelled lines are no shipment exception"
        to_write = []
        for line in lines:
            skips = set(line.moves_ignored) | set(line.moves_recreated)
            moves = [m.id for m in line.moves
                if m.state == 'cancelled' and m not in skips]
            if moves:
                to_write.extend(([line], {'moves_ignored': [('add', moves)]}))
        if to_write:
            cls.write(*to_write)


class Purchase(metaclass=PoolMeta):
    __name__ = 'purchase.purchase'

    s2b2b_sale = fields.Many2One(
        'sale.sale', "Buyer Order", readonly=True, ondelete='RESTRICT')
    s2b2b_supplier = fields.Many2One(
        's2b2b.member', "Supplier Member", readonly=True,
        ondelete='RESTRICT')
    s2b2b_confirm_due = fields.DateTime(
        "Confirm by", readonly=True,
        help="The supplier confirms before this time (the platform's SLA).")
    s2b2b_confirmed_by = fields.Many2One(
        'web.user', "Confirmed by", readonly=True, ondelete='RESTRICT')
    s2b2b_rejected_by = fields.Many2One(
        'web.user', "Rejected by", readonly=True, ondelete='RESTRICT')
    s2b2b_reject_reason = fields.Text(
        "Rejection Reason", readonly=True,
        states={'invisible': ~Eval('s2b2b_reject_reason')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.s2b2b_supplier, Index.Equality()),
                    (t.id, Index.Range(order='DESC')),
                    where=t.s2b2b_supplier != None),  # noqa: E711
                Index(t, (t.s2b2b_sale, Index.Equality()),
                    where=t.s2b2b_sale != None),  # noqa: E711
                Index(t, (t.s2b2b_confirm_due, Index.Range()),
                    where=t.state == 'quotation'),
                })

    @classmethod
    def copy(cls, purchases, default=None):
        default = default.copy() if default is not None else {}
        for name in ['s2b2b_sale', 's2b2b_supplier', 's2b2b_confirm_due',
                's2b2b_confirmed_by', 's2b2b_rejected_by',
                's2b2b_reject_reason']:
            default.setdefault(name)
        return super().copy(purchases, default=default)

    @classmethod
    def s2b2b_ask_supplier(cls, purchases):
        "Quote the purchases and tell the suppliers, who confirm within SLA"
        pool = Pool()
        Configuration = pool.get('s2b2b.configuration')
        Notification = pool.get('s2b2b.notification')
        hours = Configuration(1).confirm_sla_hours
        due = dt.datetime.now() + dt.timedelta(hours=hours)
        for purchase in purchases:
            purchase.invoice_method = 'fulfillment'
            purchase.s2b2b_confirm_due = due
            if not purchase.payment_term:
                purchase.payment_term = Configuration(1).order_payment_term
        cls.save(purchases)
        cls.quote(purchases)
        Notification.notify([notify(p.s2b2b_supplier, 'order.new', p,
                    'msg_order_new', purchase=p.rec_name,
                    due=due.strftime('%Y-%m-%d %H:%M'))
                for p in purchases if p.s2b2b_supplier])

    @classmethod
    def s2b2b_confirm(cls, purchases, web_user):
        "The supplier confirms its orders: they become drop shipments"
        cls._s2b2b_check_supplier(purchases, web_user, 'confirm')
        with as_platform(purchases[0].company if purchases else None):
            purchases = cls.browse(purchases)
            cls.write(purchases, {'s2b2b_confirmed_by':
                    web_user.id if web_user else None})
            cls.confirm(purchases)
            log('order.confirmed', purchases, lambda p: p.s2b2b_supplier,
                _by(web_user))

    @classmethod
    def s2b2b_reject(cls, purchases, web_user, reason):
        """The supplier rejects its orders with a reason: they are
        cancelled with their share of the buyer's order, the stock is
        released and the buyer told"""
        cls._s2b2b_check_supplier(purchases, web_user, 'reject')
        reason = _required_reason(reason)
        with as_platform(purchases[0].company if purchases else None):
            purchases = cls.browse(purchases)
            cls.write(purchases, {
                    's2b2b_rejected_by': web_user.id if web_user else None,
                    's2b2b_reject_reason': reason,
                    })
            cls.cancel(purchases)
            cls._s2b2b_cancel_sale_lines(purchases)
            log('order.rejected', purchases, lambda p: p.s2b2b_supplier,
                {**_by(web_user), 'reason': reason})
            cls._s2b2b_notify_buyer(purchases, 'order.rejected',
                'msg_order_rejected', reason=reason)

    @classmethod
    def _s2b2b_check_supplier(cls, purchases, web_user, action):
        for purchase in purchases:
            check_member(web_user, purchase.s2b2b_supplier, SUPPLIER_ROLES,
                purchase)
        check_state(purchases, {'quotation'}, action)

    @classmethod
    def _s2b2b_cancel_requests(cls, purchases):
        """The requests of cancelled purchases are not supplied again: the
        sale lines' supply is cancelled; return the requests"""
        Request = Pool().get('purchase.request')
        requests = [r for p in purchases for l in p.lines
            for r in l.requests]
        Request.write(requests, {'exception_ignored': True})
        Request.update_state(requests)
        return requests

    @classmethod
    def _s2b2b_cancel_sale_lines(cls, purchases):
        "The sale lines of cancelled purchases: cancelled, stock released"
        pool = Pool()
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        requests = cls._s2b2b_cancel_requests(purchases)
        lines = [l for r in requests for l in r.sale_lines]
        SaleLine.s2b2b_release(lines)
        sales = list({l.sale for l in lines})
        # Processing cancels the lines' moves waiting for supply
        Sale.process(sales)
        SaleLine.s2b2b_ignore_cancelled(SaleLine.browse(lines))
        Sale.process(sales)

    @classmethod
    def _s2b2b_notify_buyer(cls, purchases, kind, message, **variables):
        Notification = Pool().get('s2b2b.notification')
        Notification.notify([notify(p.s2b2b_sale.s2b2b_buyer, kind,
                    p.s2b2b_sale, message, order=p.s2b2b_sale.rec_name,
                    supplier=p.party.rec_name, **variables)
                for p in purchases if p.s2b2b_sale])

    def create_drop_shipment(self):
        shipment = super().create_drop_shipment()
        if self.s2b2b_supplier:
            today = Pool().get('ir.date').today()
            lines = [l.s2b2b_sale_line for l in self.lines
                if l.s2b2b_sale_line and l.s2b2b_sale_line.s2b2b_supplier]
            lead_time = max((l.s2b2b_lead_time for l in lines), default=0)
            shipment.s2b2b_supplier = self.s2b2b_supplier
            shipment.s2b2b_buyer = self.s2b2b_sale.s2b2b_buyer
            shipment.s2b2b_promised_date = max(
                [ordering.promised_date(today, lead_time)]
                + [l.s2b2b_delivery_date for l in lines
                    if l.s2b2b_delivery_date])
            shipment.planned_date = shipment.s2b2b_promised_date
        return shipment


class PurchaseLine(metaclass=PoolMeta):
    __name__ = 'purchase.line'

    s2b2b_sale_line = fields.Many2One(
        'sale.line', "Buyer Order Line", readonly=True, ondelete='RESTRICT')

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('s2b2b_sale_line')
        return super().copy(lines, default=default)


def _request_sale_line(request):
    "The platform order line a purchase request supplies, or None"
    lines = [l for l in request.sale_lines if l.s2b2b_supplier]
    return lines[0] if lines else None


class CreatePurchase(metaclass=PoolMeta):
    __name__ = 'purchase.request.create_purchase'

    @classmethod
    def _group_purchase_key(cls, requests, request):
        "One purchase per order and supplier"
        key = super()._group_purchase_key(requests, request)
        if line := _request_sale_line(request):
            key += (
                ('s2b2b_sale', line.sale),
                ('s2b2b_supplier', line.s2b2b_supplier),
                )
        return key

    def _group_purchase_line_key(self, request):
        "One purchase line per order line: each has its own price"
        key = super()._group_purchase_line_key(request)
        if line := _request_sale_line(request):
            key += (('s2b2b_sale_line', line),)
        return key

    @classmethod
    def compute_purchase_line(cls, key, requests, purchase):
        "The supplier's price is the buyer's less the commission"
        Configuration = Pool().get('s2b2b.configuration')
        line = super().compute_purchase_line(key, requests, purchase)
        sale_line = dict(key).get('s2b2b_sale_line')
        if sale_line:
            line.unit_price = ordering.supplier_price(sale_line.unit_price,
                Configuration(1).commission_percent)
            # a forward contract's call-off draws on its blanket agreement
            agreement_line = getattr(
                sale_line.s2b2b_origin, 'purchase_agreement_line', None)
            if agreement_line:
                line.blanket_agreement_line = agreement_line
        return line


class ShipmentDrop(metaclass=PoolMeta):
    __name__ = 'stock.shipment.drop'

    s2b2b_supplier = fields.Many2One(
        's2b2b.member', "Supplier Member", readonly=True,
        ondelete='RESTRICT')
    s2b2b_buyer = fields.Many2One(
        's2b2b.member', "Buyer Member", readonly=True, ondelete='RESTRICT')
    s2b2b_promised_date = fields.Date(
        "Promised Date", readonly=True,
        help="The date the supplier ships by: confirmation plus the "
        "listing's lead time.")
    s2b2b_carrier = fields.Char("Carrier", readonly=True)
    s2b2b_tracking_number = fields.Char("Tracking Number", readonly=True)
    s2b2b_shipped_by = fields.Many2One(
        'web.user', "Shipped by", readonly=True, ondelete='RESTRICT')
    s2b2b_received_by = fields.Many2One(
        'web.user', "Received by", readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.s2b2b_supplier, Index.Equality()),
                    where=t.s2b2b_supplier != None),  # noqa: E711
                Index(t, (t.s2b2b_buyer, Index.Equality()),
                    where=t.s2b2b_buyer != None),  # noqa: E711
                Index(t, (t.s2b2b_promised_date, Index.Range()),
                    where=t.state == 'waiting'),
                })

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default is not None else {}
        for name in ['s2b2b_carrier', 's2b2b_tracking_number',
                's2b2b_shipped_by', 's2b2b_received_by']:
            default.setdefault(name)
        return super().copy(shipments, default=default)

    @classmethod
    def s2b2b_ship(cls, shipments, web_user, carrier, tracking_number,
            quantities=None):
        """The supplier ships, in full or partly: quantities is {supplier
        move: quantity shipped} (moves left out ship in full); what is
        left goes to a new shipment that waits.  Return the shipped."""
        if not (carrier or '').strip() or not (tracking_number or '').strip():
            raise ShipmentQuantityError(
                gettext('s2b2b_procurement.msg_ship_tracking_required'))
        for shipment in shipments:
            check_member(web_user, shipment.s2b2b_supplier, SUPPLIER_ROLES,
                shipment)
        check_state(shipments, {'waiting'}, 'ship')
        quantities = {int(m): q for m, q in (quantities or {}).items()}
        with as_platform(shipments[0].company if shipments else None):
            shipments = cls.browse(shipments)
            cls._s2b2b_split_unshipped(shipments, quantities)
            shipments = cls.browse(shipments)
            cls.write(shipments, {
                    's2b2b_carrier': carrier.strip(),
                    's2b2b_tracking_number': tracking_number.strip(),
                    's2b2b_shipped_by': web_user.id if web_user else None,
                    })
            cls.ship(shipments)
            Pool().get('s2b2b.notification').notify([notify(
                        s.s2b2b_buyer, 'order.shipped', s,
                        'msg_order_shipped', shipment=s.rec_name,
                        supplier=s.supplier.rec_name,
                        carrier=s.s2b2b_carrier,
                        tracking_number=s.s2b2b_tracking_number)
                    for s in shipments if s.s2b2b_buyer])
            log('order.shipped', shipments, lambda s: s.s2b2b_supplier,
                lambda s: {'carrier': s.s2b2b_carrier,
                    'tracking_number': s.s2b2b_tracking_number,
                    'moves': [[m.product.rec_name, m.quantity]
                        for m in s.supplier_moves]})
        return shipments

    @classmethod
    def _s2b2b_split_unshipped(cls, shipments, quantities):
        """Split the moves shipped partly (stock_split: the customer moves
        follow) and put what is left in a copy of the shipment"""
        Move = Pool().get('stock.move')
        for shipment in shipments:
            moves = [m for m in shipment.supplier_moves
                if m.state != 'cancelled']
            try:
                plan = ordering.ship_plan(
                    [(m.id, m.quantity) for m in moves], quantities)
            except ValueError as error:
                raise ShipmentQuantityError(gettext(
                        f's2b2b_procurement.msg_ship_{error.args[0]}',
                        shipment=shipment.rec_name))
            left = []
            for move, (_, shipped, rest) in zip(moves, plan):
                if not rest:
                    continue
                if shipped:
                    _, *others = move.split(shipped, move.unit, count=1)
                    left.extend(others)
                else:
                    left.append(move)
            if left:
                cls._s2b2b_move_to_copy(shipment, Move.browse(left))

    @classmethod
    def _s2b2b_move_to_copy(cls, shipment, moves):
        "Move supplier moves and their customer moves to a waiting copy"
        Move = Pool().get('stock.move')
        rest, = cls.copy([shipment], default={'moves': None})
        Move.write(list(moves) + [d for m in moves for d in m.moves_drop],
            {'shipment': str(rest)})
        cls.wait([shipment, rest])

    @classmethod
    def s2b2b_receive(cls, shipments, web_user):
        "The buyer confirms receipt; the invoices are then posted (queued)"
        Sale = Pool().get('sale.sale')
        for shipment in shipments:
            check_member(web_user, shipment.s2b2b_buyer, RECEIPT_ROLES,
                shipment)
        check_state(shipments, {'shipped'}, 'receive')
        with as_platform(shipments[0].company if shipments else None):
            shipments = cls.browse(shipments)
            cls.write(shipments, {
                    's2b2b_received_by': web_user.id if web_user else None})
            cls.do(shipments)
            log('order.received', shipments, lambda s: s.s2b2b_buyer,
                _by(web_user))
            sales = list({m.sale for s in shipments for m in s.customer_moves
                    if m.sale})
        if sales:
            queue(Sale, 's2b2b_post_invoices', sales, sales[0].company)
