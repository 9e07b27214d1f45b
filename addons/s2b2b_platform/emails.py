# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"What an e-mail address must look like before anything is sent to it"


def is_email(value):
    """Tell whether value has the shape of an e-mail address: one @, a
    local part, a dotted domain, no blanks.

    trytond's validate_email checks much more when the email-validator
    package is installed and nothing when it is not: this always holds.
    """
    value = value or ''
    local, at, domain = value.rpartition('@')
    labels = domain.split('.')
    return bool(at and local and '@' not in local and len(labels) > 1
        and all(labels) and not any(c.isspace() for c in value))
