# This file is part of the QMS modules for Tryton.
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .checker import GateMixin
from .exceptions import GateError, ImplantSerialError
from .model import ModelMixin, WorkflowGuardMixin

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


class Move(ModelMixin, WorkflowGuardMixin, GateMixin, metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    @GateMixin.gate('do')
    def do(cls, moves):
        super().do(moves)
        for move in moves:
            move.check_implant_serial()

    @classmethod
    def check_gate(cls, moves, operation):
        """Run the delivery gate for the moves to customers that no
        customer shipment checked when it was done"""
        pool = Pool()
        ShipmentOut = pool.get('stock.shipment.out')
        gated = set(Transaction().context.get(GATED_CONTEXT) or [])
        shipments, alone = set(), []
        for move in moves:
            if move.to_location.type != 'customer':
                continue
            if isinstance(move.shipment, ShipmentOut):
                if move.shipment.id not in gated:
                    shipments.add(move.shipment)
            elif not move.gate_party:
                raise GateError(gettext('qms_sales.msg_move_gate_customer',
                        move=move.rec_name))
            else:
                alone.append(move)
        if shipments:
            ShipmentOut.check_gate(ShipmentOut.browse(shipments), operation)
        if alone:
            super().check_gate(alone, operation)

    @property
    def gate_party(self):
        "The customer of a move to a customer"
        pool = Pool()
        SaleLine = pool.get('sale.line')
        ShipmentOut = pool.get('stock.shipment.out')
        if isinstance(self.shipment, ShipmentOut):
            return self.shipment.customer
        elif isinstance(self.origin, SaleLine):
            return self.origin.sale.party

    @classmethod
    def gate_items(cls, data):
        return data.move_items()

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


class GatedShipmentMixin(GateMixin, ModelMixin):
    "A shipment the qualification gate checks"
    __slots__ = ()
    _gate_check_operation = 'do'

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

    @property
    def gate_party(self):
        return self.customer

    @classmethod
    def gate_items(cls, data):
        return data.read_shipment_moves('to_location', 'customer')

    @classmethod
    @ModelView.button
    @Workflow.transition('packed')
    @GateMixin.gate('pack')
    def pack(cls, shipments):
        super().pack(shipments)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    @GateMixin.gate('do')
    def do(cls, shipments):
        gated = Transaction().context.get(GATED_CONTEXT) or []
        with Transaction().set_context(
                **{GATED_CONTEXT: gated + [s.id for s in shipments]}):
            super().do(shipments)


class ShipmentIn(WorkflowGuardMixin, GatedShipmentMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.in'

    @property
    def gate_party(self):
        return self.supplier

    @classmethod
    def gate_items(cls, data):
        return data.read_shipment_moves('from_location', 'supplier')

    @classmethod
    @ModelView.button
    @Workflow.transition('received')
    @GateMixin.gate('receive')
    def receive(cls, shipments):
        super().receive(shipments)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    @GateMixin.gate('do')
    def do(cls, shipments):
        super().do(shipments)
