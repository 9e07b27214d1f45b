# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Catalog pages of buyers: search, listing, compare, favourites.

The listings a buyer may see are the published ones of approved
suppliers within their validity (Listing.visible_domain).  Records are
fetched under the member's rules first (own or published listings);
visibility is then checked as a further restriction.  Suppliers' names
are read without the member rule, which only lets a member read itself.
"""
import io
import math
from collections import Counter
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from werkzeug.utils import send_file

from trytond.modules.s2b2b_catalog import recommend, regions, search
from trytond.modules.s2b2b_platform.tenant import get_record
from trytond.pool import Pool
from trytond.protocols.wrappers import (
    HTTPStatus, redirect, with_pool, with_transaction)
from trytond.transaction import Transaction, without_check_access
from trytond.wsgi import app

from .portal import (
    _, base_path, forbidden, not_found, page, page_errors,
    render, set_cookie)
from .routes import safe_next

PORTAL = '/<database_name>/portal'
PAGE_SIZE = 20
COMPARE_COOKIE = 's2b2b_compare'
SORT_LABELS = [('relevance', 'buyer_sort_relevance'),
    ('price', 'buyer_sort_price'), ('price_desc', 'buyer_sort_price_desc'),
    ('lead_time', 'buyer_sort_lead_time'), ('newest', 'buyer_sort_newest')]
LEAD_TIMES = [(3, 'le3'), (7, 'le7'), (15, 'le15'), (30, 'le30')]
STOCK_STYLES = {'in_stock': 'success', 'low': 'warning', 'out': 'secondary'}


def buyer_member(user):
    "The member of the user; suppliers-only members may not buy"
    member = user.s2b2b_member
    if not member.is_buyer:
        raise forbidden()
    return member


def money(value):
    return '' if value is None else f'{Decimal(value):,.2f}'


def qty(value):
    return '' if value is None else f'{value:g}'


def province_name(code):
    zh, en = regions.names(code)
    return (zh if Transaction().language == 'zh_CN' else en) or ''


def selection_labels(model, field):
    Model = Pool().get(model)
    return dict(Model.fields_get([field])[field]['selection'])


def visible_listings(ids):
    """The listings of ids the buyer may see, in the order of ids.

    The member's rules apply first; visibility restricts further."""
    Listing = Pool().get('s2b2b.listing')
    readable = [l.id for l in Listing.search([('id', 'in', list(ids))])]
    with without_check_access():
        visible = {l.id for l in Listing.search(
                    Listing.visible_domain() + [('id', 'in', readable)])}
    return Listing.browse([i for i in ids if i in visible])


def visible_listing(record_id):
    listing = get_record('s2b2b.listing', record_id)
    if not visible_listings([listing.id]):
        raise not_found()
    return listing


def supplier_names(listings):
    "Names of the suppliers of visible listings, by member id"
    Member = Pool().get('s2b2b.member')
    ids = list({l.supplier.id for l in listings})
    with without_check_access():
        return {m.id: m.rec_name for m in Member.browse(ids)}


def favourite_ids(member, listings):
    Favourite = Pool().get('s2b2b.listing.favourite')
    return {f.listing.id for f in Favourite.search([
                ('member', '=', member.id),
                ('listing', 'in', [l.id for l in listings])])}


def card(listing, suppliers, favourites, standings):
    "What a result card shows, as plain values"
    images = listing.images
    return {
        'id': listing.id, 'name': listing.rec_name,
        'supplier': suppliers.get(listing.supplier.id, ''),
        'standing': standings.get(listing.supplier_standing, ''),
        'price_from': money(listing.price_from),
        'currency': listing.currency.symbol or listing.currency.code,
        'uom': listing.uom.rec_name, 'moq': qty(listing.moq),
        'lead_time': listing.lead_time,
        'province': province_name(listing.province),
        'stock': listing.stock_status,
        'image': images[0].id if images else None,
        'favourite': listing.id in favourites,
        }


def cards(member, listings):
    suppliers = supplier_names(listings)
    favourites = favourite_ids(member, listings)
    standings = selection_labels('s2b2b.listing', 'supplier_standing')
    return [card(l, suppliers, favourites, standings) for l in listings]


# Parsing of the search form: each parser returns the value or raises
# ValueError, which drops the filter with a notice
def _number(text, cast=Decimal):
    "A finite number, zero or more"
    try:
        value = cast(text.strip())
        if not math.isfinite(value) or value < 0:
            raise ValueError(text)
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(text)
    return value


def _int(text):
    return _number(text, int)


def _float(text):
    return _number(text, float)


FILTER_FIELDS = [
    ('price_min', _number, 'buyer_price_min'),
    ('price_max', _number, 'buyer_price_max'),
    ('quantity', _float, 'buyer_quantity'),
    ('lead_time_max', _int, 'buyer_lead_time_max'),
    ('moq_max', _float, 'buyer_moq_max'),
    ]


def parse_category(args, notices):
    Category = Pool().get('product.category')
    text = args.get('category') or ''
    if not text:
        return None
    try:
        category_id = int(text)
    except ValueError:
        category_id = None
    categories = Category.search([('id', '=', category_id),
            ('s2b2b_listed', '=', True)]) if category_id else []
    if not categories:
        notices.append(_('buyer_bad_filter', filter=_('buyer_category')))
        return None
    return categories[0]


def facet_attributes(category):
    "The attributes buyers filter the category by, by name"
    if not category:
        return {}
    return {n: a for n, a in sorted(category.allowed_attributes().items())
        if a.s2b2b_facet}


def parse_specs(args, attributes, notices):
    specs = {}
    for name, attribute in attributes.items():
        text = (args.get('spec_' + name) or '').strip()
        if not text:
            continue
        value = attribute.parse(text)
        if value is None or not attribute.accepts(value):
            notices.append(_('buyer_bad_filter', filter=attribute.string))
            continue
        specs[name] = value
    return specs


def parse_filters(args, category, attributes, notices):
    values = {}
    for name, parse, label in FILTER_FIELDS:
        text = (args.get(name) or '').strip()
        if not text:
            continue
        try:
            values[name] = parse(text)
        except ValueError:
            notices.append(_('buyer_bad_filter', filter=_(label)))
    return search.Filters(
        category=category.id if category else None,
        specs=parse_specs(args, attributes, notices),
        provinces=[c for c in args.getlist('province') if c in regions.CODES],
        in_stock=args.get('in_stock') == '1',
        standings=[s for s in args.getlist('standing')
            if s in selection_labels('s2b2b.listing', 'supplier_standing')],
        **values)


def page_number(args):
    try:
        return max(int(args.get('page') or 1), 1)
    except ValueError:
        return 1


def category_tree(facets):
    """Listed categories as (category, depth, count) in tree order; the
    count includes the sub-categories'"""
    Category = Pool().get('product.category')
    categories = Category.search([('s2b2b_listed', '=', True)],
        order=[('name', 'ASC')])
    children = {}
    for category in categories:
        children.setdefault(
            category.parent.id if category.parent else None, []).append(
            category)
    listed = {c.id for c in categories}
    roots = [c for c in categories
        if not c.parent or c.parent.id not in listed]

    def count(category):
        return facets.get(category.id, 0) + sum(
            count(c) for c in children.get(category.id, []))

    def walk(nodes, depth):
        for node in nodes:
            yield node, depth, count(node)
            yield from walk(children.get(node.id, []), depth + 1)
    return [row for row in walk(roots, 0) if row[2]]


def spec_options(category, attributes):
    """(value, label, count) of each facet attribute, counted on the
    visible listings of the category"""
    Listing = Pool().get('s2b2b.listing')
    if not attributes:
        return {}
    with without_check_access():
        listings = Listing.search(Listing.visible_domain()
            + [('category', 'child_of', [category.id], 'parent')],
            limit=2000)
        counts = {n: Counter(str((l.specs or {}).get(n)) for l in listings
                if (l.specs or {}).get(n) not in (None, ''))
            for n in attributes}
    return {n: sorted(((v, a.display(a.parse(v)), c)
                    for v, c in counts[n].items()), key=lambda o: o[1])
        for n, a in attributes.items()}


def lead_time_options(facets):
    "Cumulative counts: at most 3, 7, 15, 30 days"
    total, options = 0, []
    for days, key in LEAD_TIMES:
        total += facets.get(key, 0)
        options.append((days, total))
    return options


def url_with(request, **changes):
    "The current search with some parameters changed (None removes)"
    params = [(k, v) for k, v in request.args.items(multi=True)
        if k not in changes]
    params += [(k, v) for k, v in changes.items() if v is not None]
    return f'{base_path(request)}/catalog?{urlencode(params)}'


@app.route(f'{PORTAL}/catalog', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page()
def catalog(request, pool, user):
    member = buyer_member(user)
    args = request.args
    notices = []
    query = (args.get('q') or '').strip()[:200]
    category = parse_category(args, notices)
    attributes = facet_attributes(category)
    filters = parse_filters(args, category, attributes, notices)
    sort = args.get('sort') if args.get('sort') in search.SORTS \
        else 'relevance'
    number = page_number(args)
    result = search.run(query, filters, sort,
        offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    listings = visible_listings(result.ids)
    return render(request, 'catalog.html', user=user, active='catalog',
        query=query, args=args, category=category, notices=notices,
        result=result, cards=cards(member, listings), sort=sort,
        sorts=SORT_LABELS, page=number,
        pages=max(math.ceil(result.total / PAGE_SIZE), 1),
        attributes=attributes, specs=spec_options(category, attributes),
        filters=filters,
        recommendations=_recommendations(member, query),
        url_with=lambda **c: url_with(request, **c),
        stock_styles=STOCK_STYLES,
        stock_labels=selection_labels('s2b2b.listing', 'stock_status'),
        compare_limit=compare_limit(),
        **facet_values(query, filters, result))


def facet_values(query, filters, result):
    """The options of the filters with their counts; a filter's own
    counts ignore its selection so that other options stay offered"""
    def counts(facet, **reset):
        return _facets_without(query, filters, result, facet, **reset)
    provinces = counts('province', provinces=[])
    standings = counts('standing', standings=[])
    return {
        'tree': category_tree(counts('category', category=None)),
        'lead_times': lead_time_options(
            counts('lead_time', lead_time_max=None)),
        'provinces': sorted(((c, province_name(c), n)
                for c, n in provinces.items() if c), key=lambda p: -p[2]),
        'standings': [(s, l, standings.get(s, 0)) for s, l in
            selection_labels('s2b2b.listing', 'supplier_standing').items()
            if s],
        'in_stock_count': result.facets['in_stock'].get(True, 0),
        }


def _facets_without(query, filters, result, facet, **reset):
    "The counts of a facet for the search without some of its filters"
    if not any(getattr(filters, name) for name in reset):
        return result.facets[facet]
    others = search.Filters(**{**vars(filters), **reset})
    return search.run(query, others, limit=1).facets[facet]


def _recommendations(member, query):
    "Suggestions when the buyer has not typed anything"
    Member = Pool().get('s2b2b.member')
    if query:
        return []
    # Scoped to the member explicitly; visible listings only
    with without_check_access():
        found = recommend.for_buyer(Member(member.id), limit=4)
        names = supplier_names([r.listing for r in found])
        return [{'id': r.listing.id, 'name': r.listing.rec_name,
                'reason': r.reason,
                'supplier': names.get(r.listing.supplier.id, ''),
                'price_from': money(r.listing.price_from),
                'currency': r.listing.currency.symbol
                or r.listing.currency.code,
                } for r in found]


def compare_limit():
    Configuration = Pool().get('s2b2b.configuration')
    with without_check_access():
        return Configuration(1).compare_limit or 4


@app.route(f'{PORTAL}/catalog/<record_id>', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page()
def listing_page(request, pool, user, record_id):
    member = buyer_member(user)
    listing = visible_listing(record_id)
    info, = cards(member, [listing])
    return render(request, 'catalog_listing.html', user=user,
        active='catalog', listing=listing, info=info,
        specs=spec_rows(listing), money=money, qty=qty,
        stock_styles=STOCK_STYLES,
        stock_labels=selection_labels('s2b2b.listing', 'stock_status'),
        can_order=bool(set(user.s2b2b_roles or []) & {'admin', 'purchaser'}),
        next=request.full_path)


def spec_rows(listing):
    "(label, readable value) of the listing's specifications"
    allowed = listing.category.allowed_attributes()
    rows = []
    for name, value in sorted((listing.specs or {}).items()):
        attribute = allowed.get(name)
        rows.append((name, attribute.string if attribute else name,
                attribute.display(value) if attribute else str(value)))
    return rows


@app.route(f'{PORTAL}/catalog/<record_id>/image/<media_id>',
    methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page()
def listing_image(request, pool, user, record_id, media_id):
    buyer_member(user)
    listing = visible_listing(record_id)
    media = get_record('s2b2b.listing.media', media_id)
    if media.listing.id != listing.id or media.kind != 'image' \
            or not media.image:
        raise not_found()
    response = send_file(io.BytesIO(bytes(media.image)), request.environ,
        mimetype=media.content_type or 'application/octet-stream',
        conditional=False, etag=False)
    response.headers['Cache-Control'] = 'private, max-age=3600'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


def compare_ids(request):
    """The listing ids asked for: ?ids=1,2 (or ids repeated), ?add=3 adds
    to the ones compared last (cookie)"""
    texts = request.args.getlist('ids')
    if 'add' in request.args:
        texts = [request.cookies.get(COMPARE_COOKIE, ''),
            request.args.get('add', '')]
    ids = []
    for text in texts:
        for part in text.split(','):
            try:
                value = int(part)
            except ValueError:
                continue
            if 0 < value < 2 ** 63 and value not in ids:
                ids.append(value)
    remove = request.args.get('remove')
    return [i for i in ids if str(i) != remove]


@app.route(f'{PORTAL}/catalog/compare', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page()
def compare(request, pool, user):
    buyer_member(user)
    ids, limit = compare_ids(request), compare_limit()
    quantity = _compare_quantity(request)
    values = {'user': user, 'active': 'catalog', 'limit': limit,
        'quantity': quantity, 'columns': [], 'rows': []}
    if len(ids) > limit:
        return render(request, 'catalog_compare.html',
            status=HTTPStatus.BAD_REQUEST,
            error=_('buyer_compare_too_many', limit=limit), **values)
    listings = visible_listings(ids)
    values.update(comparison(listings, quantity))
    if len(listings) < len(ids):
        values['messages'] = [('warning', _('buyer_compare_missing'))]
    response = render(request, 'catalog_compare.html', **values)
    set_cookie(request, response, COMPARE_COOKIE,
        ','.join(str(l.id) for l in listings), max_age=30 * 24 * 3600)
    return response


def _compare_quantity(request):
    try:
        return _number(request.args.get('quantity') or '1', float) or 1
    except ValueError:
        return 1


def comparison(listings, quantity):
    "Columns (listings) and rows (label, cells, best index or None)"
    suppliers = supplier_names(listings)
    standings = selection_labels('s2b2b.listing', 'supplier_standing')
    stock = selection_labels('s2b2b.listing', 'stock_status')
    prices = [l.price_for(quantity) for l in listings]
    rows = [
        ('price', _('buyer_price_at', quantity=qty(quantity)),
            [money(p) for p in prices], _best(prices)),
        ('tiers', _('buyer_price_tiers'),
            ['; '.join(f'≥{qty(q)}: {money(p)}' for q, p in sorted(l.tiers))
                for l in listings], None),
        ('moq', _('buyer_moq'), [f'{qty(l.moq)} / {qty(l.order_multiple)}'
                for l in listings], None),
        ('lead_time', _('buyer_lead_time'),
            [_('buyer_days', days=l.lead_time) for l in listings],
            _best([l.lead_time for l in listings])),
        ('province', _('buyer_ship_from'),
            [province_name(l.province) for l in listings], None),
        ('stock', _('buyer_availability'),
            [stock.get(l.stock_status, '') for l in listings], None),
        ('standing', _('buyer_standing'),
            [standings.get(l.supplier_standing, '') for l in listings], None),
        ('carbon', _('buyer_carbon'),
            [f'{l.carbon_footprint:g} kg CO₂e'
                if l.carbon_footprint is not None else ''
                for l in listings],
            _best([l.carbon_footprint for l in listings])),
        ]
    rows += spec_compare_rows(listings)
    rows.append(('services', _('buyer_services'),
            [', '.join(s.kind_string for s in l.services) for l in listings],
            None))
    columns = [{'id': l.id, 'name': l.rec_name,
            'supplier': suppliers.get(l.supplier.id, ''),
            'unit': l.uom.rec_name} for l in listings]
    return {'columns': columns, 'rows': rows}


def _best(values):
    "Index of the single lowest value, None when it does not stand out"
    known = [v for v in values if v is not None]
    if len(known) < 2 or min(known) == max(known):
        return None
    return values.index(min(known))


def spec_compare_rows(listings):
    "One row per specification any of the listings has"
    rows = {}
    for index, listing in enumerate(listings):
        allowed = listing.category.allowed_attributes()
        for name, value in (listing.specs or {}).items():
            attribute = allowed.get(name)
            label, cells, _best_ = rows.setdefault(f'spec-{name}', (
                    attribute.string if attribute else name,
                    [''] * len(listings), None))
            cells[index] = attribute.display(value) if attribute \
                else str(value)
    return [(key, *row) for key, row in sorted(rows.items())]


@app.route(f'{PORTAL}/catalog/<record_id>/favourite', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page()
def favourite(request, pool, user, record_id):
    Favourite = pool.get('s2b2b.listing.favourite')
    Member = pool.get('s2b2b.member')
    member = buyer_member(user)
    existing = Favourite.search([('member', '=', member.id),
            ('listing', '=', _int_or_none(record_id))], limit=1)
    # Removing works even for a listing no longer shown
    listing = existing[0].listing if existing \
        else visible_listing(record_id)
    Favourite.toggle(Member(member.id), listing)
    return redirect(safe_next(request, request.form.get('next')
            or f'{base_path(request)}/catalog/{record_id}'))


def _int_or_none(text):
    try:
        value = int(text)
    except ValueError:
        return None
    return value if 0 < value < 2 ** 63 else None


@app.route(f'{PORTAL}/favourites', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page()
def favourites(request, pool, user):
    Favourite = pool.get('s2b2b.listing.favourite')
    member = buyer_member(user)
    saved = Favourite.search([('member', '=', member.id)])
    ids = [f.listing.id for f in saved]
    shown = {l.id: l for l in visible_listings(ids)}
    info = {c['id']: c for c in cards(member, list(shown.values()))}
    # What is no longer shown keeps its name only, read for the owner
    with without_check_access():
        gone = {l.id: l.rec_name for l in pool.get('s2b2b.listing').browse(
                [i for i in ids if i not in shown])}
    return render(request, 'favourites.html', user=user,
        active='favourites', items=[(i, info.get(i), gone.get(i))
            for i in ids], stock_styles=STOCK_STYLES,
        stock_labels=selection_labels('s2b2b.listing', 'stock_status'))

