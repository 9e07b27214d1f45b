# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
from decimal import Decimal, InvalidOperation

from trytond.cache import Cache
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .listing import STANDINGS, invalidate, update_search_vectors


class Category(metaclass=PoolMeta):
    __name__ = 'product.category'

    s2b2b_attribute_set = fields.Many2One(
        'product.attribute.set', "Specification Set", ondelete='RESTRICT',
        help="The specifications suppliers fill in for listings of this "
        "category and its sub-categories.")
    s2b2b_listed = fields.Boolean(
        "Platform Catalog",
        help="Shown in the member catalog as a platform category.")

    def allowed_attributes(self):
        "Attributes by name from this category's set or its parents'"
        category = self
        while category:
            if category.s2b2b_attribute_set:
                return {a.name: a
                    for a in category.s2b2b_attribute_set.attributes}
            category = category.parent
        return {}

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        moved = [c.id for categories, values in zip(actions, actions)
            if 'parent' in values for c in categories]
        if moved:
            # The listings' vectors hold their categories' parents
            table = Pool().get('s2b2b.listing').__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(table.id,
                    where=table.category.in_(cls.descendants(moved))))
            update_search_vectors([i for i, in cursor])

    @classmethod
    def descendants(cls, category_ids):
        "Ids of the categories and all their sub-categories"
        return [c.id for c in cls.search(
                [('parent', 'child_of', list(category_ids))])]


class Attribute(metaclass=PoolMeta):
    __name__ = 'product.attribute'

    s2b2b_unit = fields.Char(
        "Unit", help="The unit of the value, e.g. mm, kg, V.")
    s2b2b_facet = fields.Boolean(
        "Search Filter", help="Buyers can filter listings by this value.")

    def selection_keys(self):
        return {line.split(':', 1)[0].strip()
            for line in (self.selection or '').splitlines() if line.strip()}

    def accepts(self, value):
        "Whether the value has this attribute's type and allowed values"
        if value is None or value == '':
            return True
        if self.type_ == 'selection':
            return str(value) in self.selection_keys()
        if self.type_ == 'multiselection':
            return isinstance(value, list) and set(
                map(str, value)) <= self.selection_keys()
        if self.type_ == 'boolean':
            return isinstance(value, bool)
        if self.type_ == 'integer':
            return isinstance(value, int) and not isinstance(value, bool)
        if self.type_ in {'float', 'numeric'}:
            try:
                Decimal(str(value))
            except InvalidOperation:
                return False
            return not isinstance(value, bool)
        if self.type_ == 'date':
            return isinstance(value, dt.date)
        return isinstance(value, str)

    def parse(self, text):
        "The typed value of a text read from a form or a file"
        text = (text or '').strip()
        if not text:
            return None
        if self.type_ == 'integer':
            try:
                return int(text)
            except ValueError:
                return text
        if self.type_ in {'float', 'numeric'}:
            try:
                return float(Decimal(text))
            except InvalidOperation:
                return text
        if self.type_ == 'boolean':
            return text.lower() in {'1', 'true', 'yes', 'y', '是'}
        if self.type_ == 'selection':
            return self.selection_key(text)
        return text

    def selection_key(self, text):
        "The key of a selection given its key or its label"
        for line in (self.selection or '').splitlines():
            key, _, label = line.partition(':')
            if text in {key.strip(), label.strip()}:
                return key.strip()
        return text

    def display(self, value):
        "Readable value with its unit"
        if self.type_ == 'selection':
            for line in (self.selection or '').splitlines():
                key, _, label = line.partition(':')
                if key.strip() == str(value):
                    value = label.strip() or key.strip()
        if isinstance(value, bool):
            value = '✓' if value else '✗'
        return f'{value} {self.s2b2b_unit}'.strip() if self.s2b2b_unit \
            else str(value)


class Member(metaclass=PoolMeta):
    __name__ = 's2b2b.member'

    standing = fields.Selection(STANDINGS, "Supplier Standing",
        help="Set by the operator; buyers filter listings by it.")

    @classmethod
    def default_standing(cls):
        return 'standard'

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        changed, restanded = set(), set()
        for members, values in zip(actions, actions):
            if {'standing', 'state'} & set(values):
                changed.update(members)
            if 'standing' in values:
                restanded.update(members)
        if changed:
            cls._propagate_to_listings(list(changed), restanded)

    @classmethod
    def _propagate_to_listings(cls, members, restanded):
        """Copy the standing and whether the member is approved to its
        listings, and the standing to their search vector"""
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        table = Listing.__table__()
        cursor = Transaction().connection.cursor()
        groups = {}
        for member in members:
            groups.setdefault((member.standing, member.state == 'approved',
                    member in restanded), []).append(member.id)
        for (standing, approved, vectors), ids in groups.items():
            where = table.supplier.in_(ids)
            cursor.execute(*table.update(
                    [table.supplier_standing, table.supplier_approved],
                    [standing, approved], where=where))
            cursor.execute(*table.select(table.id, where=where))
            listing_ids = [i for i, in cursor]
            if vectors:
                update_search_vectors(listing_ids)
            invalidate(Listing, listing_ids)
