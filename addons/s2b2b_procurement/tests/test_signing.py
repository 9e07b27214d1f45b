# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import io
import logging
import unittest

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from trytond.modules.s2b2b_procurement import signing

ROLES = ['buyer', 'supplier', 'platform']
BOXES = {
    'buyer': (0, (40, 60, 200, 140)),
    'supplier': (0, (215, 60, 375, 140)),
    'platform': (0, (390, 60, 550, 140)),
    }


def simple_pdf(text="采购合同 Purchase Contract"):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(72, 760, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def append_content(pdf):
    "An incremental update that draws on the first page"
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    stream = writer.add_object(generic.StreamObject(
            stream_data=b'BT /F1 24 Tf 100 500 Td (999 tons) Tj ET'))
    writer.add_stream_to_page(0, stream)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


class SigningTestCase(unittest.TestCase):
    "Platform CA, signer certificates, keys at rest and PAdES signatures"

    @classmethod
    def setUpClass(cls):
        # pyHanko logs each untrusted path with a traceback
        logging.getLogger('pyhanko').setLevel(logging.CRITICAL)
        cls.ca_key, cls.ca = signing.make_ca(
            signing.Identity("S2B2B Platform CA", "S2B2B 供应链平台"))
        cls.signers = {role: signing.issue_certificate(
                cls.ca_key, cls.ca, signing.Identity(
                    name=f"张三 {role}", organization=f"{role} 有限公司",
                    organization_id='91320500000000001X',
                    email=f'{role}@example.com'))
            for role in ROLES}

    def sign_all(self, pdf=None, roles=ROLES):
        pdf = signing.add_signature_fields(pdf or simple_pdf(), BOXES)
        for role in roles:
            key, certificate = self.signers[role]
            pdf = signing.sign_pdf(
                pdf, role, key, certificate, self.ca, role=role)
        return pdf

    def test_ca(self):
        certificate = self.ca
        self.assertEqual(certificate.issuer, certificate.subject)
        constraints = certificate.extensions.get_extension_for_class(
            x509.BasicConstraints).value
        self.assertTrue(constraints.ca)
        self.assertIsInstance(self.ca_key.curve, ec.SECP256R1)
        certificate.verify_directly_issued_by(certificate)

    def test_signer_certificate(self):
        key, certificate = self.signers['buyer']
        subject = certificate.subject

        def value(oid):
            return subject.get_attributes_for_oid(oid)[0].value
        self.assertEqual(value(NameOID.COMMON_NAME), "张三 buyer")
        self.assertEqual(value(NameOID.ORGANIZATION_NAME), "buyer 有限公司")
        self.assertEqual(value(NameOID.ORGANIZATION_IDENTIFIER),
            '91320500000000001X')
        self.assertEqual(value(NameOID.EMAIL_ADDRESS), 'buyer@example.com')
        certificate.verify_directly_issued_by(self.ca)
        self.assertFalse(certificate.extensions.get_extension_for_class(
                x509.BasicConstraints).value.ca)
        self.assertEqual(certificate.public_key(), key.public_key())
        self.assertNotEqual(certificate.serial_number,
            self.signers['supplier'][1].serial_number)

    def test_identity_without_organization(self):
        _, certificate = signing.issue_certificate(
            self.ca_key, self.ca, signing.Identity("平台"))
        self.assertEqual(len(certificate.subject), 1)

    def test_key_at_rest(self):
        key, _ = self.signers['buyer']
        pem = signing.dump_key(key, b'correct horse')
        self.assertIn(b'ENCRYPTED PRIVATE KEY', pem)
        loaded = signing.load_key(pem, 'correct horse')
        self.assertEqual(loaded.public_key(), key.public_key())
        for password in [b'wrong', b'', None]:
            with self.subTest(password=password), \
                    self.assertRaises(signing.WrongPassword):
                signing.load_key(pem, password)
        with self.assertRaises(signing.SigningError):
            signing.dump_key(key, b'')

    def test_certificate_pem(self):
        pem = signing.dump_certificate(self.ca)
        self.assertEqual(signing.load_certificate(pem), self.ca)
        with self.assertRaises(signing.SigningError):
            signing.load_certificate(b'not a certificate')

    def test_three_signatures(self):
        "Buyer, supplier and platform signatures accumulate"
        pdf = signing.add_signature_fields(simple_pdf(), BOXES)
        self.assertEqual(signing.signature_fields(pdf),
            dict.fromkeys(ROLES, False))
        for role in ROLES:
            key, certificate = self.signers[role]
            signed = signing.sign_pdf(pdf, role, key, certificate, self.ca)
            # an incremental revision: what was signed before is kept
            self.assertTrue(signed.startswith(pdf))
            pdf = signed
        self.assertEqual(signing.signature_fields(pdf),
            dict.fromkeys(ROLES, True))
        results = signing.verify_pdf(pdf, self.ca)
        self.assertEqual([r.field for r in results], ROLES)
        for role, result in zip(ROLES, results):
            with self.subTest(role=role):
                self.assertTrue(result.ok)
                self.assertTrue(result.intact and result.valid
                    and result.trusted)
                self.assertFalse(result.changed_after)
                self.assertEqual(result.name, f"张三 {role}")
                self.assertEqual(result.organization_id,
                    '91320500000000001X')
                self.assertEqual(result.serial, signing.serial_hex(
                        self.signers[role][1]))
                self.assertIn('organizationIdentifier=91320500000000001X',
                    result.subject)
                self.assertLess(abs(result.signing_time
                        - dt.datetime.now(dt.timezone.utc)),
                    dt.timedelta(minutes=5))
        self.assertEqual([r.modification for r in results],
            ['form_filling', 'form_filling', 'none'])
        self.assertEqual(results[-1].coverage, 'entire_file')

    def test_field_made_when_missing(self):
        key, certificate = self.signers['buyer']
        pdf = signing.sign_pdf(simple_pdf(), 'buyer', key, certificate,
            self.ca)
        self.assertEqual(signing.signature_fields(pdf), {'buyer': True})
        result, = signing.verify_pdf(pdf, self.ca)
        self.assertTrue(result.ok)

    def test_unsigned(self):
        self.assertEqual(signing.verify_pdf(simple_pdf(), self.ca), [])
        with self.assertRaises(signing.SigningError):
            signing.verify_pdf(b'not a pdf', self.ca)

    def test_flipped_byte(self):
        "A byte changed in the signed range breaks every signature"
        pdf = self.sign_all()
        # the page size is in the first revision, covered by all three
        tampered = pdf.replace(b'595.2756', b'595.2757', 1)
        self.assertNotEqual(tampered, pdf)
        results = signing.verify_pdf(tampered, self.ca)
        self.assertEqual(len(results), 3)
        for result in results:
            self.assertFalse(result.intact)
            self.assertTrue(result.changed_after)
            self.assertFalse(result.ok)

    def test_flipped_byte_last_revision(self):
        "A byte changed in the last revision breaks the last signature"
        pdf = self.sign_all()
        first = signing.verify_pdf(pdf, self.ca)
        self.assertTrue(all(r.ok for r in first))
        # the last digit of the year of the platform signature's /M date,
        # in the revision only the platform signature covers
        marker = b'/M (D\\072'
        index = pdf.rindex(marker) + len(marker) + 3
        tampered = bytearray(pdf)
        tampered[index] = ord('0') if pdf[index] != ord('0') else ord('1')
        results = signing.verify_pdf(bytes(tampered), self.ca)
        self.assertTrue(results[0].intact)
        self.assertFalse(results[-1].intact)
        self.assertFalse(results[-1].ok)

    def test_content_appended(self):
        "An incremental update that draws on the page is a change"
        pdf = append_content(self.sign_all())
        results = signing.verify_pdf(pdf, self.ca)
        self.assertEqual(len(results), 3)
        for result in results:
            self.assertTrue(result.intact)
            self.assertTrue(result.changed_after)
            self.assertEqual(result.modification, 'other')
            self.assertFalse(result.ok)

    def test_content_appended_between_signatures(self):
        "Content changed after the buyer signed, then the others signed"
        pdf = signing.add_signature_fields(simple_pdf(), BOXES)
        key, certificate = self.signers['buyer']
        pdf = append_content(signing.sign_pdf(
                pdf, 'buyer', key, certificate, self.ca))
        for role in ROLES[1:]:
            key, certificate = self.signers[role]
            pdf = signing.sign_pdf(pdf, role, key, certificate, self.ca)
        buyer, supplier, platform = signing.verify_pdf(pdf, self.ca)
        self.assertTrue(buyer.changed_after)
        self.assertFalse(buyer.ok)
        self.assertTrue(supplier.ok)
        self.assertTrue(platform.ok)

    def test_other_ca_untrusted(self):
        other_key, other_ca = signing.make_ca(signing.Identity("Other CA"))
        key, certificate = signing.issue_certificate(
            other_key, other_ca, signing.Identity("Mallory"))
        pdf = signing.sign_pdf(simple_pdf(), 'buyer', key, certificate,
            other_ca)
        result, = signing.verify_pdf(pdf, self.ca)
        self.assertTrue(result.intact)
        self.assertFalse(result.trusted)
        self.assertFalse(result.ok)
        # the same document checked against its own CA is fine
        result, = signing.verify_pdf(pdf, other_ca)
        self.assertTrue(result.ok)

    def test_expired_certificate_untrusted(self):
        key, certificate = signing.issue_certificate(
            self.ca_key, self.ca, signing.Identity("过期"), days=1,
            now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10))
        pdf = signing.sign_pdf(simple_pdf(), 'buyer', key, certificate,
            self.ca)
        result, = signing.verify_pdf(pdf, self.ca)
        self.assertFalse(result.trusted)
        self.assertFalse(result.ok)

    def test_no_fetching(self):
        context = signing.validation_context(self.ca)
        self.assertFalse(context.fetching_allowed)
