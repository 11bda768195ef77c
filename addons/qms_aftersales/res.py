# This file is part of the QMS modules for Tryton.
from trytond.cache import Cache
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    qms_units = fields.Many2Many(
        'qms.service.unit-res.user', 'user', 'unit', "Service Units",
        help="The after-sales service units the user works for.")
    _get_qms_units_cache = Cache(
        __name__ + '.get_qms_units', context=False)

    @classmethod
    def get_qms_units(cls):
        "Return the ids of the service units of the current user"
        pool = Pool()
        UnitUser = pool.get('qms.service.unit-res.user')
        user = Transaction().user
        units = cls._get_qms_units_cache.get(user)
        if units is not None:
            return units
        table = UnitUser.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.unit, where=table.user == user))
        units = tuple(sorted(u for u, in cursor))
        return cls._get_qms_units_cache.set(user, units)
