# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The OpenAPI description of the tender and contract endpoints
(tender_contract_api.py), merged into the document by openapi.py."""
from trytond.modules.s2b2b_procurement.tender import TENDER_STATES

from .openapi import (
    _params, created, enum, nullable, operation, page_schema, ref)
from .procurement_openapi import READ, TAG, _action, _get, _post

TENDER, CONTRACT = ['TenderId'], ['ContractId']


def paths():
    tender, contract = _params(*TENDER), _params(*CONTRACT)
    pdf = {'200': {'description': "The contract PDF with its signatures",
            'content': {'application/pdf': {'schema': {
                        'type': 'string', 'format': 'binary'}}}}}
    return {
        '/tenders': {
            'get': _get('listTenders', "Tenders of the buyer and tenders "
                "the supplier is invited to", page_schema('Tender'),
                _params('Page', 'PerPage', 'RfqRole')),
            'post': _post('createTender', "Write a tender in draft, with "
                "its lines, weights and invited suppliers",
                created('Tender'), [], request='TenderCreate'),
            },
        '/tenders/{tender_id}': {'get': _get('getTender', "A tender; its "
                "buyer reads the bid count, and the scored bids once "
                "opened", ref('Tender'), tender)},
        '/tenders/{tender_id}/publish': _action('publishTender',
            "Publish to the suppliers who may bid", 'Tender', TENDER),
        '/tenders/{tender_id}/award': _action('awardTender', "Award the "
            "opened tender to one bid or split by line: one contract per "
            "supplier", 'Tender', TENDER, request='TenderAward'),
        '/tenders/{tender_id}/bids': {'post': _post('submitBid', "Seal the "
                "supplier's bid and submit it (unless submit is false); a "
                "submitted bid cannot be changed", created('Bid'),
                tender, request='BidCreate')},
        '/tenders/{tender_id}/bid': {'get': _get('getOwnBid', "The "
                "supplier's own bid: its content while in draft, sealed "
                "once submitted until the opening", ref('Bid'), tender)},
        '/contracts': {'get': _get('listContracts', "Contracts of the "
                "member, as buyer or supplier", page_schema('Contract'),
                _params('Page', 'PerPage', 'ContractState'))},
        '/contracts/{contract_id}': {'get': _get('getContract',
                "A contract", ref('Contract'), contract)},
        '/contracts/{contract_id}/pdf': {'get': operation('getContractPdf',
                "The contract PDF", TAG, READ, pdf, parameters=contract)},
        '/contracts/{contract_id}/sign': _action('signContract', "Sign for "
            "the member as the key's creator (a member administrator) "
            "with that user's password", 'Contract', CONTRACT,
            request='ContractSign'),
        '/contracts/{contract_id}/verification': {'get': _get(
                'verifyContract', "Who signed what and when, and whether "
                "the document changed after signing",
                ref('ContractVerification'), contract)},
        '/contracts/{contract_id}/order': {'post': _post('orderContract',
                "Order a signed spot contract, once, at its agreed "
                "prices: taken in like POST /orders",
                created('OrderCreated'), contract,
                request='ContractOrder')},
        '/contracts/{contract_id}/calloffs/{calloff_id}/order': _action(
            'orderCallOff', "The buyer calls off a planned delivery of a "
            "signed forward contract now", 'Contract',
            CONTRACT + ['CallOffId']),
        }


def schemas():
    obj = {'type': 'object'}
    line = {'type': 'object', 'required': ['description', 'quantity'],
        'properties': {'description': {'type': 'string'},
            'quantity': {'type': 'number', 'exclusiveMinimum': 0},
            'uom': {'type': ['integer', 'string']},
            'ceiling_price': {'type': ['number', 'string', 'null']},
            'specs': nullable('string')}}
    return {
        'Tender': {'type': 'object', 'required': ['id', 'title', 'state'],
            'properties': {'id': {'type': 'integer'},
                'title': {'type': 'string'},
                'state': {'enum': enum(TENDER_STATES)},
                'deadline': {'type': 'string', 'format': 'date-time'},
                'opening_time': {'type': 'string', 'format': 'date-time'},
                'weights': obj, 'lines': {'type': 'array', 'items': obj},
                'bid_count': nullable('integer'),
                'bids': {'type': 'array', 'items': obj},
                'contracts': {'type': 'array',
                    'items': {'type': 'integer'}}}},
        'TenderCreate': {'type': 'object', 'required': [
                'title', 'deadline', 'opening_time'], 'properties': {
                'title': {'type': 'string'},
                'description': nullable('string'),
                'deadline': {'type': 'string', 'format': 'date-time'},
                'opening_time': {'type': 'string', 'format': 'date-time'},
                'scope': {'enum': ['invited', 'category']},
                'category': {'type': ['integer', 'null']},
                **{w: {'type': ['number', 'string']} for w in [
                        'weight_price', 'weight_lead_time',
                        'weight_supplier', 'weight_carbon']},
                'lines': {'type': 'array', 'items': line},
                'suppliers': {'type': 'array',
                    'items': {'type': 'integer'}}}},
        'TenderAward': {'type': 'object', 'properties': {
                'bid': {'type': 'integer'},
                'lines': {'type': 'array', 'items': {'type': 'object',
                        'required': ['line', 'bid', 'quantity'],
                        'properties': {'line': {'type': 'integer'},
                            'bid': {'type': 'integer'},
                            'quantity': {'type': 'number'}}}}}},
        'BidCreate': {'type': 'object', 'required': ['lines', 'lead_time'],
            'properties': {'lead_time': {'type': 'integer', 'minimum': 1},
                'notes': nullable('string'), 'submit': {'type': 'boolean',
                    'default': True},
                'lines': {'type': 'array', 'items': {'type': 'object',
                        'required': ['line', 'unit_price'], 'properties': {
                            'line': {'type': 'integer'},
                            'unit_price': {'type': ['number', 'string']},
                            'quantity': {'type': ['number', 'null']},
                            'carbon': {'type': ['number', 'string',
                                    'null']}}}}}},
        'Bid': {'type': 'object', 'required': ['id', 'state', 'sealed'],
            'properties': {'id': {'type': 'integer'},
                'state': {'type': 'string'}, 'sealed': {'type': 'boolean'},
                'digest': nullable('string'),
                'content': {'type': ['object', 'null'], 'description':
                    "Readable by its supplier while in draft only"}}},
        'Contract': {'type': 'object', 'required': ['id', 'state'],
            'properties': {'id': {'type': 'integer'},
                'number': nullable('string'), 'state': {'type': 'string'},
                'buyer': obj, 'supplier': obj, 'total': nullable('string'),
                'lines': {'type': 'array', 'items': obj},
                'signatures': {'type': 'array', 'items': obj},
                'calloffs': {'type': 'array', 'items': obj}}},
        'ContractSign': {'type': 'object', 'required': ['password'],
            'additionalProperties': False,
            'properties': {'password': {'type': 'string'}}},
        'ContractVerification': {'type': 'object', 'required': [
                'valid', 'changed'], 'properties': {
                'valid': {'type': 'boolean'}, 'changed': {'type': 'boolean',
                    'description': "The document changed after signing"},
                'message': {'type': 'string'},
                'signatures': {'type': 'array', 'items': obj},
                'recorded': {'type': 'array', 'items': obj}}},
        }


def parameters():
    def path(name, description):
        return {'name': name, 'in': 'path', 'required': True,
            'description': description,
            'schema': {'type': 'integer', 'minimum': 1}}
    return {
        'TenderId': path('tender_id', "Id of the tender"),
        'ContractId': path('contract_id', "Id of the contract"),
        'CallOffId': path('calloff_id', "Id of the call-off"),
        'ContractState': {'name': 'state', 'in': 'query', 'required': False,
            'description': "Only contracts in this state",
            'schema': {'type': 'string'}},
        }
