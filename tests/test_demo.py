# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The demo data generator: deterministic, scalable, idempotent"
import unittest

from stdnum.cn import uscc

from trytond.modules.s2b2b_platform import demo
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


class DemoTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module(['s2b2b_platform', 's2b2b_portal'])

    def _snapshot(self):
        Member = Pool().get('s2b2b.member')
        return [(m.party.name, m.kind, m.company_code, m.state,
                sorted(u.email for u in m.web_users),
                sorted((d.type.code, d.number) for d in m.documents))
            for m in Member.search([], order=[('id', 'ASC')])]

    @with_transaction()
    def test_default_demo(self):
        "≥5 suppliers and ≥5 buyers with portal users, a CNY company"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        Event = pool.get('s2b2b.event')
        summary = demo.load()
        self.assertEqual(summary['created'], 13)
        company = demo.setup_company()
        self.assertEqual(company.currency.code, 'CNY')
        self.assertIn("供应链平台", company.party.name)
        self.assertIn("Supply Chain Platform", company.party.name)
        for flag in ['is_supplier', 'is_buyer']:
            members = Member.search([(flag, '=', True)])
            self.assertGreaterEqual(len(members), 5)
            self.assertTrue(all(m.web_users for m in members))
        self.assertTrue(all(uscc.is_valid(m.company_code)
                for m in Member.search([])))
        states = {m.state for m in Member.search([])}
        self.assertEqual(states,
            {'draft', 'applied', 'under_review', 'approved', 'suspended'})
        self.assertEqual(demo.load(), {'created': 0, 'members': 13})
        Event.seal()
        checked, broken = Event.verify()
        self.assertIsNone(broken)
        self.assertGreater(checked, 13)

    @with_transaction()
    def test_deterministic_and_scaled(self):
        sizes = demo.Sizes(suppliers=20, buyers=15, both=2, users=4,
            documents=3, seed=7)
        demo.load(sizes)
        first = self._snapshot()
        self.assertEqual(len(first), 37)
        self.assertTrue(all(len(users) == 4 for *_, users, _ in first))
        self.assertEqual(len({name for name, *_ in first}), 37)
        Transaction().rollback()
        demo.load(sizes)
        self.assertEqual(self._snapshot(), first)
