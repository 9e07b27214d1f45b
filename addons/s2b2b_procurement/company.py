# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The platform company: the one that trades, and acting as it"
from contextlib import contextmanager

from trytond.modules.s2b2b_platform.ir import MEMBER_KEY
from trytond.pool import Pool
from trytond.transaction import Transaction


@contextmanager
def as_platform(company=None):
    """Run Tryton's steps as the platform once the member's checks passed:
    root, no access checks, no requesting member"""
    transaction = Transaction()
    context = {MEMBER_KEY: None, '_check_access': False}
    if company is not None:
        context['company'] = company.id
    with transaction.set_user(0), transaction.set_context(context):
        yield


def platform_company():
    "The company that trades: the context's, else the portal user's"
    pool = Pool()
    Company = pool.get('company.company')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    company_id = Transaction().context.get('company')
    if company_id is not None and company_id >= 0:
        return Company(company_id)
    with as_platform():
        user = User(ModelData.get_id('s2b2b_platform', 'user_portal'))
        if user.company:
            return Company(user.company.id)
        companies = Company.search([], limit=1, order=[('id', 'ASC')])
    return Company(companies[0].id) if companies else None


def company_currency():
    "The id of the platform company's currency"
    company = platform_company()
    return company.currency.id if company else None
