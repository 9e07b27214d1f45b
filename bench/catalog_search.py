#!/usr/bin/env python3
"""Catalog search benchmark: ``search.run`` against Tryton's default search.

Runs on the database made by ``bench/catalog_generate.py`` (default
``bench_catalog``, 1,000,000 published listings).  40 realistic buyer
queries, half Chinese (words, pinyin, initials), half English, each a
keyword with two filters (category subtree, ship-from province, price
range at a quantity, in stock, lead time), facets always computed.

Every query runs like a portal request: a transaction started for the
query, ``tenant.as_member(<buyer>)`` (the portal's technical user with
access checks and the member in the context), ``search.run(query,
Filters(...), limit=20)``, rollback.  Timings include the transaction.

1. latency, single process: ``--rounds`` passes over the queries after one
   warm-up pass; p50/p95/max per query kind and overall;
2. throughput: 2 and 4 worker processes (spawned, each with its own pool
   and connection) loop over the queries in shuffled order for
   ``--seconds``; queries/s;
3. baseline, what the stock client does: ``Listing.search([('rec_name',
   'ilike', '%<query>%'), <the same two filters as a domain>,
   <visible_domain>], limit=20)`` plus ``search_count`` of the same domain
   (the client shows "x of N"), same transaction and member context,
   no warm-up pass (search.run's passes warmed the cache);
   rec_name is name, name_en or reference ilike, so English words can
   match too.  No facets (the stock client has none).
4. EXPLAIN (ANALYZE, BUFFERS) of the slowest search.run statements.

Usage::

    .venv/bin/python bench/catalog_search.py [--db bench_catalog]
        [--rounds 5] [--seconds 20] [--workers 2,4] [--baseline-rounds 1]
        [--explain 3] [--work-mem 16MB] [--jit off]
        [--json-out bench/results/catalog_search.json]
"""
import argparse
import json
import logging
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
from decimal import Decimal

os.environ.setdefault(
    'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')
logging.basicConfig(level=logging.WARNING)
logging.getLogger('trytond').setLevel(logging.ERROR)

from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

DEFAULT_DB = 'bench_catalog'
BUYER = "Bench 采购商 Buyer"

# (lang, query, filters); category = "top" or "top/mid" by Chinese name,
# price = (min, max, quantity)
QUERIES = [
    ('zh', "不锈钢螺栓", {'category': "紧固件", 'provinces': ['JS']}),
    ('zh', "六角螺母", {'in_stock': True, 'lead_time_max': 7}),
    ('zh', "水泥", {'provinces': ['AH', 'JS'], 'price': (10, 500, 10)}),
    ('zh', "shuini", {'category': "建筑材料", 'in_stock': True}),
    ('zh', "螺纹钢", {'price': (50, 2000, None), 'provinces': ['HE']}),
    ('zh', "铜芯电力电缆", {'category': "电线电缆", 'in_stock': True}),
    ('zh', "ldbhq", {'provinces': ['ZJ'], 'lead_time_max': 7}),
    ('zh', "空气开关", {'category': "电气设备", 'price': (5, 200, 1)}),
    ('zh', "球阀 DN50", {'provinces': ['ZJ'], 'in_stock': True}),
    ('zh', "luoshuan", {'category': "紧固件/螺栓", 'lead_time_max': 15}),
    ('zh', "安全帽", {'provinces': ['GD', 'FJ'], 'in_stock': True}),
    ('zh', "劳保手套", {'price': (0, 20, 100), 'in_stock': True}),
    ('zh', "防水卷材", {'provinces': ['SD'], 'lead_time_max': 10}),
    ('zh', "乳胶漆", {'category': "化工涂料", 'price': (20, 800, None)}),
    ('zh', "电钻", {'in_stock': True, 'lead_time_max': 5}),
    ('zh', "lwg", {'provinces': ['HE'], 'in_stock': True}),
    ('zh', "膨胀螺栓 M10", {'category': "紧固件", 'in_stock': True}),
    ('zh', "PPR给水管", {'provinces': ['GD'], 'price': (1, 100, 10)}),
    ('zh', "电缆", {'in_stock': True, 'provinces': ['JS']}),
    ('zh', "dianlan", {'category': "电线电缆/控制电缆", 'lead_time_max': 15}),
    ('en', "stainless steel hex bolt", {'category': "紧固件",
            'provinces': ['JS']}),
    ('en', "portland cement", {'in_stock': True, 'provinces': ['AH']}),
    ('en', "cement 42.5", {'price': (10, 800, 10), 'lead_time_max': 7}),
    ('en', "copper power cable", {'category': "电线电缆", 'in_stock': True}),
    ('en', "YJV", {'provinces': ['JS'], 'lead_time_max': 15}),
    ('en', "circuit breaker", {'price': (5, 300, 1), 'in_stock': True}),
    ('en', "ball valve", {'provinces': ['ZJ'], 'in_stock': True}),
    ('en', "gate valve DN100", {'category': "管道阀门", 'lead_time_max': 30}),
    ('en', "safety helmet", {'provinces': ['GD'], 'in_stock': True}),
    ('en', "nitrile gloves", {'price': (0, 50, 100), 'in_stock': True}),
    ('en', "rebar", {'provinces': ['HE'], 'price': (100, 5000, None)}),
    ('en', "angle grinder", {'in_stock': True, 'lead_time_max': 5}),
    ('en', "epoxy floor paint", {'category': "化工涂料", 'provinces': ['SD']}),
    ('en', "expansion anchor", {'in_stock': True, 'lead_time_max': 10}),
    ('en', "LED tube", {'price': (1, 100, 1), 'in_stock': True}),
    ('en', "waterproof membrane", {'provinces': ['SD'],
            'lead_time_max': 15}),
    ('en', "galvanized flange nut", {'category': "紧固件/螺母",
            'in_stock': True}),
    ('en', "hydraulic oil", {'price': (10, 2000, None), 'provinces': ['JS']}),
    ('en', "welding wire", {'in_stock': True, 'provinces': ['SD', 'HE']}),
    ('en', "M8", {'category': "紧固件", 'in_stock': True}),
    ]


# --- set-up -------------------------------------------------------------

def start(db, session):
    "Open the pool; session settings go to every connection via PGOPTIONS"
    if session:
        os.environ['PGOPTIONS'] = ' '.join(
            f'-c {name}={value}' for name, value in session.items())
    pool = Pool(db)
    pool.init()
    return pool


def ensure_buyer(db):
    "An approved buyer member the queries run as; return its id"
    pool = Pool(db)
    with Transaction().start(db, 0) as transaction:
        Member = pool.get('s2b2b.member')
        Party = pool.get('party.party')
        members = Member.search([('party.name', '=', BUYER)])
        if not members:
            party, = Party.create([{'name': BUYER}])
            members = Member.create([{'party': party.id, 'kind': 'buyer',
                        'state': 'approved'}])
            transaction.commit()
        return members[0].id


def resolve(db, queries):
    "Category paths to ids; return [(lang, text, filter values)]"
    pool = Pool(db)
    resolved = []
    with Transaction().start(db, 0):
        Category = pool.get('product.category')
        for lang, text, values in queries:
            values = dict(values)
            if 'category' in values:
                parent = None
                for name in values['category'].split('/'):
                    parent, = Category.search([
                            ('name', '=', name), ('parent', '=', parent)])
                values['category'] = parent.id
            resolved.append((lang, text, values))
    return resolved


def make_filters(values):
    from trytond.modules.s2b2b_catalog import search
    price_min = price_max = quantity = None
    if 'price' in values:
        low, high, quantity = values['price']
        price_min, price_max = Decimal(low), Decimal(high)
    return search.Filters(category=values.get('category'),
        provinces=values.get('provinces'), price_min=price_min,
        price_max=price_max, quantity=quantity,
        lead_time_max=values.get('lead_time_max'),
        in_stock=values.get('in_stock', False))


def stock_domain(text, values):
    "The stock client's search: rec_name ilike and the same filters"
    domain = [('rec_name', 'ilike', f'%{text}%')]
    if 'category' in values:
        domain.append(
            ('category', 'child_of', [values['category']], 'parent'))
    if 'provinces' in values:
        domain.append(('province', 'in', values['provinces']))
    if 'lead_time_max' in values:
        domain.append(('lead_time', '<=', values['lead_time_max']))
    if values.get('in_stock'):
        domain.append(('in_stock', '=', True))
    if 'price' in values:
        low, high, quantity = values['price']
        if quantity is None:
            domain += [('price_from', '>=', Decimal(low)),
                ('price_from', '<=', Decimal(high))]
        else:
            domain.append(('price_tiers', 'where', [
                        ('quantity', '<=', quantity),
                        ('unit_price', '>=', Decimal(low)),
                        ('unit_price', '<=', Decimal(high))]))
    return domain


# --- one request --------------------------------------------------------

def run_search(db, buyer, text, values):
    "search.run as the portal calls it; return (seconds, total, ids)"
    from trytond.modules.s2b2b_catalog import search
    from trytond.modules.s2b2b_platform.tenant import as_member
    started = time.perf_counter()
    with Transaction().start(db, 0, readonly=True), as_member(buyer):
        result = search.run(text, make_filters(values), limit=20)
    return time.perf_counter() - started, result.total, result.ids


def run_stock(db, buyer, text, values):
    "Listing.search + search_count as the stock client; (seconds, count)"
    from trytond.modules.s2b2b_platform.tenant import as_member
    pool = Pool(db)
    started = time.perf_counter()
    with Transaction().start(db, 0, readonly=True), as_member(buyer):
        Listing = pool.get('s2b2b.listing')
        domain = stock_domain(text, values) + Listing.visible_domain()
        Listing.search(domain, limit=20)
        count = Listing.search_count(domain)
    return time.perf_counter() - started, count


# --- measurements -------------------------------------------------------

def percentile(values, p):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def summary(seconds):
    ms = [s * 1000 for s in seconds]
    return {'n': len(ms), 'p50_ms': round(percentile(ms, 50), 2),
        'p95_ms': round(percentile(ms, 95), 2),
        'mean_ms': round(statistics.mean(ms), 2),
        'max_ms': round(max(ms), 2)}


def measure_latency(db, buyer, queries, rounds, runner, warm_up=True):
    "A warm-up pass, then rounds; return per-query timings and results"
    per_query = [[] for _ in queries]
    answers = [None] * len(queries)
    for round_ in range(rounds + warm_up):
        for i, (_, text, values) in enumerate(queries):
            seconds, *answers[i] = runner(db, buyer, text, values)
            if round_ or not warm_up:
                per_query[i].append(seconds)
    return per_query, answers


def worker(db, buyer, queries, session, seconds, seed, ready, go, out):
    start(db, session)
    rng = random.Random(seed)
    order = list(queries)
    run_search(db, buyer, order[0][1], order[0][2])
    ready.put(1)
    go.wait()
    done, times = 0, []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        rng.shuffle(order)
        for _, text, values in order:
            times.append(run_search(db, buyer, text, values)[0])
            done += 1
            if time.perf_counter() >= deadline:
                break
    out.put((done, times))


def measure_throughput(db, buyer, queries, session, workers, seconds):
    context = mp.get_context('spawn')
    ready, out = context.Queue(), context.Queue()
    go = context.Event()
    processes = [context.Process(target=worker, args=(db, buyer, queries,
                session, seconds, seed, ready, go, out))
        for seed in range(workers)]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get()
    started = time.perf_counter()
    go.set()
    results = [out.get() for _ in processes]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    done = sum(r[0] for r in results)
    times = sum((r[1] for r in results), [])
    return {'workers': workers, 'queries': done,
        'seconds': round(elapsed, 2), 'qps': round(done / elapsed, 1),
        **summary(times)}


# --- EXPLAIN --------------------------------------------------------------

def explain(db, buyer, text, values):
    "EXPLAIN (ANALYZE, BUFFERS) of the statements search.run sends"
    from trytond.backend.postgresql import database as pg
    statements = []
    original = pg.LoggingCursor.execute

    def capture(self, sql, args=None, *rest, **kwargs):
        statements.append((sql, args))
        return original(self, sql, args, *rest, **kwargs)
    pg.LoggingCursor.execute = capture
    try:
        run_search(db, buyer, text, values)
    finally:
        pg.LoggingCursor.execute = original
    plans = []
    with Transaction().start(db, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        for sql, args in statements:
            if not sql.lstrip().upper().startswith(('WITH', 'SELECT')) \
                    or 'page' not in sql:
                continue
            cursor.execute('EXPLAIN (ANALYZE, BUFFERS) ' + sql, args)
            plans.append('\n'.join(r[0] for r in cursor))
    return plans


# --- report -------------------------------------------------------------

def report(queries, search_times, search_answers, stock_times,
        stock_answers):
    rows = []
    print(f"{'#':>2} {'lang':4} {'query':26} {'hits':>7} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'stock hits':>10} {'stock p50':>10} {'ratio':>6}")
    for i, (lang, text, values) in enumerate(queries):
        s = summary(search_times[i])
        row = {'lang': lang, 'query': text,
            'filters': {k: v for k, v in values.items()},
            'hits': search_answers[i][0], 'search': s}
        line = (f"{i:>2} {lang:4} {text[:26]:26} {row['hits']:>7} "
            f"{s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f}")
        if stock_times:
            b = summary(stock_times[i])
            row.update(stock_hits=stock_answers[i][0], stock=b,
                ratio_p50=round(b['p50_ms'] / s['p50_ms'], 1))
            line += (f" {row['stock_hits']:>10} {b['p50_ms']:>10.1f} "
                f"{row['ratio_p50']:>6.1f}")
        print(line)
        rows.append(row)
    return rows


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--db', default=DEFAULT_DB)
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--seconds', type=float, default=20)
    parser.add_argument('--workers', default='2,4')
    parser.add_argument('--baseline-rounds', type=int, default=1,
        help="0 skips the stock search")
    parser.add_argument('--explain', type=int, default=3,
        help="print the plans of the N slowest queries")
    parser.add_argument('--work-mem', help="SET work_mem for the session")
    parser.add_argument('--jit', choices=['on', 'off'],
        help="SET jit for the session")
    parser.add_argument('--json-out')
    return parser.parse_args(argv)


def server_settings(db):
    with Transaction().start(db, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        settings = {}
        for name in ['server_version', 'shared_buffers', 'work_mem', 'jit',
                'effective_cache_size', 'max_parallel_workers_per_gather',
                'random_page_cost']:
            cursor.execute(f'SHOW {name}')
            settings[name] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM s2b2b_listing "
            "WHERE state = 'published'")
        settings['published_listings'] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM s2b2b_listing_price_tier")
        settings['price_tiers'] = cursor.fetchone()[0]
    return settings


def main(argv=None):
    args = parse_args(argv)
    session = {}
    if args.work_mem:
        session['work_mem'] = args.work_mem
    if args.jit:
        session['jit'] = args.jit
    start(args.db, session)
    buyer = ensure_buyer(args.db)
    queries = resolve(args.db, QUERIES)
    info = server_settings(args.db)
    info.update(session=session, cpus=os.cpu_count(),
        load_average=os.getloadavg())
    print(f"server: {info}", file=sys.stderr)

    search_times, search_answers = measure_latency(
        args.db, buyer, queries, args.rounds, run_search)
    stock_times = stock_answers = None
    if args.baseline_rounds:
        stock_times, stock_answers = measure_latency(
            args.db, buyer, queries, args.baseline_rounds,
            lambda *a: run_stock(*a) + (None,), warm_up=False)
    rows = report(queries, search_times, search_answers, stock_times,
        stock_answers)

    overall = summary(sum(search_times, []))
    results = {'info': info, 'queries': rows, 'search_latency': overall,
        'search_latency_by_lang': {lang: summary(sum((t for (l, _, _), t in
                        zip(queries, search_times) if l == lang), []))
            for lang in ['zh', 'en']},
        'non_empty': sum(1 for a in search_answers if a[0]),
        'throughput': []}
    print(f"\nsearch.run latency (1 process, {args.rounds} rounds x "
        f"{len(queries)} queries): p50 {overall['p50_ms']} ms, "
        f"p95 {overall['p95_ms']} ms, max {overall['max_ms']} ms; "
        f"non-empty {results['non_empty']}/{len(queries)}")
    if stock_times:
        stock = summary(sum(stock_times, []))
        results['stock_latency'] = stock
        results['ratio'] = {
            'p50': round(stock['p50_ms'] / overall['p50_ms'], 1),
            'p95': round(stock['p95_ms'] / overall['p95_ms'], 1),
            'mean': round(stock['mean_ms'] / overall['mean_ms'], 1),
            'per_query_median': statistics.median(
                r['ratio_p50'] for r in rows)}
        print(f"stock search+count latency: p50 {stock['p50_ms']} ms, "
            f"p95 {stock['p95_ms']} ms, max {stock['max_ms']} ms; "
            f"ratio {results['ratio']}")
    for workers in [int(w) for w in args.workers.split(',') if w]:
        figures = measure_throughput(args.db, buyer, queries, session,
            workers, args.seconds)
        results['throughput'].append(figures)
        print(f"throughput, {workers} processes: {figures['qps']} q/s "
            f"(p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms)")

    slowest = sorted(range(len(queries)),
        key=lambda i: -statistics.median(search_times[i]))[:args.explain]
    results['explained'] = []
    for i in slowest:
        _, text, values = queries[i]
        plans = explain(args.db, buyer, text, values)
        print(f"\n--- EXPLAIN #{i} {text!r} {values}")
        for plan in plans:
            print(plan)
        results['explained'].append({'query': text, 'plans': plans})
    print(json.dumps({k: results[k] for k in results
                if k not in {'queries', 'explained'}}))
    if args.json_out:
        with open(args.json_out, 'w') as f:
            json.dump(results, f, indent=1, ensure_ascii=False, default=str)


if __name__ == '__main__':
    main()
