# This file is part of the QMS modules for Tryton.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class QmsAftersalesTestCase(CompanyTestMixin, ModuleTestCase):
    "Test QmsAftersales module"
    module = 'qms_aftersales'


del ModuleTestCase
