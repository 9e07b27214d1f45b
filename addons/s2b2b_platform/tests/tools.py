# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Helpers for the tests of the platform and of the modules built on it"
import datetime as dt
import itertools
from contextlib import contextmanager

from stdnum.cn import uscc

from trytond.pool import Pool
from trytond.transaction import Transaction

_savepoints = itertools.count()


@contextmanager
def request_rollback():
    """Undo what the block did when it fails, as a request does.

    Tests run in one transaction; a savepoint stands for the request's own
    transaction so that "nothing changed" can be checked afterwards.
    """
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    name = f's2b2b_sp{next(_savepoints)}'
    cursor.execute(f'SAVEPOINT {name}')
    try:
        yield
    except Exception:
        cursor.execute(f'ROLLBACK TO SAVEPOINT {name}')
        for cache in transaction.cache.values():
            cache.clear()
        raise
    cursor.execute(f'RELEASE SAVEPOINT {name}')


def company_code(number, region='320500'):
    "Return a valid 统一社会信用代码 made from a number"
    body = f'91{region}{number:09d}'
    return body + uscc.calc_check_digit(body)


def create_document_types():
    "Create a mandatory business license and an optional certificate"
    DocumentType = Pool().get('s2b2b.member.document.type')
    values = [{
            'code': 'business_license', 'name': "Business License",
            'mandatory': True, 'member_kind': 'all',
            }, {
            'code': 'iso9001', 'name': "ISO 9001", 'mandatory': False,
            'member_kind': 'supplier',
            }]
    # the types are data of the database: a set-up may have made them
    existing = DocumentType.search(
        [('code', 'in', [v['code'] for v in values])])
    codes = {t.code for t in existing}
    return existing + DocumentType.create(
        [v for v in values if v['code'] not in codes])


def create_member(name, number, kind='buyer', state='approved',
        valid_days=365, users=1):
    "Create a member in the given state with a business license"
    pool = Pool()
    Member = pool.get('s2b2b.member')
    Party = pool.get('party.party')
    Document = pool.get('s2b2b.member.document')
    DocumentType = pool.get('s2b2b.member.document.type')
    WebUser = pool.get('web.user')
    today = pool.get('ir.date').today()
    party, = Party.create([{'name': name}])
    member, = Member.create([{
                'party': party.id, 'kind': kind,
                'company_code': company_code(number),
                }])
    license_, = DocumentType.search([('code', '=', 'business_license')])
    Document.create([{
                'member': member.id, 'type': license_.id,
                'number': f'BL-{number}',
                'valid_from': today - dt.timedelta(days=10),
                'valid_to': today + dt.timedelta(days=valid_days),
                }])
    WebUser.create([{
                'email': f'user{i}@{number}.example.com',
                's2b2b_member': member.id,
                's2b2b_roles': ['admin'] if i == 0 else ['sales'],
                } for i in range(users)])
    steps = {
        'applied': ['apply'],
        'under_review': ['apply', 'start_review'],
        'approved': ['apply', 'start_review', 'approve'],
        }
    for step in steps.get(state, []):
        getattr(Member, step)([member])
    return member


def create_backoffice_user(login, group_xml_id):
    "Create an operator in one of the platform's groups"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'login': login, 'name': login,
                'groups': [('add', [ModelData.get_id(
                                's2b2b_platform', group_xml_id)])],
                }])
    return user
