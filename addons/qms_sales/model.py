# This file is part of the QMS modules for Tryton.
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import StateView

from .exceptions import FieldValueError

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
