# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Catalog demo data: a platform category tree with specifications and a
few hundred bilingual listings of the demo suppliers."""
import datetime as dt
import random
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction

# attribute name: (Chinese label, type, unit, selection keys)
ATTRIBUTES = {
    'grade': ("强度等级", 'selection', '', ['32.5', '42.5', '52.5']),
    'bag_weight': ("袋重", 'integer', 'kg', None),
    'diameter': ("直径", 'integer', 'mm', None),
    'steel_grade': ("牌号", 'selection', '', ['HRB400', 'HRB500', 'Q235']),
    'voltage': ("电压", 'integer', 'V', None),
    'cores': ("芯数", 'integer', '', None),
    'copper': ("铜芯", 'boolean', '', None),
    'material': ("材质", 'selection', '', ['304', '316', '碳钢']),
    'thread': ("螺纹规格", 'selection', '', ['M6', 'M8', 'M10', 'M12']),
    'power': ("功率", 'float', 'kW', None),
    'capacity': ("容量", 'integer', 'L', None),
    'purity': ("纯度", 'float', '%', None),
    }
# top category (zh, en) → sub-categories (zh, en, attributes, products)
# products: (zh, en, brands, unit price range, spec maker)
CATALOG = [
    (("建材", "Building Materials"), [
        ("水泥", "Cement", ['grade', 'bag_weight'], [
            ("普通硅酸盐水泥", "Ordinary Portland Cement",
                ["海螺", "华新", "中国建材"], (380, 520),
                lambda r: {'grade': r.choice(['32.5', '42.5', '52.5']),
                    'bag_weight': r.choice([25, 50])}),
            ("复合硅酸盐水泥", "Composite Portland Cement",
                ["冀东", "华润"], (350, 460),
                lambda r: {'grade': r.choice(['32.5', '42.5']),
                    'bag_weight': 50}),
            ]),
        ("钢筋", "Rebar", ['diameter', 'steel_grade'], [
            ("螺纹钢筋", "Deformed Steel Rebar", ["沙钢", "宝武", "鞍钢"],
                (3600, 4300),
                lambda r: {'diameter': r.choice([12, 16, 20, 25]),
                    'steel_grade': r.choice(['HRB400', 'HRB500'])}),
            ("热轧圆钢", "Hot-rolled Round Bar", ["马钢", "河钢"],
                (3800, 4500),
                lambda r: {'diameter': r.choice([10, 14, 18]),
                    'steel_grade': 'Q235'}),
            ]),
        ]),
    (("电气", "Electrical"), [
        ("电缆", "Cable", ['voltage', 'cores', 'copper'], [
            ("铜芯电力电缆", "Copper Power Cable", ["远东", "宝胜", "亨通"],
                (45, 180),
                lambda r: {'voltage': r.choice([380, 1000, 10000]),
                    'cores': r.choice([3, 4, 5]), 'copper': True}),
            ("铝合金电缆", "Aluminium Alloy Cable", ["远东", "中天"],
                (25, 90),
                lambda r: {'voltage': r.choice([380, 1000]),
                    'cores': r.choice([3, 4]), 'copper': False}),
            ]),
        ("电机", "Electric Motor", ['voltage', 'power'], [
            ("三相异步电动机", "Three-phase Induction Motor",
                ["卧龙", "大中", "西门子"], (1200, 9800),
                lambda r: {'voltage': 380,
                    'power': r.choice([1.5, 5.5, 11.0, 22.0])}),
            ]),
        ]),
    (("五金", "Hardware"), [
        ("紧固件", "Fasteners", ['material', 'thread'], [
            ("不锈钢六角螺栓", "Stainless Steel Hex Bolt",
                ["晋亿", "东明"], (0.35, 2.8),
                lambda r: {'material': r.choice(['304', '316']),
                    'thread': r.choice(['M6', 'M8', 'M10', 'M12'])}),
            ("碳钢法兰螺母", "Carbon Steel Flange Nut", ["晋亿", "奥展"],
                (0.12, 0.9),
                lambda r: {'material': '碳钢',
                    'thread': r.choice(['M6', 'M8', 'M10'])}),
            ]),
        ]),
    (("化工", "Chemicals"), [
        ("工业溶剂", "Industrial Solvents", ['purity', 'capacity'], [
            ("工业乙醇", "Industrial Ethanol", ["中粮", "吉林燃料"],
                (6800, 8200),
                lambda r: {'purity': r.choice([95.0, 99.5]),
                    'capacity': 200}),
            ("异丙醇", "Isopropyl Alcohol", ["锦州石化", "山东海科"],
                (7900, 9600),
                lambda r: {'purity': 99.9, 'capacity': 160}),
            ]),
        ]),
    (("办公用品", "Office Supplies"), [
        ("打印纸", "Printing Paper", [], [
            ("A4复印纸 70克", "A4 Copy Paper 70 gsm", ["得力", "晨光"],
                (18, 32), lambda r: {}),
            ]),
        ]),
    ]
PROVINCES = ['JS', 'ZJ', 'GD', 'SD', 'HB', 'SC', 'HE', 'AH', 'FJ', 'SH']
CITIES = {'JS': "苏州", 'ZJ': "宁波", 'GD': "佛山", 'SD': "临沂",
    'HB': "武汉", 'SC': "成都", 'HE': "唐山", 'AH': "芜湖", 'FJ': "泉州",
    'SH': "上海"}
SERVICES = [('installation', "上门安装"), ('customisation', "按图定制"),
    ('support', "7×24 技术支持")]


def setup_attributes():
    Attribute = Pool().get('product.attribute')
    existing = {a.name: a for a in Attribute.search(
            [('name', 'in', list(ATTRIBUTES))])}
    new = [Attribute(name=name, string=label, type_=type_,
            s2b2b_unit=unit or None, s2b2b_facet=keys is not None,
            selection='\n'.join(f'{k}:{k}' for k in keys) if keys else None)
        for name, (label, type_, unit, keys) in ATTRIBUTES.items()
        if name not in existing]
    Attribute.save(new)
    existing.update({a.name: a for a in new})
    return existing


def setup_categories(attributes):
    "The category tree; returns [(category, products)] of the leaves"
    pool = Pool()
    Category = pool.get('product.category')
    AttributeSet = pool.get('product.attribute.set')
    leaves = []
    for (top_zh, top_en), subs in CATALOG:
        top = Category(name=top_en, s2b2b_listed=True)
        top.save()
        _translate(top, top_zh)
        for zh, en, names, products in subs:
            attribute_set = AttributeSet(name=f"{zh}规格",
                attributes=[attributes[n] for n in names])
            attribute_set.save()
            leaf = Category(name=en, parent=top, s2b2b_listed=True,
                s2b2b_attribute_set=attribute_set)
            leaf.save()
            _translate(leaf, zh)
            leaves.append((leaf, products))
    return leaves


def _translate(category, name):
    Category = Pool().get('product.category')
    with Transaction().set_context(language='zh_CN'):
        Category.write([Category(category.id)], {'name': name})


def build_listings(suppliers, leaves, count, rng, unit, currency):
    Listing = Pool().get('s2b2b.listing')
    Tier = Pool().get('s2b2b.listing.price_tier')
    Service = Pool().get('s2b2b.listing.service')
    today = dt.date.today()
    for index in range(count):
        category, products = leaves[index % len(leaves)]
        zh, en, brands, (low, high), specs = rng.choice(products)
        brand = rng.choice(brands)
        price = Decimal(str(round(rng.uniform(low, high), 2)))
        province = rng.choice(PROVINCES)
        quantity = rng.choice([0, 5, 40, 200, 1000, 5000])
        yield Listing(
            supplier=suppliers[index % len(suppliers)],
            reference=f'DEMO-{index:04d}',
            name=f"{brand} {zh}", name_en=f"{en} ({brand})",
            description=f"{brand}{zh}，厂家直供，质量稳定。",
            category=category, brand=brand,
            model=f"{brand[:1]}-{rng.randint(100, 999)}",
            specs=specs(rng), uom=unit, currency=currency,
            price_tiers=[Tier(quantity=q, unit_price=(price * f).quantize(
                            Decimal('0.01')))
                for q, f in [(1, 1), (50, Decimal('0.95')),
                    (500, Decimal('0.9'))][:rng.randint(1, 3)]],
            moq=rng.choice([1, 1, 5, 10]), order_multiple=1,
            lead_time=rng.choice([2, 3, 5, 7, 10, 15, 30, 45]),
            province=province, city=CITIES[province],
            available_quantity=quantity,
            low_stock_threshold=rng.choice([0, 10, 50]),
            carbon_footprint=Decimal(str(round(rng.uniform(0.1, 900), 3))),
            carbon_source="供应商自行申报 / self-declared",
            valid_from=today - dt.timedelta(days=30),
            services=[Service(kind=k, description=d)
                for k, d in rng.sample(SERVICES, rng.randint(0, 2))])


def load(count=300, seed=8):
    """Load the catalog demo once: categories, specifications and listings
    of the approved suppliers, in every workflow state, and some buyer
    favourites so that recommendations have a history"""
    pool = Pool()
    Listing = pool.get('s2b2b.listing')
    Member = pool.get('s2b2b.member')
    Company = pool.get('company.company')
    ModelData = pool.get('ir.model.data')
    if Listing.search([], count=True):
        return {'listings': Listing.search([], count=True), 'created': 0}
    rng = random.Random(seed)
    suppliers = Member.search([('is_supplier', '=', True),
            ('state', '=', 'approved')], order=[('id', 'ASC')])
    if not suppliers:
        return {'listings': 0, 'created': 0}
    company, = Company.search([], limit=1)
    unit = ModelData.get_id('product', 'uom_unit')
    leaves = setup_categories(setup_attributes())
    listings = list(build_listings(
            suppliers, leaves, count, rng, unit, company.currency))
    Listing.save(listings)
    _workflow(listings)
    _favourites(listings, rng)
    return {'listings': len(listings), 'created': len(listings)}


def _workflow(listings):
    "Most listings published; a few waiting for review, rejected or draft"
    Listing = Pool().get('s2b2b.listing')
    draft = listings[::23]
    rest = [l for l in listings if l not in draft]
    Listing.submit(rest)
    rejected = rest[::31]
    waiting = rest[1::29]
    published = [l for l in rest if l not in rejected and l not in waiting]
    Listing.publish(published)
    Listing.write(rejected, {'reject_reason': "图片不清晰，请补充产品照片。"})
    Listing.reject(rejected)


def _favourites(listings, rng):
    pool = Pool()
    Favourite = pool.get('s2b2b.listing.favourite')
    Member = pool.get('s2b2b.member')
    buyers = Member.search([('is_buyer', '=', True),
            ('state', '=', 'approved')], order=[('id', 'ASC')])
    published = [l for l in listings if l.state == 'published']
    favourites = [Favourite(member=b, listing=l) for b in buyers
        for l in rng.sample(published, min(6, len(published)))
        if l.supplier != b]
    Favourite.save(favourites)
    Favourite._count(list({f.listing.id for f in favourites}))
