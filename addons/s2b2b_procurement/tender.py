# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Tenders with sealed bids.

A buyer publishes a tender (lines, weighted criteria, bid deadline,
opening time) to invited suppliers or to every approved supplier with
published listings in a category.  Bids are sealed (``sealing.py``) the
moment their content is given: nobody, operators and root included, can
read a bid's prices before an operator opens the tender at or after its
opening time; the refusal is in the model (``Bid.read_content``), not in
the pages.  Opening checks each bid against the digest committed at
submission, keeps the clear content and scores the bids (``scoring.py``);
the award goes to one supplier or is split, and becomes one contract per
supplier.  Every bid, opening and award is appended to the event log.
"""
import datetime as dt
import json
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal

from sql import Literal
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    Exclude, ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from trytond.modules.s2b2b_platform.ir import requesting_member

from . import scoring, sealing
from .exceptions import (
    BidChangeError, BidContentError, BidDeadlineError, BidError,
    BidIntegrityError, SealedBidError, TenderError, TenderOpeningError,
    TenderValueError)
from .secret import derive_key

# Context key of the tender's and bids' own methods: only they change
# states, seals and opened content.  RPC strips "_" keys from clients.
INTERNAL_KEY = '_s2b2b_tender_internal'
OPENED_STATES = {'opened', 'awarded'}
TENDER_STATES = [
    ('draft', "Draft"),
    ('published', "Published"),
    ('opened', "Opened"),
    ('awarded', "Awarded"),
    ('cancelled', "Cancelled"),
    ]
SCOPES = [
    ('invited', "Invited Suppliers"),
    ('category', "Suppliers of a Category"),
    ]
BID_STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('withdrawn', "Withdrawn"),
    ]
WEIGHTS = {
    'price': 'weight_price',
    'lead_time': 'weight_lead_time',
    'supplier': 'weight_supplier',
    'carbon': 'weight_carbon',
    }
# What may change on a tender once published, outside its own methods
TENDER_OPEN_FIELDS = {'awards', 'cancel_reason'}


def _now():
    return dt.datetime.now()


@contextmanager
def _internal():
    with Transaction().set_context({INTERNAL_KEY: True}):
        yield


def _is_internal():
    return bool(Transaction().context.get(INTERNAL_KEY))


def _log(entries):
    Pool().get('s2b2b.event').append(entries)


def _owned(records, owner):
    """The records a member request may change.

    Changes are checked before the record rules: the others are left to
    the rules, which refuse them without telling anything about them."""
    member = requesting_member()
    if member is None:
        return list(records)
    return [r for r in records if owner(r).id == member]


def _check_buyer(tenders):
    "A member request may only act on its own tenders"
    member = requesting_member()
    for tender in tenders:
        if member is not None and tender.buyer.id != member:
            raise TenderError(gettext(
                    's2b2b_procurement.msg_tender_not_buyer',
                    tender=tender.rec_name))


class Tender(Workflow, ModelSQL, ModelView):
    "Tender"
    __name__ = 's2b2b.tender'
    _rec_name = 'title'

    _states = {'readonly': Eval('state') != 'draft'}

    buyer = fields.Many2One(
        's2b2b.member', "Buyer", required=True, ondelete='RESTRICT',
        domain=[('is_buyer', '=', True)], states=_states)
    title = fields.Char("Title", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, ondelete='RESTRICT',
        states=_states)
    lines = fields.One2Many(
        's2b2b.tender.line', 'tender', "Lines", states=_states)
    weight_price = fields.Numeric(
        "Price Weight", digits=(5, 2), required=True, states=_states)
    weight_lead_time = fields.Numeric(
        "Lead Time Weight", digits=(5, 2), required=True, states=_states)
    weight_supplier = fields.Numeric(
        "Supplier Score Weight", digits=(5, 2), required=True, states=_states,
        help="Weight of the supplier's standing on the platform.")
    weight_carbon = fields.Numeric(
        "Carbon Weight", digits=(5, 2), required=True, states=_states,
        help="Weight of the carbon footprint: a bid without carbon data "
        "scores zero on it.")
    deadline = fields.DateTime(
        "Bid Deadline", required=True, states=_states,
        help="Bids are submitted, and may be withdrawn, until this time.")
    opening_time = fields.DateTime(
        "Opening Time", required=True, states=_states,
        help="Operators open the bids from this time on; until then "
        "nobody can read them.")
    scope = fields.Selection(SCOPES, "Who May Bid", required=True,
        states=_states)
    category = fields.Many2One(
        'product.category', "Category", ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('scope') == 'category',
            'invisible': Eval('scope') != 'category',
            },
        help="Every approved supplier with a published listing in this "
        "category (or below) when the tender is published is invited.")
    invitations = fields.One2Many(
        's2b2b.tender.invitation', 'tender', "Invited Suppliers",
        states=_states)
    bids = fields.One2Many(
        's2b2b.tender.bid', 'tender', "Bids", readonly=True)
    bid_count = fields.Function(
        fields.Integer("Submitted Bids"), 'get_bid_count')
    awards = fields.One2Many(
        's2b2b.tender.award', 'tender', "Awards",
        states={'readonly': Eval('state') != 'opened'})
    contracts = fields.Function(fields.Many2Many(
            's2b2b.contract', None, None, "Contracts"), 'get_contracts')
    state = fields.Selection(
        TENDER_STATES, "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    cancel_reason = fields.Text("Cancellation Reason",
        states={
            'readonly': Eval('state').in_(['awarded', 'cancelled']),
            'invisible': Eval('state') == 'awarded',
            })
    published_at = fields.Timestamp("Published", readonly=True)
    opened_at = fields.Timestamp("Opened", readonly=True)
    opened_by = fields.Many2One('res.user', "Opened by", readonly=True)
    awarded_at = fields.Timestamp("Awarded", readonly=True)
    to_open = fields.Function(fields.Boolean("To Open"),
        'get_to_open', searcher='search_to_open')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('deadline', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'opened'),
            ('opened', 'awarded'),
            ('draft', 'cancelled'),
            ('published', 'cancelled'),
            ('opened', 'cancelled'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'open': {
                    'invisible': Eval('state') != 'published',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'suggest_split': {
                    'invisible': Eval('state') != 'opened',
                    'depends': ['state'],
                    },
                'award': {
                    'invisible': Eval('state') != 'opened',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'published', 'opened']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_scope(cls):
        return 'invited'

    @classmethod
    def default_weight_price(cls):
        return Decimal(60)

    @classmethod
    def default_weight_lead_time(cls):
        return Decimal(20)

    @classmethod
    def default_weight_supplier(cls):
        return Decimal(10)

    @classmethod
    def default_weight_carbon(cls):
        return Decimal(10)

    @classmethod
    def default_currency(cls):
        Company = Pool().get('company.company')
        company = Transaction().context.get('company')
        if company is not None and company >= 0:
            return Company(company).currency.id

    def weights(self):
        "The weights by scoring criterion"
        return {c: getattr(self, f) for c, f in WEIGHTS.items()}

    def get_bid_count(self, name):
        # How many compete is the buyer's and the operators' to know
        member = requesting_member()
        if member is not None and member != self.buyer.id:
            return None
        return sum(1 for b in self.bids if b.state == 'submitted')

    @classmethod
    def get_contracts(cls, tenders, name):
        Contract = Pool().get('s2b2b.contract')
        domain = [('origin', 'in', [str(t) for t in tenders])]
        member = requesting_member()
        if member is not None:
            domain.append(['OR',
                    ('buyer', '=', member), ('supplier', '=', member)])
        contracts = Contract.search(domain, order=[('id', 'ASC')])
        result = {t.id: [] for t in tenders}
        for contract in contracts:
            result[contract.origin.id].append(contract.id)
        return result

    def get_to_open(self, name):
        return self.state == 'published' and self.opening_time <= _now()

    @classmethod
    def search_to_open(cls, name, clause):
        _, operator, value = clause[:3]
        now = _now()
        if (operator == '=') == bool(value):
            return [('state', '=', 'published'), ('opening_time', '<=', now)]
        return ['OR', ('state', '!=', 'published'), ('opening_time', '>', now)]

    @classmethod
    def validate_fields(cls, tenders, field_names):
        super().validate_fields(tenders, field_names)
        cls.check_weights(tenders, field_names)
        cls.check_times(tenders, field_names)

    @classmethod
    def check_weights(cls, tenders, field_names=None):
        if field_names and not field_names & set(WEIGHTS.values()):
            return
        for tender in tenders:
            weights = tender.weights()
            if not scoring.weights_valid(weights):
                raise TenderValueError(gettext(
                        's2b2b_procurement.msg_tender_weights',
                        tender=tender.rec_name,
                        total=sum(w or 0 for w in weights.values())))

    @classmethod
    def check_times(cls, tenders, field_names=None):
        if field_names and not field_names & {'deadline', 'opening_time'}:
            return
        for tender in tenders:
            if tender.opening_time < tender.deadline:
                raise TenderValueError(gettext(
                        's2b2b_procurement.msg_tender_times',
                        tender=tender.rec_name))

    @classmethod
    def check_modification(cls, mode, tenders, values=None, external=False):
        super().check_modification(
            mode, tenders, values=values, external=external)
        if _is_internal():
            return
        if mode == 'write':
            if 'state' in values or {'published_at', 'opened_at',
                    'opened_by', 'awarded_at'} & set(values):
                raise TenderError(gettext(
                        's2b2b_procurement.msg_tender_direct'))
            changed = set(values) - TENDER_OPEN_FIELDS
            for tender in _owned(tenders, lambda t: t.buyer):
                if tender.state != 'draft' and changed:
                    raise TenderError(gettext(
                            's2b2b_procurement.msg_tender_change',
                            tender=tender.rec_name))
        elif mode == 'delete':
            for tender in _owned(tenders, lambda t: t.buyer):
                if tender.state != 'draft':
                    raise TenderError(gettext(
                            's2b2b_procurement.msg_tender_delete',
                            tender=tender.rec_name))

    @classmethod
    def copy(cls, tenders, default=None):
        default = default.copy() if default is not None else {}
        for name in ['bids', 'awards', 'published_at', 'opened_at',
                'opened_by', 'awarded_at', 'cancel_reason']:
            default.setdefault(name, None)
        return super().copy(tenders, default=default)

    # Publication

    @classmethod
    @ModelView.button
    def publish(cls, tenders):
        "Publish the tenders to the suppliers who may bid"
        _check_buyer(tenders)
        for tender in tenders:
            if tender.state == 'draft':
                tender.check_publishable()
        with _internal(), without_check_access():
            cls._publish(tenders)

    def check_publishable(self):
        if not self.lines:
            raise TenderError(gettext(
                    's2b2b_procurement.msg_tender_no_lines',
                    tender=self.rec_name))
        if self.deadline <= _now():
            raise TenderError(gettext(
                    's2b2b_procurement.msg_tender_deadline_past',
                    tender=self.rec_name))
        if self.scope == 'category' and not self.category:
            raise TenderError(gettext(
                    's2b2b_procurement.msg_tender_category_required',
                    tender=self.rec_name))

    @classmethod
    @Workflow.transition('published')
    def _publish(cls, tenders):
        Invitation = Pool().get('s2b2b.tender.invitation')
        # Records keep the context they are read in: the internal one here
        tenders = cls.browse(tenders)
        invitations = []
        for tender in tenders:
            invited = {i.supplier.id for i in tender.invitations}
            if tender.scope == 'category':
                new = [s for s in tender.category_suppliers()
                    if s not in invited]
                invitations.extend(Invitation(tender=tender, supplier=s)
                    for s in new)
                invited.update(new)
            if not invited:
                raise TenderError(gettext(
                        's2b2b_procurement.msg_tender_no_suppliers',
                        tender=tender.rec_name))
        Invitation.save(invitations)
        cls.write(tenders, {'published_at': _now()})
        _log([{
                    'event': 'tender.published',
                    'member': t.buyer,
                    'resource': t,
                    'data': {
                        'deadline': t.deadline,
                        'opening_time': t.opening_time,
                        'weights': t.weights(),
                        'suppliers': sorted(
                            i.supplier.id for i in t.invitations),
                        },
                    } for t in tenders])

    @without_check_access
    def category_suppliers(self):
        """Approved suppliers (but the buyer) with a published listing in
        the category or below"""
        pool = Pool()
        Category = pool.get('product.category')
        Listing = pool.get('s2b2b.listing')
        table = Listing.__table__()
        categories = Category.search(
            [('parent', 'child_of', [self.category.id])])
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.supplier,
                where=(table.state == 'published')
                & (table.supplier_approved == Literal(True))
                & table.category.in_([c.id for c in categories])
                & (table.supplier != self.buyer.id),
                group_by=[table.supplier], order_by=[table.supplier]))
        return [s for s, in cursor]

    # Opening

    @classmethod
    @ModelView.button
    def open(cls, tenders):
        "Open the sealed bids at or after the opening time and score them"
        if requesting_member() is not None:
            raise TenderError(gettext(
                    's2b2b_procurement.msg_tender_open_operator'))
        now = _now()
        for tender in tenders:
            if tender.state == 'published' and tender.opening_time > now:
                raise TenderOpeningError(gettext(
                        's2b2b_procurement.msg_tender_open_early',
                        tender=tender.rec_name,
                        opening=tender.opening_time))
        with _internal(), without_check_access():
            cls._open(tenders)

    @classmethod
    @Workflow.transition('opened')
    def _open(cls, tenders):
        Bid = Pool().get('s2b2b.tender.bid')
        tenders = cls.browse(tenders)
        bids = [b for t in tenders for b in t.bids if b.state == 'submitted']
        Bid.unseal_bids(bids)
        for tender in tenders:
            tender.score_bids()
        cls.write(tenders, {
                'opened_at': _now(),
                'opened_by': Transaction().user or None,
                })
        _log([{
                    'event': 'tender.opened',
                    'member': t.buyer,
                    'resource': t,
                    'data': {
                        'digests': {str(b.id): b.digest for b in t.bids
                            if b.state == 'submitted'},
                        'ranks': {str(b.id): b.rank for b in t.bids
                            if b.state == 'submitted'},
                        },
                    } for t in tenders])

    def score_bids(self):
        "Score and rank the opened bids, stored on them"
        Bid = Pool().get('s2b2b.tender.bid')
        bids = {b.id: b for b in self.bids if b.state == 'submitted'}
        quantities = {l.id: l.quantity for l in self.lines}
        figures = [scoring.figures(b.id, json.loads(b.opened_content),
                quantities, b.supplier.standing) for b in bids.values()]
        for score in scoring.score(figures, self.weights()):
            bid = bids[score.key]
            bid.price_score = score.price
            bid.lead_time_score = score.lead_time
            bid.supplier_score = score.supplier
            bid.carbon_score = score.carbon
            bid.score = score.total
            bid.rank = score.rank
        Bid.save(list(bids.values()))

    # Award

    @classmethod
    def award_to(cls, tender, bid):
        """Replace the tender's awards by every line of the bid, for the
        quantities the bid offers"""
        Award = Pool().get('s2b2b.tender.award')
        _check_buyer([tender])
        if tender.state != 'opened':
            raise TenderError(gettext(
                    's2b2b_procurement.msg_tender_award_state',
                    tender=tender.rec_name))
        Award.delete(list(tender.awards))
        Award.save([Award(tender=tender, line=l.tender_line, bid=bid,
                    quantity=min(l.quantity, l.tender_line.quantity))
                for l in bid.lines])

    @classmethod
    @ModelView.button
    def suggest_split(cls, tenders):
        "Replace the awards by the cheapest offers per line"
        Award = Pool().get('s2b2b.tender.award')
        _check_buyer(tenders)
        tenders = [t for t in tenders if t.state == 'opened']
        awards = []
        for tender in tenders:
            awards.extend(Award(tender=tender, line=l, bid=b, quantity=q)
                for l, b, q in tender.split_suggestion())
        Award.delete([a for t in tenders for a in t.awards])
        Award.save(awards)

    def split_suggestion(self):
        "(tender line, bid, quantity) from the cheapest offer of each line"
        pool = Pool()
        Line = pool.get('s2b2b.tender.line')
        Bid = pool.get('s2b2b.tender.bid')
        offers = defaultdict(list)
        bids = [b for b in self.bids if b.state == 'submitted']
        for bid in bids:
            for line in bid.lines:
                offers[line.tender_line.id].append(
                    (bid.id, line.unit_price, line.quantity))
        suggestion = scoring.split(offers,
            {l.id: l.quantity for l in self.lines},
            {b.id: b.rank for b in bids})
        return [(Line(l), Bid(b), q)
            for l, chosen in suggestion.items() for b, q, _ in chosen]

    @classmethod
    @ModelView.button
    def award(cls, tenders):
        "Award the tenders as their awards say: one contract per supplier"
        pool = Pool()
        Award = pool.get('s2b2b.tender.award')
        _check_buyer(tenders)
        for tender in tenders:
            if tender.state == 'opened' and not tender.awards:
                raise TenderError(gettext(
                        's2b2b_procurement.msg_tender_award_empty',
                        tender=tender.rec_name))
        Award.check_awards([a for t in tenders for a in t.awards])
        with _internal(), without_check_access():
            cls._award(tenders)

    @classmethod
    @Workflow.transition('awarded')
    def _award(cls, tenders):
        Contract = Pool().get('s2b2b.contract')
        contracts = Contract.create_from_award(
            [a for t in tenders for a in t.contract_awards()])
        cls.write(tenders, {'awarded_at': _now()})
        by_tender = defaultdict(list)
        for contract in contracts:
            by_tender[contract.origin.id].append(contract.id)
        _log([{
                    'event': 'tender.awarded',
                    'member': t.buyer,
                    'resource': t,
                    'data': {
                        'awards': [a.log_data() for a in t.awards],
                        'contracts': by_tender[t.id],
                        },
                    } for t in tenders])

    def contract_awards(self):
        "The awards of the tender for Contract.create_from_award"
        by_supplier = defaultdict(list)
        for award in self.awards:
            by_supplier[award.bid.supplier].append(award)
        return [{
                'buyer': self.buyer,
                'supplier': supplier,
                'origin': self,
                'currency': self.currency,
                'kind': 'spot',
                'lines': [a.contract_line() for a in awards],
                } for supplier, awards in sorted(
                by_supplier.items(), key=lambda i: i[0].id)]

    # Cancellation

    @classmethod
    @ModelView.button
    def cancel(cls, tenders):
        "Cancel the tenders: a reason is required and logged"
        _check_buyer(tenders)
        for tender in tenders:
            if (tender.state in {'draft', 'published', 'opened'}
                    and not (tender.cancel_reason or '').strip()):
                raise TenderError(gettext(
                        's2b2b_procurement.msg_tender_cancel_reason',
                        tender=tender.rec_name))
        with _internal():
            cls._cancel(tenders)

    @classmethod
    @Workflow.transition('cancelled')
    def _cancel(cls, tenders):
        _log([{
                    'event': 'tender.cancelled',
                    'member': t.buyer,
                    'resource': t,
                    'data': {'reason': t.cancel_reason.strip()},
                    } for t in tenders])


class TenderLine(sequence_ordered(), ModelSQL, ModelView):
    "Tender Line"
    __name__ = 's2b2b.tender.line'

    _states = {'readonly': Eval('tender_state') != 'draft'}

    tender = fields.Many2One(
        's2b2b.tender', "Tender", required=True, ondelete='CASCADE',
        states=_states)
    description = fields.Char("Description", required=True, states=_states)
    category = fields.Many2One(
        'product.category', "Category", ondelete='RESTRICT', states=_states)
    specs = fields.Text("Specifications", states=_states)
    quantity = fields.Float("Quantity", required=True, states=_states,
        domain=[('quantity', '>', 0)])
    unit = fields.Many2One(
        'product.uom', "Unit", required=True, ondelete='RESTRICT',
        states=_states)
    ceiling_price = fields.Numeric(
        "Ceiling Price", digits=(16, 4), states=_states,
        domain=['OR', ('ceiling_price', '=', None),
            ('ceiling_price', '>', 0)],
        help="The highest unit price a bid may offer; empty: no ceiling.")
    tender_state = fields.Function(fields.Selection(
            TENDER_STATES, "Tender State"), 'on_change_with_tender_state')

    del _states

    @fields.depends('tender', '_parent_tender.state')
    def on_change_with_tender_state(self, name=None):
        return self.tender.state if self.tender else 'draft'

    def terms(self):
        "(quantity, ceiling price) a bid's offer is checked against"
        return self.quantity, self.ceiling_price

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if not _is_internal():
            _check_draft_tenders({l.tender for l in
                    _owned(lines, lambda l: l.tender.buyer)})


def _check_draft_tenders(tenders):
    for tender in tenders:
        if tender.state != 'draft':
            raise TenderError(gettext(
                    's2b2b_procurement.msg_tender_change',
                    tender=tender.rec_name))


class TenderInvitation(ModelSQL, ModelView):
    "Tender Invitation"
    __name__ = 's2b2b.tender.invitation'

    tender = fields.Many2One(
        's2b2b.tender', "Tender", required=True, ondelete='CASCADE')
    supplier = fields.Many2One(
        's2b2b.member', "Supplier", required=True, ondelete='RESTRICT',
        domain=[('is_supplier', '=', True)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('tender_supplier_unique', Unique(t, t.tender, t.supplier),
                's2b2b_procurement.msg_tender_invitation_unique'),
            ]

    @classmethod
    def validate_fields(cls, invitations, field_names):
        super().validate_fields(invitations, field_names)
        for invitation in invitations:
            if invitation.supplier == invitation.tender.buyer:
                raise TenderValueError(gettext(
                        's2b2b_procurement.msg_tender_invitation_buyer',
                        tender=invitation.tender.rec_name))

    @classmethod
    def check_modification(cls, mode, invitations, values=None,
            external=False):
        super().check_modification(
            mode, invitations, values=values, external=external)
        if not _is_internal():
            _check_draft_tenders({i.tender for i in
                    _owned(invitations, lambda i: i.tender.buyer)})


class Bid(Workflow, ModelSQL, ModelView):
    "Tender Bid"
    __name__ = 's2b2b.tender.bid'

    tender = fields.Many2One(
        's2b2b.tender', "Tender", required=True, ondelete='RESTRICT',
        readonly=True)
    supplier = fields.Many2One(
        's2b2b.member', "Supplier", required=True, ondelete='RESTRICT',
        readonly=True)
    state = fields.Selection(
        BID_STATES, "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    submitted_at = fields.Timestamp("Submitted", readonly=True)
    withdrawn_at = fields.Timestamp("Withdrawn", readonly=True)
    sealed = fields.Binary("Sealed Content", readonly=True)
    digest = fields.Char("Digest", readonly=True,
        help="SHA-256 of the sealed content, committed at submission and "
        "checked at the opening.")
    seal_status = fields.Function(fields.Selection([
                (None, ''),
                ('sealed', "Sealed"),
                ('opened', "Opened"),
                ], "Seal"), 'get_seal_status')
    # The priced content: every read goes through read_content
    content = fields.Function(fields.Text("Content"), 'get_content')
    total = fields.Function(fields.Numeric(
            "Total", digits=(16, 2)), 'get_content')
    lead_time = fields.Function(fields.Integer(
            "Lead Time (days)"), 'get_content')
    carbon = fields.Function(fields.Numeric(
            "Carbon (kg CO2e)", digits=(16, 3)), 'get_content')
    opened_content = fields.Text("Opened Content", readonly=True)
    lines = fields.One2Many(
        's2b2b.tender.bid.line', 'bid', "Opened Lines", readonly=True)
    price_score = fields.Numeric("Price Score", digits=(5, 2), readonly=True)
    lead_time_score = fields.Numeric(
        "Lead Time Score", digits=(5, 2), readonly=True)
    supplier_score = fields.Numeric(
        "Supplier Score", digits=(5, 2), readonly=True)
    carbon_score = fields.Numeric(
        "Carbon Score", digits=(5, 2), readonly=True)
    score = fields.Numeric("Score", digits=(5, 2), readonly=True)
    rank = fields.Integer("Rank", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('tender_supplier_live', Exclude(t,
                    (t.tender, Equal), (t.supplier, Equal),
                    where=t.state != 'withdrawn'),
                's2b2b_procurement.msg_tender_bid_unique'),
            ]
        cls._order = [('rank', 'ASC NULLS LAST'), ('id', 'ASC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('draft', 'withdrawn'),
            ('submitted', 'withdrawn'),
            }
        # No invisible states on submit and withdraw: the methods say why
        # a bid cannot be submitted, in words a supplier understands
        cls._buttons.update({
                'submit': {'depends': ['state']},
                'withdraw': {'depends': ['state']},
                'award_whole': {
                    'invisible': ((Eval('seal_status') != 'opened')
                        | (Eval('state') != 'submitted')),
                    'depends': ['seal_status', 'state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.tender.rec_name} / {self.supplier.rec_name}'

    def get_seal_status(self, name):
        if self.state == 'withdrawn':
            return None
        return 'opened' if self.opened_content else 'sealed'

    # Reading the content

    @classmethod
    def read_content(cls, bids):
        """Return {bid id: content} or raise SealedBidError.

        The one way to the priced content: readable once the tender is
        opened, and before by the supplier of a draft bid only, whoever
        asks (operators, root, members)."""
        member = requesting_member()
        contents = {}
        with without_check_access():
            for bid in cls.browse(bids):
                if bid.tender.opened_at and bid.opened_content:
                    contents[bid.id] = json.loads(bid.opened_content)
                elif (bid.state == 'draft' and member is not None
                        and bid.supplier.id == member):
                    contents[bid.id] = bid._unseal()[0] if bid.sealed \
                        else None
                else:
                    raise SealedBidError(gettext(
                            's2b2b_procurement.msg_tender_bid_sealed',
                            supplier=bid.supplier.rec_name,
                            tender=bid.tender.rec_name,
                            opening=bid.tender.opening_time))
        return contents

    def _unseal(self):
        try:
            return sealing.unseal(
                derive_key('tender', self.tender.id), self.id, self.sealed)
        except sealing.SealError:
            raise BidIntegrityError(gettext(
                    's2b2b_procurement.msg_tender_bid_integrity',
                    supplier=self.supplier.rec_name,
                    tender=self.tender.rec_name))

    @classmethod
    def get_content(cls, bids, names):
        contents = cls.read_content(bids)
        result = {n: {} for n in names}
        for bid in bids:
            values = bid._content_values(contents[bid.id])
            for name in names:
                result[name][bid.id] = values[name]
        return result

    def _content_values(self, content):
        if content is None:
            return dict.fromkeys(['content', 'total', 'lead_time', 'carbon'])
        lines = content['lines'].values()
        total = sum((Decimal(o['unit_price']) * Decimal(str(o['quantity']))
                for o in lines), Decimal(0))
        carbon = None
        if all(o['carbon'] is not None for o in lines):
            carbon = sum((Decimal(o['carbon']) * Decimal(str(o['quantity']))
                    for o in lines), Decimal(0))
        return {
            'content': json.dumps(content, ensure_ascii=False, indent=1,
                sort_keys=True),
            'total': self.tender.currency.round(total),
            'lead_time': content['lead_time'],
            'carbon': carbon,
            }

    # Preparing and submitting

    @classmethod
    def set_content(cls, bids, content):
        """Seal the content on the draft bids of the requesting supplier.

        content: lines (per tender line id: unit_price, quantity, carbon
        in kg CO2e per unit), lead_time (days) and notes."""
        cls._check_own_drafts(bids)
        args = []
        for bid in bids:
            terms = {l.id: l.terms() for l in bid.tender.lines}
            try:
                normalised = sealing.normalise(content, terms)
            except sealing.ContentError as error:
                raise BidContentError(gettext(
                        f's2b2b_procurement.msg_tender_bid_{error.code}',
                        tender=bid.tender.rec_name,
                        **bid._error_params(error.params)))
            sealed, digest = sealing.seal(
                derive_key('tender', bid.tender.id), bid.id, normalised)
            args.extend(([bid], {'sealed': sealed, 'digest': digest}))
        if args:
            with _internal():
                cls.write(*args)

    def _error_params(self, params):
        "Name lines by their description rather than their id"
        Line = Pool().get('s2b2b.tender.line')
        params = dict(params)
        if params.get('line', '').isdigit():
            line = Line(int(params['line']))
            if line.tender == self.tender:
                params['line'] = line.description
        params.setdefault('line', '')
        return params

    @classmethod
    def _check_own_drafts(cls, bids):
        "Draft bids of the requesting supplier on tenders accepting bids"
        cls._check_own(bids)
        for bid in bids:
            if bid.state != 'draft':
                raise BidChangeError(gettext(
                        f's2b2b_procurement.msg_tender_bid_{bid.state}',
                        supplier=bid.supplier.rec_name,
                        tender=bid.tender.rec_name))
            bid.tender_accepts_bids()

    @classmethod
    def _check_own(cls, bids):
        "Only a bid's supplier, through the portal, prepares or submits it"
        member = requesting_member()
        for bid in bids:
            if member is None or bid.supplier.id != member:
                raise BidError(gettext(
                        's2b2b_procurement.msg_tender_bid_not_own'))

    def tender_accepts_bids(self):
        if (self.tender.state != 'published'
                or self.tender.deadline <= _now()):
            raise BidDeadlineError(gettext(
                    's2b2b_procurement.msg_tender_bid_closed',
                    tender=self.tender.rec_name,
                    deadline=self.tender.deadline))

    @classmethod
    @ModelView.button
    def submit(cls, bids):
        "Submit the sealed bids of the requesting supplier"
        cls._check_own_drafts(bids)
        for bid in bids:
            if not bid.sealed:
                raise BidError(gettext(
                        's2b2b_procurement.msg_tender_bid_empty',
                        supplier=bid.supplier.rec_name,
                        tender=bid.tender.rec_name))
        with _internal():
            cls._submit(bids)

    @classmethod
    @Workflow.transition('submitted')
    def _submit(cls, bids):
        cls.write(bids, {'submitted_at': _now()})
        cls._log(bids, 'tender.bid_submitted')

    @classmethod
    @ModelView.button
    def withdraw(cls, bids):
        "Withdraw the requesting supplier's bids before the deadline"
        cls._check_own(bids)
        for bid in bids:
            if bid.state == 'withdrawn':
                raise BidChangeError(gettext(
                        's2b2b_procurement.msg_tender_bid_withdrawn',
                        supplier=bid.supplier.rec_name,
                        tender=bid.tender.rec_name))
            bid.tender_accepts_bids()
        with _internal():
            cls._withdraw(bids)

    @classmethod
    @Workflow.transition('withdrawn')
    def _withdraw(cls, bids):
        cls.write(bids, {'withdrawn_at': _now()})
        cls._log(bids, 'tender.bid_withdrawn')

    @classmethod
    def _log(cls, bids, event):
        _log([{
                    'event': event,
                    'member': b.supplier,
                    'resource': b,
                    'data': {
                        'tender': b.tender.id,
                        'digest': b.digest,
                        'at': b.submitted_at if event.endswith('submitted')
                        else b.withdrawn_at,
                        },
                    } for b in bids])

    # Opening

    @classmethod
    def unseal_bids(cls, bids):
        """Decrypt the submitted bids, check them against their committed
        digests and keep their clear content and lines from now on"""
        BidLine = Pool().get('s2b2b.tender.bid.line')
        lines = []
        for bid in bids:
            content, digest = bid._unseal()
            if digest != bid.digest:
                raise BidIntegrityError(gettext(
                        's2b2b_procurement.msg_tender_bid_integrity',
                        supplier=bid.supplier.rec_name,
                        tender=bid.tender.rec_name))
            bid.opened_content = sealing.canonical(content).decode('utf-8')
            lines.extend(BidLine(bid=bid, tender_line=int(l),
                    unit_price=Decimal(o['unit_price']),
                    quantity=o['quantity'],
                    carbon=Decimal(o['carbon']) if o['carbon'] else None)
                for l, o in content['lines'].items())
        cls.save(bids)
        BidLine.save(lines)

    @classmethod
    @ModelView.button
    def award_whole(cls, bids):
        "Award every line of the bid, replacing the tender's awards"
        Tender = Pool().get('s2b2b.tender')
        for bid in bids:
            Tender.award_to(bid.tender, bid)

    # Changes

    @classmethod
    def validate_fields(cls, bids, field_names):
        super().validate_fields(bids, field_names)
        if field_names and not field_names & {'tender', 'supplier'}:
            return
        for bid in bids:
            bid.check_invited()

    def check_invited(self):
        if self.supplier not in {i.supplier for i in self.tender.invitations}:
            raise BidError(gettext(
                    's2b2b_procurement.msg_tender_bid_not_invited',
                    supplier=self.supplier.rec_name,
                    tender=self.tender.rec_name))

    @classmethod
    def check_modification(cls, mode, bids, values=None, external=False):
        super().check_modification(
            mode, bids, values=values, external=external)
        if _is_internal():
            return
        if mode == 'create':
            cls._check_new(bids)
            return
        bids = _owned(bids, lambda b: b.supplier)
        for bid in bids:
            if bid.state != 'draft':
                raise BidChangeError(gettext(
                        f's2b2b_procurement.msg_tender_bid_{bid.state}',
                        supplier=bid.supplier.rec_name,
                        tender=bid.tender.rec_name))
        if mode == 'write' and bids:
            raise BidChangeError(gettext(
                    's2b2b_procurement.msg_tender_bid_direct'))

    @classmethod
    def _check_new(cls, bids):
        "A new bid: a draft of a supplier that may bid, nothing sealed"
        member = requesting_member()
        for bid in bids:
            if (bid.state != 'draft' or bid.sealed or bid.digest
                    or bid.opened_content or bid.submitted_at):
                raise BidChangeError(gettext(
                        's2b2b_procurement.msg_tender_bid_direct'))
            if member is not None and bid.supplier.id != member:
                raise BidError(gettext(
                        's2b2b_procurement.msg_tender_bid_not_own'))
            bid.tender_accepts_bids()

    @classmethod
    def copy(cls, bids, default=None):
        if bids:
            raise BidChangeError(gettext(
                    's2b2b_procurement.msg_tender_bid_copy'))
        return super().copy(bids, default=default)


class BidLine(ModelSQL, ModelView):
    "Tender Bid Line"
    __name__ = 's2b2b.tender.bid.line'

    bid = fields.Many2One(
        's2b2b.tender.bid', "Bid", required=True, ondelete='CASCADE',
        readonly=True)
    tender_line = fields.Many2One(
        's2b2b.tender.line', "Tender Line", required=True,
        ondelete='RESTRICT', readonly=True)
    unit_price = fields.Numeric(
        "Unit Price", digits=(16, 4), required=True, readonly=True)
    quantity = fields.Float("Offered Quantity", required=True, readonly=True)
    unit = fields.Function(fields.Many2One('product.uom', "Unit"),
        'on_change_with_unit')
    carbon = fields.Numeric(
        "Carbon (kg CO2e per unit)", digits=(16, 3), readonly=True)
    amount = fields.Function(fields.Numeric(
            "Amount", digits=(16, 2)), 'get_amount')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('bid_line_unique', Unique(t, t.bid, t.tender_line),
                's2b2b_procurement.msg_tender_bid_line_unique'),
            ]
        cls._order = [('bid', 'ASC'), ('tender_line', 'ASC'), ('id', 'ASC')]

    @fields.depends('tender_line', '_parent_tender_line.unit')
    def on_change_with_unit(self, name=None):
        return self.tender_line.unit if self.tender_line else None

    def get_rec_name(self, name):
        return f'{self.bid.rec_name} / {self.tender_line.description}'

    def get_amount(self, name):
        amount = Decimal(str(self.quantity)) * self.unit_price
        return self.bid.tender.currency.round(amount)

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if not _is_internal():
            raise BidChangeError(gettext(
                    's2b2b_procurement.msg_tender_bid_line_direct'))

    @classmethod
    def copy(cls, lines, default=None):
        if lines:
            raise BidChangeError(gettext(
                    's2b2b_procurement.msg_tender_bid_line_direct'))
        return super().copy(lines, default=default)


class Award(ModelSQL, ModelView):
    "Tender Award"
    __name__ = 's2b2b.tender.award'

    _states = {'readonly': Eval('tender_state') != 'opened'}

    tender = fields.Many2One(
        's2b2b.tender', "Tender", required=True, ondelete='CASCADE',
        states=_states)
    line = fields.Many2One(
        's2b2b.tender.line', "Tender Line", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('tender', '=', Eval('tender', -1))])
    bid = fields.Many2One(
        's2b2b.tender.bid', "Bid", required=True, ondelete='RESTRICT',
        states=_states,
        domain=[('tender', '=', Eval('tender', -1)),
            ('state', '=', 'submitted')])
    supplier = fields.Function(fields.Many2One('s2b2b.member', "Supplier"),
        'on_change_with_supplier')
    quantity = fields.Float("Quantity", required=True, states=_states,
        domain=[('quantity', '>', 0)])
    unit_price = fields.Function(fields.Numeric(
            "Unit Price", digits=(16, 4)), 'on_change_with_unit_price')
    amount = fields.Function(fields.Numeric(
            "Amount", digits=(16, 2)), 'on_change_with_amount')
    tender_state = fields.Function(fields.Selection(
            TENDER_STATES, "Tender State"), 'on_change_with_tender_state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('line_bid_unique', Unique(t, t.line, t.bid),
                's2b2b_procurement.msg_tender_award_unique'),
            ]

    @fields.depends('tender', '_parent_tender.state')
    def on_change_with_tender_state(self, name=None):
        return self.tender.state if self.tender else None

    @fields.depends('bid')
    def on_change_with_supplier(self, name=None):
        return self.bid.supplier if self.bid else None

    @fields.depends('bid', 'line')
    def offer(self):
        "The opened bid line the award takes, or None"
        if self.bid and self.line:
            for line in self.bid.lines:
                if line.tender_line == self.line:
                    return line

    @fields.depends(methods=['offer'])
    def on_change_with_unit_price(self, name=None):
        offer = self.offer()
        return offer.unit_price if offer else None

    @fields.depends('quantity', 'tender', '_parent_tender.currency',
        methods=['on_change_with_unit_price'])
    def on_change_with_amount(self, name=None):
        price = self.on_change_with_unit_price()
        if price is None or self.quantity is None:
            return None
        amount = Decimal(str(self.quantity)) * price
        return self.tender.currency.round(amount) if self.tender else amount

    @classmethod
    def check_modification(cls, mode, awards, values=None, external=False):
        super().check_modification(
            mode, awards, values=values, external=external)
        for award in _owned(awards, lambda a: a.tender.buyer):
            if award.tender.state != 'opened':
                raise TenderError(gettext(
                        's2b2b_procurement.msg_tender_award_state',
                        tender=award.tender.rec_name))

    @classmethod
    def validate_fields(cls, awards, field_names):
        super().validate_fields(awards, field_names)
        cls.check_awards(awards)

    @classmethod
    def check_awards(cls, awards):
        """Each award takes an opened offer of its tender, for at most the
        offered quantity; no line is awarded more than its quantity"""
        for award in awards:
            award.check_offer()
        lines = {a.line for a in awards}
        awarded = defaultdict(float)
        for award in cls.search([('line', 'in', [l.id for l in lines])]):
            awarded[award.line] += award.quantity
        for line in lines:
            if awarded[line] > line.quantity + 1e-9:
                raise TenderValueError(gettext(
                        's2b2b_procurement.msg_tender_award_over',
                        line=line.description, awarded=awarded[line],
                        quantity=line.quantity))

    def check_offer(self):
        offer = self.offer()
        if (self.line.tender != self.tender or self.bid.tender != self.tender
                or self.bid.state != 'submitted' or not offer):
            raise TenderValueError(gettext(
                    's2b2b_procurement.msg_tender_award_bid',
                    supplier=self.bid.supplier.rec_name,
                    line=self.line.description,
                    tender=self.tender.rec_name))
        if not 0 < self.quantity <= offer.quantity + 1e-9:
            raise TenderValueError(gettext(
                    's2b2b_procurement.msg_tender_award_quantity',
                    line=self.line.description, offered=offer.quantity,
                    supplier=self.bid.supplier.rec_name))

    def contract_line(self):
        "The contract line of the award, for Contract.create_from_award"
        return {
            'description': self.line.description,
            'quantity': self.quantity,
            'uom': self.line.unit,
            'unit_price': self.unit_price,
            'origin': self.offer(),
            'lead_time': self.bid.lead_time,
            }

    def log_data(self):
        return {
            'line': self.line.id,
            'bid': self.bid.id,
            'supplier': self.bid.supplier.id,
            'quantity': self.quantity,
            'unit_price': self.unit_price,
            }


class Contract(metaclass=PoolMeta):
    __name__ = 's2b2b.contract'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['s2b2b.tender']


class ContractLine(metaclass=PoolMeta):
    __name__ = 's2b2b.contract.line'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + [
            's2b2b.tender.bid', 's2b2b.tender.bid.line']
