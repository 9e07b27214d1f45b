# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""HTTP entry points of the member portal and API.

Every member route runs its work through
``trytond.modules.s2b2b_platform.tenant.as_member``; routes hold no
business rules.
"""
import json

from trytond.protocols.wrappers import (
    HTTPStatus, Response, with_pool, with_transaction)
from trytond.wsgi import app

API = '/<database_name>/s2b2b/api/v1'


def json_response(data, status=HTTPStatus.OK):
    return Response(json.dumps(data, ensure_ascii=False), status=status,
        content_type='application/json; charset=utf-8')


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
