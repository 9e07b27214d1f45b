# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"What a qualification document file may be: told by its content"
import filetype

# MIME type → file name extension
ALLOWED_TYPES = {
    'application/pdf': 'pdf',
    'image/jpeg': 'jpg',
    'image/png': 'png',
    }


def file_type(data):
    "Return the MIME type of an allowed file's content, or None"
    kind = filetype.guess(bytes(data or b''))
    if kind and kind.mime in ALLOWED_TYPES:
        return kind.mime
    return None


def file_name(name, mime):
    "Return a file name without path whose extension matches the content"
    name = (name or '').replace('\\', '/').rsplit('/', 1)[-1].strip()
    stem = name.rsplit('.', 1)[0] if '.' in name else name
    stem = ''.join(c for c in stem if c.isprintable())[:100] or 'document'
    return f'{stem}.{ALLOWED_TYPES[mime]}'
