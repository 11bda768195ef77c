# This file is part of the QMS modules for Tryton.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError, ValidationError


class RegistrationNumberError(ValidationError):
    pass


class LegacyRegistrationNumberWarning(UserWarning):
    pass


class RegistrationPeriodError(ValidationError):
    pass


class RegistrationRenewError(UserError):
    pass


class CategoryCodeError(ValidationError):
    pass


class QualificationNumberError(ValidationError):
    pass


class GateError(UserError):
    "An action blocked by the qualification gate"


class OverrideError(AccessError):
    pass


class ConcessionError(ValidationError):
    pass


class ImplantableLotError(ValidationError):
    pass


class ImplantSerialError(UserError):
    pass


class FieldValueError(ValidationError):
    pass


class RegistrationDeleteError(UserError):
    pass


class SaleLineValueError(ValidationError):
    pass
