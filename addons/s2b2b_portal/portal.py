# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""What every portal page and API endpoint shares.

Decorator order on a route (outermost first)::

    @app.route(...)
    @with_pool
    @page_errors / @api_errors   # turn errors into pages / JSON, after
    @with_transaction()          # ... the transaction was rolled back
    @page(...) / @api(...)       # who is asking; runs the handler as_member

so that an error never leaves half-written records and never shows a
traceback.
"""
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from functools import wraps
from pathlib import Path

from sql import Literal
from sql.conditionals import Coalesce
from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from trytond import config
from trytond.exceptions import RateLimitException, UserError, UserWarning
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.tenant import as_member
from trytond.pool import Pool
from trytond.protocols.wrappers import (
    HTTPStatus, Response, redirect, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from .cache import page_cache

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
LANGUAGES = ('zh_CN', 'en')
SESSION_COOKIE = 's2b2b_session'
LANG_COOKIE = 's2b2b_lang'
CSRF_COOKIE = 's2b2b_csrf'
CSRF_FIELD = 'csrf_token'
CSRF_HEADER = 'X-CSRF-Token'

_jinja = Environment(
    loader=FileSystemLoader(str(HERE / 'templates')),
    autoescape=select_autoescape(['html']),
    trim_blocks=True, lstrip_blocks=True)


def _(name, **variables):
    "Translated portal string: the message s2b2b_portal.msg_<name>"
    return gettext(f's2b2b_portal.msg_{name}', **variables)


_jinja.globals['_'] = _


class PortalError(Exception):
    "An HTTP error with a translated message for the member"

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def not_found():
    return PortalError(HTTPStatus.NOT_FOUND, 'not_found', _('not_found'))


def forbidden():
    return PortalError(HTTPStatus.FORBIDDEN, 'forbidden', _('forbidden'))


def request_language(request):
    lang = request.cookies.get(LANG_COOKIE)
    if lang in LANGUAGES:
        return lang
    best = request.accept_languages.best_match(
        ['zh-CN', 'zh', 'en'], default='zh-CN')
    return 'en' if best == 'en' else 'zh_CN'


def base_path(request):
    return f"/{request.view_args['database_name']}/portal"


def set_cookie(request, response, name, value, max_age=None):
    response.set_cookie(name, value, max_age=max_age, httponly=True,
        samesite='Lax', secure=request.is_secure,
        path=f"/{request.view_args['database_name']}/")


def session_user(request):
    """Return the active web user of the session cookie, or None.

    One query (every page asks): the session, its user and member, with
    web_user's own expiry rule.
    """
    pool = Pool()
    WebUser = pool.get('web.user')
    Session = pool.get('web.user.session')
    Member = pool.get('s2b2b.member')
    key = request.cookies.get(SESSION_COOKIE)
    if not key:
        return None
    session, user, member = (
        Session.__table__(), WebUser.__table__(), Member.__table__())
    cursor = Transaction().connection.cursor()
    cursor.execute(*session.join(user, condition=user.id == session.user
            ).join(member, condition=member.id == user.s2b2b_member
            ).select(user.id, Coalesce(session.write_date,
                    session.create_date),
            where=(session.key == key) & (user.active == Literal(True))
            & (member.state != 'terminated'), limit=1))
    row = cursor.fetchone()
    if row and abs(_as_datetime(row[1]) - dt.datetime.now()) \
            <= Session.timeout():
        return WebUser(row[0])


def _as_datetime(value):
    "SQLite answers timestamps as text"
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def csrf_token(request, session_key=None):
    "The token forms carry: bound to the session, or a cookie before login"
    session_key = session_key or request.cookies.get(SESSION_COOKIE)
    if session_key:
        return hmac.new(session_key.encode(), b'csrf',
            hashlib.sha256).hexdigest()
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        token = request.environ.setdefault(
            's2b2b.csrf', secrets.token_urlsafe(32))
    return token


def check_csrf(request):
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not sent or not hmac.compare_digest(sent, csrf_token(request)):
        raise PortalError(HTTPStatus.FORBIDDEN, 'csrf', _('csrf_failed'))


def render(request, template, status=HTTPStatus.OK, **values):
    user = values.get('user')
    values.update(
        request=request, base=base_path(request),
        lang=Transaction().language, csrf=csrf_token(request),
        nav=navigation(user) if user else [])
    values['nav_counts'] = {e: NAV_COUNTS[e](user)
        for e, _m in values['nav'] if e in NAV_COUNTS}
    response = Response(_jinja.get_template(template).render(**values),
        status=status, content_type='text/html; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Frame-Options'] = 'DENY'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    if 's2b2b.csrf' in request.environ:
        set_cookie(request, response, CSRF_COOKIE,
            request.environ['s2b2b.csrf'])
    return response


# Portal sections: (endpoint, message, who sees it)
NAVIGATION = [
    ('', 'nav_home', None),
    ('profile', 'nav_profile', None),
    ('documents', 'nav_documents', None),
    ('users', 'nav_users', {'admin'}),
    ('api-keys', 'nav_api_keys', {'admin'}),
    ]
# Sections of suppliers and of buyers: (endpoint, message, roles)
SUPPLIER_NAVIGATION = [
    ('listings', 'nav_listings', {'admin', 'sales', 'warehouse'}),
    ('listings/import', 'nav_listing_import', {'admin', 'sales'}),
    ]
BUYER_NAVIGATION = [
    ('catalog', 'nav_catalog', None),
    ('favourites', 'nav_favourites', {'admin', 'purchaser', 'approver'}),
    ]
# Counts shown next to sections (never cached): endpoint → count(user)
NAV_COUNTS = {}


def navigation(user):
    "The sections this user may open, for its roles and member kind"
    key = ('nav', user.id, Transaction().language)
    items = page_cache.get(key)
    if items is None:
        roles = set(user.s2b2b_roles or [])
        member = user.s2b2b_member
        sections = list(NAVIGATION)
        if member.is_supplier:
            sections += SUPPLIER_NAVIGATION
        if member.is_buyer:
            sections += BUYER_NAVIGATION
        items = page_cache.set(key, [(e, m) for e, m, r in sections
                if not r or roles & r])
    return items


def require_role(user, *roles):
    if not set(user.s2b2b_roles or []) & set(roles):
        raise forbidden()


def page(login=True, roles=None):
    """Run a page handler for the session's user and member.

    The handler gets (request, pool, user, ...) and runs as_member; a
    POST must carry the CSRF token.
    """
    def decorator(func):
        @wraps(func)
        def wrapper(request, pool, *args, **kwargs):
            with Transaction().set_context(
                    language=request_language(request)):
                if request.method == 'POST':
                    check_csrf(request)
                user = session_user(request)
                if not login:
                    return func(request, pool, user, *args, **kwargs)
                if not user:
                    return redirect(f'{base_path(request)}/login'
                        f'?next={request.full_path}')
                if roles:
                    require_role(user, *roles)
                with as_member(user.s2b2b_member.id):
                    return func(request, pool, user, *args, **kwargs)
        return wrapper
    return decorator


def page_route(path, methods=('GET',), roles=None, kind=None):
    """The decorator stack of a member page at /<database>/portal<path>,
    in the order above; kind (a decorator) refuses other member kinds"""
    def decorator(func):
        if kind is not None:
            func = kind(func)
        func = with_pool(page_errors(with_transaction()(
                    page(roles=roles)(func))))
        return app.route(f'/<database_name>/portal{path}',
            methods=set(methods))(func)
    return decorator


def _error_status(exception):
    if isinstance(exception, PortalError):
        return exception.status, exception.code, exception.message
    if isinstance(exception, RateLimitException):
        return HTTPStatus.TOO_MANY_REQUESTS, 'too_many_attempts', \
            _('too_many_attempts')
    if isinstance(exception, RequestEntityTooLarge):
        return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, 'too_large', \
            _('too_large')
    if isinstance(exception, (RecordNotFound, AccessError)):
        # Other tenants' records: the same answer as unknown ones
        return HTTPStatus.NOT_FOUND, 'not_found', _('not_found')
    if isinstance(exception, (UserError, UserWarning)):
        return HTTPStatus.BAD_REQUEST, 'invalid', exception.message
    return None


def page_errors(func):
    "Render errors as pages, after the transaction was rolled back"
    @wraps(func)
    def wrapper(request, pool, *args, **kwargs):
        try:
            return func(request, pool, *args, **kwargs)
        except HTTPException as exception:
            if not isinstance(exception, RequestEntityTooLarge):
                raise
            error = exception
        except Exception as exception:
            error = exception
        with Transaction().start(pool.database_name, 0, readonly=True,
                context={'language': request_language(request)}):
            status = _error_status(error)
            if status is None:
                logger.error("portal error on %s", request.path,
                    exc_info=error)
                status = (HTTPStatus.INTERNAL_SERVER_ERROR, 'server_error',
                    _('server_error'))
            return render(request, 'error.html', status=status[0],
                message=status[2])
    return wrapper


def json_response(data, status=HTTPStatus.OK, headers=None):
    response = Response(json.dumps(data, ensure_ascii=False, default=str),
        status=status, content_type='application/json; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def json_error(status, code, message):
    return json_response(
        {'error': {'code': code, 'message': message}}, status=status)


def api_errors(func):
    "Answer errors as JSON, after the transaction was rolled back"
    @wraps(func)
    def wrapper(request, pool, *args, **kwargs):
        language = request_language(request)
        try:
            return func(request, pool, *args, **kwargs)
        except HTTPException as exception:
            if not isinstance(exception, RequestEntityTooLarge):
                return json_error(exception.code, 'http_error',
                    exception.description or exception.name)
            error = exception
        except Exception as exception:
            error = exception
        with Transaction().start(pool.database_name, 0, readonly=True,
                context={'language': language}):
            status = _error_status(error)
            if status is None:
                logger.error("API error on %s", request.path,
                    exc_info=error)
                status = (HTTPStatus.INTERNAL_SERVER_ERROR, 'server_error',
                    _('server_error'))
            return json_error(*status)
    return wrapper


# Room for the other fields of a form that carries files
UPLOAD_FORM_OVERHEAD = 256 * 1024


def upload_max_size():
    "The largest file a member may upload, in bytes"
    return config.getint('s2b2b_portal', 'upload_max_size',
        default=5 * 1024 * 1024)


def accept_uploads(files=1):
    """Let a page's requests carry up to files uploads.

    Put it right under @app.route: it replaces trytond's limit for
    anonymous requests ([request] max_size); a larger request is answered
    by the 413 error page.
    """
    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            request.max_content_length = (
                upload_max_size() * files + UPLOAD_FORM_OVERHEAD)
            return func(request, *args, **kwargs)
        return wrapper
    return decorator


def read_upload(storage):
    "Return (bytes, file name) of an uploaded file, None if none was sent"
    if not storage or not storage.filename:
        return None
    limit = upload_max_size()
    data = storage.read(limit + 1)
    if len(data) > limit:
        raise PortalError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, 'too_large',
            _('file_too_large', file=storage.filename,
                size=f'{limit / 1024 / 1024:g} MB'))
    return data, storage.filename


def absolute_url(request, path):
    """The address of a portal page for e-mails.

    [s2b2b_portal] url (the public address, e.g. https://s2b2b.example)
    wins over the Host header of the request, which a client chooses.
    """
    root = config.get('s2b2b_portal', 'url') or request.host_url
    return root.rstrip('/') + base_path(request) + path


def form_failed(request, template, error, values):
    """Show a form again with the error and the values entered.

    What the request wrote is rolled back first: nothing is saved.  Then
    values() gives the template values (the page reads the data again).
    """
    transaction = Transaction()
    transaction.rollback()
    transaction.tasks.clear()
    return render(request, template, status=HTTPStatus.BAD_REQUEST,
        error=error.message, **values())


def submit_form(request, template, action, values):
    """Return action(); when it refuses a value, the form again with its
    error (form_failed).

    Unknown and other members' records still give the 404 page.
    """
    try:
        return action()
    except (RecordNotFound, AccessError):
        raise
    except UserError as error:
        return form_failed(request, template, error, values)


def done_messages(request, *names):
    "The success message a redirect after a POST asks for: ?done=<name>"
    name = request.args.get('done')
    return [('success', _(f'done_{name}'))] if name in names else []
