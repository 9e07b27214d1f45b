# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The comparison of an RFQ's quotations, without a database: lines ×
suppliers with the best price and lead time of each line marked, and each
supplier's total landed cost (goods at the current prices + freight)."""
from collections import namedtuple
from decimal import Decimal

Quote = namedtuple('Quote', ['key', 'freight', 'cells'])
# cells: {line key: Cell}; a declined line is not a candidate
Cell = namedtuple('Cell', ['price', 'lead_time', 'declined'])
Row = namedtuple('Row', ['line', 'quantity', 'cells', 'best_price',
        'best_lead_time'])
Total = namedtuple('Total', ['goods', 'freight', 'landed', 'complete'])
Comparison = namedtuple('Comparison', ['rows', 'totals', 'best_total'])

CENT = Decimal('0.01')


def _best(cells, attribute):
    values = {k: getattr(c, attribute) for k, c in cells.items()
        if not c.declined and getattr(c, attribute) is not None}
    if not values:
        return set()
    best = min(values.values())
    return {k for k, v in values.items() if v == best}


def compare(lines, quotes):
    """lines: [(key, quantity)] of the RFQ; quotes: [Quote].  The best
    total is the lowest landed cost among quotes pricing every line."""
    rows, goods = [], {q.key: Decimal(0) for q in quotes}
    complete = {q.key: True for q in quotes}
    for key, quantity in lines:
        cells = {q.key: q.cells[key] for q in quotes if key in q.cells}
        for quote in quotes:
            cell = cells.get(quote.key)
            if cell is None or cell.declined:
                complete[quote.key] = False
            else:
                goods[quote.key] += Decimal(str(quantity)) * cell.price
        rows.append(Row(key, quantity, cells, _best(cells, 'price'),
                _best(cells, 'lead_time')))
    totals = {}
    for quote in quotes:
        freight = quote.freight or Decimal(0)
        amount = goods[quote.key].quantize(CENT)
        totals[quote.key] = Total(amount, freight, amount + freight,
            complete[quote.key])
    candidates = {k: t.landed for k, t in totals.items() if t.complete}
    best = min(candidates.values()) if candidates else None
    return Comparison(rows, totals,
        {k for k, v in candidates.items() if v == best})
