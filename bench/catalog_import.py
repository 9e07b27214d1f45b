#!/usr/bin/env python3
"""Catalog bulk import benchmark: a 10k-row XLSX of supplier listings.

What is measured
----------------
End to end, as the portal does it: ``s2b2b.listing.import.start`` in one
transaction (reads and checks the file, stores it, queues the work since
the file is larger than the immediate limit) and its commit, then the queue
task run the way trytond runs it without a worker (``run_task``: validate
every row, create the 10k draft listings with their price tiers and
specifications, store the result).  Every listing is checked afterwards.
The figures also split out the stages: start, validation (rows checked
with their database lookups) and saving.

Setup (untimed): a database with ``s2b2b_catalog`` activated, a CNY
company, an approved supplier and the test catalog (cement and cable
categories with their specifications).  The file mixes both categories,
with 2 price tiers, specifications, province and stock on every row.

Target: 10,000 rows in at most 60 s on PostgreSQL and SQLite.

Usage::

    .venv/bin/python bench/catalog_import.py [--rows 10000]
        [--backend postgresql|sqlite|both] [--keep]
        [--json-out bench/results/catalog_import.json]
"""
import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URI = 'postgresql://postgres@127.0.0.1:5432/'
DEFAULT_DB = 's2b2b_bench_import'
TARGET_SECONDS = 60


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=10000)
    parser.add_argument('--backend', default='postgresql',
        choices=['postgresql', 'sqlite', 'both'])
    parser.add_argument('--db', default=DEFAULT_DB)
    parser.add_argument('--keep', action='store_true',
        help="keep the PostgreSQL database afterwards")
    parser.add_argument('--json-out')
    parser.add_argument('--profile', action='store_true',
        help="print the 60 costliest functions (cProfile)")
    parser.add_argument('--profile-out', default='catalog_import.prof',
        help="where --profile writes its pstats file")
    return parser.parse_args(argv)


def run(backend_name, options):
    "Set up a database, import the file once and return the figures"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.worker import run_task
    from trytond.modules.s2b2b_catalog import listing_import

    name = create_database(backend_name, options.db)
    try:
        member_id = in_transaction(name, setup)
        data = make_file(options.rows)
        stages = {}
        patch_stages(listing_import.ListingImport, stages)
        profiler = None
        if options.profile:
            import cProfile
            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        with Transaction().start(name, 0) as transaction:
            ListingImport = Pool().get('s2b2b.listing.import')
            Member = Pool().get('s2b2b.member')
            import_ = ListingImport.start(
                Member(member_id), 'bench.xlsx', data)
            import_id = import_.id
            tasks = list(transaction.tasks)
            transaction.tasks.clear()
            transaction.commit()
        stages['start'] = time.perf_counter() - started
        for task_id in tasks:
            run_task(Pool(name), task_id)
        seconds = time.perf_counter() - started
        if profiler:
            import pstats
            profiler.disable()
            profiler.dump_stats(options.profile_out)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats(
                'cumulative').print_stats(60)
            pstats.Stats(profiler, stream=sys.stderr).print_callers(
                'modelsql.py.*\(search\)')
        result = in_transaction(name, lambda: verify(import_id, member_id))
    finally:
        drop_database(backend_name, name, options.keep)
    return {
        'benchmark': 'catalog_import', 'backend': backend_name,
        'rows': options.rows, 'seconds': round(seconds, 2),
        'rows_per_second': round(options.rows / seconds, 1),
        'file_bytes': len(data),
        'stages': {k: round(v, 2) for k, v in stages.items()},
        'target_seconds': TARGET_SECONDS,
        'within_target': seconds <= TARGET_SECONDS,
        **result,
        }


def create_database(backend_name, name):
    "An empty database with the catalog module activated"
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if backend_name == 'sqlite':
        name = 'bench_import'
        path = Path(os.environ['TRYTOND_DATABASE__PATH'])
        (path / f'{name}.sqlite').touch()
    else:
        drop_database(backend_name, name, False)
        database = backend.Database()
        connection = database.get_connection(autocommit=True)
        try:
            database.create(connection, name)
        finally:
            database.put_connection(connection)
            database.close()
    backend.Database(name).init()
    Pool(name).init(update=['res', 'ir'], lang=['en'])
    with Transaction().start(name, 0) as transaction:
        pool = Pool()
        pool.get('ir.module').update_list()
        Module = pool.get('ir.module')
        Module.activate(Module.search([('name', '=', 's2b2b_catalog')]))
        transaction.commit()
        Upgrade = pool.get('ir.module.activate_upgrade', type='wizard')
        session_id, _, _ = Upgrade.create()
        transaction.commit()
        Upgrade(session_id).transition_upgrade()
        Upgrade.delete(session_id)
    return name


def drop_database(backend_name, name, keep):
    from trytond import backend
    from trytond.pool import Pool
    if backend_name == 'sqlite' or keep:
        return
    if name not in backend.Database().list():
        return
    Pool.stop(name)
    backend.Database(name).close()
    database = backend.Database()
    connection = database.get_connection(autocommit=True)
    try:
        database.drop(connection, name)
    finally:
        database.put_connection(connection)
        database.close()


def in_transaction(name, func):
    from trytond.transaction import Transaction
    with Transaction().start(name, 0) as transaction:
        result = func()
        transaction.commit()
    return result


def setup():
    "Company, approved supplier and catalog; return the supplier id"
    from trytond.modules.company.tests import create_company
    from trytond.modules.currency.tests import create_currency
    from trytond.modules.s2b2b_platform.tests.tools import (
        create_document_types, create_member)
    from trytond.modules.s2b2b_catalog.tests.tools import create_catalog
    create_company(name="Platform", currency=create_currency('CNY'))
    create_document_types()
    member = create_member("Bench Supplier", 42, kind='supplier')
    create_catalog()
    return member.id


def make_file(count):
    "XLSX bytes of count listings of both categories"
    from trytond.modules.s2b2b_catalog import importing
    provinces = ['江苏', 'Zhejiang', 'GD', '山东']
    rows = []
    for i in range(count):
        cement = i % 3
        row = {
            'reference': f'BENCH-{i:06d}',
            'name': f"普通硅酸盐水泥 {i}" if cement else f"铜芯电缆 {i}",
            'name_en': f"Cement {i}" if cement else f"Copper cable {i}",
            'category': "建材 / 水泥" if cement else "Cable",
            'brand': "海螺" if cement else "远东",
            'model': f'M-{i % 97}',
            'uom': 'u',
            'tiers': f'1:{500 + i % 50}; 100:{450 + i % 50}',
            'moq': '1', 'order_multiple': '1', 'lead_time': str(i % 30),
            'province': provinces[i % 4], 'city': "苏州",
            'available_quantity': str(i % 1000),
            'low_stock_threshold': '10',
            'carbon_footprint': '0.8', 'carbon_source': "EPD",
            'valid_from': '2025-01-01', 'valid_to': '',
            'description': "出厂检验合格，附质检报告。",
            'specs': ('grade=42.5; bag_weight=50' if cement
                else 'voltage=380; copper=yes'),
            }
        rows.append(row)
    return importing.export(rows, 'xlsx', 'zh_CN')


def patch_stages(ListingImport, stages):
    "Time the validation and saving stages of the import"
    original_save = ListingImport._save
    original_run = ListingImport._run

    def _save(self, results):
        started = time.perf_counter()
        try:
            return original_save(self, results)
        finally:
            stages['save'] = time.perf_counter() - started

    def _run(self):
        started = time.perf_counter()
        try:
            return original_run(self)
        finally:
            stages['process'] = time.perf_counter() - started
            stages['validate'] = stages['process'] - stages.get('save', 0)
    ListingImport._save = _save
    ListingImport._run = _run


def verify(import_id, member_id):
    "Every row became a draft listing with its tiers; return counts"
    from trytond.pool import Pool
    pool = Pool()
    ListingImport = pool.get('s2b2b.listing.import')
    Listing = pool.get('s2b2b.listing')
    Tier = pool.get('s2b2b.listing.price_tier')
    import_ = ListingImport(import_id)
    if import_.state != 'done':
        sys.exit(f"import {import_.state}: {import_.message}")
    listings = Listing.search_count([
            ('supplier', '=', member_id), ('state', '=', 'draft'),
            ('price_from', '!=', None)])
    tiers = Tier.search_count([('listing.supplier', '=', member_id)])
    if listings != import_.total_rows or tiers != 2 * listings:
        sys.exit(f"verification failed: {listings} listings, {tiers} tiers")
    return {'listings': listings, 'tiers': tiers,
        'created': import_.created_count}


def main(argv=None):
    options = _parse(argv)
    backends = (['postgresql', 'sqlite'] if options.backend == 'both'
        else [options.backend])
    results = []
    for backend_name in backends:
        # trytond reads its configuration once: one process per backend
        if len(backends) > 1:
            import subprocess
            args = [sys.executable, __file__, '--backend', backend_name,
                '--rows', str(options.rows), '--db', options.db]
            output = subprocess.run(args, check=True, capture_output=True,
                text=True).stdout
            results.append(json.loads(output.strip().splitlines()[-1]))
            continue
        with tempfile.TemporaryDirectory() as path:
            configure(backend_name, path)
            results.append(run(backend_name, options))
    for result in results:
        print(f"{result['backend']}: {result['rows']} rows in "
            f"{result['seconds']} s ({result['rows_per_second']} rows/s; "
            f"stages {result['stages']}); target ≤ {TARGET_SECONDS} s: "
            f"{'met' if result['within_target'] else 'MISSED'}",
            file=sys.stderr)
        print(json.dumps(result))
    if options.json_out:
        Path(options.json_out).write_text(
            json.dumps(results, indent=2) + '\n')


def configure(backend_name, path):
    if backend_name == 'sqlite':
        os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
        os.environ['TRYTOND_DATABASE__PATH'] = path
    else:
        os.environ.setdefault('TRYTOND_DATABASE__URI', PG_URI)
    os.environ.setdefault('TRYTOND_DATABASE__PATH', path)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger('trytond').setLevel(logging.ERROR)


if __name__ == '__main__':
    main()
