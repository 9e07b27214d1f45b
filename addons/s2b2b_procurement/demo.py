# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Procurement demo data on the platform and catalog demo: the platform's
accounting, approval limits, requirements, RFQs with quotations and
bargaining, tenders with sealed bids, signed and forward contracts, and
orders in every state of their flow with two exception alerts.

Everything goes through the entry points the portal and the back office
use, in one transaction; the queued steps run in it as the dispatcher
runs them after a request.  The same seed gives the same data.
"""
import datetime as dt
import math
import random
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace
from unittest.mock import patch

from trytond.modules.s2b2b_platform.demo import Sizes
from trytond.modules.s2b2b_platform.tenant import as_member
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import accounting
from . import tender as tender_module

SEED = 2026
PASSWORD = Sizes.password
# The approval limits of the approved demo buyers, in id order; the first
# one approves the browser test's requirement of 200 × 480 at once
APPROVAL_LIMITS = [Decimal(100000), Decimal(50000), Decimal(30000),
    Decimal(80000)]
# A street and postal code in the city each demo member is named after
STREETS = {
    "苏州": ("工业园区星湖街 328 号", "215000"),
    "深圳": ("南山区深南大道 9988 号", "518000"),
    "杭州": ("西湖区文三路 90 号", "310000"),
    "上海": ("浦东新区张江路 665 号", "201203"),
    "广州": ("天河区天河路 385 号", "510000"),
    "无锡": ("滨湖区太湖大道 1699 号", "214000"),
    "青岛": ("市南区香港中路 8 号", "266000"),
    "武汉": ("江汉区建设大道 568 号", "430000"),
    "成都": ("高新区天府大道北段 1700 号", "610000"),
    "北京": ("海淀区中关村大街 27 号", "100080"),
    }
CARRIER = "顺丰速运"
# The tables Tryton's steps lock (configurations created on first use,
# journal periods, stock moves being assigned): locked when the demo's
# transaction starts rather than restarting it once for each
LOCK_TABLES = ['account_configuration', 's2b2b_configuration',
    'account_journal_period', 'stock_move']


def load(seed=SEED):
    """Load the procurement demo once (in the platform company's context)
    and return a summary of what it made"""
    Requirement = Pool().get('s2b2b.requirement')
    if Requirement.search([], count=True):
        return {'created': 0, **counts()}
    data = setup(random.Random(seed))
    if data is None:
        return {'created': 0, **counts()}
    # orders first: their steps take the locks (LOCK_TABLES) that a
    # demo run without them would restart for
    for step in [orders, alerts, requirements, rfqs, tenders, contracts]:
        step(data)
    drain(data)
    return {'created': sum(counts().values()), **counts()}


def counts():
    "How many records of each procurement document exist"
    pool = Pool()
    return {name: pool.get(model).search(domain, count=True)
        for name, model, domain in [
            ('requirements', 's2b2b.requirement', []),
            ('rfqs', 's2b2b.rfq', []),
            ('quotations', 's2b2b.rfq.quotation', []),
            ('tenders', 's2b2b.tender', []),
            ('bids', 's2b2b.tender.bid', []),
            ('contracts', 's2b2b.contract', []),
            ('orders', 'sale.sale', [('s2b2b_buyer', '!=', None)]),
            ('alerts', 's2b2b.alert', [('state', '=', 'open')]),
            ]}


# Set-up

def setup(rng):
    """The accounting, buyers' limits, roles and addresses; None without
    the platform demo's members"""
    pool = Pool()
    Company = pool.get('company.company')
    Member = pool.get('s2b2b.member')
    User = pool.get('res.user')
    company = Company(Transaction().context['company'])
    approved = [('state', '=', 'approved')]
    buyers = Member.search([('kind', '=', 'buyer')] + approved,
        order=[('id', 'ASC')])
    suppliers = Member.search([('kind', '=', 'supplier')] + approved,
        order=[('id', 'ASC')])
    operators = User.search([('login', '=', 'operator')])
    if len(buyers) < 4 or len(suppliers) < 5 or not operators:
        return None
    accounting.setup_company(company)
    Member.write(*[x for b, l in zip(buyers, APPROVAL_LIMITS)
            for x in ([b], {'approval_limit': l})])
    addresses(buyers + suppliers, rng)
    return SimpleNamespace(rng=rng, company=company,
        today=pool.get('ir.date').today(), now=dt.datetime.now(),
        operator=operators[0], tasks=len(Transaction().tasks),
        buyers=[buyer_users(b) for b in buyers],
        suppliers=[supplier_users(s) for s in suppliers],
        listings=stocked_listings(suppliers))


def addresses(members, rng):
    "A street address of each member (invoices, contracts, deliveries)"
    Address = Pool().get('party.address')
    filled = []
    for member in members:
        address = (member.party.addresses or [Address(party=member.party)])[0]
        city = member.party.name[:2]
        if city not in STREETS:
            city = rng.choice(sorted(STREETS))
        address.street, address.postal_code = STREETS[city]
        address.city = city
        filled.append(address)
    Address.save(filled)


def buyer_users(buyer):
    """The buyer's admin, purchaser and approver: the roles given to its
    users where the platform demo left them out"""
    WebUser = Pool().get('web.user')
    users = sorted(buyer.web_users, key=lambda u: u.id)
    admin = users[0]
    purchaser = next((u for u in users if u.has_role('purchaser')), None)
    if purchaser is None:
        purchaser = users[1]
        WebUser.set_member_roles([purchaser],
            list(purchaser.s2b2b_roles) + ['purchaser'])
    approver = next((u for u in users if u.has_role('approver')), None)
    if approver is None:
        approver = users[-1]
        WebUser.set_member_roles([approver],
            list(approver.s2b2b_roles) + ['approver'])
    return SimpleNamespace(member=buyer, admin=WebUser(admin.id),
        purchaser=WebUser(purchaser.id), approver=WebUser(approver.id))


def supplier_users(supplier):
    "The supplier's admin and a sales user (the admin if it has none)"
    users = sorted(supplier.web_users, key=lambda u: u.id)
    sales = next((u for u in users if u.has_role('sales')), users[0])
    return SimpleNamespace(member=supplier, admin=users[0], sales=sales)


def stocked_listings(suppliers):
    "{supplier id: published listings with stock at ordinary prices}"
    Listing = Pool().get('s2b2b.listing')
    found = Listing.search([
            ('supplier', 'in', [s.id for s in suppliers]),
            ('state', '=', 'published'),
            ('available_quantity', '>=', 1000),
            ], order=[('id', 'ASC')])
    listings = {s.id: [] for s in suppliers}
    for listing in found:
        if Decimal(20) <= listing.price_for(listing.moq or 1) <= 5000:
            listings[listing.supplier.id].append(listing)
    return listings


def drain(data):
    """Run the tasks the demo queued, last pushed first, as the dispatcher
    runs them after a request"""
    Queue = Pool().get('ir.queue')
    tasks = Transaction().tasks
    while len(tasks) > data.tasks:
        Queue(tasks.pop()).run()


@contextmanager
def member_request(user):
    "A portal request of the user's member"
    with as_member(user.s2b2b_member.id):
        yield


def in_days(data, days, hours=0):
    return data.now + dt.timedelta(days=days, hours=hours)


def unit():
    return Pool().get('ir.model.data').get_id('product', 'uom_unit')


def categories():
    "{English name: leaf category} of the catalog demo"
    Category = Pool().get('product.category')
    with Transaction().set_context(language='en'):
        return {c.name: c for c in Category.search([
                    ('s2b2b_listed', '=', True), ('parent', '!=', None)])}


# Requirements

def requirement_lines(data, lines):
    """Requirement or RFQ line values of (category, description, specs,
    quantity, target price, days until needed)"""
    cats = categories()
    return [{
            'category': cats[c].id if c in cats else None,
            'description': description, 'specs': specs,
            'quantity': quantity, 'uom': unit(),
            'target_price': Decimal(price) if price else None,
            'needed_by': data.today + dt.timedelta(days=days),
            } for c, description, specs, quantity, price, days in lines]


REQUIREMENTS = [
    # buyer, title, description, lines, what happens
    (2, "办公楼装修电缆采购 Office refit cables",
        "三楼办公区重新布线 Rewiring of the third-floor offices", [
            ('Cable', "铜芯电力电缆 Copper power cable",
                {'voltage': 380, 'cores': 3, 'copper': True}, 800, '52', 20),
            ], 'draft'),
    (1, "二季度厂房扩建水泥钢筋 Q2 plant extension: cement and rebar",
        "二期厂房基础工程 Foundations of the phase 2 building", [
            ('Cement', "普通硅酸盐水泥 P.O 42.5 Portland cement",
                {'grade': '42.5', 'bag_weight': 50}, 100, '450', 25),
            ('Rebar', "螺纹钢筋 HRB400 Deformed rebar",
                {'diameter': 16, 'steel_grade': 'HRB400'}, 20, '3900', 30),
            ], 'submit'),
    (1, "车间照明电缆更换 Workshop cable replacement",
        "老化线路整改，需提供检测报告 Old wiring replaced; test reports "
        "required", [
            ('Cable', "铜芯电力电缆 Copper power cable 1 kV",
                {'voltage': 1000, 'cores': 4, 'copper': True}, 1200, '60', 21),
            ('Electric Motor', "三相异步电动机 Three-phase motor 5.5 kW",
                {'voltage': 380, 'power': 5.5}, 4, '2600', 21),
            ], 'approve'),
    (3, "生产线电机更换 Production line motor replacement",
        "包装线 3 号、5 号工位 Stations 3 and 5 of the packing line", [
            ('Electric Motor', "三相异步电动机 Three-phase motor 11 kW",
                {'voltage': 380, 'power': 11.0}, 6, '5200', 40),
            ], 'submit'),
    (3, "冷库项目不锈钢紧固件 Stainless fasteners for the cold store",
        "冷库钢结构安装 Steel structure of the cold store", [
            ('Fasteners', "不锈钢六角螺栓 M10 Stainless hex bolt",
                {'material': '316', 'thread': 'M10'}, 20000, '1.2', 15),
            ('Fasteners', "碳钢法兰螺母 M10 Flange nut",
                {'material': '碳钢', 'thread': 'M10'}, 20000, '0.4', 15),
            ], 'submit'),
    ]


def requirements(data):
    "Requirements in draft, waiting for approval, approved and sourced"
    pool = Pool()
    Requirement = pool.get('s2b2b.requirement')
    made = Requirement.create([{
                'buyer': data.buyers[b].member.id, 'title': title,
                'description': description,
                'delivery_address': data.buyers[b].member.party
                .addresses[0].full_address,
                'needed_by': data.today + dt.timedelta(days=45),
                'lines': [('create', requirement_lines(data, lines))],
                } for b, title, description, lines, _ in REQUIREMENTS])
    for (b, *_, step), requirement in zip(REQUIREMENTS, made):
        buyer = data.buyers[b]
        if step != 'draft':
            Requirement.submit([requirement], buyer.purchaser)
        if step == 'approve':
            Requirement.approve_as([requirement], buyer.approver)
    data.requirements = Requirement.browse(made)


# RFQs

def rfqs(data):
    """A draft RFQ; one sent, quoted by three suppliers with a revision,
    bargaining and messages; one awarded to a supplier (its contract)"""
    pool = Pool()
    Rfq = pool.get('s2b2b.rfq')
    buyer = data.buyers[2].member
    draft, = Rfq.create([{
                'buyer': buyer.id,
                'title': "A4 复印纸年度询价 Annual A4 copy paper RFQ",
                'description': "每月送货至北京总部 Monthly delivery to the "
                "Beijing head office",
                'deadline': in_days(data, 10),
                'lines': [('create', requirement_lines(data, [
                                ('Printing Paper', "A4 复印纸 70 克 A4 copy "
                                    "paper 70 gsm", {}, 600, '24', 30)]))],
                'invitations': [('create', [{'supplier': s.member.id}
                            for s in data.suppliers[:2]])],
                }])
    sent = send(data, data.requirements[2], data.suppliers[:3], 5)
    quote_and_bargain(data, sent)
    awarded = send(data, data.requirements[4], data.suppliers[3:5], 7)
    data.rfq_contract = award(data, awarded)
    data.rfqs = [draft, sent, awarded]


def send(data, requirement, suppliers, days):
    "An RFQ of the approved requirement sent to the suppliers"
    Rfq = Pool().get('s2b2b.rfq')
    rfq = Rfq.from_requirement(requirement,
        {'deadline': in_days(data, days)})
    Rfq.write([rfq], {'invitations': [('create', [
                        {'supplier': s.member.id} for s in suppliers])]})
    Rfq.send([rfq])
    return rfq


def quotation(data, rfq, supplier, factors, lead_time, freight=None):
    "The supplier quotes each line at its target price times the factor"
    Quotation = Pool().get('s2b2b.rfq.quotation')
    lines = []
    for line, factor in zip(rfq.lines, factors):
        price = (line.target_price * Decimal(factor)).quantize(
            Decimal('0.01'))
        lines.append({'rfq_line': line.id, 'unit_price': price,
                'lead_time': lead_time,
                'breaks': [(line.quantity * 2, (price * Decimal('0.97'))
                        .quantize(Decimal('0.01')))]})
    return Quotation.submit(rfq, supplier.member, {
            'lead_time': lead_time, 'lines': lines,
            'freight': Decimal(freight) if freight else None,
            'valid_until': data.today + dt.timedelta(days=30),
            'terms': "含 13% 增值税，货到验收后 30 天付款 VAT 13% included, "
            "payment 30 days after acceptance",
            }, web_user=supplier.sales)


def quote_and_bargain(data, rfq):
    """Three quotations, the first revised; a counter-offer answered by a
    counter-offer, another accepted; a thread of messages"""
    Message = Pool().get('s2b2b.rfq.message')
    first, second, third = data.suppliers[:3]
    buyer = rfq.buyer
    quotation(data, rfq, first, ['1.08', '1.05'], 10, '800')
    revised = quotation(data, rfq, first, ['1.03', '1.02'], 8, '600')
    other = quotation(data, rfq, second, ['0.98', '1.10'], 12)
    quotation(data, rfq, third, ['1.12', '0.96'], 6, '300')
    line = revised.lines[0]
    line.make_offer(buyer, 'counter', (line.unit_price * Decimal('0.95'))
        .quantize(Decimal('0.01')), note="量大，请再让一点 A large order: "
        "a little lower, please", web_user=data.buyers[1].purchaser)
    line.make_offer(first.member, 'counter',
        (line.unit_price * Decimal('0.98')).quantize(Decimal('0.01')),
        note="铜价上涨，最多再降 2% Copper is up: 2% at most",
        web_user=first.sales)
    line = other.lines[1]
    line.make_offer(buyer, 'counter', line.rfq_line.target_price,
        web_user=data.buyers[1].purchaser)
    line.make_offer(second.member, 'accept', web_user=second.sales)
    for member, body, user in [
            (buyer, "请确认报价是否含运费及检测报告？Does the price include "
                "freight and the test reports?", data.buyers[1].purchaser),
            (first.member, "含运费至贵司仓库，随货附第三方检测报告。Freight to "
                "your warehouse included, third-party test reports come "
                "with the goods.", first.sales),
            (buyer, "好的，请保持报价有效至月底。Fine, please keep the offer "
                "valid to the end of the month.", data.buyers[1].purchaser),
            ]:
        Message.post(rfq, first.member, member, body, web_user=user)


def award(data, rfq):
    "Both suppliers quote, the cheaper agrees a price and wins every line"
    cheap, dear = data.suppliers[3:5]
    quotation(data, rfq, dear, ['1.05', '1.08'], 9, '400')
    won = quotation(data, rfq, cheap, ['0.98', '1.02'], 7, '200')
    line = won.lines[0]
    buyer = data.buyers[3]
    line.make_offer(rfq.buyer, 'counter', (line.rfq_line.target_price
            * Decimal('0.95')).quantize(Decimal('0.01')),
        web_user=buyer.purchaser)
    line.make_offer(cheap.member, 'accept', web_user=cheap.sales)
    contract, = rfq.award({l.rfq_line: l for l in won.lines}, rfq.buyer)
    return contract


# Tenders

@contextmanager
def tender_clock(moment):
    """Tender steps as if done at moment: the demo's opened tender was
    published and bid on days ago, so that it may be opened now"""
    with patch.object(tender_module, '_now', lambda: moment):
        yield


def tenders(data):
    """One published with sealed bids (opening to come); one published
    and bid on days ago, opened now by the operator, scored, awarded"""
    published = tender(data, data.buyers[0], data.suppliers[1:4],
        "2026 年度 A4 复印纸集中采购招标 Central purchase of A4 copy paper "
        "2026", [("A4 复印纸 70 克，500 张/包 A4 copy paper 70 gsm, 500 "
                "sheets", 3000, '28')], 3)
    for supplier, prices, lead_time in [
            (data.suppliers[1], ['24.5'], 5),
            (data.suppliers[2], ['23.8'], 7)]:
        bid(published, supplier, prices, lead_time)
    start = in_days(data, -10)
    with tender_clock(start):
        opened = tender(data, data.buyers[1], data.suppliers[:3],
            "厂区配电改造电缆与电机招标 Plant power retrofit: cables and "
            "motors", [
                ("铜芯电力电缆 YJV 4×25 Copper power cable", 3000, '120'),
                ("三相异步电动机 11 kW Three-phase motor", 4, '9000')], 7)
    for days, (supplier, prices, lead_time) in enumerate([
            (data.suppliers[0], ['96', '7600'], 15),
            (data.suppliers[1], ['99', '7200'], 10),
            (data.suppliers[2], ['91', '8100'], 20)], 1):
        with tender_clock(start + dt.timedelta(days=days)):
            bid(opened, supplier, prices, lead_time)
    data.tender_contract = open_and_award(data, opened)
    data.tenders = [published, opened]


def tender(data, buyer, suppliers, title, lines, days):
    "A tender of the buyer published to the suppliers, deadline in days"
    Tender = Pool().get('s2b2b.tender')
    now = tender_module._now()
    with member_request(buyer.purchaser):
        tender, = Tender.create([{
                    'buyer': buyer.member.id, 'title': title,
                    'description': "请按招标文件要求报价，含税含运费。Bids "
                    "include VAT and freight, as the tender documents say.",
                    'currency': data.company.currency.id,
                    'deadline': now + dt.timedelta(days=days),
                    'opening_time': now + dt.timedelta(days=days, hours=2),
                    'lines': [('create', [{
                                    'description': description,
                                    'quantity': quantity, 'unit': unit(),
                                    'ceiling_price': Decimal(ceiling),
                                    } for description, quantity, ceiling
                                in lines])],
                    'invitations': [('create', [
                                {'supplier': s.member.id}
                                for s in suppliers])],
                    }])
        Tender.publish([tender])
    return Tender(tender.id)


def bid(tender, supplier, prices, lead_time):
    "The supplier's sealed bid, submitted through the portal"
    Bid = Pool().get('s2b2b.tender.bid')
    lines = tender.lines
    with member_request(supplier.sales):
        bid, = Bid.create([{'tender': tender.id,
                    'supplier': supplier.member.id}])
        Bid.set_content([bid], {
                'lines': {l.id: {'unit_price': p, 'quantity': l.quantity,
                        'carbon': None} for l, p in zip(lines, prices)},
                'lead_time': lead_time,
                'notes': "含税，送货到厂 VAT included, delivered to the plant",
                })
        Bid.submit([bid])
    return Bid(bid.id)


def open_and_award(data, tender):
    "The operator opens the bids; the buyer awards the best ranked one"
    pool = Pool()
    Tender = pool.get('s2b2b.tender')
    Bid = pool.get('s2b2b.tender.bid')
    with Transaction().set_user(data.operator.id):
        Tender.open([Tender(tender.id)])
    best, = Bid.search([('tender', '=', tender.id), ('rank', '=', 1)],
        limit=1)
    buyer = data.buyers[1]
    with member_request(buyer.purchaser):
        Bid.award_whole([Bid(best.id)])
        Tender.award([Tender(tender.id)])
    contract, = Tender(tender.id).contracts
    return contract


# Contracts

TERMS = {
    'delivery_terms': "送货至买方指定仓库（DAP），卸货由买方负责 Delivered "
    "at the buyer's warehouse (DAP), unloaded by the buyer",
    'payment_terms': "验收合格后 30 天内电汇付款 Bank transfer within 30 "
    "days of acceptance",
    }


def contracts(data):
    """The RFQ's contract signed by the buyer only; the tender's signed by
    buyer, supplier and platform; a forward contract with call-offs"""
    pool = Pool()
    Contract = pool.get('s2b2b.contract')
    forward = forward_contract(data, data.buyers[0], data.suppliers[0])
    rfq, tender = data.rfq_contract, data.tender_contract
    for contract in [rfq, tender, forward]:
        buyer = contract.buyer
        contract.delivery_address = buyer.party.addresses[0]
        for name, value in TERMS.items():
            setattr(contract, name, value)
    Contract.save([rfq, tender, forward])
    Contract.prepare([rfq, tender, forward])
    sign(data, rfq, ['buyer'])
    sign(data, tender, ['buyer', 'supplier', 'platform'])
    sign(data, forward, ['buyer', 'supplier', 'platform'])
    data.contracts = Contract.browse([rfq, tender, forward])


def forward_contract(data, buyer, supplier):
    """A half-year agreement on two of the supplier's listings, called
    off monthly"""
    pool = Pool()
    Contract = pool.get('s2b2b.contract')
    CallOff = pool.get('s2b2b.contract.calloff')
    listings = data.listings[supplier.member.id][:2]
    contract, = Contract.create_from_award([{
                'buyer': buyer.member, 'supplier': supplier.member,
                'currency': data.company.currency, 'kind': 'forward',
                'lines': [{
                        'description': l.name, 'listing': l,
                        'quantity': 6 * 100, 'uom': l.uom,
                        'unit_price': l.price_for(600),
                        } for l in listings],
                }])
    contract.period_start = data.today
    contract.period_end = data.today + dt.timedelta(days=180)
    contract.calloffs = [CallOff(line=line, quantity=100,
            date=data.today + dt.timedelta(days=30 * month))
        for line in contract.lines for month in range(1, 7)]
    contract.save()
    return contract


def sign(data, contract, roles):
    "Sign for the roles in turn: the members' admins and the operator"
    Contract = Pool().get('s2b2b.contract')
    WebUser = Pool().get('web.user')
    for role in roles:
        if role == 'platform':
            signer = data.operator
        else:
            member = getattr(Contract(contract.id), role)
            signer, = WebUser.search([('s2b2b_member', '=', member.id),
                    ('s2b2b_roles', 'in', ['admin'])],
                order=[('id', 'ASC')], limit=1)
        Contract.sign(Contract(contract.id), role, signer, PASSWORD)


# Orders

def order_line(data, supplier, amount):
    """A line of one of the supplier's listings for about amount, within
    its stock"""
    listings = list(data.listings[supplier.member.id])
    data.rng.shuffle(listings)
    for listing in listings:
        price = listing.price_for(listing.moq or 1)
        quantity = max(math.ceil(Decimal(amount) / price), listing.moq or 1)
        # enough to ship and return in parts, within the stock
        if 20 <= quantity <= listing.available_quantity / 2:
            return {'listing': listing.id, 'quantity': quantity}
    raise ValueError(f"no listing of {supplier.member.rec_name} for {amount}")


def place(data, buyer, lines, reference):
    "The buyer's purchaser orders in the portal; the queue processes it"
    Sale = Pool().get('sale.sale')
    with member_request(buyer.purchaser):
        sale = Sale.s2b2b_order(buyer.member, lines,
            requested_by=buyer.purchaser, reference=reference)
    drain(data)
    return Sale(sale.id)


def purchases(sale):
    return sorted(sale.s2b2b_purchases, key=lambda p: p.id)


def supplier_of(data, document):
    "The demo supplier of a purchase or drop shipment"
    return next(s for s in data.suppliers
        if s.member == document.s2b2b_supplier)


def confirm(data, sale):
    "Each supplier confirms its share of the order"
    Purchase = Pool().get('purchase.purchase')
    for purchase in purchases(sale):
        user = supplier_of(data, purchase).sales
        with member_request(user):
            Purchase.s2b2b_confirm([purchase], user)
    drain(data)
    return Pool().get('sale.sale')(sale.id)


def ship(data, sale, part=None):
    """The suppliers ship by courier: everything, or part of the first
    move (the rest waits in a shipment of its own)"""
    Shipment = Pool().get('stock.shipment.drop')
    shipments = [s for p in purchases(sale) for s in p.drop_shipments
        if s.state == 'waiting']
    for shipment in shipments:
        user = supplier_of(data, shipment).sales
        move = shipment.supplier_moves[0]
        quantities = {move.id: part} if part else None
        tracking = f"SF{data.rng.randrange(10**11, 10**12)}"
        with member_request(user):
            Shipment.s2b2b_ship([shipment], user, CARRIER, tracking,
                quantities)
    drain(data)
    return shipments


def receive(data, buyer, shipments):
    "The buyer confirms the receipt; the queue posts both invoices"
    Shipment = Pool().get('stock.shipment.drop')
    with member_request(buyer.purchaser):
        Shipment.s2b2b_receive(Shipment.browse(shipments), buyer.purchaser)
    drain(data)


def orders(data):
    "Orders in each state of the flow, placed by the buyers' purchasers"
    b, s = data.buyers, data.suppliers
    line = order_line
    # first the order that takes each lock of the flow's steps: a step
    # locking a table starts the transaction again
    received = approved_and_received(data)
    approval = place(data, b[2], [line(data, s[1], 36000)], "PO-2026-0101")
    waiting = place(data, b[0], [line(data, s[2], 12000),
            line(data, s[0], 8000)], "WH-2026-0032")
    confirmed = confirm(data, place(data, b[0], [line(data, s[3], 9000)],
            "WH-2026-0035"))
    partial = confirm(data, place(data, b[3], [line(data, s[4], 20000)],
            "SZ-2026-0422"))
    shipments = ship(data, partial, part=partial.lines[0].quantity // 2)
    rejected = rejected_order(data)
    changed = change_requested(data)
    returned = returned_order(data)
    data.orders = SimpleNamespace(approval=approval, waiting=waiting,
        confirmed=confirmed, partial=partial, partial_shipments=shipments,
        received=received, rejected=rejected, changed=changed,
        returned=returned)


def approved_and_received(data):
    """Above the buyer's limit: approved by its approver, confirmed,
    shipped, received and invoiced on both sides"""
    Sale = Pool().get('sale.sale')
    buyer = data.buyers[1]
    sale = place(data, buyer, [order_line(data, data.suppliers[4], 60000)],
        "CD-2026-0077")
    with member_request(buyer.approver):
        Sale.s2b2b_approve([sale], buyer.approver)
    drain(data)
    sale = confirm(data, Sale(sale.id))
    receive(data, buyer, ship(data, sale))
    return Sale(sale.id)


def rejected_order(data):
    "The supplier cannot deliver in time and rejects with its reason"
    Purchase = Pool().get('purchase.purchase')
    supplier = data.suppliers[1]
    sale = place(data, data.buyers[0],
        [order_line(data, supplier, 7000)], "WH-2026-0036")
    with member_request(supplier.sales):
        Purchase.s2b2b_reject(purchases(sale), supplier.sales,
            "产线检修，两周内无法排产 Production line under maintenance: "
            "nothing can be made within two weeks")
    drain(data)
    return Pool().get('sale.sale')(sale.id)


def change_requested(data):
    "After confirmation the buyer asks for more, later: the supplier decides"
    Change = Pool().get('s2b2b.order.change')
    buyer = data.buyers[3]
    sale = confirm(data, place(data, buyer,
            [order_line(data, data.suppliers[0], 10000)], "SZ-2026-0425"))
    line = sale.lines[0]
    with member_request(buyer.purchaser):
        Change.request(line, buyer.purchaser,
            "项目追加一期用量，交期顺延一周 Phase 1 needs more; deliver a "
            "week later", quantity=line.quantity + 20,
            date=data.today + dt.timedelta(days=21))
    return sale


def returned_order(data):
    """Received, then part returned and credited on both sides; another
    part waits for the supplier's answer"""
    Return = Pool().get('s2b2b.order.return')
    buyer, supplier = data.buyers[1], data.suppliers[2]
    sale = confirm(data, place(data, buyer,
            [order_line(data, supplier, 9000)], "CD-2026-0081"))
    receive(data, buyer, ship(data, sale))
    line = sale.lines[0]
    with member_request(buyer.purchaser):
        credited = Return.request(line, buyer.purchaser, 5,
            "外包装破损，产品受潮 Damaged packaging, goods got wet")
        Return.request(line, buyer.purchaser, 3,
            "规格与合同不符 Not the size agreed")
    with member_request(supplier.sales):
        Return.accept([credited], supplier.sales)
    drain(data)
    with member_request(supplier.sales):
        Return.receive([Return(credited.id)], supplier.sales)
    drain(data)
    return Pool().get('sale.sale')(sale.id)


# Alerts

def alerts(data):
    """One supplier of the order waiting for confirmations is past its
    deadline and the shipment of the changed order past its promised
    date, as if they were days old: the alert check raises both"""
    pool = Pool()
    Purchase = pool.get('purchase.purchase')
    Shipment = pool.get('stock.shipment.drop')
    Alert = pool.get('s2b2b.alert')
    Purchase.write(purchases(data.orders.waiting)[:1], {
            's2b2b_confirm_due': in_days(data, -1)})
    Shipment.write([s for p in purchases(data.orders.changed)
            for s in p.drop_shipments], {
            's2b2b_promised_date': data.today - dt.timedelta(days=2)})
    Alert.check()
