# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import unittest
from decimal import Decimal

from trytond.modules.s2b2b_platform import hashchain


def _chain(contents):
    rows, prev = [], hashchain.GENESIS
    for sequence, content in enumerate(contents, 1):
        digest = hashchain.entry_hash(prev, content)
        rows.append((sequence, content, prev, digest))
        prev = digest
    return rows


class HashChainTestCase(unittest.TestCase):
    "Test the event log hash chain without a database"

    contents = [{'event': f'e{i}', 'data': {'n': i}} for i in range(5)]

    def test_canonical_is_order_independent(self):
        self.assertEqual(
            hashchain.canonical({'b': 1, 'a': '统一'}),
            hashchain.canonical({'a': '统一', 'b': 1}))
        self.assertEqual(
            hashchain.canonical({'a': '统一'}), '{"a":"统一"}'.encode())

    def test_canonical_types(self):
        self.assertEqual(hashchain.canonical({
                    'd': dt.date(2026, 1, 2), 'x': Decimal('1.50')}),
            b'{"d":"2026-01-02","x":"1.50"}')
        with self.assertRaises(TypeError):
            hashchain.canonical({'s': {1, 2}})

    def test_hash_depends_on_previous(self):
        content = {'event': 'x'}
        self.assertNotEqual(
            hashchain.entry_hash(hashchain.GENESIS, content),
            hashchain.entry_hash('1' * 64, content))

    def test_valid_chain(self):
        checked, sequence, last, broken = hashchain.verify(
            _chain(self.contents))
        self.assertEqual((checked, sequence, broken), (5, 5, None))
        self.assertEqual(len(last), 64)

    def test_altered_content(self):
        rows = _chain(self.contents)
        sequence, content, prev, digest = rows[2]
        rows[2] = (sequence, {**content, 'data': {'n': 99}}, prev, digest)
        checked, _, _, broken = hashchain.verify(rows)
        self.assertEqual(checked, 2)
        self.assertEqual(broken, hashchain.Break(3, 'content'))

    def test_rehashed_entry_breaks_next(self):
        "Recomputing an altered entry's hash is caught by the next entry"
        rows = _chain(self.contents)
        sequence, content, prev, _ = rows[1]
        content = {**content, 'data': {'n': 42}}
        rows[1] = (sequence, content, prev,
            hashchain.entry_hash(prev, content))
        _, _, _, broken = hashchain.verify(rows)
        self.assertEqual(broken, hashchain.Break(3, 'previous'))

    def test_missing_entry(self):
        rows = _chain(self.contents)
        del rows[3]
        _, _, _, broken = hashchain.verify(rows)
        self.assertEqual(broken, hashchain.Break(4, 'missing'))

    def test_batches(self):
        "A chain verified in two batches gives the same answer"
        rows = _chain(self.contents)
        checked, sequence, last, broken = hashchain.verify(rows[:2])
        checked2, sequence, _, broken = hashchain.verify(
            rows[2:], last, sequence)
        self.assertEqual((checked + checked2, sequence, broken), (5, 5, None))
