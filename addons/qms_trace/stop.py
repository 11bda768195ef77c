# This file is part of the QMS modules for Tryton.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.qms_sales.model import ModelMixin, WorkflowGuardMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .exceptions import SalesStopError


class SalesStop(ModelMixin, WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'qms.sales.stop'
    __string__ = "Sales Stop"
    _workflow_fields = {
        'origin', 'stopped_by', 'stopped_at', 'registrant_notified',
        'registrant_notified_date', 'registrant_notified_by',
        'released_by', 'released_at'}
    _workflow_locked = True

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    product = fields.Many2One(
        'product.product', "Product", required=True, states=_states)
    lots = fields.Many2Many(
        'qms.sales.stop-stock.lot', 'stop', 'lot', "Lots",
        domain=[('product', '=', Eval('product', -1))],
        states=_states,
        help="Leave empty to stop every lot of the product.")
    lot_numbers = fields.Function(
        fields.Char("Lots"), 'get_lot_numbers')
    reason = fields.Text(
        "Reason",
        states={
            'readonly': _states['readonly'],
            'required': ~Eval('origin'),
            'invisible': Eval('state') != 'draft',
            },
        help="Why sales are stopped, in your words.")
    origin = fields.Reference(
        "Origin", selection='get_origin', readonly=True)
    description = fields.Function(fields.Text("Reason"), 'get_description')
    stopped_by = fields.Many2One('res.user', "Stopped by", readonly=True)
    stopped_at = fields.DateTime("Stopped at", readonly=True)
    registrant_notified = fields.Boolean("Registrant Notified", readonly=True)
    registrant_notified_date = fields.Date(
        "Registrant Notified on", readonly=True)
    registrant_notified_by = fields.Many2One(
        'res.user', "Registrant Notified by", readonly=True)
    released_by = fields.Many2One('res.user', "Released by", readonly=True)
    released_at = fields.DateTime("Released at", readonly=True)
    release_reason = fields.Text(
        "Release Reason",
        states={
            'readonly': Eval('state') == 'released',
            'invisible': Eval('state') != 'active',
            })
    release_description = fields.Function(fields.Text(
            "Release Reason",
            states={
                'invisible': Eval('state') != 'released',
                }),
        'get_release_description')
    state = fields.Selection([
            ('draft', "Draft"),
            ('active', "Active"),
            ('released', "Released"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('stopped_at', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'active'),
            ('active', 'released'),
            }
        cls._buttons.update({
                'stop': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'release': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                'notify_registrant': {
                    'invisible': ((Eval('state') == 'draft')
                        | Bool(Eval('registrant_notified'))),
                    'depends': ['state', 'registrant_notified'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def _get_origin(cls):
        return ['qms.recall']

    @classmethod
    def get_origin(cls):
        IrModel = Pool().get('ir.model')
        return [(None, '')] + [
            (m, IrModel.get_name(m)) for m in cls._get_origin()]

    def get_lot_numbers(self, name):
        return ', '.join(l.number for l in self.lots)

    def get_rec_name(self, name):
        lots = self.lot_numbers
        name = self.product.rec_name
        return '%s [%s]' % (name, lots) if lots else name

    def get_description(self, name):
        "Render the reason given by the origin in the reader's language"
        texts = []
        if self.origin and self.origin.__name__ == 'qms.recall':
            texts.append(gettext('qms_trace.msg_stop_recall_reason',
                    recall=self.origin.rec_name, reason=self.origin.reason))
        if self.reason:
            texts.append(self.reason)
        return '\n'.join(texts)

    def get_release_description(self, name):
        if self.release_reason:
            return self.release_reason
        if (self.origin and self.origin.__name__ == 'qms.recall'
                and self.origin.state == 'cancelled'):
            return gettext('qms_trace.msg_stop_recall_cancelled',
                recall=self.origin.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('product.rec_name', operator, operand, *extra),
            ('lots.number', operator, operand, *extra),
            ]

    @classmethod
    def check_modification(cls, mode, stops, values=None, external=False):
        super().check_modification(
            mode, stops, values=values, external=external)
        if mode == 'delete':
            for stop in stops:
                if stop.state != 'draft':
                    raise SalesStopError(gettext(
                            'qms_trace.msg_stop_delete_draft',
                            stop=stop.rec_name))

    @classmethod
    def copy(cls, stops, default=None):
        default = default.copy() if default is not None else {}
        for name in ['origin', 'stopped_by', 'stopped_at',
                'registrant_notified', 'registrant_notified_date',
                'registrant_notified_by', 'released_by', 'released_at',
                'release_reason']:
            default.setdefault(name, None)
        return super().copy(stops, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def stop(cls, stops):
        cls.write(stops, {
                'stopped_by': Transaction().user,
                'stopped_at': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('released')
    def release(cls, stops):
        for stop in stops:
            if not stop.release_reason:
                raise SalesStopError(gettext(
                        'qms_trace.msg_stop_release_reason',
                        stop=stop.rec_name))
        cls.write(stops, cls._release_values())

    @classmethod
    def release_by_origin(cls, stops):
        "Release the stops because their origin ended"
        stops = [s for s in stops if s.state == 'active']
        if stops:
            cls.write(stops, {'state': 'released', **cls._release_values()})

    @classmethod
    def _release_values(cls):
        return {
            'released_by': Transaction().user,
            'released_at': dt.datetime.now(),
            }

    @classmethod
    @ModelView.button
    def notify_registrant(cls, stops):
        Date = Pool().get('ir.date')
        cls.write([s for s in stops if not s.registrant_notified], {
                'registrant_notified': True,
                'registrant_notified_date': Date.today(),
                'registrant_notified_by': Transaction().user,
                })

    @classmethod
    def stopping_domain(cls, date=None):
        "Domain of the stops in force on date (now if None)"
        if date is None:
            return [('state', '=', 'active')]
        end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time())
        return [
            ('state', 'in', ['active', 'released']),
            ('stopped_at', '<', end),
            ['OR',
                ('released_at', '=', None),
                ('released_at', '>=', end),
                ],
            ]

    def covers(self, lot=None):
        "Tell if the stop covers the lot (or the whole product if None)"
        if not self.lots:
            return True
        return lot is not None and lot in self.lots


class SalesStopLot(ModelMixin, WorkflowGuardMixin, ModelSQL):
    __name__ = 'qms.sales.stop-stock.lot'
    __string__ = "Sales Stop - Lot"
    _workflow_parent = 'stop'

    stop = fields.Many2One(
        'qms.sales.stop', "Stop", required=True, ondelete='CASCADE')
    lot = fields.Many2One(
        'stock.lot', "Lot", required=True, ondelete='RESTRICT')


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    @classmethod
    def get_sales_stopped(cls, lots, date=None):
        "Return the lots a sales stop covers on date, in one search"
        Stop = Pool().get('qms.sales.stop')
        stops = Stop.search(Stop.stopping_domain(date) + [
                ('product', 'in', list({l.product.id for l in lots})),
                ])
        stopped = {l for l in lots
            if any(s.product == l.product and s.covers(l) for s in stops)}
        others = [l for l in lots if l not in stopped]
        stopped.update(super().get_sales_stopped(others, date=date))
        return [l for l in lots if l in stopped]
