# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta

ROLES = [
    ('admin', "Administrator"),
    ('sales', "Sales"),
    ('purchaser', "Purchaser"),
    ('approver', "Approver"),
    ('finance', "Finance"),
    ('warehouse', "Warehouse"),
    ]


class User(metaclass=PoolMeta):
    __name__ = 'web.user'

    s2b2b_member = fields.Many2One(
        's2b2b.member', "Member", ondelete='RESTRICT',
        help="The platform member this portal user works for.")
    s2b2b_roles = fields.MultiSelection(ROLES, "Member Roles",
        help="What the user may do in the portal for its member.")

    @fields.depends('s2b2b_member', '_parent_s2b2b_member.party', 'party')
    def on_change_s2b2b_member(self):
        if self.s2b2b_member:
            self.party = self.s2b2b_member.party

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Member = pool.get('s2b2b.member')
        values = super().preprocess_values(mode, values)
        if values.get('s2b2b_member'):
            # The user acts for its member's party, nobody else's
            member = Member(values['s2b2b_member'])
            values['party'] = member.party.id
        return values

    def has_role(self, role):
        return role in (self.s2b2b_roles or ())
