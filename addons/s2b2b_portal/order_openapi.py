# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The OpenAPI description of the order endpoints (order_api.py): paths,
schemas and parameters that openapi.py merges into the document."""
from .openapi import (
    WRITE_ERRORS, _params, body, created, nullable, ok, operation,
    page_schema, ref)
from .order_views import PURCHASE_STATES, STATUSES

TAG = 'Orders'
READ, WRITE = 'orders:read', 'orders:write'
REFUSED = WRITE_ERRORS + ('409', '422')


def _get(op_id, summary, schema, parameters):
    return {'get': operation(op_id, summary, TAG, READ, ok(summary, schema),
            parameters=parameters)}


def _post(op_id, summary, response, ids, request=None):
    extra = {'requestBody': body(request)} if request else {}
    return {'post': operation(op_id, summary, TAG, WRITE, response,
            errors=REFUSED, parameters=_params(*ids, 'IdempotencyKey'),
            **extra)}


def _action(op_id, summary, schema, ids, request=None):
    return _post(op_id, summary, ok(summary, ref(schema)), ids, request)


def paths():
    order, line, shipment = ['OrderId'], ['OrderLineId'], ['ShipmentId']
    purchase, change, ret = ['PurchaseId'], ['ChangeId'], ['ReturnId']
    return {
        '/orders': {
            **_get('listOrders', "The buyer's orders",
                page_schema('OrderSummary'),
                _params('Page', 'PerPage', 'OrderStatus')),
            **_post('createOrder', "Place an order: every line checked "
                "(422 lists every problem), the stock taken, the order "
                "received and its documents made in the background",
                created('OrderCreated'), [], 'OrderCreate'),
            },
        '/orders/{order_id}': _get('getOrder', "An order with its lines, "
            "suppliers, shipments, changes, returns and invoices",
            ref('Order'), _params(*order)),
        '/orders/{order_id}/approve': _action('approveOrder', "Approve an "
            "order waiting for approval (the key's creator is an approver)",
            'Order', order),
        '/orders/{order_id}/refuse': _action('refuseOrder', "Refuse an "
            "order waiting for approval, with a reason", 'Order', order,
            'Reason'),
        '/orders/{order_id}/cancel': _action('cancelOrder', "Cancel an "
            "order before anything is shipped, with a reason", 'Order',
            order, 'Reason'),
        '/order-lines/{line_id}/changes': _post('requestOrderChange',
            "Ask the supplier to change a line's quantity or date",
            created('OrderChange'), line, 'OrderChangeCreate'),
        '/order-lines/{line_id}/returns': _post('requestOrderReturn',
            "Ask the supplier to take back a quantity received",
            created('OrderReturn'), line, 'OrderReturnCreate'),
        '/shipments/{shipment_id}/receive': _action('receiveShipment',
            "Confirm receipt of a shipped shipment", 'Shipment', shipment),
        '/purchase-orders': _get('listPurchaseOrders', "The supplier's "
            "incoming orders", page_schema('PurchaseOrderSummary'),
            _params('Page', 'PerPage', 'PurchaseState')),
        '/purchase-orders/{purchase_id}': _get('getPurchaseOrder',
            "An incoming order with its shipments, changes and returns",
            ref('PurchaseOrder'), _params(*purchase)),
        '/purchase-orders/{purchase_id}/confirm': _action(
            'confirmPurchaseOrder', "Confirm an incoming order",
            'PurchaseOrder', purchase),
        '/purchase-orders/{purchase_id}/reject': _action(
            'rejectPurchaseOrder', "Reject an incoming order with a reason",
            'PurchaseOrder', purchase, 'Reason'),
        '/shipments/{shipment_id}/ship': _action('shipShipment', "Ship "
            "in full, or the quantities of some moves (the rest waits in a "
            "new shipment)", 'Shipments', shipment, 'ShipmentShip'),
        '/order-changes/{change_id}/accept': _action('acceptOrderChange',
            "Accept a change request", 'OrderChange', change),
        '/order-changes/{change_id}/refuse': _action('refuseOrderChange',
            "Refuse a change request with a reason", 'OrderChange', change,
            'Reason'),
        '/order-returns/{return_id}/accept': _action('acceptOrderReturn',
            "Accept a return request", 'OrderReturn', ret),
        '/order-returns/{return_id}/refuse': _action('refuseOrderReturn',
            "Refuse a return request with a reason", 'OrderReturn', ret,
            'Reason'),
        '/order-returns/{return_id}/receive': _action('receiveOrderReturn',
            "The returned goods are back", 'OrderReturn', ret),
        }


def _object(required, **properties):
    return {'type': 'object', 'required': list(required),
        'properties': properties}


def schemas():
    decimal = nullable('string', description="Decimal")
    text = nullable('string')
    when = nullable('string', description="ISO 8601 date or date-time")
    integer = {'type': 'integer'}
    number = {'type': 'number'}
    state = {'type': 'string'}
    move = _object(['id', 'quantity'], id=integer, product=state,
        quantity=number, unit=state)
    shipment = _object(['id', 'state'], id=integer, number=text,
        state=state, state_string=state, carrier=text,
        tracking_number=text, promised_date=when,
        moves={'type': 'array', 'items': move})
    change = _object(['id', 'line', 'state'], id=integer, line=integer,
        line_name=state, quantity=number,
        new_quantity=nullable('number'), new_date=when, reason=state,
        state=state, state_string=state, refusal_reason=text)
    ret = _object(['id', 'line', 'quantity', 'state'], id=integer,
        line=integer, line_name=state, quantity=number, reason=state,
        state=state, state_string=state, refusal_reason=text)
    summary = {'id': integer, 'number': text, 'reference': text,
        'created': when, 'amount': decimal, 'currency': state,
        'status': {'enum': STATUSES + ['refused']},
        'status_string': state, 'state': {'enum': ['received', 'placed']},
        'suppliers': {'type': 'array', 'items': state}}
    purchase = {'id': integer, 'number': text, 'buyer': text,
        'state': state, 'state_string': state, 'created': when,
        'confirm_due': when, 'amount': decimal, 'currency': state}
    reason = {'reason': {'type': 'string', 'maxLength': 2000}}
    return {
        'OrderCreate': {'type': 'object', 'additionalProperties': False,
            'required': ['lines'], 'properties': {
                'lines': {'type': 'array', 'minItems': 1, 'maxItems': 200,
                    'items': {'type': 'object',
                        'additionalProperties': False,
                        'required': ['listing', 'quantity'],
                        'properties': {'listing': integer,
                            'quantity': {'type': 'number',
                                'exclusiveMinimum': 0}}}},
                'delivery_address': {'type': 'integer', 'description':
                    "An address of the buyer's party (default: its "
                    "delivery address)"},
                'reference': {'type': 'string', 'maxLength': 255}}},
        'ContractOrder': {'type': 'object', 'additionalProperties': False,
            'properties': {
                'delivery_address': {'type': 'integer', 'description':
                    "An address of the buyer's party (default: the "
                    "contract's, else the party's delivery address)"},
                'reference': {'type': 'string', 'description': "The "
                    "buyer's own order number (default: the contract's)"},
                }},
        'OrderCreated': _object(['id', 'state'], id=integer,
            state={'enum': ['received', 'placed']}),
        'OrderSummary': _object(['id', 'status'], **summary),
        'Order': _object(['id', 'status', 'lines'], **{
                k: v for k, v in summary.items() if k != 'suppliers'},
            delivery=text, ordered_by=text, approval=text,
            refusal_reason=text, can_cancel={'type': 'boolean'},
            lines={'type': 'array', 'items': {'type': 'object'}},
            suppliers={'type': 'array', 'items': {'type': 'object',
                    'properties': {'id': integer, 'supplier': state,
                        'state': state, 'reject_reason': text,
                        'shipments': {'type': 'array',
                            'items': ref('Shipment')}}}},
            changes={'type': 'array', 'items': ref('OrderChange')},
            returns={'type': 'array', 'items': ref('OrderReturn')},
            invoices={'type': 'array', 'items': {'type': 'object'}}),
        'PurchaseOrderSummary': _object(['id', 'state'], **purchase),
        'PurchaseOrder': _object(['id', 'state', 'lines'], **purchase,
            delivery=text, reject_reason=text,
            lines={'type': 'array', 'items': {'type': 'object'}},
            shipments={'type': 'array', 'items': ref('Shipment')},
            changes={'type': 'array', 'items': ref('OrderChange')},
            returns={'type': 'array', 'items': ref('OrderReturn')}),
        'Shipment': shipment,
        'Shipments': _object(['items'], items={'type': 'array',
                'items': ref('Shipment')}),
        'OrderChange': change,
        'OrderReturn': ret,
        'Reason': {'type': 'object', 'additionalProperties': False,
            'properties': reason},
        'OrderChangeCreate': {'type': 'object',
            'additionalProperties': False, 'required': ['reason'],
            'properties': {**reason, 'quantity': {'type': 'number'},
                'date': {'type': 'string', 'format': 'date'}}},
        'OrderReturnCreate': {'type': 'object',
            'additionalProperties': False,
            'required': ['quantity', 'reason'],
            'properties': {**reason, 'quantity': {'type': 'number'}}},
        'ShipmentShip': {'type': 'object', 'additionalProperties': False,
            'required': ['carrier', 'tracking_number'], 'properties': {
                'carrier': {'type': 'string', 'maxLength': 255},
                'tracking_number': {'type': 'string', 'maxLength': 255},
                'moves': {'type': 'array', 'description': "Moves shipped "
                    "in part; the others ship in full", 'items': {
                        'type': 'object', 'required': ['move', 'quantity'],
                        'properties': {'move': integer,
                            'quantity': number}}}}},
        }


def parameters():
    def path(name, description):
        return {'name': name, 'in': 'path', 'required': True,
            'description': description,
            'schema': {'type': 'integer', 'minimum': 1}}
    return {
        'OrderId': path('order_id', "Id of the order"),
        'OrderLineId': path('line_id', "Id of the order line"),
        'ShipmentId': path('shipment_id', "Id of the shipment"),
        'PurchaseId': path('purchase_id', "Id of the incoming order"),
        'ChangeId': path('change_id', "Id of the change request"),
        'ReturnId': path('return_id', "Id of the return request"),
        'OrderStatus': {'name': 'status', 'in': 'query', 'required': False,
            'description': "Only orders in this status",
            'schema': {'enum': STATUSES}},
        'PurchaseState': {'name': 'state', 'in': 'query',
            'required': False, 'description': "Only orders in this state",
            'schema': {'enum': PURCHASE_STATES}},
        }
