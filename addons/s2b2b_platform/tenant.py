# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The one way member requests reach the data.

Every portal page and API endpoint runs its work inside ``as_member``: the
transaction switches to the technical portal user, whose group carries the
record rules of every member-visible model, with access checks on and the
requesting member in the context the rules read (see ``ir.Rule``).
Routes never filter by hand as their only guard.
"""
from contextlib import contextmanager

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import RecordNotFound, TenantContextError
from .ir import MEMBER_KEY, requesting_member


def portal_user_id():
    "Return the id of the technical user member requests run as"
    ModelData = Pool().get('ir.model.data')
    return ModelData.get_id('s2b2b_platform', 'user_portal')


@contextmanager
def as_member(member_id):
    "Run the enclosed code as a request of the member, access checked"
    if not isinstance(member_id, int) or member_id <= 0:
        raise TenantContextError(
            gettext('s2b2b_platform.msg_tenant_context_missing'))
    transaction = Transaction()
    with transaction.set_user(portal_user_id()), \
            transaction.set_context({
                MEMBER_KEY: member_id, '_check_access': True}):
        yield


def _record_id(value):
    try:
        record_id = int(value)
    except (TypeError, ValueError):
        return None
    return record_id if 0 < record_id < 2 ** 63 else None


def get_record(model_name, record_id):
    """Return the record visible to the requesting member.

    An unknown id and another member's id give the same RecordNotFound,
    so that the answer reveals nothing about other tenants.
    """
    if requesting_member() is None or not Transaction().check_access:
        raise TenantContextError(
            gettext('s2b2b_platform.msg_tenant_context_missing'))
    Model = Pool().get(model_name)
    record_id = _record_id(record_id)
    records = Model.search([('id', '=', record_id)], limit=1) \
        if record_id else []
    if not records:
        raise RecordNotFound(gettext(
                's2b2b_platform.msg_record_not_found',
                model=Model.__names__()['model']))
    return records[0]
