# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""What the order pages and API show, as plain values.

The order (``s2b2b.order``) or the supplier's purchase is fetched under
the member's rules first; what hangs on it — the sale, the other side's
documents, shipments, changes, returns, invoices — is then read without
the member rule (the buyer may not read the supplier's purchase lines,
which carry the shipped quantities), so the values are built here,
completely, before a page or a JSON body sees them.
"""
import json
from decimal import Decimal

from trytond.modules.s2b2b_platform.ir import requesting_member
from trytond.modules.s2b2b_platform.tenant import get_record
from trytond.modules.s2b2b_procurement.change import shipped_quantity
from trytond.modules.s2b2b_procurement.returns import received_quantity
from trytond.pool import Pool
from trytond.transaction import without_check_access

from .portal import _
from .procurement_views import not_found

BUYER_ROLES = {'admin', 'purchaser'}
APPROVER_ROLES = {'approver'}
RECEIPT_ROLES = {'admin', 'purchaser', 'warehouse'}
SUPPLIER_ROLES = {'admin', 'sales'}
# The buyer's view of an order: status → domain on s2b2b.order
STATUSES = ['received', 'waiting', 'processing', 'done', 'cancelled']
STATUS_STYLES = {'received': 'info', 'waiting': 'warning',
    'processing': 'primary', 'done': 'success', 'cancelled': 'light',
    'refused': 'danger'}
PURCHASE_STATES = ['quotation', 'processing', 'done', 'cancelled']
PURCHASE_STYLES = {'draft': 'secondary', 'quotation': 'warning',
    'confirmed': 'primary', 'processing': 'primary', 'done': 'success',
    'cancelled': 'light'}
OPEN_PURCHASE = {'quotation', 'processing'}
CENT = Decimal('0.01')


def status_domain(status):
    return {
        'received': [['OR', ('state', '=', 'received'),
                [('sale.state', '=', 'draft'),
                    ('sale.s2b2b_approval', 'in', [None, 'approved'])]]],
        'waiting': [('sale.state', '=', 'draft'),
            ('sale.s2b2b_approval', '=', 'waiting')],
        'processing': [('sale.state', 'in',
                ['quotation', 'confirmed', 'processing'])],
        'done': [('sale.state', '=', 'done')],
        'cancelled': [('sale.state', '=', 'cancelled')],
        }[status]


def status_labels():
    return [(s, _(f'ord_status_{s}')) for s in STATUSES]


def order_status(sale):
    "The buyer's status of an order of this sale (None: not made yet)"
    if sale is None:
        return 'received'
    if sale.state == 'cancelled':
        return 'refused' if sale.s2b2b_approval == 'refused' \
            else 'cancelled'
    if sale.state == 'draft':
        return 'waiting' if sale.s2b2b_approval == 'waiting' \
            else 'received'
    return 'done' if sale.state == 'done' else 'processing'


def own_order(record_id):
    "The order of the requesting buyer"
    order = get_record('s2b2b.order', record_id)
    if order.buyer.id != requesting_member():
        raise not_found('s2b2b.order')
    return order


def own_purchase(record_id):
    "An order of the requesting supplier (its purchase.purchase)"
    purchase = get_record('purchase.purchase', record_id)
    if not purchase.s2b2b_supplier \
            or purchase.s2b2b_supplier.id != requesting_member():
        raise not_found('purchase.purchase')
    return purchase


def state_label(record):
    "The translated state of a Tryton document"
    selection = record.fields_get(['state'])['state']['selection']
    return dict(selection).get(record.state, record.state)


def supplier_name(member):
    "A supplier's name: the member rule lets a member read itself only"
    with without_check_access():
        return Pool().get('s2b2b.member')(member.id).rec_name


def _name(record):
    return record.rec_name if record else None


def order_summary(order):
    "An order as the list shows it"
    with without_check_access():
        sale = order.sale
        status = order_status(sale)
        return {'id': order.id, 'number': sale.number if sale else None,
            'reference': order.reference, 'created': order.create_date,
            'amount': _cents(order.amount), 'currency': _currency(sale),
            'status': status, 'status_string': _(f'ord_status_{status}'),
            'state': order.state,
            'suppliers': sorted({l.s2b2b_supplier.rec_name
                    for l in sale.lines if l.s2b2b_supplier} if sale else [])}


def _cents(value):
    "SQLite keeps no scale: amounts as the currency's cents"
    return Decimal(value).quantize(CENT) if value is not None else None


def _currency(sale):
    Company = Pool().get('company.company')
    if sale:
        return sale.currency.code
    companies = Company.search([], limit=1)
    return companies[0].currency.code if companies else ''


def order_detail(order):
    "Everything the buyer's order page and GET /orders/{id} show"
    with without_check_access():
        order = Pool().get('s2b2b.order')(order.id)
        sale = order.sale
        data = {**order_summary(order),
            'delivery': _name(order.delivery),
            'ordered_by': order.requested_by.email
            if order.requested_by else None,
            'approval': sale.s2b2b_approval if sale else None,
            'refusal_reason': sale.s2b2b_refusal_reason if sale else None,
            'lines': [], 'suppliers': [], 'changes': [], 'returns': [],
            'invoices': []}
        if sale is None:
            data['lines'] = _received_lines(order)
            return data
        data.update(lines=[_sale_line(l) for l in sale.lines
                if l.type == 'line'],
            suppliers=[_purchase(p) for p in sorted(
                    sale.s2b2b_purchases, key=lambda p: p.id)],
            changes=[change_json(c) for c in sale.s2b2b_changes],
            returns=[return_json(r) for r in _returns([('sale', '=', sale.id)])],
            invoices=[_invoice(i) for i in sale.invoices
                if i.state in {'posted', 'paid'}
                # the period's consolidated invoice, still open
                or (i.state == 'draft' and i.s2b2b_billing_end)])
        shipped = any(l['shipped'] for l in data['lines'])
        data['can_cancel'] = sale.state in {'draft', 'processing'} \
            and not shipped
        return data


def _received_lines(order):
    "The lines of an order whose sale is not made yet"
    pool = Pool()
    Listing = pool.get('s2b2b.listing')
    ContractLine = pool.get('s2b2b.contract.line')
    rows = []
    for line in json.loads(order.lines):
        if line['listing'] is not None:
            listing = Listing(line['listing'])
            name, supplier, unit = (listing.rec_name, listing.supplier,
                listing.uom)
        else:
            # a contract line without listing (origin 'model,id')
            origin = ContractLine(int(line['origin'].split(',')[1]))
            name, supplier, unit = (origin.description,
                origin.contract.supplier, origin.uom)
        rows.append({'id': None, 'listing': line['listing'], 'name': name,
                'supplier': supplier.rec_name, 'quantity': line['quantity'],
                'unit': unit.symbol, 'unit_price': None, 'amount': None,
                'shipped': 0, 'received': 0, 'returnable': 0,
                'cancelled': False, 'can_cancel': False,
                'can_change': False})
    return rows


def _sale_line(line):
    purchase_line = line.s2b2b_purchase_line
    purchase = purchase_line.purchase if purchase_line else None
    shipped = shipped_quantity(line)
    received = received_quantity(line)
    returned = sum(r.quantity for r in _returns(
            [('line', '=', line.id), ('state', '!=', 'refused')]))
    pending = any(c.state == 'requested' for c in line.sale.s2b2b_changes
        if c.line == line)
    open_ = (line.sale.state == 'processing' and purchase is not None
        and purchase.state in OPEN_PURCHASE and not line.s2b2b_cancelled)
    listing = line.s2b2b_listing
    return {'id': line.id, 'listing': listing.id if listing else None,
        'name': listing.rec_name if listing else line.description,
        'supplier': (line.s2b2b_supplier.rec_name
            if line.s2b2b_supplier else None),
        'quantity': line.quantity, 'unit': line.unit.symbol,
        'unit_price': line.unit_price, 'amount': _cents(line.amount),
        'delivery_date': line.s2b2b_delivery_date,
        'shipped': shipped, 'received': received,
        'returnable': max(received - returned, 0),
        'cancelled': bool(line.s2b2b_cancelled),
        'can_cancel': open_ and not shipped,
        'can_change': open_ and not shipped and not pending,
        'moq': listing.moq if listing else None,
        'multiple': listing.order_multiple if listing else None}


def _purchase(purchase):
    return {'id': purchase.id, 'number': purchase.number,
        'supplier': purchase.s2b2b_supplier.rec_name
        if purchase.s2b2b_supplier else purchase.party.rec_name,
        'state': purchase.state, 'state_string': state_label(purchase),
        'confirm_due': purchase.s2b2b_confirm_due,
        'reject_reason': purchase.s2b2b_reject_reason,
        'shipments': [_shipment(s, s.customer_moves)
            for s in sorted(purchase.drop_shipments, key=lambda s: s.id)]}


def _shipment(shipment, moves):
    return {'id': shipment.id, 'number': shipment.number,
        'state': shipment.state, 'state_string': state_label(shipment),
        'carrier': shipment.s2b2b_carrier,
        'tracking_number': shipment.s2b2b_tracking_number,
        'promised_date': shipment.s2b2b_promised_date,
        'moves': [{'id': m.id, 'product': m.product.rec_name,
                'quantity': m.quantity, 'unit': m.unit.symbol}
            for m in moves if m.state != 'cancelled']}


def change_json(change):
    return {'id': change.id, 'line': change.line.id,
        'line_name': change.line.rec_name, 'quantity': change.quantity,
        'new_quantity': change.new_quantity, 'new_date': change.new_date,
        'reason': change.reason, 'state': change.state,
        'state_string': change.state_string,
        'refusal_reason': change.refusal_reason}


def _returns(domain):
    return Pool().get('s2b2b.order.return').search(domain)


def return_json(record):
    return {'id': record.id, 'line': record.line.id,
        'line_name': record.line.rec_name, 'quantity': record.quantity,
        'reason': record.reason, 'state': record.state,
        'state_string': record.state_string,
        'refusal_reason': record.refusal_reason}


def _invoice(invoice):
    return {'id': invoice.id, 'number': invoice.number,
        'date': invoice.invoice_date, 'total': _cents(invoice.total_amount),
        'state': invoice.state, 'state_string': state_label(invoice),
        'credit_note': invoice.total_amount < 0,
        'period': ((invoice.s2b2b_billing_start, invoice.s2b2b_billing_end)
            if invoice.s2b2b_billing_end else None)}


# The supplier's side

def purchase_summary(purchase):
    with without_check_access():
        sale = purchase.s2b2b_sale
        return {'id': purchase.id, 'number': purchase.number,
            'buyer': sale.s2b2b_buyer.rec_name if sale else None,
            'state': purchase.state, 'state_string': state_label(purchase),
            'created': purchase.create_date,
            'confirm_due': purchase.s2b2b_confirm_due,
            'amount': _cents(purchase.total_amount),
            'currency': purchase.currency.code}


def purchase_detail(purchase):
    "Everything the supplier's order page and its API show"
    pool = Pool()
    Change = pool.get('s2b2b.order.change')
    with without_check_access():
        purchase = pool.get('purchase.purchase')(purchase.id)
        sale = purchase.s2b2b_sale
        member = purchase.s2b2b_supplier.id
        domain = [('sale', '=', sale.id if sale else -1),
            ('supplier', '=', member)]
        return {**purchase_summary(purchase),
            'delivery': _name(sale.shipment_address) if sale else None,
            'reject_reason': purchase.s2b2b_reject_reason,
            'lines': [{'id': l.id, 'product': l.product.rec_name
                    if l.product else l.description,
                    'quantity': l.quantity, 'unit': l.unit.symbol,
                    'unit_price': l.unit_price, 'amount': _cents(l.amount)}
                for l in purchase.lines if l.type == 'line'],
            'shipments': [_shipment(s, s.supplier_moves)
                for s in sorted(purchase.drop_shipments,
                    key=lambda s: s.id)],
            'changes': [change_json(c) for c in Change.search(domain)],
            'returns': [return_json(r) for r in _returns(domain)]}


def purchase_shipment(purchase, shipment_id):
    "A drop shipment of the supplier's purchase, else 404"
    shipment = get_record('stock.shipment.drop', shipment_id)
    with without_check_access():
        if shipment not in Pool().get('purchase.purchase')(
                purchase.id).drop_shipments:
            raise not_found('stock.shipment.drop')
    return shipment


def order_shipment(order, shipment_id):
    "A drop shipment of the buyer's order, else 404"
    shipment = get_record('stock.shipment.drop', shipment_id)
    with without_check_access():
        sale = Pool().get('s2b2b.order')(order.id).sale
        shipments = {s for p in (sale.s2b2b_purchases if sale else [])
            for s in p.drop_shipments}
    if shipment not in shipments:
        raise not_found('stock.shipment.drop')
    return shipment


def order_line(order, line_id):
    "A line of the buyer's order, else 404"
    SaleLine = Pool().get('sale.line')
    try:
        line_id = int(line_id)
    except (TypeError, ValueError):
        raise not_found('sale.line')
    with without_check_access():
        sale = Pool().get('s2b2b.order')(order.id).sale
        if sale is None or line_id not in {l.id for l in sale.lines}:
            raise not_found('sale.line')
    return SaleLine(line_id)


def purchase_record(purchase, model, record_id):
    "A change or return of the supplier's purchase, else 404"
    record = get_record(model, record_id)
    with without_check_access():
        purchase = Pool().get('purchase.purchase')(purchase.id)
        if record.supplier != purchase.s2b2b_supplier \
                or record.sale != purchase.s2b2b_sale:
            raise not_found(model)
    return record


def member_shipment(shipment_id, side):
    "A drop shipment of the requesting member on side (s2b2b_buyer...)"
    shipment = get_record('stock.shipment.drop', shipment_id)
    member = getattr(shipment, side)
    if not member or member.id != requesting_member():
        raise not_found('stock.shipment.drop')
    return shipment


def shipment_json(shipment):
    with without_check_access():
        shipment = Pool().get('stock.shipment.drop')(shipment.id)
        return _shipment(shipment, shipment.supplier_moves)
