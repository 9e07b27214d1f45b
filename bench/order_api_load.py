#!/usr/bin/env python3
"""Order intake through the member API under concurrent buyers, on
PostgreSQL: ``POST /s2b2b/api/v1/orders`` validated, stock reserved,
persisted and its processing queued, answered 201.

Set-up (untimed, ``_orders.py``): the procurement database with the
platform company's accounting, 10 suppliers × 20 published listings in
stock and 20 buyers, each with an ``orders:write`` API key of its
purchaser.  The server runs the production way (gunicorn, one sync worker
per core, ``[queue] worker`` on so that requests only queue the sale
creation; no worker drains it during the run), mails to a local sink.

wrk (Debian package) drives 20 keep-alive connections (one buyer each,
by default), every request an order of two lines of random listings and
quantities.  Afterwards the orders are counted in the database against the
201 answers and the stock taken is checked against the orders' lines.

Two ways to load it:

- as fast as answered (default): each buyer sends its next order when
  the last is answered; this finds the most orders/s, and the latency is
  then mostly queueing (20 buyers / N orders/s on average);
- ``--rate R``: the 20 buyers send R orders/s together on a schedule
  (wrk's ``delay``), the latency of intake at that rate.

Prints orders/s, p50/p95/p99 and one JSON line; target ≥ 100 orders/s,
p95 ≤ 100 ms on 2 cores.

    .venv/bin/python bench/order_api_load.py [--seconds 20] [--clients 20]
        [--rate 100] [--workers 2] [--reuse]
        [--json-out bench/results/order_api_load.json]
"""
import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault(
    'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')

import _orders  # noqa: E402
import portal_load  # noqa: E402

SMTP = _orders.smtp_sink()
LUA = """
-- one buyer's key per connection, two random lines per order
local keys = {%(keys)s}
local listings = {%(listings)s}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  math.randomseed(id * 7919)
end
local n = 0
request = function()
  n = n + 1
  local key = keys[((id - 1) * 1000 + n) %% #keys + 1]
  local a = listings[math.random(#listings)]
  local b = listings[math.random(#listings)]
  while b == a do b = listings[math.random(#listings)] end
  local body = string.format(
    '{"lines": [{"listing": %%d, "quantity": %%d}, ' ..
    '{"listing": %%d, "quantity": %%d}]}',
    a, math.random(1, 50), b, math.random(1, 50))
  return wrk.format("POST", "%(path)s", {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json"}, body)
end
"""
# --rate: each wrk thread sends its requests on a fixed schedule (its share
# of the rate), the buyers' connections taking turns; a request whose slot
# has passed goes at once
PACE = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } s2b2b_timeval;
int gettimeofday(s2b2b_timeval *tv, void *tz);
]]
local tv = ffi.new("s2b2b_timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end
local interval = %(interval)f
local next_at = nil
delay = function()
  local now = now_ms()
  if next_at == nil then next_at = now end
  next_at = math.max(next_at + interval, now)
  return math.max(0, next_at - now)
end
"""


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=_orders.PG_URI)
    parser.add_argument('--db', default='s2b2b_bench_order_api')
    parser.add_argument('--seconds', type=int, default=20)
    parser.add_argument('--clients', type=int, default=20)
    parser.add_argument('--workers', type=int, default=os.cpu_count() or 2)
    parser.add_argument('--rate', type=float,
        help="orders/s the buyers send together, on a schedule (default: "
        "as fast as answered)")
    parser.add_argument('--port', type=int, default=8766)
    parser.add_argument('--reuse', action='store_true',
        help="reuse the database and keys of an earlier --reuse run")
    parser.add_argument('--json-out')
    return parser.parse_args(argv)


def prepare(options, env, tmp):
    "Database, fixture and one API key per buyer; saved for --reuse"
    saved = tmp / 'fixture.json'
    if options.reuse and saved.exists():
        return json.loads(saved.read_text())
    _orders.create_database(options.uri, options.db, env)
    from trytond import config
    config.update_etc()
    from trytond.pool import Pool
    Pool.start()
    Pool(options.db).init()
    fixture = _orders.populate(options.db)
    from _flow_stock import in_transaction

    def keys():
        pool = Pool(options.db)
        ApiKey = pool.get('s2b2b.api.key')
        WebUser = pool.get('web.user')
        Member = pool.get('s2b2b.member')
        return [ApiKey.generate(Member(buyer), 'bench', ['orders:write'],
                created_by=WebUser(user))[1]
            for buyer, user in fixture.purchasers]
    data = {'company': fixture.company, 'listings': fixture.listings,
        'keys': in_transaction(options.db, 0, keys)}
    saved.write_text(json.dumps(data))
    return data


def counts(options):
    "Orders recorded, and whether the stock taken matches their lines"
    import psycopg
    with psycopg.connect(options.uri + options.db) as conn:
        orders, = conn.execute('SELECT count(*) FROM s2b2b_order').fetchone()
        taken = {}
        for lines, in conn.execute('SELECT lines FROM s2b2b_order'):
            for line in json.loads(lines):
                taken[line['listing']] = taken.get(
                    line['listing'], 0) + line['quantity']
        stock = dict(conn.execute(
                'SELECT id, %s - available_quantity FROM s2b2b_listing',
                (_orders.STOCK,)).fetchall())
    consistent = all(abs(stock.get(l, 0) - q) < 1e-6
        for l, q in taken.items()) and sum(stock.values()) == sum(
        taken.values())
    return orders, consistent


def main(argv=None):
    options = parse(argv)
    portal_load.ensure_wrk()
    tmp = Path(tempfile.gettempdir()) / 's2b2b-bench' / options.db
    tmp.mkdir(parents=True, exist_ok=True)
    env = _orders.environ(options.uri, tmp, options.db)
    env['TRYTOND_QUEUE__WORKER'] = 'True'
    os.environ.update(env)
    data = prepare(options, env, tmp)
    before, _ = counts(options)
    script = tmp / 'orders.lua'
    script.write_text(LUA % {
            'keys': ', '.join(f'"{k}"' for k in data['keys']),
            'listings': ', '.join(map(str, data['listings'])),
            'path': f'/{options.db}/s2b2b/api/v1/orders'}
        + (PACE % {'interval': 1000 * portal_load.WRK_THREADS / options.rate}
            if options.rate else '')
        + (Path(__file__).parent / 'wrk_report.lua').read_text())
    process, base = portal_load.serve(options, env, tmp)
    try:
        url = base + '/s2b2b/api/v1/orders'
        portal_load.wrk(options, url, 'X-Bench: warm-up', 3, script)
        warm, _ = counts(options)
        result = portal_load.wrk(options, url, 'X-Bench: run',
            options.seconds, script)
    finally:
        process.terminate()
        process.wait(timeout=30)
    after, consistent = counts(options)
    line = portal_load.report('POST /orders', result,
        '>= 100 orders/s, p95 <= 100 ms')
    line.update({'bench': 'order_api_load', 'clients': options.clients,
            'rate_offered': options.rate,
            'workers': options.workers, 'orders_recorded': after - warm,
            'stock_consistent': consistent})
    accepted = result['requests'] - result['non_2xx']
    print(f"{options.clients} buyers, gunicorn x {options.workers}: "
        f"{accepted} orders accepted in {result['seconds']:.1f} s "
        f"({accepted / result['seconds']:.1f} orders/s), "
        f"{after - warm} recorded, {before} before; stock taken "
        f"{'matches' if consistent else 'DOES NOT match'} the orders")
    print(json.dumps(line))
    if options.json_out:
        Path(options.json_out).write_text(json.dumps(line) + '\n')
    return 0 if consistent and not result['non_2xx'] and (
        after - warm == accepted) else 1


if __name__ == '__main__':
    sys.exit(main())
