# This file is part of the QMS modules for Tryton.
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta


class Registration(metaclass=PoolMeta):
    __name__ = 'product.registration'

    def get_references(self):
        pool = Pool()
        references = super().get_references()
        for name in ['qms.sales.record', 'qms.purchase.record']:
            Record = pool.get(name)
            if Record.search([
                        ('registration_number', '=', self.number),
                        ], limit=1):
                references.append(gettext(
                        'qms_trace.msg_registration_records',
                        records=Record.__names__()['model']))
        return references
