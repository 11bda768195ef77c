# This file is part of the QMS modules for Tryton.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


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
