# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Contracts between a buyer and a supplier, made from an award.

An RFQ award or a tender award calls ``Contract.create_from_award``;
documents, signatures and call-offs build on these records."""
from decimal import Decimal

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval

KINDS = [
    ('spot', "Spot"),
    ('forward', "Forward"),
    ]


def origin_selection(models):
    "Selection of a Reference field to the models"
    IrModel = Pool().get('ir.model')
    return [(None, '')] + [(m, IrModel.get_name(m)) for m in models]


class Contract(ModelSQL, ModelView):
    "Trade Contract"
    __name__ = 's2b2b.contract'
    _rec_name = 'number'

    _states = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True)
    buyer = fields.Many2One(
        's2b2b.member', "Buyer", required=True, ondelete='RESTRICT',
        domain=[('is_buyer', '=', True)], states=_states)
    supplier = fields.Many2One(
        's2b2b.member', "Supplier", required=True, ondelete='RESTRICT',
        domain=[('is_supplier', '=', True)], states=_states)
    origin = fields.Reference(
        "Origin", selection='get_origins', readonly=True,
        help="The RFQ or tender the contract was awarded from.")
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    kind_string = kind.translated('kind')
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, ondelete='RESTRICT',
        states=_states)
    lines = fields.One2Many(
        's2b2b.contract.line', 'contract', "Lines", states=_states)
    total = fields.Function(fields.Numeric(
            "Total", digits=(16, 2)), 'get_total')
    state = fields.Selection([
            ('draft', "Draft"),
            ], "State", readonly=True, required=True)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'spot'

    @classmethod
    def _get_origins(cls):
        "Models a contract can be awarded from"
        return []

    @classmethod
    def get_origins(cls):
        return origin_selection(cls._get_origins())

    def get_total(self, name):
        amount = sum((l.amount for l in self.lines), Decimal(0))
        return self.currency.round(amount) if self.currency else amount

    @classmethod
    def create_from_award(cls, awards):
        """Create one contract per award and return them.

        An award is a dict: buyer, supplier (members), origin (the record
        awarded from), currency, kind ('spot' by default) and lines, each
        a dict of description, quantity, uom, unit_price and optionally
        listing and origin (the awarded quotation or bid line)."""
        contracts = [cls(
                buyer=a['buyer'], supplier=a['supplier'],
                origin=a.get('origin'), currency=a['currency'],
                kind=a.get('kind', 'spot'),
                lines=[cls.line_from_award(l) for l in a['lines']])
            for a in awards]
        cls.save(contracts)
        return contracts

    @classmethod
    def line_from_award(cls, values):
        Line = Pool().get('s2b2b.contract.line')
        return Line(**values)


class ContractLine(ModelSQL, ModelView):
    "Trade Contract Line"
    __name__ = 's2b2b.contract.line'

    contract = fields.Many2One(
        's2b2b.contract', "Contract", required=True, ondelete='CASCADE')
    description = fields.Char("Description", required=True)
    listing = fields.Many2One(
        's2b2b.listing', "Listing", ondelete='RESTRICT')
    quantity = fields.Float("Quantity", required=True)
    uom = fields.Many2One(
        'product.uom', "Unit", required=True, ondelete='RESTRICT')
    unit_price = fields.Numeric("Unit Price", digits=(16, 4), required=True)
    amount = fields.Function(fields.Numeric(
            "Amount", digits=(16, 2)), 'get_amount')
    origin = fields.Reference(
        "Origin", selection='get_origins', readonly=True)

    @classmethod
    def _get_origins(cls):
        "Models a contract line can be awarded from"
        return []

    @classmethod
    def get_origins(cls):
        return origin_selection(cls._get_origins())

    def get_amount(self, name):
        amount = Decimal(str(self.quantity or 0)) * (
            self.unit_price or Decimal(0))
        currency = self.contract.currency if self.contract else None
        return currency.round(amount) if currency else amount
