# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Stories of requirements and RFQs at the model level: approval,
suggestions, sending, quoting and revising, bargaining, comparing,
awarding, messages and what each member may see."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.s2b2b_catalog.tests.tools import (
    create_catalog, create_listing)
from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.tenant import as_member, get_record
from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member, request_rollback)
from trytond.modules.s2b2b_procurement.exceptions import (
    OfferError, QuotationError, RequirementError, RfqError)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)


def setup():
    "Two suppliers with cement listings, a third without, two buyers"
    create_document_types()
    members = {
        'a': create_member("华东水泥", 11, kind='supplier'),
        'b': create_member("江南建材", 12, kind='supplier'),
        'c': create_member("电缆供应", 13, kind='supplier'),
        'buyer': create_member("远大建设", 21, kind='buyer'),
        'other': create_member("另一采购", 22, kind='buyer'),
        }
    catalog = create_catalog()
    create_listing(members['a'], catalog.cement, name="普通硅酸盐水泥 P.O 42.5",
        name_en="Portland Cement", tiers=((1, '480'), (100, '450')),
        specs={'grade': '42.5'}, lead_time=3, available_quantity=1000)
    create_listing(members['b'], catalog.cement, name="水泥 P.O 52.5",
        tiers=((1, '520'),), specs={'grade': '52.5'}, lead_time=10,
        available_quantity=20)
    create_listing(members['c'], catalog.cable, name="铜芯电缆")
    return members, catalog


def in_days(days):
    return dt.datetime.now() + dt.timedelta(days=days)


def approver(member):
    "A new web user of the member with the approver role"
    WebUser = Pool().get('web.user')
    user, = WebUser.create([{
                'email': f'approver{len(member.web_users)}@{member.id}.example.com',
                's2b2b_member': member.id, 's2b2b_roles': ['approver']}])
    return user


class RfqTestCase(unittest.TestCase):
    "Requirements, RFQs, quotations, bargaining and awards"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['s2b2b_procurement'])

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def _with_company(self):
        return set_company(create_company())

    def requirement(self, buyer, catalog, budget=None, quantity=200):
        Requirement = Pool().get('s2b2b.requirement')
        requirement, = Requirement.create([{
                    'buyer': buyer.id, 'title': "工地水泥采购",
                    'budget': budget,
                    'needed_by': dt.date.today() + dt.timedelta(days=7),
                    'lines': [('create', [{
                                    'description': "水泥", 'quantity': quantity,
                                    'category': catalog.cement.id,
                                    'target_price': Decimal(470),
                                    'specs': {'grade': '42.5'},
                                    }, {
                                    'description': "Cable 电缆", 'quantity': 10,
                                    'category': catalog.cable.id,
                                    }])],
                    }])
        return requirement

    def rfq(self, members, catalog, suppliers=('a', 'b')):
        pool = Pool()
        Rfq = pool.get('s2b2b.rfq')
        requirement = self.requirement(members['buyer'], catalog)
        Pool().get('s2b2b.requirement').submit([requirement])
        rfq = Rfq.from_requirement(requirement, {'deadline': in_days(3)})
        Rfq.write([rfq], {'invitations': [('create', [
                            {'supplier': members[s].id}
                            for s in suppliers])]})
        Rfq.send([rfq])
        return rfq

    def quote(self, rfq, supplier, prices, freight=None, web_user=None):
        Quotation = Pool().get('s2b2b.rfq.quotation')
        return Quotation.submit(rfq, supplier, {
                'lead_time': 5, 'freight': freight,
                'valid_until': dt.date.today() + dt.timedelta(days=30),
                'lines': [{'rfq_line': l.id, 'unit_price': Decimal(p),
                        'breaks': [(500, Decimal(p) - 10)]}
                    for l, p in zip(rfq.lines, prices) if p is not None],
                }, web_user=web_user)

    @with_transaction()
    def test_requirement_approval(self):
        "Within the limit approved at once; above it an approver decides"
        pool = Pool()
        Requirement = pool.get('s2b2b.requirement')
        Member = pool.get('s2b2b.member')
        with self._with_company():
            members, catalog = setup()
            buyer = members['buyer']
            Member.write([buyer], {'approval_limit': Decimal(50000)})
            small = self.requirement(buyer, catalog, quantity=10)
            large = self.requirement(buyer, catalog, quantity=1000)
            Requirement.submit([small, large])
            self.assertEqual((small.state, large.state),
                ('approved', 'waiting'))
            self.assertEqual(large.estimate, Decimal(470000))
            admin = buyer.web_users[0]
            with self.assertRaises(RequirementError):
                Requirement.approve_as([large], admin)
            with self.assertRaises(RequirementError):
                Requirement.approve_as([large],
                    approver(members['other']))
            self.assertEqual(large.state, 'waiting')
            user = approver(buyer)
            Requirement.approve_as([large], user)
            self.assertEqual((large.state, large.approved_by), (
                    'approved', user))
            with self.assertRaises(RequirementError):
                Requirement.submit([large])

    @with_transaction()
    def test_requirement_bad_input(self):
        Requirement = Pool().get('s2b2b.requirement')
        with self._with_company():
            members, catalog = setup()
            with self.assertRaises(RequirementError):
                self.requirement(members['buyer'], catalog, quantity=0)
            empty, = Requirement.create([{'buyer': members['buyer'].id,
                        'title': "空"}])
            with self.assertRaises(RequirementError):
                Requirement.submit([empty])
            self.assertEqual(empty.state, 'draft')

    @with_transaction()
    def test_suggestions(self):
        "Listings suggested per line, best first, with their reasons"
        with self._with_company():
            members, catalog = setup()
            line = self.requirement(members['buyer'], catalog).lines[0]
            suggestions = line.suggestions()
            self.assertEqual([s.listing.supplier for s in suggestions],
                [members['a'], members['b']])
            best = suggestions[0]
            self.assertEqual([r for r, _ in best.reasons],
                ['price', 'lead_time', 'stock', 'specs'])
            self.assertEqual(best.reasons[0][1], {'percent': 4})
            # b: too dear, not the grade, 20 in stock of 200, slow
            self.assertEqual(suggestions[1].reasons, [])

    @with_transaction()
    def test_send(self):
        "Sent to the invited or to every supplier of the category"
        pool = Pool()
        Rfq = pool.get('s2b2b.rfq')
        with self._with_company():
            members, catalog = setup()
            rfq = self.rfq(members, catalog)
            self.assertEqual(rfq.state, 'open')
            self.assertTrue(rfq.number.startswith('RFQ'))
            self.assertEqual(rfq.requirement.state, 'sourcing')
            Notification = pool.get('s2b2b.notification')
            self.assertEqual(len(Notification.search([
                            ('kind', '=', 'rfq.invited')])), 2)
            open_rfq, = Rfq.create([{'buyer': members['buyer'].id,
                        'title': "水泥", 'deadline': in_days(2),
                        'scope': 'category', 'category': catalog.building.id,
                        'lines': [('create', [{'description': "水泥",
                                        'quantity': 5}])]}])
            Rfq.send([open_rfq])
            self.assertEqual({i.supplier for i in open_rfq.invitations},
                {members['a'], members['b']})
            for values, error in [
                    ({'deadline': in_days(-1)}, RfqError),
                    ({'lines': []}, RfqError),
                    ({'scope': 'category', 'category': catalog.cable.id,
                            'buyer': members['c'].id}, Exception),
                    ]:
                with self.subTest(values=values):
                    draft, = Rfq.create([{'buyer': members['buyer'].id,
                                'title': "草稿", 'deadline': in_days(2),
                                'lines': [('create', [{
                                                'description': "x",
                                                'quantity': 1}])]}])
                    with self.assertRaises(error), request_rollback():
                        Rfq.write([draft], values)
                        Rfq.send([draft])
                    self.assertEqual(Rfq(draft.id).state, 'draft')
            no_one, = Rfq.create([{'buyer': members['buyer'].id,
                        'title': "无人", 'deadline': in_days(2),
                        'lines': [('create', [{'description': "x",
                                        'quantity': 1}])]}])
            with self.assertRaises(RfqError):
                Rfq.send([no_one])

    @with_transaction()
    def test_quotations_and_revisions(self):
        "One quotation per supplier; resubmitting revises, repeats nothing"
        pool = Pool()
        Quotation = pool.get('s2b2b.rfq.quotation')
        Event = pool.get('s2b2b.event')
        with self._with_company():
            members, catalog = setup()
            rfq = self.rfq(members, catalog)
            a = members['a']
            first = self.quote(rfq, a, ['460', '80'])
            again = self.quote(rfq, a, ['460', '80'])
            self.assertEqual((again, again.revision), (first, 1))
            revised = self.quote(rfq, a, ['455', None])
            self.assertEqual((revised, revised.revision), (first, 2))
            self.assertEqual([r.number for r in revised.revisions], [1, 2])
            self.assertEqual(revised.revisions[0].content['lines'][0][
                    'unit_price'], '460')
            self.assertEqual([l.rfq_line for l in revised.lines],
                [rfq.lines[0]])
            self.assertEqual(len(Quotation.search([('rfq', '=', rfq.id)])),
                1)
            self.assertEqual(len(Event.search([
                            ('event', '=', 'rfq.quotation_submitted')])), 2)
            for supplier, prices, error in [
                    (members['c'], ['400', None], QuotationError),
                    (a, ['0', None], QuotationError),
                    (a, [None, None], QuotationError),
                    ]:
                with self.subTest(supplier=supplier.rec_name,
                        prices=prices):
                    with self.assertRaises(error), request_rollback():
                        self.quote(rfq, supplier, prices)
            with self.assertRaises(QuotationError), request_rollback():
                Quotation.submit(rfq, a, {'lines': [{
                                'rfq_line': rfq.lines[0].id,
                                'unit_price': Decimal(450),
                                'breaks': [(100, 440), (200, 445)]}]})
            self.assertEqual(Quotation(first.id).revision, 2)
            Rfq = pool.get('s2b2b.rfq')
            Rfq.write([rfq], {'deadline': in_days(-1)})
            with self.assertRaises(QuotationError):
                self.quote(rfq, members['b'], ['450', '70'])

    @with_transaction()
    def test_bargaining_compare_award(self):
        "Rounds of offers, the comparison, an award split over suppliers"
        pool = Pool()
        Event = pool.get('s2b2b.event')
        with self._with_company():
            members, catalog = setup()
            buyer, a, b = members['buyer'], members['a'], members['b']
            rfq = self.rfq(members, catalog)
            qa = self.quote(rfq, a, ['460', '90'], freight=Decimal(500))
            qb = self.quote(rfq, b, ['450', '80'])
            cement_a, cable_a = qa.lines
            cement_b, cable_b = qb.lines
            cement_a.make_offer(buyer, 'counter', Decimal(440))
            with self.assertRaises(OfferError):
                cement_a.make_offer(buyer, 'counter', Decimal(430))
            with self.assertRaises(OfferError):
                cement_a.make_offer(members['c'], 'accept')
            cement_a.make_offer(a, 'counter', Decimal(445))
            cement_a.make_offer(buyer, 'accept')
            self.assertEqual((cement_a.bargain_state,
                    cement_a.agreed_price), ('agreed', Decimal(445)))
            with self.assertRaises(OfferError):
                cement_a.make_offer(a, 'counter', Decimal(446))
            cable_b.make_offer(buyer, 'decline')
            comparison = rfq.comparison()
            cement_row, cable_row = comparison.rows
            self.assertEqual(cement_row.best_price, {qa.id})
            self.assertEqual(cable_row.best_price, {qa.id})
            self.assertEqual(comparison.totals[qa.id].landed,
                Decimal(200 * 445 + 10 * 90 + 500))
            self.assertFalse(comparison.totals[qb.id].complete)
            self.assertEqual(comparison.best_total, {qa.id})
            with self.assertRaises(RfqError):
                rfq.award({rfq.lines[0]: cement_a}, members['other'])
            with self.assertRaises(RfqError):
                rfq.award({rfq.lines[1]: cable_b}, buyer)
            contracts = rfq.award({rfq.lines[0]: cement_b,
                    rfq.lines[1]: cable_a}, buyer)
            self.assertEqual({(c.supplier, c.total) for c in contracts}, {
                    (b, Decimal(200 * 450)), (a, Decimal(10 * 90))})
            # the quoted lead time goes with the awarded line
            self.assertEqual([l.lead_time for c in contracts
                    for l in c.lines], [5, 5])
            self.assertEqual((rfq.state, qa.state, qb.state),
                ('awarded', 'awarded', 'awarded'))
            self.assertEqual(rfq.requirement.state, 'done')
            self.assertEqual({e.event for e in Event.search([
                            ('resource', 'like', 's2b2b.rfq%')])} >= {
                    'rfq.sent', 'rfq.offer', 'rfq.awarded'}, True)
            with self.assertRaises(RfqError):
                cement_b.make_offer(buyer, 'counter', Decimal(400))

    @with_transaction()
    def test_messages(self):
        "A thread per RFQ and supplier, between the buyer and that supplier"
        Message = Pool().get('s2b2b.rfq.message')
        with self._with_company():
            members, catalog = setup()
            rfq = self.rfq(members, catalog)
            a = members['a']
            Message.post(rfq, a, members['buyer'], "请确认交货期")
            Message.post(rfq, a, a, "三天内送达")
            self.assertEqual([m.side for m in Message.search([
                            ('rfq', '=', rfq.id), ('supplier', '=', a.id)])],
                ['buyer', 'supplier'])
            for supplier, member, body in [
                    (members['c'], members['c'], "插话"),
                    (a, members['b'], "冒充"),
                    (a, a, "   "),
                    ]:
                with self.subTest(member=member.rec_name, body=body):
                    with self.assertRaises(RfqError):
                        Message.post(rfq, supplier, member, body)

    @with_transaction()
    def test_tenant_isolation(self):
        "Members see only their own RFQs, invitations and quotations"
        pool = Pool()
        Quotation = pool.get('s2b2b.rfq.quotation')
        Rfq = pool.get('s2b2b.rfq')
        Requirement = pool.get('s2b2b.requirement')
        with self._with_company():
            members, catalog = setup()
            rfq = self.rfq(members, catalog, suppliers=('a', 'b'))
            qa = self.quote(rfq, members['a'], ['460', '90'])
            qb = self.quote(rfq, members['b'], ['450', '80'])
            qa.lines[0].make_offer(members['buyer'], 'counter',
                Decimal(400))
            draft, = Rfq.create([{'buyer': members['buyer'].id,
                        'title': "未发送", 'deadline': in_days(2),
                        'invitations': [('create', [{
                                        'supplier': members['a'].id}])]}])
            checks = [
                (members['a'], 's2b2b.rfq.quotation', qa, True),
                (members['a'], 's2b2b.rfq.quotation', qb, False),
                (members['b'], 's2b2b.rfq.quotation.line', qa.lines[0],
                    False),
                (members['b'], 's2b2b.rfq.offer', qa.lines[0].offers[0],
                    False),
                (members['a'], 's2b2b.rfq.offer', qa.lines[0].offers[0],
                    True),
                (members['a'], 's2b2b.rfq.quotation.revision',
                    qa.revisions[0], True),
                (members['b'], 's2b2b.rfq.quotation.revision',
                    qa.revisions[0], False),
                (members['buyer'], 's2b2b.rfq.quotation', qb, True),
                (members['other'], 's2b2b.rfq.quotation', qa, False),
                (members['other'], 's2b2b.rfq', rfq, False),
                (members['c'], 's2b2b.rfq', rfq, False),
                (members['a'], 's2b2b.rfq', rfq, True),
                (members['a'], 's2b2b.rfq', draft, False),
                (members['a'], 's2b2b.rfq.line', rfq.lines[0], True),
                (members['c'], 's2b2b.rfq.line', rfq.lines[0], False),
                (members['other'], 's2b2b.requirement', rfq.requirement,
                    False),
                (members['a'], 's2b2b.requirement', rfq.requirement,
                    False),
                (members['buyer'], 's2b2b.requirement', rfq.requirement,
                    True),
                ]
            for member, model, record, visible in checks:
                with self.subTest(member=member.rec_name, model=model,
                        record=record.id):
                    with as_member(member.id):
                        if visible:
                            self.assertEqual(
                                get_record(model, record.id).id, record.id)
                        else:
                            with self.assertRaises(RecordNotFound):
                                get_record(model, record.id)
            with as_member(members['a'].id):
                self.assertEqual(Quotation.search([]), [qa])
                with self.assertRaises(AccessError):
                    Quotation.write([Quotation(qa.id)], {'freight': 1})
                with self.assertRaises(AccessError):
                    Rfq.write([Rfq(rfq.id)], {'title': "改"})
            with as_member(members['other'].id):
                self.assertEqual(Requirement.search([]), [])
                self.assertEqual(Rfq.search([]), [])
