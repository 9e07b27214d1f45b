# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class ListingError(UserError):
    pass


class ListingTierError(ValidationError):
    pass


class ListingSpecError(ValidationError):
    pass


class ListingValueError(ValidationError):
    pass


class ListingMediaError(ValidationError):
    pass


class PriceChangeError(UserError):
    pass


class SearchError(UserError):
    pass


class ImportFileError(UserError):
    pass
