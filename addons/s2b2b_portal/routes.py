# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Portal pages under /<database>/portal/.

Handlers only read the request, call the domain modules inside the
member's tenant context and render; rules live in the domain modules.
"""
import datetime as dt
import io
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.exceptions import NotFound
from werkzeug.utils import send_file, send_from_directory

from trytond import config
from trytond.exceptions import UserError
from trytond.modules.s2b2b_platform.files import file_type
from trytond.modules.s2b2b_platform.tenant import get_record
from trytond.pool import Pool
from trytond.protocols.wrappers import (
    HTTPStatus, redirect, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from .cache import page_cache
from .portal import (
    HERE, LANG_COOKIE, LANGUAGES, SESSION_COOKIE, _, absolute_url,
    accept_uploads, base_path, done_messages, not_found, page, page_errors,
    read_upload, render, require_role, set_cookie, submit_form,
    upload_max_size)

PORTAL = '/<database_name>/portal'
# Front-end packages from npm (see package.json), served read-only
VENDOR = {'bootstrap/dist', '@popperjs/core/dist'}


def assets_dir():
    return Path(config.get('s2b2b_portal', 'assets', default=str(
                HERE.parents[1] / 'var' / 'portal' / 'node_modules')))


def safe_next(request, value):
    "Only redirect inside this portal"
    base = base_path(request)
    parts = urlsplit(value or '')
    if parts.scheme or parts.netloc or not parts.path.startswith(base):
        return base + '/'
    return value


@app.route(f'{PORTAL}/static/<path:path>', methods={'GET'})
def static(request, database_name, path):
    return send_from_directory(HERE / 'static', path, request.environ,
        max_age=3600)


@app.route(f'{PORTAL}/vendor/<path:path>', methods={'GET'})
def vendor(request, database_name, path):
    if not any(path.startswith(prefix + '/') for prefix in VENDOR):
        return NotFound()
    return send_from_directory(assets_dir(), path, request.environ,
        max_age=86400)


@app.route(f'{PORTAL}/lang/<code>', methods={'GET'})
def language(request, database_name, code):
    response = redirect(safe_next(request, request.args.get('next')))
    if code in LANGUAGES:
        set_cookie(request, response, LANG_COOKIE, code,
            max_age=365 * 24 * 3600)
    return response


@app.route(f'{PORTAL}/login', methods={'GET', 'POST'})
@with_pool
@page_errors
@with_transaction()
@page(login=False)
def login(request, pool, user):
    WebUser = pool.get('web.user')
    next_ = safe_next(request, request.values.get('next'))
    if user and request.method == 'GET':
        return redirect(next_)
    if request.method == 'GET':
        return render(request, 'login.html', next=next_, email='')
    email = (request.form.get('email') or '').strip()
    found = WebUser.authenticate(email, request.form.get('password') or '')
    if not found or not found.active or not found.s2b2b_member \
            or found.s2b2b_member.state == 'terminated':
        return render(request, 'login.html', status=HTTPStatus.UNAUTHORIZED,
            next=next_, email=email, error=_('login_failed'))
    response = redirect(next_)
    set_cookie(request, response, SESSION_COOKIE, found.new_session())
    return response


@app.route(f'{PORTAL}/logout', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(login=False)
def logout(request, pool, user):
    Session = pool.get('web.user.session')
    key = request.cookies.get(SESSION_COOKIE)
    if key:
        Session.remove(key)
    response = redirect(f'{base_path(request)}/login')
    response.delete_cookie(SESSION_COOKIE,
        path=f'/{request.view_args["database_name"]}/')
    return response


def _state_style(state):
    return {'approved': 'success', 'suspended': 'warning',
        'terminated': 'dark'}.get(state, 'secondary')


def waiting_items(user, member):
    """(label, count, link) of what waits for this user.

    Later modules append their own counters (quotations to answer, orders
    to confirm...) to WAITING: functions of (user, member).
    """
    return [item for counter in WAITING
        for item in counter(user, member) if item[1]]


def _documents_waiting(user, member):
    count = sum(d.status in {'expiring', 'expired'} for d in member.documents)
    return [(_('documents_to_renew'), count, 'documents')]


def _users_waiting(user, member):
    WebUser = Pool().get('web.user')
    if not user.has_role('admin'):
        return []
    count = WebUser.search([('password_hash', '=', None),
            ('active', '=', True)], count=True)
    return [(_('invitations_pending'), count, 'users')]


WAITING = [_documents_waiting, _users_waiting]


@app.route(f'{PORTAL}/', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page()
def home(request, pool, user):
    today = pool.get('ir.date').today()
    key = ('home', user.id, Transaction().language, today)
    summary = page_cache.get(key)
    if summary is None:
        summary = page_cache.set(key, home_summary(user, today))
    return render(request, 'home.html', user=user, active='', **summary)


def home_summary(user, today):
    "What the home page shows, in plain values that can be cached"
    Notification = Pool().get('s2b2b.notification')
    member = user.s2b2b_member
    return {
        'member': {
            'name': member.rec_name, 'state': member.state,
            'state_string': member.state_string,
            'kind_string': member.kind_string,
            'state_reason': member.state_reason,
            },
        'state_style': _state_style(member.state),
        'missing': [t.rec_name
            for t in member.missing_document_types(today)],
        'expiring': [(d.rec_name, d.valid_to)
            for d in member.documents if d.status == 'expiring'],
        'waiting': waiting_items(user, member),
        'notifications': [(n.subject, n.body) for n in Notification.search(
                [('seen', '=', False)], limit=5)],
        }


# Rows of document fields a form may carry (registration: one per type)
DOCUMENT_ROWS = 8
CONTACT_FIELDS = ['contact_name', 'contact_email', 'contact_phone']
REGISTRATION_FIELDS = ['name', 'company_code', 'kind', *CONTACT_FIELDS,
    'password']


def selection(model, field):
    "The translated (value, label) pairs of a selection field"
    Model = Pool().get(model)
    return Model.fields_get([field])[field]['selection']


def label(model, field, value):
    return dict(selection(model, field)).get(value, value or '')


def parse_date(value):
    "The date of a form field (YYYY-MM-DD), None when empty"
    value = (value or '').strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(_('invalid_date', value=value))


def check_password_confirm(form):
    if (form.get('password') or '') != (form.get('password2') or ''):
        raise UserError(_('password_mismatch'))


def document_types():
    "The active qualification document types, mandatory for all first"
    DocumentType = Pool().get('s2b2b.member.document.type')
    return sorted(DocumentType.search([]), key=lambda t: (
            not t.mandatory, t.member_kind != 'all', t.name))


def document_type_id(value):
    try:
        type_id = int(value)
    except (TypeError, ValueError):
        type_id = None
    if type_id not in {t.id for t in document_types()}:
        raise UserError(_('document_type_invalid'))
    return type_id


def document_row(request, prefix):
    "The document of the fields <prefix>number, ... or None when empty"
    form = request.form
    upload = read_upload(request.files.get(prefix + 'file'))
    number = (form.get(prefix + 'number') or '').strip()
    if not number and not upload:
        return None
    if not upload:
        raise UserError(_('document_file_required', number=number))
    return {
        'type': document_type_id(form.get(prefix + 'type')),
        'number': number or None,
        'issuer': (form.get(prefix + 'issuer') or '').strip() or None,
        'valid_from': parse_date(form.get(prefix + 'valid_from')),
        'valid_to': parse_date(form.get(prefix + 'valid_to')),
        'file': upload[0],
        'file_name': upload[1],
        }


def document_rows(request):
    rows = (document_row(request, f'doc-{i}-')
        for i in range(DOCUMENT_ROWS))
    return [r for r in rows if r]


def upload_limit_label():
    return f'{upload_max_size() / 1024 / 1024:g} MB'


@app.route(f'{PORTAL}/register', methods={'GET', 'POST'})
@accept_uploads(DOCUMENT_ROWS)
@with_pool
@page_errors
@with_transaction()
@page(login=False)
def register(request, pool, user):
    if user:
        return redirect(base_path(request) + '/')
    if request.method == 'GET':
        return render(request, 'register.html', **register_values({}))
    return submit_form(request, 'register.html',
        lambda: _register(request),
        lambda: register_values(request.form, reattach=True))


def _register(request):
    Member = Pool().get('s2b2b.member')
    form = request.form
    check_password_confirm(form)
    Member.register({
            **{f: form.get(f) for f in REGISTRATION_FIELDS},
            'documents': document_rows(request),
            })
    return redirect(base_path(request) + '/register/done')


def register_values(form, reattach=False):
    return {
        'form': form, 'reattach': reattach,
        'kinds': selection('s2b2b.member', 'kind'),
        'types': document_types()[:DOCUMENT_ROWS],
        'max_size': upload_limit_label(),
        }


@app.route(f'{PORTAL}/register/done', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page(login=False)
def register_done(request, pool, user):
    return render(request, 'register_done.html')


@app.route(f'{PORTAL}/reset', methods={'GET', 'POST'})
@with_pool
@page_errors
@with_transaction()
@page(login=False)
def reset(request, pool, user):
    WebUser = pool.get('web.user')
    if request.method == 'GET':
        return render(request, 'reset.html')
    # The same answer whether the address is known or not
    WebUser.request_password_reset(request.form.get('email'),
        absolute_url(request, '/reset/confirm'))
    return redirect(base_path(request) + '/reset/sent')


@app.route(f'{PORTAL}/reset/sent', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page(login=False)
def reset_sent(request, pool, user):
    return render(request, 'reset_sent.html')


@app.route(f'{PORTAL}/reset/confirm', methods={'GET', 'POST'})
@with_pool
@page_errors
@with_transaction()
@page(login=False)
def reset_confirm(request, pool, user):
    WebUser = pool.get('web.user')
    link = {
        'email': request.values.get('email') or '',
        'token': request.values.get('token') or '',
        'invite': request.values.get('invite') == '1',
        }
    if request.method == 'GET':
        valid = WebUser.password_link_valid(link['email'], link['token'])
        return render(request, 'reset_confirm.html',
            status=HTTPStatus.OK if valid else HTTPStatus.BAD_REQUEST,
            invalid=not valid, **link)
    return submit_form(request, 'reset_confirm.html',
        lambda: _set_password(request, link), lambda: link)


def _set_password(request, link):
    WebUser = Pool().get('web.user')
    check_password_confirm(request.form)
    if not WebUser.set_portal_password(link['email'], link['token'],
            request.form.get('password') or ''):
        # Not rolled back: the failed attempt counts against guessing
        return render(request, 'reset_confirm.html',
            status=HTTPStatus.BAD_REQUEST, invalid=True, **link)
    return redirect(base_path(request) + '/reset/done')


@app.route(f'{PORTAL}/reset/done', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page(login=False)
def reset_done(request, pool, user):
    return render(request, 'reset_done.html')


@app.route(f'{PORTAL}/profile', methods={'GET', 'POST'})
@with_pool
@page_errors
@with_transaction()
@page()
def profile(request, pool, user):
    if request.method == 'GET':
        return render(request, 'profile.html',
            **profile_values(request, user))
    require_role(user, 'admin')
    return submit_form(request, 'profile.html',
        lambda: _save_contact(request, user),
        lambda: profile_values(request, user, request.form))


def _save_contact(request, user):
    Member = Pool().get('s2b2b.member')
    Member.write([Member(user.s2b2b_member.id)], {
            f: (request.form.get(f) or '').strip() or None
            for f in CONTACT_FIELDS})
    return redirect(base_path(request) + '/profile?done=saved')


def profile_values(request, user, form=None):
    Member = Pool().get('s2b2b.member')
    member = Member(user.s2b2b_member.id)
    return {
        'user': user, 'active': 'profile', 'member': member,
        'form': form or {f: getattr(member, f) or ''
            for f in CONTACT_FIELDS},
        'state_label': label('s2b2b.member', 'state', member.state),
        'state_style': _state_style(member.state),
        'kind_label': label('s2b2b.member', 'kind', member.kind),
        'messages': done_messages(request, 'saved'),
        }


@app.route(f'{PORTAL}/documents', methods={'GET', 'POST'})
@accept_uploads(1)
@with_pool
@page_errors
@with_transaction()
@page()
def documents(request, pool, user):
    if request.method == 'GET':
        return render(request, 'documents.html',
            **documents_values(request, user))
    return submit_form(request, 'documents.html',
        lambda: _upload_document(request, user),
        lambda: documents_values(request, user, request.form, True))


def _upload_document(request, user):
    Document = Pool().get('s2b2b.member.document')
    row = document_row(request, 'doc-0-')
    if not row:
        raise UserError(_('document_incomplete'))
    Document.create([{**row, 'member': user.s2b2b_member.id}])
    return redirect(base_path(request) + '/documents?done=uploaded')


def _document_style(status):
    return {'valid': 'success', 'expiring': 'warning',
        'expired': 'danger'}.get(status, 'secondary')


def documents_values(request, user, form=None, reattach=False):
    Document = Pool().get('s2b2b.member.document')
    return {
        'user': user, 'active': 'documents', 'form': form or {},
        'reattach': reattach, 'documents': Document.search([]),
        'statuses': dict(selection('s2b2b.member.document', 'status')),
        'style': _document_style, 'types': document_types(),
        'max_size': upload_limit_label(),
        'messages': done_messages(request, 'uploaded'),
        }


@app.route(f'{PORTAL}/documents/<record_id>/file', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page()
def document_file(request, pool, user, record_id):
    document = get_record('s2b2b.member.document', record_id)
    if not document.file:
        raise not_found()
    data = bytes(document.file)
    response = send_file(io.BytesIO(data), request.environ,
        mimetype=file_type(data) or 'application/octet-stream',
        as_attachment=True, download_name=document.file_name or 'document',
        conditional=False, etag=False)
    response.headers['Cache-Control'] = 'private, no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


@app.route(f'{PORTAL}/users', methods={'GET', 'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles={'admin'})
def users(request, pool, user):
    if request.method == 'GET':
        return render(request, 'users.html', **users_values(request, user))
    return submit_form(request, 'users.html',
        lambda: _invite(request, user),
        lambda: users_values(request, user, request.form))


def _invite(request, user):
    WebUser = Pool().get('web.user')
    WebUser.invite(user.s2b2b_member,
        (request.form.get('email') or '').strip(),
        request.form.getlist('roles'),
        absolute_url(request, '/reset/confirm?invite=1'), by=user)
    return redirect(base_path(request) + '/users?done=invited')


# What an administrator may do to a user: (web.user method, arguments)
USER_ACTIONS = {
    'roles': lambda form: ('set_member_roles', form.getlist('roles')),
    'deactivate': lambda form: ('set_member_active', False),
    'reactivate': lambda form: ('set_member_active', True),
    }


@app.route(f'{PORTAL}/users/<record_id>/<action>', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles={'admin'})
def user_change(request, pool, user, record_id, action):
    if action not in USER_ACTIONS:
        raise not_found()
    return submit_form(request, 'users.html',
        lambda: _change_user(request, user, record_id, action),
        lambda: users_values(request, user))


def _change_user(request, user, record_id, action):
    WebUser = Pool().get('web.user')
    with Transaction().set_context(active_test=False):
        target = get_record('web.user', record_id)
    method, value = USER_ACTIONS[action](request.form)
    getattr(WebUser, method)([target], value, by=user)
    return redirect(base_path(request) + f'/users?done={action}')


def users_values(request, user, form=None):
    WebUser = Pool().get('web.user')
    with Transaction().set_context(active_test=False):
        member_users = WebUser.search([],
            order=[('active', 'DESC'), ('email', 'ASC')])
    return {
        'user': user, 'active': 'users', 'users': member_users,
        'roles': selection('web.user', 's2b2b_roles'),
        'invite_email': form.get('email', '') if form else '',
        'invite_roles': form.getlist('roles') if form else [],
        'messages': done_messages(
            request, 'invited', 'roles', 'deactivate', 'reactivate'),
        }
