# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The server's secret: what sealed bids and the platform's signing keys
are encrypted with, kept out of the database so that a copy of the
database alone reveals neither.

``[s2b2b_procurement] secret`` in the configuration (production: set it,
and keep it as safe as the database backups); without it, a random
secret is made once in ``[database] path`` (file ``s2b2b.secret``, owner
read-only), which serves the demo and the tests."""
import base64
import hashlib
import hmac
import os
from pathlib import Path

from trytond import config

FILE_NAME = 's2b2b.secret'


def server_secret():
    "The secret as bytes"
    value = config.get('s2b2b_procurement', 'secret')
    if value:
        return value.encode('utf-8')
    path = Path(config.get('database', 'path')) / FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: of two processes making it at once, one wins
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, 'wb') as file:
                file.write(base64.urlsafe_b64encode(os.urandom(32)))
    return path.read_bytes().strip()


def derive_key(purpose, *parts):
    """A 32-byte key for one purpose and context (e.g. 'tender', 42),
    from the server secret (HMAC-SHA256)"""
    message = '/'.join([purpose, *map(str, parts)]).encode('utf-8')
    return hmac.new(server_secret(), message, hashlib.sha256).digest()
