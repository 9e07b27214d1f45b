# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The member API v1 under /<database>/s2b2b/api/v1/.

Decorator order on an endpoint (outermost first)::

    @app.route(...)
    @with_pool
    @api_errors                 # JSON errors, after the rollback
    @with_transaction()
    @api(scope)                 # the bearer key, its scope, as_member

The handler gets (request, pool, key, **view_args) and runs as a request of
the key's member: record rules isolate the tenant.  The whole interface is
described by openapi.py, served at /openapi.json.
"""
import base64
import binascii
import datetime as dt
import hashlib
import io
import json
import re
from functools import wraps
from urllib.parse import urlencode

from werkzeug.exceptions import HTTPException

from trytond import backend
from trytond.model.exceptions import SQLConstraintError
from trytond.modules.s2b2b_platform.files import file_name, file_type
from trytond.modules.s2b2b_platform.tenant import as_member, get_record
from trytond.pool import Pool
from trytond.protocols.wrappers import (
    HTTPStatus, Response, send_file, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import openapi
from .portal import (
    PortalError, _, absolute_url, api_errors, json_error, json_response,
    request_language)

API = '/<database_name>/s2b2b/api/v1'
JSON = 'application/json'
MULTIPART = 'multipart/form-data'
MAX_JSON_SIZE = 64 * 1024
MAX_FILE_SIZE = 10 * 1024 * 1024
# base64 makes 4 bytes of 3; room for the other fields
MAX_UPLOAD_SIZE = MAX_FILE_SIZE * 4 // 3 + 64 * 1024
PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 20, 100, 10 ** 6
TEXT_SIZE = 255
IDEMPOTENCY_HEADER = 'Idempotency-Key'
CONTACT_FIELDS = {'contact_name', 'contact_email', 'contact_phone'}
MEMBER_FIELDS = [
    'company_code', 'kind', 'state', 'contact_name', 'contact_email',
    'contact_phone']
DOCUMENT_FIELDS = {'type', 'number', 'issuer', 'valid_from', 'valid_to'}
METHODS = ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')
EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')


class ApiError(PortalError):
    "A PortalError that carries response headers"

    def __init__(self, status, code, message, headers=None):
        super().__init__(status, code, message)
        self.headers = headers or {}

    def response(self):
        response = json_error(self.status, self.code, self.message)
        response.headers.update(self.headers)
        return response


def error(status, code, message, **variables):
    "An ApiError with the translated message s2b2b_portal.msg_<message>"
    return ApiError(status, code, _(message, **variables))


def invalid(field, message='api_field_invalid'):
    return error(HTTPStatus.BAD_REQUEST, 'invalid', message, field=field)


# Authentication and the request wrapper

def bearer_token(request):
    scheme, _sep, token = request.headers.get('Authorization', '').partition(
        ' ')
    return token.strip() if scheme.lower() == 'bearer' else None


def authenticate(request, scope):
    "Return the active key of the request allowed scope, or raise ApiError"
    ApiKey = Pool().get('s2b2b.api.key')
    key = ApiKey.authenticate(bearer_token(request))
    if not key:
        raise ApiError(HTTPStatus.UNAUTHORIZED, 'unauthorized',
            _('api_unauthorized'),
            headers={'WWW-Authenticate': 'Bearer realm="s2b2b"'})
    key.touch()
    if scope and scope not in (key.scopes or ()):
        raise ApiError(HTTPStatus.FORBIDDEN, 'insufficient_scope',
            _('api_scope', scope=scope), headers={'WWW-Authenticate':
                f'Bearer error="insufficient_scope", scope="{scope}"'})
    return key


def api(scope=None, max_size=MAX_JSON_SIZE):
    """Run an endpoint for the member of the request's bearer key.

    Answers 401 without a valid key and 403 when the key lacks scope;
    max_size limits the request body (413).
    """
    def decorator(func):
        @wraps(func)
        def wrapper(request, pool, *args, **kwargs):
            with Transaction().set_context(
                    language=request_language(request)):
                try:
                    key = authenticate(request, scope)
                except ApiError as exception:
                    return exception.response()
                with as_member(key.member.id):
                    if (request.method == 'POST'
                            and IDEMPOTENCY_HEADER in request.headers):
                        return idempotent(request, key,
                            lambda: func(request, pool, key, *args, **kwargs))
                    return func(request, pool, key, *args, **kwargs)
        # trytond.wsgi limits the body by the endpoint's attribute, which
        # functools.wraps carries up to the route
        wrapper.max_request_size = max_size
        return wrapper
    return decorator


# Idempotency-Key

def body_hash(request):
    "SHA-256 of the request content, independent of multipart boundaries"
    if request.mimetype != MULTIPART:
        return hashlib.sha256(request.get_data()).hexdigest()
    files = []
    for name, upload in request.files.items(multi=True):
        files.append(
            (name, upload.filename, hashlib.sha256(upload.read()).hexdigest()))
        upload.seek(0)
    content = [sorted(request.form.items(multi=True)), sorted(files)]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def idempotent(request, key, call):
    """Replay the kept response of a repeated Idempotency-Key or keep the
    first successful one; the same key for another request is a conflict.
    """
    Idempotency = Pool().get('s2b2b.api.idempotency')
    value = request.headers[IDEMPOTENCY_HEADER]
    if not (0 < len(value) <= 255 and value.isascii()
            and value.isprintable()):
        raise error(HTTPStatus.BAD_REQUEST, 'invalid',
            'api_idempotency_key_invalid')
    target = f'{request.method} {request.path}'
    digest = body_hash(request)
    kept = Idempotency.lookup(value)
    if kept and not kept.matches(target, digest):
        raise error(HTTPStatus.CONFLICT, 'idempotency_conflict',
            'api_idempotency_conflict')
    if kept:
        return replay(kept)
    response = call()
    if 200 <= response.status_code < 300:
        keep(key, value, target, digest, response)
    return response


def keep(key, value, target, digest, response):
    Idempotency = Pool().get('s2b2b.api.idempotency')
    try:
        Idempotency.create([{
                    'member': key.member.id, 'key': value,
                    'request': target, 'body_hash': digest,
                    'status': response.status_code,
                    'response': response.get_data(as_text=True),
                    }])
    except (SQLConstraintError, backend.DatabaseIntegrityError) as exception:
        # A concurrent request with the same key committed first
        raise error(HTTPStatus.CONFLICT, 'idempotency_conflict',
            'api_idempotency_conflict') from exception


def replay(kept):
    response = Response(kept.response, status=kept.status,
        content_type=f'{JSON}; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    response.headers['Idempotent-Replayed'] = 'true'
    return response


# Reading requests

def read_json(request, types=(JSON,)):
    "Return the JSON object of the body: 415, 413 or 400 otherwise"
    if request.mimetype != JSON:
        raise error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            'unsupported_media_type', 'api_content_type',
            types=', '.join(types))
    try:
        payload = json.loads(request.get_data())
    except (ValueError, RecursionError):
        payload = None
    if not isinstance(payload, dict):
        raise error(HTTPStatus.BAD_REQUEST, 'malformed_json',
            'api_json_malformed')
    return payload


def check_fields(payload, allowed):
    for name in payload:
        if name not in allowed:
            raise invalid(name, 'api_field_unknown')
    return [n for n in payload if n in allowed]


def text(payload, name, required=False, size=TEXT_SIZE):
    "Return the stripped string of payload[name] or None when empty"
    value = payload.get(name)
    if value is not None and (not isinstance(value, str)
            or len(value) > size):
        raise invalid(name)
    value = (value or '').strip() or None
    if required and value is None:
        raise invalid(name, 'api_field_required')
    return value


def email(payload, name, required=False):
    "A string shaped like an e-mail address (the models check the rest)"
    value = text(payload, name, required=required)
    if value and not EMAIL_RE.match(value):
        raise invalid(name)
    return value


def date(payload, name, required=False):
    value = text(payload, name, required=required, size=10)
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise invalid(name)


def boolean(payload, name):
    if not isinstance(payload[name], bool):
        raise invalid(name)
    return payload[name]


def roles(payload):
    pool = Pool()
    WebUser = pool.get('web.user')
    value = payload.get('roles')
    known = {r for r, _r in WebUser.s2b2b_roles.selection}
    if (not isinstance(value, list) or not value
            or not all(isinstance(r, str) and r in known for r in value)):
        raise invalid('roles')
    return sorted(set(value))


def page_args(request):
    try:
        page = int(request.args.get('page', 1))
        per_page = int(request.args.get('per_page', PER_PAGE))
    except ValueError:
        page = per_page = 0
    if not (1 <= page <= MAX_PAGE and 1 <= per_page <= MAX_PER_PAGE):
        raise error(HTTPStatus.BAD_REQUEST, 'invalid', 'api_page_invalid',
            max=MAX_PER_PAGE)
    return page, per_page


def paginate(request, Model, domain, serialize, order=None):
    "Answer a page of the records with their total and the next page's URL"
    page, per_page = page_args(request)
    offset = (page - 1) * per_page
    records = Model.search(
        domain, offset=offset, limit=per_page, order=order)
    if len(records) < per_page and (records or page == 1):
        total = offset + len(records)
    else:
        total = Model.search(domain, count=True)
    next_ = None
    if offset + len(records) < total:
        args = request.args.copy()
        args['page'], args['per_page'] = page + 1, per_page
        next_ = f'{request.base_url}?{urlencode(list(args.items(True)))}'
    return json_response({
            'items': [serialize(r) for r in records],
            'page': page, 'per_page': per_page, 'total': total,
            'next': next_,
            })


# Writing responses

def api_url(request, path):
    database_name = request.view_args['database_name']
    return f'{request.root_url}{database_name}/s2b2b/api/v1{path}'


def created(request, data, path):
    return json_response(data, status=HTTPStatus.CREATED,
        headers={'Location': api_url(request, path)})


def member_json(member_id):
    "The member's profile: one read, which the record rules check"
    Member = Pool().get('s2b2b.member')
    values, = Member.read([member_id], MEMBER_FIELDS + ['party.name'])
    return {
        'id': values['id'],
        'name': (values['party.'] or {}).get('name'),
        **{f: values[f] for f in MEMBER_FIELDS},
        }


def user_json(user):
    return {
        'id': user.id,
        'email': user.email,
        'roles': sorted(user.s2b2b_roles or []),
        'active': bool(user.active),
        'invitation_pending': not user.password_hash,
        }


def document_json(request, document):
    return {
        'id': document.id,
        'type': document.type.code,
        'type_name': document.type.name,
        'number': document.number,
        'issuer': document.issuer,
        'valid_from': document.valid_from.isoformat(),
        'valid_to': (
            document.valid_to.isoformat() if document.valid_to else None),
        'status': document.status,
        'file_name': document.file_name,
        'file_url': (api_url(request, f'/documents/{document.id}/file')
            if document.file_id else None),
        }


def document_type_json(type_):
    return {
        'id': type_.id,
        'code': type_.code,
        'name': type_.name,
        'mandatory': bool(type_.mandatory),
        'member_kind': type_.member_kind,
        }


# Endpoints

@app.route(f'{API}/health', methods={'GET'})
@with_pool
@with_transaction(readonly=True)
def health(request, pool):
    "Readiness for load balancers: the database answers, modules loaded"
    Module = pool.get('ir.module')
    modules = Module.search([
            ('name', 'in', ['s2b2b_platform', 's2b2b_portal']),
            ('state', '=', 'activated'),
            ])
    return json_response({
            'status': 'ok',
            'modules': sorted(m.name for m in modules),
            })


@app.route(f'{API}/openapi.json', methods={'GET'})
@with_pool
def openapi_json(request, pool):
    return json_response(openapi.document(api_url(request, '')))


@app.route(f'{API}/member', methods={'GET'})
@with_pool
@api_errors
@with_transaction()
@api('member:read')
def member_get(request, pool, key):
    return json_response(member_json(key.member.id))


@app.route(f'{API}/member', methods={'PATCH'})
@with_pool
@api_errors
@with_transaction()
@api('member:write')
def member_update(request, pool, key):
    Member = pool.get('s2b2b.member')
    payload = read_json(request)
    values = {n: (email if n == 'contact_email' else text)(payload, n)
        for n in check_fields(payload, CONTACT_FIELDS)}
    if values:
        Member.write([Member(key.member.id)], values)
    return json_response(member_json(key.member.id))


def _user(user_id):
    with Transaction().set_context(active_test=False):
        return get_record('web.user', user_id)


@app.route(f'{API}/users', methods={'GET'})
@with_pool
@api_errors
@with_transaction()
@api('users:read')
def users_list(request, pool, key):
    WebUser = pool.get('web.user')
    active = request.args.get('active')
    if active not in {None, 'true', 'false'}:
        raise invalid('active')
    domain = [('active', 'in', [True, False] if active is None
            else [active == 'true'])]
    return paginate(request, WebUser, domain, user_json,
        order=[('id', 'ASC')])


@app.route(f'{API}/users/<int:user_id>', methods={'GET'})
@with_pool
@api_errors
@with_transaction()
@api('users:read')
def user_get(request, pool, key, user_id):
    return json_response(user_json(_user(user_id)))


@app.route(f'{API}/users', methods={'POST'})
@with_pool
@api_errors
@with_transaction()
@api('users:write')
def user_create(request, pool, key):
    WebUser = pool.get('web.user')
    Member = pool.get('s2b2b.member')
    payload = read_json(request)
    check_fields(payload, {'email', 'roles'})
    address = email(payload, 'email', required=True)
    # The invited user chooses its password on the portal page of the link
    user = WebUser.invite(Member(key.member.id), address, roles(payload),
        absolute_url(request, '/reset/confirm?invite=1'))
    return created(request, user_json(user), f'/users/{user.id}')


@app.route(f'{API}/users/<int:user_id>', methods={'PATCH'})
@with_pool
@api_errors
@with_transaction()
@api('users:write')
def user_update(request, pool, key, user_id):
    WebUser = pool.get('web.user')
    payload = read_json(request)
    names = check_fields(payload, {'roles', 'active'})
    user = _user(user_id)
    if 'roles' in names:
        WebUser.set_member_roles([user], roles(payload))
    if 'active' in names:
        WebUser.set_member_active([user], boolean(payload, 'active'))
    return json_response(user_json(_user(user.id)))


@app.route(f'{API}/documents', methods={'GET'})
@with_pool
@api_errors
@with_transaction()
@api('documents:read')
def documents_list(request, pool, key):
    Document = pool.get('s2b2b.member.document')
    return paginate(request, Document, [],
        lambda d: document_json(request, d))


@app.route(f'{API}/documents/<int:document_id>', methods={'GET'})
@with_pool
@api_errors
@with_transaction()
@api('documents:read')
def document_get(request, pool, key, document_id):
    document = get_record('s2b2b.member.document', document_id)
    return json_response(document_json(request, document))


@app.route(f'{API}/documents/<int:document_id>/file', methods={'GET'})
@with_pool
@api_errors
@with_transaction()
@api('documents:read')
def document_file(request, pool, key, document_id):
    document = get_record('s2b2b.member.document', document_id)
    data = document.file
    if not data:
        raise error(HTTPStatus.NOT_FOUND, 'not_found', 'not_found')
    response = send_file(io.BytesIO(bytes(data)), request.environ,
        mimetype=file_type(data) or 'application/octet-stream',
        as_attachment=True, download_name=document.file_name or 'document',
        etag=False, conditional=False)
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


def _base64(value):
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid('file')
    if len(value) > MAX_UPLOAD_SIZE:
        raise _file_too_large()
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise invalid('file')


def _file_too_large():
    return error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, 'file_too_large',
        'api_file_too_large', size=MAX_FILE_SIZE // 2 ** 20)


def _document_payload(request):
    "Return the fields, file content and file name of a JSON or form body"
    if request.mimetype == MULTIPART:
        payload = request.form.to_dict()
        upload = request.files.get('file')
        data = upload.read() if upload else None
        name = payload.pop('file_name', None) or (
            upload.filename if upload else None)
        return payload, data, name
    payload = read_json(request, types=(JSON, MULTIPART))
    data = _base64(payload.pop('file', None))
    name = text(payload, 'file_name')
    payload.pop('file_name', None)
    return payload, data, name


def _check_file(data):
    if not data:
        raise invalid('file', 'api_field_required')
    if len(data) > MAX_FILE_SIZE:
        raise _file_too_large()
    mime = file_type(data)
    if not mime:
        raise error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, 'file_type',
            'api_file_type')
    return mime


def _document_type(code):
    DocumentType = Pool().get('s2b2b.member.document.type')
    types = DocumentType.search([('code', '=', code)], limit=1)
    if not types:
        raise error(HTTPStatus.BAD_REQUEST, 'invalid',
            'api_document_type_unknown', type=code)
    return types[0]


def document_values(request):
    payload, data, name = _document_payload(request)
    check_fields(payload, DOCUMENT_FIELDS)
    mime = _check_file(data)
    return {
        'type': _document_type(text(payload, 'type', required=True)).id,
        'number': text(payload, 'number', required=True),
        'issuer': text(payload, 'issuer'),
        'valid_from': date(payload, 'valid_from', required=True),
        'valid_to': date(payload, 'valid_to'),
        'file': data,
        'file_name': file_name(name, mime),
        }


@app.route(f'{API}/documents', methods={'POST'})
@with_pool
@api_errors
@with_transaction()
@api('documents:write', max_size=MAX_UPLOAD_SIZE)
def document_create(request, pool, key):
    Document = pool.get('s2b2b.member.document')
    document, = Document.create(
        [{**document_values(request), 'member': key.member.id}])
    return created(request, document_json(request, document),
        f'/documents/{document.id}')


@app.route(f'{API}/document-types', methods={'GET'})
@with_pool
@api_errors
@with_transaction()
@api()
def document_types_list(request, pool, key):
    DocumentType = pool.get('s2b2b.member.document.type')
    return paginate(request, DocumentType, [], document_type_json,
        order=[('code', 'ASC'), ('id', 'ASC')])


def allowed_methods(request):
    "The methods other endpoints answer at the request's path"
    adapter = app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in METHODS:
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint is not fallback:
            allowed.append(method)
    return allowed


@app.route(f'{API}/<path:path>')
@with_pool
@with_transaction(readonly=True)
def fallback(request, pool, path):
    "Unknown paths and methods answer JSON errors too"
    with Transaction().set_context(language=request_language(request)):
        allowed = allowed_methods(request)
        if allowed:
            return ApiError(HTTPStatus.METHOD_NOT_ALLOWED,
                'method_not_allowed', _('api_method_not_allowed'),
                headers={'Allow': ', '.join(allowed)}).response()
        return error(HTTPStatus.NOT_FOUND, 'not_found', 'not_found').response()
