# This file is part of the QMS modules for Tryton.
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta

from .sale import transition_allowed


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    production_date = fields.Date("Production Date")

    def is_sales_stopped(self, date=None):
        "Return True if the lot is under a sales stop (see qms_trace)"
        return False


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    @classmethod
    @ModelView.button
    def pack(cls, shipments):
        pool = Pool()
        Checker = pool.get('qms.checker')
        Checker.enforce(transition_allowed(shipments, 'packed'), 'pack')
        super().pack(shipments)

    @classmethod
    @ModelView.button
    def do(cls, shipments):
        pool = Pool()
        Checker = pool.get('qms.checker')
        Checker.enforce(transition_allowed(shipments, 'done'), 'do')
        super().do(shipments)


class ShipmentIn(metaclass=PoolMeta):
    __name__ = 'stock.shipment.in'

    @classmethod
    @ModelView.button
    def receive(cls, shipments):
        pool = Pool()
        Checker = pool.get('qms.checker')
        Checker.enforce(transition_allowed(shipments, 'received'), 'receive')
        super().receive(shipments)

    @classmethod
    @ModelView.button
    def do(cls, shipments):
        pool = Pool()
        Checker = pool.get('qms.checker')
        Checker.enforce(transition_allowed(shipments, 'done'), 'do')
        super().do(shipments)
