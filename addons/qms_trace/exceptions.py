# This file is part of the QMS modules for Tryton.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError


class RecordError(UserError):
    pass


class RecordMissingError(RecordError):
    pass


class RecordAccessError(AccessError):
    pass
