# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import tempfile
import unittest
from pathlib import Path
from unittest.mock import patch

from trytond import config
from trytond.modules.s2b2b_procurement import secret


class SecretTestCase(unittest.TestCase):
    "The server secret and the keys derived from it"

    def test_configured(self):
        with patch.object(config, 'get', side_effect=lambda s, o, **k:
                'configured' if o == 'secret' else None):
            self.assertEqual(secret.server_secret(), b'configured')

    def test_file_made_once(self):
        with tempfile.TemporaryDirectory() as folder:
            values = {'secret': None, 'path': folder}
            with patch.object(config, 'get',
                    side_effect=lambda s, o, **k: values[o]):
                first = secret.server_secret()
                self.assertEqual(secret.server_secret(), first)
                self.assertGreaterEqual(len(first), 40)
                path = Path(folder) / secret.FILE_NAME
                self.assertEqual(path.stat().st_mode & 0o777, 0o400)

    def test_derived_keys_differ(self):
        with patch.object(secret, 'server_secret', return_value=b's'):
            key = secret.derive_key('tender', 1)
            self.assertEqual(len(key), 32)
            self.assertEqual(key, secret.derive_key('tender', 1))
            self.assertNotEqual(key, secret.derive_key('tender', 2))
            self.assertNotEqual(key, secret.derive_key('signing', 1))
