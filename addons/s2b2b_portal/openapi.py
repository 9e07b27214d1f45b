# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The OpenAPI 3.1 description of the member API v1, served at
/<database>/s2b2b/api/v1/openapi.json.

Every route of api.py, catalog_api.py and procurement_api.py (the latter
in procurement_openapi.py) is described here; tests/test_api.py checks
that none is missing and that the document is valid.
"""
import copy
from functools import lru_cache

from trytond.modules.s2b2b_platform.member import KINDS, Document, Member
from trytond.modules.s2b2b_platform.member import DocumentType
from trytond.modules.s2b2b_catalog.listing import (
    SERVICE_KINDS, STANDINGS, STATES as LISTING_STATES)
from trytond.modules.s2b2b_catalog.regions import PROVINCES
from trytond.modules.s2b2b_catalog.search import SORTS
from trytond.modules.s2b2b_platform.web import ROLES

from .apikey import SCOPES

VERSION = '1.0.0'
DESCRIPTION = """\
The API of the S2B2B platform for the programs of its members (ERP, WMS…).

**Authentication**: an API key created by a member administrator in the
portal (API Keys page), sent as `Authorization: Bearer s2b2b_…`.  A key
acts for its member only and is limited to its scopes.

**Errors** are JSON `{"error": {"code", "message"}}` with a 4xx status;
messages follow `Accept-Language` (zh-CN or en).  Records of other members
answer 404 like unknown ones.

**Lists** are paginated with `page` and `per_page` (at most 100); `next`
is the URL of the next page or null.

**Idempotency**: a POST with an `Idempotency-Key` header is done once; its
first successful response is kept 24 hours and replayed (header
`Idempotent-Replayed: true`) for the same key and body.  The same key with
another body or path answers 409.  Failed requests are not kept and may be
retried with the same key.
"""
ERRORS = {
    '400': ('BadRequest', "Malformed JSON, unknown field or invalid value"),
    '401': ('Unauthorized',
        "Missing, invalid, revoked or expired API key, or terminated member"),
    '403': ('Forbidden', "The API key lacks the scope of the operation, "
        "or the member is not of the kind (buyer, supplier) or the key's "
        "creator lacks the role it needs"),
    '404': ('NotFound', "Unknown record or a record of another member"),
    '409': ('Conflict', "The Idempotency-Key was used for another "
        "request, or the record's state does not allow the operation"),
    '413': ('TooLarge', "The request body or the file is too large"),
    '415': ('UnsupportedMediaType',
        "Wrong Content-Type, or a file of a type the operation refuses"),
    '422': ('Unprocessable', "Values the catalog refuses: price tiers, "
        "specifications, unknown category or unit; what the procurement "
        "rules refuse: a state or deadline that does not allow it, the "
        "other side's turn, a price"),
    }
READ_ERRORS = ('400', '401', '403', '404')
WRITE_ERRORS = READ_ERRORS + ('413', '415')


def ref(name, kind='schemas'):
    return {'$ref': f'#/components/{kind}/{name}'}


def nullable(type_, **keywords):
    return {'type': [type_, 'null'], **keywords}


def enum(selection):
    return [value for value, _ in selection if value]


def json_content(schema):
    return {'application/json': {'schema': schema}}


def page_schema(item):
    return {
        'type': 'object',
        'required': ['items', 'page', 'per_page', 'total', 'next'],
        'properties': {
            'items': {'type': 'array', 'items': ref(item)},
            'page': {'type': 'integer', 'minimum': 1},
            'per_page': {'type': 'integer', 'minimum': 1, 'maximum': 100},
            'total': {'type': 'integer', 'minimum': 0},
            'next': nullable('string', format='uri',
                description="URL of the next page, null on the last one"),
            },
        }


def operation(op_id, summary, tag, scope, ok, errors=READ_ERRORS,
        **extra):
    "An operation answering ok ({status: response}) and errors"
    responses = dict(ok)
    for status in errors:
        responses[status] = ref(ERRORS[status][0], 'responses')
    security = [{'bearerAuth': [scope] if scope else []}]
    if scope is False:
        security = []
    return {'operationId': op_id, 'summary': summary, 'tags': [tag],
        'security': security, 'responses': responses, **extra}


def ok(description, schema, status='200', headers=None):
    response = {'description': description, 'content': json_content(schema)}
    if headers:
        response['headers'] = headers
    return {status: response}


def created(schema):
    return ok("Created", ref(schema), '201', headers={
            'Location': {'schema': {'type': 'string', 'format': 'uri'},
                'description': "URL of the new record"},
            'Idempotent-Replayed': ref('IdempotentReplayed', 'headers'),
            })


def body(schema, required=True):
    return {'required': required, 'content': json_content(ref(schema))}


def paths_public():
    health = {'type': 'object', 'required': ['status', 'modules'],
        'properties': {'status': {'const': 'ok'},
            'modules': {'type': 'array', 'items': {'type': 'string'}}}}
    return {
        '/health': {'get': operation('getHealth', "Readiness check",
                'Platform', False, ok("Ready", health), errors=())},
        '/openapi.json': {'get': operation('getOpenAPI',
                "This OpenAPI description", 'Platform', False,
                ok("OpenAPI 3.1 document", {'type': 'object'}),
                errors=())},
        }


def paths_member():
    return {'/member': {
            'get': operation('getMember', "The member of the key", 'Member',
                'member:read', ok("The member", ref('Member'))),
            'patch': operation('updateMember', "Change the member contact",
                'Member', 'member:write', ok("The member", ref('Member')),
                errors=WRITE_ERRORS, requestBody=body('MemberUpdate')),
            }}


def paths_users():
    user_id = [ref('UserId', 'parameters')]
    return {
        '/users': {
            'get': operation('listUsers', "Portal users of the member",
                'Users', 'users:read', ok("A page of users", page_schema(
                        'User')), parameters=[ref('Page', 'parameters'),
                    ref('PerPage', 'parameters'),
                    ref('Active', 'parameters')]),
            'post': operation('inviteUser',
                "Invite a portal user: it receives an e-mail to choose its "
                "password", 'Users', 'users:write', created('User'),
                errors=WRITE_ERRORS + ('409',),
                parameters=[ref('IdempotencyKey', 'parameters')],
                requestBody=body('UserCreate')),
            },
        '/users/{user_id}': {
            'get': operation('getUser', "A portal user", 'Users',
                'users:read', ok("The user", ref('User')),
                parameters=user_id),
            'patch': operation('updateUser',
                "Change the roles of a user or (de)activate it", 'Users',
                'users:write', ok("The user", ref('User')),
                errors=WRITE_ERRORS, parameters=user_id,
                requestBody=body('UserUpdate')),
            },
        }


def _document_upload():
    return {'required': True, 'content': {
            'application/json': {'schema': ref('DocumentCreate')},
            'multipart/form-data': {
                'schema': ref('DocumentUpload'),
                'encoding': {'file': {'contentType':
                        'application/pdf, image/jpeg, image/png'}},
                },
            }}


def paths_documents():
    document_id = [ref('DocumentId', 'parameters')]
    pages = [ref('Page', 'parameters'), ref('PerPage', 'parameters')]
    return {
        '/documents': {
            'get': operation('listDocuments', "Qualification documents",
                'Documents', 'documents:read', ok("A page of documents",
                    page_schema('Document')), parameters=pages),
            'post': operation('createDocument',
                "Upload a qualification document (PDF, JPEG or PNG)",
                'Documents', 'documents:write', created('Document'),
                errors=WRITE_ERRORS + ('409',),
                parameters=[ref('IdempotencyKey', 'parameters')],
                requestBody=_document_upload()),
            },
        '/documents/{document_id}': {
            'get': operation('getDocument', "A qualification document",
                'Documents', 'documents:read',
                ok("The document", ref('Document')),
                parameters=document_id)},
        '/documents/{document_id}/file': {
            'get': operation('getDocumentFile', "The file of a document",
                'Documents', 'documents:read', {'200': {
                        'description': "The file, as an attachment",
                        'content': {m: {'schema': {'type': 'string',
                                    'contentMediaType': m}}
                            for m in ['application/pdf', 'image/jpeg',
                                'image/png']}}},
                parameters=document_id)},
        '/document-types': {
            'get': operation('listDocumentTypes',
                "Types of qualification documents", 'Documents', None,
                ok("A page of document types", page_schema('DocumentType')),
                parameters=pages)},
        }


def schema_member():
    text = nullable('string', maxLength=255)
    return {
        'Member': {'type': 'object', 'required': [
                'id', 'name', 'company_code', 'kind', 'state',
                'contact_name', 'contact_email', 'contact_phone'],
            'properties': {
                'id': {'type': 'integer'},
                'name': {'type': 'string'},
                'company_code': nullable('string', description=(
                        "统一社会信用代码 (Unified Social Credit Code)")),
                'kind': {'enum': enum(KINDS)},
                'state': {'enum': enum(Member.state.selection)},
                'contact_name': text, 'contact_email': text,
                'contact_phone': text}},
        'MemberUpdate': {'type': 'object', 'additionalProperties': False,
            'properties': {'contact_name': text,
                'contact_email': nullable('string', maxLength=255,
                    format='email'),
                'contact_phone': text}},
        }


def schema_users():
    roles = {'type': 'array', 'items': {'enum': enum(ROLES)},
        'minItems': 1, 'uniqueItems': True}
    return {
        'User': {'type': 'object', 'required': [
                'id', 'email', 'roles', 'active', 'invitation_pending'],
            'properties': {
                'id': {'type': 'integer'},
                'email': {'type': 'string', 'format': 'email'},
                'roles': roles, 'active': {'type': 'boolean'},
                'invitation_pending': {'type': 'boolean', 'description':
                    "The user has not chosen a password yet"}}},
        'UserCreate': {'type': 'object', 'additionalProperties': False,
            'required': ['email', 'roles'], 'properties': {
                'email': {'type': 'string', 'format': 'email',
                    'maxLength': 255},
                'roles': roles}},
        'UserUpdate': {'type': 'object', 'additionalProperties': False,
            'properties': {'roles': roles, 'active': {'type': 'boolean'}}},
        }


def _document_fields():
    return {
        'type': {'type': 'string', 'description':
            "Code of a document type (see /document-types)"},
        'number': {'type': 'string', 'maxLength': 255},
        'issuer': nullable('string', maxLength=255),
        'valid_from': {'type': 'string', 'format': 'date'},
        'valid_to': nullable('string', format='date',
            description="Empty when the document does not expire"),
        'file_name': nullable('string', maxLength=255),
        }


def schema_documents():
    fields = _document_fields()
    required = ['type', 'number', 'valid_from', 'file']
    return {
        'Document': {'type': 'object', 'required': [
                'id', 'type', 'type_name', 'number', 'issuer', 'valid_from',
                'valid_to', 'status', 'file_name', 'file_url'],
            'properties': {**fields, 'id': {'type': 'integer'},
                'type_name': {'type': 'string'},
                'status': {'enum': enum(Document.status.selection) + [None]},
                'file_url': nullable('string', format='uri')}},
        'DocumentCreate': {'type': 'object', 'additionalProperties': False,
            'required': required, 'properties': {**fields, 'file': {
                    'type': 'string', 'contentEncoding': 'base64',
                    'description': "PDF, JPEG or PNG, at most 10 MB"}}},
        'DocumentUpload': {'type': 'object', 'required': required,
            'properties': {**fields, 'file': {'type': 'string',
                    'contentMediaType': 'application/octet-stream'}}},
        'DocumentType': {'type': 'object', 'required': [
                'id', 'code', 'name', 'mandatory', 'member_kind'],
            'properties': {'id': {'type': 'integer'},
                'code': {'type': 'string'}, 'name': {'type': 'string'},
                'mandatory': {'type': 'boolean'},
                'member_kind': {'enum': enum(
                        DocumentType.member_kind.selection)}}},
        }


def schema_error():
    return {'Error': {'type': 'object', 'required': ['error'],
            'properties': {'error': {'type': 'object',
                    'required': ['code', 'message'], 'properties': {
                        'code': {'type': 'string', 'examples': [
                                'unauthorized', 'not_found', 'invalid']},
                        'message': {'type': 'string'}}}}}}


def parameters():
    def integer(name, where, description, **keywords):
        return {'name': name, 'in': where, 'description': description,
            'required': where == 'path',
            'schema': {'type': 'integer', **keywords}}
    return {
        'Page': integer('page', 'query', "Page number", minimum=1,
            default=1),
        'PerPage': integer('per_page', 'query', "Items per page",
            minimum=1, maximum=100, default=20),
        'UserId': integer('user_id', 'path', "Id of the user", minimum=1),
        'DocumentId': integer('document_id', 'path', "Id of the document",
            minimum=1),
        'Active': {'name': 'active', 'in': 'query', 'required': False,
            'description': "Only active (true) or inactive (false) users",
            'schema': {'enum': ['true', 'false']}},
        'IdempotencyKey': {'name': 'Idempotency-Key', 'in': 'header',
            'required': False, 'description': "Do the POST at most once",
            'schema': {'type': 'string', 'minLength': 1,
                'maxLength': 255}},
        }


# Catalog: suppliers' listings and the buyers' catalog

def _params(*names):
    return [ref(n, 'parameters') for n in names]


def _no_content(description):
    return {'204': {'description': description}}


def _image(description):
    return {'200': {'description': description, 'content': {
                m: {'schema': {'type': 'string', 'contentMediaType': m}}
                for m in ['image/jpeg', 'image/png']}}}


def _image_upload():
    content = {m: {'schema': {'type': 'string', 'contentMediaType': m}}
        for m in ['image/jpeg', 'image/png']}
    content['multipart/form-data'] = {'schema': {'type': 'object',
            'required': ['file'], 'properties': {'file': {
                    'type': 'string',
                    'contentMediaType': 'application/octet-stream'}}}}
    return {'required': True, 'description': "The image, at most 2 MB: "
        "the raw body (file name in the `filename` query argument) or the "
        "`file` part of a form", 'content': content}


def _listing_action(op_id, summary, state):
    return {'post': operation(op_id, f"{summary} (the listing must be "
            f"{state})", 'Listings', 'listings:write',
            ok("The listing", ref('Listing')),
            errors=READ_ERRORS + ('409',),
            parameters=_params('ListingId', 'IdempotencyKey'))}


def paths_listings():
    listing = _params('ListingId')
    change = WRITE_ERRORS + ('409', '422')
    return {
        '/listings': {
            'get': operation('listListings', "The supplier's listings",
                'Listings', 'listings:read', ok("A page of listings",
                    page_schema('Listing')), parameters=_params(
                    'Page', 'PerPage', 'ListingState', 'ListingQuery',
                    'CategoryFilter')),
            'post': operation('createListing', "Create a draft listing",
                'Listings', 'listings:write', created('Listing'),
                errors=change, parameters=_params('IdempotencyKey'),
                requestBody=body('ListingCreate')),
            },
        '/listings/{listing_id}': {
            'get': operation('getListing', "A listing of the supplier",
                'Listings', 'listings:read', ok("The listing",
                    ref('Listing')), parameters=listing),
            'patch': operation('updateListing',
                "Change a draft or rejected listing; tiers and services "
                "given replace the listing's", 'Listings', 'listings:write',
                ok("The listing", ref('Listing')), errors=change,
                parameters=listing, requestBody=body('ListingUpdate')),
            'delete': operation('deleteListing',
                "Delete a draft or rejected listing", 'Listings',
                'listings:write', _no_content("Deleted"),
                errors=READ_ERRORS + ('409',), parameters=listing),
            },
        '/listings/{listing_id}/submit': _listing_action('submitListing',
            "Submit for review", "draft or rejected"),
        '/listings/{listing_id}/withdraw': _listing_action(
            'withdrawListing', "Take back to draft", "submitted"),
        '/listings/{listing_id}/delist': _listing_action('delistListing',
            "Stop selling", "published"),
        '/listings/{listing_id}/stock': {'put': operation('setListingStock',
                "Set the available quantity and the low-stock threshold "
                "(in any state)", 'Listings', 'listings:write',
                ok("The listing", ref('Listing')), errors=change,
                parameters=listing, requestBody=body('Stock'))},
        **_paths_price_changes(listing, change),
        **_paths_media(),
        **_paths_imports(),
        }


def _file(description, types):
    return {'200': {'description': description, 'content': {
                m: {'schema': {'type': 'string', 'contentMediaType': m}}
                for m in types}}}


def _paths_imports():
    import_id = _params('ImportId')
    xlsx = ('application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet')
    upload = {'required': True, 'description': "A CSV or XLSX file in the "
        "layout of the portal's import template, at most 10 MB",
        'content': {'multipart/form-data': {'schema': {'type': 'object',
                    'required': ['file'], 'properties': {'file': {
                            'type': 'string', 'contentMediaType':
                            'application/octet-stream'}}}},
            'text/csv': {'schema': {'type': 'string'}},
            xlsx: {'schema': {'type': 'string', 'contentMediaType': xlsx}}}}
    return {
        '/listing-imports': {'post': operation('importListings',
                "Create or update listings from a file: all rows or none. "
                "Small files are done at once, larger ones in the "
                "background", 'Listings', 'listings:write',
                ok("The import", ref('ListingImport'), '202', headers={
                        'Location': {'schema': {'type': 'string',
                                'format': 'uri'}}}),
                errors=WRITE_ERRORS + ('409', '422'),
                parameters=_params('IdempotencyKey', 'FileName'),
                requestBody=upload)},
        '/listing-imports/{import_id}': {'get': operation('getListingImport',
                "The progress and result of an import", 'Listings',
                'listings:read', ok("The import", ref('ListingImport')),
                parameters=import_id)},
        '/listing-imports/{import_id}/errors': {'get': operation(
                'getListingImportErrors', "The rows of a failed import "
                "with their errors", 'Listings', 'listings:read',
                _file("XLSX file", [xlsx]), parameters=import_id)},
        '/listings/export': {'get': operation('exportListings',
                "The supplier's listings in the import layout", 'Listings',
                'listings:read', _file("The file", ['text/csv', xlsx]),
                parameters=_params('ExportFormat'))},
        }


def _paths_price_changes(listing, errors):
    return {'/listings/{listing_id}/price-changes': {
            'get': operation('listPriceChanges',
                "Price changes of a listing, latest first", 'Listings',
                'listings:read', ok("A page of price changes",
                    page_schema('PriceChange')),
                parameters=listing + _params('Page', 'PerPage')),
            'post': operation('requestPriceChange',
                "New price tiers for a published listing: approved at once "
                "within the platform's limit (and applied when due), else "
                "pending review", 'Listings', 'listings:write',
                created('PriceChange'), errors=errors,
                parameters=listing + _params('IdempotencyKey'),
                requestBody=body('PriceChangeCreate')),
            }}


def _paths_media():
    medium = _params('ListingId', 'MediaId')
    return {
        '/listings/{listing_id}/media': {'post': operation('addListingImage',
                "Add an image (JPEG or PNG) to a draft or rejected listing",
                'Listings', 'listings:write', created('Media'),
                errors=WRITE_ERRORS + ('409', '422'),
                parameters=_params('ListingId', 'IdempotencyKey',
                    'FileName'), requestBody=_image_upload())},
        '/listings/{listing_id}/media/{media_id}': {
            'get': operation('getListingImage', "An image of a listing",
                'Listings', 'listings:read', _image("The image"),
                parameters=medium),
            'delete': operation('deleteListingImage',
                "Remove an image of a draft or rejected listing",
                'Listings', 'listings:write', _no_content("Removed"),
                errors=READ_ERRORS + ('409',), parameters=medium),
            },
        }


def paths_catalog():
    listing = _params('ListingId')
    return {
        '/catalog/search': {'get': operation('searchCatalog',
                "Search the published listings with facet counts",
                'Catalog', 'catalog:read', ok("A page of listings",
                    ref('SearchResult')),
                description="Filter by a specification with "
                "`spec.<name>=<value>` (names from /catalog/categories). "
                "A filter with an invalid value answers 400 naming it.",
                parameters=_params('SearchQuery', 'CategoryFilter',
                    'PriceMin', 'PriceMax', 'Quantity', 'Province',
                    'LeadTimeMax', 'MoqMax', 'InStock', 'Standing', 'Sort',
                    'Page', 'PerPage'))},
        '/catalog/listings/{listing_id}': {'get': operation(
                'getCatalogListing', "A published listing", 'Catalog',
                'catalog:read', ok("The listing", ref('CatalogListing')),
                parameters=listing)},
        '/catalog/listings/{listing_id}/media/{media_id}': {'get': operation(
                'getCatalogImage', "An image of a published listing",
                'Catalog', 'catalog:read', _image("The image"),
                parameters=_params('ListingId', 'MediaId'))},
        '/catalog/compare': {'get': operation('compareListings',
                "Published listings side by side", 'Catalog',
                'catalog:read', ok("The listings", ref('Comparison')),
                parameters=_params('CompareIds'))},
        '/catalog/categories': {'get': operation('listCategories',
                "The platform categories with their specifications",
                'Catalog', 'catalog:read', ok("The category tree", {
                        'type': 'object', 'required': ['items'],
                        'properties': {'items': {'type': 'array',
                                'items': ref('Category')}}}))},
        **_paths_favourites(),
        '/recommendations': {'get': operation('listRecommendations',
                "Listings recommended to the buyer, with why", 'Catalog',
                'catalog:read', ok("Recommendations", {'type': 'object',
                        'required': ['items'], 'properties': {
                            'items': {'type': 'array',
                                'items': ref('Recommendation')}}}))},
        }


def _paths_favourites():
    return {
        '/favourites': {
            'get': operation('listFavourites', "The buyer's favourites",
                'Catalog', 'catalog:read', ok("A page of favourites",
                    page_schema('Favourite')),
                parameters=_params('Page', 'PerPage')),
            'post': operation('addFavourite',
                "Keep a published listing (200 when already kept)",
                'Catalog', 'favourites:write', {
                    **ok("Already a favourite", ref('Favourite')),
                    **created('Favourite')},
                errors=WRITE_ERRORS + ('409',),
                parameters=_params('IdempotencyKey'),
                requestBody=body('FavouriteCreate')),
            },
        '/favourites/{listing_id}': {'delete': operation('removeFavourite',
                "Forget a favourite", 'Catalog', 'favourites:write',
                _no_content("Removed"), parameters=_params('ListingId'))},
        }


def _listing_fields():
    text = nullable('string', maxLength=255)
    number = {'type': 'number'}
    return {
        'name': {'type': 'string', 'maxLength': 255,
            'description': "Chinese name"},
        'name_en': text, 'reference': nullable('string', maxLength=255,
            description="The supplier's article number, unique"),
        'description': nullable('string', maxLength=10000),
        'brand': text, 'model': text,
        'specs': {'type': 'object', 'description': "Values by specification "
            "name of the category (see /catalog/categories)"},
        'moq': {**number, 'exclusiveMinimum': 0},
        'order_multiple': {**number, 'exclusiveMinimum': 0},
        'lead_time': {'type': 'integer', 'minimum': 0,
            'description': "Days"},
        'province': nullable('string', enum=[c for c, _, _ in PROVINCES]
            + [None], description="GB/T 2260 code of the ship-from "
            "province"),
        'city': text,
        'valid_from': nullable('string', format='date'),
        'valid_to': nullable('string', format='date'),
        'carbon_source': text,
        'available_quantity': {**number, 'minimum': 0},
        'low_stock_threshold': {**number, 'minimum': 0},
        }


def _listing_input():
    return {
        **_listing_fields(),
        'category': {'type': 'integer', 'description': "Id of a platform "
            "category"},
        'uom': {'type': ['integer', 'string'],
            'description': "Id or symbol of the sale unit"},
        'tiers': {'type': 'array', 'minItems': 1,
            'items': ref('TierInput')},
        'carbon_footprint': nullable('number', minimum=0,
            description="kg CO2e per unit"),
        'services': {'type': 'array', 'items': ref('Service')},
        }


def _listing_output(own):
    properties = {
        **_listing_fields(),
        'id': {'type': 'integer'},
        'category': {'type': 'object', 'properties': {
                'id': {'type': 'integer'}, 'name': {'type': 'string'}}},
        'uom': {'type': 'object', 'properties': {
                'id': {'type': 'integer'}, 'symbol': {'type': 'string'}}},
        'currency': {'type': 'string'},
        'tiers': {'type': 'array', 'items': ref('Tier')},
        'price_from': nullable('string', description="Decimal"),
        'carbon_footprint': nullable('string'),
        'services': {'type': 'array', 'items': ref('Service')},
        'media': {'type': 'array', 'items': ref('Media')},
        'stock_status': {'enum': ['in_stock', 'low', 'out']},
        'supplier_standing': {'enum': enum(STANDINGS)},
        'published_date': nullable('string', format='date-time'),
        }
    if own:
        properties['state'] = {'enum': enum(LISTING_STATES)}
        properties['reject_reason'] = nullable('string')
    else:
        properties['supplier'] = {'type': 'object', 'properties': {
                'id': {'type': 'integer'}, 'name': {'type': 'string'}}}
        for name in ['reference', 'low_stock_threshold']:
            del properties[name]
    required = ['id', 'name', 'category', 'tiers', 'uom', 'moq',
        'lead_time', 'stock_status']
    return {'type': 'object', 'required': required + (
            ['state'] if own else ['supplier']), 'properties': properties}


def schema_listings():
    tier = {'quantity': {'type': 'number', 'exclusiveMinimum': 0}}
    tiers = {'type': 'array', 'minItems': 1, 'items': ref('TierInput')}
    return {
        'Tier': {'type': 'object', 'required': ['quantity', 'unit_price'],
            'properties': {**tier, 'unit_price': {'type': 'string',
                    'description': "Decimal"}}},
        'TierInput': {'type': 'object', 'additionalProperties': False,
            'required': ['quantity', 'unit_price'], 'properties': {
                **tier, 'unit_price': {'type': ['number', 'string'],
                    'description': "Greater than 0; not above the price "
                    "of a lower quantity"}}},
        'Service': {'type': 'object', 'required': ['kind'], 'properties': {
                'kind': {'enum': enum(SERVICE_KINDS)},
                'description': nullable('string', maxLength=255),
                'price': {'type': ['number', 'string', 'null'],
                    'description': "Empty when included"}}},
        'Media': {'type': 'object', 'required': ['id', 'kind', 'url'],
            'properties': {'id': {'type': 'integer'},
                'kind': {'enum': ['image', 'video']},
                'filename': nullable('string'),
                'content_type': nullable('string'),
                'url': {'type': 'string', 'format': 'uri'}}},
        'Listing': _listing_output(True),
        'CatalogListing': _listing_output(False),
        'ListingCreate': {'type': 'object', 'additionalProperties': False,
            'required': ['name', 'category', 'tiers'],
            'properties': _listing_input()},
        'ListingUpdate': {'type': 'object', 'additionalProperties': False,
            'properties': _listing_input()},
        'Stock': {'type': 'object', 'additionalProperties': False,
            'minProperties': 1, 'properties': {
                n: _listing_fields()[n] for n in [
                    'available_quantity', 'low_stock_threshold']}},
        'PriceChange': {'type': 'object', 'required': [
                'id', 'old_tiers', 'new_tiers', 'change_percent',
                'effective_date', 'state'], 'properties': {
                'id': {'type': 'integer'},
                'old_tiers': {'type': 'array', 'items': ref('Tier')},
                'new_tiers': {'type': 'array', 'items': ref('Tier')},
                'change_percent': {'type': 'string'},
                'effective_date': {'type': 'string', 'format': 'date'},
                'state': {'enum': ['pending', 'approved', 'rejected',
                        'applied']},
                'reason': nullable('string'),
                'created': nullable('string', format='date-time')}},
        'ListingImport': {'type': 'object', 'required': [
                'id', 'state', 'finished', 'total_rows', 'processed_rows',
                'created_count', 'updated_count', 'error_count'],
            'properties': {'id': {'type': 'integer'},
                'filename': nullable('string'),
                'format': {'enum': ['csv', 'xlsx', None]},
                'state': {'enum': ['queued', 'validating', 'saving', 'done',
                        'failed']},
                'finished': {'type': 'boolean'},
                **{n: {'type': 'integer', 'minimum': 0} for n in [
                        'total_rows', 'processed_rows', 'created_count',
                        'updated_count', 'error_count']},
                'percent': {'type': 'integer', 'minimum': 0,
                    'maximum': 100},
                'message': nullable('string'),
                'errors_url': nullable('string', format='uri',
                    description="The XLSX of the rows with their errors"),
                'created': nullable('string', format='date-time')}},
        'PriceChangeCreate': {'type': 'object', 'additionalProperties': False,
            'required': ['tiers'], 'properties': {'tiers': tiers,
                'effective_date': nullable('string', format='date',
                    description="Today when empty; not in the past")}},
        }


def schema_catalog():
    counts = {'type': 'object', 'additionalProperties': {'type': 'integer'}}
    attribute = {'type': 'object', 'required': ['name', 'label', 'type'],
        'properties': {'name': {'type': 'string'},
            'label': {'type': 'string'}, 'type': {'type': 'string'},
            'unit': nullable('string'), 'facet': {'type': 'boolean'},
            'values': {'type': ['array', 'null'], 'description':
                "Allowed values of a selection", 'items': {
                    'type': 'object', 'properties': {
                        'value': {'type': 'string'},
                        'label': {'type': 'string'}}}}}}
    return {
        **schema_listings(),
        'SearchResult': {'type': 'object', 'required': [
                'items', 'total', 'page', 'per_page', 'facets', 'fuzzy',
                'total_capped'],
            'properties': {
                'items': {'type': 'array', 'items': ref('CatalogListing')},
                'total': {'type': 'integer', 'minimum': 0},
                'page': {'type': 'integer'}, 'per_page': {'type': 'integer'},
                'facets': {'type': 'object', 'properties': {
                        n: counts for n in ['category', 'province',
                            'standing', 'in_stock', 'lead_time']}},
                'fuzzy': {'type': 'boolean', 'description':
                    "Nothing matched exactly: similar words were used"},
                'total_capped': {'type': 'boolean', 'description':
                    "More listings match than counted: total and facets "
                    "count the first 1000 matches; narrow the search"}}},
        'Comparison': {'type': 'object', 'required': ['items', 'specs'],
            'properties': {
                'items': {'type': 'array', 'items': ref('CatalogListing')},
                'specs': {'type': 'array', 'items': {'type': 'object',
                        'properties': {'name': {'type': 'string'},
                            'label': {'type': 'string'},
                            'values': {'type': 'array', 'description':
                                "Readable value of each listing, in order",
                                'items': nullable('string')}}}}}},
        'Category': {'type': 'object', 'required': [
                'id', 'name', 'name_en', 'name_zh', 'attributes',
                'children'], 'properties': {
                'id': {'type': 'integer'}, 'name': {'type': 'string'},
                'name_en': {'type': 'string'}, 'name_zh': {'type': 'string'},
                'parent': nullable('integer'),
                'attributes': {'type': 'array', 'items': attribute},
                'children': {'type': 'array', 'items': ref('Category')}}},
        'Favourite': {'type': 'object', 'required': ['listing'],
            'properties': {'listing': ref('CatalogListing'),
                'created': nullable('string', format='date-time')}},
        'FavouriteCreate': {'type': 'object', 'additionalProperties': False,
            'required': ['listing'], 'properties': {'listing': {
                    'type': 'integer', 'description': "Id of the listing"}}},
        'Recommendation': {'type': 'object', 'required': [
                'listing', 'reason', 'kind'], 'properties': {
                'listing': ref('CatalogListing'),
                'reason': {'type': 'string'},
                'kind': {'enum': ['history', 'similar', 'popular']}}},
        }


def parameters_catalog():
    def query(name, schema, description):
        return {'name': name, 'in': 'query', 'required': False,
            'description': description, 'schema': schema}

    def path(name, description):
        return {'name': name, 'in': 'path', 'required': True,
            'description': description,
            'schema': {'type': 'integer', 'minimum': 1}}
    number = {'type': 'number', 'minimum': 0}
    return {
        'ListingId': path('listing_id', "Id of the listing"),
        'MediaId': path('media_id', "Id of the image"),
        'ListingState': query('state', {'enum': enum(LISTING_STATES)},
            "Only listings in this state"),
        'ListingQuery': query('q', {'type': 'string'},
            "Part of the name or reference"),
        'CategoryFilter': query('category', {'type': 'integer'},
            "A category and its sub-categories"),
        'SearchQuery': query('q', {'type': 'string'},
            "Keywords (Chinese, pinyin or English)"),
        'PriceMin': query('price_min', number, "Lowest unit price"),
        'PriceMax': query('price_max', number, "Highest unit price"),
        'Quantity': query('quantity', number,
            "Price filters apply to the tier of this quantity"),
        'Province': query('province', {'type': 'string'},
            "Ship-from province codes, comma separated"),
        'LeadTimeMax': query('lead_time_max', {'type': 'integer',
                'minimum': 0}, "Longest lead time in days"),
        'MoqMax': query('moq_max', number, "Largest minimum order quantity"),
        'InStock': query('in_stock', {'enum': ['true', 'false']},
            "Only listings in stock"),
        'Standing': query('standing', {'type': 'string'},
            "Supplier standings, comma separated: "
            + ', '.join(enum(STANDINGS))),
        'Sort': query('sort', {'enum': sorted(SORTS)}, "Order of the items"),
        'CompareIds': {**query('ids', {'type': 'string', 'pattern':
                    r'^\d+(,\d+)*$'}, "Comma-separated listing ids, at most "
                "the platform's compare limit (4 by default)"),
            'required': True},
        'FileName': query('filename', {'type': 'string'},
            "File name of a raw body"),
        'ImportId': path('import_id', "Id of the import"),
        'ExportFormat': query('format', {'enum': ['csv', 'xlsx'],
                'default': 'xlsx'}, "File format"),
        }


def components():
    from . import order_openapi, procurement_openapi, tender_contract_openapi
    scopes = '\n'.join(f'- `{s}`: {label}' for s, label in SCOPES)
    return {
        'securitySchemes': {'bearerAuth': {'type': 'http',
                'scheme': 'bearer', 'bearerFormat': 's2b2b_<prefix>_<secret>',
                'description': "A member's API key. Scopes:\n" + scopes}},
        'schemas': {**schema_error(), **schema_member(), **schema_users(),
            **schema_documents(), **schema_catalog(),
            **procurement_openapi.schemas(), **order_openapi.schemas(),
            **tender_contract_openapi.schemas()},
        'parameters': {**parameters(), **parameters_catalog(),
            **procurement_openapi.parameters(),
            **order_openapi.parameters(),
            **tender_contract_openapi.parameters()},
        'headers': {'IdempotentReplayed': {'description':
                "true when the response is the kept one of an "
                "Idempotency-Key", 'schema': {'const': 'true'}}},
        'responses': {name: {'description': description,
                'content': json_content(ref('Error'))}
            for name, description in ERRORS.values()},
        }


@lru_cache(maxsize=16)
def _document(server_url):
    # Imported here: they build on the helpers of this module
    from . import order_openapi, procurement_openapi, tender_contract_openapi
    return {
        'openapi': '3.1.0',
        'info': {'title': "S2B2B Member API", 'version': VERSION,
            'description': DESCRIPTION},
        'servers': [{'url': server_url}],
        'security': [{'bearerAuth': []}],
        'tags': [{'name': n} for n in [
                'Member', 'Users', 'Documents', 'Listings', 'Catalog',
                'Procurement', 'Orders', 'Platform']],
        'paths': {**paths_public(), **paths_member(), **paths_users(),
            **paths_documents(), **paths_listings(), **paths_catalog(),
            **procurement_openapi.paths(), **order_openapi.paths(),
            **tender_contract_openapi.paths()},
        'components': components(),
        }


def document(server_url):
    "The OpenAPI document of the API served at server_url"
    return copy.deepcopy(_document(server_url))
