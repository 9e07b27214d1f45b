# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Catalog set-up shared by module, portal, API and browser tests"
from decimal import Decimal
from types import SimpleNamespace

from trytond.pool import Pool
from trytond.transaction import Transaction

CEMENT_GRADES = "42.5:P.O 42.5\n52.5:P.O 52.5"


def create_catalog():
    """A small category tree with specification sets:
    建材 Building Materials > 水泥 Cement (grade: selection, bag weight
    in kg: integer), 电气 Electrical > 电缆 Cable (voltage in V: integer,
    copper: boolean)"""
    pool = Pool()
    Category = pool.get('product.category')
    Attribute = pool.get('product.attribute')
    AttributeSet = pool.get('product.attribute.set')
    grade, weight, voltage, copper = Attribute.create([
            {'name': 'grade', 'string': "强度等级", 'type_': 'selection',
                'selection': CEMENT_GRADES, 's2b2b_facet': True},
            {'name': 'bag_weight', 'string': "袋重", 'type_': 'integer',
                's2b2b_unit': 'kg'},
            {'name': 'voltage', 'string': "电压", 'type_': 'integer',
                's2b2b_unit': 'V', 's2b2b_facet': True},
            {'name': 'copper', 'string': "铜芯", 'type_': 'boolean'},
            ])
    cement_set, cable_set = AttributeSet.create([
            {'name': "水泥规格", 'attributes': [('add', [grade.id, weight.id])]},
            {'name': "电缆规格",
                'attributes': [('add', [voltage.id, copper.id])]},
            ])
    building, electrical = Category.create([
            {'name': "Building Materials", 's2b2b_listed': True},
            {'name': "Electrical", 's2b2b_listed': True},
            ])
    cement, cable = Category.create([
            {'name': "Cement", 'parent': building.id, 's2b2b_listed': True,
                's2b2b_attribute_set': cement_set.id},
            {'name': "Cable", 'parent': electrical.id, 's2b2b_listed': True,
                's2b2b_attribute_set': cable_set.id},
            ])
    _chinese({building: "建材", electrical: "电气", cement: "水泥",
            cable: "电缆"})
    return SimpleNamespace(building=building, electrical=electrical,
        cement=cement, cable=cable)


def _chinese(names):
    "Chinese names, kept when zh_CN is a translatable language"
    Category = Pool().get('product.category')
    with Transaction().set_context(language='zh_CN'):
        for category, name in names.items():
            Category.write([Category(category.id)], {'name': name})


def create_listing(supplier, category, name="普通硅酸盐水泥", name_en=None,
        tiers=((1, '500'), (10, '450')), state='published', **values):
    """A listing of the supplier with price tiers, taken through the
    workflow to the state (draft, submitted, published, rejected,
    delisted)"""
    Listing = Pool().get('s2b2b.listing')
    values.setdefault('available_quantity', 100)
    listing, = Listing.create([{
                'supplier': supplier.id,
                'name': name,
                'name_en': name_en,
                'category': category.id,
                'price_tiers': [('create', [
                            {'quantity': q, 'unit_price': Decimal(p)}
                            for q, p in tiers])],
                **values,
                }])
    steps = {
        'draft': [],
        'submitted': ['submit'],
        'published': ['submit', 'publish'],
        'rejected': ['submit', 'reject'],
        'delisted': ['submit', 'publish', 'delist'],
        }[state]
    for step in steps:
        if step == 'reject':
            Listing.write([listing], {'reject_reason': "照片不清晰"})
        getattr(Listing, step)([listing])
    return listing
