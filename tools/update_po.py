#!/usr/bin/env python3
# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Refresh a module's locale/zh_CN.po from its current strings.

    .venv/bin/python tools/update_po.py MODULE [--check] [--add FILE.json]

Activates the module in a scratch SQLite database, exports every string
Tryton extracts (fields, selections, views, menus, messages...) with its
context, and rewrites addons/MODULE/locale/zh_CN.po keeping the existing
translations.  --add merges {"english": "中文"} pairs first.  Untranslated
strings are listed; --check exits 1 when there are any.
"""
import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def export_template(module):
    "Return the module's strings as a polib file (source language)"
    tmp = tempfile.mkdtemp()
    os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
    os.environ['TRYTOND_DATABASE__PATH'] = tmp
    os.environ['DB_NAME'] = 'po'
    os.environ.pop('DB_CACHE', None)
    Path(tmp, 'po.sqlite').touch()
    from trytond.pool import Pool
    from trytond.tests.test_tryton import activate_module
    from trytond.transaction import Transaction
    activate_module([module])
    with Transaction().start('po', 0) as transaction:
        pool = Pool()
        Set = pool.get('ir.translation.set', type='wizard')
        session_id, _, _ = Set.create()
        Set(session_id).transition_set_()
        data = pool.get('ir.translation').translation_export('en', module)
        transaction.commit()
    return polib.pofile(data.decode('utf-8'))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument('module')
    parser.add_argument('--check', action='store_true')
    parser.add_argument('--add', help="JSON file of English → 中文 pairs")
    options = parser.parse_args(argv)
    path = ROOT / 'addons' / options.module / 'locale' / 'zh_CN.po'
    known = {}
    if path.exists():
        for entry in polib.pofile(str(path)):
            if entry.msgstr:
                known[(entry.msgctxt, entry.msgid)] = entry.msgstr
                known.setdefault((None, entry.msgid), entry.msgstr)
    pairs = json.loads(Path(options.add).read_text()) if options.add else {}
    template = export_template(options.module)
    missing = []
    for entry in template:
        entry.msgstr = (known.get((entry.msgctxt, entry.msgid))
            or pairs.get(entry.msgid) or known.get((None, entry.msgid), ''))
        if not entry.msgstr and entry.msgid:
            missing.append(entry.msgid)
    template.metadata = {'Content-Type': 'text/plain; charset=utf-8'}
    path.parent.mkdir(exist_ok=True)
    template.save(str(path))
    for msgid in sorted(set(missing)):
        print(f"untranslated: {msgid!r}")
    print(f"{path.relative_to(ROOT)}: {len(template)} strings, "
        f"{len(missing)} untranslated")
    return 1 if options.check and missing else 0


if __name__ == '__main__':
    sys.exit(main())
