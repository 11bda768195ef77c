# This file is part of the QMS modules for Tryton.
from trytond.pool import PoolMeta
from trytond.transaction import Transaction


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def get_login(cls, login, parameters):
        # The web client sends the browser's language as a BCP 47 tag
        # (zh-CN) before login; Tryton's languages are codes (zh_CN)
        language = Transaction().context.get('language')
        if language and '-' in language:
            with Transaction().set_context(
                    language=language.replace('-', '_')):
                return super().get_login(login, parameters)
        return super().get_login(login, parameters)
