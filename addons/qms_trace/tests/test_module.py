# This file is part of the QMS modules for Tryton.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class QmsTraceTestCase(CompanyTestMixin, ModuleTestCase):
    "Test QmsTrace module"
    module = 'qms_trace'


del ModuleTestCase
