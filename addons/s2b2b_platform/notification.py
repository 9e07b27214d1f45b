# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from email.message import EmailMessage

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction, without_check_access


def make_email(to, subject, body):
    "Return a plain text e-mail from the platform"
    msg = EmailMessage()
    msg['From'] = config.get('email', 'from')
    msg['To'] = ', '.join(to)
    msg['Subject'] = subject
    msg.set_content(body or subject)
    return msg


def send_email(to, subject, body):
    "E-mail people of members once the transaction commits"
    send_message_transactional(make_email(to, subject, body))


class Notification(ModelSQL, ModelView):
    "What a member's portal users are told: shown on their home page"
    __name__ = 's2b2b.notification'

    member = fields.Many2One(
        's2b2b.member', "Member", required=True, ondelete='CASCADE',
        readonly=True)
    kind = fields.Char("Kind", required=True, readonly=True)
    subject = fields.Char("Subject", required=True, readonly=True)
    body = fields.Text("Body", readonly=True)
    resource = fields.Reference(
        "Resource", selection='get_resources', readonly=True)
    seen = fields.Boolean("Read")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.member, Index.Range()), (t.seen, Index.Equality()),
                (t.id, Index.Range(order='DESC'))))
        cls._order = [('id', 'DESC')]
        cls.__access__.add('member')

    @classmethod
    def get_resources(cls):
        Model = Pool().get('ir.model')
        return [(None, '')] + Model.get_name_items()

    @classmethod
    def default_seen(cls):
        return False

    @classmethod
    def recipients(cls, member):
        "E-mail addresses of the member's administrators"
        emails = [u.email for u in member.web_users
            if u.active and u.email and 'admin' in (u.s2b2b_roles or [])]
        if not emails and member.contact_email:
            emails = [member.contact_email]
        return emails

    @classmethod
    def notify(cls, notifications):
        "Save the notifications and e-mail them after commit"
        cls.save(notifications)
        for notification in notifications:
            if to := cls.recipients(notification.member):
                send_email(to, notification.subject, notification.body)

    @classmethod
    def notify_documents_expiring(cls, documents):
        notifications = []
        for document in documents:
            with Transaction().set_context(
                    language=document.member.party.lang.code
                    if document.member.party.lang else None):
                notifications.append(cls(
                        member=document.member,
                        kind='document.expiring',
                        resource=document,
                        subject=gettext(
                            's2b2b_platform.msg_document_expiring_subject',
                            document=document.rec_name),
                        body=gettext(
                            's2b2b_platform.msg_document_expiring_body',
                            document=document.rec_name,
                            date=document.valid_to.isoformat())))
        cls.notify(notifications)

    @classmethod
    def notify_member_decision(cls, members, decision):
        """Tell applicants the outcome of their application, in the
        language of their party: decision is 'approved' or 'rejected'"""
        notifications = []
        for member in members:
            lang = member.party.lang
            with Transaction().set_context(
                    language=lang.code if lang else Transaction().language):
                notifications.append(cls(
                        member=member, kind=f'member.{decision}',
                        resource=member,
                        subject=gettext(
                            f's2b2b_platform.msg_member_{decision}_subject'),
                        body=gettext(
                            f's2b2b_platform.msg_member_{decision}_body',
                            member=member.rec_name,
                            reason=member.state_reason or '')))
        # Operators decide; the notification is the platform's, not theirs
        with without_check_access():
            cls.notify(notifications)
