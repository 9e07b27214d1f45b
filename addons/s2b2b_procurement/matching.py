# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Which listings suit a requirement line, and why, without a database.

The candidates come from the catalog search (keywords and category of the
line); each is scored on price against the target, delivery before the
date needed, stock for the quantity, specifications matched and the
supplier's standing.  The reasons are the criteria it meets, shown to the
buyer next to the suggestion.
"""
from collections import namedtuple
from decimal import Decimal

# Weights of the criteria, out of 100
WEIGHTS = {'price': 35, 'lead_time': 20, 'stock': 20, 'specs': 15,
    'standing': 10}
STANDING_SCORES = {'standard': Decimal('0.6'), 'verified': Decimal('0.8'),
    'preferred': Decimal(1)}
NEUTRAL = Decimal('0.5')

Need = namedtuple('Need', ['quantity', 'target_price', 'days', 'specs'])
Candidate = namedtuple('Candidate', ['listing', 'price', 'lead_time',
        'available', 'standing', 'specs'])
Suggestion = namedtuple('Suggestion', ['listing', 'score', 'reasons'])


def _price(need, candidate):
    if candidate.price is None:
        return Decimal(0), None
    if not need.target_price:
        return NEUTRAL, None
    target, price = Decimal(need.target_price), Decimal(candidate.price)
    if price <= target:
        below = ((target - price) * 100 / target).quantize(Decimal(1))
        return Decimal(1), ('price', {'percent': below})
    return max(Decimal(0), 1 - (price - target) / target), None


def _lead_time(need, candidate):
    if need.days is None:
        return NEUTRAL, None
    if candidate.lead_time <= need.days:
        return Decimal(1), ('lead_time', {'days': candidate.lead_time})
    return Decimal(0), None


def _stock(need, candidate):
    quantity = Decimal(str(need.quantity or 0))
    available = Decimal(str(candidate.available or 0))
    if quantity <= 0 or available >= quantity:
        return Decimal(1), ('stock', {})
    return available / quantity, None


def _specs(need, candidate):
    if not need.specs:
        return Decimal(1), None
    matched = sum(1 for k, v in need.specs.items()
        if str((candidate.specs or {}).get(k)) == str(v))
    score = Decimal(matched) / len(need.specs)
    if not matched:
        return score, None
    return score, ('specs', {'matched': matched, 'total': len(need.specs)})


def _standing(need, candidate):
    score = STANDING_SCORES.get(candidate.standing, STANDING_SCORES[
            'standard'])
    if candidate.standing in {'verified', 'preferred'}:
        return score, ('standing', {'standing': candidate.standing})
    return score, None


CRITERIA = {'price': _price, 'lead_time': _lead_time, 'stock': _stock,
    'specs': _specs, 'standing': _standing}


def score(need, candidate):
    "The suggestion of the candidate: score out of 100 and the reasons"
    total, reasons = Decimal(0), []
    for name, criterion in CRITERIA.items():
        value, reason = criterion(need, candidate)
        total += value * WEIGHTS[name]
        if reason:
            reasons.append(reason)
    return Suggestion(candidate.listing, total.quantize(Decimal('0.1')),
        reasons)


def rank(need, candidates, limit=5):
    "The best suggestions first (listings with a price only)"
    suggestions = [score(need, c) for c in candidates if c.price is not None]
    suggestions.sort(key=lambda s: -s.score)
    return suggestions[:limit]
