"""The order benchmarks' database: a PostgreSQL database with the
procurement module, the platform company's accounting, suppliers with
published listings in stock and buyers with purchasers (untimed set-up).
"""
import os
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_URI = 'postgresql://postgres@127.0.0.1:5432/'
MODULES = ['s2b2b_portal']
STOCK = 10 ** 7


def smtp_sink():
    """Mails of the benchmark (notifications, sent when a transaction
    commits) go to a local SMTP server that accepts and discards them, as
    a relay next to the server would; call before trytond is imported"""
    import socket
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    controller = Controller(Sink(), hostname='127.0.0.1', port=port)
    controller.start()
    os.environ['TRYTOND_EMAIL__URI'] = f'smtp://127.0.0.1:{port}'
    return controller


def environ(uri, tmp, db):
    env = dict(os.environ)
    env.update({
            'TRYTOND_DATABASE__URI': uri,
            'TRYTOND_DATABASE__PATH': str(tmp),
            'TRYTOND_EMAIL__URI': os.environ.get(
                'TRYTOND_EMAIL__URI', 'smtp://127.0.0.1:1'),
            'TRYTOND_DATABASE_NAMES': db,
            'TRYTONPASSFILE': str(tmp / 'pw'),
            'TRYTOND_S2B2B_PORTAL__ASSETS':
            str(ROOT / 'var' / 'portal' / 'node_modules'),
            })
    (tmp / 'pw').write_text('admin\n')
    return env


def create_database(uri, db, env):
    "A new database with the modules activated (trytond-admin)"
    import psycopg
    with psycopg.connect(uri + 'postgres', autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"')
    subprocess.run([str(BIN / 'trytond-admin'), '-d', db, '--all', '-u',
            *MODULES, '--activate-dependencies', '--email',
            'admin@example.com'], env=env, check=True, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def populate(db, suppliers=10, listings=20, buyers=20, seed=5):
    """Company and accounting, members, listings; return the ids the
    benchmarks use (a SimpleNamespace)"""
    from trytond.modules.company.tests import create_company, set_company
    from trytond.modules.currency.tests import create_currency
    from trytond.modules.s2b2b_catalog.tests.tools import (
        create_catalog, create_listing)
    from trytond.modules.s2b2b_platform.tests.tools import (
        create_document_types, create_member)
    from trytond.modules.s2b2b_procurement import accounting
    from trytond.modules.s2b2b_procurement.tests.order_tools import address
    from trytond.pool import Pool
    from _flow_stock import in_transaction
    rng = random.Random(seed)
    pool = Pool(db)

    def setup():
        WebUser = pool.get('web.user')
        company = create_company(
            "S2B2B Platform", currency=create_currency('CNY'))
        with set_company(company):
            accounting.setup_company(company)
            create_document_types()
            catalog = create_catalog()
            sellers = [create_member(f"供应商{i:03d}", 100 + i,
                    kind='supplier') for i in range(suppliers)]
            offered = []
            for supplier in sellers:
                address(supplier.party)
                for j in range(listings):
                    price = Decimal(rng.randrange(200, 900))
                    offered.append(create_listing(supplier, catalog.cement,
                            name=f"水泥 P.O 42.5 #{supplier.id}-{j}",
                            tiers=((1, price), (100, price - 20)),
                            available_quantity=STOCK, moq=1,
                            order_multiple=1, lead_time=3).id)
            purchasers = []
            for i in range(buyers):
                buyer = create_member(f"采购商{i:03d}", 500 + i,
                    kind='buyer')
                address(buyer.party)
                user, = buyer.web_users
                WebUser.write([user], {'s2b2b_roles': ['admin',
                            'purchaser']})
                purchasers.append((buyer.id, user.id))
        return SimpleNamespace(company=company.id, listings=offered,
            purchasers=purchasers)
    return in_transaction(db, 0, setup)
