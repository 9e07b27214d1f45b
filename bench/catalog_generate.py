#!/usr/bin/env python3
"""Generate a large published catalog for the search benchmark.

Creates (or recreates) the PostgreSQL database ``bench_catalog`` with
``s2b2b_catalog`` and its dependencies, a CNY company, ~300 platform
categories in a 3-level tree (Chinese name in the base column, English
name kept for the search document), attribute sets with facet
attributes, ~2000 approved supplier members (through the ORM) and then
``--count`` published listings with 1-3 price tiers each, bulk-loaded
with COPY.

The listings' ``search_text`` is exactly what ``Listing.build_search_text``
stores: ``searchtext.document(name, name_en, brand, model, reference,
category_text, spec_values, province, city, supplier_name)``.  The
document is built from cached tokens of each whitespace-separated chunk
(``document`` joins its texts with spaces and splits on whitespace before
tokenizing, so chunk by chunk is the same result; the script checks this
against ``searchtext.document`` on a sample).  ``search_title`` is
``build_search_title``'s text, ``search_vector`` the same expression as
``listing.update_search_vectors``.

Differences from listings made through the ORM, on purpose:
- ``product`` stays NULL (published listings normally get a
  ``product.product`` on publish; search never reads it);
- ``category_text`` is "<Chinese path> <English path>", what
  ``category_documents`` gives when the categories carry an English
  translation;
- no media, services, price-change history or events.

Usage::

    .venv/bin/python bench/catalog_generate.py [--count 1000000]
        [--suppliers 2000] [--db bench_catalog] [--seed 42]
    .venv/bin/python bench/catalog_generate.py --revector   # vectors only
"""
import argparse
import datetime as dt
import io
import json
import logging
import os
import random
import sys
import time
from decimal import Decimal
from functools import lru_cache

os.environ.setdefault(
    'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')
logging.basicConfig(level=logging.WARNING)
logging.getLogger('trytond').setLevel(logging.ERROR)

from trytond import backend  # noqa: E402
from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

from trytond.modules.s2b2b_catalog import regions, searchtext  # noqa: E402

DEFAULT_DB = 'bench_catalog'
MODULES = ['s2b2b_catalog']

# Top category: (zh, en, brands, materials [(zh, en)], specs (zh-model
# patterns), attribute set [(name, string, type, selection keys)],
# mids [(zh, en, [leaf (zh, en)])])
TREE = [
    ("紧固件", "Fasteners",
        ["东明", "晋亿", "宏达", "Fastenal", "Würth", "固特"],
        [("304不锈钢", "Stainless steel 304"), ("316不锈钢", "Stainless steel 316"),
            ("碳钢", "Carbon steel"), ("镀锌", "Galvanized"),
            ("8.8级高强度", "Grade 8.8 high-strength")],
        ["M{a}×{b}", "M{a}×{b} DIN933", "M{a} GB/T 5783"],
        [("thread", "螺纹规格", ['M6', 'M8', 'M10', 'M12', 'M16'])],
        [("螺栓", "Bolts", [("六角螺栓", "hex bolt"), ("法兰螺栓", "flange bolt"),
                ("马车螺栓", "carriage bolt"), ("地脚螺栓", "anchor bolt"),
                ("U型螺栓", "U-bolt"), ("双头螺栓", "stud bolt")]),
         ("螺母", "Nuts", [("六角螺母", "hex nut"), ("法兰螺母", "flange nut"),
                ("锁紧螺母", "lock nut"), ("盖形螺母", "cap nut"),
                ("蝶形螺母", "wing nut")]),
         ("螺钉", "Screws", [("内六角螺钉", "socket head cap screw"),
                ("自攻螺钉", "self-tapping screw"), ("沉头螺钉", "countersunk screw"),
                ("木螺钉", "wood screw"), ("机丝螺钉", "machine screw")]),
         ("垫圈", "Washers", [("平垫圈", "flat washer"), ("弹簧垫圈", "spring washer"),
                ("止动垫圈", "lock washer"), ("密封垫圈", "sealing washer"),
                ("方垫圈", "square washer")]),
         ("锚栓", "Anchors", [("膨胀螺栓", "expansion anchor"),
                ("化学锚栓", "chemical anchor"), ("尼龙胀塞", "nylon plug"),
                ("重型锚栓", "heavy duty anchor"), ("抽芯铆钉", "blind rivet")])]),
    ("建筑材料", "Building Materials",
        ["海螺", "华新", "金隅", "中建材", "冀东", "东方雨虹", "Lafarge"],
        [("普通", "Ordinary"), ("高标号", "High grade"), ("防水", "Waterproof"),
            ("快硬", "Rapid hardening"), ("低碱", "Low alkali")],
        ["P.O {g}", "P.C {g} 50kg", "{g}R 散装"],
        [("grade", "强度等级", ['32.5', '42.5', '52.5'])],
        [("水泥", "Cement", [("硅酸盐水泥", "Portland cement"),
                ("复合硅酸盐水泥", "composite Portland cement"),
                ("白水泥", "white cement"), ("矿渣水泥", "slag cement"),
                ("砌筑水泥", "masonry cement")]),
         ("钢材", "Steel", [("螺纹钢", "rebar"), ("热轧盘圆", "hot-rolled wire rod"),
                ("工字钢", "I-beam"), ("角钢", "angle steel"), ("槽钢", "channel steel"),
                ("镀锌钢管", "galvanized steel pipe")]),
         ("砂石骨料", "Aggregates", [("机制砂", "manufactured sand"),
                ("河砂", "river sand"), ("碎石", "crushed stone"),
                ("石粉", "stone powder"), ("陶粒", "ceramsite")]),
         ("防水材料", "Waterproofing", [("防水卷材", "waterproof membrane"),
                ("防水涂料", "waterproof coating"), ("止水带", "waterstop"),
                ("密封胶", "sealant"), ("堵漏王", "plugging compound")]),
         ("墙体材料", "Wall Materials", [("加气混凝土砌块", "AAC block"),
                ("石膏板", "gypsum board"), ("轻钢龙骨", "light steel keel"),
                ("水泥砖", "cement brick"), ("硅酸钙板", "calcium silicate board")])]),
    ("电线电缆", "Wires and Cables",
        ["远东", "宝胜", "起帆", "熊猫", "亨通", "Prysmian"],
        [("铜芯", "Copper core"), ("铝芯", "Aluminium core"),
            ("阻燃", "Flame retardant"), ("耐火", "Fire resistant"),
            ("低烟无卤", "Low smoke zero halogen")],
        ["YJV {c}×{s}", "BV {s}mm²", "RVV {c}×{s}", "ZR-YJV 0.6/1kV {c}×{s}"],
        [("voltage", "电压", ['450', '750', '1000', '10000']),
            ("cores", "芯数", ['1', '2', '3', '4', '5'])],
        [("电力电缆", "Power Cables", [("电力电缆", "power cable"),
                ("交联电缆", "XLPE cable"), ("铠装电缆", "armoured cable"),
                ("中压电缆", "medium voltage cable"), ("架空绝缘电缆", "aerial cable")]),
         ("布电线", "Building Wires", [("单芯硬线", "solid building wire"),
                ("多股软线", "stranded flexible wire"), ("护套线", "sheathed wire"),
                ("双绞线", "twisted pair wire"), ("接地线", "earth wire")]),
         ("控制电缆", "Control Cables", [("控制电缆", "control cable"),
                ("屏蔽电缆", "shielded cable"), ("信号电缆", "signal cable"),
                ("拖链电缆", "drag chain cable"), ("补偿导线", "compensation cable")]),
         ("通信线缆", "Data Cables", [("网线", "network cable"),
                ("光缆", "optical fibre cable"), ("同轴电缆", "coaxial cable"),
                ("电话线", "telephone cable"), ("光纤跳线", "fibre patch cord")]),
         ("电缆附件", "Cable Accessories", [("电缆终端头", "cable termination"),
                ("电缆接头", "cable joint"), ("接线端子", "cable lug"),
                ("电缆桥架", "cable tray"), ("热缩管", "heat shrink tube")])]),
    ("电气设备", "Electrical Equipment",
        ["正泰", "德力西", "施耐德", "ABB", "西门子", "公牛"],
        [("家用", "Household"), ("工业", "Industrial"), ("防爆", "Explosion-proof"),
            ("智能", "Smart"), ("户外", "Outdoor")],
        ["{p}P {a}A", "DZ47-63 {p}P C{a}", "NXB-{a} {p}P"],
        [("poles", "极数", ['1', '2', '3', '4']),
            ("current", "额定电流", ['16', '32', '63', '100'])],
        [("低压电器", "Low Voltage", [("空气开关", "miniature circuit breaker"),
                ("漏电保护器", "residual current breaker"), ("交流接触器", "AC contactor"),
                ("热继电器", "thermal relay"), ("塑壳断路器", "moulded case breaker")]),
         ("配电箱柜", "Distribution", [("配电箱", "distribution box"),
                ("开关柜", "switchgear"), ("电表箱", "meter box"),
                ("控制柜", "control cabinet"), ("防水接线盒", "waterproof junction box")]),
         ("照明", "Lighting", [("LED灯管", "LED tube"), ("投光灯", "floodlight"),
                ("路灯", "street light"), ("应急灯", "emergency light"),
                ("防爆灯", "explosion-proof light")]),
         ("开关插座", "Switches and Sockets", [("墙壁开关", "wall switch"),
                ("五孔插座", "five-hole socket"), ("工业插座", "industrial socket"),
                ("插线板", "power strip"), ("地插", "floor socket")]),
         ("电机", "Motors", [("三相异步电动机", "three-phase induction motor"),
                ("减速电机", "gear motor"), ("变频电机", "variable frequency motor"),
                ("步进电机", "stepper motor"), ("伺服电机", "servo motor")])]),
    ("管道阀门", "Pipes and Valves",
        ["联塑", "伟星", "日丰", "永高", "方正阀门", "苏盐"],
        [("PPR", "PPR"), ("PVC", "PVC"), ("不锈钢", "Stainless steel"),
            ("球墨铸铁", "Ductile iron"), ("黄铜", "Brass")],
        ["DN{d} PN{p}", "dn{d}×{t}", "DN{d} 1.6MPa"],
        [("nominal", "公称通径", ['DN15', 'DN20', 'DN25', 'DN50', 'DN100']),
            ("pressure", "公称压力", ['PN10', 'PN16', 'PN25'])],
        [("管材", "Pipes", [("给水管", "water supply pipe"), ("排水管", "drain pipe"),
                ("燃气管", "gas pipe"), ("无缝钢管", "seamless steel pipe"),
                ("波纹管", "corrugated pipe")]),
         ("管件", "Fittings", [("弯头", "elbow"), ("三通", "tee"), ("法兰", "flange"),
                ("异径管", "reducer"), ("管箍", "coupling")]),
         ("阀门", "Valves", [("闸阀", "gate valve"), ("球阀", "ball valve"),
                ("蝶阀", "butterfly valve"), ("止回阀", "check valve"),
                ("截止阀", "globe valve"), ("减压阀", "pressure reducing valve")]),
         ("水泵", "Pumps", [("离心泵", "centrifugal pump"), ("潜水泵", "submersible pump"),
                ("管道泵", "inline pump"), ("消防泵", "fire pump"),
                ("隔膜泵", "diaphragm pump")]),
         ("卫浴洁具", "Sanitary Ware", [("水龙头", "faucet"), ("地漏", "floor drain"),
                ("角阀", "angle valve"), ("花洒", "shower set"),
                ("坐便器", "toilet")])]),
    ("五金工具", "Hardware and Tools",
        ["世达", "史丹利", "博世", "得力", "长城精工", "Makita"],
        [("专业级", "Professional"), ("重型", "Heavy duty"), ("工业级", "Industrial grade"),
            ("绝缘", "Insulated"), ("铬钒钢", "Chrome vanadium")],
        ["{s}mm", "{s}英寸", "{v}V 锂电"],
        [("power", "功率", ['500', '800', '1200', '2000'])],
        [("手动工具", "Hand Tools", [("扳手", "wrench"), ("螺丝刀", "screwdriver"),
                ("钳子", "pliers"), ("锤子", "hammer"), ("卷尺", "tape measure"),
                ("套筒", "socket set")]),
         ("电动工具", "Power Tools", [("电钻", "electric drill"),
                ("冲击钻", "impact drill"), ("角磨机", "angle grinder"),
                ("电锤", "rotary hammer"), ("切割机", "cut-off saw")]),
         ("气动工具", "Pneumatic Tools", [("气动扳手", "pneumatic wrench"),
                ("气钉枪", "nail gun"), ("喷枪", "spray gun"),
                ("空压机", "air compressor"), ("气管", "air hose")]),
         ("焊接设备", "Welding", [("电焊机", "welding machine"), ("焊条", "welding rod"),
                ("焊丝", "welding wire"), ("焊枪", "welding torch"),
                ("焊帽", "welding helmet")]),
         ("测量工具", "Measuring", [("游标卡尺", "vernier caliper"),
                ("千分尺", "micrometer"), ("水平仪", "spirit level"),
                ("测距仪", "laser distance meter"), ("万用表", "multimeter")])]),
    ("劳保安防", "Safety and PPE",
        ["3M", "霍尼韦尔", "代尔塔", "际华", "安全第一", "Ansell"],
        [("防静电", "Anti-static"), ("防砸", "Anti-smash"), ("耐磨", "Wear resistant"),
            ("阻燃", "Flame retardant"), ("反光", "Reflective")],
        ["{z}码", "GB 2811 {z}", "EN388 {z}"],
        [("size", "尺码", ['S', 'M', 'L', 'XL', 'XXL'])],
        [("头部防护", "Head Protection", [("安全帽", "safety helmet"),
                ("防护面罩", "face shield"), ("安全帽内衬", "helmet liner"),
                ("防寒帽", "winter hat"), ("头灯", "headlamp")]),
         ("手部防护", "Hand Protection", [("劳保手套", "work gloves"),
                ("丁腈手套", "nitrile gloves"), ("防割手套", "cut resistant gloves"),
                ("绝缘手套", "insulating gloves"), ("电焊手套", "welding gloves")]),
         ("足部防护", "Foot Protection", [("劳保鞋", "safety shoes"),
                ("绝缘鞋", "insulating shoes"), ("雨靴", "rain boots"),
                ("防滑鞋套", "anti-slip overshoes"), ("安全靴", "safety boots")]),
         ("呼吸防护", "Respiratory", [("防尘口罩", "dust mask"),
                ("防毒面具", "gas mask"), ("滤毒盒", "filter cartridge"),
                ("N95口罩", "N95 respirator"), ("送风呼吸器", "powered respirator")]),
         ("坠落防护", "Fall Protection", [("安全带", "safety harness"),
                ("安全绳", "safety rope"), ("防坠器", "fall arrester"),
                ("安全网", "safety net"), ("反光背心", "reflective vest")])]),
    ("化工涂料", "Chemicals and Coatings",
        ["立邦", "三棵树", "多乐士", "嘉宝莉", "巴德士", "BASF"],
        [("水性", "Water-based"), ("油性", "Solvent-based"), ("环保", "Eco"),
            ("耐候", "Weather resistant"), ("工业", "Industrial")],
        ["{k}kg/桶", "{k}L", "{k}kg 铁桶"],
        [("colour", "颜色", ['white', 'grey', 'red', 'blue', 'black'])],
        [("建筑涂料", "Architectural Paint", [("乳胶漆", "latex paint"),
                ("外墙涂料", "exterior wall paint"), ("真石漆", "stone texture paint"),
                ("腻子粉", "wall putty"), ("底漆", "primer")]),
         ("工业涂料", "Industrial Coatings", [("防锈漆", "anti-rust paint"),
                ("环氧地坪漆", "epoxy floor paint"), ("防火涂料", "fireproof coating"),
                ("醇酸漆", "alkyd paint"), ("氟碳漆", "fluorocarbon paint")]),
         ("胶粘剂", "Adhesives", [("结构胶", "structural adhesive"),
                ("玻璃胶", "silicone sealant"), ("AB胶", "epoxy glue"),
                ("瓷砖胶", "tile adhesive"), ("发泡胶", "expanding foam")]),
         ("润滑油脂", "Lubricants", [("液压油", "hydraulic oil"),
                ("齿轮油", "gear oil"), ("润滑脂", "grease"),
                ("导轨油", "slideway oil"), ("切削液", "cutting fluid")]),
         ("清洗剂", "Cleaners", [("除锈剂", "rust remover"),
                ("脱脂剂", "degreaser"), ("工业酒精", "industrial alcohol"),
                ("除胶剂", "adhesive remover"), ("清洗剂", "cleaning agent")])]),
    ]
# --- database -----------------------------------------------------------

def database_exists(name):
    return name in backend.Database().list()


def drop_database(name):
    Pool.stop(name)
    backend.Database(name).close()
    database = backend.Database()
    connection = database.get_connection(autocommit=True)
    try:
        database.drop(connection, name)
    finally:
        database.put_connection(connection)
        database.close()


def create_database(name):
    "Create the database and activate s2b2b_catalog with its dependencies"
    database = backend.Database()
    connection = database.get_connection(autocommit=True)
    try:
        database.create(connection, name)
    finally:
        database.put_connection(connection)
        database.close()
    backend.Database(name).init()
    Pool(name).init(update=['res', 'ir'], lang=['en'])
    pool = Pool(name)
    with Transaction().start(name, 0) as transaction:
        Module = pool.get('ir.module')
        Module.update_list()
        Module.activate(Module.search([('name', 'in', MODULES)]))
        transaction.commit()
        ActivateUpgrade = pool.get('ir.module.activate_upgrade', type='wizard')
        session_id, _, _ = ActivateUpgrade.create()
        transaction.commit()
        ActivateUpgrade(session_id).transition_upgrade()
        ActivateUpgrade.delete(session_id)


# --- reference data through the ORM --------------------------------------

def create_company():
    pool = Pool()
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    User = pool.get('res.user')
    currency, = Currency.create([{
                'name': 'Chinese Yuan Renminbi', 'code': 'CNY',
                'symbol': '¥', 'rounding': Decimal('0.01'), 'digits': 2}])
    party, = Party.create([{'name': "S2B2B 平台 Bench Company"}])
    company, = Company.create([{'party': party.id, 'currency': currency.id}])
    User.write(User.search([('login', '=', 'admin')]), {
            'companies': [('add', [company.id])], 'company': company.id})
    return company


def create_categories():
    """3-level tree: top > group > leaf ("<group> · <variant>" for a few);
    return [(leaf id, top index, zh path, en path, leaf (zh, en))]"""
    pool = Pool()
    Category = pool.get('product.category')
    Attribute = pool.get('product.attribute')
    AttributeSet = pool.get('product.attribute.set')
    leaves = []
    for index, (zh, en, _, _, _, attrs, mids) in enumerate(TREE):
        attributes = Attribute.create([{
                    'name': f'{name}_{index}', 'string': string,
                    'type_': 'selection', 's2b2b_facet': True,
                    'selection': '\n'.join(f'{k}:{k}' for k in keys),
                    } for name, string, keys in attrs])
        aset, = AttributeSet.create([{'name': f"{zh}规格",
                    'attributes': [('add', [a.id for a in attributes])]}])
        top, = Category.create([{'name': zh, 's2b2b_listed': True,
                    's2b2b_attribute_set': aset.id}])
        for mzh, men, items in mids:
            mid, = Category.create([{'name': mzh, 'parent': top.id,
                        's2b2b_listed': True}])
            values = [{'name': izh, 'parent': mid.id, 's2b2b_listed': True}
                for izh, _ in items]
            for item, category in zip(items, Category.create(values)):
                leaves.append((category.id, index,
                        f"{zh} / {mzh} / {item[0]}", f"{en} / {men} / {item[1]}",
                        item))
    return leaves


def create_suppliers(count, rng):
    "Approved supplier members with their parties, standings mixed"
    pool = Pool()
    Party = pool.get('party.party')
    Member = pool.get('s2b2b.member')
    cities = ["苏州", "无锡", "宁波", "温州", "佛山", "东莞", "临沂", "邯郸",
        "成都", "武汉", "天津", "青岛", "义乌", "永年", "唐山", "常州"]
    trades = ["五金", "建材", "电气", "线缆", "机电", "管业", "化工", "劳保",
        "紧固件", "工贸", "实业", "科技"]
    names = [f"{rng.choice(cities)}{rng.choice('华宏恒鑫瑞达金盛永兴')}"
        f"{rng.choice('泰丰源安顺通和利')}{rng.choice(trades)}有限公司 {i}"
        for i in range(count)]
    parties = Party.create([{'name': n} for n in names])
    members = Member.create([{'party': p.id, 'kind': 'supplier',
                'state': 'approved',
                'standing': rng.choices(
                    ['standard', 'verified', 'preferred'], [70, 22, 8])[0],
                } for p in parties])
    return [(m.id, n, m.standing) for m, n in zip(members, names)]


# --- listings -----------------------------------------------------------

@lru_cache(maxsize=300000)
def chunk_tokens(chunk):
    return tuple(searchtext.tokens(chunk))


def fast_tokens(*texts):
    """searchtext.tokens of the texts joined by spaces, chunk by chunk
    through the cache (duplicates kept: the document removes them)"""
    text = ' '.join(t for t in texts if t).lower()
    tokens = []
    for chunk in searchtext.SPLIT.split(text):
        if chunk:
            tokens.extend(chunk_tokens(chunk))
    return tuple(tokens)


@lru_cache(maxsize=100000)
def name_tokens(name):
    return ' '.join(searchtext.tokens(name))


def fast_title(name, name_en, brand, model):
    text = ' '.join(filter(None, [name, name_en, brand, model]))
    return f'{text} {name_tokens(name)}'.lower()[:500]


def spec_model(pattern, rng):
    return pattern.format(
        a=rng.choice([6, 8, 10, 12, 16, 20]), b=rng.choice([20, 30, 40, 50, 80]),
        g=rng.choice(['32.5', '42.5', '52.5']), c=rng.choice([2, 3, 4, 5]),
        s=rng.choice([1.5, 2.5, 4, 6, 10, 16, 25, 35, 50, 70, 95, 120]),
        p=rng.choice([1, 2, 3, 4]), d=rng.choice([15, 20, 25, 32, 50, 80, 100]),
        t=rng.choice([2.3, 2.8, 3.4, 4.2]), v=rng.choice([12, 18, 20]),
        z=rng.choice([38, 40, 42, 'L', 'XL']), k=rng.choice([1, 5, 18, 20, 25]))


VARIANTS_PER_LEAF = 40
PRICE_BASES = [0.05, 0.3, 1.2, 8, 25, 60, 180, 450, 1200, 5000]
LEAD_TIMES = [1, 2, 3, 3, 5, 7, 7, 10, 15, 20, 30, 45]
MOQS = [1, 1, 1, 5, 10, 50, 100]


class Generator:
    """Listings from a few thousand product variants (name, model, brand,
    specs per leaf category) sold by the suppliers; the tokens of the
    variant and of the supplier are computed once"""

    def __init__(self, leaves, suppliers, rng, company_currency, uom):
        self.leaves = leaves
        self.suppliers = suppliers
        self.rng = rng
        self.currency = company_currency
        self.uom = uom
        self.now = dt.datetime.now()
        weights = [30 if c in {'JS', 'ZJ', 'GD', 'SD', 'HE'} else
            12 if c in {'SH', 'TJ', 'FJ', 'HA', 'HB', 'SC', 'AH', 'LN'} else 3
            for c, _, _ in regions.PROVINCES]
        codes = [c for c, _, _ in regions.PROVINCES]
        self.variants = {}
        for leaf in leaves:
            self.variants.setdefault(leaf[1], []).extend(
                self.variant(leaf) for _ in range(VARIANTS_PER_LEAF))
        # A supplier sells in 1-3 top categories and ships from one province
        self.sellers = []
        for supplier, supplier_name, standing in suppliers:
            province = rng.choices(codes, weights)[0]
            city = rng.choice(["", "", "市区", "工业园"]) or None
            tail = fast_tokens(' '.join(regions.names(province)), city,
                supplier_name)
            tops = rng.sample(range(len(TREE)), rng.choice([1, 1, 2, 3]))
            variants = sum((self.variants[t] for t in tops), [])
            self.sellers.append((supplier, standing, province, city, tail,
                    variants))

    def variant(self, leaf):
        rng = self.rng
        category, top, zh_path, en_path, (item_zh, item_en) = leaf
        _, _, brands, materials, models, attrs, _ = TREE[top]
        mat_zh, mat_en = rng.choice(materials)
        model = spec_model(rng.choice(models), rng)
        brand = rng.choice(brands)
        name = f"{mat_zh}{item_zh} {model}"
        name_en = f"{mat_en} {item_en} {model}"
        specs = {f'{a}_{top}': rng.choice(keys) for a, _, keys in attrs}
        head = fast_tokens(name, name_en, brand, model)
        tail = fast_tokens(f"{zh_path} {en_path}",
            ' '.join(str(v) for v in specs.values()))
        return (category, name, name_en, brand, model, json.dumps(specs),
            head, tail, fast_title(name, name_en, brand, model))

    def listing(self, lid):
        rng = self.rng
        random_ = rng.random
        (supplier, standing, province, city, supplier_tail,
            variants) = self.suppliers_pick()
        (category, name, name_en, brand, model, specs, head, tail,
            title) = variants[int(random_() * len(variants))]
        reference = f"SKU-{lid:07d}"
        document = ' '.join(dict.fromkeys(
                head + (reference.lower(),) + tail + supplier_tail))
        base = Decimal(PRICE_BASES[int(random_() * len(PRICE_BASES))]
            * (0.6 + random_())).quantize(Decimal('0.0001'))
        n_tiers = 1 + int(random_() * 3)
        quantities = [1, (10, 20, 50)[int(random_() * 3)],
            (100, 200, 500)[int(random_() * 3)]]
        tiers = [(quantities[i], (base * Decimal(1 - 0.07 * i)).quantize(
                    Decimal('0.0001'))) for i in range(n_tiers)]
        available = 0 if random_() < 0.15 else int(random_() * 50000) + 1
        return {
            'id': lid, 'supplier': supplier, 'reference': reference,
            'name': name, 'name_en': name_en, 'category': category,
            'brand': brand, 'model': model, 'specs': specs,
            'uom': self.uom, 'currency': self.currency,
            'price_from': tiers[0][1], 'price_lowest': tiers[-1][1],
            'tier_first_quantity': tiers[0][0],
            'tier_last_quantity': tiers[-1][0],
            'moq': MOQS[int(random_() * len(MOQS))], 'order_multiple': 1,
            'lead_time': LEAD_TIMES[int(random_() * len(LEAD_TIMES))],
            'province': province, 'city': city,
            'available_quantity': available,
            'low_stock_threshold': 10, 'low_stock_alerted': 0 < available <= 10,
            'in_stock': available > 0, 'supplier_standing': standing,
            'supplier_approved': True,
            'state': 'published',
            'published_date': self.now - dt.timedelta(
                seconds=int(random_() * 3e7)),
            'favourite_count': 0 if random_() < 0.8 else int(random_() * 20),
            'search_text': document, 'search_title': title,
            }, tiers

    def suppliers_pick(self):
        return self.sellers[int(self.rng.random() * len(self.sellers))]


def copy_escape(value):
    if value is None:
        return '\\N'
    if isinstance(value, bool):
        return 't' if value else 'f'
    return str(value).replace('\\', '\\\\').replace('\t', '\\t').replace(
        '\n', '\\n').replace('\r', '\\r')


LISTING_COLUMNS = ['id', 'supplier', 'reference', 'name', 'name_en',
    'category', 'brand', 'model', 'specs', 'uom', 'currency', 'price_from',
    'price_lowest', 'tier_first_quantity', 'tier_last_quantity',
    'supplier_approved', 'moq', 'order_multiple', 'lead_time', 'province',
    'city', 'available_quantity', 'low_stock_threshold', 'low_stock_alerted',
    'in_stock', 'supplier_standing', 'state', 'published_date',
    'favourite_count', 'search_text', 'search_title',
    'create_uid', 'create_date']
TIER_COLUMNS = ['id', 'listing', 'sequence', 'quantity', 'unit_price',
    'create_uid', 'create_date']


def bulk_load(conn, generator, count, batch, first_tier_id):
    "COPY the listings and tiers in batches; return the seconds spent"
    now = generator.now
    tier_id = first_tier_id
    started = time.perf_counter()
    for start in range(generator.first_id, generator.first_id + count, batch):
        stop = min(start + batch, generator.first_id + count)
        lbuf, tbuf = io.StringIO(), io.StringIO()
        for lid in range(start, stop):
            values, tiers = generator.listing(lid)
            values['create_uid'], values['create_date'] = 0, now
            lbuf.write('\t'.join(copy_escape(values[c])
                    for c in LISTING_COLUMNS) + '\n')
            for sequence, (quantity, price) in enumerate(tiers, 1):
                tbuf.write('\t'.join(copy_escape(v) for v in [
                            tier_id, lid, sequence, quantity, price, 0,
                            now]) + '\n')
                tier_id += 1
        with conn.cursor() as cursor:
            with cursor.copy('COPY s2b2b_listing (%s) FROM STDIN'
                    % ', '.join(LISTING_COLUMNS)) as copy:
                copy.write(lbuf.getvalue())
            with cursor.copy('COPY s2b2b_listing_price_tier (%s) FROM STDIN'
                    % ', '.join(TIER_COLUMNS)) as copy:
                copy.write(tbuf.getvalue())
        conn.commit()
        done = stop - generator.first_id
        elapsed = time.perf_counter() - started
        print(f"  {done:>8} listings, {elapsed:6.1f}s "
            f"({done / elapsed:,.0f}/s)", file=sys.stderr)
    return tier_id


def check_documents(generator, sample=200):
    "The cached document and title equal the module's own on a sample"
    rng = random.Random(7)
    state = generator.rng
    generator.rng = rng
    for lid in range(sample):
        values, _ = generator.listing(lid)
        leaf = next(
            l for l in generator.leaves if l[0] == values['category'])
        supplier_name = next(
            s[1] for s in generator.suppliers if s[0] == values['supplier'])
        expected = searchtext.document(
            values['name'], values['name_en'], values['brand'],
            values['model'], values['reference'], f"{leaf[2]} {leaf[3]}",
            ' '.join(json.loads(values['specs']).values()),
            ' '.join(regions.names(values['province'])), values['city'],
            supplier_name)
        assert values['search_text'] == expected, (values, expected)
        title = (f"{' '.join(filter(None, [values['name'], values['name_en'], values['brand'], values['model']]))} "
            f"{' '.join(searchtext.tokens(values['name']))}").lower()[:500]
        assert values['search_title'] == title
    generator.rng = state


def generate(args):
    rng = random.Random(args.seed)
    started = time.perf_counter()
    if database_exists(args.db):
        if not args.listings_only:
            print(f"dropping {args.db}", file=sys.stderr)
            drop_database(args.db)
    if not database_exists(args.db):
        create_database(args.db)
        print(f"database {args.db} with {MODULES}: "
            f"{time.perf_counter() - started:.1f}s", file=sys.stderr)
        pool = Pool(args.db)
        with Transaction().start(args.db, 0) as transaction:
            create_company()
            create_categories()
            create_suppliers(args.suppliers, rng)
            transaction.commit()
    pool = Pool(args.db)
    pool.init()
    with Transaction().start(args.db, 0):
        ModelData = pool.get('ir.model.data')
        Member = pool.get('s2b2b.member')
        Category = pool.get('product.category')
        company, = pool.get('company.company').search([])
        currency = company.currency.id
        uom = ModelData.get_id('product', 'uom_unit')
        members = Member.search([('kind', '=', 'supplier'),
                ('state', '=', 'approved')], order=[('id', 'ASC')])
        suppliers = [(m.id, m.party.name, m.standing) for m in members]
        leaves = []
        for index, (zh, en, _, _, _, _, mids) in enumerate(TREE):
            top, = Category.search([('name', '=', zh), ('parent', '=', None)])
            for (mzh, men, items), mid in zip(mids, sorted(
                        top.childs, key=lambda c: c.id)):
                for item, leaf in zip(items, sorted(
                            mid.childs, key=lambda c: c.id)):
                    leaves.append((leaf.id, index, f"{zh} / {mzh} / {item[0]}",
                            f"{en} / {men} / {item[1]}", item))
    print(f"reference data: {len(leaves)} leaf categories, "
        f"{len(suppliers)} suppliers: {time.perf_counter() - started:.1f}s",
        file=sys.stderr)
    generator = Generator(leaves, suppliers, rng, currency, uom)
    check_documents(generator)
    load(args, generator)
    print(f"total: {time.perf_counter() - started:.1f}s", file=sys.stderr)


def load(args, generator):
    import psycopg
    uri = os.environ['TRYTOND_DATABASE__URI'].rstrip('/') + '/' + args.db
    with psycopg.connect(uri) as conn:
        with conn.cursor() as cursor:
            cursor.execute('SELECT COALESCE(MAX(id), 0) FROM s2b2b_listing')
            generator.first_id = cursor.fetchone()[0] + 1
            cursor.execute(
                'SELECT COALESCE(MAX(id), 0) FROM s2b2b_listing_price_tier')
            first_tier = cursor.fetchone()[0] + 1
            # Bulk load without the search indexes, rebuilt afterwards
            # (not those of constraints: primary key, unique, exclude)
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, "
                "pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid IN ('s2b2b_listing'::regclass, "
                "'s2b2b_listing_price_tier'::regclass) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conindid = i.indexrelid)")
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX {name}')
        conn.commit()
        started = time.perf_counter()
        last_tier = bulk_load(conn, generator, args.count, args.batch,
            first_tier)
        print(f"COPY: {time.perf_counter() - started:.1f}s", file=sys.stderr)
        with conn.cursor() as cursor:
            step = time.perf_counter()
            update_vectors(cursor, generator.first_id)
            print(f"search_vector: {time.perf_counter() - step:.1f}s",
                file=sys.stderr)
            for sequence, value in [
                    ('s2b2b_listing_id_seq', generator.first_id + args.count),
                    ('s2b2b_listing_price_tier_id_seq', last_tier)]:
                cursor.execute('SELECT setval(%s, %s)', (sequence, value))
            conn.commit()
            step = time.perf_counter()
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for name, definition in indexes:
                cursor.execute(definition)
                conn.commit()
            print(f"indexes ({len(indexes)}): "
                f"{time.perf_counter() - step:.1f}s", file=sys.stderr)
        conn.autocommit = True
        with conn.cursor() as cursor:
            step = time.perf_counter()
            cursor.execute('VACUUM ANALYZE s2b2b_listing')
            cursor.execute('VACUUM ANALYZE s2b2b_listing_price_tier')
            cursor.execute('ANALYZE')
            print(f"vacuum analyze: {time.perf_counter() - step:.1f}s",
                file=sys.stderr)
            cursor.execute("SELECT pg_size_pretty(pg_database_size(%s))",
                (args.db,))
            print(f"database size: {cursor.fetchone()[0]}", file=sys.stderr)


def update_vectors(cursor, first_id):
    "The module's own vector expression over the listings from first_id"
    from trytond.modules.s2b2b_catalog.listing import SEARCH_VECTOR
    cursor.execute('UPDATE s2b2b_listing AS l SET search_vector = '
        + SEARCH_VECTOR.format(t='l.') + ' WHERE l.id >= %s', (first_id,))


def revector(args):
    """Recompute every listing's vector (after a change of SEARCH_VECTOR)
    with the GIN index dropped, then rebuild it"""
    import psycopg
    uri = os.environ['TRYTOND_DATABASE__URI'].rstrip('/') + '/' + args.db
    with psycopg.connect(uri) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef("
            "'s2b2b_listing_search_vector_gin'::regclass)")
        definition, = cursor.fetchone()
        cursor.execute('DROP INDEX s2b2b_listing_search_vector_gin')
        step = time.perf_counter()
        update_vectors(cursor, 0)
        conn.commit()
        print(f"search_vector: {time.perf_counter() - step:.1f}s",
            file=sys.stderr)
        step = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(definition)
        conn.commit()
        print(f"index: {time.perf_counter() - step:.1f}s", file=sys.stderr)
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute('VACUUM ANALYZE s2b2b_listing')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--count', type=int, default=1_000_000)
    parser.add_argument('--suppliers', type=int, default=2000)
    parser.add_argument('--db', default=DEFAULT_DB)
    parser.add_argument('--seed', type=int, default=42)
    parser.add_argument('--batch', type=int, default=20000)
    parser.add_argument('--listings-only', action='store_true',
        help="keep the existing database and add --count listings")
    parser.add_argument('--revector', action='store_true',
        help="only recompute the search vectors of the existing database")
    return parser.parse_args(argv)


if __name__ == '__main__':
    arguments = parse_args()
    if arguments.revector:
        revector(arguments)
    else:
        generate(arguments)
