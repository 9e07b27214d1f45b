# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Exception alerts: raised by the cron, once per kind and document,
members told in the portal and by e-mail, resolved when the cause has
gone."""
import datetime as dt
import unittest
from unittest.mock import patch

from trytond.model.exceptions import SQLConstraintError
from trytond.modules.s2b2b_platform import notification
from trytond.modules.s2b2b_platform.tenant import as_member
from trytond.modules.s2b2b_platform.tests.tools import request_rollback
from trytond.modules.s2b2b_procurement.tests.order_tools import (
    confirm, drain_queue, listing, members, order, platform, ship)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

MODULE = 's2b2b_procurement'


class AlertTestCase(unittest.TestCase):
    "Alerts of the order flow"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module([MODULE])

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def _ordered(self, data):
        cement = listing(data.supplier_a, data.catalog.cement)
        sale = order(data, [{'listing': cement.id, 'quantity': 20}])
        drain_queue()
        purchase, = sale.s2b2b_purchases
        return sale, purchase

    def _alerts(self, kind):
        Alert = Pool().get('s2b2b.alert')
        return Alert.search([('kind', '=', kind)])

    @with_transaction()
    def test_confirm_late(self):
        "A supplier not confirming within the SLA: alerted once, e-mailed"
        pool = Pool()
        Alert = pool.get('s2b2b.alert')
        Purchase = pool.get('purchase.purchase')
        Notification = pool.get('s2b2b.notification')
        with platform():
            data = members()
            _, purchase = self._ordered(data)
            Alert.check()
            self.assertEqual(self._alerts('confirm_late'), [])
            Purchase.write([purchase], {
                    's2b2b_confirm_due': dt.datetime.now()
                    - dt.timedelta(minutes=1)})
            with patch.object(
                    notification, 'send_message_transactional') as send:
                Alert.check()
                Alert.check()
            alert, = self._alerts('confirm_late')
            self.assertEqual(
                (alert.state, alert.member, alert.resource,
                    alert.occurrences),
                ('open', data.supplier_a, purchase, 2))
            self.assertIn(purchase.rec_name, alert.message)
            told, = Notification.search([
                    ('member', '=', data.supplier_a.id),
                    ('kind', '=', 'alert.confirm_late')])
            self.assertEqual(told.resource, purchase)
            self.assertEqual(send.call_count, 1)
            self.assertIn(data.supplier_a.web_users[0].email,
                send.call_args[0][0]['To'])

            confirm(data, [purchase])
            Alert.check()
            self.assertEqual(alert.state, 'resolved')
            self.assertTrue(alert.resolved_at)

    @with_transaction()
    def test_ship_late(self):
        "A shipment not sent by its promised date"
        pool = Pool()
        Alert = pool.get('s2b2b.alert')
        Shipment = pool.get('stock.shipment.drop')
        today = pool.get('ir.date').today()
        with platform():
            data = members()
            _, purchase = self._ordered(data)
            confirm(data, [purchase])
            shipment, = purchase.drop_shipments
            Alert.check()
            self.assertEqual(self._alerts('ship_late'), [])
            Shipment.write([shipment], {
                    's2b2b_promised_date': today - dt.timedelta(days=1)})
            Alert.check()
            alert, = self._alerts('ship_late')
            self.assertEqual(
                (alert.member, alert.resource), (data.supplier_a, shipment))
            ship(data, [shipment])
            Alert.check()
            self.assertEqual(alert.state, 'resolved')

    @with_transaction()
    def test_rfq_deadline_hook(self):
        "The RFQ module's hook raises its alerts with the cron's"
        pool = Pool()
        Alert = pool.get('s2b2b.alert')
        Contract = pool.get('s2b2b.contract')
        with platform() as company:
            data = members()
            # Any document stands for the RFQ, another engineer's model
            contract = Contract(buyer=data.buyer, supplier=data.supplier_a,
                currency=company.currency)
            contract.save()
            values = [{'kind': 'rfq_deadline', 'member': data.supplier_a,
                    'resource': contract, 'message': "RFQ closes soon"}]
            with patch.object(Alert, '_rfq_deadline_alerts',
                    return_value=values):
                Alert.check()
            alert, = self._alerts('rfq_deadline')
            self.assertEqual(
                (alert.member, alert.message),
                (data.supplier_a, "RFQ closes soon"))

    @with_transaction()
    def test_one_open_alert(self):
        "One open alert per kind and document; operators resolve"
        pool = Pool()
        Alert = pool.get('s2b2b.alert')
        with platform():
            data = members()
            cement = listing(data.supplier_a, data.catalog.cement)
            values = {'kind': 'stock_short', 'member': data.supplier_a,
                'resource': cement, 'message': "short", 'quantity': 500}
            alert, = Alert.raise_([values])
            with self.assertRaises(SQLConstraintError), request_rollback():
                Alert.create([{**values, 'resource': str(cement),
                            'member': data.supplier_a.id}])
            other, = Alert.raise_([{**values, 'kind': 'ship_late'}])
            self.assertNotEqual(other, alert)
            Alert.resolve([alert])
            again, = Alert.raise_([values])
            self.assertNotEqual(again, alert)
            self.assertEqual(again.state, 'open')
            # Stock back above what was asked resolves it
            Alert.check()
            self.assertEqual(again.state, 'open')
            cement.available_quantity = 500
            cement.save()
            Alert.check()
            self.assertEqual(again.state, 'resolved')

    @with_transaction()
    def test_members_see_their_alerts(self):
        "Members read their own alerts only"
        pool = Pool()
        Alert = pool.get('s2b2b.alert')
        with platform():
            data = members()
            cement = listing(data.supplier_a, data.catalog.cement)
            cable = listing(data.supplier_b, data.catalog.cable)
            mine, theirs = Alert.raise_([
                    {'kind': 'stock_short', 'member': data.supplier_a,
                        'resource': cement, 'message': "a"},
                    {'kind': 'stock_short', 'member': data.supplier_b,
                        'resource': cable, 'message': "b"}])
            with as_member(data.supplier_a.id):
                self.assertEqual(Alert.search([]), [mine])
            with as_member(data.buyer.id):
                self.assertEqual(Alert.search([]), [])
