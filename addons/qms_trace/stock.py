# This file is part of the QMS modules for Tryton.
from sql import Null

from trytond.model import Index, fields
from trytond.pool import PoolMeta


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    udi = fields.Char("UDI", readonly=True,
        help="The Unique Device Identifier scanned for the move.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.lot, Index.Range()), where=t.lot != Null),
                })
