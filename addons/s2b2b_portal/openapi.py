# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The OpenAPI 3.1 description of the member API v1, served at
/<database>/s2b2b/api/v1/openapi.json.

Every route of api.py is described here; tests/test_api.py checks that
none is missing and that the document is valid.
"""
import copy
from functools import lru_cache

from trytond.modules.s2b2b_platform.member import KINDS, Document, Member
from trytond.modules.s2b2b_platform.member import DocumentType
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
    '403': ('Forbidden', "The API key lacks the scope of the operation"),
    '404': ('NotFound', "Unknown record or a record of another member"),
    '409': ('Conflict', "The Idempotency-Key was used for another request"),
    '413': ('TooLarge', "The request body or the file is too large"),
    '415': ('UnsupportedMediaType',
        "Wrong Content-Type, or a file that is not PDF, JPEG or PNG"),
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


def components():
    scopes = '\n'.join(f'- `{s}`: {label}' for s, label in SCOPES)
    return {
        'securitySchemes': {'bearerAuth': {'type': 'http',
                'scheme': 'bearer', 'bearerFormat': 's2b2b_<prefix>_<secret>',
                'description': "A member's API key. Scopes:\n" + scopes}},
        'schemas': {**schema_error(), **schema_member(), **schema_users(),
            **schema_documents()},
        'parameters': parameters(),
        'headers': {'IdempotentReplayed': {'description':
                "true when the response is the kept one of an "
                "Idempotency-Key", 'schema': {'const': 'true'}}},
        'responses': {name: {'description': description,
                'content': json_content(ref('Error'))}
            for name, description in ERRORS.values()},
        }


@lru_cache(maxsize=16)
def _document(server_url):
    return {
        'openapi': '3.1.0',
        'info': {'title': "S2B2B Member API", 'version': VERSION,
            'description': DESCRIPTION},
        'servers': [{'url': server_url}],
        'security': [{'bearerAuth': []}],
        'tags': [{'name': n} for n in [
                'Member', 'Users', 'Documents', 'Platform']],
        'paths': {**paths_public(), **paths_member(), **paths_users(),
            **paths_documents()},
        'components': components(),
        }


def document(server_url):
    "The OpenAPI document of the API served at server_url"
    return copy.deepcopy(_document(server_url))
