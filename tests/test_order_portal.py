# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Order pages: cart, checkout, approval, the supplier's confirmation and
partial shipment, receipt, return; bad input; other members' ids"""
import re
from decimal import Decimal
from types import SimpleNamespace

from common import PASSWORD, DatabaseTestCase, PortalClient, committed

from trytond.modules.s2b2b_procurement.company import platform_company
from trytond.modules.s2b2b_procurement.tests.order_tools import (
    listing, members, platform, signed_contract)
from trytond.pool import Pool

# Portal routes (relative to /<database_name>/portal) this file sweeps
ROUTES = {
    '/catalog/<record_id>/cart', '/cart', '/cart/<record_id>/remove',
    '/cart/checkout', '/orders', '/orders/<record_id>',
    '/orders/<record_id>/<action>',
    '/orders/<record_id>/lines/<line_id>/<action>',
    '/orders/<record_id>/shipments/<shipment_id>/receive',
    '/purchase-orders', '/purchase-orders/<record_id>',
    '/purchase-orders/<record_id>/<action>',
    '/purchase-orders/<record_id>/shipments/<shipment_id>/ship',
    '/purchase-orders/<record_id>/changes/<request_id>/<action>',
    '/purchase-orders/<record_id>/returns/<request_id>/<action>',
    }
ERROR_RE = re.compile(r'id="error"[^>]*>([^<]*)<')
ADMIN = 'user0@21.example.com'
PURCHASER = 'user1@21.example.com'
APPROVER = 'user2@21.example.com'
SUPPLIER_A = 'user1@11.example.com'
SUPPLIER_B = 'user1@12.example.com'
OTHER_BUYER = 'user1@22.example.com'


def _setup():
    pool = Pool()
    WebUser = pool.get('web.user')
    Member = pool.get('s2b2b.member')
    with platform():
        data = members()
        Member.write([data.buyer], {'approval_limit': Decimal(10000)})
        WebUser.write(WebUser.search([]),
            {'password_hash': WebUser.hash_password(PASSWORD)})
        cement = listing(data.supplier_a, data.catalog.cement,
            available=100, name="水泥 P.O 42.5")
        sand = listing(data.supplier_b, data.catalog.cement, available=50,
            tiers=((10, '300'),), name="河砂 Sand")
        spare = listing(data.supplier_a, data.catalog.cement, available=40,
            name="备用水泥 Spare")
        gravel = listing(data.supplier_b, data.catalog.cement, available=30,
            name="碎石 Gravel")
        # another buyer's: the story counts the first buyer's orders
        contract = signed_contract(data.buyer_b, data.supplier_b, gravel, 10,
            '280', platform_company().currency)
        return SimpleNamespace(cement=cement.id, sand=sand.id,
            spare=spare.id, gravel=gravel.id, contract=contract.id,
            buyer=data.buyer.id, other=data.buyer_b.id,
            address=data.buyer.party.addresses[0].id,
            other_address=data.buyer_b.party.addresses[0].id)


def read(func):
    return committed(func)


def stock(listing_id):
    return read(lambda: Pool().get('s2b2b.listing')(
            listing_id).available_quantity)


def orders_of(member_id):
    return read(lambda: [o.id for o in Pool().get('s2b2b.order').search(
                [('buyer', '=', member_id)])])


def cart_of(email):
    return read(lambda: [(l.listing.id, l.quantity)
            for l in Pool().get('s2b2b.cart.line').search(
                [('web_user.email', '=', email)])])


class OrderPortalCase(DatabaseTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(_setup)

    def client(self, email, lang='en'):
        client = PortalClient()
        client.get(f'{client.base}/lang/{lang}')
        self.assertEqual(client.login(email).status_code, 302, email)
        return client

    def page(self, client, path, status=200):
        response = client.get(client.base + path)
        self.assertEqual(response.status_code, status, path)
        return response.get_data(as_text=True)

    def post(self, client, path, data=None, status=302, token_from='/'):
        response = client.submit(path, data or {}, token_from=token_from)
        self.assertEqual(response.status_code, status,
            (path, response.get_data(as_text=True)[:2000]))
        return response

    def error(self, response):
        match = ERROR_RE.search(response.get_data(as_text=True))
        self.assertIsNotNone(match, "no error shown")
        return match.group(1)

    def add(self, client, listing, quantity):
        return self.post(client, f'/catalog/{listing}/cart',
            {'quantity': str(quantity)})

    def empty_cart(self, client, email):
        def clear():
            CartLine = Pool().get('s2b2b.cart.line')
            CartLine.delete(CartLine.search(
                    [('web_user.email', '=', email)]))
        committed(clear)


class OrderStoryTestCase(OrderPortalCase):
    "From the cart to the supplier accepting a return"

    def test_story(self):
        ids = self.ids
        buyer = self.client(PURCHASER)
        listing_page = self.page(buyer, f'/catalog/{ids.cement}')
        self.assertIn('id="add-cart"', listing_page)
        self.add(buyer, ids.cement, 15)
        self.add(buyer, ids.cement, 5)  # added to the same line
        self.add(buyer, ids.sand, 10)
        self.assertEqual(sorted(cart_of(PURCHASER)),
            sorted([(ids.cement, 20), (ids.sand, 10)]))
        page = self.page(buyer, '/cart')
        self.assertIn('id="nav-count-cart">2<', page)
        self.assertIn('10,000.00', page)  # 20 × 500, subtotal of A
        self.assertIn('3,000.00', page)
        self.assertIn('13,000.00', page)
        # The cart follows the user to another device
        self.assertIn('13,000.00', self.page(self.client(PURCHASER), '/cart'))
        response = self.post(buyer, '/cart/checkout', {
                'delivery': str(ids.address), 'reference': "PO-2026-1"},
            token_from='/cart')
        order_id, = orders_of(ids.buyer)
        self.assertTrue(response.headers['Location'].endswith(
                f'/orders/{order_id}?done=ord_placed'))
        self.assertEqual(cart_of(PURCHASER), [])
        self.assertEqual((stock(ids.cement), stock(ids.sand)), (80, 40))
        page = self.page(buyer, f'/orders/{order_id}')
        self.assertIn('data-status="waiting"', page)
        self.assertIn('PO-2026-1', page)
        self.assertNotIn('id="approve"', page)  # a purchaser does not

        approver = self.client(APPROVER)
        self.post(approver, f'/orders/{order_id}/approve')
        page = self.page(approver, f'/orders/{order_id}')
        self.assertIn('data-status="processing"', page)
        self.assertEqual(page.count('class="card mb-3 supplier-order"'), 2)
        self.assertIn('data-state="quotation"', page)
        listed = self.page(buyer, '/orders?state=processing')
        self.assertIn(f'id="order-{order_id}"', listed)
        self.assertNotIn(f'id="order-{order_id}"',
            self.page(buyer, '/orders?state=done'))

        purchase_a, purchase_b = read(lambda: sorted(
                p.id for p in Pool().get('s2b2b.order')(
                    order_id).sale.s2b2b_purchases))
        supplier = self.client(SUPPLIER_A)
        incoming = self.page(supplier, '/purchase-orders')
        self.assertIn(f'id="purchase-{purchase_a}"', incoming)
        self.assertNotIn(f'id="purchase-{purchase_b}"', incoming)
        self.page(supplier, f'/purchase-orders/{purchase_b}', status=404)
        self.post(supplier, f'/purchase-orders/{purchase_a}/confirm')
        shipment, move = read(lambda: next(
                (s.id, s.supplier_moves[0].id) for s in Pool().get(
                    'purchase.purchase')(purchase_a).drop_shipments))
        page = self.page(supplier, f'/purchase-orders/{purchase_a}')
        self.assertIn(f'id="ship-{shipment}"', page)
        self.post(supplier,
            f'/purchase-orders/{purchase_a}/shipments/{shipment}/ship',
            {'carrier': "顺丰速运", 'tracking_number': "SF123",
                f'qty-{move}': '15'})
        page = self.page(supplier, f'/purchase-orders/{purchase_a}')
        self.assertIn('SF123', page)
        self.assertEqual(page.count('data-state="waiting"'), 1)  # the rest

        page = self.page(buyer, f'/orders/{order_id}')
        self.assertIn('顺丰速运 SF123', page)
        self.assertIn('Shipped 15', page)
        line = read(lambda: next(l.id for l in Pool().get('s2b2b.order')(
                    order_id).sale.lines if l.s2b2b_listing.id == ids.cement))
        # A change of a line shipped in part is refused, nothing is asked
        response = self.post(buyer,
            f'/orders/{order_id}/lines/{line}/change',
            {'quantity': '30', 'reason': "more"}, status=400)
        self.assertIn('shipped', self.error(response))
        self.assertEqual(read(lambda: Pool().get(
                    's2b2b.order.change').search([], count=True)), 0)

        # The buyer is billed monthly: the receipt goes on its invoice of
        # the month, posted when the month ends
        def monthly():
            Member = Pool().get('s2b2b.member')
            Member.write([Member(ids.buyer)], {'billing_period': 'month'})
        committed(monthly)
        self.post(buyer,
            f'/orders/{order_id}/shipments/{shipment}/receive')
        page = self.page(buyer, f'/orders/{order_id}')
        self.assertIn('Received 15', page)
        self.assertIn('id="invoices"', page)
        self.assertIn('posted after the period ends', page)
        self.post(buyer, f'/orders/{order_id}/lines/{line}/return',
            {'quantity': '5', 'reason': "破损 damaged"})
        return_id, = read(lambda: [r.id for r in Pool().get(
                    's2b2b.order.return').search([])])
        page = self.page(supplier, f'/purchase-orders/{purchase_a}')
        self.assertIn('破损 damaged', page)
        self.post(supplier, f'/purchase-orders/{purchase_a}/returns/'
            f'{return_id}/accept')
        self.assertEqual(read(lambda: Pool().get('s2b2b.order.return')(
                    return_id).state), 'accepted')
        self.assertIn('data-state="accepted"',
            self.page(buyer, f'/orders/{order_id}'))
        # Supplier B rejects its share with a reason: the buyer reads it
        self.post(self.client(SUPPLIER_B),
            f'/purchase-orders/{purchase_b}/reject',
            {'reason': "停产 discontinued"})
        self.assertIn('停产 discontinued',
            self.page(buyer, f'/orders/{order_id}'))
        self.assertEqual(stock(ids.sand), 50)


    def test_contract_order(self):
        "The buyer orders its signed spot contract from its page, once"
        ids = self.ids
        buyer = self.client(OTHER_BUYER)
        path = f'/contracts/{ids.contract}'
        self.assertIn('id="place-contract-order"', self.page(buyer, path))
        self.assertNotIn('id="place-contract-order"',
            self.page(self.client(SUPPLIER_B), path))
        self.page(self.client(PURCHASER), path, status=404)
        response = self.post(buyer, f'{path}/order', token_from=path)
        order_id = int(response.headers['Location'].rsplit('/', 1)[1])
        self.assertIn(order_id, orders_of(ids.other))
        self.assertEqual(stock(ids.gravel), 20)
        page = self.page(buyer, f'/orders/{order_id}')
        self.assertIn('碎石 Gravel', page)
        page = self.page(buyer, path)
        self.assertIn('id="contract-order-link"', page)
        self.assertNotIn('id="place-contract-order"', page)
        response = self.post(buyer, f'{path}/order', status=400,
            token_from=path)
        self.assertIn('already been ordered', self.error(response))
        self.assertEqual(stock(ids.gravel), 20)


class OrderErrorsTestCase(OrderPortalCase):
    "Bad input: a translated message, the cart kept, nothing ordered"

    def checkout_fails(self, client, email, lang='en'):
        before = (orders_of(self.ids.buyer), stock(self.ids.spare),
            cart_of(email))
        response = self.post(client, '/cart/checkout',
            {'delivery': str(self.ids.address)}, status=400,
            token_from='/cart')
        self.assertEqual((orders_of(self.ids.buyer), stock(self.ids.spare),
                cart_of(email)), before)
        self.assertIn('id="cart-form"', response.get_data(as_text=True))
        return self.error(response)

    def test_below_moq(self):
        client = self.client(ADMIN)
        self.empty_cart(client, ADMIN)
        self.add(client, self.ids.spare, 5)
        self.assertIn('below the minimum', self.page(client, '/cart'))
        self.assertIn('minimum order quantity',
            self.checkout_fails(client, ADMIN))
        chinese = self.client(ADMIN, lang='zh_CN')
        self.assertRegex(self.checkout_fails(chinese, ADMIN),
            r'[\u4e00-\u9fff]')

    def test_above_stock(self):
        client = self.client(ADMIN)
        self.empty_cart(client, ADMIN)
        self.add(client, self.ids.spare, 45)
        self.assertIn('only 40 in stock', self.checkout_fails(client, ADMIN))

    def test_bad_quantities(self):
        client = self.client(ADMIN)
        self.empty_cart(client, ADMIN)
        for text in ['', 'abc', '-5', '0']:
            with self.subTest(text=text):
                response = self.post(client,
                    f'/catalog/{self.ids.spare}/cart', {'quantity': text},
                    status=400)
                self.assertIn('greater than zero',
                    response.get_data(as_text=True))
                self.assertEqual(cart_of(ADMIN), [])
        self.add(client, self.ids.spare, 10)
        line, = read(lambda: [l.id for l in Pool().get(
                    's2b2b.cart.line').search(
                    [('web_user.email', '=', ADMIN)])])
        response = self.post(client, '/cart', {f'quantity-{line}': 'x'},
            status=400, token_from='/cart')
        self.assertIn('greater than zero', self.error(response))
        self.assertEqual(cart_of(ADMIN), [(self.ids.spare, 10)])
        self.post(client, f'/cart/{line}/remove', token_from='/cart')
        self.assertEqual(cart_of(ADMIN), [])
        self.assertIn('id="cart-empty"', self.page(client, '/cart'))

    def test_other_members(self):
        "Another buyer's order, line, shipment and cart line answer 404"
        owner = self.client(ADMIN)
        self.empty_cart(owner, ADMIN)
        self.add(owner, self.ids.spare, 10)
        cart_line, = read(lambda: [l.id for l in Pool().get(
                    's2b2b.cart.line').search(
                    [('web_user.email', '=', ADMIN)])])
        self.post(owner, '/cart/checkout', token_from='/cart')
        order_id = max(orders_of(self.ids.buyer))
        sale = read(lambda: Pool().get('s2b2b.order')(order_id).sale)
        line = read(lambda: Pool().get('s2b2b.order')(
                order_id).sale.lines[0].id)
        purchase = read(lambda: Pool().get('s2b2b.order')(
                order_id).sale.s2b2b_purchases[0].id)
        self.assertIsNotNone(sale)
        other = self.client(OTHER_BUYER)
        before = (stock(self.ids.spare), read(lambda: Pool().get(
                    's2b2b.order')(order_id).sale.state))
        self.page(other, f'/orders/{order_id}', status=404)
        self.assertNotIn(f'id="order-{order_id}"',
            self.page(other, '/orders'))
        for path in [f'/orders/{order_id}/cancel',
                f'/orders/{order_id}/lines/{line}/cancel',
                f'/orders/{order_id}/shipments/1/receive',
                f'/cart/{cart_line}/remove']:
            with self.subTest(path=path):
                self.post(other, path, {'reason': "x"}, status=404)
        self.post(owner, f'/orders/{order_id}/lines/{line + 10 ** 6}/cancel',
            {'reason': "x"}, status=404)
        supplier_b = self.client(SUPPLIER_B)
        for path in [f'/purchase-orders/{purchase}/confirm',
                f'/purchase-orders/{purchase}/reject']:
            with self.subTest(path=path):
                self.post(supplier_b, path, {'reason': "x"}, status=404)
        self.assertEqual((stock(self.ids.spare), read(lambda: Pool().get(
                        's2b2b.order')(order_id).sale.state)), before)
        # The owner cancels it with a reason: the stock comes back
        response = self.post(owner, f'/orders/{order_id}/cancel',
            {'reason': ''}, status=400)
        self.assertIn('reason', self.error(response).lower())
        self.post(owner, f'/orders/{order_id}/cancel', {'reason': "不要了"})
        self.assertEqual(stock(self.ids.spare), before[0] + 10)
