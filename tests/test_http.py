# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"HTTP through trytond's WSGI application, as a load balancer sees it"
import json
import unittest

from werkzeug.test import Client

from trytond.tests.test_tryton import DB_NAME, activate_module
from trytond.wsgi import app


class HealthTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module(['s2b2b_portal'])

    def test_health(self):
        client = Client(app)
        response = client.get(f'/{DB_NAME}/s2b2b/api/v1/health')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers['Content-Type'],
            'application/json; charset=utf-8')
        self.assertEqual(json.loads(response.data), {
                'status': 'ok',
                'modules': ['s2b2b_platform', 's2b2b_portal']})

    def test_unknown_database(self):
        client = Client(app)
        response = client.get('/no_such_db/s2b2b/api/v1/health')
        self.assertGreaterEqual(response.status_code, 400)
