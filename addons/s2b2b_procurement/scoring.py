# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Weighted scoring of opened tender bids, without any database.

Each criterion scores 0-100 against the best bid: price = lowest total /
total, lead time = shortest / lead time, carbon = lowest / carbon (a bid
without carbon data scores 0 there), supplier = its standing.  The total
is the weighted mean (weights sum to 100).  Bids are compared on the
tendered quantities, so that offering less does not look cheaper.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CRITERIA = ('price', 'lead_time', 'supplier', 'carbon')
# Until supplier ratings exist the operator's standing stands for them
STANDING_SCORES = {'standard': 60, 'verified': 80, 'preferred': 100}
HUNDRED = Decimal(100)
CENT = Decimal('0.01')


def supplier_score(standing):
    "Score 0-100 of a supplier: the one place to change for ratings"
    return Decimal(STANDING_SCORES.get(standing or 'standard', 0))


def weights_valid(weights):
    "Whether the weights (by criterion) are zero or more and sum to 100"
    values = [weights.get(c) for c in CRITERIA]
    return (all(v is not None and v >= 0 for v in values)
        and sum(values) == HUNDRED)


@dataclass(frozen=True)
class Figures:
    "What a bid is scored on"
    key: object
    total: Decimal
    lead_time: int
    supplier: Decimal
    carbon: Decimal | None


@dataclass(frozen=True)
class Score:
    key: object
    price: Decimal
    lead_time: Decimal
    supplier: Decimal
    carbon: Decimal
    total: Decimal
    rank: int


def _quantity(value):
    return Decimal(str(value))


def figures(key, content, quantities, standing):
    """The Figures of a normalised bid content (see sealing.normalise);
    quantities maps tender line ids to the tendered quantities"""
    lines = content['lines']
    total = sum((Decimal(o['unit_price']) * _quantity(quantities[int(l)])
            for l, o in lines.items()), Decimal(0))
    carbon = None
    if lines and all(o.get('carbon') is not None for o in lines.values()):
        carbon = sum((Decimal(o['carbon']) * _quantity(quantities[int(l)])
                for l, o in lines.items()), Decimal(0))
    return Figures(key, total, content['lead_time'],
        supplier_score(standing), carbon)


def _ratio(best, value):
    "best / value × 100; the best possible value (zero) scores 100"
    if value is None or best is None:
        return Decimal(0)
    if value == 0:
        return HUNDRED
    return Decimal(best) / Decimal(value) * HUNDRED


def _round(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rank(values):
    "Ranks of the values, highest first; equal values share a rank (1, 1, 3)"
    return [1 + sum(1 for o in values if o > v) for v in values]


def score(bids, weights):
    """Return the Score of each Figures, best first (ties by key).

    Scores are rounded to cents and ranked on the rounded total, the
    figure people compare."""
    if not bids:
        return []
    carbons = [b.carbon for b in bids if b.carbon is not None]
    best = {
        'price': min(b.total for b in bids),
        'lead_time': min(b.lead_time for b in bids),
        'carbon': min(carbons) if carbons else None,
        }
    rows = []
    for bid in bids:
        parts = {
            'price': _ratio(best['price'], bid.total),
            'lead_time': _ratio(best['lead_time'], bid.lead_time),
            'supplier': Decimal(bid.supplier),
            'carbon': _ratio(best['carbon'], bid.carbon),
            }
        total = sum(Decimal(weights[c]) * parts[c] for c in CRITERIA) / HUNDRED
        rows.append((bid.key, {c: _round(v) for c, v in parts.items()},
                _round(total)))
    ranks = rank([t for _, _, t in rows])
    scores = [Score(key, total=total, rank=r, **parts)
        for (key, parts, total), r in zip(rows, ranks)]
    return sorted(scores, key=lambda s: (s.rank, str(s.key)))


def split(offers, quantities, ranks=None):
    """Suggest who supplies each line: the cheapest offers first (equal
    prices: the better ranked bid, then the key) until the line's
    quantity is covered.

    offers maps line ids to (bid key, unit price, offered quantity)
    tuples; quantities maps line ids to the tendered quantities; ranks
    maps bid keys to ranks.  Return {line id: [(bid key, quantity, unit
    price)]}."""
    ranks = ranks or {}
    suggestion = {}
    for line, line_offers in offers.items():
        remaining = _quantity(quantities[line])
        chosen = []
        for key, price, offered in sorted(line_offers,
                key=lambda o: (o[1], ranks.get(o[0], 0), str(o[0]))):
            if remaining <= 0:
                break
            quantity = min(remaining, _quantity(offered))
            chosen.append((key, float(quantity), price))
            remaining -= quantity
        suggestion[line] = chosen
    return suggestion
