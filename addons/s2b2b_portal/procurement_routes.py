# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Buyer procurement pages under /<database>/portal/: purchase
requirements and RFQs, from the need to the award.

Rules stay in s2b2b_procurement; these handlers read forms, call the
models inside the member's request and render.  Purchasers and
administrators act, approvers approve, every user of the buyer reads.
"""
import datetime as dt
import math
import re
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.protocols.wrappers import redirect, with_pool, with_transaction
from trytond.wsgi import app

from . import procurement_views as views
from .catalog_routes import (
    _reload, category_of, listed_categories, parse_number, uom_id)
from .portal import (
    BUYER_NAVIGATION, _, base_path, done_messages, forbidden, not_found,
    page, page_errors, render, require_role, submit_form)
from .routes import WAITING, parse_date, selection

PORTAL = '/<database_name>/portal'
PAGE_SIZE = 20
EMPTY_LINES = 2
LINE_RE = re.compile(r'^line-(\d+)-(?:spec-(\w+)|(\w+))$')
LINE_FIELDS = ['id', 'description', 'category', 'quantity', 'uom',
    'target_price', 'needed_by']
REQUIREMENT_FIELDS = ['title', 'description', 'delivery_address',
    'needed_by', 'budget']
REQUIREMENT_ACTIONS = {
    'submit': views.BUYER_ROLES, 'cancel': views.BUYER_ROLES,
    'approve': views.APPROVER_ROLES, 'refuse': views.APPROVER_ROLES,
    }
RFQ_ACTIONS = {'send', 'close', 'cancel'}
DEFAULT_DEADLINE_DAYS = 7

BUYER_NAVIGATION.extend([
        ('requirements', 'nav_pr_requirements', None),
        ('rfqs', 'nav_pr_rfqs', None),
        ])


def buyer_only(func):
    "Buyer pages: a supplier-only member is refused"
    @wraps(func)
    def wrapper(request, pool, user, *args, **kwargs):
        if not user.s2b2b_member.is_buyer:
            raise forbidden()
        return func(request, pool, user, *args, **kwargs)
    return wrapper


def can(user, roles):
    return bool(set(user.s2b2b_roles or []) & roles)


def page_number(args):
    try:
        return max(int(args.get('page', 1)), 1)
    except ValueError:
        return 1


def state_list(Model, domain, states, args, tab=None):
    """The records of a list page: its state tab, the count of each tab
    and the page asked for"""
    tab = tab if tab is not None else args.get('state') or ''
    if tab not in states:
        tab = ''
    counts = {s: Model.search(domain + states[s], count=True)
        for s in states}
    full = domain + (states[tab] if tab else [])
    total = Model.search(full, count=True)
    pages = max(math.ceil(total / PAGE_SIZE), 1)
    number = min(page_number(args), pages)
    records = Model.search(full, offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE)
    return {'records': records, 'counts': counts, 'tab': tab,
        'total_all': Model.search(domain, count=True), 'page': number,
        'pages': pages, 'query': lambda **changes: urlencode({k: v
                for k, v in {'state': tab, **changes}.items() if v})}


def url(request, path):
    return f'{base_path(request)}{path}'


# --- Line rows shared by requirements and RFQs ---------------------------

def _text(value):
    if value is None:
        return ''
    if isinstance(value, float):
        return f'{value:g}'
    if isinstance(value, bool):
        return '1' if value else ''
    return str(value)


def record_lines(lines):
    "The form rows (texts) of saved lines"
    return [{
            'id': str(l.id), 'description': l.description,
            'category': str(l.category.id) if l.category else '',
            'quantity': _text(l.quantity), 'uom': str(l.uom.id),
            'target_price': _text(l.target_price),
            'needed_by': _text(l.needed_by),
            'specs': {k: _text(v) for k, v in (l.specs or {}).items()},
            } for l in lines]


def request_lines(data):
    "The rows line-<i>-<field> of a form, in order, without empty ones"
    rows = {}
    for key in data:
        match = LINE_RE.match(key)
        if not match:
            continue
        row = rows.setdefault(int(match.group(1)), {'specs': {}})
        value = (data.get(key) or '').strip()
        if match.group(2):
            row['specs'][match.group(2)] = value
        elif match.group(3) in LINE_FIELDS:
            row[match.group(3)] = value
    return [{**{f: '' for f in LINE_FIELDS}, **r} for _i, r in
        sorted(rows.items()) if any(r.get(f) for f in
            ['description', 'quantity', 'target_price', 'needed_by'])]


def line_specs(category, texts, description):
    "The typed specification values of a line, checked"
    specs = {}
    for name, attribute in (category.allowed_attributes().items()
            if category else []):
        value = attribute.parse(texts.get(name))
        if not attribute.accepts(value):
            raise UserError(_('pr_line_spec', spec=attribute.string,
                    line=description))
        if value is not None:
            specs[name] = value
    return specs


def line_values(row):
    "The values of a requirement or RFQ line of a form row"
    description = row['description'][:255]
    if not description:
        raise UserError(_('pr_line_description'))
    category = None
    if row['category']:
        category = category_of(row['category'])
        if category is None:
            raise UserError(_('pr_line_category', line=description))
    quantity = parse_number(row['quantity'], float, _('pr_quantity'))
    if quantity is None:
        raise UserError(_('pr_required', field=_('pr_quantity')))
    return {
        'description': description,
        'category': category.id if category else None,
        'specs': line_specs(category, row['specs'], description),
        'quantity': quantity, 'uom': uom_id(row['uom']),
        'target_price': parse_number(
            row['target_price'], Decimal, _('pr_target_price')),
        'needed_by': parse_date(row['needed_by']),
        }


def line_actions(record, rows, ordered=False, values_of=None):
    """One2Many actions making the lines of record those of the rows: a
    row keeps its line by id, other rows are new lines"""
    existing = {l.id for l in record.lines} if record else set()
    actions, creates, kept = [], [], set()
    for index, row in enumerate(rows):
        values = (values_of or line_values)(row)
        if ordered:
            values['sequence'] = index + 1
        line_id = int(row['id']) if row['id'].isdigit() else None
        if line_id in existing and line_id not in kept:
            kept.add(line_id)
            actions.append(('write', [line_id], values))
        else:
            creates.append(values)
    if existing - kept:
        actions.append(('delete', sorted(existing - kept)))
    if creates:
        actions.append(('create', creates))
    return actions


def spec_fields(category):
    "How a line asks for the specifications of its category"
    fields = []
    for name, attribute in (category.allowed_attributes().items()
            if category else []):
        options = []
        if attribute.type_ == 'selection':
            for line in (attribute.selection or '').splitlines():
                key, _sep, text = line.partition(':')
                if key.strip():
                    options.append((key.strip(), text.strip() or key.strip()))
        fields.append({'name': name, 'string': attribute.string,
                'type': attribute.type_, 'unit': attribute.s2b2b_unit or '',
                'options': options})
    return fields


def lines_editor(rows):
    "What the line rows of a form need: their specs and the choices"
    Uom = Pool().get('product.uom')
    Line = Pool().get('s2b2b.requirement.line')
    empty = {**{f: '' for f in LINE_FIELDS}, 'specs': {},
        'uom': str(Line.default_uom())}
    # Room for more lines; one blank row once there are lines
    rows = list(rows) + [dict(empty)
        for _i in range(1 if rows else EMPTY_LINES)]
    for row in rows:
        row['spec_fields'] = spec_fields(category_of(row['category']))
    return {'rows': rows, 'categories': listed_categories(),
        'uoms': [(u.id, u.rec_name) for u in Uom.search([])]}


def datetime_value(text):
    "The date and time of a datetime-local field, None when empty"
    text = (text or '').strip()
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace(' ', 'T'))
    except ValueError:
        raise UserError(_('pr_invalid_datetime', value=text))


def datetime_text(value):
    return value.strftime('%Y-%m-%dT%H:%M') if value else ''


# --- Requirements --------------------------------------------------------

def requirement_tabs():
    return {s: [('state', '=', s)] for s, _label in
        selection('s2b2b.requirement', 'state')}


@app.route(f'{PORTAL}/requirements', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page()
@buyer_only
def requirements(request, pool, user):
    Requirement = pool.get('s2b2b.requirement')
    listing = state_list(Requirement,
        [('buyer', '=', user.s2b2b_member.id)], requirement_tabs(),
        request.args)
    return render(request, 'requirements.html', user=user,
        active='requirements', states=selection('s2b2b.requirement',
            'state'), styles=views.REQUIREMENT_STYLES,
        can_edit=can(user, views.BUYER_ROLES), money=views.money,
        **listing)


def requirement_form(requirement):
    "The editor's texts of a requirement, or of a new one"
    if requirement is None:
        return {**{f: '' for f in REQUIREMENT_FIELDS}, 'lines': []}
    return {
        **{f: _text(getattr(requirement, f)) for f in REQUIREMENT_FIELDS},
        'lines': record_lines(requirement.lines),
        }


def requirement_request_form(data):
    return {**{f: (data.get(f) or '').strip() for f in REQUIREMENT_FIELDS},
        'lines': request_lines(data)}


def requirement_values(form):
    title = form['title'][:255]
    if not title:
        raise UserError(_('pr_required', field=_('pr_title')))
    return {
        'title': title, 'description': form['description'] or None,
        'delivery_address': form['delivery_address'] or None,
        'needed_by': parse_date(form['needed_by']),
        'budget': parse_number(form['budget'], Decimal, _('pr_budget')),
        }


def save_requirement(request, user, requirement, form):
    Requirement = Pool().get('s2b2b.requirement')
    values = requirement_values(form)
    values['lines'] = line_actions(requirement, form['lines'])
    if requirement is None:
        requirement, = Requirement.create(
            [{**values, 'buyer': user.s2b2b_member.id}])
    else:
        check_draft_requirement(requirement)
        Requirement.write([requirement], values)
    return redirect(url(request,
            f'/requirements/{requirement.id}?done=pr_saved'))


def check_draft_requirement(requirement):
    if requirement.state != 'draft':
        raise UserError(gettext(
                's2b2b_procurement.msg_requirement_not_draft',
                requirement=requirement.rec_name))


def requirement_values_page(request, user, requirement, form):
    "Everything the requirement page shows"
    Requirement = Pool().get('s2b2b.requirement')
    if requirement is not None:
        requirement = Requirement(requirement.id)
    editable = requirement is None or requirement.state == 'draft'
    return {
        'user': user, 'active': 'requirements', 'requirement': requirement,
        'form': form, 'editable': editable and can(user, views.BUYER_ROLES),
        'can_act': can(user, views.BUYER_ROLES),
        'can_approve': can(user, views.APPROVER_ROLES),
        'editor': lines_editor(form['lines']),
        'lines': requirement_lines(requirement) if requirement else [],
        'rfqs': list(requirement.rfqs) if requirement else [],
        'deadline': datetime_text(default_deadline()),
        'styles': views.REQUIREMENT_STYLES, 'rfq_styles': views.RFQ_STYLES,
        'money': views.money, 'price': views.price, 'qty': views.qty,
        'when': views.when,
        'messages': done_messages(request, 'pr_saved', 'pr_submit',
            'pr_approve', 'pr_refuse', 'pr_cancel'),
        }


def requirement_lines(requirement):
    "The saved lines with their specifications and suggestions"
    return [{'line': l, 'specs': views.spec_texts(l.category, l.specs),
            'suggestions': views.line_suggestions(l)
            if requirement.state in {'draft', 'waiting', 'approved'}
            else []}
        for l in requirement.lines]


def default_deadline():
    today = Pool().get('ir.date').today()
    return dt.datetime.combine(
        today + dt.timedelta(days=DEFAULT_DEADLINE_DAYS), dt.time(18))


def requirement_editor(request, user, requirement):
    if request.method == 'GET':
        reload = _reload(request)
        if reload:
            return reload
        form = (requirement_request_form(request.args)
            if 'reload' in request.args else requirement_form(requirement))
        return render(request, 'requirement.html',
            **requirement_values_page(request, user, requirement, form))
    require_role(user, *views.BUYER_ROLES)
    form = requirement_request_form(request.form)
    return submit_form(request, 'requirement.html',
        lambda: save_requirement(request, user, requirement, form),
        lambda: requirement_values_page(request, user, requirement, form))


@app.route(f'{PORTAL}/requirements/new', methods={'GET', 'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=views.BUYER_ROLES)
@buyer_only
def requirement_new(request, pool, user):
    return requirement_editor(request, user, None)


@app.route(f'{PORTAL}/requirements/<record_id>', methods={'GET', 'POST'})
@with_pool
@page_errors
@with_transaction()
@page()
@buyer_only
def requirement_page(request, pool, user, record_id):
    return requirement_editor(request, user,
        views.own_requirement(record_id))


def requirement_action(user, requirement, action):
    Requirement = Pool().get('s2b2b.requirement')
    if action == 'submit':
        Requirement.submit([requirement], web_user=user)
    elif action == 'approve':
        Requirement.approve_as([requirement], user)
    elif action == 'refuse':
        Requirement.refuse_as([requirement], user)
    else:
        views.check_state(requirement, {'draft', 'waiting', 'approved'},
            requirement.rec_name)
        Requirement.cancel([requirement])


@app.route(f'{PORTAL}/requirements/<record_id>/<action>', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page()
@buyer_only
def requirement_act(request, pool, user, record_id, action):
    requirement = views.own_requirement(record_id)
    if action not in REQUIREMENT_ACTIONS:
        raise not_found()
    require_role(user, *REQUIREMENT_ACTIONS[action])

    def act():
        requirement_action(user, requirement, action)
        return redirect(url(request,
                f'/requirements/{requirement.id}?done=pr_{action}'))
    return submit_form(request, 'requirement.html', act,
        lambda: requirement_values_page(request, user, requirement,
            requirement_form(requirement)))


@app.route(f'{PORTAL}/requirements/<record_id>/rfq', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=views.BUYER_ROLES)
@buyer_only
def requirement_rfq(request, pool, user, record_id):
    "Make an RFQ in draft of an approved requirement"
    Rfq = pool.get('s2b2b.rfq')
    requirement = views.own_requirement(record_id)

    def make():
        deadline = datetime_value(request.form.get('deadline')) \
            or default_deadline()
        rfq = Rfq.from_requirement(requirement, {'deadline': deadline})
        return redirect(url(request, f'/rfqs/{rfq.id}?done=pr_rfq_made'))
    return submit_form(request, 'requirement.html', make,
        lambda: requirement_values_page(request, user, requirement,
            requirement_form(requirement)))


# --- RFQs of the buyer ---------------------------------------------------

RFQ_FIELDS = ['title', 'description', 'deadline', 'scope', 'category']


def rfq_tabs():
    return {s: [('state', '=', s)] for s, _label in
        selection('s2b2b.rfq', 'state')}


@app.route(f'{PORTAL}/rfqs', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page()
@buyer_only
def rfqs(request, pool, user):
    Rfq = pool.get('s2b2b.rfq')
    listing = state_list(Rfq, [('buyer', '=', user.s2b2b_member.id)],
        rfq_tabs(), request.args)
    return render(request, 'rfqs.html', user=user, active='rfqs',
        states=selection('s2b2b.rfq', 'state'), styles=views.RFQ_STYLES,
        can_edit=can(user, views.BUYER_ROLES), when=views.when,
        quoted=lambda r: sum(q.state != 'withdrawn' for q in r.quotations),
        **listing)


def rfq_form(rfq):
    if rfq is None:
        return {'title': '', 'description': '', 'scope': 'invited',
            'category': '', 'deadline': datetime_text(default_deadline()),
            'lines': []}
    return {'title': rfq.title, 'description': rfq.description or '',
        'deadline': datetime_text(rfq.deadline), 'scope': rfq.scope,
        'category': str(rfq.category.id) if rfq.category else '',
        'lines': record_lines(rfq.lines)}


def rfq_request_form(data):
    return {**{f: (data.get(f) or '').strip() for f in RFQ_FIELDS},
        'lines': request_lines(data)}


def rfq_header_values(form):
    title = form['title'][:255]
    if not title:
        raise UserError(_('pr_required', field=_('pr_title')))
    deadline = datetime_value(form['deadline'])
    if deadline is None:
        raise UserError(_('pr_required', field=_('pr_deadline')))
    scope = form['scope'] if form['scope'] in {'invited', 'category'} \
        else 'invited'
    category = None
    if scope == 'category':
        category = category_of(form['category'])
        if category is None:
            raise UserError(_('pr_rfq_category'))
    return {'title': title, 'description': form['description'] or None,
        'deadline': deadline, 'scope': scope,
        'category': category.id if category else None}


def save_rfq(request, user, rfq, form):
    Rfq = Pool().get('s2b2b.rfq')
    values = rfq_header_values(form)
    values['lines'] = line_actions(rfq, form['lines'], ordered=True)
    if rfq is None:
        rfq, = Rfq.create([{**values, 'buyer': user.s2b2b_member.id}])
    else:
        check_draft_rfq(rfq)
        Rfq.write([rfq], values)
    return redirect(url(request, f'/rfqs/{rfq.id}?done=pr_saved'))


def check_draft_rfq(rfq):
    if rfq.state != 'draft':
        raise UserError(_('pr_rfq_sent', rfq=views.rfq_label(rfq)))


def rfq_draft_values(request, user, rfq, form):
    "What the editor of an RFQ in draft shows"
    Rfq = Pool().get('s2b2b.rfq')
    rfq = Rfq(rfq.id) if rfq is not None else None
    invited = {i.supplier.id: i for i in rfq.invitations} if rfq else {}
    names = views.member_names(invited)
    query = (request.args.get('supplier_q') or '').strip()[:100]
    exclude = set(invited) | {user.s2b2b_member.id}
    return {
        'user': user, 'active': 'rfqs', 'rfq': rfq, 'form': form,
        'can_act': can(user, views.BUYER_ROLES),
        'editor': lines_editor(form['lines']),
        'scopes': selection('s2b2b.rfq', 'scope'),
        'categories': listed_categories(),
        'invitations': [(i.id, names.get(s, '')) for s, i in
            invited.items()],
        'supplier_q': query,
        'found': views.approved_suppliers(query, exclude) if rfq else [],
        'suggested': views.suggested_suppliers(rfq, exclude)
        if rfq and rfq.scope == 'invited' else [],
        'styles': views.RFQ_STYLES,
        'messages': done_messages(request, 'pr_saved', 'pr_rfq_made',
            'pr_invited', 'pr_uninvited'),
        }


@app.route(f'{PORTAL}/rfqs/new', methods={'GET', 'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=views.BUYER_ROLES)
@buyer_only
def rfq_new(request, pool, user):
    return rfq_editor(request, user, None)


def rfq_editor(request, user, rfq):
    if request.method == 'GET':
        reload = _reload(request)
        if reload:
            return reload
        form = (rfq_request_form(request.args)
            if 'reload' in request.args else rfq_form(rfq))
        return render(request, 'rfq_edit.html',
            **rfq_draft_values(request, user, rfq, form))
    require_role(user, *views.BUYER_ROLES)
    form = rfq_request_form(request.form)
    return submit_form(request, 'rfq_edit.html',
        lambda: save_rfq(request, user, rfq, form),
        lambda: rfq_draft_values(request, user, rfq, form))


@app.route(f'{PORTAL}/rfqs/<record_id>', methods={'GET', 'POST'})
@with_pool
@page_errors
@with_transaction()
@page()
@buyer_only
def rfq_page(request, pool, user, record_id):
    rfq = views.own_rfq(record_id)
    if rfq.state == 'draft':
        return rfq_editor(request, user, rfq)
    if request.method == 'POST':
        require_role(user, *views.BUYER_ROLES)
        return submit_form(request, 'rfq.html',
            lambda: check_draft_rfq(rfq),
            lambda: rfq_buyer_values(request, user, rfq))
    return render(request, 'rfq.html',
        **rfq_buyer_values(request, user, rfq))


def rfq_buyer_values(request, user, rfq, form=None):
    "What the buyer's page of a sent RFQ shows"
    Rfq = Pool().get('s2b2b.rfq')
    rfq = Rfq(rfq.id)
    names = views.member_names(i.supplier.id for i in rfq.invitations)
    quotations = {q.supplier.id: views.quotation_values(q, 'buyer')
        for q in rfq.quotations if q.state != 'withdrawn'}
    acting = can(user, views.BUYER_ROLES)
    return {
        'user': user, 'active': 'rfqs', 'rfq': rfq, 'form': form or {},
        'can_act': acting,
        'lines': [{'line': l, 'specs': views.spec_texts(l.category, l.specs)}
            for l in rfq.lines],
        'invitations': [{'supplier': i.supplier.id,
                'name': names.get(i.supplier.id, ''), 'quoted': i.quoted}
            for i in rfq.invitations],
        'names': names, 'quotations': quotations,
        'comparison': views.comparison_values(rfq),
        'threads': {i.supplier.id: views.messages_of(rfq, i.supplier.id)
            for i in rfq.invitations},
        'contracts': views.contracts_of(rfq)
        if rfq.state == 'awarded' else [],
        'styles': views.RFQ_STYLES,
        'quotation_styles': views.QUOTATION_STYLES,
        'bargain_styles': views.BARGAIN_STYLES,
        'money': views.money, 'price': views.price, 'qty': views.qty,
        'when': views.when, 'side': 'buyer',
        'messages': done_messages(request, 'pr_send', 'pr_close',
            'pr_cancel', 'pr_awarded', 'pr_offer', 'pr_message'),
        }


# The states an RFQ action starts from
RFQ_ACTION_STATES = {'send': {'draft'}, 'close': {'open'},
    'cancel': {'draft', 'open'}}


def rfq_action(request, rfq, action):
    Rfq = Pool().get('s2b2b.rfq')
    views.check_state(rfq, RFQ_ACTION_STATES[action], views.rfq_label(rfq))
    if action == 'cancel':
        reason = (request.form.get('reason') or '').strip()[:2000]
        if rfq.state == 'open' and not reason:
            raise UserError(gettext(
                    's2b2b_procurement.msg_rfq_reason_required',
                    rfq=views.rfq_label(rfq)))
        Rfq.write([rfq], {'cancel_reason': reason or None})
        rfq = Rfq(rfq.id)
    getattr(Rfq, action)([rfq])
    return redirect(url(request, f'/rfqs/{rfq.id}?done=pr_{action}'))


def rfq_template(rfq):
    return 'rfq_edit.html' if rfq.state == 'draft' else 'rfq.html'


def rfq_page_values(request, user, rfq):
    "The values of the page the RFQ shows in its state"
    Rfq = Pool().get('s2b2b.rfq')
    rfq = Rfq(rfq.id)
    if rfq.state == 'draft':
        return rfq_draft_values(request, user, rfq, rfq_form(rfq))
    return rfq_buyer_values(request, user, rfq)


def rfq_submit(request, user, rfq, action):
    "Do action(); a refusal shows the RFQ's page with its error"
    Rfq = Pool().get('s2b2b.rfq')
    template = rfq_template(rfq)
    return submit_form(request, template, action,
        lambda: rfq_page_values(request, user, Rfq(rfq.id)))


@app.route(f'{PORTAL}/rfqs/<record_id>/<action>', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=views.BUYER_ROLES)
@buyer_only
def rfq_act(request, pool, user, record_id, action):
    rfq = views.own_rfq(record_id)
    if action not in RFQ_ACTIONS:
        raise not_found()
    return rfq_submit(request, user, rfq,
        lambda: rfq_action(request, rfq, action))


@app.route(f'{PORTAL}/rfqs/<record_id>/invitations', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=views.BUYER_ROLES)
@buyer_only
def rfq_invite(request, pool, user, record_id):
    Invitation = pool.get('s2b2b.rfq.invitation')
    rfq = views.own_rfq(record_id)

    def invite():
        check_draft_rfq(rfq)
        supplier = chosen_supplier(request, user)
        if supplier.id not in {i.supplier.id for i in rfq.invitations}:
            Invitation.create([{'rfq': rfq.id, 'supplier': supplier.id}])
        return redirect(url(request, f'/rfqs/{rfq.id}?done=pr_invited'))
    return rfq_submit(request, user, rfq, invite)


@app.route(f'{PORTAL}/rfqs/<record_id>/invitations/<invitation_id>/delete',
    methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=views.BUYER_ROLES)
@buyer_only
def rfq_uninvite(request, pool, user, record_id, invitation_id):
    Invitation = pool.get('s2b2b.rfq.invitation')
    rfq = views.own_rfq(record_id)
    invitations = [i for i in rfq.invitations if str(i.id) == invitation_id]
    if not invitations:
        raise not_found()

    def uninvite():
        check_draft_rfq(rfq)
        Invitation.delete(invitations)
        return redirect(url(request, f'/rfqs/{rfq.id}?done=pr_uninvited'))
    return rfq_submit(request, user, rfq, uninvite)


def chosen_supplier(request, user):
    "The approved supplier (not the user's member) a form invites"
    supplier = request.form.get('supplier') or ''
    supplier = views.approved_supplier(
        int(supplier) if supplier.isdigit() else None)
    if supplier is None or supplier.id == user.s2b2b_member.id:
        raise UserError(_('pr_supplier_unknown'))
    return supplier


def award_choices(request, rfq):
    "{RFQ line: quotation line} of the award form"
    choices = {}
    for line in rfq.lines:
        value = (request.form.get(f'award-{line.id}') or '').strip()
        if value:
            choices[line] = views.rfq_line(rfq, value)
    return choices


@app.route(f'{PORTAL}/rfqs/<record_id>/award', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=views.BUYER_ROLES)
@buyer_only
def rfq_award(request, pool, user, record_id):
    Member = pool.get('s2b2b.member')
    rfq = views.own_rfq(record_id)
    choices = award_choices(request, rfq)

    def award():
        rfq.award(choices, Member(user.s2b2b_member.id))
        return redirect(url(request, f'/rfqs/{rfq.id}?done=pr_awarded'))
    return rfq_submit(request, user, rfq, award)


def make_move(request, user, line):
    "The bargaining move of the form on a quotation line"
    Member = Pool().get('s2b2b.member')
    action = request.form.get('action') or ''
    if action not in {'counter', 'accept', 'decline'}:
        raise UserError(_('pr_offer_action'))
    price = parse_number((request.form.get('price') or '').strip(),
        Decimal, _('pr_unit_price')) if action == 'counter' else None
    note = (request.form.get('note') or '').strip()[:2000] or None
    line.make_offer(Member(user.s2b2b_member.id), action, price, note,
        web_user=user)


@app.route(f'{PORTAL}/rfqs/<record_id>/offers/<line_id>', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=views.BUYER_ROLES)
@buyer_only
def rfq_offer(request, pool, user, record_id, line_id):
    rfq = views.own_rfq(record_id)
    line = views.rfq_line(rfq, line_id)

    def move():
        make_move(request, user, line)
        return redirect(url(request,
                f'/rfqs/{rfq.id}?done=pr_offer#line-{line.id}'))
    return rfq_submit(request, user, rfq, move)


def post_message(request, user, rfq, supplier_id):
    Message = Pool().get('s2b2b.rfq.message')
    Member = Pool().get('s2b2b.member')
    if supplier_id not in {i.supplier.id for i in rfq.invitations}:
        raise UserError(gettext('s2b2b_procurement.msg_message_not_party',
                rfq=rfq.rec_name))
    Message.post(rfq, Member(supplier_id), Member(user.s2b2b_member.id),
        request.form.get('body'), web_user=user)


@app.route(f'{PORTAL}/rfqs/<record_id>/messages', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=views.BUYER_ROLES)
@buyer_only
def rfq_message(request, pool, user, record_id):
    rfq = views.own_rfq(record_id)
    supplier = request.form.get('supplier') or ''
    supplier = int(supplier) if supplier.isdigit() else None

    def post():
        post_message(request, user, rfq, supplier)
        return redirect(url(request,
                f'/rfqs/{rfq.id}?done=pr_message#thread-{supplier}'))
    return rfq_submit(request, user, rfq, post)


# --- Home page counters --------------------------------------------------

def _buyer_waiting(user, member):
    pool = Pool()
    Requirement = pool.get('s2b2b.requirement')
    Rfq = pool.get('s2b2b.rfq')
    if not member.is_buyer:
        return []
    items = []
    if can(user, views.APPROVER_ROLES):
        items.append((_('pr_waiting_approval'), Requirement.search([
                        ('buyer', '=', member.id),
                        ('state', '=', 'waiting')], count=True),
                'requirements?state=waiting'))
    if can(user, views.BUYER_ROLES):
        items.append((_('pr_waiting_quotations'), Rfq.search([
                        ('buyer', '=', member.id), ('state', '=', 'open'),
                        ('quotations.state', '=', 'submitted')],
                    count=True), 'rfqs?state=open'))
        items.append((_('pr_waiting_moves'),
                waiting_moves(member, 'buyer'), 'rfqs?state=open'))
    return items


def waiting_moves(member, side):
    """Quotation lines of open RFQs where the other side moved and it is
    the member's turn"""
    Line = Pool().get('s2b2b.rfq.quotation.line')
    party = ('quotation.rfq.buyer' if side == 'buyer'
        else 'quotation.supplier')
    lines = Line.search([(party, '=', member.id),
            ('bargain_state', '=', 'open'),
            ('quotation.rfq.state', '=', 'open'),
            ('quotation.state', '=', 'submitted'),
            ('offers', '!=', None)])
    return sum(l.next_side == side for l in lines)


WAITING.append(_buyer_waiting)
