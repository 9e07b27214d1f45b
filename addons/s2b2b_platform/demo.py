# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Deterministic demo data, scalable by parameters.

The same seed and sizes always give the same members, users and
documents; later modules extend it with listings and orders.
"""
import datetime as dt
import itertools
import random
from dataclasses import dataclass
from decimal import Decimal

from stdnum.cn import uscc

from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

PLATFORM_NAME = "S2B2B 供应链平台 (S2B2B Supply Chain Platform)"
CITIES = [
    ('320500', "苏州", "Suzhou"), ('440300', "深圳", "Shenzhen"),
    ('330100', "杭州", "Hangzhou"), ('310000', "上海", "Shanghai"),
    ('440100', "广州", "Guangzhou"), ('320200', "无锡", "Wuxi"),
    ('370200', "青岛", "Qingdao"), ('420100', "武汉", "Wuhan"),
    ('510100', "成都", "Chengdu"), ('110000', "北京", "Beijing"),
    ]
TRADES = [
    ("精工机械", "Precision Machinery"), ("华辰电子", "Huachen Electronics"),
    ("恒达化工", "Hengda Chemicals"), ("绿源包装", "Lvyuan Packaging"),
    ("金盾五金", "Jindun Hardware"), ("东方纺织", "Dongfang Textiles"),
    ("宏泰建材", "Hongtai Building Materials"), ("远航物流", "Yuanhang Logistics"),
    ("瑞丰食品", "Ruifeng Foods"), ("新锐仪表", "Xinrui Instruments"),
    ("中恒电气", "Zhongheng Electric"), ("天成塑胶", "Tiancheng Plastics"),
    ]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰"]
ROLE_SETS = [
    ['admin'], ['sales'], ['purchaser'], ['approver'], ['finance'],
    ['warehouse'], ['sales', 'warehouse'], ['purchaser', 'approver'],
    ]
DOCUMENT_TYPES = [
    # code, zh_CN, English, mandatory, required from
    ('business_license', "营业执照", "Business License", True, 'all'),
    ('production_license', "生产许可证", "Production License", True,
        'supplier'),
    ('bank_permit', "开户许可证", "Bank Account Permit", False, 'all'),
    ('iso9001', "ISO 9001 质量管理体系认证", "ISO 9001 Certificate", False,
        'supplier'),
    ]
OPERATORS = [
    # login, name, group xml ids
    ('operator', "平台运营 Operator", ['group_s2b2b_operator']),
    ('finance', "平台财务 Finance", ['group_s2b2b_finance']),
    ('platform_admin', "平台管理员 Platform Admin", ['group_s2b2b_admin']),
    ]


@dataclass
class Sizes:
    suppliers: int = 6
    buyers: int = 6
    both: int = 1
    users: int = 3
    documents: int = 2
    seed: int = 2026
    password: str = 'demo2026!'


def company_code(rng, region):
    "Return a valid, deterministic 统一社会信用代码 for the region"
    alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY'
    body = '91' + region + ''.join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def member_name(index):
    "Return (region code, unique bilingual company name) for an index"
    region, city_zh, city_en = CITIES[index % len(CITIES)]
    # 11 and 12 are coprime: the first 120 indexes give distinct pairs
    trade_zh, trade_en = TRADES[(11 * (index // len(CITIES)) + index)
        % len(TRADES)]
    suffix = '' if index < len(CITIES) * len(TRADES) else f' {index}'
    return region, (f"{city_zh}{trade_zh}有限公司{suffix} "
        f"{city_en} {trade_en} Co., Ltd.{suffix}")


def get_model_id(module, fs_id):
    return Pool().get('ir.model.data').get_id(module, fs_id)


def setup_company():
    "Create the CNY platform company once and return it"
    pool = Pool()
    Company = pool.get('company.company')
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    User = pool.get('res.user')
    if companies := Company.search([('party.name', '=', PLATFORM_NAME)]):
        return companies[0]
    currencies = Currency.search([('code', '=', 'CNY')])
    cny = currencies[0] if currencies else Currency(
        name="人民币 Chinese Yuan", code='CNY', symbol='¥', digits=2,
        rounding=Decimal('0.01'))
    cny.save()
    company = Company(party=Party(name=PLATFORM_NAME), currency=cny,
        timezone='Asia/Shanghai')
    company.party.save()
    company.save()
    admin = User(get_model_id('res', 'user_admin'))
    User.write([admin], {
            'companies': [('add', [company.id])], 'company': company.id})
    return company


def setup_operators(company, password):
    pool = Pool()
    User = pool.get('res.user')
    existing = {u.login for u in User.search(
                [('login', 'in', [o[0] for o in OPERATORS])])}
    users = [User(login=login, name=name, password=password,
            companies=[company], company=company,
            groups=[get_model_id('s2b2b_platform', g) for g in groups]
            + [get_model_id('party', 'group_party_admin')])
        for login, name, groups in OPERATORS if login not in existing]
    User.save(users)


def setup_document_types():
    pool = Pool()
    DocumentType = pool.get('s2b2b.member.document.type')
    existing = {t.code: t for t in DocumentType.search([])}
    new = [DocumentType(code=code, name=en, mandatory=mandatory,
            member_kind=kind)
        for code, zh, en, mandatory, kind in DOCUMENT_TYPES
        if code not in existing]
    DocumentType.save(new)
    for type_ in new:
        zh = {c: z for c, z, *_ in DOCUMENT_TYPES}[type_.code]
        with Transaction().set_context(language='zh_CN'):
            DocumentType.write([DocumentType(type_.id)], {'name': zh})
    existing.update({t.code: t for t in new})
    return existing


def _person(rng):
    return rng.choice(SURNAMES) + ''.join(
        rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _kinds(sizes):
    return (['supplier'] * sizes.suppliers + ['buyer'] * sizes.buyers
        + ['both'] * sizes.both)


def build_members(sizes, rng, start):
    "Return unsaved members with their parties, documents and users"
    pool = Pool()
    Member = pool.get('s2b2b.member')
    Party = pool.get('party.party')
    for offset, kind in enumerate(_kinds(sizes)):
        index = start + offset
        region, name = member_name(index)
        contact = _person(rng)
        yield Member(
            party=Party(name=name),
            kind=kind,
            company_code=company_code(rng, region),
            contact_name=contact,
            contact_email=f'contact{index}@member{index}.example.com',
            contact_phone=f'+86 138{index:08d}'[:16])


def build_documents(member, mandatory, optional, sizes, rng, today):
    pool = Pool()
    Document = pool.get('s2b2b.member.document')
    wanted = list(mandatory[member.kind])
    wanted += [t for t in optional if t not in wanted][
        :max(sizes.documents - len(wanted), 0)]
    for type_ in wanted:
        # Some documents run out within the warning window
        days = rng.choice([20, 200, 400, 800, 1200])
        yield Document(member=member, type=type_,
            number=f'{type_.code[:3].upper()}-{rng.randrange(10**8):08d}',
            issuer=rng.choice(["市场监督管理局 SAMR", "工业和信息化部 MIIT",
                    "中国质量认证中心 CQC"]),
            valid_from=today - dt.timedelta(days=365),
            valid_to=today + dt.timedelta(days=days))


def build_users(member, index, sizes, rng, password_hash):
    WebUser = Pool().get('web.user')
    for number in range(sizes.users):
        roles = ROLE_SETS[0] if number == 0 else rng.choice(ROLE_SETS[1:])
        if member.kind == 'buyer':
            roles = [r for r in roles if r not in {'sales'}] or ['purchaser']
        if member.kind == 'supplier':
            roles = [r for r in roles if r not in {'purchaser', 'approver'}
                ] or ['sales']
        yield WebUser(email=f'user{number}@member{index}.example.com',
            email_valid=True, s2b2b_member=member, party=member.party,
            s2b2b_roles=roles, password_hash=password_hash)


def _interleave(members):
    "Alternate kinds so that the lifecycle states hold each kind"
    groups = [[m for m in members if m.kind == k]
        for k in ['supplier', 'buyer', 'both']]
    return [m for row in itertools.zip_longest(*groups) for m in row if m]


def _progress(members):
    "Spread members over the lifecycle; most are approved"
    pool = Pool()
    Member = pool.get('s2b2b.member')
    draft, applied, review = members[:1], members[1:2], members[2:3]
    rest = members[3:]
    Member.apply(applied + review + rest)
    Member.start_review(review + rest)
    Member.approve(rest)
    suspended = rest[-1:]
    for member in suspended:
        member.reason = "逾期未续交资质文件 Qualification renewal overdue"
    Member.save(suspended)
    Member.suspend(suspended)
    return draft


def load(sizes=None):
    """Load the demo data once; return a summary of what exists."""
    pool = Pool()
    Member = pool.get('s2b2b.member')
    Document = pool.get('s2b2b.member.document')
    WebUser = pool.get('web.user')
    Party = pool.get('party.party')
    sizes = sizes or Sizes()
    company = setup_company()
    setup_operators(company, sizes.password)
    types = setup_document_types()
    start = Member.search([], count=True)
    if start:
        return {'created': 0, 'members': start}
    rng = random.Random(sizes.seed)
    today = pool.get('ir.date').today()
    members = list(build_members(sizes, rng, start))
    Party.save([m.party for m in members])
    Member.save(members)
    DocumentType = pool.get('s2b2b.member.document.type')
    mandatory = {k: DocumentType.mandatory_types(k)
        for k in ['supplier', 'buyer', 'both']}
    optional = [t for t in types.values() if not t.mandatory]
    Document.save([d for m in members
            for d in build_documents(
                m, mandatory, optional, sizes, rng, today)])
    password_hash = WebUser.hash_password(sizes.password)
    users = [u for i, m in enumerate(members, start)
        for u in build_users(m, i, sizes, rng, password_hash)]
    # SQLite checks the unique e-mail with one OR clause per user
    for chunk in grouped_slice(users, 50):
        WebUser.save(list(chunk))
    _progress(_interleave(members))
    return {'created': len(members), 'members': len(members)}


def logins(database, password):
    "Return the demo logins as text, read from the database"
    pool = Pool(database)
    WebUser = pool.get('web.user')
    with Transaction().start(database, 0, readonly=True):
        users = WebUser.search([('s2b2b_roles', 'in', ['admin'])],
            order=[('id', 'ASC')], limit=6)
        portal = [f"  {u.email:<36} {u.s2b2b_member.kind:<8} "
            f"{u.s2b2b_member.state}" for u in users]
    lines = ["Back office (sao): admin / your admin password",
        *(f"  {login} / {password}" for login, *_ in OPERATORS),
        f"Portal users (password {password}), member admins:", *portal]
    return '\n'.join(lines)
