# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class InvalidCompanyCode(ValidationError):
    pass


class DuplicateMember(ValidationError):
    pass


class DocumentDateError(ValidationError):
    pass


class MemberApprovalError(UserError):
    pass


class ReasonRequired(UserError):
    pass


class EventLogReadOnly(AccessError):
    pass


class RecordNotFound(UserError):
    "A record is unknown or belongs to another tenant: the same answer"
    pass


class TenantContextError(UserError):
    pass


class DocumentFileError(ValidationError):
    pass


class RegistrationError(UserError):
    pass


class ContactEmailError(ValidationError):
    pass


class PortalUserError(UserError):
    "A change of portal users that would lock the member out"
    pass
