# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Exception alerts: what went wrong or is late in the order flow.

An alert is raised at most once while open for a kind and a resource
(an exclusion constraint); raising it again counts an occurrence.  The
member concerned is told in the portal and by e-mail when it is first
raised.  Intake raises stock shortages; a cron every 15 minutes raises
late confirmations, late shipments and RFQ deadlines, and resolves the
alerts whose cause has gone."""
import datetime as dt
import logging
import time

from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    Exclude, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.model.exceptions import SQLConstraintError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from . import ordering

logger = logging.getLogger(__name__)

KINDS = [
    ('stock_short', "Stock Short"),
    ('confirm_late', "Confirmation Late"),
    ('ship_late', "Shipment Late"),
    ('rfq_deadline', "RFQ Deadline Close"),
    ('calloff_refused', "Call-off Refused"),
    ]


class Alert(Workflow, ModelSQL, ModelView):
    "Order Exception Alert"
    __name__ = 's2b2b.alert'

    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    kind_string = kind.translated('kind')
    member = fields.Many2One(
        's2b2b.member', "Member", readonly=True, ondelete='CASCADE',
        help="The member that has to act.")
    resource = fields.Reference(
        "Resource", selection='get_resources', required=True, readonly=True)
    message = fields.Text("Message", readonly=True)
    quantity = fields.Float("Quantity", readonly=True,
        states={'invisible': Eval('kind') != 'stock_short'},
        help="The largest quantity asked of a listing short of stock.")
    occurrences = fields.Integer("Occurrences", readonly=True,
        help="How many times the alert was raised while open.")
    last_raised = fields.DateTime("Last Raised", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('resolved', "Resolved"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    resolved_at = fields.DateTime("Resolved", readonly=True)
    resolved_by = fields.Many2One('res.user', "Resolved by", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('open_unique', Exclude(t, (t.kind, Equal), (t.resource, Equal),
                    where=t.state == 'open'),
                's2b2b_procurement.msg_alert_open_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.kind, Index.Equality(cardinality='low'))),
                Index(t, (t.member, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.resource, Index.Equality()),
                    where=t.state == 'open'),
                })
        cls._order = [('last_raised', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('open', 'resolved')}
        cls._buttons.update({
                'resolve': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_occurrences(cls):
        return 1

    @classmethod
    def get_resources(cls):
        Model = Pool().get('ir.model')
        return [(None, '')] + Model.get_name_items()

    @classmethod
    @ModelView.button
    @Workflow.transition('resolved')
    def resolve(cls, alerts):
        cls.write(alerts, {
                'resolved_at': dt.datetime.now(),
                'resolved_by': Transaction().user or None,
                })

    @classmethod
    def raise_(cls, values):
        """Raise alerts from dicts of kind, member, resource, message.

        An open alert of the same kind and resource counts an occurrence
        instead; members are notified of the new alerts only."""
        values = _unique(values)
        if not values:
            return []
        with without_check_access():
            existing = cls._open(values)
            again = []
            for value in values:
                if alert := existing.get(_key(value)):
                    alert.occurrences += 1
                    alert.last_raised = dt.datetime.now()
                    alert.message = value.get('message', alert.message)
                    alert.quantity = max(
                        alert.quantity or 0, value.get('quantity') or 0)
                    again.append(alert)
            new = [cls(**v, last_raised=dt.datetime.now())
                for v in values if _key(v) not in existing]
            cls.save(again + new)
            cls.notify(new)
        return again + new

    @classmethod
    def _open(cls, values):
        "{(kind, resource): open alert} among those of values"
        resources = list({str(v['resource']) for v in values})
        alerts = cls.search([
                ('state', '=', 'open'),
                ('resource', 'in', resources),
                ])
        return {(a.kind, str(a.resource)): a for a in alerts}

    @classmethod
    def notify(cls, alerts):
        "Tell the members concerned in the portal and by e-mail"
        Notification = Pool().get('s2b2b.notification')
        notifications = []
        for alert in alerts:
            if not alert.member:
                continue
            lang = alert.member.party.lang
            with Transaction().set_context(
                    language=lang.code if lang else None):
                notifications.append(Notification(
                        member=alert.member, kind=f'alert.{alert.kind}',
                        resource=alert.resource,
                        subject=gettext(
                            f's2b2b_procurement.msg_alert_{alert.kind}'
                            '_subject', resource=alert.resource.rec_name),
                        body=alert.message))
        Notification.notify(notifications)

    @classmethod
    def raise_after_rollback(cls, values):
        """Raise the alerts in a transaction of their own once the current
        one has ended: the error that goes with them rolls it back"""
        transaction = Transaction()
        values = [{**v, 'resource': str(v['resource']),
                'member': int(v['member']) if v.get('member') else None}
            for v in values]
        transaction.atexit(
            _raise_later, transaction.database.name, values,
            transaction.context.get('language'))

    @classmethod
    def resolve_gone(cls, kind, resources):
        "Resolve the open alerts of kind whose resource is in resources"
        alerts = cls.search([
                ('kind', '=', kind), ('state', '=', 'open'),
                ('resource', 'in', [str(r) for r in resources]),
                ])
        if alerts:
            cls.resolve(alerts)

    @classmethod
    def check(cls):
        "Cron: raise what is late, resolve what is no longer"
        with without_check_access():
            cls.raise_(cls._confirm_late_alerts()
                + cls._ship_late_alerts() + cls._rfq_deadline_alerts())
            cls._resolve_stale()

    @classmethod
    def _confirm_late_alerts(cls):
        "Supplier orders waiting for the supplier beyond the SLA"
        Purchase = Pool().get('purchase.purchase')
        purchases = Purchase.search([
                ('state', '=', 'quotation'),
                ('s2b2b_supplier', '!=', None),
                ('s2b2b_confirm_due', '<', dt.datetime.now()),
                ])
        return [{
                'kind': 'confirm_late', 'member': p.s2b2b_supplier,
                'resource': p,
                'message': gettext('s2b2b_procurement.msg_alert_confirm_late',
                    purchase=p.rec_name,
                    due=p.s2b2b_confirm_due.strftime('%Y-%m-%d %H:%M')),
                } for p in purchases]

    @classmethod
    def _ship_late_alerts(cls):
        "Drop shipments not sent by the date the supplier promised"
        pool = Pool()
        Shipment = pool.get('stock.shipment.drop')
        today = pool.get('ir.date').today()
        shipments = Shipment.search([
                ('state', '=', 'waiting'),
                ('s2b2b_supplier', '!=', None),
                ('s2b2b_promised_date', '<', today),
                ])
        return [{
                'kind': 'ship_late', 'member': s.s2b2b_supplier,
                'resource': s,
                'message': gettext('s2b2b_procurement.msg_alert_ship_late',
                    shipment=s.rec_name,
                    date=s.s2b2b_promised_date.isoformat()),
                } for s in shipments
            if ordering.ship_overdue(s.s2b2b_promised_date, today)]

    @classmethod
    def _rfq_deadline_alerts(cls):
        """Alerts of RFQs whose deadline is close (rfq_warning_hours): the
        RFQ module overrides this hook"""
        return []

    @classmethod
    def _resolve_stale(cls):
        "Resolve the alerts whose cause has gone"
        alerts = cls.search([('state', '=', 'open')])
        stale = [a for a in alerts if a.is_stale()]
        if stale:
            cls.resolve(stale)

    def is_stale(self):
        "The alert's cause has gone"
        resource = self.resource
        if resource is None or resource.id is None or resource.id < 0:
            return True
        if self.kind == 'stock_short':
            return resource.available_quantity >= (self.quantity or 1)
        if self.kind == 'confirm_late':
            return resource.state != 'quotation'
        if self.kind == 'ship_late':
            return resource.state != 'waiting'
        if self.kind == 'calloff_refused':
            return resource.state != 'planned'
        return False


def _key(values):
    return (values['kind'], str(values['resource']))


def _unique(values):
    "One of each (kind, resource): the last wins"
    return list({_key(v): v for v in values}.values())


def _raise_later(database_name, values, language, retry=5):
    "Raise alerts in a new transaction; the records may have gone"
    from trytond import backend
    pool = Pool(database_name)
    for count in range(retry + 1):
        try:
            with Transaction(new=True).start(database_name, 0,
                    context={'language': language}):
                Alert = pool.get('s2b2b.alert')
                Alert.raise_(_existing(values))
            return
        except SQLConstraintError:
            # Another transaction raised the same alert at the same time
            logger.info("alert raised concurrently: %s", values)
            return
        except backend.DatabaseOperationalError:
            # Another transaction counted an occurrence at the same time
            time.sleep(0.02 * (count + 1))
        except Exception:
            logger.exception("could not raise alerts %s", values)
            return


def _existing(values):
    "The values whose resource and member still exist"
    pool = Pool()
    Member = pool.get('s2b2b.member')
    kept = []
    for value in values:
        name, id_ = value['resource'].split(',')
        Model = pool.get(name)
        if not Model.search([('id', '=', int(id_))], limit=1):
            continue
        if value.get('member') and not Member.search(
                [('id', '=', value['member'])], limit=1):
            continue
        kept.append(value)
    return kept
