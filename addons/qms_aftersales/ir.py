# This file is part of the QMS modules for Tryton.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import check_access


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "qms_units" as list of service unit ids '
            'of the current user')

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        return (*key, User.get_qms_units())

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        context['qms_units'] = User.get_qms_units()
        return context


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('qms.ticket|escalate_overdue',
                    "Escalate Overdue Service Tickets"),
                ('qms.service.report.weekly|generate',
                    "Generate Weekly Service Quality Reports"),
                ('qms.provider.sanction|apply_ladder_last_month',
                    "Apply the Provider Sanction Ladder"),
                ('qms.training.pass_rate|assess_last_quarter',
                    "Assess Provider Training"),
                ])


class ChatChannel(metaclass=PoolMeta):
    __name__ = 'ir.chat.channel'

    @classmethod
    def check_access(cls, resource):
        "Keep the discussion of a ticket to those who may read the ticket"
        pool = Pool()
        Rule = pool.get('ir.rule')
        super().check_access(resource)
        model, id_ = str(resource).split(',')
        if model == 'qms.ticket':
            with check_access():
                Rule.check(model, [int(id_)], 'read')
