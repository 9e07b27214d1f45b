# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Requests for quotation: a buyer asks chosen suppliers, or every
qualified supplier of a category, to quote its lines before a deadline;
suppliers quote once each (revisions kept), both sides bargain line by
line, and the buyer awards lines to suppliers, which makes contracts."""
import datetime as dt
import hashlib
import json
from decimal import Decimal

from sql import Literal

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.modules.s2b2b_catalog import pricing
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from . import bargaining, comparing
from .company import company_currency
from .exceptions import OfferError, QuotationError, RfqError

SCOPES = [
    ('invited', "Invited Suppliers"),
    ('category', "All Suppliers of the Category"),
    ]
SIDES = [
    ('buyer', "Buyer"),
    ('supplier', "Supplier"),
    ]


def log(entries):
    "Append (event, member, record, data) entries to the platform log"
    Event = Pool().get('s2b2b.event')
    Event.append([{'event': event, 'member': member.id,
                'resource': str(record), 'data': data}
            for event, member, record, data in entries])


def now():
    return dt.datetime.now()


class Rfq(Workflow, ModelSQL, ModelView):
    "Request for Quotation"
    __name__ = 's2b2b.rfq'
    __string__ = "Request for Quotation"
    _rec_name = 'number'

    _states = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True)
    buyer = fields.Many2One(
        's2b2b.member', "Buyer", required=True, ondelete='RESTRICT',
        domain=[('is_buyer', '=', True)], states=_states)
    title = fields.Char("Title", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    requirement = fields.Many2One(
        's2b2b.requirement', "Requirement", ondelete='SET NULL',
        domain=[('buyer', '=', Eval('buyer', -1))], states=_states)
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, ondelete='RESTRICT',
        states=_states)
    deadline = fields.DateTime(
        "Deadline", required=True, states=_states,
        help="Quotations are accepted until then.")
    scope = fields.Selection(SCOPES, "Suppliers", required=True,
        states=_states)
    category = fields.Many2One(
        'product.category', "Category", ondelete='RESTRICT',
        domain=[('s2b2b_listed', '=', True)],
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('scope') == 'category',
            'invisible': Eval('scope') != 'category',
            })
    lines = fields.One2Many('s2b2b.rfq.line', 'rfq', "Lines",
        states=_states)
    invitations = fields.One2Many(
        's2b2b.rfq.invitation', 'rfq', "Invited Suppliers",
        states={'readonly': (Eval('state') != 'draft')
            | (Eval('scope') != 'invited')})
    quotations = fields.One2Many(
        's2b2b.rfq.quotation', 'rfq', "Quotations", readonly=True)
    messages = fields.One2Many(
        's2b2b.rfq.message', 'rfq', "Messages", readonly=True)
    cancel_reason = fields.Text("Cancellation Reason",
        states={'readonly': ~Eval('state').in_(['draft', 'open'])})
    sent_date = fields.DateTime("Sent", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('open', "Open"),
            ('closed', "Closed"),
            ('awarded', "Awarded"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.buyer, Index.Equality()),
                (t.state, Index.Equality(cardinality='low'))))
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'closed'),
            ('open', 'awarded'),
            ('draft', 'cancelled'),
            ('open', 'cancelled'),
            }
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'open']),
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
    def default_currency(cls):
        return company_currency()

    @property
    def quoting(self):
        "Whether suppliers may quote now"
        return self.state == 'open' and now() < self.deadline

    def check_quotable(self, supplier):
        if not self.quoting:
            raise QuotationError(gettext(
                    's2b2b_procurement.msg_quotation_closed',
                    rfq=self.rec_name))
        if supplier not in {i.supplier for i in self.invitations}:
            raise QuotationError(gettext(
                    's2b2b_procurement.msg_quotation_not_invited',
                    rfq=self.rec_name))

    def check_open(self):
        if self.state != 'open':
            raise RfqError(gettext('s2b2b_procurement.msg_rfq_not_open',
                    rfq=self.rec_name, state=self.state_string))

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def send(cls, rfqs):
        "Send the RFQs to their suppliers"
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        Invitation = pool.get('s2b2b.rfq.invitation')
        sequence = Sequence(ModelData.get_id(
                's2b2b_procurement', 'sequence_rfq'))
        invitations = []
        for rfq in rfqs:
            rfq.check_sendable()
            if rfq.scope == 'category':
                invitations.extend(Invitation(rfq=rfq, supplier=s)
                    for s in rfq.category_suppliers())
        with without_check_access():
            Invitation.save(invitations)
        for rfq in rfqs:
            if not rfq.invitations:
                raise RfqError(gettext(
                        's2b2b_procurement.msg_rfq_no_suppliers',
                        rfq=rfq.title))
            rfq.number = sequence.get()
            rfq.sent_date = now()
        cls.save(rfqs)
        log([('rfq.sent', r.buyer, r, {'rfq': r.number,
                        'suppliers': [i.supplier.id for i in r.invitations],
                        'deadline': r.deadline.isoformat()})
                for r in rfqs])
        Pool().get('s2b2b.notification').notify_rfq_sent(rfqs)

    def check_sendable(self):
        if not self.lines:
            raise RfqError(gettext('s2b2b_procurement.msg_rfq_no_lines',
                    rfq=self.title))
        if self.deadline <= now():
            raise RfqError(gettext(
                    's2b2b_procurement.msg_rfq_deadline_past',
                    rfq=self.title))
        if self.scope == 'category' and not self.category:
            raise RfqError(gettext(
                    's2b2b_procurement.msg_rfq_category_required',
                    rfq=self.title))

    def category_suppliers(self):
        """Approved suppliers with a published listing in the category or
        its sub-categories"""
        pool = Pool()
        Category = pool.get('product.category')
        Listing = pool.get('s2b2b.listing')
        listing = Listing.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*listing.select(listing.supplier,
                where=(listing.state == 'published')
                & (listing.supplier_approved == Literal(True))
                & listing.category.in_(
                    Category.descendants([self.category.id])),
                group_by=[listing.supplier]))
        return [s for s, in cursor if s != self.buyer.id]

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, rfqs):
        "End the RFQs without award"
        log([('rfq.closed', r.buyer, r, {'rfq': r.number}) for r in rfqs])

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, rfqs):
        for rfq in rfqs:
            if rfq.state == 'open' and not (rfq.cancel_reason or '').strip():
                raise RfqError(gettext(
                        's2b2b_procurement.msg_rfq_reason_required',
                        rfq=rfq.rec_name))
        log([('rfq.cancelled', r.buyer, r, {'rfq': r.number,
                        'reason': r.cancel_reason}) for r in rfqs
                if r.number])

    @classmethod
    @Workflow.transition('awarded')
    def _awarded(cls, rfqs):
        pass

    def comparison(self):
        "comparing.Comparison of the submitted quotations (keys: ids)"
        quotes = [q.compared() for q in self.quotations
            if q.state in {'submitted', 'awarded', 'lost'}]
        return comparing.compare(
            [(l.id, l.quantity) for l in self.lines], quotes)

    def award(self, choices, member):
        """Award RFQ lines to quotation lines ({rfq line: quotation line})
        at the prices the suppliers stand by; one contract per supplier"""
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        Quotation = pool.get('s2b2b.rfq.quotation')
        Requirement = pool.get('s2b2b.requirement')
        self.check_buyer(member)
        self.check_open()
        if not choices:
            raise RfqError(gettext('s2b2b_procurement.msg_rfq_award_empty',
                    rfq=self.rec_name))
        by_supplier = {}
        for rfq_line, line in choices.items():
            line.check_awardable(self, rfq_line)
            by_supplier.setdefault(line.quotation, []).append(line)
        contracts = Contract.create_from_award([{
                    'buyer': self.buyer, 'supplier': q.supplier,
                    'origin': self, 'currency': self.currency,
                    'lines': [l.award_values() for l in lines],
                    } for q, lines in by_supplier.items()])
        with without_check_access():
            Quotation.write(list(by_supplier), {'state': 'awarded'})
            Quotation.write([q for q in self.quotations
                    if q.state == 'submitted' and q not in by_supplier],
                {'state': 'lost'})
            self._awarded([self])
            if self.requirement and self.requirement.state == 'sourcing':
                Requirement.do([self.requirement])
        log([('rfq.awarded', self.buyer, self, {'rfq': self.number,
                        'lines': {str(r.id): l.id
                            for r, l in choices.items()},
                        'contracts': [c.id for c in contracts]})])
        return contracts

    def check_buyer(self, member):
        if member != self.buyer:
            raise RfqError(gettext('s2b2b_procurement.msg_rfq_not_buyer',
                    rfq=self.rec_name))

    @classmethod
    def from_requirement(cls, requirement, values):
        """An RFQ in draft for the requirement's lines; the requirement
        goes to sourcing"""
        pool = Pool()
        Line = pool.get('s2b2b.rfq.line')
        Requirement = pool.get('s2b2b.requirement')
        if requirement.state != 'approved':
            raise RfqError(gettext(
                    's2b2b_procurement.msg_requirement_not_approved',
                    requirement=requirement.rec_name))
        rfq = cls(buyer=requirement.buyer, requirement=requirement,
            title=requirement.title, description=requirement.description,
            currency=requirement.currency, **values)
        rfq.lines = [Line(description=l.description, category=l.category,
                specs=l.specs, quantity=l.quantity, uom=l.uom,
                target_price=l.target_price,
                needed_by=l.needed_by or requirement.needed_by,
                requirement_line=l) for l in requirement.lines]
        rfq.save()
        Requirement.source([requirement])
        return rfq

    @classmethod
    def remind_deadlines(cls):
        "Remind invited suppliers who have not quoted of close deadlines"
        pool = Pool()
        Configuration = pool.get('s2b2b.configuration')
        Invitation = pool.get('s2b2b.rfq.invitation')
        hours = Configuration(1).rfq_warning_hours
        current = now()
        invitations = Invitation.search([
                ('rfq.state', '=', 'open'),
                ('rfq.deadline', '>', current),
                ('rfq.deadline', '<=', current + dt.timedelta(hours=hours)),
                ('reminded', '=', False),
                ])
        invitations = [i for i in invitations if not i.quoted]
        if invitations:
            Invitation.write(invitations, {'reminded': True})
            pool.get('s2b2b.notification').notify_rfq_deadline(invitations)
        return invitations


class RfqLine(sequence_ordered(), ModelSQL, ModelView):
    "Request for Quotation Line"
    __name__ = 's2b2b.rfq.line'
    __string__ = "Request for Quotation Line"

    rfq = fields.Many2One('s2b2b.rfq', "RFQ", required=True,
        ondelete='CASCADE')
    description = fields.Char("Description", required=True)
    category = fields.Many2One(
        'product.category', "Category", ondelete='RESTRICT',
        domain=[('s2b2b_listed', '=', True)])
    specs = fields.Dict('product.attribute', "Specifications")
    quantity = fields.Float("Quantity", required=True)
    uom = fields.Many2One(
        'product.uom', "Unit", required=True, ondelete='RESTRICT')
    target_price = fields.Numeric("Target Price", digits=(16, 4))
    needed_by = fields.Date("Needed By")
    requirement_line = fields.Many2One(
        's2b2b.requirement.line', "Requirement Line", readonly=True,
        ondelete='SET NULL')

    @classmethod
    def default_uom(cls):
        return Pool().get('ir.model.data').get_id('product', 'uom_unit')

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if field_names & {'quantity', 'target_price'}:
            for line in lines:
                if (line.quantity or 0) <= 0 or (line.target_price
                        is not None and line.target_price < 0):
                    raise RfqError(gettext(
                            's2b2b_procurement.msg_rfq_line_values',
                            line=line.description))


class Invitation(ModelSQL, ModelView):
    "Request for Quotation Invitation"
    __name__ = 's2b2b.rfq.invitation'
    __string__ = "Request for Quotation Invitation"

    rfq = fields.Many2One('s2b2b.rfq', "RFQ", required=True,
        ondelete='CASCADE')
    supplier = fields.Many2One(
        's2b2b.member', "Supplier", required=True, ondelete='RESTRICT',
        domain=[('is_supplier', '=', True)])
    reminded = fields.Boolean("Reminded", readonly=True)
    quoted = fields.Function(fields.Boolean("Quoted"), 'get_quoted')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('rfq_supplier_unique', Unique(t, t.rfq, t.supplier),
                's2b2b_procurement.msg_invitation_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.supplier, Index.Equality())))

    @classmethod
    def default_reminded(cls):
        return False

    def get_quoted(self, name):
        return any(q.supplier == self.supplier and q.state != 'draft'
            for q in self.rfq.quotations)


class Quotation(Workflow, ModelSQL, ModelView):
    "Quotation"
    __name__ = 's2b2b.rfq.quotation'
    __string__ = "Quotation"

    rfq = fields.Many2One('s2b2b.rfq', "RFQ", required=True,
        ondelete='CASCADE', readonly=True)
    supplier = fields.Many2One(
        's2b2b.member', "Supplier", required=True, ondelete='RESTRICT',
        readonly=True)
    revision = fields.Integer("Revision", readonly=True)
    submitted_date = fields.DateTime("Submitted", readonly=True)
    valid_until = fields.Date("Valid Until", readonly=True)
    lead_time = fields.Integer("Lead Time (days)", readonly=True)
    freight = fields.Numeric("Freight", digits=(16, 2), readonly=True)
    terms = fields.Text("Terms", readonly=True)
    lines = fields.One2Many(
        's2b2b.rfq.quotation.line', 'quotation', "Lines", readonly=True)
    revisions = fields.One2Many(
        's2b2b.rfq.quotation.revision', 'quotation', "Revisions",
        readonly=True)
    state = fields.Selection([
            ('submitted', "Submitted"),
            ('withdrawn', "Withdrawn"),
            ('awarded', "Awarded"),
            ('lost', "Not Awarded"),
            ], "State", readonly=True, required=True)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # One live quotation per supplier and RFQ: a second submission
        # revises it, whatever the client does
        cls._sql_constraints += [
            ('rfq_supplier_unique', Unique(t, t.rfq, t.supplier),
                's2b2b_procurement.msg_quotation_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.supplier, Index.Equality())))
        cls._order = [('submitted_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('submitted', 'withdrawn'),
            ('withdrawn', 'submitted'),
            }

    @classmethod
    def default_state(cls):
        return 'submitted'

    @classmethod
    def submit(cls, rfq, supplier, values, web_user=None):
        """Quote or revise the supplier's quotation of the RFQ.

        values: valid_until, lead_time, freight, terms and lines, each a
        dict of rfq_line, unit_price, lead_time and breaks [(quantity,
        price)].  Submitting the same content again changes nothing."""
        rfq.check_quotable(supplier)
        content = _content(rfq, values)
        existing = cls.search([('rfq', '=', rfq.id),
                ('supplier', '=', supplier.id)], limit=1)
        quotation = existing[0] if existing else None
        digest = _digest(content)
        if quotation and quotation.state == 'submitted' and (
                quotation.revisions
                and quotation.revisions[-1].digest == digest):
            return quotation
        with without_check_access():
            quotation = cls._store(rfq, supplier, quotation, content)
            cls._revise(quotation, content, digest, web_user)
        log([('rfq.quotation_submitted', supplier, quotation, {
                        'rfq': rfq.number, 'revision': quotation.revision,
                        'digest': digest})])
        return quotation

    @classmethod
    def _store(cls, rfq, supplier, quotation, content):
        pool = Pool()
        Line = pool.get('s2b2b.rfq.quotation.line')
        Break = pool.get('s2b2b.rfq.quotation.break')
        if quotation is None:
            quotation = cls(rfq=rfq, supplier=supplier, revision=0,
                lines=[])
        elif quotation.state == 'withdrawn':
            quotation.state = 'submitted'
        lines = {l.rfq_line.id: l for l in quotation.lines}
        for values in content['lines']:
            line = lines.get(values['rfq_line']) or Line(
                rfq_line=values['rfq_line'], bargain_state='open')
            if line.id and line.offers:
                raise QuotationError(gettext(
                        's2b2b_procurement.msg_quotation_line_bargained',
                        line=line.rfq_line.description))
            line.unit_price = Decimal(values['unit_price'])
            line.lead_time = values['lead_time']
            line.breaks = [Break(quantity=q, unit_price=Decimal(p))
                for q, p in values['breaks']]
            lines[values['rfq_line']] = line
        quoted = {v['rfq_line'] for v in content['lines']}
        Line.delete([l for k, l in lines.items() if l.id and k not in quoted])
        quotation.lines = [l for k, l in lines.items() if k in quoted]
        quotation.lead_time = content['lead_time']
        quotation.terms = content['terms']
        quotation.valid_until = (dt.date.fromisoformat(content['valid_until'])
            if content['valid_until'] else None)
        quotation.freight = (Decimal(content['freight'])
            if content['freight'] is not None else None)
        quotation.revision = (quotation.revision or 0) + 1
        quotation.submitted_date = now()
        quotation.save()
        return quotation

    @classmethod
    def _revise(cls, quotation, content, digest, web_user):
        Revision = Pool().get('s2b2b.rfq.quotation.revision')
        Revision.save([Revision(quotation=quotation,
                    number=quotation.revision,
                    data=json.dumps(content, sort_keys=True,
                        ensure_ascii=False),
                    digest=digest, web_user=web_user)])

    @classmethod
    @Workflow.transition('withdrawn')
    def withdraw(cls, quotations):
        for quotation in quotations:
            if not quotation.rfq.quoting:
                raise QuotationError(gettext(
                        's2b2b_procurement.msg_quotation_closed',
                        rfq=quotation.rfq.rec_name))
        log([('rfq.quotation_withdrawn', q.supplier, q,
                    {'rfq': q.rfq.number}) for q in quotations])

    def compared(self):
        "The quotation as comparing.Quote"
        return comparing.Quote(self.id, self.freight, {
                l.rfq_line.id: comparing.Cell(l.current_price,
                    l.lead_time, l.bargain_state == 'declined')
                for l in self.lines})


def _content(rfq, values):
    "The checked content of a quotation, in JSON types"
    lines = {l.id: l for l in rfq.lines}
    quoted, seen = [], set()
    for value in values.get('lines') or []:
        rfq_line = int(value.get('rfq_line') or 0)
        if rfq_line not in lines or rfq_line in seen:
            raise QuotationError(gettext(
                    's2b2b_procurement.msg_quotation_line_unknown',
                    rfq=rfq.rec_name))
        seen.add(rfq_line)
        quoted.append(_line_content(lines[rfq_line], value,
                values.get('lead_time')))
    if not quoted:
        raise QuotationError(gettext(
                's2b2b_procurement.msg_quotation_no_lines',
                rfq=rfq.rec_name))
    freight = values.get('freight')
    if freight is not None and Decimal(freight) < 0:
        raise QuotationError(gettext(
                's2b2b_procurement.msg_quotation_freight',
                rfq=rfq.rec_name))
    valid_until = values.get('valid_until')
    return {'lines': sorted(quoted, key=lambda l: l['rfq_line']),
        'valid_until': valid_until.isoformat() if valid_until else None,
        'lead_time': values.get('lead_time'),
        'freight': str(freight) if freight is not None else None,
        'terms': values.get('terms') or None}


def _line_content(rfq_line, value, lead_time):
    price = value.get('unit_price')
    lead = value.get('lead_time', lead_time)
    breaks = sorted((float(q), str(p)) for q, p in value.get('breaks') or [])
    problem = None
    if price is None or Decimal(price) <= 0:
        problem = 'price'
    elif lead is not None and int(lead) < 0:
        problem = 'lead_time'
    elif breaks:
        try:
            pricing.check_tiers([(q, Decimal(p)) for q, p in breaks])
        except pricing.TierError:
            problem = 'breaks'
    if problem:
        raise QuotationError(gettext(
                f's2b2b_procurement.msg_quotation_line_{problem}',
                line=rfq_line.description))
    return {'rfq_line': rfq_line.id, 'unit_price': str(Decimal(price)),
        'lead_time': int(lead) if lead is not None else None,
        'breaks': breaks}


def _digest(content):
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode(
            'utf-8')).hexdigest()


class QuotationLine(ModelSQL, ModelView):
    "Quotation Line"
    __name__ = 's2b2b.rfq.quotation.line'
    __string__ = "Quotation Line"

    quotation = fields.Many2One(
        's2b2b.rfq.quotation', "Quotation", required=True,
        ondelete='CASCADE', readonly=True)
    rfq_line = fields.Many2One(
        's2b2b.rfq.line', "RFQ Line", required=True, ondelete='CASCADE',
        readonly=True)
    unit_price = fields.Numeric(
        "Quoted Price", digits=(16, 4), required=True, readonly=True)
    lead_time = fields.Integer("Lead Time (days)", readonly=True)
    breaks = fields.One2Many(
        's2b2b.rfq.quotation.break', 'line', "Quantity Breaks",
        readonly=True)
    offers = fields.One2Many(
        's2b2b.rfq.offer', 'line', "Offers", readonly=True)
    bargain_state = fields.Selection([
            ('open', "Open"),
            ('agreed', "Agreed"),
            ('declined', "Declined"),
            ], "Bargaining", readonly=True, required=True)
    agreed_price = fields.Numeric("Agreed Price", digits=(16, 4),
        readonly=True)
    current_price = fields.Function(fields.Numeric(
            "Current Price", digits=(16, 4),
            help="The agreed price, else the supplier's last price."),
        'get_current_price')
    next_side = fields.Function(fields.Selection(
            [(None, '')] + SIDES, "Next Move"), 'get_next_side')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('quotation_line_unique', Unique(t, t.quotation, t.rfq_line),
                's2b2b_procurement.msg_quotation_line_unique'),
            ]

    @classmethod
    def default_bargain_state(cls):
        return 'open'

    @property
    def moves(self):
        return [bargaining.Move(o.side, o.action, o.unit_price)
            for o in self.offers]

    def get_current_price(self, name):
        return bargaining.supplier_price(self.unit_price, self.moves)

    def get_next_side(self, name):
        return bargaining.state(self.unit_price, self.moves).next_side

    def make_offer(self, member, action, price=None, note=None,
            web_user=None):
        "A bargaining move of the member's side on the line"
        Offer = Pool().get('s2b2b.rfq.offer')
        self.quotation.rfq.check_open()
        side = self.side_of(member)
        move = bargaining.Move(side, action, price)
        try:
            after = bargaining.apply(self.unit_price, self.moves, move)
        except bargaining.BargainError as error:
            raise OfferError(gettext(
                    f's2b2b_procurement.msg_offer_{error.args[0]}',
                    line=self.rfq_line.description))
        with without_check_access():
            offer = Offer(line=self, side=side, action=action,
                unit_price=price if action == bargaining.COUNTER else None,
                note=note, web_user=web_user,
                sequence=len(self.offers) + 1)
            offer.save()
            self.bargain_state = after.status
            self.agreed_price = (after.price if after.status == 'agreed'
                else None)
            self.save()
        log([('rfq.offer', member, offer, {
                        'rfq': self.quotation.rfq.number,
                        'quotation_line': self.id, 'side': side,
                        'action': action,
                        'price': str(price) if price is not None else None,
                        })])
        Pool().get('s2b2b.notification').notify_rfq_offer(offer)
        return offer

    def side_of(self, member):
        if member == self.quotation.rfq.buyer:
            return bargaining.BUYER
        if member == self.quotation.supplier:
            return bargaining.SUPPLIER
        raise OfferError(gettext('s2b2b_procurement.msg_offer_not_party',
                line=self.rfq_line.description))

    def check_awardable(self, rfq, rfq_line):
        if (self.quotation.rfq != rfq or self.rfq_line != rfq_line
                or self.quotation.state != 'submitted'
                or self.bargain_state == 'declined'):
            raise RfqError(gettext(
                    's2b2b_procurement.msg_rfq_award_invalid',
                    line=rfq_line.description))

    def award_values(self):
        "The contract line of the awarded line"
        return {'description': self.rfq_line.description,
            'quantity': self.rfq_line.quantity, 'uom': self.rfq_line.uom,
            'unit_price': self.current_price, 'origin': self,
            'lead_time': (self.lead_time if self.lead_time is not None
                else self.quotation.lead_time)}


class QuotationBreak(ModelSQL, ModelView):
    "Quotation Quantity Break"
    __name__ = 's2b2b.rfq.quotation.break'
    __string__ = "Quotation Quantity Break"

    line = fields.Many2One(
        's2b2b.rfq.quotation.line', "Line", required=True,
        ondelete='CASCADE')
    quantity = fields.Float("From Quantity", required=True)
    unit_price = fields.Numeric("Unit Price", digits=(16, 4), required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('quantity', 'ASC'))


class QuotationRevision(ModelSQL, ModelView):
    "Quotation Revision"
    __name__ = 's2b2b.rfq.quotation.revision'
    __string__ = "Quotation Revision"

    quotation = fields.Many2One(
        's2b2b.rfq.quotation', "Quotation", required=True,
        ondelete='CASCADE', readonly=True)
    number = fields.Integer("Revision", required=True, readonly=True)
    data = fields.Text("Content", readonly=True)
    digest = fields.Char("Digest", readonly=True)
    web_user = fields.Many2One(
        'web.user', "Submitted By", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('number', 'ASC'), ('id', 'ASC')]

    @property
    def content(self):
        return json.loads(self.data or '{}')


class Offer(ModelSQL, ModelView):
    "Bargaining Offer"
    __name__ = 's2b2b.rfq.offer'
    __string__ = "Bargaining Offer"

    line = fields.Many2One(
        's2b2b.rfq.quotation.line', "Quotation Line", required=True,
        ondelete='CASCADE', readonly=True)
    sequence = fields.Integer("Round", readonly=True)
    side = fields.Selection(SIDES, "Side", required=True, readonly=True)
    side_string = side.translated('side')
    action = fields.Selection([
            ('counter', "Counter-offer"),
            ('accept', "Accept"),
            ('decline', "Decline"),
            ], "Action", required=True, readonly=True)
    action_string = action.translated('action')
    unit_price = fields.Numeric("Unit Price", digits=(16, 4),
        readonly=True)
    note = fields.Text("Note", readonly=True)
    web_user = fields.Many2One(
        'web.user', "By", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('sequence', 'ASC'), ('id', 'ASC')]

    @classmethod
    def check_modification(cls, mode, offers, values=None, external=False):
        super().check_modification(
            mode, offers, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise OfferError(gettext(
                    's2b2b_procurement.msg_offer_immutable'))


class Message(ModelSQL, ModelView):
    "RFQ Message"
    __name__ = 's2b2b.rfq.message'
    __string__ = "RFQ Message"

    rfq = fields.Many2One('s2b2b.rfq', "RFQ", required=True,
        ondelete='CASCADE', readonly=True)
    supplier = fields.Many2One(
        's2b2b.member', "Supplier", required=True, ondelete='CASCADE',
        readonly=True, help="The thread the message belongs to.")
    side = fields.Selection(SIDES, "From", required=True, readonly=True)
    side_string = side.translated('side')
    body = fields.Text("Message", required=True, readonly=True)
    web_user = fields.Many2One(
        'web.user', "By", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.rfq, Index.Equality()),
                (t.supplier, Index.Equality())))
        cls._order = [('create_date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def post(cls, rfq, supplier, member, body, web_user=None):
        """A message in the thread of the RFQ and the supplier, from the
        member (the buyer or that supplier)"""
        body = (body or '').strip()
        if not body:
            raise RfqError(gettext('s2b2b_procurement.msg_message_empty'))
        if member == rfq.buyer:
            side = 'buyer'
        elif member == supplier and supplier in {
                i.supplier for i in rfq.invitations}:
            side = 'supplier'
        else:
            raise RfqError(gettext(
                    's2b2b_procurement.msg_message_not_party',
                    rfq=rfq.rec_name))
        with without_check_access():
            message = cls(rfq=rfq, supplier=supplier, side=side,
                body=body[:5000], web_user=web_user)
            message.save()
        return message


class Contract(metaclass=PoolMeta):
    __name__ = 's2b2b.contract'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['s2b2b.rfq']


class ContractLine(metaclass=PoolMeta):
    __name__ = 's2b2b.contract.line'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['s2b2b.rfq.quotation.line']
