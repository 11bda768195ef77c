# This file is part of the QMS modules for Tryton.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class GateError(UserError):
    "An action blocked by the qualification gate"


class OverrideError(AccessError):
    pass


class ConcessionError(ValidationError):
    pass
