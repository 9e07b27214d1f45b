# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Order flow set-up shared by the order tests"
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.currency.tests import create_currency
from trytond.modules.s2b2b_catalog.listing import invalidate
from trytond.modules.s2b2b_catalog.tests.tools import (
    create_catalog, create_listing)
from trytond.modules.s2b2b_platform.tenant import as_member
from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member)
from trytond.modules.s2b2b_procurement import accounting
from trytond.pool import Pool
from trytond.transaction import Transaction


@contextmanager
def platform():
    "The CNY platform company with its accounting, in the context"
    company = create_company(
        "S2B2B Platform", currency=create_currency('CNY'))
    with set_company(company):
        accounting.setup_company(company)
        yield company


def members():
    "Two suppliers and two buyers with their portal users and addresses"
    pool = Pool()
    WebUser = pool.get('web.user')
    create_document_types()
    data = SimpleNamespace(
        supplier_a=create_member("供应商甲", 11, kind='supplier', users=2),
        supplier_b=create_member("供应商乙", 12, kind='supplier', users=2),
        buyer=create_member("采购方甲", 21, kind='buyer', users=3),
        buyer_b=create_member("采购方乙", 22, kind='buyer', users=2),
        catalog=create_catalog())
    for member in [data.supplier_a, data.supplier_b, data.buyer,
            data.buyer_b]:
        address(member.party)
    users = {}
    for name in ['supplier_a', 'supplier_b', 'buyer', 'buyer_b']:
        member = getattr(data, name)
        users[name] = WebUser.search(
            [('s2b2b_member', '=', member.id)], order=[('id', 'ASC')])
    # user 0 is the member's admin; the others get the working roles
    WebUser.write(users['buyer'][1:2], {'s2b2b_roles': ['purchaser']})
    WebUser.write(users['buyer'][2:3], {'s2b2b_roles': ['approver']})
    WebUser.write(users['buyer_b'][1:2], {'s2b2b_roles': ['purchaser']})
    data.purchaser = users['buyer'][1]
    data.approver = users['buyer'][2]
    data.purchaser_b = users['buyer_b'][1]
    data.sales_a = users['supplier_a'][1]
    data.sales_b = users['supplier_b'][1]
    return data


def address(party):
    Address = Pool().get('party.address')
    addresses = list(party.addresses) or Address.create(
        [{'party': party.id}])
    Address.write(addresses, {
            'street': "人民路 1 号", 'city': "苏州", 'postal_code': '215000'})


def listing(supplier, category, available=100, tiers=((10, '500'),
            (100, '450')), **values):
    "A published listing of cement, MOQ 10 by 5"
    values.setdefault('moq', 10)
    values.setdefault('order_multiple', 5)
    values.setdefault('lead_time', 3)
    return create_listing(supplier, category, tiers=tiers,
        available_quantity=available, **values)


def drain_queue():
    """Run the queued tasks as the dispatcher does after a request (last
    pushed first), until none is left"""
    Queue = Pool().get('ir.queue')
    tasks = Transaction().tasks
    while tasks:
        Queue(tasks.pop()).run()


def amount(value):
    return Decimal(value).quantize(Decimal('0.01'))


def order(data, lines, user=None, **kwargs):
    "Place an order of the buyer as its purchaser, in the portal"
    Sale = Pool().get('sale.sale')
    user = user or data.purchaser
    with as_member(user.s2b2b_member.id):
        return Sale.s2b2b_order(user.s2b2b_member, lines,
            requested_by=user, **kwargs)


def purchases_of(sale):
    return sorted(sale.s2b2b_purchases, key=lambda p: p.id)


def account_balance(company, kind):
    "Credit less debit of the company's accounts of a kind (revenue...)"
    pool = Pool()
    Line = pool.get('account.move.line')
    lines = Line.search([
            ('account.company', '=', company.id),
            (f'account.type.{kind}', '=', True),
            ('move.state', '=', 'posted'),
            ])
    return sum((l.credit - l.debit for l in lines), Decimal(0))


def confirm(data, purchases, user=None):
    "The supplier confirms its orders in the portal; the queue runs"
    Purchase = Pool().get('purchase.purchase')
    for purchase in purchases:
        by = user or {data.supplier_a: data.sales_a,
            data.supplier_b: data.sales_b}[purchase.s2b2b_supplier]
        with as_member(by.s2b2b_member.id):
            Purchase.s2b2b_confirm([purchase], by)
    drain_queue()


def ship(data, shipments, quantities=None):
    "The suppliers ship in full (or the quantities); the queue runs"
    Shipment = Pool().get('stock.shipment.drop')
    for shipment in shipments:
        user = {data.supplier_a: data.sales_a,
            data.supplier_b: data.sales_b}[shipment.s2b2b_supplier]
        with as_member(user.s2b2b_member.id):
            Shipment.s2b2b_ship([shipment], user, "顺丰速运", "SF0001",
                quantities)
    drain_queue()


def receive(data, shipments, user=None):
    "The buyer confirms receipt; the queue posts the invoices"
    Shipment = Pool().get('stock.shipment.drop')
    user = user or data.purchaser
    with as_member(user.s2b2b_member.id):
        Shipment.s2b2b_receive(shipments, user)
    drain_queue()


def signed_contract(buyer, supplier, listing, quantity, unit_price,
        currency, listings=True):
    """A spot contract of the listing, its products made as when it is
    prepared, marked signed as if its three signatures were made (signing
    itself is tested in test_contract); listings=False adds a line that is
    not a catalog listing, as awarded from an RFQ (30 days' lead time)"""
    Contract = Pool().get('s2b2b.contract')
    lines = [{'description': listing.rec_name, 'listing': listing,
            'quantity': quantity, 'uom': listing.uom,
            'unit_price': Decimal(unit_price)}]
    if not listings:
        lines.append({'description': "吊车 Crane hire", 'quantity': 1,
                'uom': listing.uom, 'unit_price': Decimal(1000),
                'lead_time': 30})
    contract, = Contract.create_from_award([{'buyer': buyer,
                'supplier': supplier, 'currency': currency,
                'lines': lines}])
    Contract.make_products([contract])
    return mark_signed(contract)


def mark_signed(contract):
    "The contract marked signed as if its three signatures were made"
    Contract = Pool().get('s2b2b.contract')
    table = Contract.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update([table.state], ['signed'],
            where=table.id == contract.id))
    invalidate(Contract, [contract.id])
    return Contract(contract.id)
