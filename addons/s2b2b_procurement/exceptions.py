# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class RequirementError(UserError):
    pass


class RfqError(UserError):
    pass


class QuotationError(UserError):
    pass


class OfferError(UserError):
    pass


class ProcurementValueError(ValidationError):
    pass


class ContractError(UserError):
    pass


class ContractSigningError(ContractError):
    pass


class ContractPasswordError(ContractSigningError):
    pass
