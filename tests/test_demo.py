# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The demo data generator: deterministic, scalable, idempotent"
import datetime as dt
import io
import unittest
from contextlib import redirect_stdout

from stdnum.cn import uscc

from trytond.modules.s2b2b_platform import demo
from trytond.modules.s2b2b_procurement.exceptions import SealedBidError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, with_transaction)
from trytond.transaction import Transaction

from common import DatabaseTestCase, committed


class DemoTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module(['s2b2b_platform', 's2b2b_portal'])

    def _snapshot(self):
        Member = Pool().get('s2b2b.member')
        return [(m.party.name, m.kind, m.company_code, m.state,
                sorted(u.email for u in m.web_users),
                sorted((d.type.code, d.number) for d in m.documents))
            for m in Member.search([], order=[('id', 'ASC')])]

    @with_transaction()
    def test_default_demo(self):
        "≥5 suppliers and ≥5 buyers with portal users, a CNY company"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        Event = pool.get('s2b2b.event')
        summary = demo.load()
        self.assertEqual(summary['created'], 13)
        company = demo.setup_company()
        self.assertEqual(company.currency.code, 'CNY')
        self.assertIn("供应链平台", company.party.name)
        self.assertIn("Supply Chain Platform", company.party.name)
        for flag in ['is_supplier', 'is_buyer']:
            members = Member.search([(flag, '=', True)])
            self.assertGreaterEqual(len(members), 5)
            self.assertTrue(all(m.web_users for m in members))
        self.assertTrue(all(uscc.is_valid(m.company_code)
                for m in Member.search([])))
        states = {m.state for m in Member.search([])}
        self.assertEqual(states,
            {'draft', 'applied', 'under_review', 'approved', 'suspended'})
        self.assertEqual(demo.load(), {'created': 0, 'members': 13})
        Event.seal()
        checked, broken = Event.verify()
        self.assertIsNone(broken)
        self.assertGreater(checked, 13)

    @with_transaction()
    def test_deterministic_and_scaled(self):
        sizes = demo.Sizes(suppliers=20, buyers=15, both=2, users=4,
            documents=3, seed=7)
        demo.load(sizes)
        first = self._snapshot()
        self.assertEqual(len(first), 37)
        self.assertTrue(all(len(users) == 4 for *_, users, _ in first))
        self.assertEqual(len({name for name, *_ in first}), 37)
        Transaction().rollback()
        demo.load(sizes)
        self.assertEqual(self._snapshot(), first)


def _load_demo():
    "The s2b2b demo command on the test database; return what it printed"
    from trytond.modules.s2b2b_platform import cli
    options = cli._parser().parse_args(['-d', DB_NAME, 'demo'])
    output = io.StringIO()
    with redirect_stdout(output):
        cli.demo(options)
    return output.getvalue()


def _counts():
    from trytond.modules.s2b2b_procurement import demo as procurement
    return procurement.counts()


class ProcurementDemoTestCase(DatabaseTestCase):
    """The demo command on a fresh database: the platform, catalog and
    procurement demos, each document of the procurement flow in its
    states; a second run creates nothing"""
    modules = ['s2b2b_portal']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.output = _load_demo()
        cls.counts = committed(_counts)
        cls.again = _load_demo()

    def setUp(self):
        transaction = Transaction().start(DB_NAME, 0, readonly=True,
            context={'language': 'en'})
        self.addCleanup(transaction.stop)

    def search(self, model, domain):
        return Pool().get(model).search(domain, order=[('id', 'ASC')])

    def states(self, model, domain=None):
        return {r.state for r in self.search(model, domain or [])}

    def test_summary(self):
        self.assertIn("Demo data of s2b2b_procurement: {'created': ",
            self.output)
        self.assertEqual(_counts(), {'requirements': 5, 'rfqs': 3,
                'quotations': 5, 'tenders': 2, 'bids': 5, 'contracts': 3,
                'orders': 9, 'alerts': 2})

    def test_buyers(self):
        "Approved buyers have approval limits, purchasers and approvers"
        buyers = self.search('s2b2b.member',
            [('kind', '=', 'buyer'), ('state', '=', 'approved')])
        self.assertGreaterEqual(len(buyers), 4)
        for buyer in buyers:
            with self.subTest(buyer=buyer.rec_name):
                self.assertGreater(buyer.approval_limit, 0)
                self.assertTrue(buyer.party.addresses[0].street)
                for role in ['purchaser', 'approver']:
                    self.assertTrue(any(u.has_role(role)
                            for u in buyer.web_users))

    def test_requirements(self):
        requirements = self.search('s2b2b.requirement', [])
        self.assertEqual({r.state for r in requirements},
            {'draft', 'waiting', 'approved', 'sourcing', 'done'})
        waiting, = [r for r in requirements if r.state == 'waiting']
        self.assertGreater(waiting.amount, waiting.buyer.approval_limit)
        approved_by = [r for r in requirements if r.approved_by]
        self.assertTrue(all(r.approved_by.has_role('approver')
                for r in approved_by))
        self.assertTrue(approved_by)
        for line in [l for r in requirements for l in r.lines]:
            self.assertTrue(line.specs and line.quantity > 0
                and line.target_price and line.needed_by, line.description)

    def test_rfqs(self):
        "A draft; one open with quotations, a revision, bargaining, messages"
        self.assertEqual(self.states('s2b2b.rfq'),
            {'draft', 'open', 'awarded'})
        rfq, = self.search('s2b2b.rfq', [('state', '=', 'open')])
        self.assertEqual(len(rfq.quotations), 3)
        self.assertEqual(max(q.revision for q in rfq.quotations), 2)
        rounds = [[(o.side, o.action) for o in l.offers]
            for q in rfq.quotations for l in q.lines]
        self.assertIn([('buyer', 'counter'), ('supplier', 'counter')],
            rounds)
        self.assertIn([('buyer', 'counter'), ('supplier', 'accept')],
            rounds)
        self.assertIn('agreed', {l.bargain_state for q in rfq.quotations
                for l in q.lines})
        messages = self.search('s2b2b.rfq.message', [('rfq', '=', rfq.id)])
        self.assertEqual({m.side for m in messages}, {'buyer', 'supplier'})
        awarded, = self.search('s2b2b.rfq', [('state', '=', 'awarded')])
        contract, = self.search('s2b2b.contract',
            [('origin', '=', str(awarded))])
        self.assertEqual(awarded.requirement.state, 'done')

    def test_tenders(self):
        "Sealed bids of a published tender; an opened one scored, awarded"
        Bid = Pool().get('s2b2b.tender.bid')
        published, = self.search('s2b2b.tender',
            [('state', '=', 'published')])
        self.assertGreater(published.opening_time, dt.datetime.now())
        bids = [b for b in published.bids if b.state == 'submitted']
        self.assertEqual(len(bids), 2)
        with self.assertRaises(SealedBidError):
            Bid.read_content(bids)
        awarded, = self.search('s2b2b.tender', [('state', '=', 'awarded')])
        self.assertTrue(awarded.opened_by)
        self.assertEqual(sorted(b.rank for b in awarded.bids), [1, 2, 3])
        self.assertTrue(all(b.score is not None for b in awarded.bids))
        contract, = awarded.contracts
        best, = [b for b in awarded.bids if b.rank == 1]
        self.assertEqual(contract.supplier, best.supplier)

    def test_contracts(self):
        "In signing by the buyer; signed by all; forward with call-offs"
        Contract = Pool().get('s2b2b.contract')
        signing, = self.search('s2b2b.contract', [('state', '=', 'signing')])
        self.assertEqual([s.role for s in signing.signatures], ['buyer'])
        self.assertEqual(signing.next_signer, 'supplier')
        signed = self.search('s2b2b.contract', [('state', '=', 'signed')])
        self.assertEqual({c.kind for c in signed}, {'spot', 'forward'})
        for contract in signed:
            with self.subTest(contract=contract.number):
                self.assertEqual([s.role for s in contract.signatures],
                    ['buyer', 'supplier', 'platform'])
                self.assertTrue(Contract.check_signatures(contract)['valid'])
        forward, = [c for c in signed if c.kind == 'forward']
        self.assertEqual(forward.sale_blanket_agreement.state, 'running')
        self.assertGreaterEqual(len(forward.calloffs), 2)
        self.assertEqual({c.state for c in forward.calloffs}, {'planned'})

    def test_orders(self):
        "Orders in each state of the flow, through Tryton's documents"
        sales = self.search('sale.sale', [('s2b2b_buyer', '!=', None)])
        self.assertIn(('draft', 'waiting'),
            {(s.state, s.s2b2b_approval) for s in sales})
        purchases = [p for s in sales for p in s.s2b2b_purchases]
        self.assertTrue({'quotation', 'processing', 'cancelled'}
            <= {p.state for p in purchases})
        rejected, = [p for p in purchases if p.state == 'cancelled']
        self.assertTrue(rejected.s2b2b_reject_reason)
        shipments = [s for p in purchases for s in p.drop_shipments]
        self.assertEqual({s.state for s in shipments},
            {'waiting', 'shipped', 'done'})
        shipped = [s for s in shipments if s.state != 'waiting']
        self.assertTrue(all(s.s2b2b_carrier == "顺丰速运"
                and s.s2b2b_tracking_number for s in shipped))
        partial = [s for s in sales if {h.state for p in s.s2b2b_purchases
                for h in p.drop_shipments} == {'waiting', 'shipped'}]
        self.assertEqual(len(partial), 1)
        received = [s for s in sales if s.invoices]
        self.assertGreaterEqual(len(received), 2)
        for sale in received:
            invoices = list(sale.invoices) + [i for p in sale.s2b2b_purchases
                for i in p.invoices]
            self.assertEqual({i.state for i in invoices}, {'posted'})
        self.assertTrue(any(s.s2b2b_approved_by for s in received))

    def test_changes_returns_alerts(self):
        self.assertEqual(self.states('s2b2b.order.change'), {'requested'})
        self.assertEqual(self.states('s2b2b.order.return'),
            {'requested', 'credited'})
        credited, = self.search('s2b2b.order.return',
            [('state', '=', 'credited')])
        self.assertEqual({i.state for i in credited.return_sale.invoices},
            {'posted'})
        alerts = self.search('s2b2b.alert', [('state', '=', 'open')])
        self.assertEqual({a.kind for a in alerts},
            {'confirm_late', 'ship_late'})

    def test_events_and_queue(self):
        "The event log holds; no queued task is left behind"
        Event = Pool().get('s2b2b.event')
        checked, broken = Event.verify()
        self.assertIsNone(broken)
        self.assertTrue(Event.search([('event', '=', 'tender.opened')]))
        left = self.search('ir.queue', [('finished_at', '=', None)])
        self.assertEqual(
            [t.data['method'] for t in left
                if t.data['model'] != 's2b2b.event'], [])

    def test_second_run_creates_nothing(self):
        self.assertIn("Demo data already loaded", self.again)
        self.assertIn("Demo data of s2b2b_procurement: {'created': 0",
            self.again)
        self.assertEqual(_counts(), self.counts)
