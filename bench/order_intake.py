#!/usr/bin/env python3
"""Order intake: a buyer's order validated, its stock reserved, persisted
and its processing queued, on PostgreSQL.

``--mode inprocess`` calls ``Sale.s2b2b_order`` (what the API endpoint
calls) in a loop, one order per transaction as a request does, and prints
ms/order (p50/p95) and SQL statements/order: the cost of one intake
without HTTP.  Each order has two lines of two suppliers' listings
(stock is plentiful: this measures intake, not refusals).

    .venv/bin/python bench/order_intake.py --mode inprocess [--orders 300]
"""
import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _orders  # noqa: E402


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=_orders.PG_URI)
    parser.add_argument('--db', default='s2b2b_bench_orders')
    parser.add_argument('--mode', choices=['inprocess'], default='inprocess')
    parser.add_argument('--orders', type=int, default=300)
    parser.add_argument('--json-out')
    return parser.parse_args(argv)


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def inprocess(options, fixture):
    "Orders one after the other; return per-order seconds and SQL counts"
    from _flow_stock import SqlCounter
    from trytond.modules.s2b2b_platform.tenant import as_member
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    SqlCounter.install()
    pool = Pool(options.db)
    rng = random.Random(7)
    seconds, statements = [], []
    for i in range(options.orders + 20):
        buyer, user = fixture.purchasers[i % len(fixture.purchasers)]
        lines = [{'listing': l, 'quantity': rng.randrange(1, 50)}
            for l in rng.sample(fixture.listings, 2)]
        SqlCounter.count, SqlCounter.active = 0, True
        started = time.perf_counter()
        with Transaction().start(options.db, 0,
                context={'company': fixture.company}) as transaction:
            Sale = pool.get('sale.sale')
            WebUser = pool.get('web.user')
            with as_member(buyer):
                Sale.s2b2b_order(buyer, lines, requested_by=WebUser(user))
            transaction.commit()
        SqlCounter.active = False
        if i >= 20:  # warm-up
            seconds.append(time.perf_counter() - started)
            statements.append(SqlCounter.count)
    return seconds, statements


def main(argv=None):
    options = parse(argv)
    tmp = Path(tempfile.mkdtemp(prefix='s2b2b-bench-'))
    env = _orders.environ(options.uri, tmp, options.db)
    import os
    os.environ.update(env)
    _orders.create_database(options.uri, options.db, env)
    from trytond import config
    config.update_etc()
    from trytond.pool import Pool
    Pool.start()
    Pool(options.db).init()
    fixture = _orders.populate(options.db)
    seconds, statements = inprocess(options, fixture)
    ms = [s * 1000 for s in seconds]
    result = {'bench': 'order_intake', 'mode': options.mode,
        'orders': len(ms), 'p50_ms': round(percentile(ms, 50), 2),
        'p95_ms': round(percentile(ms, 95), 2),
        'mean_ms': round(statistics.mean(ms), 2),
        'orders_per_s_one_process': round(1000 / statistics.mean(ms), 1),
        'sql_per_order': round(statistics.mean(statements), 1)}
    print(f"in-process intake: {result['orders']} orders, p50 "
        f"{result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"{result['orders_per_s_one_process']} orders/s in one process, "
        f"{result['sql_per_order']} SQL statements/order")
    print(json.dumps(result))
    if options.json_out:
        Path(options.json_out).write_text(json.dumps(result) + '\n')


if __name__ == '__main__':
    main()
