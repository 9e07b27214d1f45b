# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Chinese provinces a listing ships from (GB/T 2260 two-letter codes)."

# code, Chinese name, English name
PROVINCES = [
    ('BJ', "北京", "Beijing"),
    ('TJ', "天津", "Tianjin"),
    ('HE', "河北", "Hebei"),
    ('SX', "山西", "Shanxi"),
    ('NM', "内蒙古", "Inner Mongolia"),
    ('LN', "辽宁", "Liaoning"),
    ('JL', "吉林", "Jilin"),
    ('HL', "黑龙江", "Heilongjiang"),
    ('SH', "上海", "Shanghai"),
    ('JS', "江苏", "Jiangsu"),
    ('ZJ', "浙江", "Zhejiang"),
    ('AH', "安徽", "Anhui"),
    ('FJ', "福建", "Fujian"),
    ('JX', "江西", "Jiangxi"),
    ('SD', "山东", "Shandong"),
    ('HA', "河南", "Henan"),
    ('HB', "湖北", "Hubei"),
    ('HN', "湖南", "Hunan"),
    ('GD', "广东", "Guangdong"),
    ('GX', "广西", "Guangxi"),
    ('HI', "海南", "Hainan"),
    ('CQ', "重庆", "Chongqing"),
    ('SC', "四川", "Sichuan"),
    ('GZ', "贵州", "Guizhou"),
    ('YN', "云南", "Yunnan"),
    ('XZ', "西藏", "Tibet"),
    ('SN', "陕西", "Shaanxi"),
    ('GS', "甘肃", "Gansu"),
    ('QH', "青海", "Qinghai"),
    ('NX', "宁夏", "Ningxia"),
    ('XJ', "新疆", "Xinjiang"),
    ('HK', "香港", "Hong Kong"),
    ('MO', "澳门", "Macao"),
    ('TW', "台湾", "Taiwan"),
    ]
CODES = {c for c, _, _ in PROVINCES}


def selection():
    "Selection pairs: the label carries both names, read in either language"
    return [(None, '')] + [(c, f"{zh} {en}") for c, zh, en in PROVINCES]


def lookup(value):
    "Return the code of a province given its code or its Chinese or English name"
    value = (value or '').strip()
    for code, zh, en in PROVINCES:
        if value.upper() == code or value in {zh, zh + '省', zh + '市'} \
                or value.lower() == en.lower():
            return code
    return None


def names(code):
    "Chinese and English name of a province code"
    for c, zh, en in PROVINCES:
        if c == code:
            return zh, en
    return '', ''
