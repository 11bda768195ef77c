# This file is part of the QMS modules for Tryton.
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .checker import document_party
from .exceptions import GateError, ImplantSerialError
from .model import ModelMixin, WorkflowGuardMixin
from .sale import transition_allowed

# The context key under which the customer shipments being done, whose gate
# ran, do their moves; RPC strips private (_) keys
GATED_CONTEXT = '_qms_gated_shipments'

INSPECTION_STATES = [
    ('none', "Not Required"),
    ('pending', "Pending"),
    ('failed', "Failed"),
    ('passed', "Passed"),
    ('conceded', "Released by Concession"),
    ]


class Lot(ModelMixin, metaclass=PoolMeta):
    __name__ = 'stock.lot'

    production_date = fields.Date("Production Date")

    def is_sales_stopped(self, date=None):
        "Return True if the lot is under a sales stop on date"
        return bool(self.get_sales_stopped([self], date=date))

    @classmethod
    def get_sales_stopped(cls, lots, date=None):
        """Return the lots under a sales stop on date: the checker's hook,
        extended by qms_trace with one query for all the lots"""
        return []


class Move(ModelMixin, WorkflowGuardMixin, metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    @ModelView.button
    def do(cls, moves):
        cls.check_delivery_gate(transition_allowed(moves, 'done'))
        super().do(moves)
        for move in moves:
            move.check_implant_serial()

    @classmethod
    def check_delivery_gate(cls, moves):
        """Run the delivery gate for the moves to customers that no
        customer shipment checked when it was done"""
        pool = Pool()
        Checker = pool.get('qms.checker')
        ShipmentOut = pool.get('stock.shipment.out')
        gated = set(Transaction().context.get(GATED_CONTEXT) or [])
        shipments, alone = set(), []
        for move in moves:
            if move.to_location.type != 'customer':
                continue
            if isinstance(move.shipment, ShipmentOut):
                if move.shipment.id not in gated:
                    shipments.add(move.shipment)
            elif not move.gate_customer:
                raise GateError(gettext('qms_sales.msg_move_gate_customer',
                        move=move.rec_name))
            else:
                alone.append(move)
        if shipments:
            Checker.enforce(ShipmentOut.browse(shipments), 'do')
        if alone:
            Checker.enforce(alone, 'do')

    @property
    def gate_customer(self):
        "The customer the gate checks a move for"
        return document_party(self)

    def check_implant_serial(self):
        "Check that an implant moves as one unit of its serial number"
        if (self.product.implantable and self.lot
                and self.internal_quantity
                and self.internal_quantity != 1):
            raise ImplantSerialError(gettext(
                    'qms_sales.msg_implant_serial_quantity',
                    move=self.rec_name,
                    product=self.product.rec_name,
                    lot=self.lot.rec_name,
                    quantity=self.internal_quantity))


class GatedShipmentMixin(ModelMixin):
    "A shipment the qualification gate checks"
    __slots__ = ()

    concessions = fields.One2Many('qms.concession', 'shipment',
        "Concessions",
        help="The documented releases of activities not completed.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'check_qualifications': {
                    'invisible': Eval('state').in_(['done', 'cancelled']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button_action('qms_sales.wizard_gate_check')
    def check_qualifications(cls, shipments):
        pass

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('concessions')
        return super().copy(shipments, default=default)


class ShipmentOut(WorkflowGuardMixin, GatedShipmentMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    inspection_state = fields.Function(fields.Selection(
            INSPECTION_STATES, "Pre-shipment Inspection",
            help="Rule Q06: the shipment is done only when the quality "
            "inspections passed or a concession was approved.", sort=False),
        'get_inspection_state')

    @classmethod
    def get_inspection_state(cls, shipments, name):
        pool = Pool()
        Checker = pool.get('qms.checker')
        return {s.id: state for s, (state, _) in
            Checker.inspection_states(shipments).items()}

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
        allowed = transition_allowed(shipments, 'done')
        Checker.enforce(allowed, 'do')
        gated = Transaction().context.get(GATED_CONTEXT) or []
        with Transaction().set_context(
                **{GATED_CONTEXT: gated + [s.id for s in allowed]}):
            super().do(shipments)


class ShipmentIn(WorkflowGuardMixin, GatedShipmentMixin, metaclass=PoolMeta):
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
