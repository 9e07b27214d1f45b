# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The keys and certificates contracts are signed with, kept encrypted.

The platform CA and the platform's own signing key are encrypted with
keys derived from the server secret (``secret.derive_key``), so that a
copy of the database alone opens neither.  A portal user's key is
encrypted with a key derived from the user's password and the server
secret: signing needs the password again, and a password reset leaves the
old key unopenable, so a new key and certificate are issued."""
import base64
import hashlib
import hmac

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from . import signing
from .exceptions import ContractSigningError
from .secret import derive_key

OWNERS = [
    ('ca', "Platform CA"),
    ('platform', "Platform"),
    ('web_user', "Portal User"),
    ]
CA_NAME = "S2B2B Platform Root CA"


def _passphrase(key):
    return base64.urlsafe_b64encode(key)


def server_passphrase(owner):
    "Passphrase of the CA or platform key, from the server secret"
    return _passphrase(derive_key('signing.key', owner))


def user_passphrase(web_user_id, password):
    "Passphrase of a portal user's key: needs the password and the secret"
    secret = derive_key('signing.key', 'web.user', web_user_id)
    return _passphrase(hmac.new(
            secret, (password or '').encode('utf-8'), hashlib.sha256).digest())


# Tryton names the 统一社会信用代码 type cn_vat (python-stdnum's cn.uscc)
USCC_TYPES = {'cn_vat', 'cn_uscc'}


def company_code(party):
    "The 统一社会信用代码 of a party, from its identifiers"
    for identifier in party.identifiers if party else []:
        if identifier.type in USCC_TYPES:
            return identifier.code
    return None


class SigningKey(ModelSQL, ModelView):
    "Signing Key"
    __name__ = 's2b2b.signing.key'
    _rec_name = 'subject'

    owner = fields.Selection(OWNERS, "Owner", required=True, readonly=True)
    owner_string = owner.translated('owner')
    web_user = fields.Many2One(
        'web.user', "Portal User", readonly=True, ondelete='RESTRICT')
    member = fields.Many2One(
        's2b2b.member', "Member", readonly=True, ondelete='RESTRICT')
    subject = fields.Char("Certificate Subject", readonly=True)
    serial = fields.Char("Certificate Serial", readonly=True)
    certificate = fields.Text("Certificate", readonly=True,
        help="The X.509 certificate (PEM) the platform CA issued.")
    private_key = fields.Text("Private Key", readonly=True,
        help="The private key as encrypted PKCS#8 PEM.")
    valid = fields.Boolean("Valid", readonly=True,
        help="Unchecked: replaced by a newer key (e.g. after a password "
        "reset); signatures made with it stay verifiable.")
    # The CA and platform keys are one per database: a unique value
    # stops two requests from making two at once
    singleton = fields.Char("Singleton", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('singleton_unique', Unique(t, t.singleton),
                's2b2b_procurement.msg_signing_key_singleton'),
            ]
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_valid(cls):
        return True

    def load_key(self, passphrase):
        "The private key; signing.WrongPassword when the passphrase fails"
        return signing.load_key(self.private_key, passphrase)

    def load_certificate(self):
        return signing.load_certificate(self.certificate)

    def _open(self, passphrase):
        "The private key of a key the server secret protects"
        try:
            return self.load_key(passphrase)
        except signing.WrongPassword:
            raise ContractSigningError(gettext(
                    's2b2b_procurement.msg_signing_key_secret'))

    @classmethod
    def _new(cls, owner, key, certificate, passphrase, **values):
        record = cls(owner=owner, subject=certificate.subject.rfc4514_string(
                signing.SUBJECT_NAMES),
            serial=signing.serial_hex(certificate),
            certificate=signing.dump_certificate(certificate).decode(),
            private_key=signing.dump_key(key, passphrase).decode(),
            valid=True, **values)
        record.save()
        return record

    @classmethod
    def _singleton(cls, owner):
        records = cls.search([('singleton', '=', owner)], limit=1)
        return records[0] if records else None

    @classmethod
    @without_check_access
    def ca(cls):
        "(record, key, certificate) of the platform CA, made on first use"
        record = cls._singleton('ca')
        passphrase = server_passphrase('ca')
        if record:
            return record, record._open(passphrase), \
                record.load_certificate()
        company = cls._company()
        key, certificate = signing.make_ca(signing.Identity(
                CA_NAME, company.party.name if company else None,
                company_code(company.party) if company else None))
        record = cls._new('ca', key, certificate, passphrase,
            singleton='ca')
        return record, key, certificate

    @classmethod
    @without_check_access
    def ca_certificate(cls):
        "The certificate of the platform CA, the only trust root"
        record = cls._singleton('ca')
        return record.load_certificate() if record else cls.ca()[2]

    @classmethod
    def _company(cls):
        Company = Pool().get('company.company')
        company_id = Transaction().context.get('company')
        if company_id is not None and company_id >= 0:
            return Company(company_id)
        companies = Company.search([], limit=1, order=[('id', 'ASC')])
        return companies[0] if companies else None

    @classmethod
    @without_check_access
    def platform(cls):
        "(record, key, certificate) the platform signs with"
        record = cls._singleton('platform')
        passphrase = server_passphrase('platform')
        if record:
            return record, record._open(passphrase), \
                record.load_certificate()
        _, ca_key, ca_certificate = cls.ca()
        party = cls._company().party
        key, certificate = signing.issue_certificate(
            ca_key, ca_certificate, signing.Identity(
                party.name, party.name, company_code(party),
                party.email or None))
        record = cls._new('platform', key, certificate, passphrase,
            singleton='platform')
        return record, key, certificate

    @classmethod
    @without_check_access
    def for_web_user(cls, web_user, password, name):
        """(record, key, certificate) of the portal user, opened with the
        password (already checked by the caller); a new key when none
        opens with it (first signature, password reset)"""
        web_user = Pool().get('web.user')(web_user.id)
        passphrase = user_passphrase(web_user.id, password)
        records = cls.search([
                ('owner', '=', 'web_user'),
                ('web_user', '=', web_user.id),
                ('valid', '=', True),
                ])
        for record in records:
            try:
                key = record.load_key(passphrase)
            except signing.WrongPassword:
                continue
            return record, key, record.load_certificate()
        if records:
            cls.write(records, {'valid': False})
        return cls._issue(web_user, passphrase, name)

    @classmethod
    def _issue(cls, web_user, passphrase, name):
        member = web_user.s2b2b_member
        if not member:
            raise ContractSigningError(gettext(
                    's2b2b_procurement.msg_contract_sign_no_member',
                    user=web_user.rec_name))
        _, ca_key, ca_certificate = cls.ca()
        key, certificate = signing.issue_certificate(
            ca_key, ca_certificate, signing.Identity(
                name, member.name, member.company_code, web_user.email))
        record = cls._new('web_user', key, certificate, passphrase,
            web_user=web_user.id, member=member.id)
        return record, key, certificate
