# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Bargaining rounds on one quotation line, without a database.

The supplier's quotation is the opening price.  Then the buyer and the
supplier take turns, the buyer first: each move is a counter-offer (a new
price), an acceptance of the other side's last price, or a decline that
ends the bargaining of the line.
"""
from collections import namedtuple
from decimal import Decimal

BUYER, SUPPLIER = 'buyer', 'supplier'
COUNTER, ACCEPT, DECLINE = 'counter', 'accept', 'decline'
SIDES = (BUYER, SUPPLIER)
ACTIONS = (COUNTER, ACCEPT, DECLINE)

Move = namedtuple('Move', ['side', 'action', 'price'])
State = namedtuple('State', ['status', 'price', 'next_side'])


class BargainError(ValueError):
    "A move the rules refuse; args[0] names the problem"


def state(quoted_price, moves):
    """Where the bargaining of a line stands after the moves: status
    ('open', 'agreed' or 'declined'), the price on the table (the last
    offered, or the agreed one) and whose turn it is"""
    price, side, status = quoted_price, BUYER, 'open'
    for move in moves:
        if move.action == COUNTER:
            price = move.price
        elif move.action == ACCEPT:
            status = 'agreed'
        else:
            status = 'declined'
        side = SUPPLIER if move.side == BUYER else BUYER
    return State(status, price, side if status == 'open' else None)


def check_move(quoted_price, moves, move):
    "Raise BargainError unless the move may follow the moves"
    current = state(quoted_price, moves)
    if current.status != 'open':
        raise BargainError('closed')
    if move.side not in SIDES or move.action not in ACTIONS:
        raise BargainError('unknown')
    if move.side != current.next_side:
        raise BargainError('turn')
    if move.action == COUNTER:
        if move.price is None or Decimal(move.price) <= 0:
            raise BargainError('price')
        if Decimal(move.price) == Decimal(current.price):
            raise BargainError('same')


def apply(quoted_price, moves, move):
    "The state after the move, checked"
    check_move(quoted_price, moves, move)
    return state(quoted_price, [*moves, move])


def supplier_price(quoted_price, moves):
    """The price the supplier stands by: the agreed price, else the
    supplier's last counter-offer or its quotation"""
    current = state(quoted_price, moves)
    if current.status == 'agreed':
        return current.price
    price = quoted_price
    for move in moves:
        if move.side == SUPPLIER and move.action == COUNTER:
            price = move.price
    return price
