# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Portal pages where a member admin creates and revokes API keys."""
import datetime as dt

from trytond.i18n import gettext
from trytond.modules.s2b2b_platform.tenant import get_record
from trytond.pool import Pool
from trytond.protocols.wrappers import redirect, with_pool, with_transaction
from trytond.wsgi import app

from .exceptions import ApiKeyError
from .portal import (
    base_path, done_messages, page, page_errors, render, submit_form)

PORTAL = '/<database_name>/portal'
# Offered expiries in days; the form may also ask for none
EXPIRY_DAYS = (30, 90, 365)
DEFAULT_EXPIRY = '90'
STATE_STYLES = {'active': 'success', 'expired': 'secondary',
    'revoked': 'dark'}


def expires(value, now=None):
    "The expiry of the form's choice: '' for none or a number of days"
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 3650:
        raise ApiKeyError(gettext('s2b2b_portal.msg_api_key_expiry_invalid'))
    return (now or dt.datetime.now()) + dt.timedelta(days=int(value))


def _page_values(request, user, form=None):
    ApiKey = Pool().get('s2b2b.api.key')
    database_name = request.view_args['database_name']
    return {
        'user': user, 'active': 'api-keys',
        'keys': ApiKey.search([]),
        'scopes': ApiKey.fields_get(['scopes'])['scopes']['selection'],
        'expiry_days': EXPIRY_DAYS, 'styles': STATE_STYLES,
        'form': form or {
            'name': '', 'scopes': [], 'expiry': DEFAULT_EXPIRY},
        'api_docs': f'/{database_name}/s2b2b/api/v1/openapi.json',
        }


@app.route(f'{PORTAL}/api-keys', methods={'GET'})
@with_pool
@page_errors
@with_transaction()
@page(roles={'admin'})
def api_keys(request, pool, user):
    return render(request, 'api_keys.html',
        messages=done_messages(request, 'api_key_revoked'),
        **_page_values(request, user))


@app.route(f'{PORTAL}/api-keys', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles={'admin'})
def api_key_create(request, pool, user):
    "Create the key and show it, the only time it is shown"
    ApiKey = pool.get('s2b2b.api.key')
    form = {
        'name': (request.form.get('name') or '')[:255],
        'scopes': request.form.getlist('scopes'),
        'expiry': request.form.get('expiry') or '',
        }

    def create():
        key, token = ApiKey.generate(user.s2b2b_member, form['name'],
            form['scopes'], expires=expires(form['expiry']),
            created_by=user)
        return render(request, 'api_keys_created.html', user=user,
            active='api-keys', key=key, token=token)
    return submit_form(request, 'api_keys.html', create,
        lambda: _page_values(request, user, form))


@app.route(f'{PORTAL}/api-keys/<int:key_id>/revoke', methods={'POST'})
@with_pool
@page_errors
@with_transaction()
@page(roles={'admin'})
def api_key_revoke(request, pool, user, key_id):
    ApiKey = pool.get('s2b2b.api.key')
    key = get_record('s2b2b.api.key', key_id)
    if not key.revoked_at:
        ApiKey.revoke([key])
    return redirect(f'{base_path(request)}/api-keys?done=api_key_revoked')
