# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import hmac
from types import SimpleNamespace

from trytond import config
from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.web_user.exceptions import UserValidationError
from trytond.pool import Pool, PoolMeta
from trytond.tools.email_ import normalize_email
from trytond.transaction import Transaction, without_check_access

from .emails import is_email
from .exceptions import PortalUserError
from .notification import send_email

ROLES = [
    ('admin', "Administrator"),
    ('sales', "Sales"),
    ('purchaser', "Purchaser"),
    ('approver', "Approver"),
    ('finance', "Finance"),
    ('warehouse', "Warehouse"),
    ]
# A new password link is not sent again sooner, so that asking for links
# cannot flood a mailbox
LINK_RESEND_DELAY = dt.timedelta(minutes=5)


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

    @classmethod
    def check_valid_email(cls, users, fields_names=None):
        super().check_valid_email(users, fields_names)
        if fields_names and 'email' not in fields_names:
            return
        for user in users:
            if user.email and not is_email(user.email):
                raise UserValidationError(gettext(
                        'web_user.msg_user_email_invalid',
                        user=user.rec_name, email=user.email))

    @classmethod
    def check_email_free(cls, emails, users=None):
        "Refuse addresses that active users other than users already have"
        emails = [normalize_email(e).lower() for e in emails if e]
        with without_check_access():
            taken = cls.search([
                    ('email', 'in', emails),
                    ('id', 'not in', [u.id for u in users or []]),
                    ], limit=1)
        if taken:
            raise PortalUserError(gettext(
                    's2b2b_platform.msg_web_user_email_used',
                    email=taken[0].email))

    @classmethod
    def check_roles(cls, roles):
        known = {r for r, _ in ROLES}
        if not roles or not set(roles) <= known:
            raise PortalUserError(
                gettext('s2b2b_platform.msg_web_user_roles_required'))

    @classmethod
    def check_member_admins(cls, members):
        "Each member keeps an active administrator to manage its users"
        for member in members:
            users = cls.search([('s2b2b_member', '=', member.id)])
            if not any(u.has_role('admin') for u in users):
                raise PortalUserError(gettext(
                        's2b2b_platform.msg_web_user_last_admin',
                        member=member.rec_name))

    @classmethod
    def invite(cls, member, email, roles, url, by=None):
        """Create an active portal user of the member without password.

        It is e-mailed a link to url (the page where it chooses its
        password with set_portal_password), valid as long as a password
        reset link.
        """
        cls.check_roles(roles)
        cls.check_email_free([email])
        user, = cls.create([{
                    'email': email, 's2b2b_member': member.id,
                    's2b2b_roles': sorted(set(roles)),
                    }])
        cls.send_password_link([user], url, invitation=True)
        cls._log_change([user], 'web_user.invited', by)
        return user

    @classmethod
    def set_member_roles(cls, users, roles, by=None):
        cls.check_roles(roles)
        cls.write(users, {'s2b2b_roles': sorted(set(roles))})
        cls.check_member_admins({u.s2b2b_member for u in users})
        cls._log_change(users, 'web_user.roles_changed', by)

    @classmethod
    def set_member_active(cls, users, active, by=None):
        "Deactivate or reactivate users; by may not deactivate itself"
        if not active and by in users:
            raise PortalUserError(
                gettext('s2b2b_platform.msg_web_user_deactivate_self'))
        if active:
            cls.check_email_free([u.email for u in users], users)
        cls.write(users, {'active': active})
        cls.check_member_admins({u.s2b2b_member for u in users})
        cls._log_change(users,
            'web_user.reactivated' if active else 'web_user.deactivated', by)

    @classmethod
    def _log_change(cls, users, event, by):
        Event = Pool().get('s2b2b.event')
        Event.append([{
                    'event': event,
                    'member': u.s2b2b_member,
                    'resource': u,
                    'data': {
                        'email': u.email, 'roles': u.s2b2b_roles,
                        'active': u.active, 'by': by.email if by else None,
                        },
                    } for u in users])

    @classmethod
    def request_password_reset(cls, email, url):
        """E-mail a link to url to choose a new password when email is a
        portal user's; tell nothing either way"""
        email = normalize_email((email or '').strip()).lower()
        users = cls.search([
                ('email', '=', email),
                ('s2b2b_member', '!=', None),
                ('s2b2b_member.state', '!=', 'terminated'),
                ]) if email else []
        cls.send_password_link(users, url)

    @classmethod
    def send_password_link(cls, users, url, invitation=False):
        "E-mail users a link to choose their password (reset token)"
        users = [u for u in users if invitation or not u._link_just_sent()]
        for user in users:
            user.set_reset_password_token()
        cls.save(users)
        for user in users:
            send_email([user.email], *user._password_link_email(
                    url, invitation))

    def _link_just_sent(self):
        expire = self.reset_password_token_expire
        lifetime = dt.timedelta(seconds=config.getint(
                'session', 'web_timeout_reset', default=24 * 60 * 60))
        return bool(expire
            and expire - lifetime > dt.datetime.now() - LINK_RESEND_DELAY)

    def _password_link_email(self, url, invitation):
        "Return the subject and body of the e-mail, in the user's language"
        kind = 'invitation' if invitation else 'password_reset'
        hours = (self.reset_password_token_expire
            - dt.datetime.now()).total_seconds() / 3600
        languages = self.languages
        with Transaction().set_context(language=languages[0].code
                if languages else Transaction().language):
            variables = {
                'email': self.email, 'hours': round(hours),
                'url': self.get_email_reset_password_url(url),
                'member': self.s2b2b_member.rec_name
                if self.s2b2b_member else '',
                }
            return (
                gettext(f's2b2b_platform.msg_{kind}_subject', **variables),
                gettext(f's2b2b_platform.msg_{kind}_body', **variables))

    @classmethod
    def password_link_valid(cls, email, token):
        "Tell whether a password link can still be used; change nothing"
        if not email or not token:
            return False
        users = cls.search([('email', '=', email.lower())], limit=1)
        if not users or not users[0].reset_password_token:
            return False
        user, = users
        return (hmac.compare_digest(
                user.reset_password_token.encode(), token.encode())
            and user.reset_password_token_expire > dt.datetime.now())

    @classmethod
    def set_portal_password(cls, email, token, password):
        """Set the password of the user a link was sent to.

        Returns False when the link is wrong or expired; raises when the
        password is refused.  Other sessions of the user end.
        """
        pool = Pool()
        User = pool.get('res.user')
        Session = pool.get('web.user.session')
        if not email or not token:
            return False
        User.validate_password(password, [SimpleNamespace(email=email)])
        if not cls.set_password_token(email, token, password):
            return False
        users = cls.search([('email', '=', email.lower())])
        Session.delete(Session.search([('user', 'in', [u.id for u in users])]))
        # The link reached the address: it is valid
        cls.write(users, {'email_valid': True})
        return True
