# This file is part of the QMS modules for Tryton.
import datetime as dt

from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.qms_sales.registration import validity_state
from trytond.tests.test_tryton import ModuleTestCase


class QmsSalesTestCase(CompanyTestMixin, ModuleTestCase):
    "Test QMS Sales module"
    module = 'qms_sales'

    def test_validity_state(self):
        "Test validity state around the warning window"
        today = dt.date(2026, 1, 1)
        for expiration, revoked, state in [
                (None, False, 'valid'),
                (today + dt.timedelta(days=91), False, 'valid'),
                (today + dt.timedelta(days=90), False, 'expiring'),
                (today, False, 'expiring'),
                (today - dt.timedelta(days=1), False, 'expired'),
                (today + dt.timedelta(days=365), True, 'revoked'),
                ]:
            with self.subTest(expiration=expiration, revoked=revoked):
                self.assertEqual(
                    validity_state(today, expiration, revoked, 90), state)


del ModuleTestCase
