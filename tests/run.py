#!/usr/bin/env python3
# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Run the whole test suite on one database backend.

    python tests/run.py [--backend sqlite|postgresql] [--all] [-k PATTERN]
        [names]

Module tests (addons/*/tests/test_*.py, doctest scenarios included) run
through unittest, which honours their ``load_tests``; cross-module tests
live in this folder.  SQLite runs every test; PostgreSQL runs those where
the backend makes a difference (POSTGRESQL below), or all with --all.  Template databases are cached (DB_CACHE) so that a
second run skips module activation.  The last line is the summary CI
reads: ``N passed, N failed, N skipped``.
"""
import argparse
import hashlib
import os
import socket
import sys
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URI = 'postgresql://postgres@127.0.0.1:5432/'


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--backend', choices=['sqlite', 'postgresql'],
        default=os.environ.get('S2B2B_TEST_BACKEND', 'sqlite'))
    parser.add_argument('-k', dest='patterns', action='append',
        help="only run tests whose name contains this pattern")
    parser.add_argument('--all', dest='everything', action='store_true',
        help="on PostgreSQL too, every test (default: those of POSTGRESQL)")
    parser.add_argument('-v', '--verbose', action='store_true')
    parser.add_argument('names', nargs='*',
        help="dotted test names (default: every test)")
    return parser.parse_args(argv)


def fingerprint():
    "Hash of everything that shapes a database: cached ones must match it"
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob('addons/**/*')):
        if path.suffix in {'.py', '.xml', '.cfg', '.po'}:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _drop_stale_templates(uri, fingerprint):
    """Drop the template databases of an older code (DB_CACHE=postgresql://
    names them after the module list only)."""
    import psycopg
    stamp = ROOT / 'var' / 'test-cache' / 'postgresql.fingerprint'
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    with psycopg.connect(uri + 'postgres', autocommit=True) as connection:
        names = [n for n, in connection.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'test-%'")]
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint)


def _environment(backend):
    "Point trytond's test machinery at the backend; cache templates"
    code = fingerprint()
    cache = ROOT / 'var' / 'test-cache' / f'{backend}-{code}'
    if backend == 'postgresql':
        uri = os.environ.get('S2B2B_TEST_DATABASE_URI', PG_URI)
        os.environ['TRYTOND_DATABASE__URI'] = uri
        # One database per run: concurrent runs must not drop each other's
        os.environ.setdefault('DB_NAME', f'test_s2b2b_{os.getpid()}')
        if os.environ.get('S2B2B_TEST_PG_DUMPS'):
            # Template databases are shared by every checkout testing on
            # the server: with several at once, each keeps its own dumps
            cache.mkdir(parents=True, exist_ok=True)
            os.environ.setdefault('DB_CACHE', str(cache))
        elif os.environ.setdefault('DB_CACHE', 'postgresql://').startswith(
                'postgresql://'):
            _drop_stale_templates(uri, code)
    else:
        os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
        os.environ.setdefault('DB_NAME', ':memory:')
        cache.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault('DB_CACHE', str(cache))
        _no_cache_sync()
    _smtp_sink()


def _no_cache_sync():
    """The in-memory database has one connection: Tryton's cache sync,
    due every clean_timeout (300 s) at a transaction start, asks it for
    autocommit, and sqlite3 then commits the open transaction, so a
    test's records outlived it (a later test's members duplicated) in
    runs longer than the timeout.  One process, one database: nothing to
    sync.  Set in this process only, not for the live servers"""
    from trytond import config
    config.set('cache', 'clean_timeout', str(10 ** 9))


def _smtp_sink():
    "Mails of the tests go to a local SMTP server that discards them"
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    Controller(Sink(), hostname='127.0.0.1', port=port).start()
    os.environ.setdefault('TRYTOND_EMAIL__URI', f'smtp://127.0.0.1:{port}')
    os.environ.setdefault('TRYTOND_EMAIL__RETRY', '0')


# What PostgreSQL runs by default: where the behaviour differs from
# SQLite (search, locking and concurrency, sealed reads in SQL, record
# rules, HTTP under the real backend, the browser on the catalog).  The
# rest is backend-neutral Python and runs on SQLite; --all runs it all.
POSTGRESQL = {
    's2b2b_platform': None, 's2b2b_catalog': None,
    's2b2b_procurement': {'test_intake', 'test_order',
        'test_order_committed', 'test_tender', 'test_sealing', 'test_rfq',
        'test_signing'},
    'tests': {'test_api', 'test_http', 'test_portal', 'test_sweep',
        'test_catalog_api', 'test_catalog_buyer_portal',
        'test_catalog_supplier_portal', 'test_catalog_browser',
        'test_procurement_api', 'test_tender_api', 'test_order_api',
        'test_contract_api'},
    }


def _selected(folder, stem, backend, everything):
    if backend != 'postgresql' or everything:
        return True
    if folder not in POSTGRESQL:
        return False
    stems = POSTGRESQL[folder]
    return stems is None or stem in stems


def _test_names(backend='sqlite', everything=True):
    names = []
    for path in sorted(ROOT.glob('addons/*/tests/test_*.py')):
        module = path.parent.parent.name
        if _selected(module, path.stem, backend, everything):
            names.append(f'trytond.modules.{module}.tests.{path.stem}')
    for path in sorted((ROOT / 'tests').glob('test_*.py')):
        if _selected('tests', path.stem, backend, everything):
            names.append(path.stem)
    return names


class TimedResult(unittest.TextTestResult):
    """Wall time per test class, set-up included: the time from the end of
    the previous test to the end of the class's last test"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.class_times = {}
        self._mark = time.monotonic()

    def stopTest(self, test):
        super().stopTest(test)
        now = time.monotonic()
        name = type(test).__module__.rsplit('.', 1)[-1] + '.' + (
            type(test).__name__)
        self.class_times[name] = self.class_times.get(name, 0) + (
            now - self._mark)
        self._mark = now


def _print_slowest(result, count=12):
    slowest = sorted(result.class_times.items(), key=lambda i: -i[1])
    print("Slowest test classes (set-up included):")
    for name, seconds in slowest[:count]:
        print(f"  {seconds:7.1f} s  {name}")


def main(argv=None):
    options = _parse(argv)
    _environment(options.backend)
    sys.path.insert(0, str(ROOT / 'tests'))
    loader = unittest.TestLoader()
    if options.patterns:
        loader.testNamePatterns = [f'*{p}*' for p in options.patterns]
    suite = loader.loadTestsFromNames(options.names or _test_names(
            options.backend, options.everything))
    print(f"Backend: {options.backend}, "
        f"{suite.countTestCases()} tests", flush=True)
    start = time.monotonic()
    result = unittest.TextTestRunner(
        verbosity=2 if options.verbose else 1, stream=sys.stdout,
        resultclass=TimedResult).run(suite)
    _print_slowest(result)
    failed = len(result.failures) + len(result.errors) + len(
        result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = max(result.testsRun - failed - skipped, 0)
    print(f"[{options.backend}] {time.monotonic() - start:.0f} s")
    print(f"{options.backend}: {passed} passed, {failed} failed, "
        f"{skipped} skipped")
    return 1 if failed or not result.testsRun else 0


if __name__ == '__main__':
    sys.exit(main())
