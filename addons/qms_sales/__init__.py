# This file is part of the QMS modules for Tryton.
