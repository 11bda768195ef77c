# This file is part of the QMS modules for Tryton.
import datetime as dt

from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta

from .exceptions import ShelfLifeError


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    @property
    def shelf_life_end(self):
        "The date after which the lot may no longer be sold or used"
        dates = [d for d in [
                self.expiration_date, self.shelf_life_expiration_date] if d]
        return min(dates) if dates else None


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @property
    def shelf_life_customer(self):
        if (self.shipment
                and self.shipment.__name__ == 'stock.shipment.out'):
            return self.shipment.customer

    def get_min_shelf_life(self):
        """Return the minimum remaining shelf life in days required for the
        move and the translated text of where it comes from"""
        template = self.product.template
        customer = self.shelf_life_customer
        required, source = None, None
        if template.min_shelf_life_days is not None:
            required = template.min_shelf_life_days
            source = gettext('qms_trace.msg_shelf_life_source_product',
                product=self.product.rec_name)
        if (customer and customer.min_shelf_life_days is not None
                and (required is None
                    or customer.min_shelf_life_days > required)):
            required = customer.min_shelf_life_days
            source = gettext('qms_trace.msg_shelf_life_source_customer',
                customer=customer.rec_name)
        return required, source

    def shelf_life_remaining(self, lot=None, date=None):
        "Return the days of shelf life left to the lot on date"
        Date = Pool().get('ir.date')
        lot = lot or self.lot
        if not lot or not lot.shelf_life_end:
            return None
        date = date or self.effective_date or Date.today()
        return (lot.shelf_life_end - date).days

    def shelf_life_satisfied(self, lot=None):
        required, _ = self.get_min_shelf_life()
        remaining = self.shelf_life_remaining(lot)
        return required is None or remaining is None or remaining >= required

    @classmethod
    def check_shelf_life(cls, moves):
        for move in moves:
            customer = move.shelf_life_customer
            if not move.lot or not customer or move.shelf_life_satisfied():
                continue
            required, source = move.get_min_shelf_life()
            raise ShelfLifeError(gettext(
                    'qms_trace.msg_shelf_life_too_short',
                    lot=move.lot.rec_name,
                    product=move.product.rec_name,
                    remaining=move.shelf_life_remaining(),
                    required=required,
                    source=source,
                    shipment=move.shipment.rec_name,
                    customer=customer.rec_name))

    @classmethod
    def assign(cls, moves):
        cls.check_shelf_life(moves)
        super().assign(moves)

    @property
    def to_check_expiration(self):
        # Tryton blocks lots past their shelf life date; a device must not
        # leave past its expiry date (有效期) either
        return super().to_check_expiration or bool(
            self.lot and self.lot.expiration_date and self.effective_date
            and self.effective_date > self.lot.expiration_date)

    @property
    def fefo(self):
        "Tell if lots must be proposed first expired, first out"
        return (not self.lot
            and self.shelf_life_customer is not None
            and self.from_location.type == 'storage')

    @classmethod
    def assign_try(
            cls, moves, with_childs=True, grouping=('product',), pblc=None):
        if 'lot' in grouping or pblc is not None:
            return super().assign_try(
                moves, with_childs=with_childs, grouping=grouping, pblc=pblc)
        fefo = [m for m in moves if m.fefo]
        others = [m for m in moves if not m.fefo]
        success = super().assign_try(
            fefo, with_childs=with_childs, grouping=grouping + ('lot',))
        success &= super().assign_try(
            others, with_childs=with_childs, grouping=grouping)
        return success

    def sort_quantities(self, quantities, locations, grouping):
        pool = Pool()
        Lot = pool.get('stock.lot')
        quantities = super().sort_quantities(quantities, locations, grouping)
        if 'lot' not in grouping or not self.fefo:
            return quantities
        index = grouping.index('lot') + 1
        lots = {l.id: l for l in Lot.browse(
                {k[index] for k, _ in quantities if k[index] is not None})}
        date = self.planned_date or Pool().get('ir.date').today()
        stopped = set(Lot.get_sales_stopped(list(lots.values()), date))

        def usable(item):
            lot = lots.get(item[0][index])
            return lot is None or (
                lot not in stopped and self.shelf_life_satisfied(lot))

        def expiry(item):
            lot = lots.get(item[0][index])
            return (lot is None, lot and lot.shelf_life_end or dt.date.max)
        return sorted(filter(usable, quantities), key=expiry)


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    @classmethod
    def pack(cls, shipments):
        Move = Pool().get('stock.move')
        Move.check_shelf_life(
            [m for s in shipments
                for m in s.inventory_moves + s.outgoing_moves
                if m.state not in {'cancelled', 'done'}])
        super().pack(shipments)

    @classmethod
    def do(cls, shipments):
        Move = Pool().get('stock.move')
        Move.check_shelf_life(
            [m for s in shipments for m in s.outgoing_moves
                if m.state != 'cancelled'])
        super().do(shipments)
