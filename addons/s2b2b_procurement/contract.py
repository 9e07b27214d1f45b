# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Contracts between a buyer and a supplier, made from an award.

An RFQ award or a tender award calls ``Contract.create_from_award``.
Operators prepare a contract: its PDF is rendered and stored, and from
then on its content is frozen.  Buyer, supplier and platform sign it in
turn (``Contract.sign``, the password re-entered); after the third
signature it is signed.  A forward contract then gets Tryton blanket
agreements on both sides, and its scheduled call-offs become draft sales
as they fall due (``s2b2b.contract.calloff`` ``order``)."""
import datetime as dt
import hashlib
from decimal import Decimal
from itertools import groupby

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.product import round_price
from trytond.modules.s2b2b_platform.exceptions import RecordNotFound
from trytond.modules.s2b2b_platform.ir import requesting_member
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, Id, If
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import contract_pdf, signing
from .company import company_currency, platform_company
from .exceptions import (
    ContractError, ContractPasswordError, ContractSigningError)
from .order import drop_shipped_by, ensure_addresses
from .signing_key import company_code

KINDS = [
    ('spot', "Spot"),
    ('forward', "Forward"),
    ]
ROLES = [
    ('buyer', "Buyer"),
    ('supplier', "Supplier"),
    ('platform', "Platform"),
    ]
SIGNING_ORDER = ['buyer', 'supplier', 'platform']
# The member role that may sign for its member: signing commits the
# company, as the administrator who registered it or was made one
SIGNER_ROLE = 'admin'
# Context key of the signing code: the only writer of a prepared document
SIGNING_KEY = '_s2b2b_contract_signing'
# What may still change once the document is prepared
UNFROZEN = {
    'state', 'cancel_reason', 'sale_blanket_agreement',
    'purchase_blanket_agreement'}
# What only the signing code changes once the document is prepared
SIGNING_FIELDS = {'document', 'date'}


def origin_selection(models):
    "Selection of a Reference field to the models"
    IrModel = Pool().get('ir.model')
    return [(None, '')] + [(m, IrModel.get_name(m)) for m in models]


def sha256(data):
    return hashlib.sha256(data or b'').hexdigest()


class Configuration(metaclass=PoolMeta):
    __name__ = 's2b2b.configuration'

    contract_sequence = fields.Many2One(
        'ir.sequence', "Contract Sequence", required=True,
        domain=[('sequence_type', '=',
                Id('s2b2b_procurement', 'sequence_type_contract'))])

    product_account_category = fields.Many2One(
        'product.category', "Product Account Category",
        domain=[('accounting', '=', True)],
        help="The accounting category (taxes, revenue and expense accounts) "
        "given to products traded through contracts that have none.")

    @classmethod
    def default_contract_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        try:
            return ModelData.get_id('s2b2b_procurement', 'sequence_contract')
        except KeyError:
            return None


class Contract(Workflow, ModelSQL, ModelView):
    "Trade Contract"
    __name__ = 's2b2b.contract'
    _rec_name = 'number'

    _states = {'readonly': Eval('state') != 'draft'}
    # required to prepare a forward contract, not to create one
    _forward = {
        'readonly': Eval('state') != 'draft',
        'invisible': Eval('kind') != 'forward',
        }

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Platform Company", required=True,
        ondelete='RESTRICT', states=_states)
    date = fields.Date("Date", readonly=True,
        help="The date the document was prepared.")
    buyer = fields.Many2One(
        's2b2b.member', "Buyer", required=True, ondelete='RESTRICT',
        domain=[('is_buyer', '=', True)], states=_states)
    buyer_party = fields.Function(fields.Many2One(
            'party.party', "Buyer Party"), 'on_change_with_buyer_party')
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
    delivery_address = fields.Many2One(
        'party.address', "Delivery Address", ondelete='RESTRICT',
        domain=[('party', '=', Eval('buyer_party', -1))], states=_states)
    delivery_terms = fields.Text("Delivery Terms", states=_states)
    payment_terms = fields.Text("Payment Terms", states=_states)
    period_start = fields.Date("Period Start",
        domain=[If(Eval('period_start') & Eval('period_end'),
                ('period_start', '<=', Eval('period_end')), ())],
        states=_forward)
    period_end = fields.Date("Period End",
        domain=[If(Eval('period_start') & Eval('period_end'),
                ('period_end', '>=', Eval('period_start')), ())],
        states=_forward)
    calloffs = fields.One2Many(
        's2b2b.contract.calloff', 'contract', "Call-offs", states=_forward)
    orders = fields.One2Many(
        's2b2b.order', 'contract', "Orders", readonly=True,
        help="The buyer's order of the signed spot contract.")
    document = fields.Binary("Document", file_id='document_id',
        filename='document_name', readonly=True,
        help="The contract PDF, with the signatures made so far.")
    document_id = fields.Char("Document ID", readonly=True)
    document_name = fields.Char("Document Name", readonly=True)
    signatures = fields.One2Many(
        's2b2b.contract.signature', 'contract', "Signatures", readonly=True)
    next_signer = fields.Function(fields.Selection(
            [(None, '')] + ROLES, "Next Signer"), 'get_next_signer')
    sale_blanket_agreement = fields.Many2One(
        'sale.blanket_agreement', "Sale Blanket Agreement", readonly=True,
        ondelete='RESTRICT',
        states={'invisible': Eval('kind') != 'forward'})
    purchase_blanket_agreement = fields.Many2One(
        'purchase.blanket_agreement', "Purchase Blanket Agreement",
        readonly=True, ondelete='RESTRICT',
        states={'invisible': Eval('kind') != 'forward'})
    cancel_reason = fields.Text("Cancellation Reason",
        states={
            'readonly': Eval('state') == 'cancelled',
            'invisible': ~Eval('state').in_(
                ['draft', 'signing', 'cancelled']),
            },
        help="Why the contract is cancelled: required to cancel.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('signing', "Signing"),
            ('signed', "Signed"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    del _states, _forward

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'signing'),
            ('signing', 'draft'),
            ('signing', 'signed'),
            ('signed', 'done'),
            ('draft', 'cancelled'),
            ('signing', 'cancelled'),
            }
        cls._buttons.update({
                'prepare': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ((Eval('state') != 'signing')
                        | Bool(Eval('signatures', []))),
                    'icon': 'tryton-back',
                    'depends': ['state', 'signatures'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'signing']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'signed',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'sign_platform': {
                    'invisible': ((Eval('state') != 'signing')
                        | (Eval('next_signer') != 'platform')),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'next_signer'],
                    },
                'verify_signatures': {
                    'invisible': ~Eval('state').in_(
                        ['signing', 'signed', 'done']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('//page[@id="forward"]', 'states', {
                    'invisible': Eval('kind') != 'forward',
                    }),
            ]

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'spot'

    @classmethod
    def default_company(cls):
        company = platform_company()
        return company.id if company else None

    @classmethod
    def default_currency(cls):
        return company_currency()

    @fields.depends('buyer', '_parent_buyer.party')
    def on_change_with_buyer_party(self, name=None):
        return self.buyer.party if self.buyer else None

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

    def get_next_signer(self, name=None):
        if self.state != 'signing':
            return None
        signed = {s.role for s in self.signatures}
        return next((r for r in SIGNING_ORDER if r not in signed), None)

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Configuration = pool.get('s2b2b.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            company = values.get('company', cls.default_company())
            with Transaction().set_context(company=company):
                values['number'] = (
                    Configuration(1).contract_sequence.get())
        return values

    @classmethod
    def check_modification(cls, mode, contracts, values=None,
            external=False):
        super().check_modification(
            mode, contracts, values=values, external=external)
        signing_ = Transaction().context.get(SIGNING_KEY)
        if mode == 'write':
            frozen = set(values) - UNFROZEN
            if signing_:
                frozen -= SIGNING_FIELDS
            if frozen:
                for contract in contracts:
                    if contract.state != 'draft':
                        raise ContractError(gettext(
                                's2b2b_procurement.msg_contract_frozen',
                                contract=contract.rec_name))
        elif mode == 'delete':
            for contract in contracts:
                if contract.state not in {'draft', 'cancelled'} \
                        or contract.signatures:
                    raise ContractError(gettext(
                            's2b2b_procurement.msg_contract_delete',
                            contract=contract.rec_name))

    @classmethod
    def copy(cls, contracts, default=None):
        default = default.copy() if default is not None else {}
        # call-offs point to the original's lines: planned again
        for name in ['number', 'date', 'document', 'document_id',
                'signatures', 'calloffs', 'orders', 'sale_blanket_agreement',
                'purchase_blanket_agreement', 'cancel_reason']:
            default.setdefault(name, None)
        return super().copy(contracts, default=default)

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
        line = Line(**values)
        if values.get('listing') and not values.get('product'):
            line.product = line.listing.product
        return line

    # Workflow

    @classmethod
    @ModelView.button
    @Workflow.transition('signing')
    def prepare(cls, contracts):
        "Check the contracts, render and store their documents"
        Date = Pool().get('ir.date')
        for contract in contracts:
            contract.check_preparable()
        cls.make_products(contracts)
        for contract in contracts:
            with Transaction().set_context(company=contract.company.id):
                contract.date = Date.today()
            rendered = contract_pdf.render(contract.document_data())
            contract.document = signing.add_signature_fields(
                rendered.pdf, rendered.boxes)
            contract.document_name = f'{contract.number}.pdf'
        cls.save(contracts)
        cls._log(contracts, 'contract.prepared',
            lambda c: {'sha256': sha256(c.document)})
        cls._notify_signer(contracts, 'buyer')

    def check_preparable(self):
        "Raise ContractError when the contract cannot be prepared"
        def error(name, **kwargs):
            return ContractError(gettext(
                    f's2b2b_procurement.msg_contract_{name}',
                    contract=self.rec_name, **kwargs))
        if not self.lines:
            raise error('no_lines')
        for member in [self.buyer, self.supplier]:
            if member.state != 'approved':
                raise error('member_not_approved', member=member.rec_name)
        if self.kind == 'forward':
            self._check_forward(error)

    def _check_forward(self, error):
        if not (self.period_start and self.period_end):
            raise error('forward_period')
        if not self.calloffs:
            raise error('forward_calloffs')
        quantities = {}
        for calloff in self.calloffs:
            if not (self.period_start <= calloff.date <= self.period_end):
                raise error('calloff_date', date=calloff.date)
            if calloff.line.contract != self:
                raise error('calloff_line', line=calloff.line.rec_name)
            quantities[calloff.line] = (
                quantities.get(calloff.line, 0) + calloff.quantity)
        for line, quantity in quantities.items():
            if quantity > line.quantity + line.uom.rounding / 2:
                raise error('calloff_quantity', line=line.rec_name)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, contracts):
        "Back to draft to change a contract nobody has signed yet"
        for contract in contracts:
            if contract.signatures:
                raise ContractError(gettext(
                        's2b2b_procurement.msg_contract_draft_signed',
                        contract=contract.rec_name))
        with Transaction().set_context({SIGNING_KEY: True}):
            cls.write(contracts, {'document': None, 'date': None})
        cls._log(contracts, 'contract.draft')

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, contracts):
        for contract in contracts:
            if not (contract.cancel_reason or '').strip():
                raise ContractError(gettext(
                        's2b2b_procurement.msg_contract_cancel_reason',
                        contract=contract.rec_name))
        cls._log(contracts, 'contract.cancelled',
            lambda c: {'reason': c.cancel_reason.strip()})

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, contracts):
        cls._log(contracts, 'contract.done')

    @classmethod
    def place_order(cls, contract, web_user, delivery=None, reference=None):
        """The buyer orders a signed spot contract, once, at its agreed
        prices: an order of all its lines taken in by the intake (checked,
        stock of listings taken, its sale queued); lines without listing
        (awarded from an RFQ or a tender) are bought from the contract's
        supplier.  Return the s2b2b.order"""
        Order = Pool().get('s2b2b.order')
        member = requesting_member()
        if member is not None and contract.buyer.id != member:
            raise ContractError(gettext(
                    's2b2b_procurement.msg_contract_order_not_buyer',
                    contract=contract.rec_name))
        if contract.kind != 'spot' or contract.state != 'signed':
            raise ContractError(gettext(
                    's2b2b_procurement.msg_contract_order_not_signed',
                    contract=contract.rec_name))
        # Two requests at once: the second waits, then finds the order
        cls.lock([contract])
        with without_check_access():
            if Order.search([('contract', '=', contract.id)], limit=1):
                raise ContractError(gettext(
                        's2b2b_procurement.msg_contract_ordered',
                        contract=contract.rec_name))
            lines = [l.to_order_line(l.quantity) for l in contract.lines]
        return Order.place(contract.buyer, lines, requested_by=web_user,
            delivery=delivery or contract.delivery_address,
            reference=reference or contract.number, contract=contract)

    @classmethod
    @Workflow.transition('signed')
    def complete(cls, contracts):
        "The last signature is made: the contract binds"
        with Transaction().set_context({SIGNING_KEY: True}):
            cls.make_blanket_agreements(contracts)
        cls._log(contracts, 'contract.signed',
            lambda c: {'sha256': sha256(c.document)})
        cls._notify(contracts, ['buyer', 'supplier'], 'signed')

    @classmethod
    @ModelView.button_action(
        's2b2b_procurement.wizard_contract_sign_platform')
    def sign_platform(cls, contracts):
        pass

    @classmethod
    @ModelView.button_action('s2b2b_procurement.wizard_contract_verify')
    def verify_signatures(cls, contracts):
        pass

    # Signing

    @classmethod
    def sign(cls, contract, role, web_user, password):
        """Sign the contract for the role and return the signature.

        buyer and supplier: web_user is a portal user (``web.user``) with
        the administrator role of that member; platform: a back-office
        user (``res.user``) of the operator or administrator groups.  The
        password is the signer's own, checked again; the roles sign in
        the order buyer, supplier, platform.  Refused signatures change
        nothing."""
        # two signatures at once (a double click) must not both pass the
        # order check: the contract is locked from the start
        cls.lock([contract])
        cls.check_visible(contract)
        contract.check_signable(role, web_user)
        if not contract._check_password(role, web_user, password):
            raise ContractPasswordError(gettext(
                    's2b2b_procurement.msg_contract_sign_password'))
        with without_check_access(), \
                Transaction().set_context({SIGNING_KEY: True}):
            contract = cls(contract.id)
            signer = web_user.__class__(web_user.id)
            return cls._sign(contract, role, signer, password)

    @classmethod
    def check_visible(cls, contract):
        """Refuse a contract the caller's record rules hide (attributes of
        a record are read without them)"""
        if Transaction().check_access and not cls.search(
                [('id', '=', contract.id)], count=True):
            raise RecordNotFound(gettext(
                    's2b2b_platform.msg_record_not_found',
                    model=cls.__names__()['model']))

    def check_signable(self, role, signer):
        "Raise ContractSigningError when the signer may not sign for role"
        pool = Pool()
        WebUser = pool.get('web.user')
        User = pool.get('res.user')

        def error(name, **kwargs):
            return ContractSigningError(gettext(
                    f's2b2b_procurement.msg_contract_sign_{name}',
                    contract=self.rec_name, user=signer.rec_name, **kwargs))
        if self.state != 'signing':
            raise error('state')
        if role not in SIGNING_ORDER:
            raise error('role_unknown', role=role)
        if self.get_next_signer() != role:
            raise error('order', role=self._role_string(role),
                next=self._role_string(self.get_next_signer()))
        if role == 'platform':
            if not isinstance(signer, User) or not self._is_operator(signer):
                raise error('platform_user')
            return
        if not isinstance(signer, WebUser) or not signer.active:
            raise error('member', role=self._role_string(role))
        member = getattr(self, role)
        if signer.s2b2b_member != member:
            raise error('member', role=self._role_string(role))
        if not signer.has_role(SIGNER_ROLE):
            raise error('admin')
        if member.state != 'approved':
            raise error('member_state', member=member.rec_name)

    @classmethod
    def _role_string(cls, role):
        "The role as the user reads it, in the user's language"
        Signature = Pool().get('s2b2b.contract.signature')
        selection = Signature.fields_get(['role'])['role']['selection']
        return dict(selection).get(role, role or '')

    @classmethod
    def _is_operator(cls, user):
        ModelData = Pool().get('ir.model.data')
        groups = {ModelData.get_id('s2b2b_platform', g)
            for g in ['group_s2b2b_operator', 'group_s2b2b_admin']}
        with without_check_access():
            user = user.__class__(user.id)
            return bool(groups & {g.id for g in user.groups})

    def _check_password(self, role, signer, password):
        "Whether the password is the signer's own"
        User = Pool().get('res.user')
        if not password:
            return False
        with without_check_access():
            signer = signer.__class__(signer.id)
            if isinstance(signer, User):
                # res.user never reads its hash back
                _, password_hash, _ = User._get_login(signer.login)
            else:
                password_hash = signer.password_hash
            if not password_hash:
                return False
            valid, _ = signer.check_password(password, password_hash)
        return valid

    @classmethod
    def _sign(cls, contract, role, signer, password):
        pool = Pool()
        Signature = pool.get('s2b2b.contract.signature')
        SigningKey = pool.get('s2b2b.signing.key')
        name = contract._signer_name(role, signer)
        if role == 'platform':
            key_record, key, certificate = SigningKey.platform()
        else:
            key_record, key, certificate = SigningKey.for_web_user(
                signer, password, name)
        document = signing.sign_pdf(contract.document, role, key,
            certificate, SigningKey.ca_certificate(),
            role=role, reason=f"采购合同 Purchase Contract {contract.number}",
            location=contract.company.party.name)
        signature = Signature(contract=contract, role=role,
            signer_name=name, key=key_record, document_sha256=sha256(document),
            certificate_subject=key_record.subject,
            certificate_serial=key_record.serial,
            signed_at=dt.datetime.now(),
            **({'user': signer} if role == 'platform'
                else {'web_user': signer, 'member': signer.s2b2b_member}))
        signature.save()
        cls.write([contract], {'document': document})
        cls._log([contract], 'contract.signature', lambda c: {
                'role': role, 'serial': key_record.serial,
                'signer': name, 'sha256': signature.document_sha256},
            member=signature.member)
        if contract.get_next_signer() is None:
            cls.complete([contract])
        else:
            cls._notify_signer([contract], contract.get_next_signer())
        return signature

    def _signer_name(self, role, signer):
        "The name a person signs with"
        if role == 'platform':
            return signer.name or signer.login
        member = signer.s2b2b_member
        if member.contact_name and member.contact_email \
                and member.contact_email.lower() == signer.email.lower():
            return member.contact_name
        return signer.email

    @classmethod
    def verify(cls, contract):
        """The SignatureResult of each signature in the contract's stored
        document, checked against the platform CA only"""
        SigningKey = Pool().get('s2b2b.signing.key')
        cls.check_visible(contract)
        document = contract.document
        if not document:
            return []
        return signing.verify_pdf(document, SigningKey.ca_certificate())

    @classmethod
    def check_signatures(cls, contract):
        """The verification of the contract: a dict of results (verify),
        valid, changed (anything but signatures changed after one of them
        or the stored document is not the one last signed) and missing
        (recorded signatures absent from the document)"""
        results = cls.verify(contract)
        found = {(r.field, r.serial) for r in results}
        missing = [s.role for s in contract.signatures
            if (s.role, s.certificate_serial) not in found]
        last = contract.signatures[-1] if contract.signatures else None
        replaced = bool(last and last.document_sha256 != sha256(
                contract.document))
        changed = replaced or any(r.changed_after for r in results)
        valid = bool(results) and all(r.ok for r in results) \
            and not missing and not changed
        return {'results': results, 'valid': valid, 'changed': changed,
            'missing': missing, 'replaced': replaced}

    # Documents

    def document_data(self):
        "The ContractData the PDF is rendered from"
        Party = contract_pdf.Party
        platform = self.company.party
        return contract_pdf.ContractData(
            number=self.number, date=self.date,
            buyer=Party(self.buyer.name, self.buyer.company_code,
                _address(self.buyer.party)),
            supplier=Party(self.supplier.name, self.supplier.company_code,
                _address(self.supplier.party)),
            platform=Party(platform.name, company_code(platform),
                _address(platform)),
            lines=[l.document_line() for l in self.lines],
            total=self.total, currency=self.currency.code,
            currency_symbol=self.currency.symbol or self.currency.code,
            kind=self.kind,
            origin=self.origin.rec_name if self.origin else None,
            delivery_address=(_one_line(self.delivery_address.full_address)
                if self.delivery_address else None),
            delivery_terms=self.delivery_terms,
            payment_terms=self.payment_terms,
            period_start=self.period_start, period_end=self.period_end,
            calloffs=[c.document_calloff() for c in self.calloffs]
            if self.kind == 'forward' else [])

    # Products and blanket agreements

    @classmethod
    def make_products(cls, contracts):
        "Give each line the product it trades, salable and purchasable"
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        Line = pool.get('s2b2b.contract.line')
        lines = [l for c in contracts for l in c.lines]
        with without_check_access():
            Listing.make_products(list({l.listing for l in lines
                        if l.listing and not l.product}))
            for line in lines:
                if not line.product and line.listing:
                    line.product = Listing(line.listing.id).product
            cls._new_products([l for l in lines if not l.product])
            cls._tradable([l.product for l in lines])
            cls._drop_shipped([l for l in lines if not l.listing])
        Line.save(lines)

    @classmethod
    def _new_products(cls, lines):
        pool = Pool()
        Template = pool.get('product.template')
        Product = pool.get('product.product')
        templates = [Template(name=l.description, type='goods',
                default_uom=l.uom, products=[Product()]) for l in lines]
        Template.save(templates)
        for line, template in zip(lines, templates):
            line.product = template.products[0]

    @classmethod
    def _tradable(cls, products):
        """Make the products' templates salable and purchasable, with the
        configured accounting category when they have none"""
        pool = Pool()
        Template = pool.get('product.template')
        Configuration = pool.get('s2b2b.configuration')
        configuration = Configuration(1)
        # the platform's accounting set-up gives the listings' category
        category = (configuration.product_account_category
            or configuration.listing_account_category)
        templates = list({p.template for p in products
                if not (p.template.salable and p.template.purchasable
                    and (p.template.account_category or not category))})
        for template in templates:
            template.salable = template.purchasable = True
            template.sale_uom = template.sale_uom or template.default_uom
            template.purchase_uom = (
                template.purchase_uom or template.default_uom)
            template.account_category = template.account_category or category
        Template.save(templates)

    @classmethod
    def _drop_shipped(cls, lines):
        """The products of lines without listing are bought from the
        contract's supplier, who ships them to the buyer when ordered"""
        Template = Pool().get('product.template')
        if not lines:
            return
        # The platform buys (company and currency of the product suppliers),
        # whoever prepares the contract (an operator of no company)
        company = platform_company()
        with Transaction().set_context(
                company=company.id if company else None):
            templates = [Template(l.product.template.id) for l in lines]
            for line, template in zip(lines, templates):
                drop_shipped_by(template, line.contract.supplier.party)
            Template.save(templates)
        ensure_addresses({l.contract.supplier.party for l in lines})

    @classmethod
    def make_blanket_agreements(cls, contracts):
        """A running sale blanket agreement (platform → buyer) and purchase
        blanket agreement (supplier → platform) per forward contract"""
        pool = Pool()
        SaleAgreement = pool.get('sale.blanket_agreement')
        PurchaseAgreement = pool.get('purchase.blanket_agreement')
        Line = pool.get('s2b2b.contract.line')
        forward = [c for c in contracts
            if c.kind == 'forward' and not c.sale_blanket_agreement]
        if not forward:
            return
        with without_check_access():
            sales = [c._sale_blanket_agreement() for c in forward]
            purchases = [c._purchase_blanket_agreement() for c in forward]
            SaleAgreement.save(sales)
            PurchaseAgreement.save(purchases)
            SaleAgreement.run(sales)
            PurchaseAgreement.run(purchases)
        lines = []
        for contract, sale, purchase in zip(forward, sales, purchases):
            contract.sale_blanket_agreement = sale
            contract.purchase_blanket_agreement = purchase
            for line, sale_line, purchase_line in zip(
                    contract.lines, sale.lines, purchase.lines):
                line.sale_agreement_line = sale_line
                line.purchase_agreement_line = purchase_line
                lines.append(line)
        cls.save(forward)
        Line.save(lines)

    def _agreement_values(self):
        return {
            'company': self.company,
            'reference': self.number,
            'description': f"{self.number}",
            'from_date': self.period_start,
            'to_date': self.period_end,
            'currency': self.currency,
            }

    def _sale_blanket_agreement(self):
        pool = Pool()
        Agreement = pool.get('sale.blanket_agreement')
        AgreementLine = pool.get('sale.blanket_agreement.line')
        return Agreement(customer=self.buyer.party,
            lines=[AgreementLine(product=l.product, quantity=l.quantity,
                    unit=l.uom, unit_price=l.unit_price)
                for l in self.lines],
            **self._agreement_values())

    def _purchase_blanket_agreement(self):
        pool = Pool()
        Agreement = pool.get('purchase.blanket_agreement')
        AgreementLine = pool.get('purchase.blanket_agreement.line')
        return Agreement(supplier=self.supplier.party,
            lines=[AgreementLine(product=l.product, quantity=l.quantity,
                    unit=l.uom, unit_price=l.supplier_unit_price())
                for l in self.lines],
            **self._agreement_values())

    def check_calloff_agreement(self):
        "Call-offs draw on the contract's running sale blanket agreement"
        agreement = self.sale_blanket_agreement
        if not agreement or agreement.state != 'running':
            raise ContractError(gettext(
                    's2b2b_procurement.msg_contract_calloff_agreement',
                    contract=self.rec_name))

    # Events and notifications

    @classmethod
    def _log(cls, contracts, event, data=None, member=None):
        "Append to the event log, under the member that acted or the buyer"
        Event = Pool().get('s2b2b.event')
        Event.append([{
                    'event': event,
                    'member': member.id if member else c.buyer.id,
                    'resource': str(c),
                    'data': {'contract': c.id, 'number': c.number,
                        'buyer': c.buyer.id, 'supplier': c.supplier.id,
                        **(data(c) if data else {})},
                    } for c in contracts])

    @classmethod
    def _notify_signer(cls, contracts, role):
        if role in {'buyer', 'supplier'}:
            cls._notify(contracts, [role], 'to_sign')

    @classmethod
    def _notify(cls, contracts, roles, kind):
        Notification = Pool().get('s2b2b.notification')
        notifications = [Notification(
                member=getattr(c, role), kind=f'contract.{kind}',
                subject=gettext(
                    f's2b2b_procurement.msg_contract_{kind}_subject',
                    contract=c.number),
                body=gettext(f's2b2b_procurement.msg_contract_{kind}_body',
                    contract=c.number, buyer=c.buyer.name,
                    supplier=c.supplier.name),
                resource=str(c))
            for c in contracts for role in roles]
        with without_check_access():
            Notification.notify(notifications)


def _address(party):
    address = party.address_get() if party else None
    return _one_line(address.full_address) if address else None


def _one_line(text):
    return ' '.join(l.strip() for l in (text or '').splitlines()
        if l.strip()) or None


class ContractLine(ModelSQL, ModelView):
    "Trade Contract Line"
    __name__ = 's2b2b.contract.line'

    contract = fields.Many2One(
        's2b2b.contract', "Contract", required=True, ondelete='CASCADE')
    description = fields.Char("Description", required=True)
    listing = fields.Many2One(
        's2b2b.listing', "Listing", ondelete='RESTRICT')
    product = fields.Many2One(
        'product.product', "Product", ondelete='RESTRICT',
        help="The product traded: the listing's, or one made for the line "
        "when the document is prepared.")
    quantity = fields.Float("Quantity", required=True,
        domain=[('quantity', '>', 0)])
    uom = fields.Many2One(
        'product.uom', "Unit", required=True, ondelete='RESTRICT')
    unit_price = fields.Numeric("Unit Price", digits=(16, 4), required=True,
        domain=[('unit_price', '>=', 0)])
    lead_time = fields.Integer("Lead Time (days)",
        domain=['OR', ('lead_time', '=', None), ('lead_time', '>=', 0)],
        help="The days the supplier needs from its confirmation to "
        "shipment, as quoted or bid; the listing's when it has one.")
    amount = fields.Function(fields.Numeric(
            "Amount", digits=(16, 2)), 'get_amount')
    origin = fields.Reference(
        "Origin", selection='get_origins', readonly=True)
    sale_agreement_line = fields.Many2One(
        'sale.blanket_agreement.line', "Sale Agreement Line", readonly=True,
        ondelete='RESTRICT')
    purchase_agreement_line = fields.Many2One(
        'purchase.blanket_agreement.line', "Purchase Agreement Line",
        readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('contract')

    @classmethod
    def _get_origins(cls):
        "Models a contract line can be awarded from"
        return []

    @classmethod
    def get_origins(cls):
        return origin_selection(cls._get_origins())

    @fields.depends('listing', 'product')
    def on_change_listing(self):
        if self.listing and self.listing.product:
            self.product = self.listing.product

    def get_amount(self, name):
        amount = Decimal(str(self.quantity or 0)) * (
            self.unit_price or Decimal(0))
        currency = self.contract.currency if self.contract else None
        return currency.round(amount) if currency else amount

    def get_rec_name(self, name):
        return f'{self.contract.rec_name} / {self.description}'

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('sale_agreement_line', None)
        default.setdefault('purchase_agreement_line', None)
        return super().copy(lines, default=default)

    def to_order_line(self, quantity):
        "The order line of quantity of the line, at its agreed price"
        return {'listing': self.listing.id if self.listing else None,
            'quantity': quantity, 'unit_price': self.unit_price,
            'origin': self}

    def supplier_unit_price(self):
        "What the platform pays the supplier: less its commission"
        Configuration = Pool().get('s2b2b.configuration')
        commission = Configuration(1).commission_percent or Decimal(0)
        return round_price(
            self.unit_price * (1 - Decimal(commission) / 100))

    def unit_text(self):
        "The unit in Chinese and its symbol, as the document shows it"
        Uom = Pool().get('product.uom')
        with Transaction().set_context(language='zh_CN'):
            name = Uom(self.uom.id).name
        symbol = self.uom.symbol
        return f'{name} ({symbol})' if symbol and symbol != name else name

    def document_line(self):
        return contract_pdf.Line(self.description, self.quantity,
            self.unit_text(), self.unit_price, self.amount)

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'write' and not (set(values) - {
                    'product', 'sale_agreement_line',
                    'purchase_agreement_line'}):
            # set when prepared and signed, by the contract itself
            return
        for line in lines:
            if line.contract.state != 'draft':
                raise ContractError(gettext(
                        's2b2b_procurement.msg_contract_frozen',
                        contract=line.contract.rec_name))


class ContractCallOff(Workflow, ModelSQL, ModelView):
    "Trade Contract Call-off"
    __name__ = 's2b2b.contract.calloff'

    _states = {'readonly': Eval('contract_state') != 'draft'}

    contract = fields.Many2One(
        's2b2b.contract', "Contract", required=True, ondelete='CASCADE',
        states=_states)
    line = fields.Many2One(
        's2b2b.contract.line', "Line", required=True, ondelete='CASCADE',
        domain=[('contract', '=', Eval('contract', -1))], states=_states)
    date = fields.Date("Date", required=True, states=_states)
    quantity = fields.Float("Quantity", required=True,
        domain=[('quantity', '>', 0)], states=_states)
    unit = fields.Function(fields.Many2One('product.uom', "Unit"),
        'on_change_with_unit')
    state = fields.Selection([
            ('planned', "Planned"),
            ('ordered', "Ordered"),
            ], "State", readonly=True, required=True)
    state_string = state.translated('state')
    buyer_order = fields.Many2One('s2b2b.order', "Order", readonly=True,
        ondelete='RESTRICT',
        help="The buyer order the call-off was placed as.")
    sale = fields.Function(fields.Many2One('sale.sale', "Sale"), 'get_sale')
    contract_state = fields.Function(fields.Selection(
            'get_contract_states', "Contract State"),
        'on_change_with_contract_state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('contract')
        cls._order = [('date', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {('planned', 'ordered')}
        cls._buttons.update({
                'order': {
                    'invisible': ((Eval('state') != 'planned')
                        | (Eval('contract_state') != 'signed')),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'contract_state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'planned'

    @classmethod
    def call_off_due(cls, date=None):
        """Order the planned call-offs due by the date (cron, daily).  A
        call-off the intake refuses (a listing's stock short or expired)
        stays planned, is tried again the next day and raises an alert to
        the buyer"""
        Date = Pool().get('ir.date')
        date = date or Date.today()
        calloffs = cls.search([
                ('state', '=', 'planned'),
                ('date', '<=', date),
                ('contract.state', '=', 'signed'),
                ], order=[('contract', 'ASC'), ('date', 'ASC')])
        cls._place_orders(calloffs, refused=cls._alert_refused)

    @classmethod
    @ModelView.button
    def order(cls, calloffs):
        """Place the call-offs of each contract and date as one buyer
        order at the contract's prices, through the order intake, drawing
        on the contract's blanket agreements: the order then follows like
        any other (sale, drop-shipped purchase, invoices)"""
        cls._place_orders(calloffs)

    @classmethod
    def _place_orders(cls, calloffs, refused=None):
        """Order the call-offs by contract and date; refused(group, error)
        is called for a group the intake refuses (nothing of it changed),
        else the error is raised"""
        pool = Pool()
        Order = pool.get('s2b2b.order')
        Contract = pool.get('s2b2b.contract')
        calloffs = [c for c in calloffs
            if c.state == 'planned' and c.contract.state == 'signed']
        groups = [list(g) for _, g in groupby(
                sorted(calloffs, key=lambda c: (c.contract.id, c.date)),
                key=lambda c: (c.contract.id, c.date))]
        ordered = []
        for group in groups:
            contract = group[0].contract
            # Two requests at once: the second waits, then finds it ordered
            cls.lock(group)
            if any(c.state != 'planned' for c in cls.browse(group)):
                continue
            try:
                contract.check_calloff_agreement()
                # The intake checks every line before it changes anything
                order = Order.place(contract.buyer,
                    [c.line.to_order_line(c.quantity) for c in group],
                    delivery=contract.delivery_address,
                    reference=f'{contract.number} {group[0].date}',
                    contract=contract)
            except UserError as error:
                if refused is None:
                    raise
                refused(group, error)
                continue
            cls.write(group, {'buyer_order': order.id, 'state': 'ordered'})
            Contract._log([contract], 'contract.called_off',
                lambda c: {'calloffs': [o.id for o in group],
                    'date': group[0].date.isoformat(), 'order': order.id})
            ordered.extend(group)
        contracts = Contract.browse(list({c.contract.id for c in ordered}))
        Contract.do([c for c in contracts
                if all(o.state != 'planned' for o in c.calloffs)])

    @classmethod
    def _alert_refused(cls, calloffs, error):
        """Tell the buyer a due call-off could not be ordered (a supplier
        short of stock has its own alert)"""
        Alert = Pool().get('s2b2b.alert')
        Alert.raise_([{'kind': 'calloff_refused',
                    'member': calloffs[0].contract.buyer,
                    'resource': calloffs[0],
                    'message': gettext(
                        's2b2b_procurement.msg_alert_calloff_refused',
                        calloff=calloffs[0].rec_name,
                        reason=error.message)}])

    @classmethod
    def call_off(cls, calloffs):
        """Order planned call-offs now at the request of the contract's
        buyer (portal and API): the orders are the platform's to place"""
        member = requesting_member()
        for calloff in calloffs:
            if member is not None and calloff.contract.buyer.id != member:
                raise ContractError(gettext(
                        's2b2b_procurement.msg_calloff_not_buyer',
                        calloff=calloff.rec_name))
            if calloff.state != 'planned' \
                    or calloff.contract.state != 'signed':
                raise ContractError(gettext(
                        's2b2b_procurement.msg_calloff_not_planned',
                        calloff=calloff.rec_name))
        with without_check_access():
            cls._place_orders(cls.browse(calloffs))

    def get_sale(self, name):
        order = self.buyer_order
        return order.sale.id if order and order.sale else None

    @fields.depends('line', '_parent_line.uom')
    def on_change_with_unit(self, name=None):
        return self.line.uom if self.line else None

    @classmethod
    def get_contract_states(cls):
        Contract = Pool().get('s2b2b.contract')
        return Contract.fields_get(['state'])['state']['selection']

    @fields.depends('contract', '_parent_contract.state')
    def on_change_with_contract_state(self, name=None):
        return self.contract.state if self.contract else None

    def get_rec_name(self, name):
        return f'{self.contract.rec_name} {self.date.isoformat()}'

    @classmethod
    def copy(cls, calloffs, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'planned')
        default.setdefault('buyer_order', None)
        return super().copy(calloffs, default=default)

    def document_calloff(self):
        return contract_pdf.CallOff(self.date, self.line.description,
            self.quantity, self.line.unit_text())

    @classmethod
    def check_modification(cls, mode, calloffs, values=None, external=False):
        super().check_modification(
            mode, calloffs, values=values, external=external)
        if mode == 'write' and not (
                set(values) - {'state', 'buyer_order'}):
            for calloff in calloffs:
                if calloff.contract.state not in {'signed', 'done'}:
                    raise ContractError(gettext(
                            's2b2b_procurement.msg_calloff_not_signed',
                            calloff=calloff.rec_name))
            return
        for calloff in calloffs:
            if calloff.contract.state != 'draft':
                raise ContractError(gettext(
                        's2b2b_procurement.msg_contract_frozen',
                        contract=calloff.contract.rec_name))


class ContractSignature(ModelSQL, ModelView):
    "Trade Contract Signature"
    __name__ = 's2b2b.contract.signature'

    contract = fields.Many2One(
        's2b2b.contract', "Contract", required=True, ondelete='RESTRICT',
        readonly=True)
    role = fields.Selection(ROLES, "Role", required=True, readonly=True)
    role_string = role.translated('role')
    signer_name = fields.Char("Signer", required=True, readonly=True)
    member = fields.Many2One(
        's2b2b.member', "Member", readonly=True, ondelete='RESTRICT')
    web_user = fields.Many2One(
        'web.user', "Portal User", readonly=True, ondelete='RESTRICT')
    user = fields.Many2One(
        'res.user', "Operator", readonly=True, ondelete='RESTRICT')
    key = fields.Many2One(
        's2b2b.signing.key', "Signing Key", readonly=True,
        ondelete='RESTRICT')
    certificate_subject = fields.Char(
        "Certificate Subject", readonly=True)
    certificate_serial = fields.Char("Certificate Serial", readonly=True)
    signed_at = fields.Timestamp("Signed at", required=True, readonly=True)
    document_sha256 = fields.Char("Document SHA-256", readonly=True,
        help="The hash of the document once this signature was added.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('contract')
        cls._order = [('signed_at', 'ASC'), ('id', 'ASC')]

    @classmethod
    def check_modification(cls, mode, signatures, values=None,
            external=False):
        super().check_modification(
            mode, signatures, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise ContractError(gettext(
                    's2b2b_procurement.msg_signature_readonly'))


class ContractSignPlatformStart(ModelView):
    "Sign a Contract for the Platform"
    __name__ = 's2b2b.contract.sign_platform.start'

    contract = fields.Many2One('s2b2b.contract', "Contract", readonly=True)
    password = fields.Char("Password", required=True, strip=False,
        help="Your own password, entered again to sign.")


class ContractSignPlatform(Wizard):
    "Sign a Contract for the Platform"
    __name__ = 's2b2b.contract.sign_platform'
    start = StateView('s2b2b.contract.sign_platform.start',
        's2b2b_procurement.contract_sign_platform_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Sign", 'sign', 'tryton-ok', default=True),
            ])
    sign = StateTransition()

    def default_start(self, fields):
        return {'contract': self.record.id if self.record else None}

    def transition_sign(self):
        pool = Pool()
        Contract = pool.get('s2b2b.contract')
        User = pool.get('res.user')
        # the wizard's session is stored: never with the password in it
        password, self.start.password = self.start.password, None
        Contract.sign(self.record, 'platform',
            User(Transaction().user), password)
        return 'end'


class ContractVerifySignature(ModelView):
    "Contract Signature Verified"
    __name__ = 's2b2b.contract.verify.signature'

    field = fields.Char("Signature Field", readonly=True)
    signer = fields.Char("Signer", readonly=True)
    organization = fields.Char("Organization", readonly=True)
    organization_id = fields.Char("Unified Social Credit Code",
        readonly=True)
    serial = fields.Char("Certificate Serial", readonly=True)
    signing_time = fields.Timestamp("Signing Time", readonly=True)
    intact = fields.Boolean("Intact", readonly=True,
        help="The signed bytes are those the signer signed.")
    trusted = fields.Boolean("Trusted", readonly=True,
        help="The certificate was issued by the platform CA and is valid.")
    changed_after = fields.Boolean("Changed after Signing", readonly=True,
        help="Something other than later signatures changed after it.")
    valid = fields.Boolean("Valid", readonly=True)


class ContractVerifyResult(ModelView):
    "Contract Verification"
    __name__ = 's2b2b.contract.verify.result'

    contract = fields.Many2One('s2b2b.contract', "Contract", readonly=True)
    valid = fields.Boolean("Valid", readonly=True)
    changed = fields.Boolean("Document Changed after Signing",
        readonly=True)
    message = fields.Text("Result", readonly=True)
    signatures = fields.One2Many('s2b2b.contract.verify.signature', None,
        "Signatures", readonly=True)


class ContractVerify(Wizard):
    "Verify Contract Signatures"
    __name__ = 's2b2b.contract.verify'
    start_state = 'result'
    result = StateView('s2b2b.contract.verify.result',
        's2b2b_procurement.contract_verify_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_result(self, fields):
        Contract = Pool().get('s2b2b.contract')
        check = Contract.check_signatures(self.record)
        return {
            'contract': self.record.id,
            'valid': check['valid'],
            'changed': check['changed'],
            'message': verification_message(check),
            'signatures': [{
                    'field': r.field, 'signer': r.name,
                    'organization': r.organization,
                    'organization_id': r.organization_id,
                    'serial': r.serial,
                    'signing_time': (r.signing_time.replace(tzinfo=None)
                        if r.signing_time else None),
                    'intact': r.intact, 'trusted': r.trusted,
                    'changed_after': r.changed_after, 'valid': r.ok,
                    } for r in check['results']],
            }


def verification_message(check):
    "What the verification found, in words"
    def message(name, **kwargs):
        return gettext(f's2b2b_procurement.msg_contract_verify_{name}',
            **kwargs)
    results = check['results']
    if not results:
        return message('unsigned')
    if check['valid']:
        return message('valid', count=len(results))
    lines = []
    changed = [r.field for r in results if r.changed_after]
    if changed or check['replaced']:
        lines.append(message('changed',
                fields=', '.join(changed) or '-'))
    invalid = [r.field for r in results
        if not (r.intact and r.valid and r.trusted)]
    if invalid:
        lines.append(message('invalid', fields=', '.join(invalid)))
    if check['missing']:
        lines.append(message('missing', roles=', '.join(check['missing'])))
    return '\n'.join(lines)


class ContractReport(Report):
    "The stored contract document, with its signatures"
    __name__ = 's2b2b.contract'

    @classmethod
    def _execute(cls, records, header, data, action):
        contract, = records
        if not contract.document:
            raise ContractError(gettext(
                    's2b2b_procurement.msg_contract_no_document',
                    contract=contract.rec_name))
        return 'pdf', contract.document
