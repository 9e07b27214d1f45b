# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Supplier catalog pages under /<database>/portal/listings.

A supplier's users keep their listings here: the editor, images, workflow
actions, price changes, stock and file imports.  Rules stay in the
s2b2b_catalog models; these handlers read forms and render.
"""
import io
import math
import re
from decimal import Decimal, InvalidOperation
from functools import wraps
from urllib.parse import urlencode

from werkzeug.utils import send_file

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.s2b2b_catalog import importing, pricing, regions
from trytond.modules.s2b2b_catalog.exceptions import ListingTierError
from trytond.modules.s2b2b_catalog.listing import (
    IMAGE_MAX_SIZE, IMAGE_TYPES)
from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.ir import requesting_member
from trytond.modules.s2b2b_platform.tenant import get_record
from trytond.pool import Pool
from trytond.protocols.wrappers import (
    redirect, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from .portal import (
    UPLOAD_FORM_OVERHEAD, _, accept_uploads, base_path, done_messages,
    forbidden, not_found, page, page_errors, read_upload, render,
    require_role, submit_form)
from .routes import WAITING, parse_date, selection, upload_limit_label

PORTAL = '/<database_name>/portal'
# Who sees the listings; who changes them; who may update stock
VIEW_ROLES = {'admin', 'sales', 'warehouse'}
EDIT_ROLES = {'admin', 'sales'}
PAGE_SIZE = 20
EMPTY_ROWS = 3
# Images one upload form may carry
IMAGE_FILES = 5
ACTIONS = {'submit', 'draft', 'delist'}
TEXT_FIELDS = ['name', 'name_en', 'reference', 'brand', 'model', 'city',
    'carbon_source', 'description']
NUMBER_FIELDS = {
    'moq': float, 'order_multiple': float, 'lead_time': int,
    'carbon_footprint': Decimal, 'available_quantity': float,
    'low_stock_threshold': float,
    }
DATE_FIELDS = ['valid_from', 'valid_to']
STATE_STYLES = {'draft': 'secondary', 'submitted': 'info',
    'published': 'success', 'rejected': 'danger', 'delisted': 'dark'}
STOCK_STYLES = {'in_stock': 'success', 'low': 'warning', 'out': 'danger'}
ROW_RE = re.compile(r'^(tier|service|video)-(\d+)-(\w+)$')


def supplier_only(func):
    "Supplier pages: a buyer-only member is refused"
    @wraps(func)
    def wrapper(request, pool, user, *args, **kwargs):
        if not user.s2b2b_member.is_supplier:
            raise forbidden()
        return func(request, pool, user, *args, **kwargs)
    return wrapper


def accept_images(func):
    "Requests carry at most IMAGE_FILES images of the model's size limit"
    @wraps(func)
    def wrapper(request, *args, **kwargs):
        request.max_content_length = (
            IMAGE_MAX_SIZE * IMAGE_FILES + UPLOAD_FORM_OVERHEAD)
        return func(request, *args, **kwargs)
    return wrapper


def own_listing(record_id):
    """The listing of the requesting supplier: other members' published
    listings are readable (the catalog) but not theirs to manage"""
    listing = get_record('s2b2b.listing', record_id)
    if listing.supplier.id != requesting_member():
        raise RecordNotFound(gettext('s2b2b_platform.msg_record_not_found',
                model=listing.__names__()['model']))
    return listing


def editable(listing):
    return listing is None or listing.state in {'draft', 'rejected'}


def listing_url(request, listing, suffix=''):
    return f'{base_path(request)}/listings/{listing.id}{suffix}'


# --- My listings ---------------------------------------------------------

def list_filters(args):
    "The filters of the list and the export, from the query string"
    return {
        'state': args.get('state') or '',
        'q': (args.get('q') or '').strip()[:100],
        'stock': 'low' if args.get('stock') == 'low' else '',
        }


def list_domain(member, filters, with_state=True):
    domain = [('supplier', '=', member.id)]
    if filters['q']:
        domain.append(('rec_name', 'ilike', f"%{filters['q']}%"))
    if filters['stock']:
        domain.extend(_stock_alert_domain())
    if with_state and filters['state']:
        domain.append(('state', '=', filters['state']))
    return domain


def page_number(args):
    try:
        return max(int(args.get('page', 1)), 1)
    except ValueError:
        return 1


@app.route(f'{PORTAL}/listings', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page(roles=VIEW_ROLES)
@supplier_only
def listings(request, pool, user):
    Listing = pool.get('s2b2b.listing')
    member = user.s2b2b_member
    filters = list_filters(request.args)
    states = selection('s2b2b.listing', 'state')
    if filters['state'] not in dict(states):
        filters['state'] = ''
    base_domain = list_domain(member, filters, with_state=False)
    counts = {state: Listing.search(
            base_domain + [('state', '=', state)], count=True)
        for state, _label in states}
    domain = list_domain(member, filters)
    total = Listing.search(domain, count=True)
    pages = max(math.ceil(total / PAGE_SIZE), 1)
    number = min(page_number(request.args), pages)
    records = Listing.search(domain, offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE, order=[('write_date', 'DESC NULLS LAST'),
            ('id', 'DESC')])
    query = {k: v for k, v in filters.items() if v}
    return render(request, 'listings.html', user=user, active='listings',
        listings=records, filters=filters, states=states, counts=counts,
        total_all=sum(counts.values()), total=total, page=number,
        pages=pages,
        query=lambda **changes: urlencode(
            {k: v for k, v in {**query, **changes}.items() if v}),
        stock_labels=dict(selection('s2b2b.listing', 'stock_status')),
        state_styles=STATE_STYLES, stock_styles=STOCK_STYLES,
        can_edit=user.has_role('admin') or user.has_role('sales'))


def _stock_alert_domain():
    return [('state', '=', 'published'), ('low_stock_alerted', '=', True)]


# --- The editor ----------------------------------------------------------

def _text(value):
    if value is None:
        return ''
    if isinstance(value, float):
        return f'{value:g}'
    if isinstance(value, bool):
        return '1' if value else ''
    return str(value)


def record_form(listing):
    "The editor's values (texts) of a listing, or of a new one"
    Listing = Pool().get('s2b2b.listing')
    if listing is None:
        return {
            **{f: '' for f in TEXT_FIELDS + DATE_FIELDS},
            'moq': '1', 'order_multiple': '1', 'lead_time': '7',
            'carbon_footprint': '', 'available_quantity': '0',
            'low_stock_threshold': '0', 'province': '', 'category': '',
            'uom': str(Listing.default_uom()), 'specs': {}, 'tiers': [],
            'services': [], 'videos': [],
            }
    return {
        **{f: getattr(listing, f) or '' for f in TEXT_FIELDS},
        **{f: _text(getattr(listing, f)) for f in NUMBER_FIELDS},
        **{f: _text(getattr(listing, f)) for f in DATE_FIELDS},
        'province': listing.province or '',
        'category': str(listing.category.id),
        'uom': str(listing.uom.id),
        'specs': {k: _text(v) for k, v in (listing.specs or {}).items()},
        'tiers': [{'quantity': _text(q), 'price': _text(p)}
            for q, p in listing.tiers],
        'services': [{'kind': s.kind, 'description': s.description or '',
                'price': _text(s.price)} for s in listing.services],
        'videos': [{'url': m.url} for m in listing.media
            if m.kind == 'video'],
        }


def _rows(data, kind):
    "Rows <kind>-<i>-<field> of a form, in order, without empty ones"
    rows = {}
    for key in data:
        match = ROW_RE.match(key)
        if match and match.group(1) == kind:
            rows.setdefault(int(match.group(2)), {})[match.group(3)] = (
                data.get(key) or '').strip()
    return [r for _i, r in sorted(rows.items()) if any(r.values())]


def request_form(data):
    "The editor's values (texts) sent by the browser"
    return {
        **{f: (data.get(f) or '').strip() for f in
            TEXT_FIELDS + DATE_FIELDS + list(NUMBER_FIELDS)},
        'province': data.get('province') or '',
        'category': data.get('category') or '',
        'uom': data.get('uom') or '',
        'specs': {k[5:]: (v or '').strip() for k, v in data.items()
            if k.startswith('spec-')},
        'tiers': _rows(data, 'tier'),
        'services': _rows(data, 'service'),
        'videos': _rows(data, 'video'),
        }


def parse_number(text, kind, field):
    "The number of a form field, None when empty"
    if not text:
        return None
    try:
        value = kind(text.replace(',', ''))
    except (ValueError, InvalidOperation):
        raise UserError(_('sl_invalid_number', field=field, value=text))
    if kind is not int and not math.isfinite(value):
        raise UserError(_('sl_invalid_number', field=field, value=text))
    return value


def field_label(name):
    Listing = Pool().get('s2b2b.listing')
    return Listing.fields_get([name])[name]['string']


def parse_tiers(rows, name):
    "(quantity, price) pairs of tier rows, checked like the model does"
    tiers = [(parse_number(r.get('quantity'), float, _('sl_tier_quantity')),
            parse_number(r.get('price'), Decimal, _('sl_tier_price')))
        for r in rows]
    if tiers:
        try:
            pricing.check_tiers(tiers)
        except pricing.TierError as error:
            raise ListingTierError(gettext(
                    f's2b2b_catalog.msg_listing_tier_{error.args[0]}',
                    listing=name))
    return tiers


def listed_categories():
    """(category, depth) of the platform categories, as a tree"""
    Category = Pool().get('product.category')
    categories = Category.search([('s2b2b_listed', '=', True)],
        order=[('name', 'ASC'), ('id', 'ASC')])
    ids = {c.id for c in categories}
    children = {}
    for category in categories:
        parent = category.parent.id if category.parent \
            and category.parent.id in ids else None
        children.setdefault(parent, []).append(category)
    tree = []

    def walk(parent, depth):
        for category in children.get(parent, []):
            tree.append((category, depth))
            walk(category.id, depth + 1)
    walk(None, 0)
    return tree


def category_of(value):
    "The platform category of a form value, None when not one"
    try:
        category_id = int(value)
    except (TypeError, ValueError):
        return None
    for category, _depth in listed_categories():
        if category.id == category_id:
            return category
    return None


def uom_id(value):
    Uom = Pool().get('product.uom')
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = None
    if value not in {u.id for u in Uom.search([])}:
        raise UserError(_('sl_uom_required'))
    return value


def parse_specs(category, texts):
    "Typed values of the category's specifications (None when empty)"
    specs = {}
    for name, attribute in category.allowed_attributes().items():
        value = attribute.parse(texts.get(name))
        if value is not None:
            specs[name] = value
    return specs


def listing_values(form):
    "The values of s2b2b.listing the editor's form gives"
    category = category_of(form['category'])
    if category is None:
        raise UserError(_('sl_category_required'))
    name = form['name'] or '-'
    values = {f: form[f] or None for f in TEXT_FIELDS}
    values.update({f: parse_number(form[f], kind, field_label(f))
            for f, kind in NUMBER_FIELDS.items()})
    for field in ['moq', 'order_multiple', 'lead_time',
            'available_quantity', 'low_stock_threshold']:
        if values[field] is None:
            raise UserError(_('sl_required', field=field_label(field)))
    values.update({f: parse_date(form[f]) for f in DATE_FIELDS})
    values.update({
            'category': category.id,
            'uom': uom_id(form['uom']),
            'province': form['province']
            if form['province'] in regions.CODES else None,
            'specs': parse_specs(category, form['specs']),
            })
    tiers = parse_tiers(form['tiers'], name)
    return values, tiers


def service_values(rows):
    kinds = dict(selection('s2b2b.listing.service', 'kind'))
    services = []
    for row in rows:
        if row.get('kind') not in kinds:
            raise UserError(_('sl_service_kind'))
        services.append({'kind': row['kind'],
                'description': row.get('description') or None,
                'price': parse_number(
                    row.get('price'), Decimal, _('sl_service_price'))})
    return services


def save_listing(request, user, listing, form):
    Listing = Pool().get('s2b2b.listing')
    values, tiers = listing_values(form)
    children = {
        'price_tiers': [{'quantity': q, 'unit_price': p} for q, p in tiers],
        'services': service_values(form['services']),
        'media': [{'kind': 'video', 'url': r.get('url')}
            for r in form['videos']],
        }
    if listing is None:
        values.update({k: [('create', v)] for k, v in children.items()})
        listing, = Listing.create(
            [{**values, 'supplier': user.s2b2b_member.id}])
    else:
        old = {
            'price_tiers': listing.price_tiers,
            'services': listing.services,
            'media': [m for m in listing.media if m.kind == 'video'],
            }
        values.update({k: [('delete', [r.id for r in old[k]]),
                    ('create', v)] for k, v in children.items()})
        Listing.write([listing], values)
    return redirect(listing_url(request, listing, '?done=sl_saved'))


def spec_fields(category):
    "How the editor asks for each specification of the category"
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


def province_options():
    english = Transaction().language != 'zh_CN'
    return [(c, en if english else zh) for c, zh, en in regions.PROVINCES]


def editor_values(request, user, listing, form):
    Uom = Pool().get('product.uom')
    category = category_of(form['category'])
    return {
        'user': user, 'active': 'listings', 'listing': listing,
        'form': form, 'editable': editable(listing),
        'can_edit': user.has_role('admin') or user.has_role('sales'),
        'categories': listed_categories(),
        'specs': spec_fields(category),
        'uoms': [(u.id, u.rec_name) for u in Uom.search([])],
        'provinces': province_options(),
        'service_kinds': selection('s2b2b.listing.service', 'kind'),
        'empty_rows': EMPTY_ROWS,
        'state_styles': STATE_STYLES, 'stock_styles': STOCK_STYLES,
        'stock_labels': dict(selection('s2b2b.listing', 'stock_status')),
        'province_name': dict(province_options()),
        'messages': done_messages(request, 'sl_saved', 'sl_submit',
            'sl_draft', 'sl_delist', 'sl_stock'),
        }


def _reload(request):
    "A category change re-sends the form by GET: no token in the address"
    if 'csrf_token' in request.args:
        args = request.args.copy()
        args.pop('csrf_token')
        query = urlencode(list(args.items(multi=True)))
        return redirect(f'{request.base_url}?{query}')


def editor(request, user, listing):
    if request.method == 'GET':
        reload = _reload(request)
        if reload:
            return reload
        form = (request_form(request.args) if 'category' in request.args
            and editable(listing) else record_form(listing))
        return render(request, 'listings_edit.html',
            **editor_values(request, user, listing, form))
    require_role(user, *EDIT_ROLES)
    form = request_form(request.form)
    if listing is not None and not editable(listing):
        raise UserError(gettext('s2b2b_catalog.msg_listing_not_editable',
                listing=listing.rec_name, state=listing.state_string))
    return submit_form(request, 'listings_edit.html',
        lambda: save_listing(request, user, listing, form),
        lambda: editor_values(request, user, listing, form))


@app.route(f'{PORTAL}/listings/new', methods={'GET', 'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=EDIT_ROLES)
@supplier_only
def listing_new(request, pool, user):
    return editor(request, user, None)


@app.route(f'{PORTAL}/listings/<record_id>', methods={'GET', 'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=VIEW_ROLES)
@supplier_only
def listing_edit(request, pool, user, record_id):
    return editor(request, user, own_listing(record_id))


@app.route(f'{PORTAL}/listings/<record_id>/<action>', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=EDIT_ROLES)
@supplier_only
def listing_action(request, pool, user, record_id, action):
    Listing = pool.get('s2b2b.listing')
    listing = own_listing(record_id)
    if action not in ACTIONS:
        raise not_found()

    def act():
        getattr(Listing, action)([listing])
        return redirect(listing_url(request, listing, f'?done=sl_{action}'))
    return submit_form(request, 'listings_edit.html', act,
        lambda: editor_values(request, user, Listing(listing.id),
            record_form(Listing(listing.id))))


@app.route(f'{PORTAL}/listings/<record_id>/stock', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=VIEW_ROLES)
@supplier_only
def listing_stock(request, pool, user, record_id):
    Listing = pool.get('s2b2b.listing')
    listing = own_listing(record_id)

    def update():
        Listing.write([listing], {
                f: parse_number((request.form.get(f) or '').strip(), float,
                    field_label(f)) or 0
                for f in ['available_quantity', 'low_stock_threshold']})
        return redirect(listing_url(request, listing, '?done=sl_stock'))
    return submit_form(request, 'listings_edit.html', update,
        lambda: editor_values(request, user, Listing(listing.id),
            record_form(Listing(listing.id))))


# --- Images --------------------------------------------------------------

def media_values(request, user, listing):
    Listing = Pool().get('s2b2b.listing')
    listing = Listing(listing.id)
    return {
        'user': user, 'active': 'listings', 'listing': listing,
        'images': listing.images, 'editable': editable(listing),
        'max_files': IMAGE_FILES,
        'max_size': f'{IMAGE_MAX_SIZE / 1024 / 1024:g} MB',
        'accept': ','.join(sorted(IMAGE_TYPES)),
        'messages': done_messages(request, 'sl_images', 'sl_image_deleted'),
        }


def check_media_editable(listing):
    if not editable(listing):
        raise UserError(_('sl_media_locked', state=listing.state_string))


def upload_images(request, listing):
    Media = Pool().get('s2b2b.listing.media')
    check_media_editable(listing)
    uploads = [read_upload(f) for f in request.files.getlist('images')]
    uploads = [u for u in uploads if u]
    if not uploads:
        raise UserError(_('sl_no_image'))
    if len(uploads) > IMAGE_FILES:
        raise UserError(_('sl_too_many_images', count=IMAGE_FILES))
    Media.create([{'listing': listing.id, 'kind': 'image', 'image': data,
                'filename': name[:100]} for data, name in uploads])
    return redirect(listing_url(request, listing, '/media?done=sl_images'))


@app.route(f'{PORTAL}/listings/<record_id>/media', methods={'GET', 'POST'})
@accept_images
@with_pool
@page_errors
@with_transaction()
@page(roles=VIEW_ROLES)
@supplier_only
def listing_media(request, pool, user, record_id):
    listing = own_listing(record_id)
    if request.method == 'GET':
        return render(request, 'listings_media.html',
            **media_values(request, user, listing))
    require_role(user, *EDIT_ROLES)
    return submit_form(request, 'listings_media.html',
        lambda: upload_images(request, listing),
        lambda: media_values(request, user, listing))


def own_image(listing, media_id):
    medium = get_record('s2b2b.listing.media', media_id)
    if medium.listing.id != listing.id or medium.kind != 'image':
        raise not_found()
    return medium


@app.route(f'{PORTAL}/listings/<record_id>/media/<media_id>',
    methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page(roles=VIEW_ROLES)
@supplier_only
def listing_image(request, pool, user, record_id, media_id):
    medium = own_image(own_listing(record_id), media_id)
    if not medium.image:
        raise not_found()
    response = send_file(io.BytesIO(bytes(medium.image)), request.environ,
        mimetype=medium.content_type or 'application/octet-stream',
        download_name=medium.filename or 'image', conditional=False,
        etag=False)
    response.headers['Cache-Control'] = 'private, max-age=300'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


@app.route(f'{PORTAL}/listings/<record_id>/media/<media_id>/delete',
    methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=EDIT_ROLES)
@supplier_only
def listing_image_delete(request, pool, user, record_id, media_id):
    Media = pool.get('s2b2b.listing.media')
    listing = own_listing(record_id)
    medium = own_image(listing, media_id)

    def delete():
        check_media_editable(listing)
        Media.delete([medium])
        return redirect(listing_url(
                request, listing, '/media?done=sl_image_deleted'))
    return submit_form(request, 'listings_media.html', delete,
        lambda: media_values(request, user, listing))


# --- Price changes -------------------------------------------------------

def prices_values(request, user, listing, form=None):
    Listing = Pool().get('s2b2b.listing')
    listing = Listing(listing.id)
    today = Pool().get('ir.date').today()
    tiers = form['tiers'] if form else [
        {'quantity': _text(q), 'price': _text(p)} for q, p in listing.tiers]
    return {
        'user': user, 'active': 'listings', 'listing': listing,
        'tiers': tiers, 'empty_rows': EMPTY_ROWS,
        'effective_date': form['effective_date'] if form
        else today.isoformat(),
        'changes': listing.price_changes,
        'current': pricing.format_tiers(listing.tiers),
        'change_styles': {'pending': 'warning', 'approved': 'info',
            'rejected': 'danger', 'applied': 'success'},
        'can_edit': user.has_role('admin') or user.has_role('sales'),
        'messages': done_messages(
            request, 'sl_price_applied', 'sl_price_approved',
            'sl_price_pending'),
        }


def request_price_change(request, user, listing, form):
    PriceChange = Pool().get('s2b2b.listing.price_change')
    tiers = parse_tiers(form['tiers'], listing.rec_name)
    change = PriceChange.request(listing, tiers,
        parse_date(form['effective_date']), web_user=user)
    done = {'pending': 'sl_price_pending', 'approved': 'sl_price_approved'
        }.get(change.state, 'sl_price_applied')
    return redirect(listing_url(request, listing, f'/prices?done={done}'))


@app.route(f'{PORTAL}/listings/<record_id>/prices', methods={'GET', 'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles=VIEW_ROLES)
@supplier_only
def listing_prices(request, pool, user, record_id):
    listing = own_listing(record_id)
    if request.method == 'GET':
        return render(request, 'listings_prices.html',
            **prices_values(request, user, listing))
    require_role(user, *EDIT_ROLES)
    form = {'tiers': _rows(request.form, 'tier'),
        'effective_date': (request.form.get('effective_date') or '').strip()}
    return submit_form(request, 'listings_prices.html',
        lambda: request_price_change(request, user, listing, form),
        lambda: prices_values(request, user, listing, form))


# --- Import and export ---------------------------------------------------

IMPORT_RUNNING = {'queued', 'validating', 'saving'}
MIME_TYPES = {
    'csv': 'text/csv; charset=utf-8',
    'xlsx': 'application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sheet',
    }


def download(request, data, filename, mimetype):
    response = send_file(io.BytesIO(data), request.environ,
        mimetype=mimetype, as_attachment=True, download_name=filename,
        conditional=False, etag=False)
    response.headers['Cache-Control'] = 'private, no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


def import_values(request, user):
    Import = Pool().get('s2b2b.listing.import')
    return {
        'user': user, 'active': 'listings/import',
        'imports': Import.search([('member', '=', user.s2b2b_member.id)],
            order=[('create_date', 'DESC'), ('id', 'DESC')], limit=20),
        'running': IMPORT_RUNNING, 'max_size': upload_limit_label(),
        'import_styles': IMPORT_STYLES,
        }


IMPORT_STYLES = {'done': 'success', 'failed': 'danger'}


def start_import(request, user):
    Import = Pool().get('s2b2b.listing.import')
    upload = read_upload(request.files.get('file'))
    if not upload:
        raise UserError(_('sl_import_no_file'))
    data, filename = upload
    record = Import.start(user.s2b2b_member, filename, data, web_user=user)
    return redirect(f'{base_path(request)}/listings/import/{record.id}')


@app.route(f'{PORTAL}/listings/import', methods={'GET', 'POST'})
@accept_uploads(1)
@with_pool
@page_errors
@with_transaction()
@page(roles=EDIT_ROLES)
@supplier_only
def listing_import(request, pool, user):
    if request.method == 'GET':
        return render(request, 'listings_import.html',
            **import_values(request, user))
    return submit_form(request, 'listings_import.html',
        lambda: start_import(request, user),
        lambda: import_values(request, user))


def own_import(record_id):
    record = get_record('s2b2b.listing.import', record_id)
    if record.member.id != requesting_member():
        raise not_found()
    return record


@app.route(f'{PORTAL}/listings/import/<record_id>', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page(roles=EDIT_ROLES)
@supplier_only
def listing_import_status(request, pool, user, record_id):
    record = own_import(record_id)
    total = record.total_rows or 0
    return render(request, 'listings_import_status.html', user=user,
        active='listings/import', record=record,
        running=record.state in IMPORT_RUNNING,
        percent=int(100 * (record.processed_rows or 0) / total)
        if total else (100 if record.state == 'done' else 0),
        import_styles=IMPORT_STYLES)


@app.route(f'{PORTAL}/listings/import/<record_id>/errors', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page(roles=EDIT_ROLES)
@supplier_only
def listing_import_errors(request, pool, user, record_id):
    record = own_import(record_id)
    if not record.errors_file:
        raise not_found()
    return download(request, bytes(record.errors_file),
        record.errors_filename or 'errors.xlsx', MIME_TYPES['xlsx'])


@app.route(f'{PORTAL}/listings/template.<fmt>', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page(roles=VIEW_ROLES)
@supplier_only
def listing_template(request, pool, user, fmt):
    if fmt not in importing.FORMATS:
        raise not_found()
    language = importing.language_key(
        request.args.get('lang') or Transaction().language)
    return download(request, importing.template(fmt, language),
        f'listings-template-{language}.{fmt}', MIME_TYPES[fmt])


@app.route(f'{PORTAL}/listings/export', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page(roles=VIEW_ROLES)
@supplier_only
def listing_export(request, pool, user):
    Listing = pool.get('s2b2b.listing')
    Import = pool.get('s2b2b.listing.import')
    fmt = request.args.get('format') or 'xlsx'
    if fmt not in importing.FORMATS:
        raise not_found()
    filters = list_filters(request.args)
    records = Listing.search(list_domain(user.s2b2b_member, filters),
        order=[('id', 'ASC')])
    language = importing.language_key(Transaction().language)
    return download(request, Import.export(records, fmt, language),
        f'listings.{fmt}', MIME_TYPES[fmt])


# --- Home page counters --------------------------------------------------

def _listings_waiting(user, member):
    Listing = Pool().get('s2b2b.listing')
    if not member.is_supplier or not set(user.s2b2b_roles or []) \
            & VIEW_ROLES:
        return []
    own = [('supplier', '=', member.id)]
    return [
        (_('sl_waiting_rejected'), Listing.search(
                own + [('state', '=', 'rejected')], count=True),
            'listings?state=rejected'),
        (_('sl_waiting_low_stock'), Listing.search(
                own + _stock_alert_domain(), count=True),
            'listings?stock=low'),
        ]


WAITING.append(_listings_waiting)
