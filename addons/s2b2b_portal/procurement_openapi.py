# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The OpenAPI description of the procurement endpoints
(procurement_api.py): paths, schemas and parameters that openapi.py
merges into the document."""
from trytond.modules.s2b2b_procurement.requirement import (
    STATES as REQUIREMENT_STATES)
from trytond.modules.s2b2b_procurement.rfq import Rfq, SCOPES, SIDES

from .openapi import (
    WRITE_ERRORS, _params, body, created, enum, nullable, ok, operation,
    page_schema, ref)

TAG = 'Procurement'
READ, WRITE = 'procurement:read', 'procurement:write'
# Requests the procurement rules may refuse (422) after reading them
REFUSED = WRITE_ERRORS + ('409', '422')
ACTIONS = ['counter', 'accept', 'decline']


def _get(op_id, summary, schema, parameters, **extra):
    return operation(op_id, summary, TAG, READ, ok(summary, schema),
        parameters=parameters, **extra)


def _post(op_id, summary, response, parameters, request=None, **extra):
    if request:
        extra['requestBody'] = body(request)
    return operation(op_id, summary, TAG, WRITE, response, errors=REFUSED,
        parameters=parameters + _params('IdempotencyKey'), **extra)


def _action(op_id, summary, schema, ids, request=None):
    return {'post': _post(op_id, summary, ok(summary, ref(schema)),
            _params(*ids), request=request)}


def paths_requirements():
    requirement = _params('RequirementId')
    return {
        '/requirements': {
            'get': _get('listRequirements', "The buyer's requirements",
                page_schema('Requirement'), _params(
                    'Page', 'PerPage', 'RequirementState')),
            'post': _post('createRequirement',
                "Write a requirement in draft", created('Requirement'), [],
                request='RequirementCreate'),
            },
        '/requirements/{requirement_id}': {'get': _get('getRequirement',
                "A requirement", ref('Requirement'), requirement)},
        '/requirements/{requirement_id}/submit': _action(
            'submitRequirement', "Submit: approved at once within the "
            "buyer's approval limit, else waiting for an approver",
            'Requirement', ['RequirementId']),
        '/requirements/{requirement_id}/approve': _action(
            'approveRequirement', "Approve a waiting requirement in the "
            "name of the key's creator, who needs the approver role",
            'Requirement', ['RequirementId']),
        '/requirements/{requirement_id}/suggestions': {'get': _get(
                'listRequirementSuggestions', "Listings suggested for each "
                "line, best first, with their reasons", ref('Suggestions'),
                requirement)},
        }


def paths_rfqs():
    rfq = _params('RfqId')
    return {
        '/rfqs': {
            'get': _get('listRfqs', "RFQs of the buyer and RFQs the "
                "supplier is invited to", page_schema('Rfq'), _params(
                    'Page', 'PerPage', 'RfqState', 'RfqRole')),
            'post': _post('createRfq', "Write an RFQ in draft, of its own "
                "lines or of an approved requirement", created('Rfq'), [],
                request='RfqCreate'),
            },
        '/rfqs/{rfq_id}': {'get': _get('getRfq', "An RFQ, as its buyer or "
                "an invited supplier reads it", ref('Rfq'), rfq)},
        '/rfqs/{rfq_id}/send': _action('sendRfq', "Send a draft to its "
            "suppliers", 'Rfq', ['RfqId']),
        '/rfqs/{rfq_id}/close': _action('closeRfq', "Close an open RFQ "
            "without award", 'Rfq', ['RfqId']),
        '/rfqs/{rfq_id}/cancel': {'post': _post('cancelRfq', "Cancel a "
                "draft, or an open RFQ with a reason",
                ok("The RFQ", ref('Rfq')), rfq, requestBody={
                    'required': False,
                    'content': {'application/json': {
                            'schema': ref('RfqCancel')}}})},
        '/rfqs/{rfq_id}/comparison': {'get': _get('compareQuotations',
                "The quotations side by side (buyer)",
                ref('RfqComparison'), rfq)},
        '/rfqs/{rfq_id}/award': _action('awardRfq', "Award lines to "
            "quotation lines: one contract per supplier", 'AwardResult',
            ['RfqId'], request='Award'),
        **paths_quotation(),
        **paths_bargaining(),
        }


def paths_quotation():
    rfq = _params('RfqId')
    return {
        '/rfqs/{rfq_id}/quotation': {
            'get': _get('getQuotation', "The supplier's own quotation",
                ref('Quotation'), rfq),
            'put': operation('putQuotation', "Submit or revise the "
                "supplier's quotation until the deadline; the same body "
                "again changes nothing", TAG, WRITE, {
                    **ok("Revised or unchanged", ref('Quotation')),
                    **created('Quotation')}, errors=REFUSED,
                parameters=rfq, requestBody=body('QuotationInput')),
            },
        '/rfqs/{rfq_id}/quotation/revisions': {'get': _get(
                'listQuotationRevisions', "The revisions of the supplier's "
                "quotation, oldest first", page_schema('QuotationRevision'),
                _params('RfqId', 'Page', 'PerPage'))},
        }


def paths_bargaining():
    line = _params('QuotationLineId')
    return {
        '/quotation-lines/{line_id}/offers': {
            'get': _get('listOffers', "The bargaining of a quotation line",
                ref('Offers'), line),
            'post': _post('makeOffer', "A move of the member's side: "
                "counter with a price, accept or decline",
                created('OfferMade'), line, request='OfferCreate'),
            },
        '/rfqs/{rfq_id}/messages': {
            'get': _get('listRfqMessages', "The messages of the RFQ: the "
                "buyer reads every thread (or one), a supplier its own",
                page_schema('RfqMessage'), _params(
                    'RfqId', 'ThreadSupplier', 'Page', 'PerPage')),
            'post': _post('postRfqMessage', "A message in the thread of a "
                "supplier (the buyer names it)", created('RfqMessage'),
                _params('RfqId'), request='RfqMessageCreate'),
            },
        }


def paths():
    return {**paths_requirements(), **paths_rfqs()}


def _line_schemas():
    decimal = nullable('string', description="Decimal")
    output = {
        'id': {'type': 'integer'}, 'description': {'type': 'string'},
        'category': {'type': ['object', 'null'], 'properties': {
                'id': {'type': 'integer'}, 'name': {'type': 'string'}}},
        'specs': {'type': 'object'},
        'quantity': {'type': 'number'},
        'uom': {'type': 'object', 'properties': {
                'id': {'type': 'integer'}, 'symbol': {'type': 'string'}}},
        'needed_by': nullable('string', format='date'),
        'target_price': {**decimal, 'description':
            "Decimal; the buyer only reads it"},
        }
    return {
        'ProcurementLine': {'type': 'object', 'required': [
                'id', 'description', 'quantity', 'uom'],
            'properties': output},
        'ProcurementLineInput': {'type': 'object',
            'additionalProperties': False,
            'required': ['description', 'quantity'], 'properties': {
                'description': {'type': 'string', 'maxLength': 255},
                'category': nullable('integer',
                    description="Id of a platform category"),
                'specs': {'type': 'object', 'description': "Values by "
                    "specification name of the category"},
                'quantity': {'type': 'number', 'exclusiveMinimum': 0},
                'uom': {'type': ['integer', 'string'],
                    'description': "Id or symbol; the unit by default"},
                'target_price': {'type': ['number', 'string', 'null'],
                    'description': "Not negative"},
                'needed_by': nullable('string', format='date')}},
        }


def schema_requirements():
    amount = nullable('string', description="Decimal")
    return {
        'Requirement': {'type': 'object', 'required': [
                'id', 'title', 'state', 'lines', 'currency'],
            'properties': {
                'id': {'type': 'integer'}, 'title': {'type': 'string'},
                'description': nullable('string'),
                'delivery_address': nullable('string'),
                'needed_by': nullable('string', format='date'),
                'budget': amount, 'estimate': amount,
                'currency': {'type': 'string'},
                'state': {'enum': enum(REQUIREMENT_STATES)},
                'requested_by': nullable('string'),
                'approved_by': nullable('string'),
                'lines': {'type': 'array',
                    'items': ref('ProcurementLine')},
                'rfqs': {'type': 'array', 'items': {'type': 'integer'}},
                'created': nullable('string', format='date-time')}},
        'RequirementCreate': {'type': 'object',
            'additionalProperties': False, 'required': ['title'],
            'properties': {
                'title': {'type': 'string', 'maxLength': 255},
                'description': nullable('string', maxLength=5000),
                'delivery_address': nullable('string', maxLength=5000),
                'needed_by': nullable('string', format='date'),
                'budget': {'type': ['number', 'string', 'null']},
                'lines': {'type': 'array',
                    'items': ref('ProcurementLineInput')}}},
        'Suggestions': {'type': 'object', 'required': ['items'],
            'properties': {'items': {'type': 'array', 'items': {
                        'type': 'object', 'properties': {
                            'line': {'type': 'integer'},
                            'suggestions': {'type': 'array',
                                'items': ref('Suggestion')}}}}}},
        'Suggestion': {'type': 'object', 'required': [
                'listing', 'supplier', 'score', 'reasons'],
            'properties': {
                'listing': {'type': 'integer'}, 'name': {'type': 'string'},
                'supplier': ref('Party'),
                'unit_price': nullable('string',
                    description="At the line's quantity"),
                'currency': {'type': 'string'},
                'lead_time': {'type': 'integer'},
                'score': {'type': 'string', 'description': "Out of 100"},
                'reasons': {'type': 'array', 'items': {'type': 'object',
                        'properties': {
                            'code': {'enum': ['price', 'lead_time', 'stock',
                                    'specs', 'standing']},
                            'text': {'type': 'string'}}}}}},
        'Party': {'type': 'object', 'required': ['id', 'name'],
            'properties': {'id': {'type': 'integer'},
                'name': {'type': 'string'}}},
        }


def schema_rfqs():
    return {
        'Rfq': {'type': 'object', 'required': [
                'id', 'title', 'state', 'deadline', 'lines', 'role'],
            'properties': {
                'id': {'type': 'integer'}, 'number': nullable('string'),
                'title': {'type': 'string'},
                'description': nullable('string'),
                'state': {'enum': enum(Rfq.state.selection)},
                'scope': {'enum': enum(SCOPES)},
                'category': {'type': ['object', 'null']},
                'deadline': {'type': 'string', 'format': 'date-time'},
                'sent': nullable('string', format='date-time'),
                'quoting': {'type': 'boolean', 'description':
                    "Quotations are accepted now"},
                'currency': {'type': 'string'}, 'buyer': ref('Party'),
                'role': {'enum': ['buyer', 'supplier'], 'description':
                    "The member's side in the RFQ"},
                'lines': {'type': 'array',
                    'items': ref('ProcurementLine')},
                'requirement': nullable('integer'),
                'cancel_reason': nullable('string'),
                'invitations': {'type': 'array', 'description':
                    "The buyer only reads them", 'items': {
                        'type': 'object', 'properties': {
                            'supplier': ref('Party'),
                            'quoted': {'type': 'boolean'}}}}}},
        'RfqCreate': {'type': 'object', 'additionalProperties': False,
            'required': ['deadline'], 'properties': {
                'title': {'type': 'string', 'maxLength': 255,
                    'description': "Required without a requirement"},
                'description': nullable('string', maxLength=5000),
                'deadline': {'type': 'string', 'format': 'date-time'},
                'scope': {'enum': enum(SCOPES), 'default': 'invited'},
                'category': nullable('integer', description="Required "
                    "for the category scope"),
                'lines': {'type': 'array', 'items': ref(
                        'ProcurementLineInput'), 'description':
                    "Required without a requirement"},
                'suppliers': {'type': 'array', 'items': {
                        'type': 'integer'}, 'description':
                    "Ids of approved suppliers to invite"},
                'requirement': nullable('integer', description="An "
                    "approved requirement whose lines the RFQ asks for")}},
        'RfqCancel': {'type': 'object', 'additionalProperties': False,
            'properties': {'reason': nullable('string', maxLength=2000,
                    description="Required once the RFQ is sent")}},
        **schema_comparison(),
        }


def schema_comparison():
    amount = {'type': 'string', 'description': "Decimal"}
    return {
        'RfqComparison': {'type': 'object', 'required': [
                'quotations', 'lines'], 'properties': {
                'currency': {'type': 'string'},
                'quotations': {'type': 'array', 'items': {
                        'type': 'object', 'properties': {
                            'quotation': {'type': 'integer'},
                            'supplier': ref('Party'), 'goods': amount,
                            'freight': amount, 'landed': {**amount,
                                'description': "Goods and freight"},
                            'complete': {'type': 'boolean', 'description':
                                "Every line quoted and not declined"},
                            'best': {'type': 'boolean', 'description':
                                "The lowest landed cost of the complete"}}}},
                'lines': {'type': 'array', 'items': {'type': 'object',
                        'properties': {
                            'rfq_line': {'type': 'integer'},
                            'description': {'type': 'string'},
                            'quantity': {'type': 'number'},
                            'cells': {'type': 'array', 'items': {
                                    'type': 'object', 'properties': {
                                        'quotation': {'type': 'integer'},
                                        'quotation_line': {
                                            'type': 'integer'},
                                        'unit_price': amount,
                                        'lead_time': nullable('integer'),
                                        'declined': {'type': 'boolean'},
                                        'best_price': {'type': 'boolean'},
                                        'best_lead_time': {
                                            'type': 'boolean'}}}}}}}}},
        'Award': {'type': 'object', 'additionalProperties': False,
            'required': ['lines'], 'properties': {'lines': {
                    'type': 'array', 'minItems': 1, 'items': {
                        'type': 'object', 'additionalProperties': False,
                        'required': ['rfq_line', 'quotation_line'],
                        'properties': {'rfq_line': {'type': 'integer'},
                            'quotation_line': {'type': 'integer'}}}}}},
        'AwardResult': {'type': 'object', 'required': ['rfq', 'contracts'],
            'properties': {'rfq': ref('Rfq'), 'contracts': {
                    'type': 'array', 'items': {'type': 'object',
                        'properties': {'id': {'type': 'integer'},
                            'number': {'type': 'string'},
                            'supplier': ref('Party'), 'total': amount,
                            'currency': {'type': 'string'}}}}}},
        }


def schema_quotations():
    decimal = nullable('string', description="Decimal")
    bargaining = {
        'id': {'type': 'integer', 'description': "The quotation line"},
        'rfq_line': {'type': 'integer'},
        'quoted_price': decimal, 'current_price': {**decimal, 'description':
            "The agreed price, else the supplier's latest"},
        'agreed_price': decimal, 'price_on_table': {**decimal,
            'description': "The last price offered"},
        'state': {'enum': ['open', 'agreed', 'declined']},
        'next_side': {'enum': enum(SIDES) + [None]},
        'your_turn': {'type': 'boolean'},
        }
    price = {'type': ['number', 'string']}
    return {
        'BargainingLine': {'type': 'object', 'required': [
                'id', 'state', 'your_turn'], 'properties': bargaining},
        'Quotation': {'type': 'object', 'required': [
                'id', 'rfq', 'state', 'revision', 'lines'], 'properties': {
                'id': {'type': 'integer'}, 'rfq': {'type': 'integer'},
                'state': {'enum': ['submitted', 'withdrawn', 'awarded',
                        'lost']},
                'revision': {'type': 'integer'},
                'submitted': nullable('string', format='date-time'),
                'valid_until': nullable('string', format='date'),
                'lead_time': nullable('integer'), 'freight': decimal,
                'terms': nullable('string'),
                'lines': {'type': 'array', 'items': {'type': 'object',
                        'properties': {**bargaining,
                            'lead_time': nullable('integer'),
                            'breaks': {'type': 'array',
                                'items': ref('Tier')}}}}}},
        'QuotationInput': {'type': 'object', 'additionalProperties': False,
            'required': ['lines'], 'properties': {
                'lead_time': nullable('integer', minimum=0,
                    description="Days, for lines without their own"),
                'valid_until': nullable('string', format='date'),
                'freight': {'type': ['number', 'string', 'null']},
                'terms': nullable('string', maxLength=5000),
                'lines': {'type': 'array', 'minItems': 1, 'items': {
                        'type': 'object', 'additionalProperties': False,
                        'required': ['rfq_line', 'unit_price'],
                        'properties': {
                            'rfq_line': {'type': 'integer'},
                            'unit_price': {**price, 'description':
                                "Greater than 0"},
                            'lead_time': nullable('integer', minimum=0),
                            'breaks': {'type': 'array', 'description':
                                "Lower prices from a quantity",
                                'items': ref('TierInput')}}}}}},
        'QuotationRevision': {'type': 'object', 'required': [
                'number', 'digest', 'content'], 'properties': {
                'number': {'type': 'integer'}, 'digest': {'type': 'string',
                    'description': "SHA-256 of the content"},
                'submitted': nullable('string', format='date-time'),
                'content': {'type': 'object'}}},
        **schema_offers(),
        }


def schema_offers():
    offer = {
        'id': {'type': 'integer'}, 'round': {'type': 'integer'},
        'side': {'enum': enum(SIDES)}, 'action': {'enum': ACTIONS},
        'unit_price': nullable('string'), 'note': nullable('string'),
        'created': nullable('string', format='date-time'),
        }
    return {
        'Offer': {'type': 'object', 'required': ['id', 'side', 'action'],
            'properties': offer},
        'OfferMade': {'type': 'object', 'required': ['id', 'line'],
            'properties': {**offer, 'line': ref('BargainingLine')}},
        'Offers': {'type': 'object', 'required': ['line', 'items'],
            'properties': {'line': ref('BargainingLine'), 'items': {
                    'type': 'array', 'items': ref('Offer')}}},
        'OfferCreate': {'type': 'object', 'additionalProperties': False,
            'required': ['action'], 'properties': {
                'action': {'enum': ACTIONS},
                'unit_price': {'type': ['number', 'string', 'null'],
                    'description': "The counter-offer's price only"},
                'note': nullable('string', maxLength=2000)}},
        'RfqMessage': {'type': 'object', 'required': [
                'id', 'supplier', 'side', 'body'], 'properties': {
                'id': {'type': 'integer'}, 'supplier': {'type': 'integer',
                    'description': "The thread"},
                'side': {'enum': enum(SIDES)}, 'body': {'type': 'string'},
                'created': nullable('string', format='date-time')}},
        'RfqMessageCreate': {'type': 'object', 'additionalProperties': False,
            'required': ['body'], 'properties': {
                'body': {'type': 'string', 'maxLength': 5000},
                'supplier': {'type': 'integer', 'description':
                    "The thread: required for the buyer"}}},
        }


def schemas():
    return {**_line_schemas(), **schema_requirements(), **schema_rfqs(),
        **schema_quotations()}


def parameters():
    def path(name, description):
        return {'name': name, 'in': 'path', 'required': True,
            'description': description,
            'schema': {'type': 'integer', 'minimum': 1}}

    def query(name, schema, description):
        return {'name': name, 'in': 'query', 'required': False,
            'description': description, 'schema': schema}
    return {
        'RequirementId': path('requirement_id', "Id of the requirement"),
        'RfqId': path('rfq_id', "Id of the RFQ"),
        'QuotationLineId': path('line_id', "Id of the quotation line"),
        'RequirementState': query('state', {'enum': enum(
                    REQUIREMENT_STATES)}, "Only requirements in this state"),
        'RfqState': query('state', {'enum': enum(Rfq.state.selection)},
            "Only RFQs in this state"),
        'RfqRole': query('role', {'enum': ['buyer', 'supplier']},
            "Only the RFQs the member buys with, or is invited to"),
        'ThreadSupplier': query('supplier', {'type': 'integer'},
            "The buyer reads the thread of this supplier only"),
        }

