# This file is part of the QMS modules for Tryton.
from trytond.model import fields
from trytond.pool import PoolMeta


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    production_date = fields.Date("Production Date")

    def is_sales_stopped(self, date=None):
        "Return True if the lot is under a sales stop (see qms_trace)"
        return False
