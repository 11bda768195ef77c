# This file is part of the QMS modules for Tryton.
from trytond.i18n import gettext
from trytond.model import EvalEnvironment
from trytond.model.exceptions import AccessError
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.transaction import Transaction

__all__ = ['WorkflowGuardMixin']


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
