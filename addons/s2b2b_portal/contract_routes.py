# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Contract pages under /<database>/portal/contracts, for both sides:
the list and each contract (parties with their 统一社会信用代码, lines,
totals, terms, state, signatures), its PDF, signing with the password
entered again, the verification of its signatures and, for spot
contracts the buyer's order at the agreed prices, for forward contracts
the call-off schedule the buyer may call off early.

Rules stay in s2b2b_procurement (contract.py, signing.py): a refused
signature changes nothing, the page says why.
"""
from trytond.pool import Pool
from trytond.protocols.wrappers import Response, redirect

from . import document_views as docs
from . import procurement_views as views
from .portal import (
    NAVIGATION, done_messages, not_found, page_route, render,
    require_role, submit_form)
from .procurement_routes import can, state_list, url
from .routes import selection

PORTAL = '/<database_name>/portal'

NAVIGATION.append(('contracts', 'nav_dc_contracts', None))


def member_domain(user):
    member = user.s2b2b_member.id
    return [['OR', ('buyer', '=', member), ('supplier', '=', member)]]


@page_route('/contracts')
def contracts(request, pool, user):
    Contract = pool.get('s2b2b.contract')
    listing = state_list(Contract, member_domain(user),
        {s: [('state', '=', s)] for s, _l in
            selection('s2b2b.contract', 'state')}, request.args)
    return render(request, 'contracts.html', user=user, active='contracts',
        states=selection('s2b2b.contract', 'state'),
        styles=docs.CONTRACT_STYLES, money=views.money, when=views.when,
        summaries=[docs.contract_summary(c) for c in listing['records']],
        member=user.s2b2b_member.id, **listing)


def contract_page_values(request, user, contract):
    Contract = Pool().get('s2b2b.contract')
    contract = Contract(contract.id)
    values = docs.contract_values(contract)
    side = docs.side_of(contract, user.s2b2b_member.id)
    ordered = docs.contract_order(contract) if side == 'buyer' else None
    buying = side == 'buyer' and contract.state == 'signed' \
        and can(user, views.BUYER_ROLES)
    return {
        'user': user, 'active': 'contracts', 'contract': values,
        'side': side, 'can_sign': docs.can_sign(contract, user),
        'can_call_off': buying, 'ordered': ordered,
        'can_order': buying and contract.kind == 'spot' and not ordered,
        'styles': docs.CONTRACT_STYLES, 'money': views.money,
        'price': views.price, 'qty': views.qty, 'when': views.when,
        'messages': done_messages(request, 'dc_signed', 'dc_called_off'),
        }


@page_route('/contracts/<record_id>')
def contract_page(request, pool, user, record_id):
    contract = docs.visible_contract(record_id)
    return render(request, 'contract.html',
        **contract_page_values(request, user, contract))


@page_route('/contracts/<record_id>/pdf')
def contract_pdf(request, pool, user, record_id):
    "The stored document with the signatures made so far"
    contract = docs.visible_contract(record_id)
    if not contract.document:
        raise not_found()
    response = Response(contract.document, content_type='application/pdf')
    response.headers['Content-Disposition'] = (
        f'attachment; filename="{contract.document_name}"')
    response.headers['Cache-Control'] = 'no-store'
    return response


@page_route('/contracts/<record_id>/sign', ['POST'])
def contract_sign(request, pool, user, record_id):
    "Sign for the user's member with the user's own password again"
    contract = docs.visible_contract(record_id)
    require_role(user, 'admin')

    def sign():
        docs.sign(contract, user, request.form.get('password') or '')
        return redirect(url(request,
                f'/contracts/{contract.id}?done=dc_signed'))
    return submit_form(request, 'contract.html', sign,
        lambda: contract_page_values(request, user, contract))


@page_route('/contracts/<record_id>/verification')
def contract_verification(request, pool, user, record_id):
    contract = docs.visible_contract(record_id)
    return render(request, 'contract_verification.html', user=user,
        active='contracts', contract=docs.contract_summary(contract),
        check=docs.verification(contract), when=views.when)


@page_route('/contracts/<record_id>/calloffs/<calloff_id>',
    ['POST'], roles=views.BUYER_ROLES)
def contract_call_off(request, pool, user, record_id, calloff_id):
    "The buyer calls off a planned delivery of a signed contract now"
    CallOff = pool.get('s2b2b.contract.calloff')
    contract = docs.visible_contract(record_id)
    calloff = docs.contract_calloff(contract, calloff_id)

    def call_off():
        CallOff.call_off([calloff])
        return redirect(url(request,
                f'/contracts/{contract.id}?done=dc_called_off#calloffs'))
    return submit_form(request, 'contract.html', call_off,
        lambda: contract_page_values(request, user, contract))


@page_route('/contracts/<record_id>/order', ['POST'],
    roles=views.BUYER_ROLES)
def contract_order(request, pool, user, record_id):
    """The buyer orders the signed spot contract at its prices, once; the
    order page follows"""
    Contract = pool.get('s2b2b.contract')
    contract = docs.visible_contract(record_id)

    def place():
        order = Contract.place_order(contract, user)
        return redirect(url(request, f'/orders/{order.id}'))
    return submit_form(request, 'contract.html', place,
        lambda: contract_page_values(request, user, contract))
