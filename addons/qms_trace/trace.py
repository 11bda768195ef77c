# This file is part of the QMS modules for Tryton.
from collections import defaultdict

from sql import Literal, Null, With
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case, Coalesce

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONEncoder
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

LINK_KINDS = [
    ('kit', "Kit"),
    ('production', "Production"),
    ('relabel', "Relabelling"),
    ('split', "Lot Split"),
    ]


def _instance(reference):
    "Return the record of a reference value"
    if not reference or ',' not in reference:
        return None
    model, id_ = reference.split(',', 1)
    return Pool().get(model)(int(id_))


class LotLink(ModelSQL, ModelView):
    "Lot Link"
    __name__ = 'qms.lot.link'

    parent_lot = fields.Many2One('stock.lot', "Parent Lot", required=True,
        ondelete='RESTRICT',
        help="The lot that was used, split or relabelled.")
    child_lot = fields.Many2One('stock.lot', "Child Lot", required=True,
        ondelete='RESTRICT',
        help="The lot made from the parent lot.")
    kind = fields.Selection(LINK_KINDS, "Kind", required=True)
    date = fields.Date("Date")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.parent_lot, Index.Range())),
                Index(t, (t.child_lot, Index.Range())),
                })


class Trace(ModelView):
    "Lot Trace"
    __name__ = 'qms.trace'

    @classmethod
    def _lot_closure(cls, lot_ids, direction):
        "Return a recursive CTE of the lots linked to lot_ids"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Link = pool.get('qms.lot.link')
        lot = Lot.__table__()
        link = Link.__table__()
        closure = With('lot', recursive=True)
        if direction == 'downstream':
            source, target = link.parent_lot, link.child_lot
        else:
            source, target = link.child_lot, link.parent_lot
        closure.query = lot.select(
            lot.id.as_('lot'), where=reduce_ids(lot.id, lot_ids))
        closure.query |= link.join(closure,
            condition=source == closure.lot).select(target.as_('lot'))
        return closure

    @classmethod
    def downstream_query(cls, lot_ids):
        """Return the query of the customer moves of the downstream
        closure of lot_ids with columns: move, lot, product, customer,
        address, quantity (signed, in the product's default unit), date
        and shipment (reference)"""
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        ShipmentOut = pool.get('stock.shipment.out')
        ShipmentOutReturn = pool.get('stock.shipment.out.return')
        move = Move.__table__()
        from_location = Location.__table__()
        to_location = Location.__table__()
        shipment = ShipmentOut.__table__()
        return_ = ShipmentOutReturn.__table__()
        closure = cls._lot_closure(lot_ids, 'downstream')
        shipment_id = Move.shipment.sql_id(move.shipment, Move)
        delivered = to_location.type == 'customer'
        query = (move
            .join(closure, condition=move.lot == closure.lot)
            .join(from_location,
                condition=move.from_location == from_location.id)
            .join(to_location,
                condition=move.to_location == to_location.id)
            .join(shipment, 'LEFT',
                condition=move.shipment.like('stock.shipment.out,%')
                & (shipment.id == shipment_id))
            .join(return_, 'LEFT',
                condition=move.shipment.like('stock.shipment.out.return,%')
                & (return_.id == shipment_id))
            .select(
                move.id.as_('move'),
                move.lot.as_('lot'),
                move.product.as_('product'),
                Coalesce(shipment.customer, return_.customer).as_(
                    'customer'),
                Coalesce(shipment.delivery_address,
                    return_.contact_address).as_('address'),
                Case((delivered, move.internal_quantity),
                    else_=-move.internal_quantity).as_('quantity'),
                move.effective_date.as_('date'),
                move.shipment.as_('shipment'),
                where=(move.state == 'done')
                & ((to_location.type == 'customer')
                    | (from_location.type == 'customer')),
                with_=[closure]))
        return query

    @classmethod
    def upstream_query(cls, lot_ids):
        """Return the query of the supplier moves of the upstream closure
        of lot_ids with columns: move, lot, product, supplier, address,
        quantity (signed, in the product's default unit), date and
        shipment (reference)"""
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        ShipmentIn = pool.get('stock.shipment.in')
        ShipmentInReturn = pool.get('stock.shipment.in.return')
        move = Move.__table__()
        from_location = Location.__table__()
        to_location = Location.__table__()
        shipment = ShipmentIn.__table__()
        return_ = ShipmentInReturn.__table__()
        closure = cls._lot_closure(lot_ids, 'upstream')
        shipment_id = Move.shipment.sql_id(move.shipment, Move)
        received = from_location.type == 'supplier'
        query = (move
            .join(closure, condition=move.lot == closure.lot)
            .join(from_location,
                condition=move.from_location == from_location.id)
            .join(to_location,
                condition=move.to_location == to_location.id)
            .join(shipment, 'LEFT',
                condition=move.shipment.like('stock.shipment.in,%')
                & (shipment.id == shipment_id))
            .join(return_, 'LEFT',
                condition=move.shipment.like('stock.shipment.in.return,%')
                & (return_.id == shipment_id))
            .select(
                move.id.as_('move'),
                move.lot.as_('lot'),
                move.product.as_('product'),
                Coalesce(shipment.supplier, return_.supplier).as_(
                    'supplier'),
                Coalesce(shipment.contact_address,
                    return_.delivery_address).as_('address'),
                Case((received, move.internal_quantity),
                    else_=-move.internal_quantity).as_('quantity'),
                move.effective_date.as_('date'),
                move.shipment.as_('shipment'),
                where=(move.state == 'done')
                & ((from_location.type == 'supplier')
                    | (to_location.type == 'supplier')),
                with_=[closure]))
        return query

    @classmethod
    def _fetch(cls, query):
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor]

    @classmethod
    def downstream(cls, lots, with_returned=False):
        """Return the customers who received any of the lots or of the lots
        made from them, one dict per (lot, customer) with keys:
        lot, product, customer (party), quantity (net of returns, in the
        product's default unit), unit, first_date, last_date, shipments
        (stock.shipment.out and .out.return), address, contact (address
        text), phone and email.
        Customers whose net quantity is 0 (all returned) are left out unless
        with_returned is set."""
        pool = Pool()
        Lot = pool.get('stock.lot')
        Product = pool.get('product.product')
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        lot_ids = [int(l) for l in lots]
        groups = {}
        for row in cls._fetch(cls.downstream_query(lot_ids)):
            key = (row['lot'], row['customer'])
            group = groups.setdefault(key, {
                    'lot': row['lot'],
                    'product': row['product'],
                    'customer': row['customer'],
                    'quantity': 0,
                    'first_date': row['date'],
                    'last_date': row['date'],
                    'shipments': [],
                    'address': None,
                    })
            group['quantity'] += row['quantity']
            group['first_date'] = min(group['first_date'], row['date'])
            if row['date'] >= group['last_date']:
                group['last_date'] = row['date']
                group['address'] = row['address'] or group['address']
            if (row['shipment']
                    and row['shipment'] not in group['shipments']):
                group['shipments'].append(row['shipment'])
        result = []
        for group in groups.values():
            product = Product(group['product'])
            group['quantity'] = product.default_uom.round(group['quantity'])
            if not with_returned and not group['quantity']:
                continue
            group['lot'] = Lot(group['lot'])
            group['product'] = product
            group['unit'] = product.default_uom
            customer = group['customer'] = (
                Party(group['customer'])
                if group['customer'] is not None else None)
            address = group['address'] = (
                Address(group['address'])
                if group['address'] is not None else None)
            if address is None and customer:
                address = group['address'] = customer.address_get()
            group['contact'] = (
                address.full_address if address else '')
            group['phone'] = customer.phone if customer else None
            group['email'] = customer.email if customer else None
            group['shipments'] = [
                _instance(s) for s in group['shipments']]
            result.append(group)
        result.sort(key=lambda g: (
                g['lot'].id, g['first_date'],
                g['customer'].id if g['customer'] else 0))
        return result

    @classmethod
    def upstream(cls, lots):
        """Return the receipts of the lots or of the lots they were made
        from, one dict per receipt move with keys: lot, product, supplier
        (party), address, quantity (negative for a return to the supplier,
        in the product's default unit), unit, date, shipment, registrant and
        manufacturer (parties from the product's registration)"""
        pool = Pool()
        Lot = pool.get('stock.lot')
        Product = pool.get('product.product')
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        Move = pool.get('stock.move')
        lot_ids = [int(l) for l in lots]
        result = []
        for row in cls._fetch(cls.upstream_query(lot_ids)):
            product = Product(row['product'])
            registration = product.registration
            row['move'] = Move(row['move'])
            row['lot'] = Lot(row['lot'])
            row['product'] = product
            row['unit'] = product.default_uom
            row['supplier'] = (Party(row['supplier'])
                if row['supplier'] is not None else None)
            row['address'] = (Address(row['address'])
                if row['address'] is not None else None)
            row['shipment'] = _instance(row['shipment'])
            row['registrant'] = (
                registration.registrant if registration else None)
            row['manufacturer'] = (
                registration.manufacturer if registration else None)
            result.append(row)
        result.sort(key=lambda r: (r['lot'].id, r['date'], r['move'].id))
        return result
