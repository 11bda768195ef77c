# This file is part of the QMS modules for Tryton.
from sql import With
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case, Coalesce

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.qms_sales.model import ModelMixin, WizardMixin
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.tools import reduce_ids
from trytond.transaction import Transaction, check_access
from trytond.wizard import (
    Button,
    StateAction,
    StateTransition,
    StateView,
    Wizard,
)

LINK_KINDS = [
    ('kit', "Kit"),
    ('production', "Production"),
    ('relabel', "Relabelling"),
    ('split', "Lot Split"),
    ]
# direction: the partner (location type and shipment column), the location
# of a move towards the partner (not a return), the shipment model with its
# address column and the return model with its address column
TRACE_DIRECTIONS = {
    'downstream': ('customer', 'to_location',
        ('stock.shipment.out', 'delivery_address'),
        ('stock.shipment.out.return', 'contact_address')),
    'upstream': ('supplier', 'from_location',
        ('stock.shipment.in', 'contact_address'),
        ('stock.shipment.in.return', 'delivery_address')),
    }


def _instance(reference):
    "Return the record of a reference value"
    if not reference or ',' not in reference:
        return None
    model, id_ = reference.split(',', 1)
    return Pool().get(model)(int(id_))


def _browse(Model, ids):
    "Return (id, record) pairs read in one batch"
    ids = list({i for i in ids if i is not None})
    return zip(ids, Model.browse(ids), strict=False)


class LotLink(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.lot.link'
    __string__ = "Lot Link"

    parent_lot = fields.Many2One('stock.lot', "Parent Lot", required=True,
        ondelete='RESTRICT',
        help="The lot that was used, split or relabelled.")
    child_lot = fields.Many2One('stock.lot', "Child Lot", required=True,
        ondelete='RESTRICT',
        help="The lot made from the parent lot.")
    kind = fields.Selection(LINK_KINDS, "Kind", required=True, sort=False)
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
    __name__ = 'qms.trace'
    __string__ = "Lot Trace"

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
    def moves_query(cls, lot_ids, direction):
        """Return the query of the done moves between the company and its
        partners (customers downstream, suppliers upstream) of the lots of
        the closure of lot_ids in direction, with columns: move, lot,
        product, customer or supplier, address, quantity (in the product's
        default unit, negative for a return), date and shipment
        (reference)"""
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        party, forward, (shipment_model, shipment_address), (
            return_model, return_address) = TRACE_DIRECTIONS[direction]
        move = Move.__table__()
        locations = {
            'from_location': Location.__table__(),
            'to_location': Location.__table__(),
            }
        backward, = locations.keys() - {forward}
        shipment = pool.get(shipment_model).__table__()
        return_ = pool.get(return_model).__table__()
        closure = cls._lot_closure(lot_ids, direction)
        sent = locations[forward].type == party
        returned = locations[backward].type == party
        # look a shipment up by primary key only for the moves it can hold
        shipment_id = Move.shipment.sql_id(move.shipment, Move)
        query = move
        for name, location in locations.items():
            query = query.join(location,
                condition=getattr(move, name) == location.id)
        return (query
            .join(shipment, 'LEFT',
                condition=shipment.id == Case(
                    (sent & move.shipment.like(shipment_model + ',%'),
                        shipment_id)))
            .join(return_, 'LEFT',
                condition=return_.id == Case(
                    (returned & move.shipment.like(return_model + ',%'),
                        shipment_id)))
            .select(
                move.id.as_('move'),
                move.lot.as_('lot'),
                move.product.as_('product'),
                Coalesce(getattr(shipment, party), getattr(return_, party)
                    ).as_(party),
                Coalesce(getattr(shipment, shipment_address),
                    getattr(return_, return_address)).as_('address'),
                Case((sent, move.internal_quantity),
                    else_=-move.internal_quantity).as_('quantity'),
                move.effective_date.as_('date'),
                move.shipment.as_('shipment'),
                where=move.lot.in_(closure.select(closure.lot))
                & (move.state == 'done')
                & (sent | returned),
                with_=[closure]))

    @classmethod
    def _fetch(cls, query):
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=False)) for r in cursor]

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
        groups = [g for g in cls._downstream_groups(lot_ids)
            if with_returned or g['quantity']]
        lots = dict(_browse(Lot, [g['lot'] for g in groups]))
        products = dict(_browse(Product, [g['product'] for g in groups]))
        parties = dict(_browse(Party, [g['customer'] for g in groups]))
        addresses = dict(_browse(Address, [g['address'] for g in groups]))
        result = []
        for group in groups:
            product = products[group['product']]
            group['quantity'] = product.default_uom.round(group['quantity'])
            if not with_returned and not group['quantity']:
                continue
            group['lot'] = lots[group['lot']]
            group['product'] = product
            group['unit'] = product.default_uom
            customer = group['customer'] = parties.get(group['customer'])
            address = group['address'] = addresses.get(group['address'])
            if address is None and customer:
                address = group['address'] = customer.address_get()
            group['contact'] = address.full_address if address else ''
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
    def _downstream_groups(cls, lot_ids):
        """Return the customer moves of the downstream closure of lot_ids
        summed by lot and customer, with the ids of the records"""
        groups = {}
        rows = sorted(cls._fetch(cls.moves_query(lot_ids, 'downstream')),
            key=lambda r: (r['date'], r['move']))
        for row in rows:
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
        return list(groups.values())

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
        for row in cls._fetch(cls.moves_query(lot_ids, 'upstream')):
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


class TraceDownstream(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.trace.downstream'
    __string__ = "Downstream Trace"

    lot = fields.Many2One('stock.lot', "Lot", readonly=True)
    product = fields.Many2One('product.product', "Product", readonly=True)
    customer = fields.Many2One('party.party', "Customer", readonly=True)
    quantity = fields.Float("Net Quantity", digits='unit', readonly=True,
        help="Delivered minus returned.")
    unit = fields.Function(fields.Many2One('product.uom', "Unit"),
        'get_unit')
    first_date = fields.Date("First Date", readonly=True)
    last_date = fields.Date("Last Date", readonly=True)
    shipments = fields.Integer("Shipments", readonly=True)
    contact = fields.Function(fields.Char(
            "Contact", help="The phone and e-mail of the customer."),
        'get_contact')
    phone = fields.Function(fields.Char("Phone"), 'get_contact')
    address = fields.Function(fields.Text("Address"), 'get_contact')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('lot', 'ASC'), ('first_date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Trace = pool.get('qms.trace')
        context = Transaction().context
        moves = Trace.moves_query(context.get('lots') or [], 'downstream')
        quantity = Sum(moves.quantity)
        having = None
        if not context.get('with_returned'):
            having = quantity != 0
        return moves.select(
            Min(moves.move).as_('id'),
            moves.lot.as_('lot'),
            moves.product.as_('product'),
            moves.customer.as_('customer'),
            quantity.as_('quantity'),
            Min(moves.date).as_('first_date'),
            Max(moves.date).as_('last_date'),
            Count(moves.shipment, distinct=True).as_('shipments'),
            group_by=[moves.lot, moves.product, moves.customer],
            having=having)

    def get_unit(self, name):
        return self.product.default_uom.id

    def get_contact(self, name):
        if not self.customer:
            return None
        if name == 'phone':
            return self.customer.phone
        elif name == 'contact':
            return ', '.join(filter(None, [
                        self.customer.phone, self.customer.email]))
        address = self.customer.address_get()
        return address.full_address if address else None


class TraceUpstream(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.trace.upstream'
    __string__ = "Upstream Trace"

    lot = fields.Many2One('stock.lot', "Lot", readonly=True)
    product = fields.Many2One('product.product', "Product", readonly=True)
    supplier = fields.Many2One('party.party', "Supplier", readonly=True)
    quantity = fields.Float("Quantity", digits='unit', readonly=True,
        help="Negative for a return to the supplier.")
    unit = fields.Function(fields.Many2One('product.uom', "Unit"),
        'get_unit')
    date = fields.Date("Date", readonly=True)
    shipment = fields.Reference("Shipment", selection='get_shipments',
        readonly=True)
    registrant = fields.Function(fields.Many2One('party.party',
            "Registrant"), 'get_registration_party')
    manufacturer = fields.Function(fields.Many2One('party.party',
            "Manufacturer"), 'get_registration_party')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('lot', 'ASC'), ('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Trace = pool.get('qms.trace')
        moves = Trace.moves_query(
            Transaction().context.get('lots') or [], 'upstream')
        return moves.select(
            moves.move.as_('id'),
            moves.lot.as_('lot'),
            moves.product.as_('product'),
            moves.supplier.as_('supplier'),
            moves.quantity.as_('quantity'),
            moves.date.as_('date'),
            moves.shipment.as_('shipment'))

    @classmethod
    def get_shipments(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        return [(None, '')] + [(m, Model.get_name(m)) for m in [
                'stock.shipment.in', 'stock.shipment.in.return']]

    def get_unit(self, name):
        return self.product.default_uom.id

    def get_registration_party(self, name):
        registration = self.product.template.registration
        if registration:
            return getattr(registration, name).id


class TraceOpen(WizardMixin, Wizard):
    __name__ = 'qms.trace.open'

    start = StateView('qms.trace.open.start',
        'qms_trace.trace_open_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-save'),
            Button("Upstream", 'upstream', 'tryton-back'),
            Button("Downstream", 'downstream', 'tryton-forward',
                default=True),
            ])
    downstream = StateAction('qms_trace.act_trace_downstream')
    upstream = StateAction('qms_trace.act_trace_upstream')
    export = StateTransition()
    result = StateView('qms.export.result',
        'qms_trace.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        return {
            'lots': [l.id for l in self.lots_of(self.model, self.records)],
            }

    @classmethod
    def lots_of(cls, model, records):
        "Return the lots of the records to trace"
        pool = Pool()
        Lot = pool.get('stock.lot')
        SalesRecord = pool.get('qms.sales.record')
        if model is None or not records:
            return []
        name = model.__name__
        if name == 'stock.lot':
            return list(records)
        elif name == 'product.product':
            return Lot.search([('product', 'in', [r.id for r in records])])
        elif name == 'product.template':
            return Lot.search([
                    ('product.template', 'in', [r.id for r in records]),
                    ])
        elif name == 'party.party':
            sales = SalesRecord.search([
                    ('customer', 'in', [r.id for r in records]),
                    ('lot', '!=', None),
                    ])
            return list({s.lot for s in sales})
        elif name.startswith('stock.shipment.'):
            return list({m.lot for r in records for m in r.moves if m.lot})
        return []

    def _action(self, action):
        lots = [l.id for l in self.start.lots]
        action['pyson_context'] = PYSONEncoder().encode({
                'lots': lots,
                'with_returned': self.start.with_returned,
                })
        action['name'] += ' (%s)' % ', '.join(
            l.rec_name for l in self.start.lots[:5])
        return action, {}

    def do_downstream(self, action):
        return self._action(action)

    def do_upstream(self, action):
        return self._action(action)

    def transition_export(self):
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Export = pool.get('qms.export.result')
        with check_access():
            ModelAccess.check('qms.trace.downstream', 'read')
            ModelAccess.check('qms.trace.upstream', 'read')
        self.result.file, self.result.rows = Export.trace(
            self.start.lots, with_returned=self.start.with_returned)
        self.result.filename = 'trace.xlsx'
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            'rows': self.result.rows,
            }


class TraceOpenStart(ModelView):
    __name__ = 'qms.trace.open.start'
    __string__ = "Open Lot Trace"

    lots = fields.Many2Many('stock.lot', None, None, "Lots", required=True)
    with_returned = fields.Boolean("With Returned",
        help="Show also the customers who returned everything.")
