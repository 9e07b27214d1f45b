# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""What the tender and contract pages and API show, as plain values.

Tenders, bids and contracts are read inside the member's request (record
rules).  A bid's prices come only through ``Bid.read_content``, which
refuses them before the opening whoever asks; here a refusal reads as
"sealed", never as a price.
"""
from trytond.exceptions import UserError
from trytond.modules.s2b2b_platform.ir import requesting_member
from trytond.modules.s2b2b_platform.tenant import get_record
from trytond.modules.s2b2b_procurement.contract import (
    SIGNER_ROLE, verification_message)
from trytond.modules.s2b2b_procurement.exceptions import SealedBidError
from trytond.pool import Pool
from trytond.transaction import without_check_access

from .portal import _
from .procurement_views import member_names, not_found

TENDER_STYLES = {'draft': 'secondary', 'published': 'success',
    'opened': 'info', 'awarded': 'primary', 'cancelled': 'light'}
BID_STYLES = {'draft': 'secondary', 'submitted': 'info',
    'withdrawn': 'light'}
CONTRACT_STYLES = {'draft': 'secondary', 'signing': 'warning',
    'signed': 'success', 'done': 'dark', 'cancelled': 'light'}
WEIGHT_FIELDS = ['weight_price', 'weight_lead_time', 'weight_supplier',
    'weight_carbon']


# Tenders

def own_tender(record_id):
    "A tender of the requesting buyer; the suppliers invited get 404"
    tender = get_record('s2b2b.tender', record_id)
    if tender.buyer.id != requesting_member():
        raise not_found('s2b2b.tender')
    return tender


def invited_tender(record_id):
    "A published tender the requesting supplier may bid on"
    tender = get_record('s2b2b.tender', record_id)
    if tender.state == 'draft' or requesting_member() not in {
            i.supplier.id for i in tender.invitations}:
        raise not_found('s2b2b.tender')
    return tender


def own_bid(tender):
    "The requesting supplier's live bid on the tender, or None"
    Bid = Pool().get('s2b2b.tender.bid')
    bids = Bid.search([('tender', '=', tender.id),
            ('supplier', '=', requesting_member()),
            ('state', '!=', 'withdrawn')], limit=1)
    return bids[0] if bids else None


def bid_content(bid):
    "The bid's content, or None while it is sealed to the requester"
    Bid = Pool().get('s2b2b.tender.bid')
    try:
        return Bid.read_content([bid])[bid.id]
    except SealedBidError:
        return None


def bid_summary(bid):
    "What a bid's supplier reads of it: its content while in draft only"
    content = bid_content(bid)
    return {'id': bid.id, 'state': bid.state,
        'state_string': bid.state_string,
        'submitted_at': bid.submitted_at, 'digest': bid.digest,
        'sealed': content is None and bid.state == 'submitted',
        'content': content, 'rank': bid.rank, 'score': bid.score}


def ranking(tender):
    "The scored bids of an opened tender, best first, with their lines"
    Bid = Pool().get('s2b2b.tender.bid')
    bids = Bid.search([('tender', '=', tender.id),
            ('state', '=', 'submitted')], order=[('rank', 'ASC'),
            ('id', 'ASC')])
    names = member_names(b.supplier.id for b in bids)
    return [{'id': b.id, 'supplier': b.supplier.id,
            'name': names.get(b.supplier.id, ''), 'rank': b.rank,
            'score': b.score, 'price_score': b.price_score,
            'lead_time_score': b.lead_time_score,
            'supplier_score': b.supplier_score,
            'carbon_score': b.carbon_score, 'total': b.total,
            'lead_time': b.lead_time, 'carbon': b.carbon,
            'lines': {l.tender_line.id: {'unit_price': l.unit_price,
                    'quantity': l.quantity, 'carbon': l.carbon,
                    'amount': l.amount} for l in b.lines}}
        for b in bids]


def awards_of(tender):
    "{(tender line id, bid id): quantity} of the tender's awards"
    return {(a.line.id, a.bid.id): a.quantity for a in tender.awards}


def split_suggestion(tender):
    "{(line id, bid id): quantity} of the cheapest offers per line"
    return {(l.id, b.id): q for l, b, q in tender.split_suggestion()}


def supplier_awards(tender, member_id):
    "The awards of the tender to the supplier: (line, quantity, price)"
    return [(a.line, a.quantity, a.unit_price) for a in tender.awards
        if a.bid.supplier.id == member_id]


def tender_contracts(tender):
    "The contracts the tender's award made, visible to the requester"
    Contract = Pool().get('s2b2b.contract')
    contracts = Contract.search([('origin', '=', str(tender))],
        order=[('id', 'ASC')])
    return [contract_summary(c) for c in contracts]


# Contracts

def visible_contract(record_id):
    "A contract the requesting member is the buyer or supplier of"
    return get_record('s2b2b.contract', record_id)


def side_of(contract, member_id=None):
    "buyer or supplier: the requesting member's side of the contract"
    member_id = member_id or requesting_member()
    return 'buyer' if contract.buyer.id == member_id else 'supplier'


def contract_summary(contract):
    names = member_names([contract.buyer.id, contract.supplier.id])
    return {'id': contract.id, 'number': contract.number or f'#{contract.id}',
        'buyer': contract.buyer.id,
        'buyer_name': names.get(contract.buyer.id, ''),
        'supplier': contract.supplier.id,
        'supplier_name': names.get(contract.supplier.id, ''),
        'kind': contract.kind, 'kind_string': contract.kind_string,
        'state': contract.state, 'state_string': contract.state_string,
        'total': contract.total, 'currency': contract.currency.code,
        'date': contract.date, 'next_signer': contract.next_signer}


def party_values(member):
    "A party of the contract: name, 统一社会信用代码 and address"
    Member = Pool().get('s2b2b.member')
    with without_check_access():
        member = Member(member.id)
        address = member.party.address_get() if member.party else None
        return {'id': member.id, 'name': member.rec_name,
            'company_code': member.company_code or '',
            'address': ' '.join((address.full_address or '').split())
            if address else ''}


def signature_values(signature):
    return {'role': signature.role, 'role_string': signature.role_string,
        'signer': signature.signer_name,
        'certificate_subject': signature.certificate_subject,
        'certificate_serial': signature.certificate_serial,
        'signed_at': signature.signed_at,
        'document_sha256': signature.document_sha256}


def calloff_values(calloff):
    return {'id': calloff.id, 'date': calloff.date,
        'line': calloff.line.description, 'quantity': calloff.quantity,
        'unit': calloff.line.uom.rec_name, 'state': calloff.state,
        'state_string': calloff.state_string,
        'order': calloff.buyer_order.id if calloff.buyer_order else None}


def contract_values(contract):
    "Everything the contract's page and API show"
    return {
        **contract_summary(contract),
        'origin': contract.origin.rec_name if contract.origin else None,
        'buyer_party': party_values(contract.buyer),
        'supplier_party': party_values(contract.supplier),
        'lines': [{'id': l.id, 'description': l.description,
                'quantity': l.quantity, 'unit': l.uom.rec_name,
                'unit_price': l.unit_price, 'lead_time': l.lead_time,
                'amount': l.amount}
            for l in contract.lines],
        'delivery_address': ' '.join(
            contract.delivery_address.full_address.split())
        if contract.delivery_address else '',
        'delivery_terms': contract.delivery_terms or '',
        'payment_terms': contract.payment_terms or '',
        'period_start': contract.period_start,
        'period_end': contract.period_end,
        'has_document': bool(contract.document_id or contract.document),
        'signatures': [signature_values(s) for s in contract.signatures],
        'calloffs': [calloff_values(c) for c in contract.calloffs]
        if contract.kind == 'forward' else [],
        }


def can_sign(contract, user):
    "Whether the user may sign the contract now, for its member's side"
    side = side_of(contract, user.s2b2b_member.id)
    return (contract.state == 'signing' and contract.next_signer == side
        and user.has_role(SIGNER_ROLE))


def sign(contract, user, password):
    "Sign for the user's side; a wrong password changes nothing"
    Contract = Pool().get('s2b2b.contract')
    if not (password or '').strip():
        raise UserError(_('dc_password_required'))
    return Contract.sign(contract, side_of(contract, user.s2b2b_member.id),
        user, password)


def verification(contract):
    "Who signed what and when, and whether the document changed since"
    Contract = Pool().get('s2b2b.contract')
    check = Contract.check_signatures(contract)
    return {
        'valid': check['valid'], 'changed': check['changed'],
        'missing': check['missing'],
        'message': verification_message(check),
        'signatures': [{'field': r.field, 'signer': r.name,
                'organization': r.organization,
                'organization_id': r.organization_id,
                'serial': r.serial, 'signing_time': r.signing_time,
                'intact': r.intact, 'trusted': r.trusted,
                'changed_after': r.changed_after, 'valid': r.ok}
            for r in check['results']],
        'recorded': [signature_values(s) for s in contract.signatures],
        }


def contract_order(contract):
    "The id of the buyer's order of the spot contract, or None"
    Order = Pool().get('s2b2b.order')
    orders = Order.search([('contract', '=', contract.id)], limit=1)
    return orders[0].id if orders else None


def contract_calloff(contract, calloff_id):
    "A call-off of the contract, visible to the requesting member"
    calloff = get_record('s2b2b.contract.calloff', calloff_id)
    if calloff.contract.id != contract.id:
        raise not_found('s2b2b.contract.calloff')
    return calloff


def opened_bid(tender, bid_id):
    """A bid of the buyer's tender: the record rules show the buyer its
    tender's submitted bids once opened only, others answer 404"""
    bid = get_record('s2b2b.tender.bid', bid_id)
    if bid.tender.id != tender.id or bid.state != 'submitted':
        raise not_found('s2b2b.tender.bid')
    return bid
