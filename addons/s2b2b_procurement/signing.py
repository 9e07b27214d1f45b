# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The platform's certificates and the PAdES signatures of its contracts.

A platform CA (an EC P-256 root key and its self-signed certificate)
issues the certificates of the people who sign for members and of the
platform itself.  Private keys leave memory only encrypted.  Each
signature is an incremental revision of the PDF, so the buyer's,
supplier's and platform's signatures accumulate; verification trusts the
platform CA only, fetches nothing (no timestamp authority, no revocation
service: the platform is the only issuer) and tells whether anything but
signatures changed after each one.  Everything here works in memory,
without a database."""
import datetime as dt
import io
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

CA_DAYS = 20 * 365
SIGNER_DAYS = 3 * 365
# Clocks of the machines that check a certificate may run a little behind
BACKDATE = dt.timedelta(minutes=5)
# Modifications a later signature makes to an earlier one's document
SIGNATURE_LEVELS = {
    ModificationLevel.NONE, ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING}
COVERAGES = {
    SignatureCoverageLevel.ENTIRE_FILE: 'entire_file',
    SignatureCoverageLevel.ENTIRE_REVISION: 'entire_revision',
    SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: 'partial',
    SignatureCoverageLevel.UNCLEAR: 'unclear',
    }
SUBJECT_NAMES = {
    NameOID.ORGANIZATION_IDENTIFIER: 'organizationIdentifier',
    NameOID.EMAIL_ADDRESS: 'emailAddress',
    }
# The stamp's built-in font has no Chinese glyphs: names are printed by
# the contract itself, the stamp says what the signature is
STAMP_TEXT = "Digitally signed (%(role)s)\n%(ts)s\nSerial %(serial)s"


class SigningError(Exception):
    "A key, certificate or document that cannot be used"


class WrongPassword(SigningError):
    "The password does not open the private key"


@dataclass(frozen=True)
class Identity:
    "Who a certificate is issued to"
    name: str
    organization: str | None = None
    organization_id: str | None = None  # 统一社会信用代码
    email: str | None = None

    def x509_name(self):
        attributes = [x509.NameAttribute(NameOID.COMMON_NAME, self.name)]
        if self.organization:
            attributes.append(x509.NameAttribute(
                    NameOID.ORGANIZATION_NAME, self.organization))
        if self.organization_id:
            attributes.append(x509.NameAttribute(
                    NameOID.ORGANIZATION_IDENTIFIER, self.organization_id))
        if self.email:
            attributes.append(x509.NameAttribute(
                    NameOID.EMAIL_ADDRESS, self.email))
        return x509.Name(attributes)


@dataclass(frozen=True)
class SignatureResult:
    "What the verification of one signature found"
    field: str
    subject: str
    name: str | None
    organization: str | None
    organization_id: str | None
    email: str | None
    serial: str
    signing_time: dt.datetime | None
    intact: bool
    valid: bool
    trusted: bool
    coverage: str
    modification: str
    changed_after: bool

    @property
    def ok(self):
        return (self.intact and self.valid and self.trusted
            and not self.changed_after)


def new_key():
    return ec.generate_private_key(ec.SECP256R1())


def dump_key(key, password):
    "The private key as encrypted PKCS#8 PEM"
    if not password:
        raise SigningError("a private key is never stored unencrypted")
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_bytes(password)))


def load_key(pem, password):
    "The private key of the encrypted PEM; WrongPassword when it fails"
    try:
        return serialization.load_pem_private_key(
            _bytes(pem), password=_bytes(password))
    except (TypeError, ValueError) as exception:
        raise WrongPassword("the password does not open the key") \
            from exception


def dump_certificate(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM)


def load_certificate(pem):
    try:
        return x509.load_pem_x509_certificate(_bytes(pem))
    except ValueError as exception:
        raise SigningError("not a PEM certificate") from exception


def _bytes(value):
    return value.encode('utf-8') if isinstance(value, str) else value


def serial_hex(certificate):
    return format(certificate.serial_number, 'X')


def _builder(subject, issuer, public_key, days, now):
    now = now or dt.datetime.now(dt.timezone.utc)
    return (x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                public_key), critical=False))


def make_ca(identity, days=CA_DAYS, now=None):
    "(key, self-signed certificate) of a new root CA"
    key = new_key()
    name = identity.x509_name()
    certificate = (_builder(name, name, key.public_key(), days, now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0),
            critical=True)
        .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False,
                key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256()))
    return key, certificate


def issue_certificate(ca_key, ca_certificate, identity, days=SIGNER_DAYS,
        now=None):
    "(key, certificate) of a new signer of documents, issued by the CA"
    key = new_key()
    builder = (_builder(identity.x509_name(), ca_certificate.subject,
            key.public_key(), days, now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None),
            critical=True)
        .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True,
                key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False))
    if identity.email:
        builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.RFC822Name(identity.email)]), critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def _asn1_certificate(certificate):
    return asn1_x509.Certificate.load(
        certificate.public_bytes(serialization.Encoding.DER))


def _asn1_key(key):
    return asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))


def _reader(pdf):
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except Exception as exception:
        raise SigningError("not a readable PDF") from exception


def add_signature_fields(pdf, boxes):
    """The PDF with an empty signature field per box:
    {name: (page index, (x1, y1, x2, y2))}"""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    for name, (page, box) in boxes.items():
        fields.append_signature_field(writer, fields.SigFieldSpec(
                sig_field_name=name, on_page=page,
                box=tuple(int(round(c)) for c in box)))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def sign_pdf(pdf, field, key, certificate, ca_certificate, role=None,
        reason=None, location=None):
    """The PDF with a PAdES signature (SHA-256) in the field, appended as
    an incremental revision; the field is made (invisible) if missing"""
    signer = signers.SimpleSigner(
        signing_cert=_asn1_certificate(certificate),
        signing_key=_asn1_key(key),
        cert_registry=SimpleCertificateStore.from_certs(
            [_asn1_certificate(ca_certificate)]))
    metadata = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm='sha256',
        subfilter=fields.SigSeedSubFilter.PADES, reason=reason,
        location=location)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    new_field = None
    if not any(name == field
            for name, _, _ in fields.enumerate_sig_fields(writer)):
        new_field = fields.SigFieldSpec(sig_field_name=field)
    pdf_signer = signers.PdfSigner(metadata, signer,
        stamp_style=TextStampStyle(
            stamp_text=STAMP_TEXT, background=None, border_width=1),
        new_field_spec=new_field)
    output = pdf_signer.sign_pdf(writer, appearance_text_params={
            'role': role or field, 'serial': serial_hex(certificate)})
    return output.getvalue()


def signature_fields(pdf):
    "{field name: filled} of the PDF's signature fields"
    return {name: value is not None
        for name, value, _ in fields.enumerate_sig_fields(_reader(pdf))}


def validation_context(ca_certificate):
    "The platform CA as the only trust root, nothing fetched"
    return ValidationContext(
        trust_roots=[_asn1_certificate(ca_certificate)],
        allow_fetching=False, revocation_mode='soft-fail')


def verify_pdf(pdf, ca_certificate):
    "A SignatureResult per signature of the PDF, in signing order"
    reader = _reader(pdf)
    results = []
    for embedded in reader.embedded_signatures:
        try:
            status = validate_pdf_signature(
                embedded, validation_context(ca_certificate))
        except (SignatureValidationError, PdfError, ValueError) as e:
            results.append(_broken_result(embedded, e))
        else:
            results.append(_result(embedded, status))
    return results


def _broken_result(embedded, exception):
    "The result of a signature too damaged to be checked"
    try:
        certificate = x509.load_der_x509_certificate(
            embedded.signer_cert.dump())
    except Exception:
        certificate = None
    subject = certificate.subject if certificate else x509.Name([])
    return SignatureResult(
        field=embedded.field_name,
        subject=subject.rfc4514_string(SUBJECT_NAMES),
        name=_name_value(subject, NameOID.COMMON_NAME),
        organization=_name_value(subject, NameOID.ORGANIZATION_NAME),
        organization_id=_name_value(
            subject, NameOID.ORGANIZATION_IDENTIFIER),
        email=_name_value(subject, NameOID.EMAIL_ADDRESS),
        serial=serial_hex(certificate) if certificate else '',
        signing_time=None, intact=False, valid=False, trusted=False,
        coverage='unclear', modification='unknown', changed_after=True)


def _name_value(name, oid):
    values = [a.value for a in name.get_attributes_for_oid(oid)]
    return values[0] if values else None


def _changed_after(embedded, status):
    "Whether anything but (other) signatures changed after the signature"
    if not status.intact:
        # the signed bytes no longer match the signed digest
        return True
    if status.coverage not in {
            SignatureCoverageLevel.ENTIRE_FILE,
            SignatureCoverageLevel.ENTIRE_REVISION}:
        return True
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    if not isinstance(status.diff_result, DiffResult):
        return True
    if status.modification_level not in SIGNATURE_LEVELS:
        return True
    # Filling a form field is only allowed for signature fields
    names = {n for n, _, _ in fields.enumerate_sig_fields(embedded.reader)}
    return not set(status.diff_result.changed_form_fields) <= names


def _result(embedded, status):
    certificate = x509.load_der_x509_certificate(status.signing_cert.dump())
    subject = certificate.subject
    level = status.modification_level
    return SignatureResult(
        field=embedded.field_name,
        subject=subject.rfc4514_string(SUBJECT_NAMES),
        name=_name_value(subject, NameOID.COMMON_NAME),
        organization=_name_value(subject, NameOID.ORGANIZATION_NAME),
        organization_id=_name_value(
            subject, NameOID.ORGANIZATION_IDENTIFIER),
        email=_name_value(subject, NameOID.EMAIL_ADDRESS),
        serial=serial_hex(certificate),
        signing_time=embedded.self_reported_timestamp,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        coverage=COVERAGES.get(status.coverage, 'unclear'),
        modification=level.name.lower() if level else 'unknown',
        changed_after=_changed_after(embedded, status))
