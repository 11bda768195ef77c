# This file is part of the QMS modules for Tryton.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    storage_conditions = fields.Char("Storage Conditions",
        help="Printed on the delivery note, e.g. 2-8 °C, keep dry.")


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    device_model = fields.Char("Device Model",
        help="The model (型号) of the device as registered.")
    device_specification = fields.Char("Device Specification",
        help="The specification (规格) of the device as registered.")

    def is_sales_stopped(self, date=None):
        "Return True if a sales stop covers the whole product on date"
        Stop = Pool().get('qms.sales.stop')
        stops = Stop.search(
            Stop.stopping_domain(date) + [('product', '=', self.id)])
        return (any(s.covers() for s in stops)
            or super().is_sales_stopped(date=date))
