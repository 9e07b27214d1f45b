# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The order endpoints of the member API v1: a buyer's orders (intake,
approval, cancellation, changes, returns, receipts) and a supplier's
incoming orders (confirmation, shipment, decisions on changes and
returns).

Same decorator stack and error format as procurement_api.py;
order_openapi.py describes every route.  Acting in the name of the key's
creator, whose roles the order rules check; what they refuse answers 422
with their message, other members' ids 404 like unknown ones.
"""
from trytond.pool import Pool
from trytond.protocols.wrappers import HTTPStatus

from . import order_views as views
from .api import (
    check_fields, created, date, error, invalid, paginate, read_json, text)
from .catalog_api import route
from .portal import json_response
from .procurement_api import positive, refusals

READ, WRITE = 'orders:read', 'orders:write'
ORDER_FIELDS = {'lines', 'delivery_address', 'reference'}
LINE_FIELDS = {'listing', 'quantity'}
MAX_LINES = 200


def _member(key):
    return Pool().get('s2b2b.member')(key.member.id)


def require_buyer(key):
    if not _member(key).is_buyer:
        raise error(HTTPStatus.FORBIDDEN, 'not_buyer', 'api_ord_not_buyer')


def require_supplier(key):
    if not _member(key).is_supplier:
        raise error(HTTPStatus.FORBIDDEN, 'not_supplier',
            'api_ord_not_supplier')


def reason(payload):
    return text(payload, 'reason', size=2000)


def body(request, fields):
    payload = read_json(request)
    check_fields(payload, fields)
    return payload


def order_lines(payload):
    "The [{listing, quantity}] of the body; the intake checks the rest"
    lines = payload.get('lines')
    if not isinstance(lines, list) or not 0 < len(lines) <= MAX_LINES:
        raise invalid('lines', 'api_field_required' if not lines
            else 'api_field_invalid')
    values = []
    for line in lines:
        if not isinstance(line, dict):
            raise invalid('lines')
        check_fields(line, LINE_FIELDS)
        listing = line.get('listing')
        if not isinstance(listing, int) or isinstance(listing, bool) \
                or not 0 < listing < 2 ** 63:
            raise invalid('listing')
        values.append({'listing': listing,
                'quantity': positive(line, 'quantity', required=True)})
    return values


def delivery(payload):
    value = payload.get('delivery_address')
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise invalid('delivery_address')
    return value


# Buyer

@route('/orders', ['POST'], WRITE)
def order_create(request, pool, key):
    """The intake: checked, stock taken, recorded and queued in one
    transaction; the answer is only what the caller needs to follow it"""
    Order = pool.get('s2b2b.order')
    payload = body(request, ORDER_FIELDS)
    lines = order_lines(payload)
    with refusals():
        order = Order.place(key.member.id, lines,
            requested_by=key.created_by, delivery=delivery(payload),
            reference=text(payload, 'reference'))
    return created(request, {'id': order.id, 'state': order.state},
        f'/orders/{order.id}')


def status_filter(request):
    status = request.args.get('status')
    if status is None:
        return []
    if status not in views.STATUSES:
        raise invalid('status')
    return views.status_domain(status)


@route('/orders', ['GET'], READ)
def orders_list(request, pool, key):
    Order = pool.get('s2b2b.order')
    require_buyer(key)
    return paginate(request, Order, [('buyer', '=', key.member.id)]
        + status_filter(request), views.order_summary,
        order=[('id', 'DESC')])


def own_order(key, order_id):
    require_buyer(key)
    return views.own_order(order_id)


def order_response(order):
    return json_response(views.order_detail(order))


@route('/orders/<int:order_id>', ['GET'], READ)
def order_get(request, pool, key, order_id):
    return order_response(own_order(key, order_id))


def order_sale(order):
    "The sale of an order; one not made yet cannot be acted on"
    Sale = Pool().get('sale.sale')
    sale = Pool().get('s2b2b.order')(order.id).sale
    if sale is None:
        raise error(HTTPStatus.UNPROCESSABLE_ENTITY, 'refused',
            'ord_being_processed')
    return Sale(sale.id)


@route('/orders/<int:order_id>/approve', ['POST'], WRITE)
def order_approve(request, pool, key, order_id):
    Sale = pool.get('sale.sale')
    order = own_order(key, order_id)
    with refusals():
        Sale.s2b2b_approve([order_sale(order)], key.created_by)
    return order_response(order)


@route('/orders/<int:order_id>/refuse', ['POST'], WRITE)
def order_refuse(request, pool, key, order_id):
    Sale = pool.get('sale.sale')
    order = own_order(key, order_id)
    payload = body(request, {'reason'})
    with refusals():
        Sale.s2b2b_refuse([order_sale(order)], key.created_by,
            reason(payload))
    return order_response(order)


@route('/orders/<int:order_id>/cancel', ['POST'], WRITE)
def order_cancel(request, pool, key, order_id):
    Sale = pool.get('sale.sale')
    order = own_order(key, order_id)
    payload = body(request, {'reason'})
    with refusals():
        Sale.s2b2b_cancel([order_sale(order)], key.created_by,
            reason(payload))
    return order_response(order)


def own_line(key, line_id):
    "An order line of the buyer, through its order"
    Order = Pool().get('s2b2b.order')
    require_buyer(key)
    orders = Order.search([('buyer', '=', key.member.id),
            ('sale.lines', '=', line_id)], limit=1)
    if not orders:
        raise views.not_found('sale.line')
    return orders[0], views.order_line(orders[0], line_id)


@route('/order-lines/<int:line_id>/changes', ['POST'], WRITE)
def line_change(request, pool, key, line_id):
    Change = pool.get('s2b2b.order.change')
    order, line = own_line(key, line_id)
    payload = body(request, {'quantity', 'date', 'reason'})
    with refusals():
        change = Change.request(line, key.created_by, reason(payload),
            quantity=positive(payload, 'quantity'),
            date=date(payload, 'date'))
    return created(request, views.change_json(change),
        f'/orders/{order.id}')


@route('/order-lines/<int:line_id>/returns', ['POST'], WRITE)
def line_return(request, pool, key, line_id):
    Return = pool.get('s2b2b.order.return')
    order, line = own_line(key, line_id)
    payload = body(request, {'quantity', 'reason'})
    with refusals():
        record = Return.request(line, key.created_by,
            positive(payload, 'quantity', required=True), reason(payload))
    return created(request, views.return_json(record),
        f'/orders/{order.id}')


@route('/shipments/<int:shipment_id>/receive', ['POST'], WRITE)
def shipment_receive(request, pool, key, shipment_id):
    Shipment = pool.get('stock.shipment.drop')
    require_buyer(key)
    shipment = views.member_shipment(shipment_id, 's2b2b_buyer')
    with refusals():
        Shipment.s2b2b_receive([shipment], key.created_by)
    return json_response(views.shipment_json(shipment))


# Supplier

@route('/purchase-orders', ['GET'], READ)
def purchases_list(request, pool, key):
    Purchase = pool.get('purchase.purchase')
    require_supplier(key)
    state = request.args.get('state')
    if state is not None and state not in views.PURCHASE_STATES:
        raise invalid('state')
    return paginate(request, Purchase,
        [('s2b2b_supplier', '=', key.member.id)]
        + ([('state', '=', state)] if state else []),
        views.purchase_summary, order=[('id', 'DESC')])


def own_purchase(key, purchase_id):
    require_supplier(key)
    return views.own_purchase(purchase_id)


def purchase_response(purchase):
    return json_response(views.purchase_detail(purchase))


@route('/purchase-orders/<int:purchase_id>', ['GET'], READ)
def purchase_get(request, pool, key, purchase_id):
    return purchase_response(own_purchase(key, purchase_id))


@route('/purchase-orders/<int:purchase_id>/confirm', ['POST'], WRITE)
def purchase_confirm(request, pool, key, purchase_id):
    Purchase = pool.get('purchase.purchase')
    purchase = own_purchase(key, purchase_id)
    with refusals():
        Purchase.s2b2b_confirm([purchase], key.created_by)
    return purchase_response(purchase)


@route('/purchase-orders/<int:purchase_id>/reject', ['POST'], WRITE)
def purchase_reject(request, pool, key, purchase_id):
    Purchase = pool.get('purchase.purchase')
    purchase = own_purchase(key, purchase_id)
    payload = body(request, {'reason'})
    with refusals():
        Purchase.s2b2b_reject([purchase], key.created_by, reason(payload))
    return purchase_response(purchase)


def ship_quantities(payload, shipment):
    "{supplier move: quantity} of the body's [{move, quantity}]"
    moves = {m.id for m in shipment.supplier_moves}
    quantities = {}
    for item in payload.get('moves') or []:
        if not isinstance(item, dict) or item.get('move') not in moves:
            raise invalid('moves')
        check_fields(item, {'move', 'quantity'})
        quantities[item['move']] = positive(item, 'quantity', required=True)
    return quantities


@route('/shipments/<int:shipment_id>/ship', ['POST'], WRITE)
def shipment_ship(request, pool, key, shipment_id):
    Shipment = pool.get('stock.shipment.drop')
    require_supplier(key)
    shipment = views.member_shipment(shipment_id, 's2b2b_supplier')
    payload = body(request, {'carrier', 'tracking_number', 'moves'})
    if not isinstance(payload.get('moves', []), list):
        raise invalid('moves')
    quantities = ship_quantities(payload, shipment)
    with refusals():
        shipped = Shipment.s2b2b_ship([shipment], key.created_by,
            text(payload, 'carrier', required=True),
            text(payload, 'tracking_number', required=True), quantities)
    return json_response({'items': [views.shipment_json(s)
                for s in Shipment.browse(shipped)]})


def supplier_request(key, model, record_id):
    require_supplier(key)
    record = views.get_record(model, record_id)
    if record.supplier.id != key.member.id:
        raise views.not_found(model)
    return record


@route('/order-changes/<int:change_id>/accept', ['POST'], WRITE)
def change_accept(request, pool, key, change_id):
    Change = pool.get('s2b2b.order.change')
    change = supplier_request(key, 's2b2b.order.change', change_id)
    with refusals():
        Change.accept([change], key.created_by)
    return json_response(views.change_json(Change(change.id)))


@route('/order-changes/<int:change_id>/refuse', ['POST'], WRITE)
def change_refuse(request, pool, key, change_id):
    Change = pool.get('s2b2b.order.change')
    change = supplier_request(key, 's2b2b.order.change', change_id)
    payload = body(request, {'reason'})
    with refusals():
        Change.refuse([change], key.created_by, reason(payload))
    return json_response(views.change_json(Change(change.id)))


def return_action(pool, key, return_id, action, *args):
    Return = pool.get('s2b2b.order.return')
    record = supplier_request(key, 's2b2b.order.return', return_id)
    with refusals():
        getattr(Return, action)([record], key.created_by, *args)
    return json_response(views.return_json(Return(record.id)))


@route('/order-returns/<int:return_id>/accept', ['POST'], WRITE)
def return_accept(request, pool, key, return_id):
    return return_action(pool, key, return_id, 'accept')


@route('/order-returns/<int:return_id>/refuse', ['POST'], WRITE)
def return_refuse(request, pool, key, return_id):
    payload = body(request, {'reason'})
    return return_action(pool, key, return_id, 'refuse', reason(payload))


@route('/order-returns/<int:return_id>/receive', ['POST'], WRITE)
def return_receive(request, pool, key, return_id):
    return return_action(pool, key, return_id, 'receive')
