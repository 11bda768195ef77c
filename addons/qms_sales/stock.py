# This file is part of the QMS modules for Tryton.
from trytond.model import fields
from trytond.pool import PoolMeta


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    production_date = fields.Date("Production Date")
