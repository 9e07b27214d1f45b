# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Tender set-up shared by the module and the cross-module tests"
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal as D
from unittest.mock import patch

from trytond.modules.s2b2b_catalog.tests.tools import create_catalog
from trytond.modules.s2b2b_platform.tenant import as_member
from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member)
from trytond.pool import Pool
from trytond.transaction import Transaction

NOW = dt.datetime.now().replace(microsecond=0)
DEADLINE = NOW + dt.timedelta(days=2)
OPENING = NOW + dt.timedelta(days=3)
GATED = ['content', 'total', 'lead_time', 'carbon']


@contextmanager
def at(moment):
    "Run the block as if the clock of the tenders said moment"
    with patch('trytond.modules.s2b2b_procurement.tender._now',
            return_value=moment):
        yield


@contextmanager
def as_user(user):
    "Run the block as a back-office user, access checked"
    transaction = Transaction()
    with transaction.set_user(user.id), \
            transaction.set_context(_check_access=True):
        yield


def clear_cache():
    "Forget what was read: a change made in SQL, or a new request"
    for cache in Transaction().cache.values():
        cache.clear()


@contextmanager
def request_of(member):
    """A portal request of the member.  A request is a transaction of its
    own: the records another member's request read are not in its cache"""
    clear_cache()
    with as_member(member.id):
        yield
    clear_cache()


def setup():
    """Three suppliers (standings verified, standard, preferred), a
    fourth one, two buyers and the catalog"""
    pool = Pool()
    Member = pool.get('s2b2b.member')
    create_document_types()
    a, b, c, d = [create_member(f"供应商{n}", n, kind='supplier')
        for n in (1, 2, 3, 4)]
    Member.write([a], {'standing': 'verified'}, [c], {'standing': 'preferred'})
    buyer = create_member("采购方", 5, kind='buyer')
    other_buyer = create_member("另一采购方", 6, kind='buyer')
    return {'a': a, 'b': b, 'c': c, 'd': d, 'buyer': buyer,
        'other_buyer': other_buyer, 'catalog': create_catalog()}


def create_tender(data, suppliers='abc', buyer='buyer', publish=True,
        **values):
    "A tender of two lines (水泥 100, 电缆 50 with a ceiling of 30)"
    pool = Pool()
    Tender = pool.get('s2b2b.tender')
    unit = pool.get('ir.model.data').get_id('product', 'uom_unit')
    company = pool.get('company.company')(Transaction().context['company'])
    tender, = Tender.create([{
                'buyer': data[buyer].id,
                'title': "2026 年度水泥电缆招标",
                'currency': company.currency.id,
                'deadline': DEADLINE,
                'opening_time': OPENING,
                'lines': [('create', [{
                                'description': "水泥 P.O 42.5",
                                'quantity': 100, 'unit': unit,
                                }, {
                                'description': "铜芯电缆",
                                'quantity': 50, 'unit': unit,
                                'ceiling_price': D(30),
                                }])],
                'invitations': [('create', [
                            {'supplier': data[s].id} for s in suppliers])],
                **values,
                }])
    if publish:
        Tender.publish([tender])
    return tender


def content(tender, prices, lead_time, carbon=None, quantities=None):
    "A bid's content: prices, carbon and quantities in the lines' order"
    lines = tender.lines
    quantities = quantities or [l.quantity for l in lines]
    carbon = carbon or [None] * len(lines)
    return {
        'lines': {l.id: {'unit_price': p, 'quantity': q, 'carbon': c}
            for l, p, q, c in zip(lines, prices, quantities, carbon)},
        'lead_time': lead_time,
        'notes': "含税，送货到工地",
        }


def make_bid(tender, supplier, values=None, submit=True):
    "The supplier's bid, made through the portal"
    Bid = Pool().get('s2b2b.tender.bid')
    with request_of(supplier):
        bid, = Bid.create([{'tender': tender.id, 'supplier': supplier.id}])
        if values is not None:
            Bid.set_content([bid], values)
        if submit:
            Bid.submit([bid])
    return Bid(bid.id)


def three_bids(data, tender):
    """A: 10/20, lead 10, carbon 2/4 → 2000, 400 kg;
    B: 9 (60 only)/24, lead 20, no carbon → 2100 on the tendered quantities;
    C: 12/18, lead 5, carbon 1/2 → 2100, 200 kg"""
    return {
        'a': make_bid(tender, data['a'],
            content(tender, ['10', '20'], 10, carbon=['2', '4'])),
        'b': make_bid(tender, data['b'],
            content(tender, ['9', '24'], 20, quantities=[60, 50])),
        'c': make_bid(tender, data['c'],
            content(tender, ['12', '18'], 5, carbon=['1', '2'])),
        }


def open_tender(tender):
    Tender = Pool().get('s2b2b.tender')
    with at(OPENING + dt.timedelta(minutes=1)):
        Tender.open([tender])


def events(name):
    Event = Pool().get('s2b2b.event')
    return Event.search([('event', '=', name)], order=[('id', 'ASC')])
