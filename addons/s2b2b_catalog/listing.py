# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import json
from decimal import Decimal

from sql import Literal
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields,
    sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.tools import grouped_slice

from trytond.modules.s2b2b_platform.files import file_type

from . import pricing, regions, searchtext
from .exceptions import (
    ListingError, ListingMediaError, ListingSpecError, ListingTierError,
    ListingValueError)

STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('published', "Published"),
    ('rejected', "Rejected"),
    ('delisted', "Delisted"),
    ]
STANDINGS = [
    ('standard', "Standard"),
    ('verified', "Verified"),
    ('preferred', "Preferred"),
    ]
SERVICE_KINDS = [
    ('installation', "Installation"),
    ('customisation', "Customisation"),
    ('support', "Technical Support"),
    ]
IMAGE_TYPES = {'image/jpeg', 'image/png'}
IMAGE_MAX_SIZE = 2 * 1024 * 1024
# Fields a supplier may change while the listing is published; any other
# change needs a new review (delist, edit, submit)
PUBLISHED_WRITABLE = {
    'available_quantity', 'low_stock_threshold', 'low_stock_alerted',
    'supplier_standing', 'supplier_approved', 'search_text', 'product',
    'state',
    'published_date', 'favourite_count', 'reject_reason'}
# Numeric fields that must be greater than zero, or not negative
POSITIVE = {'moq', 'order_multiple'}
NOT_NEGATIVE = {'lead_time', 'available_quantity', 'low_stock_threshold',
    'carbon_footprint'}


class Listing(Workflow, ModelSQL, ModelView):
    "Supplier Listing"
    __name__ = 's2b2b.listing'
    _rec_name = 'name'

    _states = {'readonly': ~Eval('state').in_(['draft', 'rejected'])}

    supplier = fields.Many2One(
        's2b2b.member', "Supplier", required=True, ondelete='RESTRICT',
        domain=[('is_supplier', '=', True)], states=_states)
    reference = fields.Char(
        "Supplier Reference", states=_states,
        help="The supplier's own article number, unique per supplier; "
        "imports update the listing with the same reference.")
    product = fields.Many2One(
        'product.product', "Product", readonly=True, ondelete='RESTRICT',
        help="The product the platform trades, made when first published.")
    name = fields.Char("Name (Chinese)", required=True, states=_states)
    name_en = fields.Char("Name (English)", states=_states)
    description = fields.Text(
        "Description", states=_states, loading='lazy')
    category = fields.Many2One(
        'product.category', "Category", required=True, ondelete='RESTRICT',
        states=_states)
    brand = fields.Char("Brand", states=_states)
    model = fields.Char("Model", states=_states)
    specs = fields.Dict('product.attribute', "Specifications", states=_states)
    uom = fields.Many2One(
        'product.uom', "Sale Unit", required=True, ondelete='RESTRICT',
        states=_states)
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, ondelete='RESTRICT',
        states=_states)
    price_tiers = fields.One2Many(
        's2b2b.listing.price_tier', 'listing', "Price Tiers",
        states=_states)
    price_from = fields.Numeric(
        "Price From", digits=(16, 4), readonly=True,
        help="The unit price of the first tier.")
    # The bounds of the tiers, kept so that search settles a price range
    # at a quantity without reading the tiers of most listings
    price_lowest = fields.Numeric(
        "Lowest Price", digits=(16, 4), readonly=True,
        help="The unit price of the last tier.")
    tier_first_quantity = fields.Float(
        "First Tier Quantity", readonly=True)
    tier_last_quantity = fields.Float("Last Tier Quantity", readonly=True)
    # The value rules of these fields are checked in check_values, not as
    # field domains: a domain costs a query per field on every save
    moq = fields.Float(
        "Minimum Order Quantity", required=True, states=_states)
    order_multiple = fields.Float(
        "Order Multiple", required=True, states=_states)
    lead_time = fields.Integer(
        "Lead Time (days)", required=True, states=_states)
    province = fields.Selection(
        regions.selection(), "Ship-from Province", states=_states,
        sort=False)
    city = fields.Char("Ship-from City", states=_states)
    media = fields.One2Many(
        's2b2b.listing.media', 'listing', "Media", states=_states)
    services = fields.One2Many(
        's2b2b.listing.service', 'listing', "Value-added Services",
        states=_states)
    carbon_footprint = fields.Numeric(
        "Carbon Footprint (kg CO2e/unit)", digits=(16, 3), states=_states)
    carbon_source = fields.Char(
        "Carbon Footprint Source", states=_states,
        help="How the footprint was established, e.g. a certificate or "
        "an LCA study.")
    valid_from = fields.Date("Valid From", states=_states)
    valid_to = fields.Date("Valid To", states=_states)
    available_quantity = fields.Float("Available Quantity", required=True)
    low_stock_threshold = fields.Float(
        "Low-stock Threshold", required=True)
    low_stock_alerted = fields.Boolean("Low-stock Alerted", readonly=True)
    in_stock = fields.Boolean("In Stock", readonly=True)
    stock_status = fields.Function(fields.Selection([
                ('in_stock', "In Stock"),
                ('low', "Low Stock"),
                ('out', "Out of Stock"),
                ], "Availability"), 'on_change_with_stock_status')
    supplier_standing = fields.Selection(
        STANDINGS, "Supplier Standing", readonly=True)
    supplier_approved = fields.Boolean(
        "Supplier Approved", readonly=True,
        help="Whether the supplier is approved: kept on the listing for "
        "search.")
    state = fields.Selection(STATES, "State", readonly=True, required=True)
    state_string = state.translated('state')
    reject_reason = fields.Text(
        "Reason", states={
            'readonly': Eval('state') != 'submitted',
            'invisible': ~Eval('state').in_(['submitted', 'rejected']),
            })
    published_date = fields.DateTime("Published", readonly=True)
    price_changes = fields.One2Many(
        's2b2b.listing.price_change', 'listing', "Price Changes",
        readonly=True)
    favourite_count = fields.Integer("Favourites", readonly=True)
    # Lazy: only search reads them, and they are most of a row's size
    search_text = fields.Text(
        "Search Document", readonly=True, loading='lazy')
    search_title = fields.Char(
        "Search Title", readonly=True, loading='lazy')
    search_vector = fields.FullText(
        "Search Vector", readonly=True, loading='lazy')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.category, Index.Equality())),
                Index(t, (t.supplier, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.province, Index.Equality(cardinality='low')),
                    where=t.state == 'published'),
                Index(t, (t.price_from, Index.Range()),
                    where=t.state == 'published'),
                Index(t, (t.lead_time, Index.Range()),
                    where=t.state == 'published'),
                Index(t, (t.search_title, Index.Similarity()),
                    where=t.state == 'published'),
                })
        cls._order = [('published_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('rejected', 'submitted'),
            ('submitted', 'draft'),
            ('rejected', 'draft'),
            ('submitted', 'published'),
            ('submitted', 'rejected'),
            ('published', 'delisted'),
            ('delisted', 'draft'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': ~Eval('state').in_(['draft', 'rejected']),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['submitted', 'rejected', 'delisted']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'publish': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'delist': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module_name):
        transaction = Transaction()
        database = transaction.database
        if backend_name() == 'postgresql' \
                and not database.has_extension('pg_trgm'):
            _try_extension(database, 'pg_trgm')
        super().__register__(module_name)
        if backend_name() == 'postgresql':
            cursor = transaction.connection.cursor()
            cursor.execute(
                'CREATE INDEX IF NOT EXISTS s2b2b_listing_search_vector_gin '
                'ON s2b2b_listing USING GIN (search_vector) '
                "WHERE state = 'published'")

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_moq():
        return 1

    @staticmethod
    def default_order_multiple():
        return 1

    @staticmethod
    def default_lead_time():
        return 7

    @staticmethod
    def default_available_quantity():
        return 0

    @staticmethod
    def default_low_stock_threshold():
        return 0

    @staticmethod
    def default_supplier_standing():
        return 'standard'

    @staticmethod
    def default_favourite_count():
        return 0

    @classmethod
    def default_currency(cls):
        Company = Pool().get('company.company')
        company_id = Transaction().context.get('company')
        if company_id is not None and company_id >= 0:
            return Company(company_id).currency.id
        companies = Company.search([], limit=1)
        if companies:
            return companies[0].currency.id

    @classmethod
    def default_uom(cls):
        ModelData = Pool().get('ir.model.data')
        return ModelData.get_id('product', 'uom_unit')

    @fields.depends('available_quantity', 'low_stock_threshold')
    def on_change_with_stock_status(self, name=None):
        quantity = self.available_quantity or 0
        if quantity <= 0:
            return 'out'
        if quantity <= (self.low_stock_threshold or 0):
            return 'low'
        return 'in_stock'

    def get_rec_name(self, name):
        if self.name_en and Transaction().language != 'zh_CN':
            return self.name_en
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('name', operator, value),
            ('name_en', operator, value),
            ('reference', operator, value),
            ]

    @property
    def tiers(self):
        "(min_quantity, unit_price) pairs of the listing"
        return [(t.quantity, t.unit_price) for t in self.price_tiers]

    def price_for(self, quantity):
        return pricing.price_for(self.tiers, quantity)

    @property
    def images(self):
        return [m for m in self.media if m.kind == 'image']

    @classmethod
    def validate_fields(cls, listings, field_names):
        super().validate_fields(listings, field_names)
        if field_names & (POSITIVE | NOT_NEGATIVE | {'valid_from'}):
            for listing in listings:
                listing.check_values()
        if field_names & {'price_tiers', 'specs', 'category'}:
            for listing in listings:
                listing.check_tiers()
                listing.check_specs()
        if field_names & {'reference', 'supplier'}:
            cls.check_references(listings)

    @classmethod
    def check_references(cls, listings):
        "A supplier uses a reference for one listing only"
        references = {(l.supplier.id, l.reference) for l in listings
            if l.reference}
        if not references:
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.supplier, table.reference,
                where=table.reference.in_(list({r for _, r in references}))
                & table.supplier.in_(list({s for s, _ in references})),
                group_by=[table.supplier, table.reference],
                having=Count(table.id) > 1))
        for supplier, reference in cursor:
            if (supplier, reference) in references:
                raise ListingError(gettext(
                        's2b2b_catalog.msg_listing_reference_unique',
                        reference=reference))

    def check_values(self):
        "Quantities, lead time and footprint in range; dates in order"
        for names, message in [(POSITIVE, 'positive'),
                (NOT_NEGATIVE, 'not_negative')]:
            for name in sorted(names):
                value = getattr(self, name)
                if value is not None and (
                        value < 0 or (value == 0 and name in POSITIVE)):
                    raise ListingValueError(gettext(
                            f's2b2b_catalog.msg_listing_value_{message}',
                            listing=self.rec_name, value=value,
                            **self.__names__(name)))
        if (self.valid_from and self.valid_to
                and self.valid_to < self.valid_from):
            raise ListingValueError(gettext(
                    's2b2b_catalog.msg_listing_valid_dates',
                    listing=self.rec_name, valid_from=self.valid_from,
                    valid_to=self.valid_to))

    def check_tiers(self):
        try:
            pricing.check_tiers(self.tiers)
        except pricing.TierError as error:
            raise ListingTierError(gettext(
                    f's2b2b_catalog.msg_listing_tier_{error.args[0]}',
                    listing=self.rec_name))

    def check_specs(self):
        "Specs must be attributes of the category with allowed values"
        allowed = self.category.allowed_attributes() if self.category else {}
        for key, value in (self.specs or {}).items():
            attribute = allowed.get(key)
            if attribute is None:
                raise ListingSpecError(gettext(
                        's2b2b_catalog.msg_listing_spec_unknown',
                        spec=key, category=self.category.rec_name))
            if not attribute.accepts(value):
                raise ListingSpecError(gettext(
                        's2b2b_catalog.msg_listing_spec_value',
                        spec=attribute.string, value=value))

    @classmethod
    def create(cls, vlist):
        # The tiers created with the listings are checked and indexed here
        with Transaction().set_context(_s2b2b_listing_create=True):
            listings = super().create(vlist)
        cls._refresh(listings)
        return listings

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for listings, values in zip(actions, actions):
            cls.check_published_write(listings, values)
        listings = sum(args[0:None:2], [])
        super().write(*args)
        cls._refresh(listings)
        cls.check_low_stock(listings)

    @classmethod
    def check_published_write(cls, listings, values):
        if set(values) - PUBLISHED_WRITABLE:
            for listing in listings:
                if listing.state in {'published', 'submitted'}:
                    raise ListingError(gettext(
                            's2b2b_catalog.msg_listing_not_editable',
                            listing=listing.rec_name,
                            state=listing.state_string))

    @classmethod
    def _refresh(cls, listings):
        """Store what search needs: first-tier price, stock flag, standing
        and the search document"""
        if not listings:
            return
        listings = cls.browse(listings)
        table = cls.__table__()
        bounds = tier_bounds([l.id for l in listings])
        categories = category_documents(
            {l.category for l in listings})
        columns = [table.price_from, table.price_lowest,
            table.tier_first_quantity, table.tier_last_quantity,
            table.in_stock, table.supplier_standing, table.supplier_approved,
            table.search_text, table.search_title]
        # One statement, many parameter rows: psycopg pipelines them
        update, _ = tuple(table.update(columns, [Literal(None)] * len(columns),
                where=table.id == Literal(0)))
        cursor = Transaction().connection.cursor()
        cursor.executemany(update, [(
                    *bounds.get(listing.id, (None,) * 4),
                    (listing.available_quantity or 0) > 0,
                    listing.supplier.standing or 'standard',
                    listing.supplier.state == 'approved',
                    listing.build_search_text(
                        categories[listing.category.id]),
                    listing.build_search_title(),
                    listing.id) for listing in listings])
        update_search_vectors([l.id for l in listings])
        invalidate(cls, [l.id for l in listings])
        for listing in listings:
            listing._local_cache.pop(listing.id, None)
            listing._values = None

    def build_search_text(self, category_text):
        spec_values = ' '.join(str(v) for v in (self.specs or {}).values())
        province = ' '.join(regions.names(self.province))
        return searchtext.document(
            self.name, self.name_en, self.brand, self.model, self.reference,
            category_text, spec_values, province, self.city,
            self.supplier.party.name if self.supplier else '')

    def build_search_title(self):
        text = ' '.join(filter(None, [self.name, self.name_en, self.brand,
                    self.model]))
        pinyin = ' '.join(searchtext.tokens(self.name))
        return f'{text} {pinyin}'.lower()[:500]

    @classmethod
    def check_low_stock(cls, listings):
        "Alert suppliers of listings whose stock fell to the threshold"
        Notification = Pool().get('s2b2b.notification')
        crossed, restocked = [], []
        for listing in cls.browse(listings):
            low = listing.available_quantity <= listing.low_stock_threshold
            if low and not listing.low_stock_alerted \
                    and listing.state == 'published':
                crossed.append(listing)
            elif not low and listing.low_stock_alerted:
                restocked.append(listing)
        if crossed:
            super().write(crossed, {'low_stock_alerted': True})
            Notification.notify_low_stock(crossed)
        if restocked:
            super().write(restocked, {'low_stock_alerted': False})

    @classmethod
    def copy(cls, listings, default=None):
        default = default.copy() if default is not None else {}
        for name in ['product', 'price_changes', 'published_date',
                'reference', 'reject_reason']:
            default.setdefault(name, None)
        default.setdefault('favourite_count', 0)
        default.setdefault('low_stock_alerted', False)
        return super().copy(listings, default=default)

    @classmethod
    def check_modification(cls, mode, listings, values=None, external=False):
        super().check_modification(
            mode, listings, values=values, external=external)
        if mode == 'delete':
            for listing in listings:
                if listing.state not in {'draft', 'rejected'}:
                    raise ListingError(gettext(
                            's2b2b_catalog.msg_listing_delete_state',
                            listing=listing.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, listings):
        for listing in listings:
            listing.check_submittable()
        super().write(listings, {'reject_reason': None})
        cls._log(listings, 'listing.submitted')

    def check_submittable(self):
        if not self.price_tiers:
            raise ListingTierError(gettext(
                    's2b2b_catalog.msg_listing_tier_empty',
                    listing=self.rec_name))
        if self.supplier.state != 'approved':
            raise ListingError(gettext(
                    's2b2b_catalog.msg_listing_supplier_not_approved',
                    listing=self.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, listings):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, listings):
        cls.make_products(listings)
        super().write(listings, {
                'published_date': dt.datetime.now(),
                'reject_reason': None,
                })
        cls._log(listings, 'listing.published')
        cls.check_low_stock(listings)

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    def reject(cls, listings):
        for listing in listings:
            if not (listing.reject_reason or '').strip():
                raise ListingError(gettext(
                        's2b2b_catalog.msg_listing_reason_required',
                        listing=listing.rec_name))
        cls._log(listings, 'listing.rejected',
            lambda l: {'reason': l.reject_reason})

    @classmethod
    @ModelView.button
    @Workflow.transition('delisted')
    def delist(cls, listings):
        cls._log(listings, 'listing.delisted')

    @classmethod
    def _log(cls, listings, event, data=None):
        Event = Pool().get('s2b2b.event')
        Event.append([{
                    'event': event,
                    'member': l.supplier.id,
                    'resource': str(l),
                    'data': {'listing': l.id, 'name': l.name,
                        **(data(l) if data else {})},
                    } for l in listings])

    @classmethod
    def make_products(cls, listings):
        "Give each listing without one the product the platform trades"
        pool = Pool()
        Template = pool.get('product.template')
        Product = pool.get('product.product')
        todo = [l for l in listings if not l.product]
        if not todo:
            return
        templates = [Template(
                name=l.name, type='goods', default_uom=l.uom,
                categories=[l.category], code=None,
                products=[Product(suffix_code=None)]) for l in todo]
        with Transaction().set_context(_check_access=False):
            Template.save(templates)
        for listing, template in zip(todo, templates):
            listing.product = template.products[0]
        super().write(*sum(
                ([[l], {'product': l.product.id}] for l in todo), []))

    @classmethod
    def visible_domain(cls, date=None):
        "Domain of the listings buyers may find and order today"
        date = date or dt.date.today()
        return [
            ('state', '=', 'published'),
            ('supplier.state', '=', 'approved'),
            ['OR', ('valid_from', '=', None), ('valid_from', '<=', date)],
            ['OR', ('valid_to', '=', None), ('valid_to', '>=', date)],
            ]


def tier_bounds(listing_ids):
    """(first price, last price, first quantity, last quantity) of the
    listings' tiers, by listing id"""
    tier = Pool().get('s2b2b.listing.price_tier').__table__()
    cursor = Transaction().connection.cursor()
    tiers = {}
    for sub_ids in grouped_slice(listing_ids, 1000):
        cursor.execute(*tier.select(
                tier.listing, tier.quantity, tier.unit_price,
                where=tier.listing.in_(list(sub_ids)),
                order_by=[tier.listing, tier.quantity]))
        for listing, quantity, price in cursor:
            tiers.setdefault(listing, []).append((quantity, price))
    return {listing: (rows[0][1], rows[-1][1], rows[0][0], rows[-1][0])
        for listing, rows in tiers.items()}


def backend_name():
    from trytond import backend
    return backend.name


def _try_extension(database, name):
    "Create a PostgreSQL extension when the role may; search works without"
    connection = database.get_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE EXTENSION IF NOT EXISTS {name}')
        connection.commit()
    except Exception:
        connection.rollback()
    finally:
        database.put_connection(connection)
    database._extensions[database.name].pop(name, None)


def invalidate(Model, ids):
    "Forget cached values of records changed by SQL, as the ORM write does"
    transaction = Transaction()
    transaction.counter += 1
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            for id_ in ids:
                cache[Model.__name__].pop(id_, None)


# The listing's full-text vector: the words of its search document,
# verbatim, plus filter lexemes ("~" never occurs in a word token) so that
# the GIN index also narrows by category (the listing's category and its
# parents), province, supplier standing and specification value, not only
# the heap rows found by the keywords.
SEARCH_VECTOR = (
    "array_to_tsvector("
    "string_to_array(NULLIF({t}search_text, ''), ' ') "
    "|| ARRAY['~p' || COALESCE({t}province, ''), "
    "'~s' || COALESCE({t}supplier_standing, '')] "
    "|| ARRAY(SELECT '~a' || s.key || '=' || s.value "
    "FROM JSONB_EACH_TEXT(CAST({t}specs AS JSONB)) AS s "
    "WHERE s.value IS NOT NULL) "
    "|| ARRAY(WITH RECURSIVE a(id) AS ("
    "SELECT {t}category UNION "
    "SELECT c.parent FROM product_category AS c JOIN a ON c.id = a.id "
    "WHERE c.parent IS NOT NULL) "
    "SELECT '~c' || a.id FROM a WHERE a.id IS NOT NULL))")


def update_search_vectors(ids):
    "Recompute the full-text vector of the listings from their document"
    if backend_name() != 'postgresql' or not ids:
        return
    cursor = Transaction().connection.cursor()
    for sub_ids in grouped_slice(list(ids), 10000):
        cursor.execute(
            'UPDATE s2b2b_listing AS l SET search_vector = '
            + SEARCH_VECTOR.format(t='l.') + ' WHERE l.id = ANY(%s)',
            (list(sub_ids),))


def category_documents(categories):
    "Chinese and English names of the categories and their parents, by id"
    Category = Pool().get('product.category')
    result = {}
    names = {}
    for language in ['zh_CN', 'en']:
        with Transaction().set_context(language=language):
            for category in Category.browse(list(categories)):
                names.setdefault(category.id, []).append(category.rec_name)
    for category in categories:
        result[category.id] = ' '.join(names.get(category.id, []))
    return result


class PriceTier(sequence_ordered(), ModelSQL, ModelView):
    "Listing Price Tier"
    __name__ = 's2b2b.listing.price_tier'

    listing = fields.Many2One(
        's2b2b.listing', "Listing", required=True, ondelete='CASCADE')
    # Positive quantity and price: Listing.check_tiers
    quantity = fields.Float("From Quantity", required=True)
    unit_price = fields.Numeric(
        "Unit Price", digits=(16, 4), required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('listing_quantity_unique', Unique(t, t.listing, t.quantity),
                's2b2b_catalog.msg_listing_tier_duplicate_sql'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.listing, Index.Equality()),
                (t.quantity, Index.Range())))
        cls._order.insert(0, ('quantity', 'ASC'))

    @classmethod
    def validate(cls, tiers):
        super().validate(tiers)
        if not Transaction().context.get('_s2b2b_listing_create'):
            Pool().get('s2b2b.listing').validate_fields(
                list({t.listing for t in tiers}), {'price_tiers'})

    @classmethod
    def create(cls, vlist):
        tiers = super().create(vlist)
        if not Transaction().context.get('_s2b2b_listing_create'):
            _refresh_listings(tiers)
        return tiers

    @classmethod
    def write(cls, *args):
        super().write(*args)
        _refresh_listings(sum(args[0:None:2], []))

    @classmethod
    def check_modification(cls, mode, tiers, values=None, external=False):
        super().check_modification(
            mode, tiers, values=values, external=external)
        if mode != 'create' and Transaction().context.get(
                '_s2b2b_price_change') is None:
            for tier in tiers:
                if tier.listing.state in {'published', 'submitted'}:
                    raise ListingError(gettext(
                            's2b2b_catalog.msg_listing_not_editable',
                            listing=tier.listing.rec_name,
                            state=tier.listing.state_string))


def _refresh_listings(children):
    Listing = Pool().get('s2b2b.listing')
    Listing._refresh(list({c.listing.id for c in children}))


class Media(sequence_ordered(), ModelSQL, ModelView):
    "Listing Media"
    __name__ = 's2b2b.listing.media'

    listing = fields.Many2One(
        's2b2b.listing', "Listing", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('image', "Image"),
            ('video', "Video Link"),
            ], "Kind", required=True)
    image = fields.Binary(
        "Image", file_id='image_id', filename='filename',
        states={
            'required': Eval('kind') == 'image',
            'invisible': Eval('kind') != 'image',
            })
    image_id = fields.Char("Image ID", readonly=True)
    filename = fields.Char("File Name")
    content_type = fields.Char("Content Type", readonly=True)
    url = fields.Char(
        "Video URL", states={
            'required': Eval('kind') == 'video',
            'invisible': Eval('kind') != 'video',
            })

    @classmethod
    def default_kind(cls):
        return 'image'

    @classmethod
    def validate_fields(cls, media, field_names):
        super().validate_fields(media, field_names)
        for medium in media:
            medium.check_content()

    def check_content(self):
        if self.kind == 'video':
            if not (self.url or '').startswith(('https://', 'http://')):
                raise ListingMediaError(gettext(
                        's2b2b_catalog.msg_media_video_url',
                        url=self.url or ''))
            return
        data = self.image
        if data and len(data) > IMAGE_MAX_SIZE:
            raise ListingMediaError(gettext(
                    's2b2b_catalog.msg_media_too_large',
                    name=self.filename or '', size=IMAGE_MAX_SIZE // 1024))
        if data and file_type(data) not in IMAGE_TYPES:
            raise ListingMediaError(gettext(
                    's2b2b_catalog.msg_media_not_image',
                    name=self.filename or ''))

    @classmethod
    def create(cls, vlist):
        vlist = [_with_content_type(v) for v in vlist]
        return super().create(vlist)


def _with_content_type(values):
    values = values.copy()
    if values.get('image'):
        values['content_type'] = file_type(values['image'])
    return values


class Service(sequence_ordered(), ModelSQL, ModelView):
    "Listing Value-added Service"
    __name__ = 's2b2b.listing.service'

    listing = fields.Many2One(
        's2b2b.listing', "Listing", required=True, ondelete='CASCADE')
    kind = fields.Selection(SERVICE_KINDS, "Kind", required=True)
    kind_string = kind.translated('kind')
    description = fields.Char("Description")
    price = fields.Numeric(
        "Price", digits=(16, 2),
        domain=['OR', ('price', '=', None), ('price', '>=', 0)],
        help="Leave empty when the service is included.")


def tiers_to_json(tiers):
    return json.dumps([[float(q), str(p)] for q, p in sorted(tiers)])


def tiers_from_json(text):
    return [(float(q), Decimal(p)) for q, p in json.loads(text or '[]')]
