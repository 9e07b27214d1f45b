# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from . import (
    api, catalog_api, catalog_routes, catalog_search_routes, contract_routes,
    keys, order_api, order_routes, order_supplier_routes, procurement_api,
    procurement_routes, procurement_supplier_routes, routes,
    tender_contract_api, tender_routes, tender_supplier_routes)

__all__ = [api, catalog_api, catalog_routes, catalog_search_routes,
    contract_routes, keys, order_api, order_routes, order_supplier_routes,
    procurement_api, procurement_routes, procurement_supplier_routes, routes,
    tender_contract_api, tender_routes, tender_supplier_routes]
