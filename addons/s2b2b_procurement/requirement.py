# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""A buyer's purchase requirement: what it needs, by when, for how much;
approved by the buyer's approver above the member's limit, matched to
listings, and sourced through an RFQ."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.s2b2b_catalog import search
from trytond.pool import Pool
from trytond.pyson import Eval

from . import matching
from .company import company_currency
from .exceptions import RequirementError

STATES = [
    ('draft', "Draft"),
    ('waiting', "Waiting Approval"),
    ('approved', "Approved"),
    ('sourcing', "Sourcing"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]


def check_approver(web_user, member):
    "The web user may approve for the member"
    if (web_user is None or web_user.s2b2b_member != member
            or not web_user.has_role('approver')):
        raise RequirementError(gettext(
                's2b2b_procurement.msg_approver_required',
                member=member.rec_name))


class Requirement(Workflow, ModelSQL, ModelView):
    "Purchase Requirement"
    __name__ = 's2b2b.requirement'
    __string__ = "Purchase Requirement"
    _rec_name = 'title'

    _states = {'readonly': Eval('state') != 'draft'}

    buyer = fields.Many2One(
        's2b2b.member', "Buyer", required=True, ondelete='RESTRICT',
        domain=[('is_buyer', '=', True)], states=_states)
    title = fields.Char("Title", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    delivery_address = fields.Text("Delivery Address", states=_states)
    needed_by = fields.Date("Needed By", states=_states)
    budget = fields.Numeric(
        "Budget", digits=(16, 2), states=_states,
        domain=['OR', ('budget', '=', None), ('budget', '>=', 0)])
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, ondelete='RESTRICT',
        states=_states)
    lines = fields.One2Many(
        's2b2b.requirement.line', 'requirement', "Lines", states=_states)
    estimate = fields.Function(fields.Numeric(
            "Estimate", digits=(16, 2),
            help="The lines' quantities at their target prices."),
        'get_estimate')
    requested_by = fields.Many2One(
        'web.user', "Requested By", readonly=True, ondelete='SET NULL')
    approved_by = fields.Many2One(
        'web.user', "Approved By", readonly=True, ondelete='SET NULL')
    rfqs = fields.One2Many(
        's2b2b.rfq', 'requirement', "RFQs", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'waiting'),
            ('draft', 'approved'),
            ('waiting', 'approved'),
            ('waiting', 'draft'),
            ('approved', 'sourcing'),
            ('sourcing', 'done'),
            ('draft', 'cancelled'),
            ('waiting', 'cancelled'),
            ('approved', 'cancelled'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'waiting', 'approved']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_currency(cls):
        return company_currency()

    def get_estimate(self, name):
        return sum((l.estimate for l in self.lines if l.estimate),
            Decimal(0))

    @property
    def amount(self):
        "What the approval limit is compared with"
        return max(self.budget or Decimal(0), self.estimate or Decimal(0))

    @classmethod
    def submit(cls, requirements, web_user=None):
        """Submit the drafts: approved at once within the buyer's approval
        limit, else waiting for an approver"""
        for requirement in requirements:
            if requirement.state != 'draft':
                raise RequirementError(gettext(
                        's2b2b_procurement.msg_requirement_not_draft',
                        requirement=requirement.rec_name))
            if not requirement.lines:
                raise RequirementError(gettext(
                        's2b2b_procurement.msg_requirement_no_lines',
                        requirement=requirement.rec_name))
        waiting = [r for r in requirements if r.needs_approval()]
        cls.write(requirements, {
                'requested_by': web_user.id if web_user else None})
        cls.wait(waiting)
        cls.approve([r for r in requirements if r not in waiting])

    def needs_approval(self):
        limit = self.buyer.approval_limit
        return limit is not None and self.amount > limit

    @classmethod
    @Workflow.transition('waiting')
    def wait(cls, requirements):
        pass

    @classmethod
    @Workflow.transition('approved')
    def approve(cls, requirements):
        pass

    @classmethod
    def approve_as(cls, requirements, web_user):
        "Approval by a portal user with the approver role of the buyer"
        for requirement in requirements:
            if requirement.state != 'waiting':
                raise RequirementError(gettext(
                        's2b2b_procurement.msg_requirement_not_waiting',
                        requirement=requirement.rec_name))
            check_approver(web_user, requirement.buyer)
        cls.write(requirements, {'approved_by': web_user.id})
        cls.approve(requirements)

    @classmethod
    def refuse_as(cls, requirements, web_user):
        "The approver sends the requirements back to draft"
        for requirement in requirements:
            if requirement.state != 'waiting':
                raise RequirementError(gettext(
                        's2b2b_procurement.msg_requirement_not_waiting',
                        requirement=requirement.rec_name))
            check_approver(web_user, requirement.buyer)
        cls.draft(requirements)

    @classmethod
    @Workflow.transition('draft')
    def draft(cls, requirements):
        pass

    @classmethod
    @Workflow.transition('sourcing')
    def source(cls, requirements):
        pass

    @classmethod
    @Workflow.transition('done')
    def do(cls, requirements):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, requirements):
        pass


class RequirementLine(ModelSQL, ModelView):
    "Purchase Requirement Line"
    __name__ = 's2b2b.requirement.line'
    __string__ = "Purchase Requirement Line"

    requirement = fields.Many2One(
        's2b2b.requirement', "Requirement", required=True,
        ondelete='CASCADE')
    category = fields.Many2One(
        'product.category', "Category", ondelete='RESTRICT',
        domain=[('s2b2b_listed', '=', True)])
    description = fields.Char("Description", required=True)
    specs = fields.Dict('product.attribute', "Specifications")
    quantity = fields.Float("Quantity", required=True)
    uom = fields.Many2One(
        'product.uom', "Unit", required=True, ondelete='RESTRICT')
    target_price = fields.Numeric("Target Price", digits=(16, 4))
    needed_by = fields.Date("Needed By")
    estimate = fields.Function(fields.Numeric(
            "Estimate", digits=(16, 2)), 'get_estimate')

    @classmethod
    def default_uom(cls):
        return Pool().get('ir.model.data').get_id('product', 'uom_unit')

    def get_estimate(self, name):
        if self.target_price is None:
            return None
        return (Decimal(str(self.quantity or 0)) * self.target_price
            ).quantize(Decimal('0.01'))

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if field_names & {'quantity', 'target_price'}:
            for line in lines:
                line.check_values()

    def check_values(self):
        if (self.quantity or 0) <= 0 or (
                self.target_price is not None and self.target_price < 0):
            raise RequirementError(gettext(
                    's2b2b_procurement.msg_requirement_line_values',
                    line=self.description))

    def suggestions(self, limit=5):
        """Listings that suit the line, best first, each with its reasons
        (matching.Suggestion of listing records)"""
        Listing = Pool().get('s2b2b.listing')
        needed_by = self.needed_by or self.requirement.needed_by
        today = Pool().get('ir.date').today()
        need = matching.Need(self.quantity, self.target_price,
            (needed_by - today).days if needed_by else None,
            dict(self.specs or {}))
        filters = search.Filters(
            category=self.category.id if self.category else None)
        found = search.run(self.description, filters, limit=20)
        if not found.ids and self.category:
            # The words of a need are not always those of a listing
            found = search.run('', filters, limit=20)
        listings = Listing.browse(found.ids)
        candidates = [matching.Candidate(l, l.price_for(self.quantity),
                l.lead_time, l.available_quantity, l.supplier_standing,
                l.specs) for l in listings]
        return matching.rank(need, candidates, limit=limit)
