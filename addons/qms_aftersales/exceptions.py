# This file is part of the QMS modules for Tryton.
from trytond.exceptions import UserError


class ServiceUnitError(UserError):
    pass


class TicketError(UserError):
    pass


class FundClaimError(UserError):
    pass


class DispatchError(UserError):
    pass


class NonconformityError(UserError):
    pass


class InspectionError(UserError):
    pass
