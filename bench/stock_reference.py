#!/usr/bin/env python3
"""Reference benchmark: stock Tryton 8.0 drop-ship order-to-invoice flow.

What is measured
----------------
One *flow* is the complete drop-ship cycle of stock Tryton 8.0, driven
in-process through the ORM (``Pool``/``Transaction``, no RPC, no proteus, no
raw SQL) with the core modules' public model methods:

1. ``sale.sale`` for a customer, one line of a drop-ship product (built like a
   client does: ``default_get`` + ``on_change_*``), saved;
2. ``Sale.quote`` -> ``Sale.confirm`` -> ``Sale.process`` (run from the
   ``ir.queue`` task that ``confirm`` pushes; it creates the customer invoice
   and the ``purchase.request``);
3. the ``purchase.request.create_purchase`` wizard, executed through the
   wizard protocol (``create`` / ``execute('start')`` / ``delete``);
4. ``Purchase.quote`` -> ``Purchase.confirm`` -> ``Purchase.process`` (queue
   task; creates the supplier invoice and the ``stock.shipment.drop``);
5. ``ShipmentDrop.ship`` -> ``ShipmentDrop.do``;
6. supplier invoice gets an ``invoice_date``; both invoices ``Invoice.post``.

Invoicing uses the stock default ``invoice_method='order'`` for both sale and
purchase.  Queue tasks: without a worker, stock trytond runs the tasks a call
pushed (``transaction.tasks``) right after the request commits.  Here they are
drained after every step with ``ir.queue`` ``run()`` *inside the same
transaction*, so that batching also batches them.  This includes the
``print_invoice`` task (customer invoice report rendering) that stock runs on
post.

Two modes:

* ``single``: one flow per transaction (commit after each flow);
* ``batched``: 50 flows per transaction, every step called once with the 50
  records (``Sale.quote(sales)``, one wizard run for 50 requests, ...).  Each
  flow uses a different customer so that requests are not merged into one
  purchase: a batch still yields 50 purchases, shipments and invoice pairs.

Figures: ms/flow (mean, and median of the transactions), flows/s and SQL
statements/flow, plus a split per step and per queue task.  Timings include
transaction start and commit.  Every flow is verified after the timed loop
(customer and supplier invoices 'posted', drop shipment 'done', invoice
method 'order'); any mismatch aborts the run.

Locks: trytond 8.0 takes row/table locks (strict invoice and move sequences on
post) only when a transaction starts; a missing one raises TransactionError
and the dispatcher restarts the call with the lock.  The untimed warm-up
learns the locks still needed in steady state and timed transactions take
them up front (``retries`` reports any timed restart, normally 0).

Setup (untimed, in-process, one transaction): CNY company, English chart of
accounts (``account.create_chart`` wizard), calendar fiscal year with strict
move/invoice sequences and monthly periods, 'Direct' payment term, an
accounting product category, a goods product (salable, purchasable,
``supply_on_sale='always'``, list price 10, cost 4) with a product supplier
(``drop_shipment=True``, lead time 0, price 3), one supplier and 50 customers.

How SQL statements are counted
------------------------------
trytond's PostgreSQL backend opens every pooled connection with
``cursor_factory=LoggingCursor`` (``trytond.backend.postgresql.database``), so
each statement trytond sends goes through ``LoggingCursor.execute`` (also
``connection.execute``, which builds a cursor from that factory).
``SqlCounter.install`` wraps ``LoggingCursor.execute``/``executemany`` with a
counter that is only active during the timed sections.  Not counted: the
BEGIN/COMMIT psycopg sends itself at protocol level (one pair per
transaction).

Why
---
This is the baseline all later platform benchmarks are compared against:
run them on the same machine and compare with the JSON line printed here.

Usage::

    .venv/bin/python bench/stock_reference.py [--flows 50] [--batches 4]
        [--batch-size 50] [--warmup 3] [--db NAME] [--reuse] [--keep]
        [--json-out bench/results/stock_reference.json]
"""
import argparse
import datetime as dt
import json
import logging
import os
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

os.environ.setdefault(
    'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')

logging.basicConfig(level=logging.WARNING)
logging.getLogger('trytond').setLevel(logging.ERROR)

from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction, TransactionError  # noqa: E402
from trytond import backend  # noqa: E402

from _flow_stock import (  # noqa: E402
    MODULES, SqlCounter, load_fixture, run_flows, setup_fixture, verify_flows)

DEFAULT_DB = 's2b2b_bench_stock'
STEPS = ['create_sale', 'confirm_sale', 'create_purchase',
    'confirm_purchase', 'drop_shipment', 'post_invoices', 'txn']


@dataclass
class Meter:
    """Accumulates wall time and SQL statements: in total, per step of the
    flow and per queue task (tasks run inside steps: not added again)."""
    seconds: float = 0.0
    sql: int = 0
    flows: int = 0
    retries: int = 0
    per_txn_ms: list = field(default_factory=list)
    steps: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)

    @staticmethod
    @contextmanager
    def _measure(totals, name):
        start, sql = time.perf_counter(), SqlCounter.count
        try:
            yield
        finally:
            seconds, stmts = totals.get(name, (0.0, 0))
            totals[name] = (
                seconds + time.perf_counter() - start,
                stmts + SqlCounter.count - sql)

    def step(self, name):
        return self._measure(self.steps, name)

    def task(self, name):
        return self._measure(self.tasks, name)


# --- database lifecycle ----------------------------------------------------

def database_exists(name):
    "Return True if the PostgreSQL database exists."
    return name in backend.Database().list()


def create_database(name):
    "Create an empty database and initialise trytond's base tables."
    database = backend.Database()
    connection = database.get_connection(autocommit=True)
    try:
        database.create(connection, name)
    finally:
        database.put_connection(connection)
        database.close()
    backend.Database(name).init()
    Pool(name).init(update=['res', 'ir'], lang=['en'])
    with Transaction().start(name, 0):
        pool = Pool()
        # 'en' must be translatable or <data language="en"> (the English
        # chart of accounts template) is skipped at activation.
        Lang = pool.get('ir.lang')
        Lang.write(Lang.search([('code', '=', 'en')]), {'translatable': True})
        pool.get('ir.module').update_list()


def activate_modules(name):
    "Activate MODULES (and dependencies) with the stock upgrade wizard."
    pool = Pool(name)
    with Transaction().start(name, 0) as transaction:
        Module = pool.get('ir.module')
        Module.activate(Module.search([('name', 'in', MODULES)]))
        transaction.commit()
        ActivateUpgrade = pool.get('ir.module.activate_upgrade', type='wizard')
        session_id, _, _ = ActivateUpgrade.create()
        transaction.commit()
        ActivateUpgrade(session_id).transition_upgrade()
        ActivateUpgrade.delete(session_id)


def drop_database(name):
    "Drop the benchmark database (closing the trytond pool first)."
    Pool.stop(name)
    backend.Database(name).close()
    database = backend.Database()
    connection = database.get_connection(autocommit=True)
    try:
        database.drop(connection, name)
    finally:
        database.put_connection(connection)
        database.close()


def prepare_database(name, reuse):
    "Create + set up the database, or reuse an existing one."
    if reuse and database_exists(name):
        Pool(name).init()
        try:
            return load_fixture(name)
        except ValueError:  # modules active but no fixture yet
            return setup_fixture(name)
    if database_exists(name):
        drop_database(name)
    started = time.perf_counter()
    create_database(name)
    activate_modules(name)
    fixture = setup_fixture(name)
    print(f"setup: database {name!r} ready in "
        f"{time.perf_counter() - started:.1f}s", file=sys.stderr)
    return fixture


# --- measurement -------------------------------------------------------------

def timed_transaction(fixture, customers, meter):
    "Run len(customers) flows in one timed transaction; return sale ids."
    SqlCounter.active = True
    start, sql = time.perf_counter(), SqlCounter.count
    try:
        sale_ids = flow_transaction(fixture, customers, meter)
    finally:
        SqlCounter.active = False
    elapsed = time.perf_counter() - start
    meter.seconds += elapsed
    meter.per_txn_ms.append(elapsed * 1000)
    meter.sql += SqlCounter.count - sql
    meter.flows += len(customers)
    return sale_ids


def flow_transaction(fixture, customers, meter):
    """Run the flows in one transaction, committed on exit.

    trytond 8.0 takes row/table locks (e.g. the strict invoice and move
    sequences on post) only at transaction start: a missing one raises a
    TransactionError and the dispatcher retries with the lock.  Same here,
    but the locks are kept in fixture.extras, so the warm-up learns them and
    timed transactions take them up front; timed retries are counted."""
    while True:
        with Transaction().start(fixture.database, fixture.user,
                context=fixture.context, **fixture.extras) as transaction:
            try:
                return run_flows(fixture, customers, meter)
            except TransactionError as exception:
                transaction.rollback()
                transaction.tasks.clear()
                exception.fix(fixture.extras)
                meter.retries += 1


def customers_for(fixture, first, count):
    "Pick `count` distinct customers, rotating through the fixture's ones."
    pool = fixture.customers
    return [pool[(first + i) % len(pool)] for i in range(count)]


def warm_up(fixture, transactions, size):
    """Untimed: `transactions` transactions of `size` flows, then one flow
    with the lock list reset, so that only the locks still needed in steady
    state (not e.g. the one-off journal period creation) are kept."""
    for i in range(transactions):
        timed_transaction(fixture, customers_for(fixture, i, size), Meter())
    fixture.extras.clear()
    timed_transaction(fixture, customers_for(fixture, 0, 1), Meter())


def measure_single(fixture, flows, warmup):
    "Mode 1: one flow per transaction."
    warm_up(fixture, warmup, 1)
    meter, sale_ids = Meter(), []
    for i in range(flows):
        sale_ids += timed_transaction(
            fixture, customers_for(fixture, i, 1), meter)
    verify_flows(fixture, sale_ids)
    return meter


def measure_batched(fixture, batches, batch_size, warmup):
    "Mode 2: batch_size flows per transaction, one call per step."
    warm_up(fixture, 1 if warmup else 0, min(warmup, batch_size))
    meter, sale_ids = Meter(), []
    for b in range(batches):
        sale_ids += timed_transaction(
            fixture, customers_for(fixture, b, batch_size), meter)
    verify_flows(fixture, sale_ids)
    return meter


# --- reporting ---------------------------------------------------------------

def result_of(mode, meter, extra):
    "Build the JSON-able result dict of one mode."
    flows = meter.flows
    return {
        'bench': 'stock_reference',
        'mode': mode,
        'flows': flows,
        'ms_per_flow': round(meter.seconds * 1000 / flows, 2),
        'flows_per_s': round(flows / meter.seconds, 2),
        'sql_per_flow': round(meter.sql / flows, 1),
        'median_ms_per_flow': round(
            statistics.median(meter.per_txn_ms) * len(meter.per_txn_ms)
            / flows, 2),
        'retries': meter.retries,
        **extra,
        'steps': per_flow(steps_with_txn(meter), flows),
        'queue_tasks': per_flow(meter.tasks, flows),
        }


def per_flow(totals, flows):
    "{name: (seconds, sql)} -> {name: {ms_per_flow, sql_per_flow}}."
    return {name: {'ms_per_flow': round(s * 1000 / flows, 2),
            'sql_per_flow': round(q / flows, 1)}
        for name, (s, q) in totals.items()}


def steps_with_txn(meter):
    "Per-step totals plus 'txn': the rest (transaction start and commit)."
    steps = dict(meter.steps)
    steps['txn'] = (
        meter.seconds - sum(s for s, _ in steps.values()),
        meter.sql - sum(q for _, q in steps.values()))
    return steps


def print_table(results):
    "Human readable summary, one row per mode then the per-step split."
    print(f"\n{'mode':<10}{'flows':>7}{'flows/txn':>11}{'ms/flow':>10}"
        f"{'median':>10}{'flows/s':>10}{'SQL/flow':>10}")
    for r in results:
        print(f"{r['mode']:<10}{r['flows']:>7}{r['flows_per_txn']:>11}"
            f"{r['ms_per_flow']:>10.2f}{r['median_ms_per_flow']:>10.2f}"
            f"{r['flows_per_s']:>10.2f}{r['sql_per_flow']:>10.1f}")
    print_split(results, 'steps', 'step', STEPS)
    tasks = sorted({t for r in results for t in r['queue_tasks']})
    print_split(results, 'queue_tasks', 'of which queue task', tasks)
    print()


def print_split(results, key, title, names):
    "One row per name: ms/flow | SQL/flow for each mode."
    print(f"\n{title + ' (ms | SQL per flow)':<36}"
        + ''.join(f"{r['mode']:>20}" for r in results))
    for name in names:
        cells = []
        for r in results:
            s = r[key].get(name, {'ms_per_flow': 0, 'sql_per_flow': 0})
            cells.append(
                f"{s['ms_per_flow']:>10.2f} |{s['sql_per_flow']:>7.1f}")
        print(f"{name:<36}" + ''.join(f"{c:>20}" for c in cells))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--flows', type=int, default=50,
        help="flows in single mode (default 50)")
    parser.add_argument('--batches', type=int, default=4,
        help="batches in batched mode (default 4)")
    parser.add_argument('--batch-size', type=int, default=50,
        help="flows per batch (default 50)")
    parser.add_argument('--warmup', type=int, default=3,
        help="untimed warm-up flows before each mode, plus one to learn "
        "the locks (default 3)")
    parser.add_argument('--db', default=DEFAULT_DB,
        help=f"database name (default {DEFAULT_DB})")
    parser.add_argument('--reuse', action='store_true',
        help="reuse the database if it exists (skip creation, and the "
        "setup if already done)")
    parser.add_argument('--keep', action='store_true',
        help="keep the database at the end (needed for a later --reuse)")
    parser.add_argument('--json-out', metavar='PATH',
        help="also write the results as JSON to PATH")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    SqlCounter.install()
    fixture = prepare_database(args.db, args.reuse)
    if args.batch_size > len(fixture.customers):
        raise SystemExit(f"--batch-size > {len(fixture.customers)} customers")
    try:
        single = measure_single(fixture, args.flows, args.warmup)
        batched = measure_batched(
            fixture, args.batches, args.batch_size, args.warmup)
        info = run_info(fixture)
    finally:
        if not args.keep:
            drop_database(args.db)
    results = [
        result_of('single', single, {'flows_per_txn': 1}),
        result_of('batched', batched, {'flows_per_txn': args.batch_size}),
        ]
    print_table(results)
    for result in results:
        print(json.dumps({k: v for k, v in result.items()
                    if k not in {'steps', 'queue_tasks'}}))
    if args.json_out:
        write_json(args.json_out, results, info)
    return 0


def run_info(fixture):
    "Context of the figures: activated modules, locks taken at start."
    with Transaction().start(fixture.database, 0, readonly=True):
        Module = Pool().get('ir.module')
        modules = sorted(m.name for m in Module.search(
                [('state', '=', 'activated')]))
    info = {
        'modules_requested': MODULES,
        'modules_activated': modules,
        'invoice_method': {'sale': 'order', 'purchase': 'order'},
        'locks_at_transaction_start': fixture.extras,
        }
    print(f"modules activated: {', '.join(modules)}", file=sys.stderr)
    print(f"locks taken at transaction start: {fixture.extras}",
        file=sys.stderr)
    return info


def write_json(path, results, info):
    "Write all results (with the per-step split) to path."
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    payload = {
        'bench': 'stock_reference',
        'trytond': __import__('trytond').__version__,
        **info,
        'date': dt.datetime.now().isoformat(timespec='seconds'),
        'results': results,
        }
    with open(path, 'w') as fp:
        json.dump(payload, fp, indent=2)
        fp.write('\n')


if __name__ == '__main__':
    sys.exit(main())
