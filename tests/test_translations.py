# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Every string operators or members see has its zh_CN translation"
import unittest
from pathlib import Path

import polib

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(p.parent.name for p in ROOT.glob('addons/*/tryton.cfg'))


class TranslationTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module(MODULES)

    @with_transaction()
    def test_zh_cn_complete(self):
        pool = Pool()
        Set = pool.get('ir.translation.set', type='wizard')
        Translation = pool.get('ir.translation')
        session_id, _, _ = Set.create()
        Set(session_id).transition_set_()
        for module in MODULES:
            with self.subTest(module=module):
                data = Translation.translation_export('en', module)
                template = polib.pofile((data or b'').decode('utf-8'))
                path = ROOT / 'addons' / module / 'locale' / 'zh_CN.po'
                translated = {(e.msgctxt, e.msgid)
                    for e in polib.pofile(str(path)) if e.msgstr} \
                    if path.exists() else set()
                missing = sorted(e.msgid for e in template
                    if e.msgid and (e.msgctxt, e.msgid) not in translated)
                self.assertEqual(missing, [],
                    f"run tools/update_po.py {module}")
