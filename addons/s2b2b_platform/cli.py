# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The ``s2b2b`` command: demo data and event log maintenance."""
import argparse
import dataclasses
import sys


def _parser():
    parser = argparse.ArgumentParser(prog='s2b2b')
    parser.add_argument('-c', '--config', dest='configfile',
        help="trytond configuration file")
    parser.add_argument('-d', '--database', required=True)
    commands = parser.add_subparsers(dest='command', required=True)
    demo = commands.add_parser('demo', help="load the demo data once")
    for field in dataclasses.fields(_sizes()):
        demo.add_argument(
            f'--{field.name}', type=field.type, default=field.default)
    commands.add_parser('seal-events', help="seal pending event log entries")
    commands.add_parser('verify-events',
        help="verify the event log hash chain; exit 1 if broken")
    return parser


def _sizes():
    from trytond.modules.s2b2b_platform.demo import Sizes
    return Sizes


def _start(options):
    from trytond import config
    config.update_etc(options.configfile)
    from trytond.pool import Pool
    Pool.start()
    pool = Pool(options.database)
    pool.init()


# Modules that depend on the platform and bring demo data of their own,
# loaded in this order when they are activated: trytond.modules.<m>.demo.load
# (its LOCK_TABLES, if any, are locked when its transaction starts)
DEMO_MODULES = ['s2b2b_catalog', 's2b2b_procurement']


def _demo_module(name):
    import importlib
    return importlib.import_module(f'trytond.modules.{name}.demo')


def _active_demos(database):
    "The activated modules of DEMO_MODULES, in their order"
    from trytond.pool import Pool
    Module = Pool(database).get('ir.module')
    active = {m.name for m in Module.search([
                ('name', 'in', DEMO_MODULES), ('state', '=', 'activated')])}
    return [name for name in DEMO_MODULES if name in active]


def _module_demo(database, name):
    "Load the demo of the module in the platform company's context"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Company = Pool(database).get('company.company')
    # Products, prices and documents belong to the platform's company
    company, = Company.search([], order=[('id', 'ASC')], limit=1)
    with Transaction().set_context(company=company.id):
        return _demo_module(name).load()


def _committed(database, func, *args, lock_tables=()):
    """Run func in a transaction of its own and commit it; started again
    with the locks a step asked for, as Tryton's dispatcher does"""
    from trytond.transaction import Transaction, TransactionError
    extras = {'_lock_tables': list(lock_tables)}
    while True:
        with Transaction().start(database, 0, context={'language': 'en'},
                **extras) as transaction:
            try:
                result = func(*args)
            except TransactionError as error:
                transaction.rollback()
                transaction.tasks.clear()
                error.fix(extras)
                continue
            transaction.commit()
            return result


def demo(options):
    from trytond.modules.s2b2b_platform import demo as demo_data
    sizes = demo_data.Sizes(**{f.name: getattr(options, f.name)
            for f in dataclasses.fields(demo_data.Sizes)})
    database = options.database
    summary = _committed(database, demo_data.load, sizes)
    extra = [(name, _committed(database, _module_demo, database, name,
                lock_tables=getattr(_demo_module(name), 'LOCK_TABLES', ())))
        for name in _committed(database, _active_demos, database)]
    _seal(options)
    if summary['created']:
        print(f"Demo data: {summary['created']} members created.")
    else:
        print(f"Demo data already loaded ({summary['members']} members).")
    for module, result in extra:
        print(f"Demo data of {module}: {result}")
    print(demo_data.logins(options.database, sizes.password))
    return 0


def _seal(options):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(options.database, 0) as transaction:
        Pool().get('s2b2b.event').seal()
        transaction.commit()


def verify(options):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(options.database, 0, readonly=True):
        checked, broken = Pool().get('s2b2b.event').verify()
    if broken:
        print(f"BROKEN at entry {broken.sequence} ({broken.reason}); "
            f"{checked} entries verified before it.")
        return 1
    print(f"OK: {checked} entries verified.")
    return 0


def main(argv=None):
    options = _parser().parse_args(argv)
    _start(options)
    if options.command == 'demo':
        return demo(options)
    if options.command == 'seal-events':
        _seal(options)
        return 0
    return verify(options)


if __name__ == '__main__':
    sys.exit(main())
