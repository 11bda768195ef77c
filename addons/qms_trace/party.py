# This file is part of the QMS modules for Tryton.
from trytond.model import fields
from trytond.pool import PoolMeta


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    min_shelf_life_days = fields.Integer(
        "Minimum Shelf Life Days",
        domain=['OR',
            ('min_shelf_life_days', '=', None),
            ('min_shelf_life_days', '>=', 0),
            ],
        help="Lots shipped to this customer must have at least "
        "this many days of shelf life left.")
