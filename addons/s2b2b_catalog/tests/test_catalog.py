# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Catalog stories at the model level: listing review, price changes,
stock alerts, search, recommendations and tenant isolation."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond import backend
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.s2b2b_catalog import pricing, recommend, search
from trytond.modules.s2b2b_catalog.exceptions import (
    ListingError, ListingMediaError, ListingSpecError, ListingValueError,
    PriceChangeError)
from trytond.modules.s2b2b_catalog.tests.tools import (
    create_catalog, create_listing)
from trytond.modules.s2b2b_platform.tenant import as_member, get_record
from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00'
    b'\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc'
    b'\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00'
    b'\x00IEND\xaeB`\x82')


def setup():
    "Two suppliers, one buyer, the catalog; returns them in a dict"
    create_document_types()
    suppliers = [create_member(f"供应商{n}", n, kind='supplier')
        for n in (1, 2)]
    buyer = create_member("采购方", 3, kind='buyer')
    return {'a': suppliers[0], 'b': suppliers[1], 'buyer': buyer,
        'catalog': create_catalog()}


def tiers_of(tiers):
    return [(q, Decimal(p)) for q, p in tiers]


def _decimal(value):
    return Decimal(value) if value is not None else None


def _within(price, low, high):
    return price is not None and (low is None or price >= low) and (
        high is None or price <= high)


class CatalogTestCase(unittest.TestCase):
    "Listings, review, price changes, stock, search and isolation"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['s2b2b_catalog'])

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def _with_company(self):
        company = create_company()
        return set_company(company)

    @with_transaction()
    def test_review_workflow(self):
        "Supplier submits, operator rejects with a reason then publishes"
        Listing = Pool().get('s2b2b.listing')
        with self._with_company():
            data = setup()
            listing = create_listing(data['a'], data['catalog'].cement,
                state='submitted')
            with self.assertRaises(ListingError):
                Listing.reject([listing])
            listing.reject_reason = "缺少合格证"
            listing.save()
            Listing.reject([listing])
            self.assertEqual(listing.state, 'rejected')
            Listing.write([listing], {'name': "普通硅酸盐水泥 P.O 42.5"})
            Listing.submit([listing])
            Listing.publish([listing])
            self.assertEqual(listing.state, 'published')
            self.assertTrue(listing.product)
            self.assertTrue(listing.published_date)
            with self.assertRaises(ListingError):
                Listing.write([listing], {'brand': "海螺"})
            with self.assertRaises(ListingError):
                Listing.delete([listing])
            Listing.delist([listing])
            self.assertEqual(listing.state, 'delisted')

    @with_transaction()
    def test_bad_listings(self):
        "Bad tiers, specs and media are refused and nothing is saved"
        Media = Pool().get('s2b2b.listing.media')
        with self._with_company():
            data = setup()
            cement = data['catalog'].cement
            for tiers in [((1, '-5'),), ((1, '400'), (10, '450'))]:
                with self.subTest(tiers=tiers), \
                        self.assertRaises(ValidationError):
                    create_listing(data['a'], cement, tiers=tiers,
                        state='draft')
            for specs in [{'voltage': 220}, {'grade': '99'},
                    {'bag_weight': 'heavy'}]:
                with self.subTest(specs=specs), \
                        self.assertRaises(ListingSpecError):
                    create_listing(data['a'], cement, specs=specs,
                        state='draft')
            listing = create_listing(data['a'], cement, state='draft')
            Listing = Pool().get('s2b2b.listing')
            # Each bad value on top of good ones: a failed write is only
            # undone when the request's transaction rolls back
            good = {'moq': 5, 'order_multiple': 1, 'lead_time': 0,
                'available_quantity': 0, 'low_stock_threshold': 0,
                'carbon_footprint': None, 'valid_from': None,
                'valid_to': None}
            for values in [{'moq': 0}, {'order_multiple': -1},
                    {'lead_time': -2}, {'available_quantity': -1},
                    {'low_stock_threshold': -5},
                    {'carbon_footprint': Decimal('-0.5')},
                    {'valid_from': dt.date(2026, 12, 1),
                        'valid_to': dt.date(2026, 1, 1)}]:
                with self.subTest(values=values), \
                        self.assertRaises(ListingValueError) as raised:
                    Listing.write([listing], {**good, **values})
                self.assertIn(listing.rec_name, raised.exception.message)
            Listing.write([listing], good)
            self.assertEqual(Listing(listing.id).moq, 5)
            for image in [b'%PDF-1.4 not an image', PNG + b'0' * 3_000_000]:
                with self.subTest(size=len(image)), \
                        self.assertRaises(ListingMediaError):
                    Media.create([{'listing': listing.id, 'image': image,
                                'filename': 'x.png'}])
            media, = Media.create([{'listing': listing.id, 'image': PNG,
                        'filename': 'ok.png'}])
            self.assertEqual(media.content_type, 'image/png')

    @with_transaction()
    def test_price_changes(self):
        "Small changes apply at once, large ones wait for the operator"
        pool = Pool()
        PriceChange = pool.get('s2b2b.listing.price_change')
        with self._with_company():
            data = setup()
            draft = create_listing(data['a'], data['catalog'].cement,
                state='draft')
            with self.assertRaises(PriceChangeError):
                PriceChange.request(draft, [(1, Decimal(480))])
            listing = create_listing(data['a'], data['catalog'].cement,
                name="复合硅酸盐水泥")
            small = PriceChange.request(
                listing, [(1, Decimal(480)), (10, Decimal(440))])
            self.assertEqual(small.state, 'applied')
            self.assertEqual(listing.price_from, Decimal(480))
            large = PriceChange.request(listing, [(1, Decimal(600))])
            self.assertEqual(large.state, 'pending')
            self.assertEqual(listing.tiers[0][1], Decimal(480))
            PriceChange.approve([large])
            self.assertEqual(large.state, 'applied')
            self.assertEqual(listing.tiers, [(1, Decimal(600))])
            later = PriceChange.request(listing, [(1, Decimal(590))],
                effective_date=dt.date.today() + dt.timedelta(days=3))
            self.assertEqual(later.state, 'approved')
            self.assertEqual(listing.tiers, [(1, Decimal(600))])
            self.assertEqual(len(listing.price_changes), 3)
            with self.assertRaises(PriceChangeError):
                PriceChange.request(listing, [(1, Decimal(590))],
                    effective_date=dt.date.today() - dt.timedelta(days=1))

    @with_transaction()
    def test_low_stock_alert(self):
        "Crossing the threshold notifies the supplier once"
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        Notification = pool.get('s2b2b.notification')
        with self._with_company():
            data = setup()
            listing = create_listing(data['a'], data['catalog'].cement,
                available_quantity=100, low_stock_threshold=20)
            alerts = [('kind', '=', 'listing.low_stock')]
            Listing.write([listing], {'available_quantity': 50})
            self.assertEqual(Notification.search(alerts, count=True), 0)
            Listing.write([listing], {'available_quantity': 15})
            Listing.write([listing], {'available_quantity': 10})
            self.assertEqual(Notification.search(alerts, count=True), 1)
            self.assertEqual(listing.stock_status, 'low')
            Listing.write([listing], {'available_quantity': 80})
            self.assertFalse(listing.low_stock_alerted)
            Listing.write([listing], {'available_quantity': 0})
            self.assertEqual(Notification.search(alerts, count=True), 2)
            self.assertEqual(listing.stock_status, 'out')
            self.assertFalse(listing.in_stock)

    @with_transaction()
    def test_search(self):
        "Chinese, pinyin, initials and English; filters and facets"
        with self._with_company():
            data = setup()
            catalog = data['catalog']
            cement = create_listing(data['a'], catalog.cement,
                name="普通硅酸盐水泥", name_en="Portland Cement",
                specs={'grade': '42.5'}, province='JS', lead_time=3)
            cable = create_listing(data['b'], catalog.cable,
                name="铜芯电力电缆", name_en="Copper Power Cable",
                specs={'voltage': 1000}, province='GD', lead_time=20,
                tiers=((1, '80'), (100, '60')), available_quantity=0)
            create_listing(data['a'], catalog.cement, name="水泥草稿",
                state='draft')
            create_listing(data['b'], catalog.cement, name="水泥已下架",
                state='delisted')
            for query, expected in [
                    ("水泥", [cement]), ("shuini", [cement]),
                    ("sn", [cement]), ("cement", [cement]),
                    ("电缆", [cable]), ("dianlan", [cable]),
                    ("copper cable", [cable]), ("", [cable, cement]),
                    ]:
                with self.subTest(query=query):
                    result = search.run(query)
                    self.assertEqual(result.ids, [l.id for l in expected])
                    self.assertEqual(result.total, len(expected))
            result = search.run('', search.Filters(
                    category=catalog.building.id))
            self.assertEqual(result.ids, [cement.id])
            self.assertEqual(search.run('', search.Filters(
                        specs={'voltage': 1000})).ids, [cable.id])
            self.assertEqual(search.run('', search.Filters(
                        price_max=Decimal(70), quantity=100)).ids,
                [cable.id])
            self.assertEqual(search.run('', search.Filters(
                        price_max=Decimal(70))).ids, [])
            self.assertEqual(search.run('', search.Filters(
                        in_stock=True, lead_time_max=5,
                        provinces=['JS'])).ids, [cement.id])
            result = search.run('', sort='price')
            self.assertEqual(result.ids, [cable.id, cement.id])
            self.assertEqual(result.facets['province'], {'JS': 1, 'GD': 1})
            self.assertEqual(result.facets['in_stock'], {True: 1, False: 1})
            self.assertEqual(result.facets['lead_time'],
                {'le3': 1, 'le30': 1})
            # Keywords and filters together (on PostgreSQL both go to the
            # vector); filters follow later changes of stock, standing and
            # the category tree
            in_jiangsu = search.Filters(provinces=['JS'], in_stock=True,
                specs={'grade': '42.5'}, lead_time_max=3,
                category=catalog.building.id)
            self.assertEqual(search.run("水泥", in_jiangsu).ids, [cement.id])
            self.assertEqual(search.run("电缆", in_jiangsu).ids, [])
            self.assertEqual(search.run("cement", search.Filters(
                        lead_time_max=2)).ids, [])
            self.assertEqual(search.run("cement", search.Filters(
                        specs={'grade': '52.5'})).ids, [])
            Listing = Pool().get('s2b2b.listing')
            Listing.write([cement], {'available_quantity': 0})
            self.assertEqual(search.run("水泥", in_jiangsu).ids, [])
            Listing.write([cement], {'available_quantity': 5})
            self.assertEqual(search.run("水泥", in_jiangsu).ids, [cement.id])
            preferred = search.Filters(standings=['preferred'])
            self.assertEqual(search.run("dianlan", preferred).ids, [])
            Member = Pool().get('s2b2b.member')
            Member.write([data['b']], {'standing': 'preferred'})
            self.assertEqual(search.run("dianlan", preferred).ids,
                [cable.id])
            Category = Pool().get('product.category')
            Category.write([catalog.cement],
                {'parent': catalog.electrical.id})
            self.assertEqual(search.run("水泥", search.Filters(
                        category=catalog.electrical.id)).ids, [cement.id])
            self.assertEqual(search.run("水泥", search.Filters(
                        category=catalog.building.id)).ids, [])
            if backend.name == 'postgresql':
                typing = search.run("水泥 portla")
                self.assertEqual((typing.ids, typing.fuzzy),
                    ([cement.id], False))
                typo = search.run("portlnd")
                self.assertTrue(typo.fuzzy)
                self.assertEqual(typo.ids, [cement.id])

    @with_transaction()
    def test_search_price_at_quantity(self):
        "A price range at a quantity finds what the tiers price there"
        with self._with_company():
            data = setup()
            catalog = data['catalog']
            tiers = {
                'three': ((10, '100'), (50, '80'), (200, '60')),
                'one': ((5, '90'),),
                'flat': ((1, '70'), (100, '70')),
                }
            listings = {name: create_listing(data['a'], catalog.cement,
                    name=f"水泥{name}", tiers=t)
                for name, t in tiers.items()}
            for quantity in [1, 5, 10, 49, 50, 199, 200, 1000]:
                for low, high in [(None, 75), (75, None), (65, 85),
                        (60, 60), (85, 100), (None, 59), (101, None)]:
                    expected = sorted(listing.id
                        for name, listing in listings.items()
                        if _within(pricing.price_for(
                                    tiers_of(tiers[name]), quantity),
                            low, high))
                    found = search.run('', search.Filters(
                            quantity=quantity,
                            price_min=_decimal(low),
                            price_max=_decimal(high)), limit=10)
                    with self.subTest(quantity=quantity, low=low,
                            high=high):
                        self.assertEqual(sorted(found.ids), expected)

    @with_transaction()
    def test_search_follows_supplier_state(self):
        "A suspended supplier's listings are not found until reinstated"
        with self._with_company():
            data = setup()
            cement = create_listing(data['a'], data['catalog'].cement,
                name="普通硅酸盐水泥")
            Member = Pool().get('s2b2b.member')
            supplier = data['a']
            self.assertEqual(search.run("水泥").ids, [cement.id])
            Member.write([supplier], {'reason': "资质过期"})
            Member.suspend([supplier])
            self.assertEqual(search.run("水泥").ids, [])
            self.assertEqual(search.run("").total, 0)
            Member.reinstate([supplier])
            self.assertEqual(search.run("水泥").ids, [cement.id])

    @with_transaction()
    def test_tenant_isolation(self):
        "Suppliers see their own drafts and everybody's published listings"
        Listing = Pool().get('s2b2b.listing')
        with self._with_company():
            data = setup()
            catalog = data['catalog']
            a_draft = create_listing(data['a'], catalog.cement,
                state='draft')
            b_draft = create_listing(data['b'], catalog.cement,
                state='draft')
            b_published = create_listing(data['b'], catalog.cable,
                name="电缆")
            with as_member(data['a'].id):
                visible = {l.id for l in Listing.search([])}
                self.assertEqual(visible, {a_draft.id, b_published.id})
                with self.assertRaises(UserError):
                    get_record('s2b2b.listing', b_draft.id)
                listing = get_record('s2b2b.listing', b_published.id)
                with self.assertRaises(AccessError):
                    Listing.write([listing], {'available_quantity': 0})
                with self.assertRaises(AccessError):
                    Listing.delete([Listing(b_draft.id)])
            with as_member(data['buyer'].id):
                self.assertEqual([l.id for l in Listing.search([])],
                    [b_published.id])

    @with_transaction()
    def test_recommendations(self):
        "A buyer's favourites and similar buyers give reasons"
        pool = Pool()
        Favourite = pool.get('s2b2b.listing.favourite')
        with self._with_company():
            data = setup()
            catalog = data['catalog']
            saved = create_listing(data['a'], catalog.cement, name="水泥甲")
            same_category = create_listing(data['a'], catalog.cement,
                name="水泥乙")
            elsewhere = create_listing(data['b'], catalog.cable, name="电缆")
            peer = create_member("同行买家", 4, kind='buyer')
            Favourite.toggle(data['buyer'], saved)
            Favourite.toggle(peer, saved)
            Favourite.toggle(peer, elsewhere)
            self.assertFalse(Favourite.toggle(peer, elsewhere))
            Favourite.toggle(peer, elsewhere)
            self.assertEqual(saved.favourite_count, 2)
            kinds = {r.listing.id: r.kind
                for r in recommend.for_buyer(data['buyer'])}
            self.assertEqual(kinds[same_category.id], 'history')
            self.assertEqual(kinds[elsewhere.id], 'similar')
            self.assertNotIn(saved.id, kinds)
            demand = recommend.for_supplier(data['b'])
            self.assertEqual(demand[0][:2], (catalog.cable, 1))
