# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Search documents and queries for Chinese, pinyin and English.

A listing's search document is one line of space-separated tokens: the
Chinese words (jieba, search mode), the pinyin of each Chinese word in
full and as initials, and the lower-cased Latin words.  A query becomes
the same kind of tokens, so "水泥", "shuini", "sn" and "cement" all meet
the document of "水泥 Cement".
"""
import logging
import re
from functools import lru_cache

import jieba
from pypinyin import Style, lazy_pinyin

jieba.setLogLevel(logging.WARNING)

HAN = re.compile(r'[\u3400-\u9fff]')
LATIN = re.compile(r'[0-9a-z][0-9a-z.\-+/]*')
SPLIT = re.compile(r'[\s,;，；、/|()（）\[\]【】"\'“”]+')


@lru_cache(maxsize=20000)
def _pinyin(word):
    full = ''.join(lazy_pinyin(word))
    initials = ''.join(lazy_pinyin(word, style=Style.FIRST_LETTER))
    return full, initials


def _han_tokens(chunk):
    words = [w for w in jieba.cut_for_search(chunk) if w.strip()]
    tokens = list(words)
    for word in words:
        if HAN.search(word):
            tokens.extend(_pinyin(word))
    # The whole run's pinyin too: "shuinigangjin" finds 水泥钢筋
    if len(words) > 1:
        tokens.extend(_pinyin(chunk))
    return tokens


def tokens(text):
    "Search tokens of a text, in order, duplicates removed"
    result = []
    for chunk in SPLIT.split((text or '').lower()):
        if not chunk:
            continue
        for part in re.split(r'([\u3400-\u9fff]+)', chunk):
            if not part:
                continue
            if HAN.match(part):
                result.extend(_han_tokens(part))
            else:
                result.extend(t.strip('.-+/') for t in LATIN.findall(part))
    return list(dict.fromkeys(t for t in result if t))


def document(*texts):
    "The search document of the texts"
    return ' '.join(tokens(' '.join(t for t in texts if t)))


def query_terms(query):
    """Terms every match must contain, one list of alternatives per term.

    A Chinese run gives its segmented words (all required); a Latin word
    is required as itself.
    """
    terms = []
    for chunk in SPLIT.split((query or '').lower()):
        for part in re.split(r'([\u3400-\u9fff]+)', chunk):
            if not part:
                continue
            if HAN.match(part):
                terms.extend(w for w in jieba.cut(part) if w.strip())
            else:
                terms.extend(t.strip('.-+/') for t in LATIN.findall(part))
    return list(dict.fromkeys(t for t in terms if t))
