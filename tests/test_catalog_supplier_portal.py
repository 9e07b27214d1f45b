# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Catalog supplier pages (placeholder until built)"

# Portal routes (relative to /<database_name>/portal) this file sweeps
ROUTES = set()
