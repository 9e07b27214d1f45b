# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The procurement endpoints of the member API v1: a buyer's
requirements, RFQs, comparison and award; a supplier's RFQs, quotation
and revisions; both sides' offers and messages.

Same decorator stack and error format as api.py; openapi.py describes
every route.  Records are looked up inside the member's request (record
rules) and by role in them, so that other members' ids answer 404 like
unknown ones.  What the procurement models refuse answers 422 with their
message.
"""
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.tenant import get_record
from trytond.pool import Pool
from trytond.protocols.wrappers import HTTPStatus

from . import procurement_views as views
from .api import (
    ApiError, check_fields, created, date, error, invalid, paginate,
    read_json, text)
from .catalog_api import (
    decimal, number, price_text, read_category, read_specs, read_uom, route)
from .portal import json_response

READ, WRITE = 'procurement:read', 'procurement:write'
DESCRIPTION_SIZE = 5000
REQUIREMENT_FIELDS = {'title', 'description', 'delivery_address',
    'needed_by', 'budget', 'lines'}
LINE_FIELDS = {'description', 'category', 'specs', 'quantity', 'uom',
    'target_price', 'needed_by'}
RFQ_FIELDS = {'title', 'description', 'deadline', 'scope', 'category',
    'lines', 'suppliers', 'requirement'}
QUOTATION_FIELDS = {'lead_time', 'valid_until', 'freight', 'terms',
    'lines'}
QUOTATION_LINE_FIELDS = {'rfq_line', 'unit_price', 'lead_time', 'breaks'}
OFFER_FIELDS = {'action', 'unit_price', 'note'}
CENT = Decimal('0.01')


@contextmanager
def refusals():
    "Answer what the procurement models refuse with 422 and their message"
    try:
        yield
    except (ApiError, RecordNotFound, AccessError):
        raise
    except UserError as exception:
        raise ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, 'refused',
            exception.message) from exception


def _member(key):
    return Pool().get('s2b2b.member')(key.member.id)


def require_buyer(key):
    if not _member(key).is_buyer:
        raise error(HTTPStatus.FORBIDDEN, 'not_buyer', 'api_pr_not_buyer')


def require_supplier(key):
    if not _member(key).is_supplier:
        raise error(HTTPStatus.FORBIDDEN, 'not_supplier',
            'api_pr_not_supplier')


def _iso(value):
    return value.isoformat() if value else None


def _amount(value):
    return str(Decimal(value).quantize(CENT)) if value is not None else None


def _price(value):
    return price_text(value) if value is not None else None


# Reading request bodies

def positive(payload, name, required=False, integer=False):
    "A number of the body above 0 (an integer at least 0)"
    value = number(payload, name, 0, strict=not integer, integer=integer)
    if value is None and required:
        raise invalid(name, 'api_field_required')
    return value


def money_value(payload, name):
    "A non-negative decimal of the body, None when absent"
    value = payload.get(name)
    if value is None:
        return None
    value = decimal(value, name)
    if value < 0:
        raise invalid(name)
    return value


def datetime_value(payload, name, required=False):
    "An ISO 8601 date and time; with an offset, in the server's time"
    value = text(payload, name, required=required, size=40)
    if value is None:
        return None
    try:
        value = dt.datetime.fromisoformat(value)
    except ValueError:
        raise invalid(name)
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value


def category_value(value):
    return read_category(value) if value is not None else None


def specs_value(category, payload):
    "The specifications of a line, checked against its category"
    specs = read_specs(payload)
    allowed = category.allowed_attributes() if category else {}
    for name, value in specs.items():
        attribute = allowed.get(name)
        if attribute is None or not attribute.accepts(value):
            raise invalid('specs')
    return specs


def line_values(payload):
    "The values of a requirement or RFQ line of the body"
    if not isinstance(payload, dict):
        raise invalid('lines')
    check_fields(payload, LINE_FIELDS)
    Line = Pool().get('s2b2b.requirement.line')
    category = category_value(payload.get('category'))
    return {
        'description': text(payload, 'description', required=True),
        'category': category.id if category else None,
        'specs': specs_value(category, payload),
        'quantity': positive(payload, 'quantity', required=True),
        'uom': read_uom(payload['uom']).id if payload.get('uom') is not None
        else Line.default_uom(),
        'target_price': money_value(payload, 'target_price'),
        'needed_by': date(payload, 'needed_by'),
        }


def lines_values(payload, required=True):
    lines = payload.get('lines')
    if lines is None and not required:
        return []
    if not isinstance(lines, list) or (required and not lines):
        raise invalid('lines', 'api_field_required' if not lines
            else 'api_field_invalid')
    return [line_values(l) for l in lines]


# Writing JSON

def member_json(member_id, names):
    return {'id': member_id, 'name': names.get(member_id, '')}


def line_json(line, buyer):
    "An RFQ or requirement line; suppliers never read target prices"
    data = {
        'id': line.id, 'description': line.description,
        'category': ({'id': line.category.id,
                'name': line.category.rec_name} if line.category else None),
        'specs': dict(line.specs or {}), 'quantity': line.quantity,
        'uom': {'id': line.uom.id, 'symbol': line.uom.symbol},
        'needed_by': _iso(line.needed_by),
        }
    if buyer:
        data['target_price'] = _price(line.target_price)
    return data


def requirement_json(requirement):
    return {
        'id': requirement.id, 'title': requirement.title,
        'description': requirement.description,
        'delivery_address': requirement.delivery_address,
        'needed_by': _iso(requirement.needed_by),
        'budget': _amount(requirement.budget),
        'estimate': _amount(requirement.estimate),
        'currency': requirement.currency.code, 'state': requirement.state,
        'requested_by': (requirement.requested_by.email
            if requirement.requested_by else None),
        'approved_by': (requirement.approved_by.email
            if requirement.approved_by else None),
        'lines': [line_json(l, True) for l in requirement.lines],
        'rfqs': [r.id for r in requirement.rfqs],
        'created': _iso(requirement.create_date),
        }


def rfq_json(rfq, member_id):
    "An RFQ as its buyer or an invited supplier reads it"
    buyer = rfq.buyer.id == member_id
    names = views.member_names([rfq.buyer.id]
        + ([i.supplier.id for i in rfq.invitations] if buyer else []))
    data = {
        'id': rfq.id, 'number': rfq.number, 'title': rfq.title,
        'description': rfq.description, 'state': rfq.state,
        'scope': rfq.scope, 'category': ({'id': rfq.category.id,
                'name': rfq.category.rec_name} if rfq.category else None),
        'deadline': _iso(rfq.deadline), 'sent': _iso(rfq.sent_date),
        'quoting': rfq.quoting, 'currency': rfq.currency.code,
        'buyer': member_json(rfq.buyer.id, names),
        'lines': [line_json(l, buyer) for l in rfq.lines],
        'role': 'buyer' if buyer else 'supplier',
        }
    if buyer:
        data.update({
                'requirement': rfq.requirement.id if rfq.requirement
                else None,
                'cancel_reason': rfq.cancel_reason,
                'invitations': [{'supplier': member_json(
                            i.supplier.id, names), 'quoted': i.quoted}
                    for i in rfq.invitations],
                })
    return data


def offer_json(offer):
    return {'id': offer.id, 'round': offer.sequence, 'side': offer.side,
        'action': offer.action, 'unit_price': _price(offer.unit_price),
        'note': offer.note, 'created': _iso(offer.create_date)}


def bargaining_json(line, side):
    state = views.bargaining(line, side)
    return {'id': line.id, 'rfq_line': line.rfq_line.id,
        'quoted_price': _price(line.unit_price),
        'current_price': _price(line.current_price),
        'agreed_price': _price(line.agreed_price),
        'price_on_table': _price(state['on_table']),
        'state': line.bargain_state, 'next_side': line.next_side,
        'your_turn': state['my_turn']}


def quotation_json(quotation, side):
    return {
        'id': quotation.id, 'rfq': quotation.rfq.id,
        'state': quotation.state, 'revision': quotation.revision,
        'submitted': _iso(quotation.submitted_date),
        'valid_until': _iso(quotation.valid_until),
        'lead_time': quotation.lead_time,
        'freight': _amount(quotation.freight), 'terms': quotation.terms,
        'lines': [{**bargaining_json(l, side), 'lead_time': l.lead_time,
                'breaks': [{'quantity': b.quantity,
                        'unit_price': _price(b.unit_price)}
                    for b in l.breaks]} for l in quotation.lines],
        }


def revision_json(revision):
    return {'number': revision.number, 'digest': revision.digest,
        'submitted': _iso(revision.create_date),
        'content': revision.content}


def message_json(message):
    return {'id': message.id, 'supplier': message.supplier.id,
        'side': message.side, 'body': message.body,
        'created': _iso(message.create_date)}


def contract_json(contract):
    return {'id': contract['id'], 'number': contract['number'],
        'supplier': {'id': contract['supplier'],
            'name': contract['supplier_name']},
        'total': _amount(contract['total']),
        'currency': contract['currency']}


# Requirements

def own_requirement(key, requirement_id):
    require_buyer(key)
    return views.own_requirement(requirement_id)


def state_filter(request, model):
    Model = Pool().get(model)
    state = request.args.get('state')
    if state is None:
        return []
    if state not in {s for s, _s in Model.state.selection}:
        raise invalid('state')
    return [('state', '=', state)]


@route('/requirements', ['GET'], READ)
def requirements_list(request, pool, key):
    Requirement = pool.get('s2b2b.requirement')
    require_buyer(key)
    return paginate(request, Requirement,
        [('buyer', '=', key.member.id)]
        + state_filter(request, 's2b2b.requirement'), requirement_json,
        order=[('id', 'DESC')])


@route('/requirements', ['POST'], WRITE)
def requirement_create(request, pool, key):
    Requirement = pool.get('s2b2b.requirement')
    require_buyer(key)
    payload = read_json(request)
    check_fields(payload, REQUIREMENT_FIELDS)
    values = {
        'title': text(payload, 'title', required=True),
        'description': text(payload, 'description', size=DESCRIPTION_SIZE),
        'delivery_address': text(payload, 'delivery_address',
            size=DESCRIPTION_SIZE),
        'needed_by': date(payload, 'needed_by'),
        'budget': money_value(payload, 'budget'),
        'lines': [('create', lines_values(payload, required=False))],
        }
    with refusals():
        requirement, = Requirement.create(
            [{**values, 'buyer': key.member.id}])
    return created(request, requirement_json(requirement),
        f'/requirements/{requirement.id}')


@route('/requirements/<int:requirement_id>', ['GET'], READ)
def requirement_get(request, pool, key, requirement_id):
    return json_response(requirement_json(
            own_requirement(key, requirement_id)))


def _requirement_response(requirement_id):
    Requirement = Pool().get('s2b2b.requirement')
    return json_response(requirement_json(Requirement(requirement_id)))


@route('/requirements/<int:requirement_id>/submit', ['POST'], WRITE)
def requirement_submit(request, pool, key, requirement_id):
    "Approved at once within the approval limit, else waiting"
    Requirement = pool.get('s2b2b.requirement')
    requirement = own_requirement(key, requirement_id)
    with refusals():
        Requirement.submit([requirement], web_user=key.created_by)
    return _requirement_response(requirement.id)


@route('/requirements/<int:requirement_id>/approve', ['POST'], WRITE)
def requirement_approve(request, pool, key, requirement_id):
    "Approval in the name of the key's creator, who must be an approver"
    Requirement = pool.get('s2b2b.requirement')
    requirement = own_requirement(key, requirement_id)
    approver = key.created_by
    if approver is None or not approver.has_role('approver'):
        raise error(HTTPStatus.FORBIDDEN, 'not_approver',
            'api_pr_not_approver')
    with refusals():
        Requirement.approve_as([requirement], approver)
    return _requirement_response(requirement.id)


@route('/requirements/<int:requirement_id>/suggestions', ['GET'], READ)
def requirement_suggestions(request, pool, key, requirement_id):
    requirement = own_requirement(key, requirement_id)
    return json_response({'items': [{'line': l.id, 'suggestions': [{
                        'listing': s['listing'], 'name': s['name'],
                        'supplier': {'id': s['supplier'],
                            'name': s['supplier_name']},
                        'unit_price': _price(s['price']),
                        'currency': s['currency'],
                        'lead_time': s['lead_time'],
                        'score': str(s['score']), 'reasons': [
                            {'code': c, 'text': t} for c, t in zip(
                                s['reason_codes'], s['reasons'])],
                        } for s in views.line_suggestions(l)]}
                for l in requirement.lines]})


# RFQs

def own_rfq(key, rfq_id):
    require_buyer(key)
    return views.own_rfq(rfq_id)


def invited_rfq(key, rfq_id):
    require_supplier(key)
    return views.invited_rfq(rfq_id)


def rfq_role(request, member_id):
    "The RFQs of the member as buyer, as invited supplier, or both"
    role = request.args.get('role')
    as_buyer = [('buyer', '=', member_id)]
    as_supplier = [('state', '!=', 'draft'),
        ('invitations.supplier', '=', member_id)]
    if role is None:
        return [['OR', as_buyer, as_supplier]]
    if role not in {'buyer', 'supplier'}:
        raise invalid('role')
    return as_buyer if role == 'buyer' else as_supplier


@route('/rfqs', ['GET'], READ)
def rfqs_list(request, pool, key):
    Rfq = pool.get('s2b2b.rfq')
    member_id = key.member.id
    return paginate(request, Rfq, rfq_role(request, member_id)
        + state_filter(request, 's2b2b.rfq'),
        lambda r: rfq_json(r, member_id), order=[('id', 'DESC')])


def invitations_values(payload, member_id):
    "The approved suppliers to invite, by id"
    suppliers = payload.get('suppliers') or []
    if not isinstance(suppliers, list) or not all(
            isinstance(s, int) and not isinstance(s, bool)
            for s in suppliers):
        raise invalid('suppliers')
    found = []
    for supplier_id in dict.fromkeys(suppliers):
        supplier = views.approved_supplier(supplier_id)
        if supplier is None or supplier.id == member_id:
            raise error(HTTPStatus.UNPROCESSABLE_ENTITY, 'unknown_supplier',
                'api_pr_supplier_unknown', supplier=supplier_id)
        found.append({'supplier': supplier.id})
    return found


def rfq_values(payload):
    scope = payload.get('scope', 'invited')
    if scope not in {'invited', 'category'}:
        raise invalid('scope')
    category = category_value(payload.get('category'))
    return {
        'title': text(payload, 'title'),
        'description': text(payload, 'description', size=DESCRIPTION_SIZE),
        'deadline': datetime_value(payload, 'deadline', required=True),
        'scope': scope, 'category': category.id if category else None,
        }


def _create_rfq(key, payload):
    Rfq = Pool().get('s2b2b.rfq')
    values = rfq_values(payload)
    invitations = invitations_values(payload, key.member.id)
    if invitations and values['scope'] == 'category':
        raise invalid('suppliers')
    if payload.get('requirement') is not None:
        return _rfq_of_requirement(payload, values, invitations)
    if not values['title']:
        raise invalid('title', 'api_field_required')
    values['lines'] = [('create', [{**l, 'sequence': i + 1}
                for i, l in enumerate(lines_values(payload))])]
    values['invitations'] = [('create', invitations)]
    with refusals():
        rfq, = Rfq.create([{**values, 'buyer': key.member.id}])
    return rfq


def _rfq_of_requirement(payload, values, invitations):
    "An RFQ of the lines of an approved requirement of the buyer"
    Rfq = Pool().get('s2b2b.rfq')
    requirement_id = payload['requirement']
    if 'lines' in payload or not isinstance(requirement_id, int) \
            or isinstance(requirement_id, bool):
        raise invalid('lines' if 'lines' in payload else 'requirement')
    requirement = views.own_requirement(requirement_id)
    texts = {k: values.pop(k) for k in ['title', 'description']}
    texts = {k: v for k, v in texts.items() if v is not None}
    with refusals():
        rfq = Rfq.from_requirement(requirement, values)
        Rfq.write([rfq], {**texts,
                'invitations': [('create', invitations)]})
    return rfq


@route('/rfqs', ['POST'], WRITE)
def rfq_create(request, pool, key):
    "An RFQ in draft, of its own lines or of an approved requirement's"
    Rfq = pool.get('s2b2b.rfq')
    require_buyer(key)
    payload = read_json(request)
    check_fields(payload, RFQ_FIELDS)
    rfq = _create_rfq(key, payload)
    return created(request, rfq_json(Rfq(rfq.id), key.member.id),
        f'/rfqs/{rfq.id}')


@route('/rfqs/<int:rfq_id>', ['GET'], READ)
def rfq_get(request, pool, key, rfq_id):
    rfq = get_record('s2b2b.rfq', rfq_id)
    if rfq.buyer.id != key.member.id:
        rfq = views.invited_rfq(rfq_id)
    return json_response(rfq_json(rfq, key.member.id))


def _rfq_response(key, rfq_id):
    Rfq = Pool().get('s2b2b.rfq')
    return json_response(rfq_json(Rfq(rfq_id), key.member.id))


# The states an RFQ action starts from
RFQ_ACTION_STATES = {'send': {'draft'}, 'close': {'open'},
    'cancel': {'draft', 'open'}}


def _rfq_action(request, key, rfq_id, action):
    Rfq = Pool().get('s2b2b.rfq')
    rfq = own_rfq(key, rfq_id)
    with refusals():
        views.check_state(rfq, RFQ_ACTION_STATES[action],
            views.rfq_label(rfq))
        getattr(Rfq, action)([rfq])
    return _rfq_response(key, rfq.id)


@route('/rfqs/<int:rfq_id>/send', ['POST'], WRITE)
def rfq_send(request, pool, key, rfq_id):
    return _rfq_action(request, key, rfq_id, 'send')


@route('/rfqs/<int:rfq_id>/close', ['POST'], WRITE)
def rfq_close(request, pool, key, rfq_id):
    return _rfq_action(request, key, rfq_id, 'close')


@route('/rfqs/<int:rfq_id>/cancel', ['POST'], WRITE)
def rfq_cancel(request, pool, key, rfq_id):
    "Cancel a draft, or an open RFQ with a reason"
    Rfq = pool.get('s2b2b.rfq')
    rfq = own_rfq(key, rfq_id)
    payload = read_json(request) if request.get_data() else {}
    check_fields(payload, {'reason'})
    reason = text(payload, 'reason', size=2000)
    with refusals():
        views.check_state(rfq, RFQ_ACTION_STATES['cancel'],
            views.rfq_label(rfq))
        Rfq.write([rfq], {'cancel_reason': reason})
        Rfq.cancel([Rfq(rfq.id)])
    return _rfq_response(key, rfq.id)


@route('/rfqs/<int:rfq_id>/comparison', ['GET'], READ)
def rfq_comparison(request, pool, key, rfq_id):
    "The quotations side by side, best price, lead time and total marked"
    rfq = own_rfq(key, rfq_id)
    comparison = views.comparison_values(rfq)
    lines = {q.id: {l.rfq_line.id: l.id for l in q.lines}
        for q in rfq.quotations}
    columns = comparison['columns']
    return json_response({
            'currency': comparison['currency'],
            'quotations': [{'quotation': c['quotation'],
                    'supplier': {'id': c['supplier'], 'name': c['name']},
                    'goods': _amount(c['total'].goods),
                    'freight': _amount(c['total'].freight),
                    'landed': _amount(c['total'].landed),
                    'complete': c['total'].complete, 'best': c['best']}
                for c in columns],
            'lines': [{'rfq_line': r['line'],
                    'description': r['description'],
                    'quantity': r['quantity'], 'cells': [{
                            'quotation': c['quotation'],
                            'quotation_line': lines[c['quotation']][
                                r['line']],
                            'unit_price': _price(cell['price']),
                            'lead_time': cell['lead_time'],
                            'declined': cell['declined'],
                            'best_price': cell['best_price'],
                            'best_lead_time': cell['best_lead_time']}
                        for c, cell in zip(columns, r['cells']) if cell]}
                for r in comparison['rows']],
            })


def award_choices(rfq, payload):
    "{RFQ line: quotation line} of the body"
    check_fields(payload, {'lines'})
    choices = payload.get('lines')
    if not isinstance(choices, list) or not choices:
        raise invalid('lines', 'api_field_required')
    lines = {l.id: l for l in rfq.lines}
    result = {}
    for choice in choices:
        if not isinstance(choice, dict) or set(choice) != {
                'rfq_line', 'quotation_line'} or not all(
                isinstance(v, int) and not isinstance(v, bool)
                for v in choice.values()):
            raise invalid('lines')
        line = lines.get(choice['rfq_line'])
        if line is None or line in result:
            raise invalid('lines')
        result[line] = views.rfq_line(rfq, choice['quotation_line'])
    return result


@route('/rfqs/<int:rfq_id>/award', ['POST'], WRITE)
def rfq_award(request, pool, key, rfq_id):
    "Award lines to quotation lines: one contract per supplier"
    rfq = own_rfq(key, rfq_id)
    choices = award_choices(rfq, read_json(request))
    with refusals():
        rfq.award(choices, _member(key))
    Rfq = pool.get('s2b2b.rfq')
    rfq = Rfq(rfq.id)
    return json_response({'rfq': rfq_json(rfq, key.member.id),
            'contracts': [contract_json(c)
                for c in views.contracts_of(rfq)]})


# The supplier's quotation

def _own_quotation(member_id, rfq):
    Quotation = Pool().get('s2b2b.rfq.quotation')
    quotations = Quotation.search([('rfq', '=', rfq.id),
            ('supplier', '=', member_id)], limit=1)
    return quotations[0] if quotations else None


@route('/rfqs/<int:rfq_id>/quotation', ['GET'], READ)
def quotation_get(request, pool, key, rfq_id):
    rfq = invited_rfq(key, rfq_id)
    quotation = _own_quotation(key.member.id, rfq)
    if quotation is None:
        raise views.not_found('s2b2b.rfq.quotation')
    return json_response(quotation_json(quotation, 'supplier'))


def quotation_line_values(payload):
    if not isinstance(payload, dict):
        raise invalid('lines')
    check_fields(payload, QUOTATION_LINE_FIELDS)
    rfq_line = number(payload, 'rfq_line', 1, integer=True)
    if rfq_line is None:
        raise invalid('rfq_line', 'api_field_required')
    breaks = payload.get('breaks') or []
    if not isinstance(breaks, list) or not all(isinstance(b, dict)
            and set(b) == {'quantity', 'unit_price'} for b in breaks):
        raise invalid('breaks')
    value = {'rfq_line': rfq_line,
        'unit_price': decimal(payload.get('unit_price'), 'unit_price'),
        'breaks': [(positive(b, 'quantity', required=True),
                decimal(b['unit_price'], 'breaks')) for b in breaks]}
    if payload.get('lead_time') is not None:
        value['lead_time'] = positive(payload, 'lead_time', integer=True)
    return value


def quotation_values(payload):
    check_fields(payload, QUOTATION_FIELDS)
    lines = payload.get('lines')
    if not isinstance(lines, list) or not lines:
        raise invalid('lines', 'api_field_required')
    return {
        'lead_time': positive(payload, 'lead_time', integer=True),
        'valid_until': date(payload, 'valid_until'),
        'freight': (decimal(payload['freight'], 'freight')
            if payload.get('freight') is not None else None),
        'terms': text(payload, 'terms', size=DESCRIPTION_SIZE),
        'lines': [quotation_line_values(l) for l in lines],
        }


@route('/rfqs/<int:rfq_id>/quotation', ['PUT'], WRITE)
def quotation_put(request, pool, key, rfq_id):
    """Submit or revise the quotation: 201 when made, 200 when revised
    or unchanged (the same body makes no new revision)"""
    Quotation = pool.get('s2b2b.rfq.quotation')
    rfq = invited_rfq(key, rfq_id)
    values = quotation_values(read_json(request))
    existed = _own_quotation(key.member.id, rfq) is not None
    with refusals():
        quotation = Quotation.submit(rfq, _member(key), values,
            web_user=key.created_by)
    data = quotation_json(Quotation(quotation.id), 'supplier')
    if existed:
        return json_response(data)
    return created(request, data, f'/rfqs/{rfq.id}/quotation')


@route('/rfqs/<int:rfq_id>/quotation/revisions', ['GET'], READ)
def quotation_revisions(request, pool, key, rfq_id):
    Revision = pool.get('s2b2b.rfq.quotation.revision')
    rfq = invited_rfq(key, rfq_id)
    quotation = _own_quotation(key.member.id, rfq)
    if quotation is None:
        raise views.not_found('s2b2b.rfq.quotation')
    return paginate(request, Revision, [('quotation', '=', quotation.id)],
        revision_json, order=[('number', 'ASC')])


# Offers and messages

def quotation_line(key, line_id):
    "A quotation line of an RFQ the member buys or of its own quotation"
    line = get_record('s2b2b.rfq.quotation.line', line_id)
    member_id = key.member.id
    if member_id == line.quotation.rfq.buyer.id:
        return line, 'buyer'
    if member_id == line.quotation.supplier.id:
        return line, 'supplier'
    raise views.not_found('s2b2b.rfq.quotation.line')


@route('/quotation-lines/<int:line_id>/offers', ['GET'], READ)
def offers_list(request, pool, key, line_id):
    line, side = quotation_line(key, line_id)
    return json_response({'line': bargaining_json(line, side),
            'items': [offer_json(o) for o in line.offers]})


@route('/quotation-lines/<int:line_id>/offers', ['POST'], WRITE)
def offer_create(request, pool, key, line_id):
    "A move of the member's side: counter (with a price), accept, decline"
    QuotationLine = pool.get('s2b2b.rfq.quotation.line')
    line, side = quotation_line(key, line_id)
    payload = read_json(request)
    check_fields(payload, OFFER_FIELDS)
    action = payload.get('action')
    if action not in {'counter', 'accept', 'decline'}:
        raise invalid('action')
    price = (decimal(payload.get('unit_price'), 'unit_price')
        if action == 'counter' else None)
    if action != 'counter' and payload.get('unit_price') is not None:
        raise invalid('unit_price')
    with refusals():
        offer = line.make_offer(_member(key), action, price,
            text(payload, 'note', size=2000), web_user=key.created_by)
    return created(request, {**offer_json(offer),
            'line': bargaining_json(QuotationLine(line.id), side)},
        f'/quotation-lines/{line.id}/offers')


def thread_supplier(request, key, rfq):
    "The supplier of the thread: the buyer names it, a supplier is it"
    if rfq.buyer.id != key.member.id:
        return key.member.id
    value = request.args.get('supplier')
    if value is None:
        return None
    if not value.isdigit():
        raise invalid('supplier')
    return int(value)


@route('/rfqs/<int:rfq_id>/messages', ['GET'], READ)
def messages_list(request, pool, key, rfq_id):
    Message = pool.get('s2b2b.rfq.message')
    rfq = get_record('s2b2b.rfq', rfq_id)
    if rfq.buyer.id != key.member.id:
        rfq = views.invited_rfq(rfq_id)
    supplier = thread_supplier(request, key, rfq)
    domain = [('rfq', '=', rfq.id)]
    if supplier is not None:
        domain.append(('supplier', '=', supplier))
    return paginate(request, Message, domain, message_json,
        order=[('id', 'ASC')])


@route('/rfqs/<int:rfq_id>/messages', ['POST'], WRITE)
def message_create(request, pool, key, rfq_id):
    Message = pool.get('s2b2b.rfq.message')
    Member = pool.get('s2b2b.member')
    rfq = get_record('s2b2b.rfq', rfq_id)
    buyer = rfq.buyer.id == key.member.id
    if not buyer:
        rfq = views.invited_rfq(rfq_id)
    payload = read_json(request)
    check_fields(payload, {'body', 'supplier'} if buyer else {'body'})
    supplier = (number(payload, 'supplier', 1, integer=True) if buyer
        else key.member.id)
    if supplier is None:
        raise invalid('supplier', 'api_field_required')
    if supplier not in {i.supplier.id for i in rfq.invitations}:
        raise ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, 'refused', gettext(
                's2b2b_procurement.msg_message_not_party',
                rfq=views.rfq_label(rfq)))
    with refusals():
        message = Message.post(rfq, Member(supplier), _member(key),
            text(payload, 'body', size=5000), web_user=key.created_by)
    return created(request, message_json(message),
        f'/rfqs/{rfq.id}/messages')
