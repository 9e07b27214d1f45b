# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Quantity price tiers and order quantity rules, without a database."
from decimal import Decimal


class TierError(ValueError):
    "A tier list that cannot be used; args[0] names the problem"


def check_tiers(tiers):
    """Check (min_quantity, unit_price) pairs.

    The first tier starts at a positive quantity, quantities strictly
    increase and prices never increase with the quantity.
    """
    if not tiers:
        raise TierError('empty')
    previous_quantity = previous_price = None
    for quantity, price in sorted(tiers, key=lambda t: t[0]):
        if quantity is None or price is None:
            raise TierError('missing')
        if quantity <= 0 or price <= 0:
            raise TierError('negative')
        if previous_quantity is not None:
            if quantity == previous_quantity:
                raise TierError('duplicate')
            if price > previous_price:
                raise TierError('increasing')
        previous_quantity, previous_price = quantity, price


def price_for(tiers, quantity):
    "Unit price of the tier that applies to the quantity, or None below all"
    price = None
    for min_quantity, unit_price in sorted(tiers, key=lambda t: t[0]):
        if quantity >= min_quantity:
            price = unit_price
    return price


def quantity_problem(quantity, moq, multiple):
    "None when the quantity can be ordered, else 'moq' or 'multiple'"
    if quantity < (moq or 0):
        return 'moq'
    if multiple and multiple > 0:
        steps = Decimal(str(quantity)) / Decimal(str(multiple))
        if steps != steps.to_integral_value():
            return 'multiple'
    return None


def change_percent(old_tiers, new_tiers):
    """Largest absolute change in percent between the prices of two tier
    lists, compared at every quantity where one of them has a break"""
    quantities = {q for q, _ in old_tiers} | {q for q, _ in new_tiers}
    largest = Decimal(0)
    for quantity in quantities:
        old = price_for(old_tiers, quantity) or price_for(
            old_tiers, min(q for q, _ in old_tiers))
        new = price_for(new_tiers, quantity) or price_for(
            new_tiers, min(q for q, _ in new_tiers))
        if old:
            largest = max(largest, abs(Decimal(new) - Decimal(old))
                * 100 / Decimal(old))
    return largest.quantize(Decimal('0.01'))


def format_tiers(tiers):
    "Readable 'quantity+: price' text of a tier list"
    return '; '.join(f'≥{q:g}: {p}' for q, p in sorted(tiers))
