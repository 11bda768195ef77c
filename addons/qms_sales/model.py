# This file is part of the QMS modules for Tryton.
import datetime as dt
from decimal import Decimal

from sql import Column, Null, Window
from sql.conditionals import Coalesce
from sql.functions import Lag
from sql.operators import IsDistinct, Or

from trytond.i18n import gettext
from trytond.model import EvalEnvironment, Model, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import StateView

from .exceptions import FieldValueError

__all__ = ['WorkflowGuardMixin', 'ModelMixin', 'WizardMixin', 'RevisionMixin']


class WorkflowGuardMixin:
    """Refuse to the client the changes only a workflow makes

    The rules apply to external calls (RPC: the web client, proteus,
    scripts); the buttons, crons and the modules' own code write freely:

    - the fields of _workflow_fields (and the state of a Workflow) are set
      only by buttons or the system: an external create leaves them at
      their default, an external write does not set them;
    - with _workflow_locked, an external write changes no field that is
      read-only on the record as it is stored (`readonly` or its `states`):
      the server allows what the form shows;
    - with _workflow_parent, the name of a Many2One, the records are
      created, written and deleted externally only while the parent's list
      of them is editable (the items of a finished inspection stay).
    """
    __slots__ = ()
    _workflow_fields = frozenset()
    _workflow_locked = False
    _workflow_parent = None

    @classmethod
    def create(cls, vlist):
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            names = cls.workflow_fields()
            for values in vlist:
                forged = {n for n in names & values.keys()
                    if not cls._workflow_default(n, values[n])}
                if forged:
                    raise AccessError(gettext(
                            'qms_sales.msg_workflow_create',
                            model=cls.__names__()['model'],
                            fields=field_strings(cls, forged)))
        return super().create(vlist)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if external:
            cls.check_workflow_modification(mode, records, values)

    @classmethod
    def workflow_fields(cls):
        "Return the names of the fields only the workflow sets"
        names = set(cls._workflow_fields)
        state = getattr(cls, '_transition_state', None)
        if state in cls._fields:
            names.add(state)
        return names

    @classmethod
    def check_workflow_modification(cls, mode, records, values):
        names = cls.workflow_fields()
        for record in records:
            forged = names & values.keys() if mode == 'write' else set()
            if forged:
                raise AccessError(gettext('qms_sales.msg_workflow_fields',
                        model=cls.__names__()['model'],
                        record=record.rec_name,
                        fields=field_strings(cls, forged)))
            if mode == 'write' and cls._workflow_locked:
                locked = {n for n in values.keys() & cls._fields.keys()
                    if record._workflow_readonly(n)}
                if locked:
                    raise record._workflow_locked_error(locked)
            if cls._workflow_parent:
                parent = getattr(record, cls._workflow_parent)
                if parent is not None:
                    name = parent._workflow_children(cls, cls._workflow_parent)
                    if parent._workflow_readonly(name):
                        raise parent._workflow_locked_error({name})

    @classmethod
    def _workflow_default(cls, name, value):
        "Tell if value is the default of the field (or both are empty)"
        default = cls._defaults[name]() if name in cls._defaults else None
        return value == default or not (value or default)

    def _workflow_readonly(self, name):
        "Tell if the field is read-only on the record as stored"
        field = self._fields[name]
        if field.readonly:
            return True
        readonly = field.states.get('readonly')
        if readonly is None:
            return False
        env = EvalEnvironment(self, self.__class__)
        env['context'] = Transaction().context
        env['active_model'] = self.__name__
        env['active_id'] = self.id
        return bool(PYSONDecoder(env).decode(PYSONEncoder().encode(readonly)))

    @classmethod
    def _workflow_children(cls, Child, parent):
        "Return the name of the field listing the Child records of parent"
        for name, field in cls._fields.items():
            if ((field._type == 'one2many'
                        and field.model_name == Child.__name__
                        and field.field == parent)
                    or (field._type == 'many2many'
                        and field.relation_name == Child.__name__
                        and field.origin == parent)):
                return name
        raise ValueError(f"{cls.__name__} has no field of {Child.__name__}")

    def _workflow_locked_error(self, names):
        state = getattr(self, '_transition_state', None)
        if state in self._fields:
            selection = dict(self.fields_get([state])[state]['selection'])
            state = selection.get(getattr(self, state), getattr(self, state))
        return AccessError(gettext('qms_sales.msg_workflow_locked',
                model=self.__names__()['model'],
                record=self.rec_name,
                fields=field_strings(self.__class__, names),
                state=state or ''))


def field_strings(Model, names):
    "Return the labels of the fields of Model, quoted and sorted"
    definitions = Model.fields_get(list(names))
    return ', '.join(
        '"%s"' % definitions[n]['string'] for n in sorted(names))


# the largest magnitude of a number a QMS field stores: far above any
# amount, quantity or price, far below what breaks the database or Decimal
NUMBER_LIMIT = 10 ** 12
# PostgreSQL's INTEGER
INTEGER_LIMIT = 2 ** 31


def _is_number(value):
    return (isinstance(value, (int, float, Decimal))
        and not isinstance(value, bool))


def _finite(value):
    if isinstance(value, Decimal):
        return value.is_finite()
    return value == value and value not in {float('inf'), float('-inf')}


def _iso(value, type_):
    if not isinstance(value, str):
        return False
    try:
        type_.fromisoformat(value)
    except ValueError:
        return False
    return True


def _text(value):
    if not isinstance(value, str):
        return False
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


# field type: (test of a value that is not None, message of what is expected)
VALUE_TESTS = {
    'float': (lambda v: _is_number(v) and _finite(v)
        and abs(v) < NUMBER_LIMIT, 'qms_sales.msg_value_number'),
    'numeric': (lambda v: _is_number(v) and _finite(v)
        and abs(v) < NUMBER_LIMIT, 'qms_sales.msg_value_number'),
    'integer': (lambda v: isinstance(v, int) and not isinstance(v, bool)
        and abs(v) < INTEGER_LIMIT, 'qms_sales.msg_value_integer'),
    'date': (lambda v: (isinstance(v, dt.date)
            and not isinstance(v, dt.datetime)) or _iso(v, dt.date),
        'qms_sales.msg_value_date'),
    'datetime': (lambda v: isinstance(v, dt.datetime)
        or _iso(v, dt.datetime), 'qms_sales.msg_value_datetime'),
    'timestamp': (lambda v: isinstance(v, dt.datetime)
        or _iso(v, dt.datetime), 'qms_sales.msg_value_datetime'),
    'char': (_text, 'qms_sales.msg_value_text'),
    'text': (_text, 'qms_sales.msg_value_text'),
    'selection': (lambda v: not isinstance(v, str) or _text(v),
        'qms_sales.msg_value_text'),
    'many2one': (lambda v: isinstance(v, Model) or (
            isinstance(v, int) and not isinstance(v, bool)
            and 0 <= v < INTEGER_LIMIT), 'qms_sales.msg_value_record'),
    'timedelta': (lambda v: isinstance(v, dt.timedelta),
        'qms_sales.msg_value_duration'),
    }


def check_values(Model, values):
    """Raise a user error for a value of values that the field of Model
    cannot store: wrong type, NaN, infinity, out of bounds, a datetime for
    a date, text that is not Unicode; core Tryton would fail on them with
    a server error"""
    if not isinstance(values, dict):
        return
    for name, value in values.items():
        field = Model._fields.get(name)
        if field is None or value is None:
            continue
        test = VALUE_TESTS.get(getattr(field, '_field', field)._type)
        if test and not test[0](value):
            text = repr(value)
            raise FieldValueError(gettext(test[1],
                    value=text if len(text) <= 40 else text[:37] + '...',
                    **Model.__names__(name)))


class ModelMixin:
    """The guards every QMS model has on top of core Tryton:
    - export_data applies the record rules, as read does;
    - created and written values are sane or refused with a user error;
    - models computed by an SQL query refuse create, write and delete with
      an access error"""
    __slots__ = ()

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        # core Tryton reads the exported records without the record rules
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            cls.read([r.id for r in records], ['id'])
        return super().export_data(records, fields_names, header=header)

    @classmethod
    def create(cls, vlist):
        cls._check_computed()
        for values in vlist:
            check_values(cls, values)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        cls._check_computed()
        for values in args[1::2]:
            check_values(cls, values)
        super().write(*args)

    @classmethod
    def delete(cls, records):
        cls._check_computed()
        super().delete(records)

    @classmethod
    def _check_computed(cls):
        if cls._is_table_query():
            raise AccessError(gettext('qms_sales.msg_model_computed',
                    **cls.__names__()))


class WizardMixin:
    "Values entered in a QMS wizard are sane or refused with a user error"
    __slots__ = ()

    @classmethod
    def execute(cls, session_id, data, state_name):
        pool = Pool()
        for name, values in data.items():
            state = cls.states.get(name)
            if isinstance(state, StateView):
                check_values(pool.get(state.model_name), values)
        return super().execute(session_id, data, state_name)


class RevisionMixin(ModelMixin):
    """The change log of a model with _history, computed from its history
    table: one row for each version that changes one of the fields of the
    log, the newest first

    _revision_model is the name of the model, _revision_field the name of
    the Many2One to its record; the other fields of the log are read from
    the history columns of the same name."""
    __slots__ = ()
    _revision_model = None
    _revision_field = None

    date = fields.Timestamp("Date")
    user = fields.Many2One('res.user', "User")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def _revision_columns(cls):
        "Return the names of the fields copied from the history"
        skip = {'id', 'date', 'user', cls._revision_field,
            'create_uid', 'create_date', 'write_uid', 'write_date'}
        return sorted(n for n, f in cls._fields.items()
            if n not in skip and not isinstance(f, fields.Function))

    @classmethod
    def table_query(cls):
        pool = Pool()
        history = pool.get(cls._revision_model).__table_history__()
        names = cls._revision_columns()
        version = Column(history, '__id')
        window = Window([history.id], order_by=[version.asc])
        versions = history.select(
            version.as_('id'),
            history.create_uid, history.create_date,
            history.write_uid, history.write_date,
            history.id.as_(cls._revision_field),
            Coalesce(history.write_date, history.create_date).as_('date'),
            Coalesce(history.write_uid, history.create_uid).as_('user'),
            Lag(version, window=window).as_('previous'),
            *(Column(history, n).as_(n) for n in names),
            *(Lag(Column(history, n), window=window).as_(f'previous_{n}')
                for n in names),
            # the row of a deletion has only the id and the write columns
            where=history.create_date != Null)
        changed = Or([IsDistinct(
                    Column(versions, n), Column(versions, f'previous_{n}'))
                for n in names])
        return versions.select(
            *(Column(versions, n) for n in [
                    'id', 'create_uid', 'create_date', 'write_uid',
                    'write_date', cls._revision_field, 'date', 'user',
                    *names]),
            where=(Column(versions, 'previous') == Null) | changed)
