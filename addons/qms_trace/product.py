# This file is part of the QMS modules for Tryton.
from trytond.pool import Pool, PoolMeta


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    def is_sales_stopped(self, date=None):
        "Return True if a sales stop covers the whole product on date"
        Stop = Pool().get('qms.sales.stop')
        stops = Stop.search(
            Stop.stopping_domain(date) + [('product', '=', self.id)])
        return (any(s.covers() for s in stops)
            or super().is_sales_stopped(date=date))
