# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


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


class TenderError(UserError):
    pass


class TenderOpeningError(TenderError):
    "A tender opened before its opening time"
    pass


class TenderValueError(ValidationError):
    pass


class SealedBidError(AccessError):
    "A sealed bid's content read before its tender is opened"
    pass


class BidError(UserError):
    pass


class BidDeadlineError(BidError):
    "A bid made, changed or submitted when the tender takes no bids"
    pass


class BidChangeError(BidError):
    "A bid changed other than through its own methods, or once submitted"
    pass


class BidContentError(ValidationError):
    pass


class BidIntegrityError(BidError):
    "A sealed bid that does not open or match its committed digest"
class ContractError(UserError):
    pass


class ContractSigningError(ContractError):
    pass


class ContractPasswordError(ContractSigningError):
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


class CartError(OrderError):
    pass
