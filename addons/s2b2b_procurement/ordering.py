# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Order rules without a database: what makes an order line orderable,
the supplier's price, approval, promised dates, lateness, partial
shipments, changes and returns.

Problems are codes (strings); the module turns them into translated
messages (``msg_order_problem_<code>``)."""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from trytond.modules.s2b2b_catalog import pricing

# Order of the checks: the first ones make the later ones meaningless
LISTING_PROBLEMS = ('quantity', 'not_published', 'supplier', 'not_yet_valid',
    'expired', 'currency', 'moq', 'multiple', 'no_price', 'stock')
PRICE_DIGITS = Decimal('0.0001')


@dataclass(frozen=True)
class ListingSnapshot:
    "What an order line is checked against, read once from the listing"
    id: int
    state: str
    supplier_approved: bool
    tiers: tuple = ()
    moq: float = 1
    multiple: float = 1
    available: float = 0
    valid_from: dt.date = None
    valid_to: dt.date = None
    currency: int = None
    lead_time: int = 0


@dataclass
class OrderLine:
    """A line asked for: a listing and a quantity; unit_price is given only
    when agreed beforehand (a signed contract), origin is what the line
    comes from (e.g. a contract line), delivery_date when the buyer wants
    it shipped later than the lead time allows.  A contract line awarded
    from an RFQ or a tender has no listing: listing is None, origin is the
    contract line and the line trades its product at its price."""
    listing: object
    quantity: float
    unit_price: Decimal = None
    origin: object = None
    delivery_date: dt.date = None


def line_problems(listing, quantity, date, currency=None, priced=False,
        available=None):
    """Problem codes of ordering quantity of the listing at date.

    currency: the order's currency (None: not checked); priced: the price
    is agreed beforehand, tiers are not consulted; available: the stock
    left for this line (default: the listing's)."""
    problems = []
    if quantity is None or quantity <= 0:
        return ['quantity']
    if listing.state != 'published':
        return ['not_published']
    if not listing.supplier_approved:
        problems.append('supplier')
    if listing.valid_from and date < listing.valid_from:
        problems.append('not_yet_valid')
    if listing.valid_to and date > listing.valid_to:
        problems.append('expired')
    if currency is not None and listing.currency != currency:
        problems.append('currency')
    quantity_problem = pricing.quantity_problem(
        quantity, listing.moq, listing.multiple)
    if quantity_problem:
        problems.append(quantity_problem)
    # Below the MOQ, the missing tier says nothing more
    if (not priced and quantity_problem != 'moq'
            and pricing.price_for(listing.tiers, quantity) is None):
        problems.append('no_price')
    if available is None:
        available = listing.available
    if quantity > (available or 0):
        problems.append('stock')
    return problems


def order_problems(lines, date, currency=None):
    """[(line index, code)] of an order of (snapshot, quantity, priced)
    tuples; lines of the same listing share its stock"""
    problems = []
    left = {}
    for index, (listing, quantity, priced) in enumerate(lines):
        available = left.get(listing.id, listing.available)
        for code in line_problems(listing, quantity, date,
                currency=currency, priced=priced, available=available):
            problems.append((index, code))
        if quantity and quantity > 0:
            left[listing.id] = available - quantity
    return problems


def quantities_by_listing(lines):
    "{listing id: total quantity} of (listing id, quantity) pairs"
    totals = defaultdict(float)
    for listing_id, quantity in lines:
        totals[listing_id] += quantity
    return dict(totals)


def unit_price(listing, quantity, agreed=None):
    "The buyer's unit price: agreed beforehand or the tier's"
    if agreed is not None:
        return Decimal(agreed)
    return pricing.price_for(listing.tiers, quantity)


def supplier_price(price, commission_percent):
    "What the platform pays the supplier: the buyer's price less commission"
    share = (Decimal(100) - Decimal(commission_percent or 0)) / Decimal(100)
    return (Decimal(price) * share).quantize(
        PRICE_DIGITS, rounding=ROUND_HALF_EVEN)


def needs_approval(amount, limit):
    "An order above the buyer's limit waits for an approver"
    return limit is not None and Decimal(amount) > Decimal(limit)


def promised_date(start, lead_time):
    "The date a supplier promises to ship: start plus the lead time"
    return start + dt.timedelta(days=lead_time or 0)


def confirm_overdue(asked_at, sla_hours, now):
    "A supplier has not confirmed within the SLA"
    return asked_at + dt.timedelta(hours=sla_hours) < now


def ship_overdue(promised, today):
    "A shipment not sent by its promised date"
    return promised is not None and promised < today


def ship_plan(moves, quantities):
    """How to ship moves partially: (move, quantity to ship, remainder)
    for each of the (move id, quantity) moves, quantities being
    {move id: quantity shipped}; a move left out ships in full.

    Raise ValueError('quantity') for a negative quantity or one above the
    move's and ValueError('nothing') when nothing would be shipped."""
    plan = []
    for move_id, quantity in moves:
        shipped = quantities.get(move_id, quantity)
        if shipped is None or shipped < 0 or shipped > quantity:
            raise ValueError('quantity')
        plan.append((move_id, shipped, quantity - shipped))
    if not any(shipped for _, shipped, _ in plan):
        raise ValueError('nothing')
    return plan


def change_problem(quantity, shipped, new_quantity, new_date, today,
        moq=None, multiple=None, available=None):
    """Why a change of a line (to new_quantity and/or new_date) cannot be
    asked for, or None: shipped lines, nothing changed, quantities off the
    listing's rules or above its stock, dates in the past"""
    if shipped:
        return 'shipped'
    if new_quantity is None and new_date is None:
        return 'nothing'
    if new_quantity is not None:
        if new_quantity <= 0:
            return 'quantity'
        if problem := pricing.quantity_problem(new_quantity, moq, multiple):
            return problem
        if (available is not None
                and new_quantity - quantity > available):
            return 'stock'
    if new_date is not None and new_date < today:
        return 'date'
    return None


def return_problem(quantity, received, returned):
    """Why quantity cannot be returned, or None: what is returned may not
    exceed what was received less what was already returned"""
    if quantity is None or quantity <= 0:
        return 'quantity'
    if not received:
        return 'not_received'
    if quantity > received - returned:
        return 'too_much'
    return None


def billing_period(period, date):
    """(first day, last day) of the billing period ('week' from Monday or
    'month') date falls in; None when billed per order"""
    if period == 'week':
        start = date - dt.timedelta(days=date.weekday())
        return start, start + dt.timedelta(days=6)
    if period == 'month':
        start = date.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return start, following - dt.timedelta(days=1)
    if period is not None:
        raise ValueError(period)
    return None
