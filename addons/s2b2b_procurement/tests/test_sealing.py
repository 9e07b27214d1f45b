# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Sealing and unsealing bids, without any database"
import unittest
from decimal import Decimal

from trytond.modules.s2b2b_procurement import sealing

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
LINES = {7: (100.0, None), 8: (10.0, Decimal('50'))}


def content(**changes):
    values = {
        'lines': {
            7: {'unit_price': '12.5', 'quantity': 100, 'carbon': '1.2'},
            '8': {'unit_price': 49, 'quantity': '4'},
            },
        'lead_time': 14,
        'notes': " 含税含运费 ",
        }
    values.update(changes)
    return values


class SealingTestCase(unittest.TestCase):
    "AES-GCM sealed bid content and its committed digest"

    def test_round_trip(self):
        "Unsealing gives the content back and the digest committed"
        bid = sealing.normalise(content(), LINES)
        sealed, digest = sealing.seal(KEY, 42, bid)
        self.assertNotIn(b'12.5', sealed)
        opened, opened_digest = sealing.unseal(KEY, 42, sealed)
        self.assertEqual(opened, bid)
        self.assertEqual(opened_digest, digest)
        self.assertEqual(len(digest), 64)

    def test_salted(self):
        "Sealing the same content twice gives different ciphertexts and "
        "digests, so that a digest confirms no guessed price"
        bid = sealing.normalise(content(), LINES)
        first, second = sealing.seal(KEY, 1, bid), sealing.seal(KEY, 1, bid)
        self.assertNotEqual(first[0], second[0])
        self.assertNotEqual(first[1], second[1])
        self.assertNotEqual(first[1], sealing.digest_of(
                sealing.canonical(bid)))

    def test_length_hides_prices(self):
        "Prices of different lengths give ciphertexts of the same length"
        short = sealing.normalise(content(), LINES)
        values = content()
        values['lines'][7]['unit_price'] = '123456.75'
        long = sealing.normalise(values, LINES)
        self.assertEqual(len(sealing.seal(KEY, 1, short)[0]),
            len(sealing.seal(KEY, 1, long)[0]))
        self.assertEqual(len(sealing.plaintext(long, 'ab')) %
            sealing.PAD_SIZE, 0)

    def test_tampered(self):
        "A changed byte anywhere fails to unseal"
        sealed, _ = sealing.seal(KEY, 42, sealing.normalise(content(), LINES))
        for index in (0, sealing.NONCE_SIZE + 1, len(sealed) - 1):
            tampered = bytearray(sealed)
            tampered[index] ^= 1
            with self.subTest(index=index), \
                    self.assertRaises(sealing.SealError):
                sealing.unseal(KEY, 42, bytes(tampered))
        for truncated in (b'', sealed[:sealing.NONCE_SIZE]):
            with self.assertRaises(sealing.SealError):
                sealing.unseal(KEY, 42, truncated)

    def test_other_key_or_bid(self):
        "Another tender's key, or another bid's id, fails to unseal"
        sealed, _ = sealing.seal(KEY, 42, sealing.normalise(content(), LINES))
        with self.assertRaises(sealing.SealError):
            sealing.unseal(OTHER_KEY, 42, sealed)
        with self.assertRaises(sealing.SealError):
            sealing.unseal(KEY, 43, sealed)

    def test_normalise(self):
        "Prices as 4-digit strings, quantities as numbers, ids as keys"
        bid = sealing.normalise(content(), LINES)
        self.assertEqual(bid, {
                'lines': {
                    '7': {'unit_price': '12.5000', 'quantity': 100.0,
                        'carbon': '1.2'},
                    '8': {'unit_price': '49.0000', 'quantity': 4.0,
                        'carbon': None},
                    },
                'lead_time': 14,
                'notes': "含税含运费",
                })
        # the offered quantity defaults to the tendered one
        values = content()
        del values['lines'][7]['quantity']
        self.assertEqual(sealing.normalise(values, LINES)
            ['lines']['7']['quantity'], 100.0)

    def test_bad_content(self):
        "Every kind of bad content names its problem"
        def with_line(line, **values):
            bid = content()
            bid['lines'][line] = {**bid['lines'][line], **values}
            return bid
        cases = {
            'content_invalid': [None, [], content(lines=[1, 2])],
            'line_unknown': [content(lines={**content()['lines'], 9: {}})],
            'line_missing': [content(lines={7: content()['lines'][7]})],
            'line_invalid': [content(lines={7: 'x', 8: {'unit_price': 1}})],
            'price_invalid': [with_line(7, unit_price='abc'),
                with_line(7, unit_price=0), with_line(7, unit_price='-1'),
                with_line(7, unit_price='NaN'), with_line(7, unit_price=None)],
            'price_ceiling': [with_line('8', unit_price='50.01')],
            'quantity_invalid': [with_line(7, quantity=0),
                with_line(7, quantity=100.5), with_line(7, quantity='x')],
            'carbon_invalid': [with_line(7, carbon='-0.1'),
                with_line(7, carbon='lots')],
            'lead_time_invalid': [content(lead_time=0),
                content(lead_time=None), content(lead_time=2.5),
                content(lead_time=True), content(lead_time='soon')],
            'notes_invalid': [content(notes=['x']),
                content(notes='x' * (sealing.NOTES_MAX + 1))],
            }
        for code, values in cases.items():
            for value in values:
                with self.subTest(code=code, value=value), \
                        self.assertRaises(sealing.ContentError) as context:
                    sealing.normalise(value, LINES)
                self.assertEqual(context.exception.code, code)
        self.assertEqual(sealing.normalise(content(lead_time='21'), LINES)
            ['lead_time'], 21)
