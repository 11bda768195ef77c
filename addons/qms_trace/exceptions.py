# This file is part of the QMS modules for Tryton.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class RecordError(UserError):
    pass


class RecordMissingError(RecordError):
    pass


class RecordAccessError(AccessError):
    pass


class SalesStopError(UserError):
    pass


class RecallError(UserError):
    pass


class RecallRecordError(RecallError, AccessError):
    "A recall line is a record: only the recall's workflow changes it"


class ShelfLifeError(ValidationError):
    pass


class UDIError(UserError):
    pass


class ScanError(UserError):
    pass


class LotNumberError(UserError):
    pass
