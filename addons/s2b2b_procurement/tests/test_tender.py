# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Tenders with sealed bids: sealing enforced in the model for every
caller, deadlines, opening and scoring, single and split awards, tenant
isolation and the event log."""
import datetime as dt
import json
import unittest
from contextlib import contextmanager
from decimal import Decimal as D

from trytond.model.exceptions import AccessError, SQLConstraintError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.s2b2b_catalog.tests.tools import create_listing
from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.tenant import get_record
from trytond.modules.s2b2b_platform.tests.tools import (
    create_backoffice_user, request_rollback)
from trytond.modules.s2b2b_procurement.exceptions import (
    BidChangeError, BidContentError, BidDeadlineError, BidError,
    BidIntegrityError, SealedBidError, TenderError, TenderOpeningError,
    TenderValueError)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from .tender_tools import (
    DEADLINE, GATED, OPENING, as_user, at, clear_cache, content,
    create_tender, events, make_bid, open_tender, request_of, setup,
    three_bids)


class TenderTestCase(unittest.TestCase):
    "Tenders with sealed bids"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['s2b2b_procurement'])

    @classmethod
    def tearDownClass(cls):
        drop_db()

    @contextmanager
    def company(self):
        with set_company(create_company()):
            yield

    def assert_sealed(self, bid):
        "Every way to the content of the bid is refused"
        Bid = Pool().get('s2b2b.tender.bid')
        for name in GATED:
            with self.subTest(field=name), \
                    self.assertRaises(SealedBidError):
                Bid.read([bid.id], [name])
            with self.subTest(attribute=name), \
                    self.assertRaises(SealedBidError):
                getattr(Bid(bid.id), name)
        with self.assertRaises(SealedBidError):
            Bid.read_content([Bid(bid.id)])
        with self.assertRaises(SealedBidError):
            Bid.export_data([Bid(bid.id)], ['total'])

    @with_transaction()
    def test_sealed_before_opening(self):
        "Nobody reads a submitted bid before the opening, whoever asks"
        Tender = Pool().get('s2b2b.tender')
        Bid = Pool().get('s2b2b.tender.bid')
        with self.company():
            data = setup()
            tender = create_tender(data)
            values = content(tender, ['10', '20'], 10)
            bid = make_bid(tender, data['a'], values)
            draft = make_bid(tender, data['b'],
                content(tender, ['11', '21'], 12), submit=False)
            self.assertNotIn(b'10.0000', bid.sealed)
            operator = create_backoffice_user(
                'operator', 'group_s2b2b_operator')
            with as_user(operator):
                for sealed in [bid, draft]:
                    self.assert_sealed(sealed)
                # what operators see of a sealed bid
                self.assertEqual(Bid.read([bid.id], ['seal_status', 'state',
                            'digest', 'score'])[0] | {'id': None}, {
                        'id': None, 'seal_status': 'sealed',
                        'state': 'submitted', 'digest': bid.digest,
                        'score': None})
                # no search or order by price may leak it
                with self.assertRaises(NotImplementedError):
                    Bid.search([('total', '>', 100)])
                with self.assertRaises(NotImplementedError):
                    Bid.search([], order=[('total', 'ASC')])
            # root alike
            for sealed in [bid, draft]:
                self.assert_sealed(sealed)
            # how many bid is for the buyer and operators to know
            self.assertEqual(Tender(tender.id).bid_count, 1)
            for member, count in [('buyer', 1), ('a', None), ('c', None)]:
                with request_of(data[member]):
                    self.assertEqual(Tender(tender.id).bid_count, count)
            # the buyer and another supplier do not even see the bid
            for member in ['buyer', 'c']:
                with request_of(data[member]):
                    self.assertEqual(Bid.search([]), [])
                    with self.assertRaises(RecordNotFound):
                        get_record('s2b2b.tender.bid', bid.id)
                    with self.assertRaises(AccessError):
                        Bid.read([bid.id], ['total'])
            # nor its own supplier once submitted, nor B's bid
            with request_of(data['a']):
                self.assert_sealed(bid)
                with self.assertRaises(AccessError):
                    Bid.read([draft.id], ['total'])
            # B reads its own draft
            with request_of(data['b']):
                own = get_record('s2b2b.tender.bid', draft.id)
                self.assertEqual((own.total, own.lead_time, own.carbon),
                    (D('2150.00'), 12, None))
                self.assertEqual(json.loads(own.content)['lines'][
                        str(tender.lines[0].id)]['unit_price'], '11.0000')

    @with_transaction()
    def test_supplier_sees_own_bids_only(self):
        "Suppliers see the tenders they may bid on and their own bids"
        pool = Pool()
        Tender = pool.get('s2b2b.tender')
        Bid = pool.get('s2b2b.tender.bid')
        BidLine = pool.get('s2b2b.tender.bid.line')
        with self.company():
            data = setup()
            tender = create_tender(data, suppliers='ab')
            draft_tender = create_tender(data, suppliers='ab', publish=False)
            other = create_tender(data, suppliers='c', buyer='other_buyer')
            bid_a = make_bid(tender, data['a'],
                content(tender, ['10', '20'], 10))
            bid_b = make_bid(tender, data['b'],
                content(tender, ['11', '21'], 10))
            with request_of(data['a']):
                self.assertEqual(Tender.search([]), [tender])
                self.assertEqual(Bid.search([]), [bid_a])
                with self.assertRaises(RecordNotFound):
                    get_record('s2b2b.tender', draft_tender.id)
                with self.assertRaises(RecordNotFound):
                    get_record('s2b2b.tender.bid', bid_b.id)
            # each attempt on B's bid or the buyer's tender, a request
            for attempt in [
                    lambda: Bid.write([Bid(bid_b.id)], {'state': 'withdrawn'}),
                    lambda: Bid.submit([Bid(bid_b.id)]),
                    lambda: Bid.withdraw([Bid(bid_b.id)]),
                    lambda: Bid.delete([Bid(bid_b.id)]),
                    lambda: Tender.write([Tender(tender.id)], {'title': "改"}),
                    ]:
                with self.subTest(attempt=attempt), request_of(data['a']), \
                        self.assertRaises(AccessError):
                    attempt()
            # set_content is no button: it refuses, naming nobody
            with request_of(data['a']), self.assertRaises(BidError):
                Bid.set_content([Bid(bid_b.id)],
                    content(tender, ['1', '1'], 1))
            self.assertEqual(Bid.read([bid_b.id], ['state', 'sealed']),
                [{'id': bid_b.id, 'state': 'submitted',
                        'sealed': bid_b.sealed}])
            self.assertEqual(Tender(tender.id).title, "2026 年度水泥电缆招标")
            # C is not invited: it sees another buyer's tender only
            with request_of(data['c']):
                self.assertEqual(Tender.search([]), [other])
                with self.assertRaises(BidError), request_rollback():
                    Bid.create([{'tender': tender.id,
                                'supplier': data['c'].id}])
                # nor may it bid in another supplier's name
                with self.assertRaises((AccessError, BidError)), \
                        request_rollback():
                    Bid.create([{'tender': other.id,
                                'supplier': data['a'].id}])
            self.assertEqual(Bid.search([], count=True), 2)
            open_tender(tender)
            with request_of(data['a']):
                self.assertEqual(Bid.search([]), [bid_a])
                self.assertEqual({l.bid for l in BidLine.search([])},
                    {bid_a})
                self.assertEqual(Bid(bid_a.id).total, D('2000.00'))
                with self.assertRaises(AccessError):
                    Bid.read([bid_b.id], ['total'])
            # the buyer sees the opened bids of its own tenders only
            with request_of(data['buyer']):
                self.assertEqual(set(Bid.search([])), {bid_a, bid_b})
                self.assertEqual(Bid(bid_b.id).total, D('2150.00'))
            with request_of(data['other_buyer']):
                self.assertEqual(Bid.search([]), [])
                self.assertEqual(BidLine.search([]), [])

    @with_transaction()
    def test_submit_after_deadline(self):
        "No bid is made, changed, submitted or withdrawn after the deadline"
        Bid = Pool().get('s2b2b.tender.bid')
        with self.company():
            data = setup()
            tender = create_tender(data)
            values = content(tender, ['10', '20'], 10)
            draft = make_bid(tender, data['a'], values, submit=False)
            submitted = make_bid(tender, data['b'], values)
            sealed, digest = draft.sealed, draft.digest
            late = DEADLINE + dt.timedelta(seconds=1)
            with at(late), request_of(data['a']):
                with self.assertRaises(BidDeadlineError):
                    Bid.submit([Bid(draft.id)])
                with self.assertRaises(BidDeadlineError):
                    Bid.set_content([Bid(draft.id)], values)
            with at(late), request_of(data['b']):
                with self.assertRaises(BidDeadlineError):
                    Bid.withdraw([Bid(submitted.id)])
            with at(late), request_of(data['c']):
                with self.assertRaises(BidDeadlineError), request_rollback():
                    Bid.create([{'tender': tender.id,
                                'supplier': data['c'].id}])
            draft = Bid(draft.id)
            self.assertEqual((draft.state, draft.sealed, draft.digest),
                ('draft', sealed, digest))
            self.assertEqual(Bid(submitted.id).state, 'submitted')
            self.assertEqual(Bid.search([], count=True), 2)
            self.assertEqual(len(events('tender.bid_submitted')), 1)

    @with_transaction()
    def test_change_after_submission(self):
        "A submitted bid cannot change by any way; withdrawing and "
        "bidding again before the deadline can"
        Bid = Pool().get('s2b2b.tender.bid')
        with self.company():
            data = setup()
            tender = create_tender(data)
            bid = make_bid(tender, data['a'],
                content(tender, ['10', '20'], 10))
            before = Bid.read([bid.id], ['sealed', 'digest', 'submitted_at'])
            with request_of(data['a']):
                own = Bid(bid.id)
                with self.assertRaises(BidChangeError):
                    Bid.set_content([own], content(tender, ['9', '19'], 10))
                with self.assertRaises(BidChangeError):
                    Bid.submit([own])
                with self.assertRaises(BidChangeError):
                    Bid.delete([own])
            for values in [{'sealed': b'x'}, {'digest': '0' * 64},
                    {'state': 'draft'}, {'supplier': data['b'].id}]:
                with self.subTest(values=values), \
                        self.assertRaises(BidChangeError):
                    Bid.write([Bid(bid.id)], values)
            with self.assertRaises(BidChangeError):
                Bid.copy([Bid(bid.id)])
            self.assertEqual(
                Bid.read([bid.id], ['sealed', 'digest', 'submitted_at']),
                before)
            # a draft changes through set_content only
            draft = make_bid(tender, data['b'], submit=False)
            with self.assertRaises(BidChangeError):
                Bid.write([draft], {'sealed': b'x'})
            # bad content is refused, the draft keeps no content
            with request_of(data['b']):
                for values in [content(tender, ['10', '31'], 10),
                        content(tender, ['10', '20'], 0),
                        {'lines': {}, 'lead_time': 5}]:
                    with self.subTest(values=values), \
                            self.assertRaises(BidContentError):
                        Bid.set_content([Bid(draft.id)], values)
                self.assertIsNone(Bid(draft.id).sealed)
            # operators and root may not bid for a supplier
            with self.assertRaises(BidError):
                Bid.set_content([Bid(draft.id)],
                    content(tender, ['10', '20'], 10))
            # withdrawn before the deadline, the supplier bids again
            with request_of(data['a']):
                Bid.withdraw([Bid(bid.id)])
                with self.assertRaises(BidChangeError):
                    Bid.withdraw([Bid(bid.id)])
            again = make_bid(tender, data['a'],
                content(tender, ['9', '19'], 10))
            self.assertEqual(Bid(bid.id).state, 'withdrawn')
            self.assertEqual(again.state, 'submitted')
            # one live bid per supplier
            with self.assertRaises(SQLConstraintError), request_rollback():
                make_bid(tender, data['a'], submit=False)

    @with_transaction()
    def test_tender_terms(self):
        "Weights must sum to 100, opening follows the deadline, terms "
        "are fixed once published"
        pool = Pool()
        Tender = pool.get('s2b2b.tender')
        Line = pool.get('s2b2b.tender.line')
        with self.company():
            data = setup()
            for values, error in [
                    ({'weight_price': D(50)}, TenderValueError),
                    ({'opening_time': DEADLINE - dt.timedelta(hours=1)},
                        TenderValueError),
                    ({'weight_price': D(70), 'weight_carbon': D(-10)},
                        TenderValueError)]:
                with self.subTest(values=values), \
                        self.assertRaises(error), request_rollback():
                    create_tender(data, publish=False, **values)
            self.assertEqual(Tender.search([], count=True), 0)
            tender = create_tender(data, publish=False)
            with self.assertRaises(TenderValueError), request_rollback():
                Tender.write([tender], {'weight_carbon': D(20)})
            self.assertEqual(Tender(tender.id).weight_carbon, D(10))
            Tender.write([tender], {'weight_carbon': D(20),
                    'weight_price': D(50)})
            with at(DEADLINE), self.assertRaises(TenderError):
                Tender.publish([tender])
            Tender.publish([tender])
            self.assertEqual(tender.state, 'published')
            for model, record, values in [
                    (Tender, tender, {'title': "改"}),
                    (Tender, tender, {'state': 'opened'}),
                    (Tender, tender, {'deadline': OPENING}),
                    (Line, tender.lines[0], {'quantity': 1}),
                    ]:
                with self.subTest(values=values), \
                        self.assertRaises(TenderError):
                    model.write([record], values)
            with self.assertRaises(TenderError):
                Tender.delete([tender])
            self.assertEqual(Tender(tender.id).lines[0].quantity, 100)

    @with_transaction()
    def test_open_before_opening_time(self):
        "Bids are opened by operators, at or after the opening time"
        pool = Pool()
        Tender = pool.get('s2b2b.tender')
        Bid = pool.get('s2b2b.tender.bid')
        with self.company():
            data = setup()
            tender = create_tender(data)
            bid = make_bid(tender, data['a'],
                content(tender, ['10', '20'], 10))
            operator = create_backoffice_user(
                'operator', 'group_s2b2b_operator')
            with as_user(operator), \
                    at(OPENING - dt.timedelta(seconds=1)), \
                    self.assertRaises(TenderOpeningError):
                Tender.open([Tender(tender.id)])
            # the "To Open" tab
            for moment, to_open in [
                    (OPENING - dt.timedelta(seconds=1), []),
                    (OPENING, [tender])]:
                with at(moment):
                    self.assertEqual(
                        Tender.search([('to_open', '=', True)]), to_open)
                    self.assertEqual(
                        Tender.search([('to_open', '=', False)]),
                        [] if to_open else [tender])
            with request_of(data['buyer']), at(OPENING):
                with self.assertRaises(AccessButtonError):
                    Tender.open([Tender(tender.id)])
            with at(OPENING), self.assertRaises(TenderError):
                with Transaction().set_context(_s2b2b_member=data['buyer'].id):
                    Tender.open([Tender(tender.id)])
            tender = Tender(tender.id)
            self.assertEqual((tender.state, tender.opened_at),
                ('published', None))
            self.assertEqual(Bid(bid.id).lines, ())
            self.assertEqual(events('tender.opened'), [])
            with as_user(operator), at(OPENING):
                Tender.open([Tender(tender.id)])
            self.assertEqual(Tender(tender.id).state, 'opened')

    @with_transaction()
    def test_opening_scores(self):
        "Opening checks the digests, keeps the content and scores"
        pool = Pool()
        Tender = pool.get('s2b2b.tender')
        Bid = pool.get('s2b2b.tender.bid')
        with self.company():
            data = setup()
            tender = create_tender(data, suppliers='abcd')
            bids = three_bids(data, tender)
            never = make_bid(tender, data['d'],
                content(tender, ['1', '1'], 1), submit=False)
            operator = create_backoffice_user(
                'operator', 'group_s2b2b_operator')
            with as_user(operator):
                open_tender(Tender(tender.id))
            tender = Tender(tender.id)
            self.assertEqual(tender.state, 'opened')
            self.assertEqual(tender.opened_by, operator)
            # weights 60/20/10/10: see the figures in three_bids
            # A: price 100, lead 5/10, supplier 80, carbon 200/400 → 83
            # B: 2000/2100 = 95.24, 5/20, 60, no carbon → 68.14
            # C: 95.24, 100, 100, 100 → 97.14
            expected = {
                'a': (D(100), D(50), D(80), D(50), D('83.00'), 2),
                'b': (D('95.24'), D(25), D(60), D(0), D('68.14'), 3),
                'c': (D('95.24'), D(100), D(100), D(100), D('97.14'), 1),
                }
            for key, bid in bids.items():
                bid = Bid(bid.id)
                with self.subTest(bid=key):
                    self.assertEqual((bid.price_score, bid.lead_time_score,
                            bid.supplier_score, bid.carbon_score, bid.score,
                            bid.rank), expected[key])
                    self.assertEqual(bid.seal_status, 'opened')
            self.assertEqual([b.id for b in Bid.search(
                        [('tender', '=', tender.id),
                            ('state', '=', 'submitted')])],
                [bids[k].id for k in 'cab'])
            # the content is readable by everybody now, offered quantities
            with as_user(operator):
                values = Bid.read([bids[k].id for k in 'abc'],
                    ['total', 'lead_time', 'carbon'])
            self.assertEqual(sorted((v['total'], v['lead_time'], v['carbon'])
                    for v in values), [
                    (D('1740.00'), 20, None),
                    (D('2000.00'), 10, D('400')),
                    (D('2100.00'), 5, D('200')),
                    ])
            lines = Bid(bids['b'].id).lines
            self.assertEqual([(l.unit_price, l.quantity, l.amount)
                    for l in lines], [
                    (D('9.0000'), 60, D('540.00')),
                    (D('24.0000'), 50, D('1200.00'))])
            # the draft never submitted stays sealed
            self.assert_sealed(never)
            opened, = events('tender.opened')
            self.assertEqual(json.loads(opened.data)['digests'],
                {str(b.id): b.digest for b in bids.values()})

    @with_transaction()
    def test_tampered_bid(self):
        "A sealed bid altered in the database stops the opening"
        pool = Pool()
        Tender = pool.get('s2b2b.tender')
        Bid = pool.get('s2b2b.tender.bid')
        with self.company():
            data = setup()
            tender = create_tender(data)
            bid = make_bid(tender, data['a'],
                content(tender, ['10', '20'], 10))
            make_bid(tender, data['b'], content(tender, ['11', '21'], 10))
            table = Bid.__table__()
            cursor = Transaction().connection.cursor()
            original, digest = bid.sealed, bid.digest
            tampered = bytearray(original)
            tampered[-1] ^= 1
            for column, value in [(table.sealed, bytes(tampered)),
                    (table.digest, '0' * 64)]:
                cursor.execute(*table.update([column], [value],
                        where=table.id == bid.id))
                clear_cache()
                with self.subTest(column=column.name), \
                        self.assertRaises(BidIntegrityError), \
                        request_rollback():
                    open_tender(Tender(tender.id))
                cursor.execute(*table.update(
                        [table.sealed, table.digest],
                        [original, digest], where=table.id == bid.id))
                clear_cache()
                self.assertEqual(Tender(tender.id).state, 'published')
                self.assertFalse(any(b.opened_content
                        for b in Bid.search([])))
            open_tender(Tender(tender.id))
            self.assertEqual(Tender(tender.id).state, 'opened')

    @with_transaction()
    def test_award_single(self):
        "Awarding every line to one bid makes one contract"
        pool = Pool()
        Tender = pool.get('s2b2b.tender')
        Bid = pool.get('s2b2b.tender.bid')
        with self.company():
            data = setup()
            tender = create_tender(data)
            bids = three_bids(data, tender)
            with self.assertRaises(TenderError):
                Bid.award_whole([bids['c']])
            open_tender(tender)
            with self.assertRaises(TenderError):
                Tender.award([Tender(tender.id)])
            Bid.award_whole([Bid(bids['c'].id)])
            tender = Tender(tender.id)
            Tender.award([tender])
            tender = Tender(tender.id)
            self.assertEqual(tender.state, 'awarded')
            contract, = tender.contracts
            self.assertEqual((contract.buyer, contract.supplier,
                    contract.origin, contract.currency, contract.total),
                (data['buyer'], data['c'], tender, tender.currency,
                    D('2100.00')))
            self.assertEqual([(l.description, l.quantity, l.unit_price,
                        l.origin.bid, l.lead_time) for l in contract.lines], [
                    ("水泥 P.O 42.5", 100, D(12), bids['c'], 5),
                    ("铜芯电缆", 50, D(18), bids['c'], 5)])
            with self.assertRaises(TenderError):
                Bid.award_whole([Bid(bids['a'].id)])
            awarded, = events('tender.awarded')
            self.assertEqual(json.loads(awarded.data)['contracts'],
                [contract.id])

    @with_transaction()
    def test_award_split(self):
        "Lines and quantities split across bids make one contract per "
        "supplier; no line is awarded more than its quantity"
        pool = Pool()
        Tender = pool.get('s2b2b.tender')
        Award = pool.get('s2b2b.tender.award')
        with self.company():
            data = setup()
            tender = create_tender(data)
            bids = three_bids(data, tender)
            open_tender(tender)
            Tender.suggest_split([Tender(tender.id)])
            tender = Tender(tender.id)
            cement, cable = tender.lines
            # the cheapest cement is B's, for the 60 it offers; then A's
            self.assertEqual(sorted((a.line.description, a.bid.supplier.id,
                        a.quantity, a.unit_price) for a in tender.awards), [
                    ("水泥 P.O 42.5", data['a'].id, 40, D(10)),
                    ("水泥 P.O 42.5", data['b'].id, 60, D(9)),
                    ("铜芯电缆", data['c'].id, 50, D(18)),
                    ])
            from_a, = [a for a in tender.awards if a.bid == bids['a']]
            from_b, = [a for a in tender.awards if a.bid == bids['b']]
            for award, quantity in [(from_a, 41), (from_b, 61)]:
                with self.subTest(quantity=quantity), \
                        self.assertRaises(TenderValueError), \
                        request_rollback():
                    Award.write([award], {'quantity': quantity})
            with self.assertRaises(TenderValueError), request_rollback():
                Award.create([{'tender': tender.id, 'line': cable.id,
                            'bid': bids['a'].id, 'quantity': 1}])
            Award.write([from_a], {'quantity': 30})
            Tender.award([Tender(tender.id)])
            contracts = {c.supplier.id: c for c in Tender(tender.id).contracts}
            self.assertEqual({s: [(l.quantity, l.unit_price) for l in c.lines]
                    for s, c in contracts.items()}, {
                    data['a'].id: [(30, D(10))],
                    data['b'].id: [(60, D(9))],
                    data['c'].id: [(50, D(18))],
                    })
            self.assertEqual(contracts[data['b'].id].total, D('540.00'))
            with self.assertRaises(TenderError):
                Award.write([from_a], {'quantity': 40})

    @with_transaction()
    def test_category_scope(self):
        "Every approved supplier with a published listing in the category "
        "at publication is invited, and no other"
        pool = Pool()
        Tender = pool.get('s2b2b.tender')
        Bid = pool.get('s2b2b.tender.bid')
        Member = pool.get('s2b2b.member')
        with self.company():
            data = setup()
            catalog = data['catalog']
            create_listing(data['a'], catalog.cement)
            create_listing(data['b'], catalog.cement, state='draft')
            create_listing(data['c'], catalog.cable)
            create_listing(data['d'], catalog.cement, name="水泥乙")
            tender = create_tender(data, suppliers='', scope='category',
                category=catalog.building.id, publish=False)
            Member.write([data['d']], {'reason': "资质过期"})
            Member.suspend([data['d']])
            Tender.publish([tender])
            self.assertEqual([i.supplier for i in tender.invitations],
                [data['a']])
            with request_of(data['c']), \
                    self.assertRaises(BidError), request_rollback():
                Bid.create([{'tender': tender.id, 'supplier': data['c'].id}])
            make_bid(tender, data['a'], content(tender, ['10', '20'], 10))
            published, = events('tender.published')
            self.assertEqual(json.loads(published.data)['suppliers'],
                [data['a'].id])

    @with_transaction()
    def test_cancel(self):
        "Cancelling needs a reason; its bids stay sealed"
        Tender = Pool().get('s2b2b.tender')
        with self.company():
            data = setup()
            tender = create_tender(data)
            bid = make_bid(tender, data['a'],
                content(tender, ['10', '20'], 10))
            with self.assertRaises(TenderError):
                Tender.cancel([tender])
            Tender.write([tender], {'cancel_reason': "预算取消"})
            Tender.cancel([tender])
            self.assertEqual(tender.state, 'cancelled')
            self.assert_sealed(bid)
            cancelled, = events('tender.cancelled')
            self.assertEqual(json.loads(cancelled.data)['reason'], "预算取消")

    @with_transaction()
    def test_event_log(self):
        "Every bid, withdrawal, opening and award is logged, no price"
        Bid = Pool().get('s2b2b.tender.bid')
        with self.company():
            data = setup()
            tender = create_tender(data)
            bids = three_bids(data, tender)
            with request_of(data['a']):
                Bid.withdraw([Bid(bids['a'].id)])
            open_tender(tender)
            Bid.award_whole([Bid(bids['c'].id)])
            Pool().get('s2b2b.tender').award([tender])
            submitted = events('tender.bid_submitted')
            self.assertEqual([(e.member, e.resource) for e in submitted],
                [(data[k], bids[k]) for k in 'abc'])
            for event in submitted:
                self.assertEqual(json.loads(event.data)['digest'],
                    event.resource.digest)
            withdrawn, = events('tender.bid_withdrawn')
            self.assertEqual(withdrawn.resource, bids['a'])
            opened, = events('tender.opened')
            self.assertEqual(set(json.loads(opened.data)['digests']),
                {str(bids[k].id) for k in 'bc'})
            awarded, = events('tender.awarded')
            self.assertEqual({a['supplier'] for a in
                    json.loads(awarded.data)['awards']}, {data['c'].id})
            # no sealed price reached the log before the opening
            for event in submitted + [withdrawn]:
                self.assertNotIn('unit_price', event.data)
                self.assertNotIn('12.0000', event.data)
