# This file is part of the QMS modules for Tryton.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('qms.expiry.reminder|generate', "Generate Expiry Reminders"))
