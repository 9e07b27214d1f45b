# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from email.message import EmailMessage

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction


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
                send_message_transactional(notification.email(to))

    def email(self, to):
        msg = EmailMessage()
        msg['From'] = config.get('email', 'from')
        msg['To'] = ', '.join(to)
        msg['Subject'] = self.subject
        msg.set_content(self.body or self.subject)
        return msg

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
