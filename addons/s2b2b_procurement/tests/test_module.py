# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.tests.test_tryton import ModuleTestCase


class ProcurementTestCase(ModuleTestCase):
    "Test the S2B2B procurement module"
    module = 's2b2b_procurement'


del ModuleTestCase
