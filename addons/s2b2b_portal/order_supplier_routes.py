# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Supplier order pages under /<database>/portal/: the orders the
platform places with the supplier (its purchase.purchase), confirmed or
rejected, shipped in full or in part, and the buyers' change and return
requests decided.  Sales users and administrators act, every user reads.
"""
from trytond.protocols.wrappers import redirect

from . import order_views as views
from .catalog_routes import supplier_only
from .order_routes import form_number
from .portal import (
    SUPPLIER_NAVIGATION, done_messages, forbidden, not_found, page_route,
    render, submit_form)
from .procurement_routes import can, state_list, url
from .procurement_views import money, price, qty, when
from .routes import selection

PURCHASE_ACTIONS = {'confirm', 'reject'}
CHANGE_ACTIONS = {'accept', 'refuse'}
RETURN_ACTIONS = {'accept', 'refuse', 'receive'}

SUPPLIER_NAVIGATION.append(('purchase-orders', 'nav_ord_purchases', None))


@page_route('/purchase-orders', kind=supplier_only)
def purchase_orders(request, pool, user):
    Purchase = pool.get('purchase.purchase')
    states = [(s, l) for s, l in selection('purchase.purchase', 'state')
        if s in views.PURCHASE_STATES]
    listing = state_list(Purchase,
        [('s2b2b_supplier', '=', user.s2b2b_member.id)],
        {s: [('state', '=', s)] for s, _l in states}, request.args)
    return render(request, 'purchase_orders.html', user=user,
        active='purchase-orders', states=states,
        styles=views.PURCHASE_STYLES,
        purchases=[views.purchase_summary(p)
            for p in listing.pop('records')],
        money=money, when=when, **listing)


def purchase_values(request, user, purchase):
    return {'user': user, 'active': 'purchase-orders',
        'purchase': views.purchase_detail(purchase),
        'can_act': can(user, views.SUPPLIER_ROLES),
        'can_receive': can(user, views.SUPPLIER_ROLES | {'warehouse'}),
        'styles': views.PURCHASE_STYLES,
        'money': money, 'price': price, 'qty': qty, 'when': when,
        'messages': done_messages(request, 'ord_confirm', 'ord_reject',
            'ord_ship', 'ord_change_accept', 'ord_change_refuse',
            'ord_return_accept', 'ord_return_refuse',
            'ord_return_receive')}


@page_route('/purchase-orders/<record_id>', kind=supplier_only)
def purchase_order(request, pool, user, record_id):
    purchase = views.own_purchase(record_id)
    return render(request, 'purchase_order.html',
        **purchase_values(request, user, purchase))


def act_on(request, user, purchase, action, done):
    "Run action(); refused, the order page again with the reason"
    def act():
        action()
        return redirect(url(request,
                f'/purchase-orders/{purchase.id}?done={done}'))
    return submit_form(request, 'purchase_order.html', act,
        lambda: purchase_values(request, user, purchase))


@page_route('/purchase-orders/<record_id>/<action>',
    ['POST'], roles=views.SUPPLIER_ROLES, kind=supplier_only)
def purchase_act(request, pool, user, record_id, action):
    Purchase = pool.get('purchase.purchase')
    purchase = views.own_purchase(record_id)
    if action not in PURCHASE_ACTIONS:
        raise not_found()
    if action == 'confirm':
        def run():
            Purchase.s2b2b_confirm([purchase], user)
    else:
        def run():
            Purchase.s2b2b_reject([purchase], user,
                request.form.get('reason'))
    return act_on(request, user, purchase, run, f'ord_{action}')


def ship_quantities(form, shipment):
    "{supplier move id: quantity} typed as qty-<move id>"
    quantities = {}
    for move in shipment.supplier_moves:
        text = (form.get(f'qty-{move.id}') or '').strip()
        if text:
            value = form_number(text, 'quantity')
            quantities[move.id] = value if value is not None else -1
    return quantities


@page_route('/purchase-orders/<record_id>/shipments/<shipment_id>'
    '/ship', ['POST'], roles=views.SUPPLIER_ROLES, kind=supplier_only)
def shipment_ship(request, pool, user, record_id, shipment_id):
    Shipment = pool.get('stock.shipment.drop')
    purchase = views.own_purchase(record_id)
    shipment = views.purchase_shipment(purchase, shipment_id)
    form = request.form

    def run():
        Shipment.s2b2b_ship([shipment], user, form.get('carrier'),
            form.get('tracking_number'), ship_quantities(form, shipment))
    return act_on(request, user, purchase, run, 'ord_ship')


def decide(request, pool, user, record_id, request_id, action, model,
        actions, prefix):
    "Decide a buyer's change or return request on the supplier's order"
    Model = pool.get(model)
    purchase = views.own_purchase(record_id)
    record = views.purchase_record(purchase, model, request_id)
    if action not in actions:
        raise not_found()
    roles = views.SUPPLIER_ROLES | (
        {'warehouse'} if action == 'receive' else set())
    if not can(user, roles):
        raise forbidden()

    def run():
        if action == 'refuse':
            Model.refuse([record], user, request.form.get('reason'))
        else:
            getattr(Model, action)([record], user)
    return act_on(request, user, purchase, run, f'ord_{prefix}_{action}')


@page_route('/purchase-orders/<record_id>/changes/<request_id>'
    '/<action>', ['POST'], kind=supplier_only)
def change_decide(request, pool, user, record_id, request_id, action):
    return decide(request, pool, user, record_id, request_id, action,
        's2b2b.order.change', CHANGE_ACTIONS, 'change')


@page_route('/purchase-orders/<record_id>/returns/<request_id>'
    '/<action>', ['POST'], kind=supplier_only)
def return_decide(request, pool, user, record_id, request_id, action):
    return decide(request, pool, user, record_id, request_id, action,
        's2b2b.order.return', RETURN_ACTIONS, 'return')
