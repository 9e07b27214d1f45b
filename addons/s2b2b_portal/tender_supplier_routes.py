# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Supplier tender pages under /<database>/portal/tender-invitations:
the tenders a supplier is invited to (by name or by its categories), its
sealed bid (prices per line, lead time, carbon) saved and submitted
until the deadline, and the results once awarded.

A submitted bid is sealed: its own supplier no longer reads its prices
before the opening (tender.py), and it cannot be changed, only withdrawn
before the deadline.
"""
import datetime as dt
import math
import re
from urllib.parse import urlencode

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.protocols.wrappers import redirect

from . import document_views as docs
from . import procurement_views as views
from .catalog_routes import supplier_only
from .portal import (
    SUPPLIER_NAVIGATION, _, base_path, done_messages, page_route,
    render, submit_form)
from .procurement_routes import can, page_number

PORTAL = '/<database_name>/portal'
PAGE_SIZE = 20
BID_RE = re.compile(r'^b-(\d+)-(price|quantity|carbon)$')

SUPPLIER_NAVIGATION.append(
    ('tender-invitations', 'nav_dc_tender_invitations', None))


def tender_filters():
    now = dt.datetime.now()
    return {
        'open': [('state', '=', 'published'), ('deadline', '>', now)],
        'closed': ['OR', ('state', '!=', 'published'),
            ('deadline', '<=', now)],
        'all': [],
        }


@page_route('/tender-invitations', kind=supplier_only)
def tender_invitations(request, pool, user):
    Tender = pool.get('s2b2b.tender')
    Bid = pool.get('s2b2b.tender.bid')
    member = user.s2b2b_member
    tabs = tender_filters()
    show = request.args.get('show') if request.args.get('show') in tabs \
        else 'open'
    domain = [('state', '!=', 'draft'),
        ('invitations.supplier', '=', member.id)]
    counts = {t: Tender.search(domain + ([d] if d else []), count=True)
        for t, d in tabs.items()}
    full = domain + ([tabs[show]] if tabs[show] else [])
    pages = max(math.ceil(Tender.search(full, count=True) / PAGE_SIZE), 1)
    number = min(page_number(request.args), pages)
    records = Tender.search(full, offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE, order=[('deadline', 'ASC'), ('id', 'ASC')])
    bids = {b.tender.id: b for b in Bid.search([
                ('supplier', '=', member.id), ('state', '!=', 'withdrawn'),
                ('tender', 'in', [t.id for t in records])])}
    return render(request, 'tender_invitations.html', user=user,
        active='tender-invitations', tenders=records, show=show,
        counts=counts, page=number, pages=pages, when=views.when,
        bids=bids, buyers=views.member_names(t.buyer.id for t in records),
        styles=docs.TENDER_STYLES, bid_styles=docs.BID_STYLES,
        query=lambda **c: urlencode(
            {k: v for k, v in {'show': show, **c}.items() if v}))


def _text(value):
    return '' if value is None else str(value)


def bid_form(tender, bid):
    "The form's texts: the draft's content, or empty"
    content = (docs.bid_content(bid) if bid else None) or {}
    lines = content.get('lines', {})
    return {'lead_time': _text(content.get('lead_time')),
        'notes': content.get('notes') or '',
        'lines': {l.id: {k: _text(lines.get(str(l.id), {}).get(k))
                for k in ['unit_price', 'quantity', 'carbon']}
            for l in tender.lines}}


def bid_request_form(tender, data):
    lines = {l.id: {'unit_price': '', 'quantity': '', 'carbon': ''}
        for l in tender.lines}
    for key in data:
        match = BID_RE.match(key)
        if match and int(match.group(1)) in lines:
            name = 'unit_price' if match.group(2) == 'price' \
                else match.group(2)
            lines[int(match.group(1))][name] = (data.get(key) or '').strip()
    return {'lead_time': (data.get('lead_time') or '').strip(),
        'notes': (data.get('notes') or '').strip()[:2000], 'lines': lines}


def bid_content(tender, form):
    """The content Bid.set_content seals, from the form's texts: the
    model checks the figures (sealing.normalise) and says what is wrong"""
    lines = {}
    for line in tender.lines:
        texts = form['lines'][line.id]
        lines[line.id] = {'unit_price': texts['unit_price'].replace(',', ''),
            'quantity': texts['quantity'].replace(',', '') or line.quantity,
            'carbon': texts['carbon'] or None}
    return {'lines': lines, 'lead_time': form['lead_time'],
        'notes': form['notes']}


def supplier_values(request, user, tender, form=None):
    "What the supplier's page of a tender shows"
    Tender = Pool().get('s2b2b.tender')
    tender = Tender(tender.id)
    member = user.s2b2b_member
    bid = docs.own_bid(tender)
    summary = docs.bid_summary(bid) if bid else None
    accepting = tender.state == 'published' \
        and tender.deadline > dt.datetime.now()
    acting = can(user, views.SUPPLIER_ROLES)
    return {
        'user': user, 'active': 'tender-invitations', 'tender': tender,
        'buyer': views.member_names([tender.buyer.id])[tender.buyer.id],
        'bid': summary, 'form': form or bid_form(tender, bid),
        'can_act': acting, 'accepting': accepting,
        'can_bid': acting and accepting and (
            bid is None or bid.state == 'draft'),
        'awarded': docs.supplier_awards(tender, member.id)
        if tender.state == 'awarded' else [],
        'contracts': docs.tender_contracts(tender)
        if tender.state == 'awarded' else [],
        'styles': docs.TENDER_STYLES, 'bid_styles': docs.BID_STYLES,
        'money': views.money, 'price': views.price, 'qty': views.qty,
        'when': views.when,
        'messages': done_messages(request, 'dc_bid_saved',
            'dc_bid_submitted', 'dc_bid_withdrawn'),
        }


@page_route('/tender-invitations/<record_id>', kind=supplier_only)
def tender_invitation(request, pool, user, record_id):
    tender = docs.invited_tender(record_id)
    return render(request, 'tender_supplier.html',
        **supplier_values(request, user, tender))


def supplier_submit(request, user, tender, action, form=None):
    return submit_form(request, 'tender_supplier.html', action,
        lambda: supplier_values(request, user, tender, form))


def place_bid(request, tender, form, submit):
    """Seal the form's content on the supplier's draft bid (made when
    there is none) and submit it when asked"""
    Bid = Pool().get('s2b2b.tender.bid')
    bid = docs.own_bid(tender)
    if bid is None:
        bid, = Bid.create([{'tender': tender.id,
                    'supplier': docs.requesting_member()}])
    Bid.set_content([bid], bid_content(tender, form))
    if submit:
        Bid.submit([Bid(bid.id)])
    done = 'dc_bid_submitted' if submit else 'dc_bid_saved'
    return redirect(f'{base_path(request)}/tender-invitations/{tender.id}'
        f'?done={done}')


@page_route('/tender-invitations/<record_id>/bid',
    ['POST'], roles=views.SUPPLIER_ROLES, kind=supplier_only)
def tender_bid_submit(request, pool, user, record_id):
    "Save (action=save) or submit the supplier's sealed bid"
    tender = docs.invited_tender(record_id)
    form = bid_request_form(tender, request.form)
    submit = request.form.get('action') != 'save'
    return supplier_submit(request, user, tender,
        lambda: place_bid(request, tender, form, submit), form)


@page_route('/tender-invitations/<record_id>/withdraw',
    ['POST'], roles=views.SUPPLIER_ROLES, kind=supplier_only)
def tender_bid_withdraw(request, pool, user, record_id):
    Bid = pool.get('s2b2b.tender.bid')
    tender = docs.invited_tender(record_id)

    def withdraw():
        bid = docs.own_bid(tender)
        if bid is None:
            raise UserError(_('dc_no_bid'))
        Bid.withdraw([bid])
        return redirect(f'{base_path(request)}/tender-invitations/'
            f'{tender.id}?done=dc_bid_withdrawn')
    return supplier_submit(request, user, tender, withdraw)
