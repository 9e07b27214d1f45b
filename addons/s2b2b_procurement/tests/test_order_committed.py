# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Order stories across committed transactions: alerts that survive the
failed order they come from, concurrent buyers of the last units and
processes killed in the middle of the flow."""
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import unittest

from trytond import backend
from trytond.i18n import gettext
from trytond.modules.s2b2b_platform.tests.tools import create_member
from trytond.modules.s2b2b_procurement.exceptions import (
    OrderValidationError, StockShortError)
from trytond.modules.s2b2b_procurement.tests.order_tools import (
    address, listing, members, platform)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction, TransactionError
from trytond.worker import run_task

MODULE = 's2b2b_procurement'
BUYERS = 50
STOCK = 10
ON_POSTGRESQL = backend.name == 'postgresql'

# Run in a child process: place an order and commit, then die before the
# queued processing runs; or die inside the order, after the stock update
CHILD = '''
import json, os, signal, sys
from trytond.pool import Pool
from trytond.transaction import Transaction, TransactionError
args = json.loads(sys.argv[1])
Pool.start()
pool = Pool(args['db'])
pool.init()
with Transaction().start(args['db'], 0, context=args['context']) as t:
    Sale = pool.get('sale.sale')
    if args['die_inside']:
        reserve = Sale._s2b2b_reserve.__func__
        def die_after(cls, *a):
            reserve(cls, *a)
            os.kill(os.getpid(), signal.SIGKILL)
        Sale._s2b2b_reserve = classmethod(die_after)
    Sale.s2b2b_order(args['buyer'],
        [{'listing': args['listing'], 'quantity': args['quantity']}])
    t.commit()
    os.kill(os.getpid(), signal.SIGKILL)
'''


def committed(func, user=0, context=None):
    """Run func in a transaction of its own and commit; retry with the
    locks a TransactionError asks for, as the server does"""
    extras = {}
    while True:
        with Transaction().start(DB_NAME, user, context=context,
                **extras) as transaction:
            try:
                return func()
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)


class CommittedOrderTestCase(unittest.TestCase):
    "Orders whose transactions commit or fail for real"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module([MODULE])
        committed(cls._setup, user=1)

    @classmethod
    def _setup(cls):
        with platform() as company:
            data = members()
            cls.context = {'company': company.id}
            cls.buyer = data.buyer.id
            cls.supplier = data.supplier_a.id
            cls.cement = data.catalog.cement.id
            cls.purchaser = data.purchaser.id

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def _new_listing(self, available, **values):
        def create():
            pool = Pool()
            Member = pool.get('s2b2b.member')
            Category = pool.get('product.category')
            return listing(Member(self.supplier), Category(self.cement),
                available=available, **values).id
        return committed(create, user=1, context=self.context)

    def _order(self, listing_id, quantity, buyer=None, user=None):
        def place():
            pool = Pool()
            Sale = pool.get('sale.sale')
            WebUser = pool.get('web.user')
            sale = Sale.s2b2b_order(buyer or self.buyer,
                [{'listing': listing_id, 'quantity': quantity}],
                requested_by=WebUser(user or self.purchaser))
            Transaction().tasks.clear()
            return sale.id
        return committed(place, context=self.context)

    def _alerts(self, listing_id):
        def read():
            Alert = Pool().get('s2b2b.alert')
            return [(a.kind, a.state, a.occurrences, a.member.id)
                for a in Alert.search([
                        ('resource', '=', f's2b2b.listing,{listing_id}')])]
        return committed(read)

    def test_stock_short_alert(self):
        "A failed order leaves its stock-short alert, raised once"
        listing_id = self._new_listing(5)
        for _ in range(2):
            with self.assertRaises(OrderValidationError) as context:
                self._order(listing_id, 10)
            self.assertTrue(
                self._only_stock(context.exception, listing_id, 10),
                str(context.exception))
        self.assertEqual(self._alerts(listing_id),
            [('stock_short', 'open', 2, self.supplier)])

        def told():
            Notification = Pool().get('s2b2b.notification')
            return Notification.search([
                    ('member', '=', self.supplier),
                    ('kind', '=', 'alert.stock_short'),
                    ('resource', '=', f's2b2b.listing,{listing_id}'),
                    ], count=True)
        self.assertEqual(committed(told), 1)

        def restock_and_check():
            pool = Pool()
            Listing = pool.get('s2b2b.listing')
            Alert = pool.get('s2b2b.alert')
            Listing.write([Listing(listing_id)], {'available_quantity': 50})
            Alert.check()
        committed(restock_and_check)
        self.assertEqual(self._alerts(listing_id),
            [('stock_short', 'resolved', 2, self.supplier)])

    @unittest.skipUnless(ON_POSTGRESQL, "concurrent writers need PostgreSQL")
    def test_concurrent_last_units(self):
        "50 buyers at once for 10 units: 10 orders, never a negative stock"
        listing_id = self._new_listing(STOCK, moq=1, order_multiple=1,
            tiers=((1, '100'),))
        buyers = committed(self._create_buyers, user=1, context=self.context)
        results = []
        threads = [threading.Thread(target=self._buy,
                args=(listing_id, buyer, user, results))
            for buyer, user in buyers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(len(results), BUYERS)
        self.assertEqual(results.count('ordered'), STOCK, results)
        self.assertEqual(results.count('short'), BUYERS - STOCK, results)

        def state():
            pool = Pool()
            Listing = pool.get('s2b2b.listing')
            SaleLine = pool.get('sale.line')
            lines = SaleLine.search([('s2b2b_listing', '=', listing_id)])
            return (Listing(listing_id).available_quantity,
                sum(l.quantity for l in lines), len({l.sale for l in lines}))
        self.assertEqual(committed(state), (0, STOCK, STOCK))
        kinds = [(k, s) for k, s, _, _ in self._alerts(listing_id)]
        self.assertEqual(kinds, [('stock_short', 'open')])

    def _create_buyers(self):
        WebUser = Pool().get('web.user')
        buyers = []
        for number in range(BUYERS):
            member = create_member(f"买家{number}", 100 + number)
            address(member.party)
            user, = WebUser.search([('s2b2b_member', '=', member.id)])
            WebUser.write([user], {'s2b2b_roles': ['purchaser']})
            buyers.append((member.id, user.id))
        return buyers

    def _buy(self, listing_id, buyer, user, results):
        "One buyer's request, retried on conflicts as the server does"
        for count in range(100):
            try:
                self._order(listing_id, 1, buyer=buyer, user=user)
            except StockShortError:
                results.append('short')
            except OrderValidationError as error:
                # Read after the stock was gone: the stock problem only
                results.append('short' if self._only_stock(error, listing_id)
                    else str(error))
            except backend.DatabaseOperationalError:
                time.sleep(random.uniform(0, 0.02 * count))
                continue
            except Exception as exception:
                results.append(repr(exception))
            else:
                results.append('ordered')
            return
        results.append('gave up')

    def _only_stock(self, error, listing_id, quantity=1):
        "The order was refused for the listing's stock and nothing else"
        def stock_message():
            Listing = Pool().get('s2b2b.listing')
            listing = Listing(listing_id)
            return gettext('s2b2b_procurement.msg_order_invalid',
                problems=gettext('s2b2b_procurement.msg_order_problem_stock',
                    listing=listing.rec_name, quantity=f'{quantity:g}',
                    available=f'{listing.available_quantity:g}'))
        return error.message == committed(stock_message)

    def _child(self, listing_id, quantity, die_inside):
        args = {'db': DB_NAME, 'context': self.context, 'buyer': self.buyer,
            'listing': listing_id, 'quantity': quantity,
            'die_inside': die_inside}
        process = subprocess.run([sys.executable, '-c', CHILD,
                json.dumps(args)], env=os.environ.copy(),
            capture_output=True, timeout=300)
        self.assertEqual(process.returncode, -signal.SIGKILL,
            process.stderr.decode()[-2000:])

    def _state(self, listing_id):
        "(stock, sales of the listing by state, pending processing tasks)"
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        SaleLine = pool.get('sale.line')
        Queue = pool.get('ir.queue')
        lines = SaleLine.search([('s2b2b_listing', '=', listing_id)])
        sales = {l.sale for l in lines}
        tasks = [t for t in Queue.search([('finished_at', '=', None)])
            if t.data['method'] == 's2b2b_process'
            and set(t.data['instances']) & {s.id for s in sales}]
        return (Listing(listing_id).available_quantity,
            sorted(s.state for s in sales), [t.id for t in tasks])

    @unittest.skipUnless(ON_POSTGRESQL, "a second process needs PostgreSQL")
    def test_killed_after_intake(self):
        "Killed after intake committed: the queued processing completes"
        listing_id = self._new_listing(100)
        self._child(listing_id, 20, die_inside=False)
        stock, states, tasks = committed(lambda: self._state(listing_id))
        self.assertEqual((stock, states), (80, ['draft']))
        self.assertEqual(len(tasks), 1)
        run_task(DB_NAME, tasks[0])
        Transaction().tasks.clear()

        def processed():
            pool = Pool()
            SaleLine = pool.get('sale.line')
            line, = SaleLine.search([('s2b2b_listing', '=', listing_id)])
            return (line.sale.state,
                [p.state for p in line.sale.s2b2b_purchases],
                line.purchase_request.purchase_line.unit_price)
        state, purchases, price = committed(processed, context=self.context)
        self.assertEqual((state, purchases), ('processing', ['quotation']))
        self.assertEqual(price, 475)
        self.assertEqual(committed(lambda: self._state(listing_id))[2], [])

    @unittest.skipUnless(ON_POSTGRESQL, "a second process needs PostgreSQL")
    def test_killed_inside_intake(self):
        "Killed inside intake: no sale, no task, the stock untouched"
        listing_id = self._new_listing(100)
        self._child(listing_id, 20, die_inside=True)
        self.assertEqual(committed(lambda: self._state(listing_id)),
            (100, [], []))
