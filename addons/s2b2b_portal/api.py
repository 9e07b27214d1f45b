# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The member API v1 under /<database>/s2b2b/api/v1/."""
from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.wsgi import app

from .portal import json_response

API = '/<database_name>/s2b2b/api/v1'


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
