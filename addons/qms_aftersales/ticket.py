# This file is part of the QMS modules for Tryton.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ChatMixin, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.qms_sales.model import ModelMixin, WorkflowGuardMixin
from trytond.modules.qms_trace import udi
from trytond.modules.qms_trace.exceptions import UDIError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, check_access, without_check_access

from .exceptions import TicketError

TYPES = [
    ('consultation', "Consultation"),
    ('installation', "Installation"),
    ('repair', "Repair"),
    ('complaint', "Complaint"),
    ('adverse_event', "Suspected Adverse Event"),
    ('return', "Return"),
    ]
SEVERITIES = [
    ('low', "Low"),
    ('normal', "Normal"),
    ('high', "High"),
    ('severe', "Severe"),
    ]
SATISFACTIONS = [
    (None, ""),
    ('1', "1 - Very Dissatisfied"),
    ('2', "2 - Dissatisfied"),
    ('3', "3 - Neutral"),
    ('4', "4 - Satisfied"),
    ('5', "5 - Very Satisfied"),
    ]
ADVERSE_SERIOUSNESS = [
    (None, ""),
    ('death', "Death"),
    ('serious_injury', "Serious Injury"),
    ('cluster', "Cluster Event"),
    ('other', "Other"),
    ]
OPEN_STATES = ['new', 'assigned', 'in_progress']
COMPLAINT_TYPES = ['complaint', 'adverse_event']


class Ticket(
        ModelMixin, WorkflowGuardMixin,
        Workflow, ModelSQL, ModelView, ChatMixin):
    __string__ = "Service Ticket"
    __name__ = 'qms.ticket'
    _rec_name = 'number'
    # set by the workflow buttons; the read-only fields computed by the
    # system (store, deadlines) are locked once the ticket exists
    _workflow_fields = {
        'responded_at', 'resolved_at', 'closed_at', 'callback_done',
        'callback_date', 'callback_by', 'forwarded_at', 'forwarded_by',
        'forwarded_to'}
    _workflow_locked = True

    _states = {
        'readonly': ~Eval('state').in_(['new', 'assigned', 'in_progress']),
        }

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': Eval('state') != 'new',
            })
    date = fields.DateTime(
        "Date", required=True,
        states={
            'readonly': Eval('state') != 'new',
            },
        help="When the ticket was received.")
    channel = fields.Selection([
            ('hotline', "Hotline"),
            ('store', "Store"),
            ('email', "Email"),
            ('portal', "Portal"),
            ], "Channel", required=True, states=_states, sort=False)
    type = fields.Selection(TYPES, "Type", required=True,
        states=_states, sort=False)
    severity = fields.Selection(
        SEVERITIES, "Severity", required=True, states=_states, sort=False)
    customer = fields.Many2One(
        'party.party', "Customer", states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    contact = fields.Char(
        "Contact", states=_states,
        help="The name and phone number of the person to call back.")
    lookup = fields.Function(fields.Char(
            "Serial or Lot",
            states={
                'invisible': ~Eval('state').in_(['new', 'assigned']),
                },
            help="Scan or type the serial or lot number to fill the "
            "product, sale, shipment and customer."),
        'get_lookup', setter='set_lookup')
    product = fields.Many2One(
        'product.product', "Product", states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    lot = fields.Many2One(
        'stock.lot', "Lot/Serial", states=_states,
        domain=[
            If(Eval('product'),
                ('product', '=', Eval('product', -1)),
                ()),
            ])
    sale = fields.Many2One(
        'sale.sale', "Sale", states=_states,
        domain=[
            If(Eval('customer'),
                ('party', '=', Eval('customer', -1)),
                ()),
            ])
    shipment = fields.Many2One(
        'stock.shipment.out', "Shipment", states=_states,
        domain=[
            If(Eval('customer'),
                ('customer', '=', Eval('customer', -1)),
                ()),
            ])
    description = fields.Text("Description", states=_states)
    handling_unit = fields.Many2One(
        'qms.service.unit', "Handling Unit", required=True, states=_states,
        help="The store, region or HQ service management "
        "that handles the ticket.")
    store = fields.Many2One(
        'qms.service.unit', "Store", readonly=True,
        domain=[('kind', '=', 'store')],
        help="The store that received the ticket or was first responsible "
        "for it.\nIt keeps the ticket in its weekly report and may still "
        "read it after an escalation.")
    provider = fields.Many2One(
        'party.party', "Provider", ondelete='RESTRICT',
        domain=[('service_provider', '=', True)],
        context={
            'company': Eval('company', -1),
            },
        states={
            'readonly': Eval('state').in_(['resolved', 'closed', 'cancelled']),
            },
        depends={'company'},
        help="The outsourced service point the ticket is dispatched to.")
    technician = fields.Many2One(
        'qms.technician', "Technician", ondelete='RESTRICT',
        domain=[('provider', '=', Eval('provider', -1))],
        states={
            'readonly': Eval('state').in_(['resolved', 'closed', 'cancelled']),
            'invisible': ~Eval('provider'),
            })
    handler = fields.Many2One(
        'res.user', "Handled by",
        states={
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            },
        help="The staff member answerable for the ticket.")
    responded_at = fields.DateTime("Responded at", readonly=True)
    resolved_at = fields.DateTime("Resolved at", readonly=True)
    closed_at = fields.DateTime("Closed at", readonly=True)
    resolution = fields.Text(
        "Resolution",
        states={
            'readonly': ~Eval('state').in_(['assigned', 'in_progress']),
            })

    callback_done = fields.Boolean("Called Back", readonly=True)
    satisfaction = fields.Selection(
        SATISFACTIONS, "Satisfaction", sort=False,
        states={
            'readonly': (Eval('state') != 'resolved') | Eval('callback_done'),
            })
    callback_remarks = fields.Text(
        "Callback Remarks",
        states={
            'readonly': (Eval('state') != 'resolved') | Eval('callback_done'),
            })
    callback_date = fields.DateTime("Callback Date", readonly=True)
    callback_by = fields.Many2One('res.user', "Called Back by", readonly=True)

    complaint = fields.Many2One(
        'sale.complaint', "Complaint",
        domain=[
            If(Eval('customer'),
                ('customer', '=', Eval('customer', -1)),
                ()),
            ],
        states={
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            },
        help="The sale complaint for a credit or return.")

    adverse_seriousness = fields.Selection(
        ADVERSE_SERIOUSNESS, "Adverse Event Seriousness",
        states={
            'invisible': Eval('type') != 'adverse_event',
            'required': Eval('type') == 'adverse_event',
            'readonly': _states['readonly'],
            }, sort=False)
    adverse_deadline = fields.DateTime(
        "Adverse Event Deadline", readonly=True,
        states={
            'invisible': Eval('type') != 'adverse_event',
            },
        help="When the suspected adverse event must be forwarded "
        "to the registrant and reported.")
    registrant = fields.Function(fields.Many2One(
            'party.party', "Registrant",
            context={
                'company': Eval('company', -1),
                },
            depends={'company'},
            states={
                'invisible': Eval('type') != 'adverse_event',
                }),
        'on_change_with_registrant')
    forwarded_at = fields.DateTime(
        "Forwarded at", readonly=True,
        states={
            'invisible': Eval('type') != 'adverse_event',
            })
    forwarded_by = fields.Many2One(
        'res.user', "Forwarded by", readonly=True,
        states={
            'invisible': Eval('type') != 'adverse_event',
            })
    forwarded_to = fields.Many2One(
        'party.party', "Forwarded to", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        states={
            'invisible': Eval('type') != 'adverse_event',
            },
        help="The registrant the suspected adverse event was forwarded to.")
    adverse_overdue = fields.Function(fields.Boolean(
            "Adverse Event Overdue",
            states={
                'invisible': Eval('type') != 'adverse_event',
                }),
        'get_adverse_overdue', searcher='search_adverse_overdue')

    nonconformity = fields.Many2One(
        'qms.nonconformity', "Nonconformity", ondelete='RESTRICT')
    violations = fields.One2Many(
        'qms.provider.violation', 'ticket', "Violations", readonly=True)

    ticket_count = fields.Function(
        fields.Integer("Tickets"), 'get_ticket_count')

    state = fields.Selection([
            ('new', "New"),
            ('assigned', "Assigned"),
            ('in_progress', "In Progress"),
            ('resolved', "Resolved"),
            ('closed', "Closed"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        cls.number.search_unaccented = False
        super().__setup__()
        cls._order = [('date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('new', 'assigned'), ('new', 'in_progress'), ('new', 'cancelled'),
            ('assigned', 'in_progress'), ('assigned', 'new'),
            ('assigned', 'cancelled'), ('in_progress', 'resolved'),
            ('in_progress', 'cancelled'), ('resolved', 'in_progress'),
            ('resolved', 'closed'), ('cancelled', 'new'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'depends': ['state'],
                    },
                'reset': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo', 'depends': ['state'],
                    },
                'assign': {
                    'invisible': Eval('state') != 'new',
                    'icon': 'tryton-forward', 'depends': ['state'],
                    },
                'start': {
                    'invisible': ~Eval('state').in_(['new', 'assigned']),
                    'icon': 'tryton-forward', 'depends': ['state'],
                    },
                'resolve': {
                    'invisible': Eval('state') != 'in_progress',
                    'icon': 'tryton-ok', 'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'resolved',
                    'icon': 'tryton-back', 'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'resolved',
                    'icon': 'tryton-ok', 'depends': ['state'],
                    },
                'record_callback': {
                    'invisible': (
                        (Eval('state') != 'resolved') | Eval('callback_done')),
                    'depends': ['state', 'callback_done'],
                    },
                'forward': {
                    'invisible': ((Eval('type') != 'adverse_event')
                        | Bool(Eval('forwarded_at'))
                        | (Eval('state') == 'cancelled')),
                    'icon': 'tryton-forward',
                    'depends': ['type', 'forwarded_at', 'state'],
                    },
                'create_complaint': {
                    'invisible': (Bool(Eval('complaint'))
                        | Eval('state').in_(['closed', 'cancelled'])),
                    'readonly': ~Eval('customer'),
                    'depends': ['complaint', 'state', 'customer'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        # to the second, as the client shows and sends it back
        return dt.datetime.now().replace(microsecond=0)

    @classmethod
    def default_channel(cls):
        return 'hotline'

    @classmethod
    def default_type(cls):
        return 'repair'

    @classmethod
    def default_severity(cls):
        return 'normal'

    @classmethod
    def default_handling_unit(cls):
        pool = Pool()
        User = pool.get('res.user')
        units = User.get_qms_units()
        if len(units) == 1:
            return units[0]

    @classmethod
    def default_handler(cls):
        return Transaction().user

    @classmethod
    def default_callback_done(cls):
        return False

    @classmethod
    def default_state(cls):
        return 'new'

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('//page[@id="adverse"]', 'states', {
                    'invisible': Eval('type') != 'adverse_event',
                    }),
            ]

    def get_rec_name(self, name):
        items = [self.number or str(self.id)]
        if self.customer:
            items.append(self.customer.rec_name)
        return ' - '.join(items)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', *clause[1:]),
            ('customer.rec_name', *clause[1:]),
            ]

    def get_ticket_count(self, name):
        return 1

    def get_lookup(self, name):
        return None

    @classmethod
    def set_lookup(cls, tickets, name, value):
        pass

    @fields.depends('lookup', 'product', methods=['on_change_lot'])
    def on_change_lookup(self):
        pool = Pool()
        Lot = pool.get('stock.lot')
        if not self.lookup:
            return
        number, product = self._read_lookup(self.lookup)
        domain = [('number', '=', number)]
        if product or self.product:
            domain.append(('product', '=', (product or self.product).id))
        lots = Lot.search(domain, limit=1)
        if lots:
            self.lot, = lots
            self.on_change_lot()
        self.lookup = None

    @classmethod
    def _read_lookup(cls, value):
        """Return the serial or lot number and the product of a scanned
        GS1 UDI, or the value itself when it is not one"""
        Product = Pool().get('product.product')
        try:
            scanned = udi.parse(value)
        except UDIError:
            return value.strip(), None
        number = scanned.serial or scanned.lot
        if not number:
            return value.strip(), None
        gtin = scanned.gtin
        codes = [gtin[i:] for i in range(len(gtin) - 7)
            if len(gtin[i:]) in {8, 12, 13, 14}]
        products = Product.search([
                ('identifiers', 'where', [
                        ('type', '=', 'ean'),
                        ('code', 'in', codes),
                        ]),
                ], limit=1)
        return number, products[0] if products else None

    @fields.depends('provider', 'technician')
    def on_change_provider(self):
        if self.technician and self.technician.provider != self.provider:
            self.technician = None

    @fields.depends('lot', 'product', 'customer', 'sale', 'shipment')
    def on_change_lot(self):
        if not self.lot:
            return
        self.product = self.lot.product
        move = self._get_customer_move()
        if not move:
            return
        if move.shipment and move.shipment.__name__ == 'stock.shipment.out':
            self.shipment = move.shipment
            self.customer = move.shipment.customer
        if move.origin and move.origin.__name__ == 'sale.line':
            self.sale = move.origin.sale
            self.customer = move.origin.sale.party

    def _get_customer_move(self):
        "Return the last done move of the lot to a customer"
        pool = Pool()
        Move = pool.get('stock.move')
        moves = Move.search([
                ('lot', '=', self.lot.id),
                ('state', '=', 'done'),
                ('to_location.type', '=', 'customer'),
                ], order=[('effective_date', 'DESC'), ('id', 'DESC')],
            limit=1)
        if moves:
            return moves[0]

    @fields.depends('product')
    def on_change_with_registrant(self, name=None):
        if self.product and self.product.template.registration:
            return self.product.template.registration.registrant

    def get_adverse_overdue(self, name):
        return bool(self.type == 'adverse_event'
            and not self.forwarded_at
            and self.state != 'cancelled'
            and self.adverse_deadline
            and self.adverse_deadline < dt.datetime.now())

    @classmethod
    def search_adverse_overdue(cls, name, clause):
        _, operator, value = clause
        if operator not in {'=', '!='}:
            return []
        now = dt.datetime.now()
        if (operator == '=') == bool(value):
            return [
                ('type', '=', 'adverse_event'),
                ('forwarded_at', '=', None),
                ('state', '!=', 'cancelled'),
                ('adverse_deadline', '<', now),
                ]
        return ['OR',
            ('type', '!=', 'adverse_event'),
            ('forwarded_at', '!=', None),
            ('state', '=', 'cancelled'),
            ('adverse_deadline', '=', None),
            ('adverse_deadline', '>=', now),
            ]

    @classmethod
    def validate_fields(cls, tickets, field_names):
        super().validate_fields(tickets, field_names)
        cls.check_subject(tickets, field_names)

    @classmethod
    def check_subject(cls, tickets, field_names=None):
        "Check that a ticket says whom to call back and about what"
        if field_names and not (field_names & {
                    'customer', 'contact', 'product', 'description'}):
            return
        for ticket in tickets:
            if not ticket.customer and not ticket.contact:
                raise TicketError(gettext(
                        'qms_aftersales.msg_ticket_customer_or_contact',
                        ticket=ticket.rec_name))
            if not ticket.product and not ticket.description:
                raise TicketError(gettext(
                        'qms_aftersales.msg_ticket_product_or_description',
                        ticket=ticket.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Configuration = pool.get('qms.aftersales.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            values['number'] = Configuration(1).ticket_sequence.get()
        if mode == 'create':
            values['store'] = cls._store_of(values.get('handling_unit'))
        return values

    @classmethod
    def _store_of(cls, unit_id):
        "Return the id of the unit if it is a store"
        Unit = Pool().get('qms.service.unit')
        if unit_id is not None and unit_id >= 0:
            unit = Unit(unit_id)
            if unit.kind == 'store':
                return unit.id

    @classmethod
    def create(cls, vlist):
        tickets = super().create(vlist)
        cls.set_deadlines(tickets)
        cls.check_dispatch([t for t in tickets if t.provider])
        return tickets

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        to_update, to_store, to_check = [], [], []
        for tickets, values in zip(actions, actions, strict=False):
            if values.keys() & {
                    'type', 'severity', 'date', 'adverse_seriousness'}:
                to_update.extend(tickets)
            if values.get('provider'):
                to_check.extend(tickets)
            store = cls._store_of(values.get('handling_unit'))
            if store:
                # a ticket dispatched to a store becomes the store's
                tickets = [t for t in cls.browse(tickets) if not t.store]
                if tickets:
                    to_store.extend((tickets, {'store': store}))
        if to_store:
            with without_check_access():
                cls.write(*to_store)
        if to_update:
            cls.set_deadlines(cls.browse(to_update))
        cls.check_dispatch(cls.browse(to_check))

    @classmethod
    def check_modification(cls, mode, tickets, values=None, external=False):
        super().check_modification(
            mode, tickets, values=values, external=external)
        if mode == 'delete':
            for ticket in tickets:
                if ticket.state not in {'new', 'cancelled'}:
                    raise AccessError(gettext(
                            'qms_aftersales.msg_ticket_delete',
                            ticket=ticket.rec_name))

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        for name in [
                'number', 'responded_at', 'resolved_at', 'closed_at',
                'resolution', 'callback_date', 'callback_by',
                'satisfaction', 'callback_remarks', 'complaint',
                'forwarded_at', 'forwarded_by', 'forwarded_to',
                'adverse_deadline']:
            default.setdefault(name)
        default.setdefault('callback_done', False)
        return super().copy(tickets, default=default)

    def get_deadlines(self):
        "Return the deadlines that follow from the terms of the ticket"
        return {
            'adverse_deadline': self.get_adverse_deadline(),
            }

    def get_adverse_deadline(self):
        "Return when the suspected adverse event must be reported"
        pool = Pool()
        Configuration = pool.get('qms.aftersales.configuration')
        if self.type != 'adverse_event':
            return
        config = Configuration(1)
        delay = {
            'death': dt.timedelta(days=config.adverse_death_days),
            'serious_injury': dt.timedelta(days=config.adverse_serious_days),
            'cluster': dt.timedelta(hours=config.adverse_cluster_hours),
            }.get(self.adverse_seriousness,
                dt.timedelta(days=config.adverse_other_days))
        return self.date + delay

    @classmethod
    def set_deadlines(cls, tickets):
        "Set the deadlines of the open tickets"
        to_write = []
        for ticket in tickets:
            if ticket.state in OPEN_STATES:
                to_write.extend(([ticket], ticket.get_deadlines()))
        if to_write:
            with without_check_access():
                cls.write(*to_write)

    @classmethod
    def check_dispatch(cls, tickets):
        for provider in {t.provider for t in tickets}:
            provider.check_dispatch()

    @classmethod
    def check_handling(cls, tickets):
        """Raise unless the user may write the tickets: units that
        received a ticket still read it after its escalation, but only
        the handling unit and those above act on it"""
        Rule = Pool().get('ir.rule')
        with check_access():
            Rule.check(cls.__name__, [t.id for t in tickets], 'write')

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, tickets):
        cls.check_handling(tickets)

    @classmethod
    @ModelView.button
    @Workflow.transition('new')
    def reset(cls, tickets):
        cls.check_handling(tickets)

    @classmethod
    @ModelView.button
    @Workflow.transition('assigned')
    def assign(cls, tickets):
        cls.check_handling(tickets)
        cls.check_dispatch([t for t in tickets if t.provider])

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, tickets):
        cls.check_handling(tickets)
        now = dt.datetime.now()
        cls.write([t for t in tickets if not t.responded_at], {
                'responded_at': now,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('resolved')
    def resolve(cls, tickets):
        cls.check_handling(tickets)
        for ticket in tickets:
            if not ticket.resolution:
                raise TicketError(gettext(
                        'qms_aftersales.msg_ticket_resolution_required',
                        ticket=ticket.rec_name))
        cls.write(tickets, {
                'resolved_at': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def reopen(cls, tickets):
        cls.check_handling(tickets)
        cls.write(tickets, {
                'resolved_at': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, tickets):
        cls.check_handling(tickets)
        for ticket in tickets:
            if not ticket.callback_done:
                raise TicketError(gettext(
                        'qms_aftersales.msg_ticket_callback_required',
                        ticket=ticket.rec_name))
            if ticket.type == 'adverse_event' and not ticket.forwarded_at:
                raise TicketError(gettext(
                        'qms_aftersales.msg_ticket_forward_required',
                        ticket=ticket.rec_name))
        cls.write(tickets, {
                'closed_at': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    def record_callback(cls, tickets):
        cls.check_handling(tickets)
        for ticket in tickets:
            if not ticket.satisfaction:
                raise TicketError(gettext(
                        'qms_aftersales.msg_ticket_satisfaction_required',
                        ticket=ticket.rec_name))
        cls.write(tickets, {
                'callback_done': True,
                'callback_date': dt.datetime.now(),
                'callback_by': Transaction().user,
                })
        cls.propose_violations(tickets)

    @classmethod
    def propose_violations(cls, tickets):
        "Propose a violation of the provider for unsatisfied callbacks"
        pool = Pool()
        Configuration = pool.get('qms.aftersales.configuration')
        Violation = pool.get('qms.provider.violation')
        Date = pool.get('ir.date')
        threshold = Configuration(1).callback_violation_satisfaction
        vlist = []
        for ticket in tickets:
            if (ticket.provider and ticket.satisfaction
                    and int(ticket.satisfaction) <= threshold):
                vlist.append({
                        'provider': ticket.provider.id,
                        'date': Date.today(),
                        'source': 'callback',
                        'ticket': ticket.id,
                        'store': ticket.store.id if ticket.store else None,
                        })
        return Violation.create(vlist)

    @classmethod
    @ModelView.button
    def forward(cls, tickets):
        cls.check_handling(tickets)
        now = dt.datetime.now()
        for ticket in tickets:
            if not ticket.forwarded_at:
                ticket.forwarded_at = now
                ticket.forwarded_by = Transaction().user
                ticket.forwarded_to = ticket.registrant
        cls.save(tickets)

    @classmethod
    @ModelView.button_action('qms_aftersales.act_complaint_form')
    def create_complaint(cls, tickets):
        cls.check_handling(tickets)
        pool = Pool()
        Complaint = pool.get('sale.complaint')
        complaints = []
        for ticket in tickets:
            if not ticket.complaint:
                ticket.complaint = ticket._get_complaint()
                complaints.append(ticket.complaint)
        Complaint.save(complaints)
        cls.save(tickets)
        return {
            'res_id': [c.id for c in complaints],
            }

    def _get_complaint(self):
        pool = Pool()
        Complaint = pool.get('sale.complaint')
        Configuration = pool.get('qms.aftersales.configuration')
        config = Configuration(1)
        if not config.complaint_type:
            raise TicketError(gettext(
                    'qms_aftersales.msg_ticket_complaint_type',
                    ticket=self.rec_name))
        if not self.customer:
            raise TicketError(gettext(
                    'qms_aftersales.msg_ticket_customer_required',
                    ticket=self.rec_name))
        complaint = Complaint(
            company=self.company,
            customer=self.customer,
            type=config.complaint_type,
            reference=self.number,
            description=self.description)
        if self.sale and config.complaint_type.origin.name == 'sale.sale':
            complaint.origin = self.sale
        return complaint

