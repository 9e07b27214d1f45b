# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The tender and contract endpoints of the member API v1: a buyer's
tenders (write, publish, award), a supplier's sealed bid, both sides'
contracts (read, PDF, sign with the password, verification, call-offs).

Same decorator stack and errors as procurement_api.py; described in
tender_contract_openapi.py.  A bid's prices are never answered before
the opening: the model refuses them and the refusal reads as "sealed".
"""
from trytond.modules.s2b2b_procurement.company import company_currency
from trytond.modules.s2b2b_platform.tenant import get_record
from trytond.pool import Pool
from trytond.protocols.wrappers import HTTPStatus, Response

from . import document_views as docs
from . import order_api as orders
from . import procurement_views as views
from .api import (
    check_fields, created, error, invalid, paginate, read_json, text)
from .catalog_api import read_uom, route
from .portal import json_response
from .procurement_api import (
    READ, WRITE, _amount, _iso, _price, category_value, datetime_value,
    money_value, positive, refusals, require_buyer, require_supplier,
    rfq_role)

TENDER_FIELDS = {'title', 'description', 'deadline', 'opening_time',
    'scope', 'category', 'lines', 'suppliers', *docs.WEIGHT_FIELDS}
TENDER_LINE_FIELDS = {'description', 'quantity', 'uom', 'ceiling_price',
    'specs', 'category'}
BID_FIELDS = {'lines', 'lead_time', 'notes', 'submit'}
BID_LINE_FIELDS = {'line', 'unit_price', 'quantity', 'carbon'}


def _decimal_text(value):
    return str(value) if value is not None else None


def tender_line_json(line):
    return {'id': line.id, 'description': line.description,
        'quantity': line.quantity,
        'uom': {'id': line.unit.id, 'symbol': line.unit.symbol},
        'ceiling_price': _price(line.ceiling_price), 'specs': line.specs}


def ranking_json(tender):
    return [{'id': b['id'], 'supplier': {'id': b['supplier'],
                'name': b['name']}, 'rank': b['rank'],
            'score': _decimal_text(b['score']),
            'total': _amount(b['total']), 'lead_time': b['lead_time'],
            'carbon': _decimal_text(b['carbon']),
            'lines': [{'line': l, 'unit_price': _price(o['unit_price']),
                    'quantity': o['quantity']}
                for l, o in b['lines'].items()]}
        for b in docs.ranking(tender)]


def tender_json(tender, member_id):
    "A tender as its buyer or an invited supplier reads it"
    buyer = tender.buyer.id == member_id
    data = {'id': tender.id, 'title': tender.title,
        'description': tender.description, 'state': tender.state,
        'scope': tender.scope, 'currency': tender.currency.code,
        'deadline': _iso(tender.deadline),
        'opening_time': _iso(tender.opening_time),
        'weights': {k: _decimal_text(v)
            for k, v in tender.weights().items()},
        'lines': [tender_line_json(l) for l in tender.lines],
        'role': 'buyer' if buyer else 'supplier',
        'contracts': [c['id'] for c in docs.tender_contracts(tender)]}
    if buyer:
        data.update({'bid_count': tender.bid_count,
                'suppliers': [i.supplier.id for i in tender.invitations],
                'bids': ranking_json(tender)
                if tender.state in {'opened', 'awarded'} else [],
                'awards': [{'line': l, 'bid': b, 'quantity': q}
                    for (l, b), q in docs.awards_of(tender).items()]})
    return data


def bid_json(bid):
    "The supplier's own bid: its content only while it reads it"
    summary = docs.bid_summary(bid)
    return {'id': bid.id, 'tender': bid.tender.id, 'state': bid.state,
        'submitted': _iso(bid.submitted_at), 'digest': bid.digest,
        'sealed': summary['sealed'], 'content': summary['content'],
        'rank': bid.rank, 'score': _decimal_text(bid.score)}


def own_tender(key, tender_id):
    require_buyer(key)
    return docs.own_tender(tender_id)


def invited_tender(key, tender_id):
    require_supplier(key)
    return docs.invited_tender(tender_id)


@route('/tenders', ['GET'], READ)
def tenders_list(request, pool, key):
    Tender = pool.get('s2b2b.tender')
    member_id = key.member.id
    return paginate(request, Tender, rfq_role(request, member_id),
        lambda t: tender_json(t, member_id), order=[('id', 'DESC')])


def tender_line_values(payload, index):
    Line = Pool().get('s2b2b.requirement.line')
    if not isinstance(payload, dict):
        raise invalid('lines')
    check_fields(payload, TENDER_LINE_FIELDS)
    return {'sequence': index + 1,
        'description': text(payload, 'description', required=True),
        'quantity': positive(payload, 'quantity', required=True),
        'unit': read_uom(payload['uom']).id
        if payload.get('uom') is not None else Line.default_uom(),
        'ceiling_price': money_value(payload, 'ceiling_price'),
        'specs': text(payload, 'specs', size=5000)}


def tender_values(payload):
    check_fields(payload, TENDER_FIELDS)
    lines = payload.get('lines') or []
    suppliers = payload.get('suppliers') or []
    if not isinstance(lines, list):
        raise invalid('lines')
    if not isinstance(suppliers, list) or not all(
            isinstance(s, int) for s in suppliers):
        raise invalid('suppliers')
    scope = payload.get('scope', 'invited')
    if scope not in {'invited', 'category'}:
        raise invalid('scope')
    category = category_value(payload.get('category'))
    values = {'title': text(payload, 'title', required=True),
        'description': text(payload, 'description', size=5000),
        'deadline': datetime_value(payload, 'deadline', required=True),
        'opening_time': datetime_value(payload, 'opening_time',
            required=True),
        'scope': scope, 'category': category.id if category else None,
        'lines': [('create', [tender_line_values(l, i)
                    for i, l in enumerate(lines)])],
        'invitations': [('create', [{'supplier': s} for s in suppliers])]}
    for name in docs.WEIGHT_FIELDS:
        if payload.get(name) is not None:
            values[name] = money_value(payload, name)
    return values


@route('/tenders', ['POST'], WRITE)
def tender_create(request, pool, key):
    "A tender in draft, with its lines and invited suppliers"
    Tender = pool.get('s2b2b.tender')
    require_buyer(key)
    values = tender_values(read_json(request))
    for supplier in values['invitations'][0][1]:
        found = views.approved_supplier(supplier['supplier'])
        if found is None or found.id == key.member.id:
            raise invalid('suppliers')
    with refusals():
        tender, = Tender.create([{**values, 'buyer': key.member.id,
                    'currency': company_currency()}])
    return created(request, tender_json(tender, key.member.id),
        f'/tenders/{tender.id}')


@route('/tenders/<int:tender_id>', ['GET'], READ)
def tender_get(request, pool, key, tender_id):
    Tender = pool.get('s2b2b.tender')
    tender = Tender(get_record('s2b2b.tender', tender_id).id)
    return json_response(tender_json(tender, key.member.id))


def _tender_response(key, tender_id):
    Tender = Pool().get('s2b2b.tender')
    return json_response(tender_json(Tender(tender_id), key.member.id))


@route('/tenders/<int:tender_id>/publish', ['POST'], WRITE)
def tender_publish(request, pool, key, tender_id):
    Tender = pool.get('s2b2b.tender')
    tender = own_tender(key, tender_id)
    with refusals():
        Tender.publish([tender])
    return _tender_response(key, tender.id)


def award_lines(tender, payload):
    "(line, bid, quantity) of the body's lines"
    lines = payload.get('lines')
    if not isinstance(lines, list) or not lines:
        raise invalid('lines', 'api_field_required')
    known = {l.id: l for l in tender.lines}
    rows = []
    for item in lines:
        if not isinstance(item, dict):
            raise invalid('lines')
        check_fields(item, {'line', 'bid', 'quantity'})
        if item.get('line') not in known:
            raise invalid('lines')
        bid = docs.opened_bid(tender, item.get('bid'))
        rows.append((known[item['line']], bid,
                positive(item, 'quantity', required=True)))
    return rows


@route('/tenders/<int:tender_id>/award', ['POST'], WRITE)
def tender_award(request, pool, key, tender_id):
    """Award the opened tender: to one bid ({"bid": id}) or split
    ({"lines": [{"line", "bid", "quantity"}]}); one contract per
    supplier"""
    Tender = pool.get('s2b2b.tender')
    Award = pool.get('s2b2b.tender.award')
    tender = own_tender(key, tender_id)
    payload = read_json(request)
    check_fields(payload, {'bid', 'lines'})
    with refusals():
        views.check_state(tender, {'opened'}, tender.title)
        if payload.get('bid') is not None:
            Tender.award_to(tender, docs.opened_bid(tender, payload['bid']))
        else:
            rows = award_lines(tender, payload)
            Award.delete(list(tender.awards))
            Award.save([Award(tender=tender, line=l, bid=b, quantity=q)
                    for l, b, q in rows])
        Tender.award([Tender(tender.id)])
    return _tender_response(key, tender.id)


def bid_payload(tender, payload):
    "The content Bid.set_content seals, from the body"
    check_fields(payload, BID_FIELDS)
    lines = payload.get('lines')
    if not isinstance(lines, list):
        raise invalid('lines', 'api_field_required')
    content = {}
    for item in lines:
        if not isinstance(item, dict):
            raise invalid('lines')
        check_fields(item, BID_LINE_FIELDS)
        content[item.get('line')] = {k: item.get(k)
            for k in ['unit_price', 'quantity', 'carbon']
            if item.get(k) is not None}
    return {'lines': content, 'lead_time': payload.get('lead_time'),
        'notes': payload.get('notes')}


@route('/tenders/<int:tender_id>/bids', ['POST'], WRITE)
def bid_create(request, pool, key, tender_id):
    """Seal the supplier's bid, and submit it unless "submit" is false;
    a submitted bid cannot be changed (422)"""
    Bid = pool.get('s2b2b.tender.bid')
    tender = invited_tender(key, tender_id)
    payload = read_json(request)
    content = bid_payload(tender, payload)
    submit = payload.get('submit', True)
    if not isinstance(submit, bool):
        raise invalid('submit')
    with refusals():
        bid = docs.own_bid(tender)
        if bid is None:
            bid, = Bid.create([{'tender': tender.id,
                        'supplier': key.member.id}])
        Bid.set_content([bid], content)
        if submit:
            Bid.submit([Bid(bid.id)])
    return created(request, bid_json(Bid(bid.id)),
        f'/tenders/{tender.id}/bid')


@route('/tenders/<int:tender_id>/bid', ['GET'], READ)
def bid_get(request, pool, key, tender_id):
    "The supplier's own live bid: prices while in draft, then sealed"
    tender = invited_tender(key, tender_id)
    bid = docs.own_bid(tender)
    if bid is None:
        raise docs.not_found('s2b2b.tender.bid')
    return json_response(bid_json(bid))


# Contracts

def contract_json(contract):
    values = docs.contract_values(contract)
    return {
        'id': contract.id, 'number': contract.number,
        'state': contract.state, 'kind': contract.kind,
        'date': _iso(contract.date), 'origin': values['origin'],
        'currency': values['currency'], 'total': _amount(values['total']),
        'buyer': values['buyer_party'],
        'supplier': values['supplier_party'],
        'lines': [{'id': l['id'], 'description': l['description'],
                'quantity': l['quantity'], 'unit': l['unit'],
                'unit_price': _price(l['unit_price']),
                'lead_time': l['lead_time'],
                'amount': _amount(l['amount'])} for l in values['lines']],
        'delivery_address': values['delivery_address'] or None,
        'delivery_terms': values['delivery_terms'] or None,
        'payment_terms': values['payment_terms'] or None,
        'period_start': _iso(values['period_start']),
        'period_end': _iso(values['period_end']),
        'next_signer': contract.next_signer,
        'signatures': [{'role': s['role'], 'signer': s['signer'],
                'certificate_subject': s['certificate_subject'],
                'certificate_serial': s['certificate_serial'],
                'signed_at': _iso(s['signed_at'])}
            for s in values['signatures']],
        'calloffs': [{'id': c['id'], 'date': _iso(c['date']),
                'line': c['line'], 'quantity': c['quantity'],
                'state': c['state']} for c in values['calloffs']],
        }


@route('/contracts', ['GET'], READ)
def contracts_list(request, pool, key):
    Contract = pool.get('s2b2b.contract')
    member = key.member.id
    domain = [['OR', ('buyer', '=', member), ('supplier', '=', member)]]
    state = request.args.get('state')
    if state is not None:
        if state not in {s for s, _s in Contract.state.selection}:
            raise invalid('state')
        domain.append(('state', '=', state))
    return paginate(request, Contract, domain, contract_json,
        order=[('id', 'DESC')])


@route('/contracts/<int:contract_id>', ['GET'], READ)
def contract_get(request, pool, key, contract_id):
    return json_response(contract_json(docs.visible_contract(contract_id)))


@route('/contracts/<int:contract_id>/pdf', ['GET'], READ)
def contract_pdf(request, pool, key, contract_id):
    contract = docs.visible_contract(contract_id)
    if not contract.document:
        raise docs.not_found('s2b2b.contract')
    response = Response(contract.document, content_type='application/pdf')
    response.headers['Content-Disposition'] = (
        f'attachment; filename="{contract.document_name}"')
    return response


@route('/contracts/<int:contract_id>/sign', ['POST'], WRITE)
def contract_sign(request, pool, key, contract_id):
    """Sign for the member as the key's creator, with that user's
    password; a wrong password signs nothing (422)"""
    Contract = pool.get('s2b2b.contract')
    contract = docs.visible_contract(contract_id)
    payload = read_json(request)
    check_fields(payload, {'password'})
    password = payload.get('password')
    if not isinstance(password, str) or not password:
        raise invalid('password', 'api_field_required')
    if key.created_by is None:
        raise error(HTTPStatus.FORBIDDEN, 'not_signer', 'api_dc_not_signer')
    with refusals():
        docs.sign(contract, key.created_by, password)
    return json_response(contract_json(Contract(contract.id)))


def verification_json(check):
    return {'valid': check['valid'], 'changed': check['changed'],
        'missing': check['missing'], 'message': check['message'],
        'signatures': [{**{k: r[k] for k in ['field', 'signer',
                        'organization', 'organization_id', 'serial',
                        'intact', 'trusted', 'changed_after', 'valid']},
                'signing_time': _iso(r['signing_time'])}
            for r in check['signatures']],
        'recorded': [{'role': s['role'], 'signer': s['signer'],
                'certificate_subject': s['certificate_subject'],
                'signed_at': _iso(s['signed_at']),
                'document_sha256': s['document_sha256']}
            for s in check['recorded']]}


@route('/contracts/<int:contract_id>/verification', ['GET'], READ)
def contract_verification(request, pool, key, contract_id):
    contract = docs.visible_contract(contract_id)
    return json_response(verification_json(docs.verification(contract)))


@route('/contracts/<int:contract_id>/order', ['POST'], WRITE)
def contract_order(request, pool, key, contract_id):
    """The buyer orders the signed spot contract at its prices, once: the
    order is taken in like POST /orders"""
    Contract = pool.get('s2b2b.contract')
    contract = docs.visible_contract(contract_id)
    payload = orders.body(request, {'delivery_address', 'reference'})
    with refusals():
        order = Contract.place_order(contract, key.created_by,
            delivery=orders.delivery(payload),
            reference=text(payload, 'reference'))
    return created(request, {'id': order.id, 'state': order.state},
        f'/orders/{order.id}')


@route('/contracts/<int:contract_id>/calloffs/<int:calloff_id>/order',
    ['POST'], WRITE)
def calloff_order(request, pool, key, contract_id, calloff_id):
    "The buyer calls off a planned delivery of a signed contract now"
    Contract = pool.get('s2b2b.contract')
    CallOff = pool.get('s2b2b.contract.calloff')
    contract = docs.visible_contract(contract_id)
    calloff = docs.contract_calloff(contract, calloff_id)
    with refusals():
        CallOff.call_off([calloff])
    return json_response(contract_json(Contract(contract.id)))
