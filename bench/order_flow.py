#!/usr/bin/env python3
"""The platform's order flow from the buyer's order to both invoices
posted, processed in batches, beside stock Tryton's batched reference.

One *flow* is one buyer order of one line of a supplier's listing, the
shape of ``stock_reference.py``'s flow, with every platform feature on:

1. intake: ``s2b2b.order.place`` in a transaction of its own, as the API
   request does it (lines checked, stock reserved, order recorded and its
   processing queued, event appended);
2. worker: the queued ``s2b2b.order.process`` tasks of the batch (the
   ``sale.sale`` of the platform to the buyer), then ``Sale.s2b2b_process``
   (quote, confirm, process, purchase requests → one drop-shipped
   purchase per supplier at the buyer's price less the commission, the
   supplier notified, its SLA set);
3. each supplier confirms its orders (``Purchase.s2b2b_confirm``, one call
   per supplier as its portal page does); the worker processes the
   purchases (drop shipments);
4. each supplier ships them (``ShipmentDrop.s2b2b_ship``, carrier and
   tracking number; the buyer notified);
5. each buyer confirms receipt (``ShipmentDrop.s2b2b_receive``); the
   worker posts the customer and the supplier invoice
   (``Sale.s2b2b_post_invoices``, invoice report rendering included as in
   the reference) — the platform's commission lands on its accounts.

Each step's portal requests (one per supplier or buyer, as its page
does) run in one transaction; then the tasks they queued are run by a
*batching* worker: the queued tasks of a step with the same model, method,
user and context run as one call with all their records, in a transaction
of their own (``ir.queue`` tasks of Tryton, merged), which is how a
deployment's worker is meant to drain them.  Tryton 8 takes the locks of a
transaction at its start: a task locking records made earlier (a sale
being processed) restarts once with them, as a worker does; the locks
that recur (the strict invoice sequences) are learned by the warm-up, as
in the stock reference, and timed restarts are counted (``retries``).
Every flow is verified afterwards (both invoices posted, shipment done,
margin).

With ``--billing week|month`` every member is billed per period
(billing.py): receipts add to the period's draft invoices and a last step,
``close_billing``, posts them (the cron's work) after ``--period-batches``
batches — by default once for the timed run, so that an invoice bills
about ten orders of a buyer and twenty of a supplier, as a period would.

Figures: ms/flow, flows/s, SQL statements/flow (counted as in
``stock_reference.py``), per step; and the ratio against the stock
reference recorded in ``bench/results/stock_reference.json`` (batched
mode), or measured in the same run with ``--reference``.

    .venv/bin/python bench/order_flow.py [--batches 4] [--batch-size 50]
        [--billing order|week|month] [--period-batches N] [--reference]
        [--json-out bench/results/order_flow.json]
"""
import argparse
import datetime as dt
import functools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# trytond reads its configuration once, on import: PostgreSQL before that
os.environ.setdefault(
    'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')

import _orders  # noqa: E402

SMTP = _orders.smtp_sink()

from _flow_stock import SqlCounter, in_transaction  # noqa: E402

RESULTS = Path(__file__).resolve().parent / 'results'
VERBOSE = '-v' in sys.argv or '--verbose' in sys.argv
STEPS = ['intake', 'sale', 'confirm', 'ship', 'receive_invoice',
    'close_billing']


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=_orders.PG_URI)
    parser.add_argument('--db', default='s2b2b_bench_flow')
    parser.add_argument('--batches', type=int, default=4)
    parser.add_argument('--batch-size', type=int, default=50)
    parser.add_argument('--warmup', type=int, default=1,
        help="untimed batches first")
    parser.add_argument('--reference', action='store_true',
        help="run bench/stock_reference.py (batched) in this run too")
    parser.add_argument('--reuse', action='store_true',
        help="keep the database between runs: reuse it when it exists")
    parser.add_argument('-v', '--verbose', action='store_true',
        help="print the worker's calls")
    parser.add_argument('--billing', choices=['order', 'week', 'month'],
        default='order', help="how every member is billed: per order "
        "(default) or consolidated per period, closed after "
        "--period-batches batches")
    parser.add_argument('--period-batches', type=int,
        help="batches of orders per billing period (default: --batches, "
        "one period for the timed run)")
    parser.add_argument('--json-out')
    return parser.parse_args(argv)


def prepare(options, env):
    "The database and its fixture, created or (--reuse) found again"
    from types import SimpleNamespace
    saved = Path(env['TRYTOND_DATABASE__PATH']).parent / (
        f'{options.db}.fixture.json')
    if options.reuse and saved.exists():
        return SimpleNamespace(**json.loads(saved.read_text())), True
    _orders.create_database(options.uri, options.db, env)
    return None, False


class Meter:
    """Seconds and SQL statements per step: the step's portal requests in
    one transaction, then the queued tasks they pushed, run by a batching
    worker (``run_tasks``)"""

    def __init__(self, locks=None):
        self.steps = defaultdict(lambda: [0.0, 0])
        # The locks each transaction must take at its start (strict
        # invoice sequences, records processed), learned by the warm-up
        # as in stock_reference; timed restarts are counted in retries
        self.locks = defaultdict(dict) if locks is None else locks
        self.retries = 0

    def retried(self):
        self.retries += 1

    def transaction(self, key, database, func, context=None):
        locks = self.locks[key]
        try:
            return in_transaction(database, 0, func, context=context,
                extras=locks, on_retry=self.retried)
        finally:
            # Only the sequences' locks recur: the documents locked are
            # new in every batch
            records = locks.get('_lock_records', {})
            for table in list(records):
                if not table.startswith('ir_sequence'):
                    del records[table]

    def run(self, name, database, func, context, worker=True, tasks=()):
        """Run func (if any) in a transaction, then (worker) the tasks
        queued before and by it; return what func returns"""
        SqlCounter.active = True
        start, sql = time.perf_counter(), SqlCounter.count
        try:
            result = func and self.transaction(name, database, func, context)
            if func:
                trace(f"requests: {name}", start, sql)
            if worker:
                self.run_tasks(database, list(tasks) + pending())
            return result
        finally:
            totals = self.steps[name]
            totals[0] += time.perf_counter() - start
            totals[1] += SqlCounter.count - sql
            SqlCounter.active = False

    def run_tasks(self, database, task_ids):
        """Run queued tasks as a batching worker: those of one model,
        method, user and context in one call with all their records, in a
        transaction of their own (as a worker runs a task); the tasks they
        push are run the same way, until none is left"""
        while task_ids:
            groups = self.transaction('tasks', database,
                lambda: group_tasks(task_ids))
            task_ids = []
            for (model, method, user), (ids, data, tasks) in groups:
                start, sql = time.perf_counter(), SqlCounter.count
                task_ids.extend(self.transaction((model, method), database,
                        functools.partial(run_group, model, method, user,
                            ids, data, tasks)))
                trace(f"worker: {model}.{method} x {len(tasks)}", start, sql)


def trace(label, start, sql):
    "With -v: the ms and SQL statements since start and sql"
    if VERBOSE:
        print(f"  {label}: {(time.perf_counter() - start) * 1000:.0f} ms, "
            f"{SqlCounter.count - sql} SQL", file=sys.stderr, flush=True)


def group_tasks(task_ids):
    """[((model, method, user), (record ids, task data, task ids))] of
    the tasks still queued, those of the same context and arguments
    merged (tasks of other contexts or arguments are other groups)"""
    from trytond.pool import Pool
    Queue = Pool().get('ir.queue')
    groups = {}
    for task in Queue.search([('id', 'in', task_ids)], order=[('id', 'ASC')]):
        data = task.data
        key = (data['model'], data['method'], data['user'],
            json.dumps(data['context'], sort_keys=True, default=str),
            json.dumps([data['args'], data['kwargs']], default=str))
        ids, _, tasks = groups.setdefault(key, ([], data, []))
        instances = data['instances']
        ids.extend([instances] if isinstance(instances, int) else instances)
        tasks.append(task.id)
    # one record's tasks merged (a sale received in two shipments)
    return [(key[:3], (list(dict.fromkeys(ids)), data, tasks))
        for key, (ids, data, tasks) in groups.items()]


def run_group(model, method, user, ids, data, tasks):
    "Run one merged task and dequeue it; return the tasks it pushed"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Queue = pool.get('ir.queue')
    Model = pool.get(model)
    transaction = Transaction()
    transaction.tasks.clear()
    with transaction.set_user(user), transaction.set_context(
            data['context'], _skip_warnings=True):
        getattr(Model, method)(Model.browse(ids),
            *data['args'], **data['kwargs'])
    Queue.delete(Queue.browse(tasks))
    return pending()


def pending():
    from trytond.transaction import Transaction
    tasks = list(Transaction().tasks)
    Transaction().tasks.clear()
    return tasks


def set_billing(billing):
    "Every member billed per order or per period"
    from trytond.pool import Pool
    Member = Pool().get('s2b2b.member')
    Member.write(Member.search([]),
        {'billing_period': None if billing == 'order' else billing})


def supplier_users(fixture):
    "The admin portal user of each supplier, by supplier id"
    from trytond.pool import Pool
    WebUser = Pool().get('web.user')
    users = {}
    for user in WebUser.search([('s2b2b_member.is_supplier', '=', True)],
            order=[('id', 'ASC')]):
        users.setdefault(user.s2b2b_member.id, user.id)
    return users


def run_batch(options, fixture, users, rng, meter, close=True):
    "One batch of flows; return the orders"
    from trytond.modules.s2b2b_platform.tenant import as_member
    from trytond.pool import Pool
    pool = Pool(options.db)
    context = {'company': fixture.company}
    tasks, orders = [], []
    for i in range(options.batch_size):
        buyer, user = fixture.purchasers[i % len(fixture.purchasers)]
        listing = rng.choice(fixture.listings)

        def intake():
            Order = pool.get('s2b2b.order')
            WebUser = pool.get('web.user')
            with as_member(buyer):
                order = Order.place(buyer, [
                        {'listing': listing, 'quantity': 5}],
                    requested_by=WebUser(user))
            return order.id
        orders.append(meter.run('intake', options.db, intake, context,
                worker=False))
        tasks.extend(pending())
    meter.run('sale', options.db, None, context, tasks=tasks)
    sales = in_transaction(options.db, 0, lambda: [o.sale.id
            for o in pool.get('s2b2b.order').browse(orders)], context)

    def by_supplier(func):
        Purchase = pool.get('purchase.purchase')
        purchases = Purchase.search([('s2b2b_sale', 'in', sales)],
            order=[('id', 'ASC')])
        groups = defaultdict(list)
        for purchase in purchases:
            groups[purchase.s2b2b_supplier.id].append(purchase)
        WebUser = pool.get('web.user')
        for supplier, records in groups.items():
            with as_member(supplier):
                func(records, WebUser(users[supplier]))

    def confirm():
        Purchase = pool.get('purchase.purchase')
        by_supplier(Purchase.s2b2b_confirm)
    meter.run('confirm', options.db, confirm, context)

    def ship():
        Shipment = pool.get('stock.shipment.drop')
        by_supplier(lambda purchases, user: Shipment.s2b2b_ship(
                [s for p in purchases for s in p.drop_shipments], user,
                "顺丰速运", f"SF{rng.randrange(10 ** 9):09d}"))
    meter.run('ship', options.db, ship, context)

    def receive():
        Sale = pool.get('sale.sale')
        Shipment = pool.get('stock.shipment.drop')
        WebUser = pool.get('web.user')
        by_buyer = defaultdict(list)
        for sale in Sale.browse(sales):
            by_buyer[sale.s2b2b_buyer.id].extend(
                s for p in sale.s2b2b_purchases for s in p.drop_shipments)
        purchasers = dict(fixture.purchasers)
        for buyer, shipments in by_buyer.items():
            with as_member(buyer):
                Shipment.s2b2b_receive(shipments, WebUser(purchasers[buyer]))
    meter.run('receive_invoice', options.db, receive, context)

    if options.billing != 'order' and close:
        def close_billing():
            # The batch stands for a billing period: its end has come
            from trytond.modules.s2b2b_procurement import ordering
            Invoice = pool.get('account.invoice')
            today = pool.get('ir.date').today()
            _, end = ordering.billing_period(options.billing, today)
            Invoice.s2b2b_close_billing(end + dt.timedelta(days=1))
        meter.run('close_billing', options.db, close_billing, context)
    return sales


def verify(options, fixture, sales):
    "Every flow ended with both invoices posted and the shipment done"
    from trytond.pool import Pool
    pool = Pool(options.db)

    def check():
        Sale = pool.get('sale.sale')
        problems = []
        for sale in Sale.browse(sales):
            purchase, = sale.s2b2b_purchases
            shipment, = purchase.drop_shipments
            states = ([i.state for i in sale.invoices],
                [i.state for i in purchase.invoices], shipment.state)
            if states != (['posted'], ['posted'], 'done'):
                problems.append((sale.id, states))
            elif purchase.total_amount >= sale.total_amount:
                problems.append((sale.id, 'no margin'))
        return problems
    problems = in_transaction(options.db, 0, check,
        context={'company': fixture.company})
    if problems:
        sys.exit(f"flows not completed: {problems[:5]}")


def reference(options):
    "The stock batched figure: measured now, or the recorded one"
    path = RESULTS / 'stock_reference.json'
    if options.reference:
        path = Path(tempfile.mkdtemp()) / 'stock.json'
        subprocess.run([sys.executable, str(Path(__file__).parent
                    / 'stock_reference.py'), '--flows', '1',
                '--batches', str(options.batches), '--json-out', str(path)],
            check=True)
    results = json.loads(path.read_text())['results']
    batched, = [r for r in results if r['mode'] == 'batched']
    return batched, str(path.relative_to(Path.cwd())
        if path.is_relative_to(Path.cwd()) else path)


def main(argv=None):
    options = parse(argv)
    stock, source = reference(options)
    tmp = Path(tempfile.gettempdir()) / 's2b2b-bench' / options.db
    tmp.mkdir(parents=True, exist_ok=True)
    env = _orders.environ(options.uri, tmp, options.db)
    os.environ.update(env)
    fixture, reused = prepare(options, env)
    from trytond import config
    config.update_etc()
    from trytond.pool import Pool
    Pool.start()
    Pool(options.db).init()
    SqlCounter.install()
    if not reused:
        fixture = _orders.populate(options.db)
        (tmp.parent / f'{options.db}.fixture.json').write_text(
            json.dumps(vars(fixture)))
    users = in_transaction(options.db, 0, lambda: supplier_users(fixture))
    in_transaction(options.db, 0, lambda: set_billing(options.billing))
    rng = random.Random(11)
    warmup = Meter()
    for _ in range(options.warmup):
        run_batch(options, fixture, users, rng, warmup)
    meter, sales = Meter(warmup.locks), []
    period = options.period_batches or options.batches
    for i in range(options.batches):
        sales.extend(run_batch(options, fixture, users, rng, meter,
                close=(i + 1) % period == 0 or i + 1 == options.batches))
    verify(options, fixture, sales)
    flows = len(sales)
    seconds = sum(s for s, _ in meter.steps.values())
    statements = sum(q for _, q in meter.steps.values())
    result = {'bench': 'order_flow', 'flows': flows,
        'batch_size': options.batch_size, 'billing': options.billing,
        'period_batches': period if options.billing != 'order' else None,
        'ms_per_flow': round(seconds * 1000 / flows, 1),
        'flows_per_s': round(flows / seconds, 2),
        'sql_per_flow': round(statements / flows, 1),
        'retries': meter.retries,
        'locks_at_transaction_start': {
            k if isinstance(k, str) else '.'.join(k): v
            for k, v in meter.locks.items() if any(v.values())},
        'steps': {name: {
                'ms_per_flow': round(meter.steps[name][0] * 1000 / flows, 1),
                'sql_per_flow': round(meter.steps[name][1] / flows, 1)}
            for name in STEPS if name in meter.steps},
        'stock_reference': {'flows_per_s': stock['flows_per_s'],
            'sql_per_flow': stock['sql_per_flow'], 'source': source},
        }
    result['ratio_flows_per_s'] = round(
        result['flows_per_s'] / stock['flows_per_s'], 2)
    print(f"{'step':<16} {'ms/flow':>8} {'SQL/flow':>9}")
    for name, step in result['steps'].items():
        print(f"{name:<16} {step['ms_per_flow']:>8} "
            f"{step['sql_per_flow']:>9}")
    print(f"locks taken at transaction start: "
        f"{result['locks_at_transaction_start']}; "
        f"timed retries: {meter.retries}")
    print(f"platform flow: {flows} flows in batches of "
        f"{options.batch_size}: {result['ms_per_flow']} ms/flow, "
        f"{result['flows_per_s']} flows/s, {result['sql_per_flow']} "
        f"SQL/flow")
    print(f"stock Tryton batched reference: {stock['flows_per_s']} flows/s, "
        f"{stock['sql_per_flow']} SQL/flow ({source}); ratio "
        f"{result['ratio_flows_per_s']}×")
    print(json.dumps(result))
    if options.json_out:
        Path(options.json_out).write_text(
            json.dumps(result, indent=2, ensure_ascii=False) + '\n')


if __name__ == '__main__':
    main()
