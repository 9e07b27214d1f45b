# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.pool import PoolMeta
from trytond.transaction import Transaction, without_check_access


class Notification(metaclass=PoolMeta):
    __name__ = 's2b2b.notification'

    @classmethod
    def told(cls, member, kind, resource, **params):
        """The notification of the member: subject and body from the
        messages s2b2b_procurement.msg_<kind>_subject/_body, in the
        language of the member's party"""
        key = kind.replace('.', '_')
        lang = member.party.lang
        with Transaction().set_context(
                language=lang.code if lang else Transaction().language):
            return cls(member=member, kind=kind, resource=resource,
                subject=gettext(
                    f's2b2b_procurement.msg_{key}_subject', **params),
                body=gettext(f's2b2b_procurement.msg_{key}_body', **params))

    @classmethod
    def notify_platform(cls, notifications):
        "Notifications the platform sends, whoever's request made them"
        with without_check_access():
            cls.notify(notifications)

    @classmethod
    def notify_rfq_sent(cls, rfqs):
        cls.notify_platform([cls.told(i.supplier, 'rfq.invited', rfq,
                    rfq=rfq.number, title=rfq.title,
                    buyer=rfq.buyer.rec_name,
                    deadline=rfq.deadline.strftime('%Y-%m-%d %H:%M'))
                for rfq in rfqs for i in rfq.invitations])

    @classmethod
    def notify_rfq_deadline(cls, invitations):
        cls.notify_platform([cls.told(i.supplier, 'rfq.deadline', i.rfq,
                    rfq=i.rfq.number, title=i.rfq.title,
                    deadline=i.rfq.deadline.strftime('%Y-%m-%d %H:%M'))
                for i in invitations])

    @classmethod
    def notify_rfq_offer(cls, offer):
        quotation = offer.line.quotation
        other = (quotation.supplier if offer.side == 'buyer'
            else quotation.rfq.buyer)
        cls.notify_platform([cls.told(other, f'rfq.offer_{offer.action}',
                    quotation.rfq, rfq=quotation.rfq.number,
                    line=offer.line.rfq_line.description,
                    price=str(offer.unit_price or ''))])
