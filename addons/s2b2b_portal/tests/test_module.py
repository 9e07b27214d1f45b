# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.tests.test_tryton import ModuleTestCase


class S2B2BPortalTestCase(ModuleTestCase):
    "Test S2B2B Portal module"
    module = 's2b2b_portal'


del ModuleTestCase
