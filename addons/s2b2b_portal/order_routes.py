# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Buyer order pages under /<database>/portal/: the cart, checkout and
the follow-up of orders (approval, suppliers' confirmations, shipments,
receipt, cancellation, changes, returns, invoices).

Rules stay in s2b2b_procurement (cart.py, intake.py, order.py, change.py,
returns.py); these handlers read forms, call them inside the member's
request and render.  Purchasers and administrators order, approvers
approve, the warehouse confirms receipts, every user reads.
"""
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.s2b2b_platform.tenant import get_record
from trytond.pool import Pool
from trytond.protocols.wrappers import redirect

from . import order_views as views
from .catalog_search_routes import buyer_member, visible_listing
from .portal import (
    BUYER_NAVIGATION, NAV_COUNTS, _, done_messages, not_found, page_route,
    render, require_role, submit_form)
from .procurement_routes import buyer_only, can, state_list, url
from .procurement_views import money, price, qty, when
from .routes import parse_date

ORDER_ACTIONS = {'approve': views.APPROVER_ROLES,
    'refuse': views.APPROVER_ROLES, 'cancel': views.BUYER_ROLES}
LINE_ACTIONS = {'cancel', 'change', 'return'}

BUYER_NAVIGATION.extend([
        ('cart', 'nav_ord_cart', views.BUYER_ROLES),
        ('orders', 'nav_ord_orders', None),
        ])


def cart_count(user):
    if not user.s2b2b_member.is_buyer:
        return 0
    return Pool().get('s2b2b.cart.line').count_of(user)


NAV_COUNTS['cart'] = cart_count


def form_number(text, name):
    "A quantity typed in a form; the cart model refuses what is not one"
    text = (text or '').strip().replace(',', '')
    try:
        return float(text)
    except ValueError:
        return None


# --- Cart ----------------------------------------------------------------

@page_route('/catalog/<record_id>/cart', ['POST'], roles=views.BUYER_ROLES)
def cart_add(request, pool, user, record_id):
    CartLine = pool.get('s2b2b.cart.line')
    buyer_member(user)
    listing = visible_listing(record_id)
    CartLine.add(user, listing,
        form_number(request.form.get('quantity'), 'quantity'))
    return redirect(url(request, '/cart?done=ord_cart_added'))


def cart_values(request, user, form=None):
    "What the cart page shows"
    pool = Pool()
    CartLine = pool.get('s2b2b.cart.line')
    lines = CartLine.lines_of(user)
    problems = CartLine.problems(lines) if lines else {}
    suppliers, rows = {}, []
    for line in lines:
        listing = line.listing
        unit_price = line.unit_price
        amount = (Decimal(str(line.quantity)) * unit_price
            if unit_price is not None else None)
        row = {'line': line, 'listing': listing, 'unit_price': unit_price,
            'amount': amount, 'problems': problems.get(line, []),
            'currency': listing.currency.symbol or listing.currency.code}
        rows.append(row)
        group = suppliers.setdefault(listing.supplier.id, {
                'name': views.supplier_name(listing.supplier),
                'rows': [], 'subtotal': Decimal(0)})
        group['rows'].append(row)
        group['subtotal'] += amount or 0
    party = user.s2b2b_member.party
    default = party.address_get(type='delivery')
    form = form or {'delivery': str(default.id) if default else '',
        'reference': ''}
    return {'user': user, 'active': 'cart', 'suppliers': list(
            suppliers.values()), 'rows': rows,
        'total': sum((r['amount'] or 0 for r in rows), Decimal(0)),
        'addresses': [(a.id, a.full_address.replace('\n', ', ')
                or a.rec_name) for a in party.addresses],
        'form': form, 'money': money, 'price': price, 'qty': qty,
        'messages': done_messages(request, 'ord_cart_added',
            'ord_cart_updated', 'ord_cart_removed')}


@page_route('/cart', ['GET', 'POST'], roles=views.BUYER_ROLES, kind=buyer_only)
def cart(request, pool, user):
    "The cart; a POST sets the quantities typed (quantity-<line id>)"
    CartLine = pool.get('s2b2b.cart.line')
    if request.method == 'GET':
        return render(request, 'cart.html', **cart_values(request, user))

    def update():
        for line in CartLine.lines_of(user):
            text = request.form.get(f'quantity-{line.id}')
            if text is not None:
                CartLine.set_quantity([line], user,
                    form_number(text, 'quantity'))
        return redirect(url(request, '/cart?done=ord_cart_updated'))
    return submit_form(request, 'cart.html', update,
        lambda: cart_values(request, user))


def own_cart_line(user, record_id):
    CartLine = Pool().get('s2b2b.cart.line')
    line = get_record('s2b2b.cart.line', record_id)
    if line.web_user.id != user.id:
        raise not_found()
    return CartLine(line.id)


@page_route('/cart/<record_id>/remove',
    ['POST'], roles=views.BUYER_ROLES, kind=buyer_only)
def cart_remove(request, pool, user, record_id):
    CartLine = pool.get('s2b2b.cart.line')
    CartLine.remove([own_cart_line(user, record_id)], user)
    return redirect(url(request, '/cart?done=ord_cart_removed'))


@page_route('/cart/checkout',
    ['POST'], roles=views.BUYER_ROLES, kind=buyer_only)
def checkout(request, pool, user):
    "Place the order of the cart; refused, the cart shows why, unchanged"
    CartLine = pool.get('s2b2b.cart.line')
    form = {'delivery': (request.form.get('delivery') or '').strip(),
        'reference': (request.form.get('reference') or '').strip()}

    def place():
        delivery = delivery_address(user, form['delivery'])
        order = CartLine.checkout(user, delivery=delivery,
            reference=form['reference'])
        return redirect(url(request, f'/orders/{order.id}?done=ord_placed'))
    return submit_form(request, 'cart.html', place,
        lambda: cart_values(request, user, form))


def delivery_address(user, text):
    "An address of the buyer's party (404 for another one), None: default"
    if not text:
        return None
    addresses = {a.id: a for a in user.s2b2b_member.party.addresses}
    try:
        return addresses[int(text)]
    except (KeyError, ValueError):
        raise not_found()


# --- Orders --------------------------------------------------------------

@page_route('/orders', kind=buyer_only)
def orders(request, pool, user):
    Order = pool.get('s2b2b.order')
    listing = state_list(Order, [('buyer', '=', user.s2b2b_member.id)],
        {s: views.status_domain(s) for s in views.STATUSES},
        request.args)
    return render(request, 'orders.html', user=user, active='orders',
        states=views.status_labels(), styles=views.STATUS_STYLES,
        orders=[views.order_summary(o) for o in listing.pop('records')],
        money=money, when=when, **listing)


def order_values(request, user, order):
    return {'user': user, 'active': 'orders',
        'order': views.order_detail(order),
        'can_order': can(user, views.BUYER_ROLES),
        'can_approve': can(user, views.APPROVER_ROLES),
        'can_receive': can(user, views.RECEIPT_ROLES),
        'styles': views.STATUS_STYLES,
        'purchase_styles': views.PURCHASE_STYLES,
        'money': money, 'price': price, 'qty': qty, 'when': when,
        'messages': done_messages(request, 'ord_placed', 'ord_approve',
            'ord_refuse', 'ord_cancel', 'ord_line_cancel',
            'ord_line_change', 'ord_line_return', 'ord_receive')}


@page_route('/orders/<record_id>', kind=buyer_only)
def order_page(request, pool, user, record_id):
    order = views.own_order(record_id)
    return render(request, 'order.html',
        **order_values(request, user, order))


def _sale(order):
    Sale = Pool().get('sale.sale')
    sale = Pool().get('s2b2b.order')(order.id).sale
    if sale is None:
        # Not made yet: nothing can be decided on it
        raise UserError(_('ord_being_processed'))
    return Sale(sale.id)


def order_action(request, user, order, action):
    Sale = Pool().get('sale.sale')
    reason = request.form.get('reason')
    sales = [_sale(order)]
    if action == 'approve':
        Sale.s2b2b_approve(sales, user)
    elif action == 'refuse':
        Sale.s2b2b_refuse(sales, user, reason)
    else:
        Sale.s2b2b_cancel(sales, user, reason)


@page_route('/orders/<record_id>/<action>', ['POST'], kind=buyer_only)
def order_act(request, pool, user, record_id, action):
    order = views.own_order(record_id)
    if action not in ORDER_ACTIONS:
        raise not_found()
    require_role(user, *ORDER_ACTIONS[action])

    def act():
        order_action(request, user, order, action)
        return redirect(url(request,
                f'/orders/{order.id}?done=ord_{action}'))
    return submit_form(request, 'order.html', act,
        lambda: order_values(request, user, order))


def line_action(request, user, line, action):
    pool = Pool()
    SaleLine = pool.get('sale.line')
    form = request.form
    reason = form.get('reason')
    if action == 'cancel':
        SaleLine.s2b2b_cancel([line], user, reason)
    elif action == 'change':
        pool.get('s2b2b.order.change').request(line, user, reason,
            quantity=form_number(form.get('quantity'), 'quantity')
            if (form.get('quantity') or '').strip() else None,
            date=parse_date(form.get('date')))
    else:
        pool.get('s2b2b.order.return').request(line, user,
            form_number(form.get('quantity'), 'quantity'), reason)


@page_route('/orders/<record_id>/lines/<line_id>/<action>',
    ['POST'], roles=views.BUYER_ROLES, kind=buyer_only)
def order_line_act(request, pool, user, record_id, line_id, action):
    order = views.own_order(record_id)
    line = views.order_line(order, line_id)
    if action not in LINE_ACTIONS:
        raise not_found()

    def act():
        line_action(request, user, line, action)
        return redirect(url(request,
                f'/orders/{order.id}?done=ord_line_{action}'))
    return submit_form(request, 'order.html', act,
        lambda: order_values(request, user, order))


@page_route('/orders/<record_id>/shipments/<shipment_id>/receive',
    ['POST'], roles=views.RECEIPT_ROLES, kind=buyer_only)
def shipment_receive(request, pool, user, record_id, shipment_id):
    Shipment = pool.get('stock.shipment.drop')
    order = views.own_order(record_id)
    shipment = views.order_shipment(order, shipment_id)

    def act():
        Shipment.s2b2b_receive([shipment], user)
        return redirect(url(request,
                f'/orders/{order.id}?done=ord_receive'))
    return submit_form(request, 'order.html', act,
        lambda: order_values(request, user, order))
