#!/usr/bin/env python3
# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Portal and member API under concurrent clients, on PostgreSQL.

Sets up a PostgreSQL database with the platform and its demo data, serves
it the production way (gunicorn, one worker process per core, [queue]
worker on), logs a portal user in and creates an API key, then drives
10 concurrent keep-alive clients with wrk (Debian package) against:

- the member's portal home page (session cookie), target p95 <= 50 ms;
- an authenticated API GET (/member), target >= 300 requests/s.

Prints p50/p95/p99 latency and requests/s per target, and one JSON line
each (--json-out writes them to a file).

    .venv/bin/python bench/portal_load.py [--seconds 20] [--clients 10]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_URI = 'postgresql://postgres@127.0.0.1:5432/'
DEMO_PASSWORD = 'demo2026!'
MODULES = ['s2b2b_platform', 's2b2b_portal']


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=PG_URI)
    parser.add_argument('--db', default='s2b2b_bench_portal')
    parser.add_argument('--seconds', type=int, default=20)
    parser.add_argument('--clients', type=int, default=10)
    parser.add_argument('--workers', type=int, default=os.cpu_count() or 2)
    parser.add_argument('--port', type=int, default=8765)
    parser.add_argument('--keep', action='store_true')
    parser.add_argument('--json-out')
    return parser.parse_args(argv)


def environ(options, tmp):
    env = dict(os.environ)
    env.update({
            'TRYTOND_DATABASE__URI': options.uri,
            'TRYTOND_DATABASE__PATH': str(tmp),
            'TRYTOND_QUEUE__WORKER': 'True',
            'TRYTOND_EMAIL__URI': 'smtp://127.0.0.1:1',
            'TRYTOND_S2B2B_PORTAL__ASSETS':
            str(ROOT / 'var' / 'portal' / 'node_modules'),
            'TRYTOND_DATABASE_NAMES': options.db,
            'TRYTONPASSFILE': str(tmp / 'pw'),
            })
    return env


def run(env, *args):
    subprocess.run([str(BIN / args[0]), *args[1:]], env=env, check=True,
        cwd=ROOT, stdout=subprocess.DEVNULL)


def setup_database(options, env):
    import psycopg
    with psycopg.connect(options.uri + 'postgres', autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{options.db}"')
        conn.execute(f'CREATE DATABASE "{options.db}"')
    run(env, 'trytond-admin', '-d', options.db, '--all', '-u', *MODULES,
        '--activate-dependencies', '-l', 'zh_CN', '--email', 'a@example.com')
    run(env, 's2b2b', '-d', options.db, 'demo')


def serve(options, env, tmp):
    "gunicorn with trytond's WSGI application, one process per core"
    log = open(tmp / 'gunicorn.log', 'w')
    process = subprocess.Popen([str(BIN / 'gunicorn'),
            '--bind', f'127.0.0.1:{options.port}',
            '--workers', str(options.workers), '--threads', '1',
            '--worker-class', 'sync', '--keep-alive', '30',
            'trytond.application:app'], env=env, cwd=ROOT,
        stdout=log, stderr=log)
    base = f'http://127.0.0.1:{options.port}/{options.db}'
    for _ in range(120):
        try:
            urllib.request.urlopen(base + '/s2b2b/api/v1/health', timeout=2)
            return process, base
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError((tmp / 'gunicorn.log').read_text()[-3000:])


def login(base, email):
    "Log in through the portal form; return the session cookie header"
    jar = CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + '/portal/login').read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({'email': email, 'password': DEMO_PASSWORD,
            'csrf_token': token, 'next': f'/{base.rsplit("/", 1)[1]}/portal/'})
    opener.open(base + '/portal/login', data.encode())
    cookies = {c.name: c.value for c in jar}
    return f"s2b2b_session={cookies['s2b2b_session']}"


WRK_THREADS = 2


def ensure_wrk():
    if shutil.which('wrk'):
        return
    if os.geteuid() != 0:
        sys.exit("wrk is missing: apt-get install -y wrk")
    subprocess.run(['apt-get', 'install', '-y', '-qq', 'wrk'], check=True,
        stdout=subprocess.DEVNULL)


def wrk(options, url, header, seconds, script=None):
    """Drive the URL with wrk for some seconds; return its JSON report
    (script: a Lua script of the requests ending with wrk_report.lua's)"""
    script = script or ROOT / 'bench' / 'wrk_report.lua'
    command = ['wrk', '-t', str(WRK_THREADS), '-c', str(options.clients),
        '-d', f'{seconds}s', '-H', header, '-s', str(script), url]
    output = subprocess.run(command, check=True, capture_output=True,
        text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def report(name, result, target):
    line = {'bench': 'portal_load', 'target': name,
        'p50_ms': round(result['p50_us'] / 1000, 2),
        'p95_ms': round(result['p95_us'] / 1000, 2),
        'p99_ms': round(result['p99_us'] / 1000, 2),
        'rps': result['rps'], 'requests': result['requests'],
        'non_2xx': result['non_2xx'], 'errors': result['errors'],
        'goal': target}
    print(f"{name:<16} p50 {line['p50_ms']:7.2f} ms   p95 "
        f"{line['p95_ms']:7.2f} ms   p99 {line['p99_ms']:7.2f} ms   "
        f"{line['rps']:8.1f} req/s   ({target})")
    return line


CREATE_KEY = """
import sys
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond import config
config.update_etc()
Pool.start()
pool = Pool(sys.argv[1]); pool.init()
with Transaction().start(sys.argv[1], 0) as transaction:
    WebUser = pool.get('web.user')
    ApiKey = pool.get('s2b2b.api.key')
    user, = WebUser.search([('email', '=', sys.argv[2])])
    _, token = ApiKey.generate(user.s2b2b_member, 'bench', ['member:read'],
        created_by=user)
    transaction.commit()
print(token)
"""


def api_key(options, env, email):
    return subprocess.run([sys.executable, '-c', CREATE_KEY, options.db,
            email], env=env, check=True, capture_output=True, cwd=ROOT,
        text=True).stdout.strip().splitlines()[-1]


def approved_admin(options, env):
    "The e-mail of an approved member's admin in the demo data"
    import psycopg
    with psycopg.connect(options.uri + options.db) as conn:
        return conn.execute("""
            SELECT u.email FROM web_user u
            JOIN s2b2b_member m ON m.id = u.s2b2b_member
            WHERE m.state = 'approved' AND u.s2b2b_roles::text LIKE '%admin%'
            ORDER BY u.id LIMIT 1""").fetchone()[0]


def measure(options, base, cookie, token):
    targets = [
        ('portal home', base + '/portal/', f'Cookie: {cookie}',
            'p95 <= 50 ms'),
        ('API GET /member', base + '/s2b2b/api/v1/member',
            f'Authorization: Bearer {token}', '>= 300 req/s'),
        ]
    lines = []
    for name, url, header, goal in targets:
        wrk(options, url, header, 3)  # warm every worker's caches
        lines.append(report(name, wrk(options, url, header,
                    options.seconds), goal))
    return lines


def main(argv=None):
    options = parse(argv)
    ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix='s2b2b-bench-'))
    (tmp / 'pw').write_text('admin\n')
    env = environ(options, tmp)
    setup_database(options, env)
    email = approved_admin(options, env)
    token = api_key(options, env, email)
    process, base = serve(options, env, tmp)
    try:
        cookie = login(base, email)
        print(f"{options.clients} clients, {options.seconds} s per target, "
            f"gunicorn x {options.workers} workers, PostgreSQL")
        lines = measure(options, base, cookie, token)
    finally:
        process.terminate()
        process.wait(timeout=30)
    for line in lines:
        print(json.dumps(line))
    if options.json_out:
        Path(options.json_out).write_text(
            '\n'.join(json.dumps(line) for line in lines) + '\n')
    if not options.keep:
        import psycopg
        with psycopg.connect(options.uri + 'postgres',
                autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{options.db}"')
    return 0 if all(not l['non_2xx'] and not l['errors']
        for l in lines) else 1


if __name__ == '__main__':
    sys.exit(main())
