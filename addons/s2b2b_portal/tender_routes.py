# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Buyer tender pages under /<database>/portal/tenders: write a tender
(lines, criteria weights, deadline and opening time, invited suppliers
or a category), publish it, follow how many bid, and once an operator
opened the bids read the scored ranking and award it to one supplier or
split its lines.

Rules stay in s2b2b_procurement (tender.py): nothing here reads a bid's
prices before the opening, the model would refuse it anyway.
"""
import re
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.s2b2b_procurement.company import company_currency
from trytond.pool import Pool
from trytond.protocols.wrappers import redirect

from . import document_views as docs
from . import procurement_views as views
from .catalog_routes import _reload, category_of, listed_categories, \
    parse_number, uom_id
from .portal import (
    BUYER_NAVIGATION, _, done_messages, not_found, page_route,
    render, require_role, submit_form)
from .procurement_routes import (
    buyer_only, can, chosen_supplier, datetime_text, datetime_value,
    default_deadline, line_actions, state_list, url)
from .routes import selection

PORTAL = '/<database_name>/portal'
LINE_RE = re.compile(r'^line-(\d+)-(\w+)$')
LINE_FIELDS = ['id', 'description', 'category', 'quantity', 'uom',
    'ceiling_price', 'specs']
HEADER_FIELDS = ['title', 'description', 'deadline', 'opening_time',
    'scope', 'category', *docs.WEIGHT_FIELDS]
TENDER_ACTIONS = {'publish', 'cancel'}
AWARD_RE = re.compile(r'^award-(\d+)-(\d+)$')

BUYER_NAVIGATION.append(('tenders', 'nav_dc_tenders', None))


def _text(value):
    if value is None:
        return ''
    if isinstance(value, float):
        return f'{value:g}'
    if isinstance(value, Decimal):
        return f'{value.normalize():f}'
    return str(value)


def tender_form(tender):
    "The editor's texts of a tender, or of a new one"
    Tender = Pool().get('s2b2b.tender')
    if tender is None:
        deadline = default_deadline()
        return {'title': '', 'description': '', 'scope': 'invited',
            'category': '', 'deadline': datetime_text(deadline),
            'opening_time': datetime_text(deadline),
            **{f: _text(getattr(Tender, f'default_{f}')())
                for f in docs.WEIGHT_FIELDS}, 'lines': []}
    return {'title': tender.title, 'description': tender.description or '',
        'deadline': datetime_text(tender.deadline),
        'opening_time': datetime_text(tender.opening_time),
        'scope': tender.scope,
        'category': str(tender.category.id) if tender.category else '',
        **{f: _text(getattr(tender, f)) for f in docs.WEIGHT_FIELDS},
        'lines': [{'id': str(l.id), 'description': l.description,
                'category': str(l.category.id) if l.category else '',
                'quantity': _text(l.quantity), 'uom': str(l.unit.id),
                'ceiling_price': _text(l.ceiling_price),
                'specs': l.specs or ''} for l in tender.lines]}


def request_lines(data):
    "The rows line-<i>-<field> of the form, in order, without empty ones"
    rows = {}
    for key in data:
        match = LINE_RE.match(key)
        if match and match.group(2) in LINE_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = (
                data.get(key) or '').strip()
    rows = [{**dict.fromkeys(LINE_FIELDS, ''), **r}
        for _i, r in sorted(rows.items())]
    return [r for r in rows if r['description'] or r['quantity']]


def tender_request_form(data):
    return {**{f: (data.get(f) or '').strip() for f in HEADER_FIELDS},
        'lines': request_lines(data)}


def line_values(row):
    description = row['description'][:255]
    if not description:
        raise UserError(_('pr_line_description'))
    category = category_of(row['category']) if row['category'] else None
    quantity = parse_number(row['quantity'], float, _('pr_quantity'))
    if quantity is None:
        raise UserError(_('pr_required', field=_('pr_quantity')))
    return {'description': description,
        'category': category.id if category else None,
        'quantity': quantity, 'unit': uom_id(row['uom']),
        'ceiling_price': parse_number(row['ceiling_price'], Decimal,
            _('dc_ceiling_price')),
        'specs': row['specs'][:5000] or None}


def header_values(form):
    title = form['title'][:255]
    if not title:
        raise UserError(_('pr_required', field=_('pr_title')))
    times = {}
    for name, label in [('deadline', 'pr_deadline'),
            ('opening_time', 'dc_opening_time')]:
        times[name] = datetime_value(form[name])
        if times[name] is None:
            raise UserError(_('pr_required', field=_(label)))
    scope = form['scope'] if form['scope'] in {'invited', 'category'} \
        else 'invited'
    category = category_of(form['category']) if scope == 'category' \
        else None
    if scope == 'category' and category is None:
        raise UserError(_('pr_rfq_category'))
    weights = {}
    for name in docs.WEIGHT_FIELDS:
        weights[name] = parse_number(form[name], Decimal,
            _(f'dc_{name}')) or Decimal(0)
    return {'title': title, 'description': form['description'] or None,
        'scope': scope, 'category': category.id if category else None,
        **times, **weights}


def save_tender(request, user, tender, form):
    Tender = Pool().get('s2b2b.tender')
    values = header_values(form)
    values['lines'] = line_actions(tender, form['lines'], ordered=True,
        values_of=line_values)
    if tender is None:
        tender, = Tender.create([{**values, 'buyer': user.s2b2b_member.id,
                    'currency': company_currency()}])
    else:
        check_draft(tender)
        Tender.write([tender], values)
    return redirect(url(request, f'/tenders/{tender.id}?done=pr_saved'))


def check_draft(tender):
    if tender.state != 'draft':
        raise UserError(_('dc_tender_published', tender=tender.title))


def line_editor(rows):
    Uom = Pool().get('product.uom')
    Line = Pool().get('s2b2b.requirement.line')
    empty = {**dict.fromkeys(LINE_FIELDS, ''), 'uom': str(Line.default_uom())}
    return {'rows': list(rows) + [dict(empty)
            for _i in range(1 if rows else 2)],
        'categories': listed_categories(),
        'uoms': [(u.id, u.rec_name) for u in Uom.search([])]}


def draft_values(request, user, tender, form):
    "What the editor of a tender in draft shows"
    Tender = Pool().get('s2b2b.tender')
    tender = Tender(tender.id) if tender is not None else None
    invited = {i.supplier.id: i for i in tender.invitations} if tender \
        else {}
    names = views.member_names(invited)
    query = (request.args.get('supplier_q') or '').strip()[:100]
    return {
        'user': user, 'active': 'tenders', 'tender': tender, 'form': form,
        'can_act': can(user, views.BUYER_ROLES),
        'editor': line_editor(form['lines']),
        'scopes': selection('s2b2b.tender', 'scope'),
        'categories': listed_categories(),
        'invitations': [(i.id, names.get(s, '')) for s, i in
            invited.items()],
        'supplier_q': query,
        'found': views.approved_suppliers(query,
            set(invited) | {user.s2b2b_member.id}) if tender else [],
        'styles': docs.TENDER_STYLES,
        'messages': done_messages(request, 'pr_saved', 'pr_invited',
            'pr_uninvited'),
        }


def tender_values(request, user, tender, form=None):
    "What the buyer's page of a published tender shows"
    Tender = Pool().get('s2b2b.tender')
    tender = Tender(tender.id)
    opened = tender.state in {'opened', 'awarded'}
    bids = docs.ranking(tender) if opened else []
    awards = docs.awards_of(tender)
    if tender.state == 'opened' and not awards and bids:
        awards = docs.split_suggestion(tender)
    return {
        'user': user, 'active': 'tenders', 'tender': tender,
        'form': form or {}, 'can_act': can(user, views.BUYER_ROLES),
        'invited': sorted(views.member_names(
                i.supplier.id for i in tender.invitations).values()),
        'bids': bids, 'awards': awards,
        'contracts': docs.tender_contracts(tender)
        if tender.state == 'awarded' else [],
        'styles': docs.TENDER_STYLES, 'money': views.money,
        'price': views.price, 'qty': views.qty, 'when': views.when,
        'messages': done_messages(request, 'pr_saved', 'dc_publish',
            'pr_cancel', 'pr_awarded'),
        }


def page_values(request, user, tender):
    Tender = Pool().get('s2b2b.tender')
    tender = Tender(tender.id)
    if tender.state == 'draft':
        return draft_values(request, user, tender, tender_form(tender))
    return tender_values(request, user, tender)


def tender_submit(request, user, tender, action):
    "Do action(); a refusal shows the tender's page with its error"
    template = 'tender_edit.html' if tender.state == 'draft' \
        else 'tender.html'
    return submit_form(request, template, action,
        lambda: page_values(request, user, tender))


def tender_editor(request, user, tender):
    if request.method == 'GET':
        reload = _reload(request)
        if reload:
            return reload
        form = (tender_request_form(request.args)
            if 'reload' in request.args else tender_form(tender))
        return render(request, 'tender_edit.html',
            **draft_values(request, user, tender, form))
    require_role(user, *views.BUYER_ROLES)
    form = tender_request_form(request.form)
    return submit_form(request, 'tender_edit.html',
        lambda: save_tender(request, user, tender, form),
        lambda: draft_values(request, user, tender, form))


@page_route('/tenders', kind=buyer_only)
def tenders(request, pool, user):
    Tender = pool.get('s2b2b.tender')
    listing = state_list(Tender, [('buyer', '=', user.s2b2b_member.id)],
        {s: [('state', '=', s)] for s, _l in
            selection('s2b2b.tender', 'state')}, request.args)
    return render(request, 'tenders.html', user=user, active='tenders',
        states=selection('s2b2b.tender', 'state'),
        styles=docs.TENDER_STYLES, can_edit=can(user, views.BUYER_ROLES),
        when=views.when, **listing)


@page_route('/tenders/new',
    ['GET', 'POST'], roles=views.BUYER_ROLES, kind=buyer_only)
def tender_new(request, pool, user):
    return tender_editor(request, user, None)


@page_route('/tenders/<record_id>', ['GET', 'POST'], kind=buyer_only)
def tender_page(request, pool, user, record_id):
    tender = docs.own_tender(record_id)
    if tender.state == 'draft':
        return tender_editor(request, user, tender)
    if request.method == 'POST':
        require_role(user, *views.BUYER_ROLES)
        return tender_submit(request, user, tender,
            lambda: check_draft(tender))
    return render(request, 'tender.html',
        **tender_values(request, user, tender))


def tender_action(request, tender, action):
    Tender = Pool().get('s2b2b.tender')
    if action == 'cancel':
        reason = (request.form.get('reason') or '').strip()[:2000]
        if not reason:
            raise UserError(_('dc_cancel_reason'))
        views.check_state(tender, {'draft', 'published', 'opened'},
            tender.title)
        Tender.write([tender], {'cancel_reason': reason})
        tender = Tender(tender.id)
    else:
        views.check_state(tender, {'draft'}, tender.title)
    getattr(Tender, action)([tender])
    done = 'dc_publish' if action == 'publish' else 'pr_cancel'
    return redirect(url(request, f'/tenders/{tender.id}?done={done}'))


@page_route('/tenders/<record_id>/<action>',
    ['POST'], roles=views.BUYER_ROLES, kind=buyer_only)
def tender_act(request, pool, user, record_id, action):
    tender = docs.own_tender(record_id)
    if action not in TENDER_ACTIONS:
        raise not_found()
    return tender_submit(request, user, tender,
        lambda: tender_action(request, tender, action))


@page_route('/tenders/<record_id>/invitations',
    ['POST'], roles=views.BUYER_ROLES, kind=buyer_only)
def tender_invite(request, pool, user, record_id):
    Invitation = pool.get('s2b2b.tender.invitation')
    tender = docs.own_tender(record_id)

    def invite():
        check_draft(tender)
        supplier = chosen_supplier(request, user)
        if supplier.id not in {i.supplier.id for i in tender.invitations}:
            Invitation.create([{'tender': tender.id,
                        'supplier': supplier.id}])
        return redirect(url(request, f'/tenders/{tender.id}?done=pr_invited'))
    return tender_submit(request, user, tender, invite)


@page_route('/tenders/<record_id>/invitations/<invitation_id>/delete',
    ['POST'], roles=views.BUYER_ROLES, kind=buyer_only)
def tender_uninvite(request, pool, user, record_id, invitation_id):
    Invitation = pool.get('s2b2b.tender.invitation')
    tender = docs.own_tender(record_id)
    invitations = [i for i in tender.invitations
        if str(i.id) == invitation_id]
    if not invitations:
        raise not_found()

    def uninvite():
        check_draft(tender)
        Invitation.delete(invitations)
        return redirect(url(request,
                f'/tenders/{tender.id}?done=pr_uninvited'))
    return tender_submit(request, user, tender, uninvite)


def award_rows(request, tender):
    "(line, bid, quantity) of the award form's filled cells"
    lines = {l.id: l for l in tender.lines}
    bids = {b.id: b for b in tender.bids if b.state == 'submitted'}
    rows = []
    for key in request.form:
        match = AWARD_RE.match(key)
        value = (request.form.get(key) or '').strip()
        if not match or not value:
            continue
        line, bid = (int(match.group(1)), int(match.group(2)))
        if line not in lines or bid not in bids:
            raise not_found()
        quantity = parse_number(value, float, _('pr_quantity'))
        if quantity:
            rows.append((lines[line], bids[bid], quantity))
    return rows


def award(request, tender):
    """Award the whole tender to one bid (bid=<id>) or the lines as the
    form splits them, then make the contracts"""
    pool = Pool()
    Tender = pool.get('s2b2b.tender')
    Award = pool.get('s2b2b.tender.award')
    views.check_state(tender, {'opened'}, tender.title)
    whole = (request.form.get('bid') or '').strip()
    if whole:
        bid = docs.opened_bid(tender, whole)
        Tender.award_to(tender, bid)
    else:
        rows = award_rows(request, tender)
        if not rows:
            raise UserError(_('dc_award_empty'))
        Award.delete(list(tender.awards))
        Award.save([Award(tender=tender, line=l, bid=b, quantity=q)
                for l, b, q in rows])
    Tender.award([Tender(tender.id)])
    return redirect(url(request, f'/tenders/{tender.id}?done=pr_awarded'))


@page_route('/tenders/<record_id>/award',
    ['POST'], roles=views.BUYER_ROLES, kind=buyer_only)
def tender_award(request, pool, user, record_id):
    tender = docs.own_tender(record_id)
    return tender_submit(request, user, tender,
        lambda: award(request, tender))


@page_route('/tenders/<record_id>/bids/<bid_id>', kind=buyer_only)
def tender_bid(request, pool, user, record_id, bid_id):
    "One opened bid of the buyer's tender: before the opening, 404"
    tender = docs.own_tender(record_id)
    bid = docs.opened_bid(tender, bid_id)
    values = tender_values(request, user, tender)
    values['bids'] = [b for b in values['bids'] if b['id'] == bid.id]
    return render(request, 'tender_bid.html', **values)
