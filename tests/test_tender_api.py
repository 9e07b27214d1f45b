# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Sealed bids over HTTP: an operator's JSON-RPC session (what sao uses)
and REST key read nothing of a bid before the tender is opened."""
import base64
import json
from types import SimpleNamespace

from werkzeug.test import Client

from trytond.i18n import gettext
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.s2b2b_platform.tests.tools import create_backoffice_user
from trytond.modules.s2b2b_procurement.tests.tender_tools import (
    content, create_tender, make_bid, open_tender, setup)
from trytond.pool import Pool
from trytond.wsgi import app

from common import DB_NAME, PASSWORD, DatabaseTestCase, committed


def _setup():
    "A published tender, A's submitted bid, an operator with a REST key"
    pool = Pool()
    User = pool.get('res.user')
    Application = pool.get('res.user.application')
    with set_company(create_company()):
        data = setup()
        tender = create_tender(data)
        bid = make_bid(tender, data['a'], content(tender, ['10', '20'], 10))
        operator = create_backoffice_user('operator', 'group_s2b2b_operator')
        User.write([operator], {'password': PASSWORD})
        application, = Application.create([{
                    'user': operator.id, 'application': 'rest'}])
        message = gettext('s2b2b_procurement.msg_tender_bid_sealed',
            supplier=data['a'].rec_name, tender=tender.rec_name,
            opening=tender.opening_time)
    return SimpleNamespace(tender=tender.id, bid=bid.id,
        key=application.key, message=message)


def _open(tender_id):
    Tender = Pool().get('s2b2b.tender')
    open_tender(Tender(tender_id))


class TenderApiTestCase(DatabaseTestCase):
    "Sealed bids through the back-office RPC and the REST API"
    modules = ['s2b2b_procurement']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def rpc(self, method, *params):
        "Call the JSON-RPC method as the operator; return the response"
        client = Client(app)
        login = client.post(f'/{DB_NAME}/rpc/', json={
                'id': 1, 'method': 'common.db.login',
                'params': ['operator', {'password': PASSWORD}, 'en']})
        user_id, session = json.loads(login.data)["result"][:2]
        token = base64.b64encode(
            f'operator:{user_id}:{session}'.encode()).decode()
        response = client.post(f'/{DB_NAME}/rpc/', json={
                'id': 2, 'method': method, 'params': [*params, {}]},
            headers={'Authorization': f'Session {token}'})
        return json.loads(response.data)

    def rest(self, path):
        client = Client(app)
        return client.get(f'/{DB_NAME}/rest/model/s2b2b.tender.bid{path}',
            headers={'Authorization': f'Bearer {self.ids.key}'})

    def test_sealed_then_opened(self):
        "Refused before the opening by both, readable after"
        bid = self.ids.bid
        for fields in [['total'], ['content'], ['lead_time', 'carbon']]:
            with self.subTest(rpc=fields):
                answer = self.rpc('model.s2b2b.tender.bid.read', [bid], fields)
                self.assertNotIn('result', answer)
                self.assertEqual(answer['error'][0], 'UserError')
                self.assertEqual(answer['error'][1][0], self.ids.message)
        answer = self.rpc('model.s2b2b.tender.bid.read', [bid],
            ['seal_status', 'state'])
        self.assertEqual(answer['result'], [
                {'id': bid, 'seal_status': 'sealed', 'state': 'submitted'}])
        # searching by price is refused too
        answer = self.rpc('model.s2b2b.tender.bid.search',
            [('total', '>', 0)], 0, None, None)
        self.assertNotIn('result', answer)
        # REST: the sealed bid is not found, a search with prices refused
        self.assertEqual(self.rest(f'/{bid}?f=total').status_code, 404)
        self.assertEqual(self.rest('?f=total').status_code, 400)
        response = self.rest(f'/{bid}?f=state')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(response.data)['state'], 'submitted')

        committed(lambda: _open(self.ids.tender))
        answer = self.rpc('model.s2b2b.tender.bid.read', [bid], ['total'])
        self.assertEqual(answer['result'], [{'id': bid, 'total': {
                        '__class__': 'Decimal', 'decimal': '2000.00'}}])
        response = self.rest(f'/{bid}?f=total&f=lead_time')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(response.data)['lead_time'], 10)
