# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
from types import SimpleNamespace

from sql import Null
from stdnum.cn import uscc

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools.email_ import EmailNotValidError, validate_email
from trytond.transaction import Transaction

from .exceptions import (
    ContactEmailError, DocumentDateError, DocumentFileError, DuplicateMember,
    InvalidCompanyCode, MemberApprovalError, ReasonRequired,
    RegistrationError)
from .domains import selection_domain
from .emails import is_email
from .files import file_name, file_type

KINDS = [
    ('supplier', "Supplier"),
    ('buyer', "Buyer"),
    ('both', "Supplier and Buyer"),
    ]
# Transitions that must say why: the reason goes to the event log
REASON_TRANSITIONS = {'reject', 'suspend', 'terminate'}


def normalize_company_code(code):
    "Return the compact form of a 统一社会信用代码 or raise ValueError"
    code = uscc.compact(code or '')
    if not uscc.is_valid(code):
        raise ValueError(code)
    return code


def _company_code(code):
    "Return the compact 统一社会信用代码 or raise InvalidCompanyCode"
    try:
        return normalize_company_code(code)
    except ValueError:
        raise InvalidCompanyCode(gettext(
                's2b2b_platform.msg_member_company_code_invalid',
                code=code))


class Member(Workflow, ModelSQL, ModelView):
    __name__ = 's2b2b.member'
    _rec_name = 'name'

    _states = {'readonly': Eval('state') != 'draft'}

    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='RESTRICT',
        states=_states)
    name = fields.Function(fields.Char("Name"), 'on_change_with_name',
        searcher='search_name')
    kind = fields.Selection(KINDS, "Role", required=True,
        states={'readonly': Eval('state').in_(['terminated'])})
    kind_string = kind.translated('kind')
    is_supplier = fields.Function(
        fields.Boolean("Supplier"), 'on_change_with_is_supplier',
        searcher='search_is_supplier')
    is_buyer = fields.Function(
        fields.Boolean("Buyer"), 'on_change_with_is_buyer',
        searcher='search_is_buyer')
    company_code = fields.Char(
        "Unified Social Credit Code", size=18, states=_states,
        help="统一社会信用代码: the 18-character Chinese company id.")
    contact_name = fields.Char("Contact Name")
    contact_email = fields.Char("Contact Email")
    contact_phone = fields.Char("Contact Phone")
    state = fields.Selection([
            ('draft', "Draft"),
            ('applied', "Applied"),
            ('under_review', "Under Review"),
            ('approved', "Approved"),
            ('suspended', "Suspended"),
            ('terminated', "Terminated"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    reason = fields.Text("Reason",
        states={
            'invisible': ~Eval('state').in_(
                ['under_review', 'approved', 'suspended']),
            },
        help="Why the member is rejected, suspended or terminated: "
        "required by these transitions and kept in the event log.")
    state_reason = fields.Text("Last Reason", readonly=True)
    applied_date = fields.Timestamp("Applied", readonly=True)
    approved_date = fields.Timestamp("Approved", readonly=True)
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    documents = fields.One2Many(
        's2b2b.member.document', 'member', "Qualification Documents",
        states={'readonly': Eval('state') == 'terminated'})
    web_users = fields.One2Many('web.user', 's2b2b_member', "Portal Users",
        states={'readonly': Eval('state') == 'terminated'})
    missing_documents = fields.Function(
        fields.Many2Many('s2b2b.member.document.type', None, None,
            "Missing Mandatory Documents"), 'get_missing_documents')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('party_unique', Unique(t, t.party),
                's2b2b_platform.msg_member_party_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.company_code, Index.Equality()),
                    where=t.company_code != Null),
                })
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'applied'),
            ('applied', 'under_review'),
            ('under_review', 'approved'),
            ('under_review', 'draft'),
            ('approved', 'suspended'),
            ('suspended', 'approved'),
            ('approved', 'terminated'),
            ('suspended', 'terminated'),
            }
        cls._buttons.update({
                'apply': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'start_review': {
                    'invisible': Eval('state') != 'applied',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'under_review',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'under_review',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'suspend': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                'reinstate': {
                    'invisible': Eval('state') != 'suspended',
                    'depends': ['state'],
                    },
                'terminate': {
                    'invisible': ~Eval('state').in_(
                        ['approved', 'suspended']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'buyer'

    @fields.depends('party')
    def on_change_with_name(self, name=None):
        return self.party.rec_name if self.party else None

    @classmethod
    def search_name(cls, name, clause):
        return [('party.rec_name',) + tuple(clause[1:])]

    @fields.depends('kind')
    def on_change_with_is_supplier(self, name=None):
        return self.kind in {'supplier', 'both'}

    @fields.depends('kind')
    def on_change_with_is_buyer(self, name=None):
        return self.kind in {'buyer', 'both'}

    @classmethod
    def _search_kind(cls, kind, clause):
        _, operator, value = clause[:3]
        kinds = [kind, 'both']
        if (operator == '=') == bool(value):
            return [('kind', 'in', kinds)]
        return [('kind', 'not in', kinds)]

    @classmethod
    def search_is_supplier(cls, name, clause):
        return cls._search_kind('supplier', clause)

    @classmethod
    def search_is_buyer(cls, name, clause):
        return cls._search_kind('buyer', clause)

    @fields.depends('party', 'company_code')
    def on_change_party(self):
        if self.party and not self.company_code:
            for identifier in self.party.identifiers:
                if identifier.type == 'cn_uscc':
                    self.company_code = identifier.code

    def get_missing_documents(self, name):
        return [t.id for t in self.missing_document_types()]

    def missing_document_types(self, date=None, mandatory=None):
        "Return mandatory document types without a valid document"
        pool = Pool()
        DocumentType = pool.get('s2b2b.member.document.type')
        date = date or pool.get('ir.date').today()
        if mandatory is None:
            mandatory = DocumentType.mandatory_types(self.kind)
        valid = {d.type for d in self.documents if d.is_valid(date)}
        return [t for t in mandatory if t not in valid]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('company_code'):
            values['company_code'] = _company_code(values['company_code'])
        return values

    @classmethod
    def validate_fields(cls, members, field_names):
        super().validate_fields(members, field_names)
        cls.check_duplicate(members, field_names)
        cls.check_contact_email(members, field_names)

    @classmethod
    def check_contact_email(cls, members, field_names=None):
        if field_names and 'contact_email' not in field_names:
            return
        for member in members:
            if not member.contact_email:
                continue
            try:
                valid = is_email(member.contact_email) and validate_email(
                    member.contact_email)
            except EmailNotValidError:
                valid = False
            if not valid:
                raise ContactEmailError(gettext(
                        's2b2b_platform.msg_member_contact_email_invalid',
                        member=member.rec_name, email=member.contact_email))

    @classmethod
    def check_duplicate(cls, members, field_names=None):
        "A party or a company code belongs to one member only"
        if field_names and not field_names & {'party', 'company_code'}:
            return
        codes = {m.company_code for m in members if m.company_code}
        parties = {m.party.id for m in members}
        others = cls.search(['OR',
                ('company_code', 'in', list(codes)),
                ('party', 'in', list(parties)),
                ], order=[])
        for member in members:
            for other in others:
                if other == member:
                    continue
                if (other.party == member.party
                        or (member.company_code
                            and other.company_code == member.company_code)):
                    raise DuplicateMember(gettext(
                            's2b2b_platform.msg_member_duplicate',
                            member=member.rec_name, other=other.rec_name))

    @classmethod
    def copy(cls, members, default=None):
        if members:
            raise DuplicateMember(
                gettext('s2b2b_platform.msg_member_no_copy'))
        return super().copy(members, default=default)

    @classmethod
    def register(cls, values):
        """Create the application of a company registering on the portal.

        values: name, company_code, kind, contact_name, contact_email,
        contact_phone, password, language (code, default the context's) and
        documents (dicts of type, number, valid_from, valid_to, file,
        file_name).  Creates the party, the member, its administrator
        portal user (login: the contact e-mail) and the documents, then
        applies.  Refused values raise before the caller commits anything.
        """
        pool = Pool()
        WebUser = pool.get('web.user')
        Document = pool.get('s2b2b.member.document')
        cls._check_registration(values)
        member = cls(
            party=cls._registration_party(values), kind=values.get('kind'),
            company_code=values['company_code'],
            **{f: (values.get(f) or '').strip() or None
                for f in ['contact_name', 'contact_email', 'contact_phone']})
        member.save()
        WebUser.check_email_free([member.contact_email])
        WebUser.create([{
                    'email': member.contact_email,
                    's2b2b_member': member.id,
                    's2b2b_roles': ['admin'],
                    'password': values['password'],
                    }])
        Document.create([{**d, 'member': member.id}
                for d in values.get('documents') or []])
        cls.apply([member])
        return member

    @classmethod
    def _check_registration(cls, values):
        pool = Pool()
        WebUser = pool.get('web.user')
        User = pool.get('res.user')
        DocumentType = pool.get('s2b2b.member.document.type')
        for Model, name in [(cls, 'name'), (cls, 'company_code'),
                (cls, 'contact_name'), (cls, 'contact_email'),
                (WebUser, 'password')]:
            if not (values.get(name) or '').strip():
                raise RegistrationError(gettext(
                        's2b2b_platform.msg_register_required',
                        field=Model.fields_get([name])[name]['string']))
        _company_code(values['company_code'])
        User.validate_password(values['password'], [SimpleNamespace(
                    email=values['contact_email'].strip(),
                    name=values['contact_name'].strip())])
        given = {d.get('type') for d in values.get('documents') or []}
        missing = [t for t in DocumentType.mandatory_types(values.get('kind'))
            if t.id not in given]
        if missing:
            raise RegistrationError(gettext(
                    's2b2b_platform.msg_register_documents_missing',
                    documents=', '.join(t.rec_name for t in missing)))

    @classmethod
    def _registration_party(cls, values):
        pool = Pool()
        Party = pool.get('party.party')
        Lang = pool.get('ir.lang')
        code = values.get('language') or Transaction().language
        langs = Lang.search([('code', '=', code)], limit=1)
        party, = Party.create([{
                    'name': values['name'].strip(),
                    'lang': langs[0].id if langs else None,
                    }])
        return party

    @classmethod
    def _log_transition(cls, members, event, reason=None):
        Event = Pool().get('s2b2b.event')
        Event.append([{
                    'event': event,
                    'member': m,
                    'resource': m,
                    'data': {
                        'state': m.state,
                        'reason': reason or m.reason or None,
                        'company_code': m.company_code,
                        },
                    } for m in members])

    @classmethod
    def _require_reason(cls, members):
        for member in members:
            if not (member.reason or '').strip():
                raise ReasonRequired(gettext(
                        's2b2b_platform.msg_member_reason_required',
                        member=member.rec_name))

    @classmethod
    def _close_reason(cls, members):
        for member in members:
            member.state_reason = member.reason.strip()
            member.reason = None
        cls.save(members)

    @classmethod
    @ModelView.button
    @Workflow.transition('applied')
    def apply(cls, members):
        for member in members:
            member.applied_date = dt.datetime.now()
        cls.save(members)
        cls._log_transition(members, 'member.applied')

    @classmethod
    @ModelView.button
    @Workflow.transition('under_review')
    def start_review(cls, members):
        cls._log_transition(members, 'member.under_review')

    @classmethod
    def check_approvable(cls, members):
        for member in members:
            if not member.company_code:
                raise MemberApprovalError(gettext(
                        's2b2b_platform.msg_member_company_code_required',
                        member=member.rec_name))
            if missing := member.missing_document_types():
                raise MemberApprovalError(gettext(
                        's2b2b_platform.msg_member_documents_missing',
                        member=member.rec_name,
                        documents=', '.join(t.rec_name for t in missing)))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, members):
        cls.check_approvable(members)
        for member in members:
            member.approved_date = dt.datetime.now()
            member.approved_by = Transaction().user
        cls.save(members)
        cls._log_transition(members, 'member.approved')
        Pool().get('s2b2b.notification').notify_member_decision(
            members, 'approved')

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def reject(cls, members):
        cls._require_reason(members)
        cls._log_transition(members, 'member.rejected')
        cls._close_reason(members)
        Pool().get('s2b2b.notification').notify_member_decision(
            members, 'rejected')

    @classmethod
    @ModelView.button
    @Workflow.transition('suspended')
    def suspend(cls, members):
        cls._require_reason(members)
        cls._log_transition(members, 'member.suspended')
        cls._close_reason(members)

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def reinstate(cls, members):
        cls.check_approvable(members)
        cls._log_transition(members, 'member.reinstated')

    @classmethod
    @ModelView.button
    @Workflow.transition('terminated')
    def terminate(cls, members):
        cls._require_reason(members)
        cls._log_transition(members, 'member.terminated')
        cls._close_reason(members)


class DocumentType(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 's2b2b.member.document.type'
    _mandatory_cache = Cache(
        's2b2b.member.document.type.mandatory', context=False)

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    mandatory = fields.Boolean(
        "Mandatory", help="A member needs a valid document of this type "
        "to be approved and to stay approved.")
    member_kind = fields.Selection([
            ('all', "All Members"),
            ('supplier', "Suppliers"),
            ('buyer', "Buyers"),
            ], "Required From", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                's2b2b_platform.msg_document_type_code_unique'),
            ]

    @classmethod
    def default_member_kind(cls):
        return 'all'

    @classmethod
    def mandatory_types(cls, kind):
        "The types a member of that kind must hold (cached: every page asks)"
        ids = cls._mandatory_cache.get(kind)
        if ids is None:
            kinds = ['all']
            if kind in {'supplier', 'both'}:
                kinds.append('supplier')
            if kind in {'buyer', 'both'}:
                kinds.append('buyer')
            ids = cls._mandatory_cache.set(kind, [t.id for t in cls.search([
                            ('mandatory', '=', True),
                            ('member_kind', 'in', kinds),
                            ])])
        return cls.browse(ids)

    @classmethod
    def on_modification(cls, mode, types, field_names=None):
        super().on_modification(mode, types, field_names=field_names)
        cls._mandatory_cache.clear()


class Document(ModelSQL, ModelView):
    __name__ = 's2b2b.member.document'

    member = fields.Many2One(
        's2b2b.member', "Member", required=True, ondelete='CASCADE')
    type = fields.Many2One(
        's2b2b.member.document.type', "Type", required=True,
        ondelete='RESTRICT')
    number = fields.Char("Number", required=True)
    issuer = fields.Char("Issuer")
    valid_from = fields.Date("Valid From", required=True,
        domain=[If(Bool(Eval('valid_to')),
                ('valid_from', '<=', Eval('valid_to')), ())])
    valid_to = fields.Date("Valid To",
        domain=[If(Bool(Eval('valid_to')),
                ('valid_to', '>=', Eval('valid_from')), ())],
        help="Leave empty when the document does not expire.")
    file = fields.Binary("File", filename='file_name', file_id='file_id')
    file_id = fields.Char("File ID", readonly=True)
    file_name = fields.Char("File Name")
    status = fields.Function(fields.Selection([
                (None, ""),
                ('valid', "Valid"),
                ('expiring', "Expiring Soon"),
                ('expired', "Expired"),
                ('pending', "Not Yet Valid"),
                ], "Status"), 'get_status', searcher='search_status')
    expiry_warned = fields.Date("Expiry Warned", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.valid_to, Index.Range()),
                where=t.valid_to != Null))
        cls._order = [('valid_to', 'ASC NULLS LAST'), ('id', 'DESC')]
        cls.__access__.add('member')

    def get_rec_name(self, name):
        return f'{self.type.rec_name} {self.number}'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('file'):
            mime = file_type(values['file'])
            if not mime:
                raise DocumentFileError(gettext(
                        's2b2b_platform.msg_document_file_type',
                        file=values.get('file_name') or ''))
            if mode == 'create' or 'file_name' in values:
                values['file_name'] = file_name(values.get('file_name'), mime)
        return values

    def is_valid(self, date):
        return (self.valid_from <= date
            and (not self.valid_to or self.valid_to >= date))

    @staticmethod
    def _warning_limit(date):
        Configuration = Pool().get('s2b2b.configuration')
        days = Configuration(1).expiry_warning_days or 0
        return date + dt.timedelta(days=days)

    @classmethod
    def get_status(cls, documents, name):
        today = Pool().get('ir.date').today()
        limit = cls._warning_limit(today)
        return {d.id: d.status_on(today, limit) for d in documents}

    def status_on(self, today, limit):
        if not self.valid_from:
            return None
        if self.valid_from > today:
            return 'pending'
        if self.valid_to and self.valid_to < today:
            return 'expired'
        if self.valid_to and self.valid_to <= limit:
            return 'expiring'
        return 'valid'

    @classmethod
    def search_status(cls, name, clause):
        today = Pool().get('ir.date').today()
        limit = cls._warning_limit(today)
        domains = {
            'pending': [('valid_from', '>', today)],
            'expired': [('valid_to', '<', today)],
            'expiring': [('valid_from', '<=', today),
                ('valid_to', '>=', today), ('valid_to', '<=', limit)],
            'valid': [('valid_from', '<=', today), ['OR',
                    ('valid_to', '=', None), ('valid_to', '>', limit)]],
            }
        return selection_domain(domains, clause)

    @classmethod
    def validate_fields(cls, documents, field_names):
        super().validate_fields(documents, field_names)
        for document in documents:
            if (document.valid_to
                    and document.valid_to < document.valid_from):
                raise DocumentDateError(gettext(
                        's2b2b_platform.msg_document_dates',
                        document=document.rec_name))

    @classmethod
    def check_expiry(cls, date=None):
        "Warn members ahead of expiry; suspend where mandatory ones expired"
        pool = Pool()
        date = date or pool.get('ir.date').today()
        cls._warn_expiring(date)
        cls._suspend_expired(date)

    @classmethod
    def _warn_expiring(cls, date):
        pool = Pool()
        Notification = pool.get('s2b2b.notification')
        Event = pool.get('s2b2b.event')
        documents = cls.search([
                ('valid_to', '>=', date),
                ('valid_to', '<=', cls._warning_limit(date)),
                ('expiry_warned', '=', None),
                ('member.state', 'in', ['applied', 'under_review',
                        'approved', 'suspended']),
                ])
        Notification.notify_documents_expiring(documents)
        Event.append([{
                    'event': 'document.expiring',
                    'member': d.member,
                    'resource': d,
                    'data': {'number': d.number, 'type': d.type.code,
                        'valid_to': d.valid_to},
                    } for d in documents])
        cls.write(documents, {'expiry_warned': date})

    @classmethod
    def _suspend_expired(cls, date):
        pool = Pool()
        Configuration = pool.get('s2b2b.configuration')
        Member = pool.get('s2b2b.member')
        if not Configuration(1).suspend_on_expiry:
            return
        DocumentType = pool.get('s2b2b.member.document.type')
        mandatory = {k: DocumentType.mandatory_types(k)
            for k, _ in Member.kind.selection}
        to_suspend = []
        for member in Member.search([('state', '=', 'approved')]):
            missing = member.missing_document_types(
                date, mandatory[member.kind])
            if missing:
                member.reason = gettext(
                    's2b2b_platform.msg_member_suspended_expiry',
                    documents=', '.join(t.rec_name for t in missing))
                to_suspend.append(member)
        Member.save(to_suspend)
        Member.suspend(to_suspend)
