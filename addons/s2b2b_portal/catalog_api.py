# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The catalog endpoints of the member API v1: suppliers manage their
listings, buyers search, compare and keep favourites.

Same decorator stack and error format as api.py; openapi.py describes
every route.  Listings of a supplier are always looked up inside the
member's request (record rules) and by supplier, so that other members'
ids answer 404 like unknown ones.
"""
import io
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.modules.s2b2b_catalog import (
    importing, pricing, regions, search)
from trytond.modules.s2b2b_catalog.exceptions import (
    ImportFileError, ListingError, ListingMediaError, ListingSpecError,
    ListingTierError, PriceChangeError)
from trytond.modules.s2b2b_catalog.listing import (
    IMAGE_MAX_SIZE, IMAGE_TYPES, SERVICE_KINDS, STANDINGS, tiers_from_json)
from trytond.modules.s2b2b_catalog.recommend import for_buyer
from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.files import file_type
from trytond.pool import Pool
from trytond.protocols.wrappers import (
    HTTPStatus, Response, send_file, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from .api import (
    API, MAX_JSON_SIZE, MULTIPART, ApiError, api, api_url, check_fields,
    created, date, error, invalid, page_args, paginate, read_json, text)
from .portal import _, api_errors, json_response

TEXT_SIZE = 255
DESCRIPTION_SIZE = 10000
MEDIA_UPLOAD_SIZE = 2 * IMAGE_MAX_SIZE
IMPORT_MAX_SIZE = 10 * 1024 * 1024
EDITABLE = {'draft', 'rejected'}
PRICE_QUANTUM = Decimal('0.0001')
TEXT_FIELDS = {'name', 'name_en', 'reference', 'brand', 'model', 'city',
    'carbon_source'}
LISTING_FIELDS = TEXT_FIELDS | {
    'description', 'category', 'specs', 'uom', 'tiers', 'moq',
    'order_multiple', 'lead_time', 'province', 'valid_from', 'valid_to',
    'carbon_footprint', 'services', 'available_quantity',
    'low_stock_threshold'}
STOCK_FIELDS = {'available_quantity', 'low_stock_threshold'}
# Numeric fields: (minimum, whether the minimum itself is refused)
NUMBERS = {
    'moq': (0, True), 'order_multiple': (0, True),
    'available_quantity': (0, False), 'low_stock_threshold': (0, False),
    }
# Errors of the catalog models and how the API answers them
MODEL_ERRORS = [
    (ListingTierError, HTTPStatus.UNPROCESSABLE_ENTITY, 'invalid_tiers'),
    (ListingSpecError, HTTPStatus.UNPROCESSABLE_ENTITY, 'invalid_spec'),
    (ListingMediaError, HTTPStatus.UNPROCESSABLE_ENTITY, 'invalid_media'),
    (ListingError, HTTPStatus.CONFLICT, 'invalid_state'),
    (PriceChangeError, HTTPStatus.UNPROCESSABLE_ENTITY, 'invalid'),
    (ValidationError, HTTPStatus.UNPROCESSABLE_ENTITY, 'invalid'),
    ]


def route(path, methods, scope, max_size=None):
    "The decorator stack of a catalog endpoint"
    def decorator(func):
        func = api(scope, max_size=max_size or MAX_JSON_SIZE)(func)
        func = with_transaction()(func)
        func = api_errors(func)
        func = with_pool(func)
        return app.route(f'{API}{path}', methods=set(methods))(func)
    return decorator


@contextmanager
def model_errors():
    "Answer the refusals of the catalog models with their own code"
    try:
        yield
    except ApiError:
        raise
    except tuple(e for e, _s, _c in MODEL_ERRORS) as exception:
        for class_, status, code in MODEL_ERRORS:
            if isinstance(exception, class_):
                raise ApiError(status, code, exception.message) \
                    from exception


def _not_found():
    return RecordNotFound(_('not_found'))


def _member(key):
    return Pool().get('s2b2b.member')(key.member.id)


def require_supplier(key):
    if not _member(key).is_supplier:
        raise error(HTTPStatus.FORBIDDEN, 'not_supplier', 'api_not_supplier')


def require_buyer(key):
    if not _member(key).is_buyer:
        raise error(HTTPStatus.FORBIDDEN, 'not_buyer', 'api_not_buyer')


def own_listing(key, listing_id):
    "The listing of the key's supplier: 404 for others' and unknown ids"
    Listing = Pool().get('s2b2b.listing')
    require_supplier(key)
    listings = Listing.search([
            ('id', '=', listing_id), ('supplier', '=', key.member.id),
            ], limit=1)
    if not listings:
        raise _not_found()
    return listings[0]


def visible_listing(listing_id):
    "A listing buyers may see: published, of an approved supplier, valid"
    Listing = Pool().get('s2b2b.listing')
    listings = Listing.search(
        Listing.visible_domain() + [('id', '=', listing_id)], limit=1)
    if not listings:
        raise _not_found()
    return listings[0]


def check_state(listing, states):
    if listing.state not in states:
        raise error(HTTPStatus.CONFLICT, 'invalid_state', 'api_listing_state',
            listing=listing.rec_name, state=listing.state_string)


# Reading listing values

def number(payload, name, minimum=None, strict=False, integer=False):
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(
            value, int if integer else (int, float)):
        raise invalid(name)
    if minimum is not None and (
            value < minimum or (strict and value == minimum)):
        raise invalid(name)
    return value


def decimal(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise invalid(name)
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise invalid(name)
    if not result.is_finite():
        raise invalid(name)
    return result


def read_tiers(payload, name='tiers'):
    "[(quantity, unit price)] of a list of {quantity, unit_price}"
    value = payload.get(name)
    if not isinstance(value, list):
        raise invalid(name)
    tiers = []
    for tier in value:
        if not isinstance(tier, dict) or set(tier) != {
                'quantity', 'unit_price'}:
            raise invalid(name)
        quantity = number(tier, 'quantity')
        if quantity is None:
            raise invalid(name)
        tiers.append((float(quantity), decimal(tier['unit_price'], name)))
    try:
        pricing.check_tiers(tiers)
    except pricing.TierError as exception:
        raise ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, 'invalid_tiers',
            gettext(f's2b2b_catalog.msg_listing_tier_{exception.args[0]}',
                listing=payload.get('name') or '')) from exception
    return tiers


def read_services(payload):
    kinds = {k for k, _k in SERVICE_KINDS}
    value = payload.get('services')
    if not isinstance(value, list):
        raise invalid('services')
    services = []
    for service in value:
        if (not isinstance(service, dict)
                or not set(service) <= {'kind', 'description', 'price'}
                or service.get('kind') not in kinds):
            raise invalid('services')
        price = service.get('price')
        price = decimal(price, 'services') if price is not None else None
        services.append({'kind': service['kind'], 'price': price,
                'description': text(service, 'description')})
    return services


def read_category(value):
    Category = Pool().get('product.category')
    categories = Category.search([
            ('id', '=', value), ('s2b2b_listed', '=', True),
            ], limit=1) if isinstance(value, int) and value > 0 else []
    if not categories:
        raise error(HTTPStatus.UNPROCESSABLE_ENTITY, 'unknown_category',
            'api_category_unknown', category=value)
    return categories[0]


def read_uom(value):
    "A unit given by its id or its symbol"
    Uom = Pool().get('product.uom')
    if isinstance(value, int) and not isinstance(value, bool):
        domain = [('id', '=', value)]
    elif isinstance(value, str) and value.strip():
        domain = [('symbol', '=', value.strip())]
    else:
        raise invalid('uom')
    uoms = Uom.search(domain, limit=1)
    if not uoms:
        raise error(HTTPStatus.UNPROCESSABLE_ENTITY, 'unknown_uom',
            'api_uom_unknown', uom=value)
    return uoms[0]


def read_specs(payload):
    value = payload.get('specs')
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
            isinstance(v, (str, int, float, bool, list, type(None)))
            for v in value.values()):
        raise invalid('specs')
    return {k: v for k, v in value.items() if v is not None}


def _simple_values(payload, names):
    values = {}
    for name in names & TEXT_FIELDS:
        values[name] = text(payload, name)
    if 'description' in names:
        values['description'] = text(payload, 'description',
            size=DESCRIPTION_SIZE)
    for name in names & set(NUMBERS):
        minimum, strict = NUMBERS[name]
        value = number(payload, name, minimum, strict)
        if value is None:
            raise invalid(name, 'api_field_required')
        values[name] = value
    if 'lead_time' in names:
        values['lead_time'] = number(payload, 'lead_time', 0, integer=True)
        if values['lead_time'] is None:
            raise invalid('lead_time', 'api_field_required')
    for name in names & {'valid_from', 'valid_to'}:
        values[name] = date(payload, name)
    return values


def listing_values(payload, creating):
    "The listing values of a request body, checked field by field"
    names = set(check_fields(payload, LISTING_FIELDS))
    if creating:
        for name in ['name', 'category', 'tiers']:
            if payload.get(name) in (None, '', []):
                raise invalid(name, 'api_field_required')
    values = _simple_values(payload, names)
    if 'name' in names and not values['name']:
        raise invalid('name', 'api_field_required')
    if 'category' in names:
        values['category'] = read_category(payload['category']).id
    if 'uom' in names:
        values['uom'] = read_uom(payload['uom']).id
    if 'specs' in names:
        values['specs'] = read_specs(payload)
    if 'province' in names:
        province = payload['province']
        if province is not None and province not in regions.CODES:
            raise invalid('province')
        values['province'] = province
    if 'carbon_footprint' in names:
        value = payload['carbon_footprint']
        value = decimal(value, 'carbon_footprint') \
            if value is not None else None
        if value is not None and value < 0:
            raise invalid('carbon_footprint')
        values['carbon_footprint'] = value
    return values, names


def _children(listing, values, payload, names):
    "Replace the tiers and services the body gives"
    if 'tiers' in names:
        tiers = read_tiers(payload)
        values['price_tiers'] = [
            *([('delete', [t.id for t in listing.price_tiers])]
                if listing else []),
            ('create', [{'quantity': q, 'unit_price': p} for q, p in tiers]),
            ]
    if 'services' in names:
        values['services'] = [
            *([('delete', [s.id for s in listing.services])]
                if listing else []),
            ('create', read_services(payload)),
            ]
    return values


# Writing listings as JSON

def price_text(value):
    "A price as a decimal string, the same on every backend"
    return str(Decimal(value).quantize(PRICE_QUANTUM))


def tiers_json(tiers):
    return [{'quantity': q, 'unit_price': price_text(p)}
        for q, p in sorted(tiers)]


def media_json(request, listing, medium, own):
    base = '/listings' if own else '/catalog/listings'
    return {
        'id': medium.id,
        'kind': medium.kind,
        'filename': medium.filename,
        'content_type': medium.content_type,
        'url': medium.url if medium.kind == 'video' else api_url(
            request, f'{base}/{listing.id}/media/{medium.id}'),
        }


def _iso(value):
    return value.isoformat() if value else None


def _product_json(listing):
    return {
        'id': listing.id,
        'name': listing.name,
        'name_en': listing.name_en,
        'description': listing.description,
        'category': {'id': listing.category.id,
            'name': listing.category.rec_name},
        'brand': listing.brand,
        'model': listing.model,
        'specs': dict(listing.specs or {}),
        'uom': {'id': listing.uom.id, 'symbol': listing.uom.symbol},
        }


def _terms_json(listing):
    return {
        'currency': listing.currency.code,
        'tiers': tiers_json(listing.tiers),
        'price_from': (price_text(listing.price_from)
            if listing.price_from is not None else None),
        'moq': listing.moq,
        'order_multiple': listing.order_multiple,
        'lead_time': listing.lead_time,
        'province': listing.province,
        'city': listing.city,
        'valid_from': _iso(listing.valid_from),
        'valid_to': _iso(listing.valid_to),
        'carbon_footprint': (str(listing.carbon_footprint)
            if listing.carbon_footprint is not None else None),
        'carbon_source': listing.carbon_source,
        'services': [{'kind': s.kind, 'description': s.description,
                'price': str(s.price) if s.price is not None else None}
            for s in listing.services],
        'available_quantity': listing.available_quantity,
        'stock_status': listing.stock_status,
        'supplier_standing': listing.supplier_standing,
        'published_date': _iso(listing.published_date),
        }


def listing_json(request, listing, own=True):
    "A listing as its supplier (own) or a buyer sees it"
    data = {**_product_json(listing), **_terms_json(listing),
        'media': [media_json(request, listing, m, own)
            for m in listing.media]}
    if own:
        data.update({
                'reference': listing.reference,
                'low_stock_threshold': listing.low_stock_threshold,
                'state': listing.state,
                'reject_reason': listing.reject_reason,
                })
    else:
        data['supplier'] = {'id': listing.supplier.id,
            'name': listing.supplier.party.name}
    return data


def price_change_json(change):
    return {
        'id': change.id,
        'old_tiers': tiers_json(tiers_from_json(change.old_tiers)),
        'new_tiers': tiers_json(tiers_from_json(change.new_tiers)),
        'change_percent': str(change.change_percent),
        'effective_date': change.effective_date.isoformat(),
        'state': change.state,
        'reason': change.reason,
        'created': _iso(change.create_date),
        }


def _listing_response(request, listing_id, status=HTTPStatus.OK):
    Listing = Pool().get('s2b2b.listing')
    return json_response(listing_json(request, Listing(listing_id)),
        status=status)


# Supplier endpoints

@route('/listings', ['GET'], 'listings:read')
def listings_list(request, pool, key):
    Listing = pool.get('s2b2b.listing')
    require_supplier(key)
    states = {s for s, _s in Listing.state.selection}
    domain = [('supplier', '=', key.member.id)]
    state = request.args.get('state')
    if state is not None:
        if state not in states:
            raise invalid('state')
        domain.append(('state', '=', state))
    query = (request.args.get('q') or '').strip()
    if query:
        domain.append(('rec_name', 'ilike', f'%{query}%'))
    if 'category' in request.args:
        domain.append(('category', 'child_of',
                [_int_arg(request, 'category')], 'parent'))
    return paginate(request, Listing, domain,
        lambda l: listing_json(request, l), order=[('id', 'DESC')])


def _int_arg(request, name):
    try:
        value = int(request.args[name])
    except ValueError:
        raise invalid(name)
    if value <= 0:
        raise invalid(name)
    return value


@route('/listings', ['POST'], 'listings:write')
def listing_create(request, pool, key):
    Listing = pool.get('s2b2b.listing')
    require_supplier(key)
    payload = read_json(request)
    values, names = listing_values(payload, creating=True)
    values = _children(None, values, payload, names)
    with model_errors():
        listing, = Listing.create([{**values, 'supplier': key.member.id}])
    return created(request, listing_json(request, listing),
        f'/listings/{listing.id}')


@route('/listings/<int:listing_id>', ['GET'], 'listings:read')
def listing_get(request, pool, key, listing_id):
    return json_response(listing_json(request, own_listing(key, listing_id)))


@route('/listings/<int:listing_id>', ['PATCH'], 'listings:write')
def listing_update(request, pool, key, listing_id):
    Listing = pool.get('s2b2b.listing')
    listing = own_listing(key, listing_id)
    payload = read_json(request)
    check_state(listing, EDITABLE)
    values, names = listing_values(payload, creating=False)
    values = _children(listing, values, payload, names)
    if values:
        with model_errors():
            Listing.write([listing], values)
    return _listing_response(request, listing.id)


@route('/listings/<int:listing_id>', ['DELETE'], 'listings:write')
def listing_delete(request, pool, key, listing_id):
    Listing = pool.get('s2b2b.listing')
    listing = own_listing(key, listing_id)
    check_state(listing, EDITABLE)
    with model_errors():
        Listing.delete([listing])
    return Response(status=HTTPStatus.NO_CONTENT)


def _transition(key, listing_id, button, states):
    Listing = Pool().get('s2b2b.listing')
    listing = own_listing(key, listing_id)
    check_state(listing, states)
    with model_errors():
        getattr(Listing, button)([listing])
    return listing.id


@route('/listings/<int:listing_id>/submit', ['POST'], 'listings:write')
def listing_submit(request, pool, key, listing_id):
    return _listing_response(request,
        _transition(key, listing_id, 'submit', EDITABLE))


@route('/listings/<int:listing_id>/withdraw', ['POST'], 'listings:write')
def listing_withdraw(request, pool, key, listing_id):
    "Take a submitted listing back to draft, before its review"
    return _listing_response(request,
        _transition(key, listing_id, 'draft', {'submitted'}))


@route('/listings/<int:listing_id>/delist', ['POST'], 'listings:write')
def listing_delist(request, pool, key, listing_id):
    return _listing_response(request,
        _transition(key, listing_id, 'delist', {'published'}))


@route('/listings/<int:listing_id>/stock', ['PUT'], 'listings:write')
def listing_stock(request, pool, key, listing_id):
    Listing = pool.get('s2b2b.listing')
    listing = own_listing(key, listing_id)
    payload = read_json(request)
    names = set(check_fields(payload, STOCK_FIELDS))
    if not names:
        raise invalid('available_quantity', 'api_field_required')
    values = _simple_values(payload, names)
    with model_errors():
        Listing.write([listing], values)
    return _listing_response(request, listing.id)


@route('/listings/<int:listing_id>/price-changes', ['GET'],
    'listings:read')
def price_changes_list(request, pool, key, listing_id):
    PriceChange = pool.get('s2b2b.listing.price_change')
    listing = own_listing(key, listing_id)
    return paginate(request, PriceChange, [('listing', '=', listing.id)],
        price_change_json)


@route('/listings/<int:listing_id>/price-changes', ['POST'],
    'listings:write')
def price_change_create(request, pool, key, listing_id):
    PriceChange = pool.get('s2b2b.listing.price_change')
    listing = own_listing(key, listing_id)
    payload = read_json(request)
    check_fields(payload, {'tiers', 'effective_date'})
    tiers = read_tiers(payload)
    effective_date = date(payload, 'effective_date')
    if listing.state != 'published':
        raise ApiError(HTTPStatus.CONFLICT, 'invalid_state', gettext(
                's2b2b_catalog.msg_price_change_not_published',
                listing=listing.rec_name))
    with model_errors():
        change = PriceChange.request(listing, tiers, effective_date,
            web_user=key.created_by)
    return created(request, price_change_json(change),
        f'/listings/{listing.id}/price-changes')


# Media

def _image_upload(request):
    "(bytes, file name) of a raw image body or a multipart 'file'"
    if request.mimetype == MULTIPART:
        upload = request.files.get('file')
        if not upload:
            raise invalid('file', 'api_field_required')
        return upload.read(), upload.filename
    if request.mimetype not in IMAGE_TYPES:
        raise error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            'unsupported_media_type', 'api_content_type',
            types=', '.join(sorted(IMAGE_TYPES) + [MULTIPART]))
    return request.get_data(), request.args.get('filename')


def _check_image(data, name):
    if not data:
        raise invalid('file', 'api_field_required')
    if len(data) > IMAGE_MAX_SIZE:
        raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, 'file_too_large',
            gettext('s2b2b_catalog.msg_media_too_large', name=name or '',
                size=IMAGE_MAX_SIZE // 1024))
    mime = file_type(data)
    if mime not in IMAGE_TYPES:
        raise ApiError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, 'file_type',
            gettext('s2b2b_catalog.msg_media_not_image', name=name or ''))
    return mime


def _own_medium(key, listing_id, media_id):
    listing = own_listing(key, listing_id)
    media = [m for m in listing.media if m.id == media_id]
    if not media:
        raise _not_found()
    return listing, media[0]


@route('/listings/<int:listing_id>/media', ['POST'], 'listings:write',
    max_size=MEDIA_UPLOAD_SIZE)
def media_create(request, pool, key, listing_id):
    Media = pool.get('s2b2b.listing.media')
    listing = own_listing(key, listing_id)
    check_state(listing, EDITABLE)
    data, name = _image_upload(request)
    mime = _check_image(data, name)
    extension = mime.split('/')[1].replace('jpeg', 'jpg')
    name = (name or '').replace('\\', '/').rsplit('/', 1)[-1].strip()[:100]
    with model_errors():
        medium, = Media.create([{'listing': listing.id, 'kind': 'image',
                    'image': data,
                    'filename': name or f'image.{extension}'}])
    return created(request, media_json(request, listing, medium, True),
        f'/listings/{listing.id}/media/{medium.id}')


def _image_response(request, medium):
    if medium.kind != 'image' or not medium.image:
        raise _not_found()
    data = bytes(medium.image)
    response = send_file(io.BytesIO(data), request.environ,
        mimetype=file_type(data) or 'application/octet-stream',
        download_name=medium.filename or 'image', etag=False,
        conditional=False)
    response.headers['Cache-Control'] = 'private, max-age=300'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


@route('/listings/<int:listing_id>/media/<int:media_id>', ['GET'],
    'listings:read')
def media_get(request, pool, key, listing_id, media_id):
    _listing, medium = _own_medium(key, listing_id, media_id)
    return _image_response(request, medium)


@route('/listings/<int:listing_id>/media/<int:media_id>', ['DELETE'],
    'listings:write')
def media_delete(request, pool, key, listing_id, media_id):
    Media = pool.get('s2b2b.listing.media')
    listing, medium = _own_medium(key, listing_id, media_id)
    check_state(listing, EDITABLE)
    Media.delete([medium])
    return Response(status=HTTPStatus.NO_CONTENT)


# Buyer endpoints

def bad_filter(name, value):
    return ApiError(HTTPStatus.BAD_REQUEST, 'invalid_filter', gettext(
            's2b2b_catalog.msg_search_bad_filter', filter=name,
            value=value))


def _arg(request, name, parse):
    "The parsed query argument, None when absent; 400 naming it if bad"
    value = (request.args.get(name) or '').strip()
    if not value:
        return None
    try:
        result = parse(value)
    except (ValueError, ArithmeticError):
        result = None
    if result is None:
        raise bad_filter(name, value)
    return result


def _non_negative(type_):
    def parse(value):
        result = type_(value)
        if not result.is_finite() if isinstance(result, Decimal) \
                else result != result:
            return None
        return result if result >= 0 else None
    return parse


def _boolean(value):
    return {'true': True, '1': True, 'false': False, '0': False}.get(
        value.lower())


def _list(known):
    def parse(value):
        values = [v.strip() for v in value.split(',') if v.strip()]
        return values if values and set(values) <= set(known) else None
    return parse


def spec_filters(request, category):
    "The spec.<name>= arguments, typed by their attribute"
    Attribute = Pool().get('product.attribute')
    allowed = Pool().get('product.category')(category).allowed_attributes() \
        if category else None
    specs = {}
    for arg, value in request.args.items():
        if not arg.startswith('spec.'):
            continue
        name = arg[len('spec.'):]
        if allowed is not None:
            attribute = allowed.get(name)
        else:
            attributes = Attribute.search([('name', '=', name)], limit=1)
            attribute = attributes[0] if attributes else None
        parsed = attribute.parse(value) if attribute else None
        if parsed is None or not attribute.accepts(parsed):
            raise bad_filter(arg, value)
        specs[name] = parsed
    return specs


def search_filters(request):
    Category = Pool().get('product.category')
    category = _arg(request, 'category', int)
    if category is not None and not Category.search(
            [('id', '=', category)], limit=1):
        raise bad_filter('category', category)
    return search.Filters(
        category=category,
        specs=spec_filters(request, category),
        price_min=_arg(request, 'price_min', _non_negative(Decimal)),
        price_max=_arg(request, 'price_max', _non_negative(Decimal)),
        quantity=_arg(request, 'quantity', _non_negative(float)),
        provinces=_arg(request, 'province', _list(regions.CODES)),
        lead_time_max=_arg(request, 'lead_time_max', _non_negative(int)),
        moq_max=_arg(request, 'moq_max', _non_negative(float)),
        in_stock=bool(_arg(request, 'in_stock', _boolean)),
        standings=_arg(request, 'standing',
            _list([s for s, _s in STANDINGS])))


def _visible_json(request, ids):
    "Buyer JSON of the listings, in the order of ids"
    Listing = Pool().get('s2b2b.listing')
    listings = {l.id: l for l in Listing.browse(ids)}
    return [listing_json(request, listings[i], own=False) for i in ids]


@route('/catalog/search', ['GET'], 'catalog:read')
def catalog_search(request, pool, key):
    require_buyer(key)
    page, per_page = page_args(request)
    filters = search_filters(request)
    sort = request.args.get('sort') or 'relevance'
    if sort not in search.SORTS:
        raise bad_filter('sort', sort)
    result = search.run(request.args.get('q') or '', filters, sort=sort,
        offset=(page - 1) * per_page, limit=per_page)
    return json_response({
            'items': _visible_json(request, result.ids),
            'total': result.total, 'page': page, 'per_page': per_page,
            'facets': result.facets, 'fuzzy': result.fuzzy,
            'total_capped': result.capped,
            })


@route('/catalog/listings/<int:listing_id>', ['GET'], 'catalog:read')
def catalog_listing(request, pool, key, listing_id):
    require_buyer(key)
    listing = visible_listing(listing_id)
    return json_response(listing_json(request, listing, own=False))


@route('/catalog/listings/<int:listing_id>/media/<int:media_id>', ['GET'],
    'catalog:read')
def catalog_media(request, pool, key, listing_id, media_id):
    require_buyer(key)
    listing = visible_listing(listing_id)
    media = [m for m in listing.media if m.id == media_id]
    if not media:
        raise _not_found()
    return _image_response(request, media[0])


def compare_ids(request):
    Configuration = Pool().get('s2b2b.configuration')
    limit = Configuration(1).compare_limit
    ids = _arg(request, 'ids', lambda v: [int(i) for i in v.split(',')])
    if not ids or any(i <= 0 for i in ids):
        raise invalid('ids')
    ids = list(dict.fromkeys(ids))
    if len(ids) > limit:
        raise ApiError(HTTPStatus.BAD_REQUEST, 'too_many', gettext(
                's2b2b_catalog.msg_compare_limit', limit=limit))
    return ids


def spec_rows(listings):
    "The specifications of the listings side by side, readable"
    rows = {}
    for index, listing in enumerate(listings):
        attributes = listing.category.allowed_attributes()
        for name, value in (listing.specs or {}).items():
            attribute = attributes.get(name)
            if attribute is None:
                continue
            row = rows.setdefault(name, {'name': name,
                    'label': attribute.string,
                    'values': [None] * len(listings)})
            row['values'][index] = attribute.display(value)
    return list(rows.values())


@route('/catalog/compare', ['GET'], 'catalog:read')
def catalog_compare(request, pool, key):
    require_buyer(key)
    listings = [visible_listing(i) for i in compare_ids(request)]
    return json_response({
            'items': [listing_json(request, l, own=False) for l in listings],
            'specs': spec_rows(listings),
            })


def attribute_json(attribute):
    values = []
    if attribute.type_ in {'selection', 'multiselection'}:
        for line in (attribute.selection or '').splitlines():
            value, _sep, label = line.partition(':')
            if value.strip():
                values.append({'value': value.strip(),
                        'label': label.strip() or value.strip()})
    return {'name': attribute.name, 'label': attribute.string,
        'type': attribute.type_, 'unit': attribute.s2b2b_unit,
        'facet': bool(attribute.s2b2b_facet),
        'values': values or None}


def category_tree():
    "The platform categories with both names and their specifications"
    Category = Pool().get('product.category')
    domain = [('s2b2b_listed', '=', True)]
    names = {}
    for language in ['en', 'zh_CN']:
        with Transaction().set_context(language=language):
            for category in Category.search(domain):
                names.setdefault(category.id, {})[language] = category.name
    nodes = {}
    for category in Category.search(domain, order=[('name', 'ASC')]):
        nodes[category.id] = {
            'id': category.id,
            'name': category.name,
            'name_en': names[category.id]['en'],
            'name_zh': names[category.id]['zh_CN'],
            'parent': category.parent.id if category.parent else None,
            'attributes': [attribute_json(a) for a in
                category.allowed_attributes().values()],
            'children': [],
            }
    roots = []
    for node in nodes.values():
        parent = nodes.get(node['parent'])
        (parent['children'] if parent else roots).append(node)
    return roots


@route('/catalog/categories', ['GET'], 'catalog:read')
def catalog_categories(request, pool, key):
    return json_response({'items': category_tree()})


def favourite_json(request, favourite):
    return {'listing': listing_json(request, favourite.listing, own=False),
        'created': _iso(favourite.create_date)}


@route('/favourites', ['GET'], 'catalog:read')
def favourites_list(request, pool, key):
    Favourite = pool.get('s2b2b.listing.favourite')
    Listing = pool.get('s2b2b.listing')
    require_buyer(key)
    domain = [('member', '=', key.member.id),
        ('listing', 'where', Listing.visible_domain())]
    return paginate(request, Favourite, domain,
        lambda f: favourite_json(request, f))


def _favourites(key, listing):
    Favourite = Pool().get('s2b2b.listing.favourite')
    return Favourite.search([
            ('member', '=', key.member.id), ('listing', '=', listing.id)])


@route('/favourites', ['POST'], 'favourites:write')
def favourite_add(request, pool, key):
    Favourite = pool.get('s2b2b.listing.favourite')
    require_buyer(key)
    payload = read_json(request)
    check_fields(payload, {'listing'})
    listing_id = number(payload, 'listing', 1, integer=True)
    if listing_id is None:
        raise invalid('listing', 'api_field_required')
    listing = visible_listing(listing_id)
    status = HTTPStatus.OK
    if not _favourites(key, listing):
        Favourite.toggle(_member(key), listing)
        status = HTTPStatus.CREATED
    favourite, = _favourites(key, listing)
    return json_response(favourite_json(request, favourite), status=status)


@route('/favourites/<int:listing_id>', ['DELETE'], 'favourites:write')
def favourite_remove(request, pool, key, listing_id):
    Listing = pool.get('s2b2b.listing')
    Favourite = pool.get('s2b2b.listing.favourite')
    require_buyer(key)
    listings = Listing.search([('id', '=', listing_id)], limit=1)
    if not listings or not _favourites(key, listings[0]):
        raise _not_found()
    Favourite.toggle(_member(key), listings[0])
    return Response(status=HTTPStatus.NO_CONTENT)


@route('/recommendations', ['GET'], 'catalog:read')
def recommendations(request, pool, key):
    require_buyer(key)
    return json_response({'items': [{
                    'listing': listing_json(request, r.listing, own=False),
                    'reason': r.reason, 'kind': r.kind}
                for r in for_buyer(_member(key))]})



# Imports and exports of listing files

IMPORT_TYPES = {
    'text/csv': 'csv', 'application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sheet': 'xlsx'}
EXPORT_TYPES = {v: k for k, v in IMPORT_TYPES.items()}


def _import_upload(request):
    "(bytes, file name) of a multipart 'file' or a raw CSV/XLSX body"
    if request.mimetype == MULTIPART:
        upload = request.files.get('file')
        if not upload:
            raise invalid('file', 'api_field_required')
        return upload.read(), upload.filename
    if request.mimetype not in IMPORT_TYPES:
        raise error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            'unsupported_media_type', 'api_content_type',
            types=', '.join(sorted(IMPORT_TYPES) + [MULTIPART]))
    name = request.args.get('filename') or (
        f'import.{IMPORT_TYPES[request.mimetype]}')
    return request.get_data(), name


def _check_import_file(data, name):
    if not data:
        raise invalid('file', 'api_field_required')
    if len(data) > IMPORT_MAX_SIZE:
        raise error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, 'file_too_large',
            'api_file_too_large', size=IMPORT_MAX_SIZE // 2 ** 20)
    try:
        importing.file_format(name)
    except importing.FileError as exception:
        raise ApiError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, 'file_type',
            gettext('s2b2b_catalog.msg_import_file_format',
                filename=name or '')) from exception


def import_json(request, import_):
    progress = import_.progress()
    return {
        'id': import_.id,
        'filename': import_.filename,
        'format': import_.format,
        'state': progress['state'],
        'finished': progress['finished'],
        'total_rows': progress['total'],
        'processed_rows': progress['processed'],
        'percent': progress['percent'],
        'created_count': progress['created'],
        'updated_count': progress['updated'],
        'error_count': progress['errors'],
        'message': progress['message'] or None,
        'errors_url': api_url(request,
            f'/listing-imports/{import_.id}/errors')
        if progress['has_errors_file'] else None,
        'created': _iso(import_.create_date),
        }


def own_import(key, import_id):
    Import = Pool().get('s2b2b.listing.import')
    require_supplier(key)
    imports = Import.search([
            ('id', '=', import_id), ('member', '=', key.member.id),
            ], limit=1)
    if not imports:
        raise _not_found()
    return imports[0]


@route('/listing-imports', ['POST'], 'listings:write',
    max_size=IMPORT_MAX_SIZE + 64 * 1024)
def import_create(request, pool, key):
    "Check and import a listing file; small files are done at once"
    Import = pool.get('s2b2b.listing.import')
    require_supplier(key)
    data, name = _import_upload(request)
    _check_import_file(data, name)
    try:
        import_ = Import.start(_member(key), name, data,
            web_user=key.created_by)
    except ImportFileError as exception:
        raise ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, 'invalid_file',
            exception.message) from exception
    return json_response(import_json(request, import_),
        status=HTTPStatus.ACCEPTED, headers={'Location': api_url(
                request, f'/listing-imports/{import_.id}')})


@route('/listing-imports/<int:import_id>', ['GET'], 'listings:read')
def import_get(request, pool, key, import_id):
    return json_response(import_json(request, own_import(key, import_id)))


def _attachment(request, data, mimetype, name):
    response = send_file(io.BytesIO(bytes(data)), request.environ,
        mimetype=mimetype, as_attachment=True, download_name=name,
        etag=False, conditional=False)
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


@route('/listing-imports/<int:import_id>/errors', ['GET'], 'listings:read')
def import_errors(request, pool, key, import_id):
    "The uploaded rows with an error column, as XLSX"
    import_ = own_import(key, import_id)
    if not import_.errors_file:
        raise _not_found()
    return _attachment(request, import_.errors_file, EXPORT_TYPES['xlsx'],
        import_.errors_filename or 'errors.xlsx')


@route('/listings/export', ['GET'], 'listings:read')
def listings_export(request, pool, key):
    "The supplier's listings in the import layout (CSV or XLSX)"
    Import = pool.get('s2b2b.listing.import')
    Listing = pool.get('s2b2b.listing')
    require_supplier(key)
    format_ = request.args.get('format', 'xlsx')
    if format_ not in EXPORT_TYPES:
        raise invalid('format', 'api_export_format')
    listings = Listing.search([('supplier', '=', key.member.id)],
        order=[('id', 'ASC')])
    data = Import.export(listings, format_, Transaction().language)
    return _attachment(request, data, EXPORT_TYPES[format_],
        f'listings.{format_}')
