# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Portal pages under /<database>/portal/.

Handlers only read the request, call the domain modules inside the
member's tenant context and render; rules live in the domain modules.
"""
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.exceptions import NotFound
from werkzeug.utils import send_from_directory

from trytond import config
from trytond.pool import Pool
from trytond.protocols.wrappers import (
    HTTPStatus, redirect, with_pool, with_transaction)
from trytond.wsgi import app

from .portal import (
    HERE, LANG_COOKIE, LANGUAGES, SESSION_COOKIE, _, base_path, page,
    page_errors, render, set_cookie)

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


def waiting_items(user):
    """(label, count, link) of what waits for this user.

    Later modules append their own counters (quotations to answer, orders
    to confirm...) to WAITING.
    """
    return [item for counter in WAITING
        for item in counter(user) if item[1]]


def _documents_waiting(user):
    pool = Pool()
    Document = pool.get('s2b2b.member.document')
    count = Document.search([('status', 'in', ['expiring', 'expired'])],
        count=True)
    return [(_('documents_to_renew'), count, 'documents')]


def _users_waiting(user):
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
    pool = Pool()
    Member = pool.get('s2b2b.member')
    Document = pool.get('s2b2b.member.document')
    Notification = pool.get('s2b2b.notification')
    member = Member(user.s2b2b_member.id)
    states = dict(Member.fields_get(['state'])['state']['selection'])
    kinds = dict(Member.fields_get(['kind'])['kind']['selection'])
    return render(request, 'home.html', user=user, member=member,
        active='', state_label=states[member.state],
        state_style=_state_style(member.state),
        kind_label=kinds[member.kind],
        missing=member.missing_document_types(),
        expiring=Document.search([('status', '=', 'expiring')]),
        waiting=waiting_items(user),
        notifications=Notification.search(
            [('seen', '=', False)], limit=5))
