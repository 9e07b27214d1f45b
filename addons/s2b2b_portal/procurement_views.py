# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""What the procurement pages and API show, as plain values.

Requirements, RFQs, quotations and bargaining are read inside the
member's request (record rules); only the names of the other members
taking part are read without the member rule, which lets a member read
itself only.
"""
import datetime as dt
from decimal import Decimal

from trytond.modules.s2b2b_procurement import bargaining as rules
from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.ir import requesting_member
from trytond.modules.s2b2b_platform.tenant import get_record
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import without_check_access

from .portal import _

# Who acts for a buyer and for a supplier; every user of a member reads
BUYER_ROLES = {'admin', 'purchaser'}
APPROVER_ROLES = {'approver'}
SUPPLIER_ROLES = {'admin', 'sales'}
REQUIREMENT_STYLES = {'draft': 'secondary', 'waiting': 'warning',
    'approved': 'success', 'sourcing': 'info', 'done': 'dark',
    'cancelled': 'light'}
RFQ_STYLES = {'draft': 'secondary', 'open': 'success', 'closed': 'dark',
    'awarded': 'primary', 'cancelled': 'light'}
QUOTATION_STYLES = {'submitted': 'info', 'withdrawn': 'secondary',
    'awarded': 'success', 'lost': 'light'}
BARGAIN_STYLES = {'open': 'secondary', 'agreed': 'success',
    'declined': 'danger'}


def money(value):
    return '' if value is None else f'{Decimal(value):,.2f}'


def price(value):
    "A unit price: two decimals, or up to four when it has them"
    if value is None:
        return ''
    value = Decimal(value)
    if value == value.quantize(Decimal('0.01')):
        return f'{value:,.2f}'
    return f'{value.normalize():,f}'


def qty(value):
    return '' if value is None else f'{value:g}'


def when(value):
    "A date or date and time as the pages show them"
    if value is None:
        return ''
    if isinstance(value, dt.datetime):
        return value.strftime('%Y-%m-%d %H:%M')
    return value.isoformat()


def member_names(ids):
    "Names of the members taking part (buyer, suppliers), by id"
    Member = Pool().get('s2b2b.member')
    with without_check_access():
        return {m.id: m.rec_name for m in Member.browse(list(set(ids)))}


def not_found(model):
    Model = Pool().get(model)
    return RecordNotFound(gettext('s2b2b_platform.msg_record_not_found',
            model=Model.__names__()['model']))


def own_requirement(record_id):
    "The requirement of the requesting buyer"
    requirement = get_record('s2b2b.requirement', record_id)
    if requirement.buyer.id != requesting_member():
        raise not_found('s2b2b.requirement')
    return requirement


def own_rfq(record_id):
    "An RFQ of the requesting buyer; the suppliers invited get 404"
    rfq = get_record('s2b2b.rfq', record_id)
    if rfq.buyer.id != requesting_member():
        raise not_found('s2b2b.rfq')
    return rfq


def invited_rfq(record_id):
    "An RFQ sent to the requesting supplier; its buyer gets 404 here"
    rfq = get_record('s2b2b.rfq', record_id)
    member = requesting_member()
    if rfq.state == 'draft' or member not in {
            i.supplier.id for i in rfq.invitations}:
        raise not_found('s2b2b.rfq')
    return rfq


def rfq_label(rfq):
    "How messages name an RFQ: its number, or its title before sending"
    return rfq.number or rfq.title


def check_state(record, states, label):
    "Refuse an action the record's state does not allow"
    if record.state not in states:
        raise UserError(_('pr_not_possible', record=label,
                state=record.state_string))


def rfq_line(rfq, line_id):
    "A quotation line of the RFQ, visible to the requesting member"
    line = get_record('s2b2b.rfq.quotation.line', line_id)
    if line.quotation.rfq.id != rfq.id:
        raise not_found('s2b2b.rfq.quotation.line')
    return line


# Specifications and suggestions

def spec_texts(category, specs):
    "(label, readable value) of the specifications of a line"
    allowed = category.allowed_attributes() if category else {}
    rows = []
    for name, value in sorted((specs or {}).items()):
        attribute = allowed.get(name)
        rows.append((attribute.string if attribute else name,
                attribute.display(value) if attribute else str(value)))
    return rows


def reason_text(reason):
    "A reason of a suggestion in words"
    kind, values = reason
    if kind == 'standing':
        return _(f"pr_reason_standing_{values['standing']}")
    return _(f'pr_reason_{kind}', **values)


def suggestion_values(suggestions, quantity):
    "What the buyer reads of each suggestion of a line"
    names = member_names([s.listing.supplier.id for s in suggestions])
    return [{
            'listing': s.listing.id, 'name': s.listing.rec_name,
            'supplier': s.listing.supplier.id,
            'supplier_name': names.get(s.listing.supplier.id, ''),
            'price': s.listing.price_for(quantity),
            'currency': s.listing.currency.code,
            'lead_time': s.listing.lead_time, 'score': s.score,
            'reasons': [reason_text(r) for r in s.reasons],
            'reason_codes': [r for r, _values in s.reasons],
            } for s in suggestions]


def line_suggestions(line, limit=5):
    "The suggestions of a requirement line, as values"
    return suggestion_values(line.suggestions(limit=limit), line.quantity)


def rfq_line_suggestions(line, limit=5):
    """The suggestions of an RFQ line, matched like a requirement line
    with the same need"""
    pool = Pool()
    Requirement = pool.get('s2b2b.requirement')
    RequirementLine = pool.get('s2b2b.requirement.line')
    need = RequirementLine(description=line.description,
        category=line.category, specs=line.specs, quantity=line.quantity,
        uom=line.uom, target_price=line.target_price,
        needed_by=line.needed_by, requirement=Requirement(needed_by=None))
    return suggestion_values(need.suggestions(limit=limit), line.quantity)


def suggested_suppliers(rfq, exclude=()):
    """(id, name, reasons) of the suppliers of the suggestions of the
    RFQ's lines, best first"""
    found = {}
    for line in rfq.lines:
        for suggestion in rfq_line_suggestions(line):
            supplier = suggestion['supplier']
            if supplier in exclude or supplier in found:
                continue
            found[supplier] = (supplier, suggestion['supplier_name'],
                [suggestion['name']] + suggestion['reasons'])
    return list(found.values())


def approved_suppliers(query, exclude=(), limit=20):
    "Approved suppliers whose name holds the query, for invitations"
    Member = Pool().get('s2b2b.member')
    query = (query or '').strip()[:100]
    if not query:
        return []
    domain = [('is_supplier', '=', True), ('state', '=', 'approved'),
        ('id', 'not in', list(exclude)),
        ('party.name', 'ilike', f'%{query}%')]
    # The directory of approved suppliers is public to members
    with without_check_access():
        return [(m.id, m.rec_name) for m in Member.search(domain,
                limit=limit, order=[('id', 'ASC')])]


def approved_supplier(member_id):
    "An approved supplier to invite, or None"
    Member = Pool().get('s2b2b.member')
    with without_check_access():
        members = Member.search([('id', '=', member_id),
                ('is_supplier', '=', True), ('state', '=', 'approved')],
            limit=1)
    return members[0] if members else None


# Bargaining

def offer_values(offer):
    return {'id': offer.id, 'round': offer.sequence, 'side': offer.side,
        'side_string': offer.side_string, 'action': offer.action,
        'action_string': offer.action_string,
        'price': offer.unit_price, 'note': offer.note or '',
        'date': offer.create_date}


def bargaining(line, side):
    "Where the bargaining of a quotation line stands for one side"
    table = rules.state(line.unit_price, line.moves).price
    open_ = (line.bargain_state == 'open'
        and line.quotation.rfq.state == 'open'
        and line.quotation.state == 'submitted')
    return {
        'id': line.id, 'quoted': line.unit_price,
        'current': line.current_price, 'agreed': line.agreed_price,
        'on_table': table,
        'state': line.bargain_state, 'next_side': line.next_side,
        'offers': [offer_values(o) for o in line.offers],
        'my_turn': open_ and line.next_side == side,
        }


# Quotations and the comparison

def quotation_values(quotation, side):
    "A quotation with its lines and their bargaining"
    return {
        'id': quotation.id, 'supplier': quotation.supplier.id,
        'state': quotation.state, 'state_string': quotation.state_string,
        'revision': quotation.revision,
        'submitted': quotation.submitted_date,
        'valid_until': quotation.valid_until,
        'lead_time': quotation.lead_time, 'freight': quotation.freight,
        'terms': quotation.terms or '',
        'lines': {l.rfq_line.id: {
                **bargaining(l, side), 'lead_time': l.lead_time,
                'breaks': [(b.quantity, b.unit_price) for b in l.breaks],
                } for l in quotation.lines},
        }


def revision_values(quotation):
    "The revisions of a quotation, latest first"
    lines = {l.id: l.description for l in quotation.rfq.lines}
    return [{
            'number': r.number, 'date': r.create_date,
            'digest': r.digest,
            'freight': r.content.get('freight'),
            'lead_time': r.content.get('lead_time'),
            'valid_until': r.content.get('valid_until'),
            'lines': [(lines.get(l['rfq_line'], ''), l['unit_price'],
                    l.get('breaks') or []) for l in r.content.get('lines', [])],
            } for r in reversed(quotation.revisions)]


def comparison_values(rfq):
    """The buyer's comparison: columns (quotations), rows (lines) with
    the best marked, and each column's totals"""
    comparison = rfq.comparison()
    quotations = {q.id: q for q in rfq.quotations if q.id in
        comparison.totals}
    names = member_names([q.supplier.id for q in quotations.values()])
    columns = [{'quotation': q.id, 'supplier': q.supplier.id,
            'name': names.get(q.supplier.id, ''),
            'total': comparison.totals[q.id],
            'best': q.id in comparison.best_total}
        for q in sorted(quotations.values(),
            key=lambda q: comparison.totals[q.id].landed)]
    lines = {l.id: l for l in rfq.lines}
    rows = []
    for row in comparison.rows:
        cells = []
        for column in columns:
            cell = row.cells.get(column['quotation'])
            cells.append(cell and {'price': cell.price,
                    'lead_time': cell.lead_time, 'declined': cell.declined,
                    'best_price': column['quotation'] in row.best_price,
                    'best_lead_time':
                    column['quotation'] in row.best_lead_time})
        line = lines[row.line]
        rows.append({'line': line.id, 'description': line.description,
                'quantity': row.quantity, 'uom': line.uom.rec_name,
                'cells': cells})
    return {'columns': columns, 'rows': rows,
        'currency': rfq.currency.code}


def contracts_of(rfq):
    "The contracts an award of the RFQ made (for the buyer or supplier)"
    Contract = Pool().get('s2b2b.contract')
    contracts = Contract.search([('origin', '=', str(rfq))],
        order=[('id', 'ASC')])
    names = member_names([c.supplier.id for c in contracts])
    return [{'id': c.id, 'number': c.number or f'#{c.id}',
            'supplier': c.supplier.id,
            'supplier_name': names.get(c.supplier.id, ''),
            'total': c.total, 'currency': c.currency.code,
            'state_string': c.state_string} for c in contracts]


def messages_of(rfq, supplier):
    "The thread of the RFQ with one supplier, oldest first"
    Message = Pool().get('s2b2b.rfq.message')
    return [{'id': m.id, 'side': m.side, 'side_string': m.side_string,
            'body': m.body, 'date': m.create_date}
        for m in Message.search([('rfq', '=', rfq.id),
                ('supplier', '=', supplier)])]
