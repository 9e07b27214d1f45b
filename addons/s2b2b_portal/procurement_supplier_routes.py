# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Supplier pages of the RFQs a supplier is invited to, under
/<database>/portal/invitations: its quotation and revisions, the
bargaining on its lines and its thread with the buyer.

A supplier never sees another supplier's quotation nor the buyer's
comparison, nor the buyer's target prices.  Sales users and
administrators act, every user of the supplier reads.
"""
import datetime as dt
import math
import re
from decimal import Decimal
from urllib.parse import urlencode

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.protocols.wrappers import redirect, with_pool, with_transaction
from trytond.wsgi import app

from . import procurement_views as views
from .catalog_routes import parse_number, supplier_only
from .portal import (
    SUPPLIER_NAVIGATION, _, base_path, done_messages, page, page_errors,
    render, submit_form)
from .procurement_routes import (
    can, make_move, page_number, post_message, waiting_moves)
from .routes import WAITING, parse_date

PORTAL = '/<database_name>/portal'
PAGE_SIZE = 20
BREAK_ROWS = 2
QUOTE_RE = re.compile(r'^q-(\d+)-(?:break-(\d+)-(quantity|price)|(\w+))$')

SUPPLIER_NAVIGATION.append(('invitations', 'nav_pr_invitations', None))


def invitation_filters():
    "The tabs of the invitations: open, closed, all"
    now = dt.datetime.now()
    return {
        'open': [('state', '=', 'open'), ('deadline', '>', now)],
        'closed': ['OR', ('state', 'in', ['closed', 'awarded',
                    'cancelled']), ('deadline', '<=', now)],
        'all': [],
        }


@app.route(f'{PORTAL}/invitations', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page()
@supplier_only
def invitations(request, pool, user):
    Rfq = pool.get('s2b2b.rfq')
    member = user.s2b2b_member
    tabs = invitation_filters()
    show = request.args.get('show') if request.args.get('show') in tabs \
        else 'open'
    domain = [('state', '!=', 'draft'),
        ('invitations.supplier', '=', member.id)]
    counts = {t: Rfq.search(domain + [d] if d else domain, count=True)
        for t, d in tabs.items()}
    full = domain + ([tabs[show]] if tabs[show] else [])
    total = Rfq.search(full, count=True)
    pages = max(math.ceil(total / PAGE_SIZE), 1)
    number = min(page_number(request.args), pages)
    records = Rfq.search(full, offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE, order=[('deadline', 'ASC'), ('id', 'ASC')])
    return render(request, 'rfq_invitations.html', user=user,
        active='invitations', rfqs=records, show=show, counts=counts,
        page=number, pages=pages, when=views.when,
        buyers=views.member_names(r.buyer.id for r in records),
        quoted=own_quotations(member, records),
        styles=views.RFQ_STYLES, query=lambda **c: urlencode(
            {k: v for k, v in {'show': show, **c}.items() if v}))


def own_quotations(member, rfqs):
    "{RFQ id: quotation} of the supplier"
    Quotation = Pool().get('s2b2b.rfq.quotation')
    return {q.rfq.id: q for q in Quotation.search([
                ('supplier', '=', member.id),
                ('rfq', 'in', [r.id for r in rfqs])])}


def own_quotation(member, rfq):
    return own_quotations(member, [rfq]).get(rfq.id)


def _text(value):
    if value is None:
        return ''
    if isinstance(value, float):
        return f'{value:g}'
    return str(value)


def quotation_form(quotation):
    "The form's texts of the supplier's quotation, or empty"
    if quotation is None:
        return {'lead_time': '', 'valid_until': '', 'freight': '',
            'terms': '', 'lines': {}}
    return {
        'lead_time': _text(quotation.lead_time),
        'valid_until': _text(quotation.valid_until),
        'freight': _text(quotation.freight), 'terms': quotation.terms or '',
        'lines': {l.rfq_line.id: {
                'price': _text(l.unit_price),
                'lead_time': _text(l.lead_time),
                'breaks': [{'quantity': _text(b.quantity),
                        'price': _text(b.unit_price)} for b in l.breaks],
                } for l in quotation.lines},
        }


def quotation_request_form(data):
    "The texts of the quotation form sent"
    lines = {}
    for key in data:
        match = QUOTE_RE.match(key)
        if not match:
            continue
        line = lines.setdefault(int(match.group(1)),
            {'price': '', 'lead_time': '', 'breaks': {}})
        value = (data.get(key) or '').strip()
        if match.group(2):
            line['breaks'].setdefault(int(match.group(2)), {})[
                match.group(3)] = value
        elif match.group(4) in {'price', 'lead_time'}:
            line[match.group(4)] = value
    for line in lines.values():
        line['breaks'] = [b for _i, b in sorted(line['breaks'].items())
            if any(b.values())]
    return {**{f: (data.get(f) or '').strip() for f in [
                'lead_time', 'valid_until', 'freight', 'terms']},
        'lines': lines}


def quotation_line(rfq_line, texts):
    "The quotation values of one RFQ line, None when not quoted"
    if not texts['price']:
        if texts['lead_time'] or texts['breaks']:
            raise UserError(_('pr_quote_price_missing',
                    line=rfq_line.description))
        return None
    value = {'rfq_line': rfq_line.id, 'unit_price': parse_number(
            texts['price'], Decimal, _('pr_unit_price')),
        'breaks': [(parse_number(b.get('quantity'), float,
                    _('pr_break_quantity')),
                parse_number(b.get('price'), Decimal, _('pr_break_price')))
            for b in texts['breaks']]}
    if any(q is None or p is None for q, p in value['breaks']):
        raise UserError(_('pr_break_incomplete', line=rfq_line.description))
    if texts['lead_time']:
        value['lead_time'] = parse_number(
            texts['lead_time'], int, _('pr_lead_time'))
    return value


def quotation_values(rfq, form):
    "The values Quotation.submit takes, from the form's texts"
    lines = [quotation_line(l, form['lines'].get(l.id, {
                'price': '', 'lead_time': '', 'breaks': []}))
        for l in rfq.lines]
    return {
        'lead_time': parse_number(form['lead_time'], int, _('pr_lead_time')),
        'valid_until': parse_date(form['valid_until']),
        'freight': parse_number(form['freight'], Decimal, _('pr_freight')),
        'terms': form['terms'][:5000] or None,
        'lines': [l for l in lines if l],
        }


def supplier_values(request, user, rfq, form=None):
    "What the supplier's page of an RFQ shows"
    Rfq = Pool().get('s2b2b.rfq')
    rfq = Rfq(rfq.id)
    member = user.s2b2b_member
    quotation = own_quotation(member, rfq)
    bargained = bool(quotation) and any(l.offers for l in quotation.lines)
    acting = can(user, views.SUPPLIER_ROLES)
    return {
        'user': user, 'active': 'invitations', 'rfq': rfq,
        'buyer': views.member_names([rfq.buyer.id])[rfq.buyer.id],
        'lines': [{'line': l, 'specs': views.spec_texts(l.category, l.specs)}
            for l in rfq.lines],
        'quotation': views.quotation_values(quotation, 'supplier')
        if quotation else None,
        'revisions': views.revision_values(quotation) if quotation else [],
        'form': form or quotation_form(quotation),
        'can_act': acting, 'break_rows': BREAK_ROWS,
        'can_quote': acting and rfq.quoting and not bargained,
        'bargained': bargained,
        'conversation': views.messages_of(rfq, member.id),
        'contracts': [c for c in views.contracts_of(rfq)
            if c['supplier'] == member.id],
        'styles': views.RFQ_STYLES,
        'quotation_styles': views.QUOTATION_STYLES,
        'bargain_styles': views.BARGAIN_STYLES,
        'money': views.money, 'price': views.price, 'qty': views.qty,
        'when': views.when, 'side': 'supplier',
        'messages': done_messages(request, 'pr_quoted', 'pr_offer',
            'pr_message'),
        }


@app.route(f'{PORTAL}/invitations/<record_id>', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page()
@supplier_only
def invitation(request, pool, user, record_id):
    rfq = views.invited_rfq(record_id)
    return render(request, 'rfq_supplier.html',
        **supplier_values(request, user, rfq))


def supplier_submit(request, user, rfq, action, form=None):
    "Do action(); a refusal shows the supplier's page with its error"
    return submit_form(request, 'rfq_supplier.html', action,
        lambda: supplier_values(request, user, rfq, form))


@app.route(f'{PORTAL}/invitations/<record_id>/quotation', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=views.SUPPLIER_ROLES)
@supplier_only
def invitation_quote(request, pool, user, record_id):
    "Submit or revise the supplier's quotation"
    Quotation = pool.get('s2b2b.rfq.quotation')
    Member = pool.get('s2b2b.member')
    rfq = views.invited_rfq(record_id)
    form = quotation_request_form(request.form)

    def quote():
        Quotation.submit(rfq, Member(user.s2b2b_member.id),
            quotation_values(rfq, form), web_user=user)
        return redirect(f'{base_path(request)}/invitations/{rfq.id}'
            '?done=pr_quoted')
    return supplier_submit(request, user, rfq, quote, form)


@app.route(f'{PORTAL}/invitations/<record_id>/offers/<line_id>',
    methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=views.SUPPLIER_ROLES)
@supplier_only
def invitation_offer(request, pool, user, record_id, line_id):
    rfq = views.invited_rfq(record_id)
    line = views.rfq_line(rfq, line_id)
    if line.quotation.supplier.id != user.s2b2b_member.id:
        raise views.not_found('s2b2b.rfq.quotation.line')

    def move():
        make_move(request, user, line)
        return redirect(f'{base_path(request)}/invitations/{rfq.id}'
            f'?done=pr_offer#line-{line.id}')
    return supplier_submit(request, user, rfq, move)


@app.route(f'{PORTAL}/invitations/<record_id>/messages', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=views.SUPPLIER_ROLES)
@supplier_only
def invitation_message(request, pool, user, record_id):
    rfq = views.invited_rfq(record_id)

    def post():
        post_message(request, user, rfq, user.s2b2b_member.id)
        return redirect(f'{base_path(request)}/invitations/{rfq.id}'
            '?done=pr_message#thread')
    return supplier_submit(request, user, rfq, post)


# --- Home page counters --------------------------------------------------

def _supplier_waiting(user, member):
    Rfq = Pool().get('s2b2b.rfq')
    if not member.is_supplier or not can(user, views.SUPPLIER_ROLES):
        return []
    open_ = [('state', '=', 'open'), ('deadline', '>', dt.datetime.now()),
        ('invitations.supplier', '=', member.id)]
    quoted = set(own_quotations(member, Rfq.search(open_)))
    return [
        (_('pr_waiting_invitations'), Rfq.search(open_ + [
                    ('id', 'not in', list(quoted))], count=True),
            'invitations?show=open'),
        (_('pr_waiting_supplier_moves'), waiting_moves(member, 'supplier'),
            'invitations?show=open'),
        ]


WAITING.append(_supplier_waiting)
