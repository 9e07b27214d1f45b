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


class OrderError(UserError):
    pass


class OrderValidationError(OrderError):
    "An order line that cannot be ordered: all the problems in one message"


class StockShortError(OrderError):
    "The stock was taken by other orders in the meantime"


class OrderAccessError(OrderError):
    "A member acting on a document that is not its own, or without the role"


class OrderStateError(OrderError):
    "A step asked for a document in a state that does not allow it"


class ShipmentQuantityError(OrderError):
    pass


class CreditRefusedError(OrderError):
    "The buyer's credit does not cover the order (finance module)"


class OrderChangeError(OrderError):
    pass


class OrderReturnError(OrderError):
    pass
