"""The words around place names in agency names: suffixes, departments, zones, short forms.

An agency name is a chain of place names followed by what the agency *is* of that place:
its government (人民政府, 街道办事处, 管委会 …), one of its departments (公安局, 发改委 …), or a
special zone named after it (…经济技术开发区). This module holds that vocabulary once, and the
text clean-up both the table and the resolver apply, so that a name in a report and a name in
the statistical table are compared in the same form.
"""

from __future__ import annotations

import re
import unicodedata

# --- clean-up -------------------------------------------------------------------------------

_BRACKETED = re.compile(r"[（(【\[〔<《][^）)】\]〕>》]*[）)】\]〕>》]")
_NOISE = re.compile(r"[\s\u3000·•・\"'“”‘’「」『』]+")


def normalize(text: str) -> str:
    """The comparable form of a name: NFKC, no spaces, quotes or bracketed notes.

    ``上海市 人民政府办公厅（本级）`` and ``上海市人民政府办公厅`` compare equal; full-width
    letters and digits become ASCII.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = _BRACKETED.sub("", text)
    return _NOISE.sub("", text)


# --- government suffixes ----------------------------------------------------------------------

# What may follow a place name to name its government, and at which levels it is used.
# ``zone`` covers the zone entries of the table and zones recognised by name.
GOVERNMENT_SUFFIXES: dict[str, frozenset[str]] = {
    "人民政府": frozenset({"province", "city", "county", "township", "zone"}),
    "政府": frozenset({"province", "city", "county", "township", "zone"}),
    "行政公署": frozenset({"city"}),
    "行署": frozenset({"city"}),
    "办事处": frozenset({"township", "zone"}),
    "街道办事处": frozenset({"township"}),
    "街道办": frozenset({"township"}),
    "公所": frozenset({"township"}),
    "管理委员会": frozenset({"zone", "township"}),
    "管委会": frozenset({"zone", "township"}),
    "党工委管委会": frozenset({"zone"}),
    "党工委": frozenset({"zone"}),
    "管理局": frozenset({"zone"}),  # 前海管理局: the zone's own administration
}
# Words that may sit between two place names of a chain (北京市东城区人民政府东华门街道办事处),
# or between a place and one of its departments (上海市人民政府办公厅).
INFIXES = ("人民政府", "政府")

# Organ prefixes that come before the place chain. The value says what the rest is.
ORGAN_PREFIXES: dict[str, str] = {
    "中国共产党": "party",
    "中共": "party",
    "共青团": "party",
    "国家税务总局": "vertical",
    "国家金融监督管理总局": "vertical",
    "中国银行保险监督管理委员会": "vertical",
    "中国人民银行": "vertical",
    "国家统计局": "vertical",
}

# National organs: a name with no place that starts or ends like this belongs to the centre.
NATIONAL_PREFIXES = ("国务院", "中华人民共和国", "国家", "中央", "全国", "中国")
NATIONAL_SUFFIXES = ("部", "总局", "总署", "署")

# --- departments -----------------------------------------------------------------------------

# Department names (full and the usual abbreviations) as they follow a place name. Exact
# matches raise the confidence; anything else ending in an organ word is still a department.
KNOWN_DEPARTMENTS = frozenset(
    [
        "办公厅",
        "办公室",
        "人民政府办公室",
        "人民政府办公厅",
        "政府办公室",
        "政府办",
        "政府办公厅",
        "府办",
        "发展和改革委员会",
        "发展和改革局",
        "发展改革委",
        "发展改革局",
        "发改委",
        "发改局",
        "发展改革委员会",
        "教育局",
        "教育厅",
        "教育委员会",
        "教委",
        "教育和体育局",
        "教体局",
        "教育体育局",
        "科学技术局",
        "科学技术厅",
        "科学技术委员会",
        "科委",
        "科技局",
        "科技厅",
        "科学技术和工业信息化局",
        "科工局",
        "工业和信息化局",
        "工业和信息化厅",
        "工业和信息化委员会",
        "工信局",
        "工信厅",
        "经济和信息化局",
        "经济和信息化委员会",
        "经信委",
        "经信局",
        "经济信息化委员会",
        "经济和信息化厅",
        "经信厅",
        "民族宗教事务局",
        "民族宗教事务委员会",
        "民宗局",
        "民宗委",
        "民族事务委员会",
        "民委",
        "公安局",
        "公安厅",
        "国家安全局",
        "国家安全厅",
        "民政局",
        "民政厅",
        "司法局",
        "司法厅",
        "财政局",
        "财政厅",
        "人力资源和社会保障局",
        "人力资源和社会保障厅",
        "人社局",
        "人社厅",
        "人力资源社会保障局",
        "自然资源局",
        "自然资源厅",
        "自然资源和规划局",
        "规划和自然资源局",
        "规划和自然资源委员会",
        "自然资源和规划委员会",
        "国土资源局",
        "国土资源厅",
        "国土局",
        "规划局",
        "城乡规划局",
        "规划委员会",
        "规划委",
        "生态环境局",
        "生态环境厅",
        "环境保护局",
        "环境保护厅",
        "环保局",
        "生态环境分局",
        "住房和城乡建设局",
        "住房和城乡建设厅",
        "住房和城乡建设委员会",
        "住建局",
        "住建委",
        "住建厅",
        "建设局",
        "住房城乡建设委员会",
        "住房和城乡建设管理委员会",
        "住房保障和房屋管理局",
        "房屋管理局",
        "房管局",
        "交通运输局",
        "交通运输厅",
        "交通运输委员会",
        "交通局",
        "交通委",
        "交通运输管理局",
        "水利局",
        "水利厅",
        "水务局",
        "水利和湖泊局",
        "水务和湖泊局",
        "农业农村局",
        "农业农村厅",
        "农业农村委员会",
        "农业局",
        "农委",
        "农业和农村工作局",
        "农业农村和水利局",
        "商务局",
        "商务厅",
        "商务委员会",
        "商务委",
        "商务和投资促进局",
        "投资促进局",
        "招商局",
        "经济合作局",
        "文化和旅游局",
        "文化和旅游厅",
        "文旅局",
        "文化广电和旅游局",
        "文化广电旅游局",
        "文化旅游局",
        "文化广电体育和旅游局",
        "文广新局",
        "文化局",
        "旅游局",
        "文物局",
        "文化和旅游委员会",
        "卫生健康委员会",
        "卫生健康局",
        "卫健委",
        "卫健局",
        "卫生和计划生育委员会",
        "卫计委",
        "卫生局",
        "卫生计生委",
        "退役军人事务局",
        "退役军人事务厅",
        "退役军人局",
        "应急管理局",
        "应急管理厅",
        "应急局",
        "审计局",
        "审计厅",
        "外事办公室",
        "外办",
        "国有资产监督管理委员会",
        "国资委",
        "国有资产监督管理局",
        "国资局",
        "市场监督管理局",
        "市场监管局",
        "市场监督管理厅",
        "工商行政管理局",
        "工商局",
        "质量技术监督局",
        "质监局",
        "食品药品监督管理局",
        "食药监局",
        "药品监督管理局",
        "知识产权局",
        "体育局",
        "统计局",
        "医疗保障局",
        "医保局",
        "林业局",
        "林业和草原局",
        "林草局",
        "粮食和物资储备局",
        "粮食局",
        "发展和改革委",
        "人民防空办公室",
        "人防办",
        "信访局",
        "信访办",
        "地方金融监督管理局",
        "金融工作局",
        "金融办",
        "金融局",
        "大数据局",
        "大数据中心",
        "政务服务管理局",
        "政务服务和数据管理局",
        "政务服务中心",
        "数据局",
        "行政审批局",
        "行政审批服务局",
        "城市管理局",
        "城市管理综合行政执法局",
        "城管局",
        "综合行政执法局",
        "城市管理行政执法局",
        "城市管理和综合执法局",
        "绿化和市容管理局",
        "园林局",
        "市容局",
        "城市管理委员会",
        "地方税务局",
        "地税局",
        "国家税务局",
        "国税局",
        "税务局",
        "档案局",
        "档案馆",
        "机关事务管理局",
        "机关事务局",
        "住房公积金管理中心",
        "公共资源交易中心",
        "残疾人联合会",
        "残联",
        "妇女联合会",
        "妇联",
        "总工会",
        "乡村振兴局",
        "扶贫开发办公室",
        "扶贫办",
        "海洋与渔业局",
        "海洋渔业局",
        "物价局",
        "安全生产监督管理局",
        "安监局",
        "气象局",
        "地震局",
        "台湾事务办公室",
        "台办",
        "侨务办公室",
        "侨办",
        "港澳事务办公室",
        "法制办公室",
        "法制办",
        "编制委员会办公室",
        "机构编制委员会办公室",
        "编办",
        "新闻出版广电局",
        "广播电视局",
        "广电局",
        "烟草专卖局",
        "消防救援支队",
        "消防救援大队",
        "民防局",
        "口岸办",
        "口岸办公室",
        "接待办",
        "人民政府研究室",
        "研究室",
        "政策研究室",
        "参事室",
        "地方志办公室",
        "史志办",
        "人民政府发展研究中心",
        "国防动员办公室",
        "数据资源管理局",
        "营商环境建设局",
        "经济技术协作办公室",
        "合作交流办公室",
        "网信办",
        "宣传部",
        "组织部",
        "统战部",
        "政法委",
        "纪委",
        "监委",
        "纪委监委",
        "纪律检查委员会",
        "监察委员会",
        "人民法院",
        "人民检察院",
        "公安分局",
        "派出所",
        "财政所",
        "司法所",
        "供销合作社",
        "供销社",
        "科协",
        "社科联",
        "文联",
    ]
)

# Words an organ name ends with; a remainder ending like this is a department.
DEPARTMENT_SUFFIXES = (
    "委员会",
    "办公室",
    "办公厅",
    "管理处",
    "事务所",
    "中心",
    "分局",
    "支队",
    "大队",
    "中队",
    "总队",
    "联合会",
    "联社",
    "合作社",
    "研究室",
    "局",
    "厅",
    "委",
    "办",
    "署",
    "部",
    "院",
    "所",
    "站",
    "队",
    "会",
    "处",
    "馆",
    "室",
    "社",
    "团",
    "联",
    "科",
    "股",
    "校",
    "园",
)

# --- zones -----------------------------------------------------------------------------------

# Names of special zones (longest first so that the longest suffix is the one matched).
ZONE_SUFFIXES = tuple(
    sorted(
        [
            "综合实验区",
            "综合试验区",
            "实验区",
            "试验区",
            "经济技术开发区",
            "高新技术产业开发区",
            "高新技术开发区",
            "高新技术产业园区",
            "经济开发区",
            "开发区",
            "高新区",
            "经开区",
            "新区",
            "工业园区",
            "产业园区",
            "工业园",
            "产业园",
            "科技园区",
            "科技园",
            "园区",
            "保税区",
            "综合保税区",
            "保税港区",
            "自由贸易试验区",
            "自由贸易区",
            "自贸区",
            "示范区",
            "管理区",
            "旅游度假区",
            "度假区",
            "风景名胜区",
            "风景区",
            "景区",
            "合作区",
            "新城",
            "港区",
            "经济区",
            "工业区",
            "集中区",
            "物流园区",
            "生态区",
        ],
        key=len,
        reverse=True,
    )
)
ZONE_RE = re.compile("(?:" + "|".join(map(re.escape, ZONE_SUFFIXES)) + ")")


def looks_like_zone(name: str) -> bool:
    """Whether a table entry of the 'other' township kind (codes 400–599) is a zone."""
    return bool(ZONE_RE.search(name))


# --- short forms of division names -------------------------------------------------------------

ETHNIC_GROUPS = tuple(
    sorted(
        [
            "蒙古族",
            "回族",
            "藏族",
            "维吾尔族",
            "维吾尔",
            "苗族",
            "彝族",
            "壮族",
            "布依族",
            "朝鲜族",
            "满族",
            "侗族",
            "瑶族",
            "白族",
            "土家族",
            "哈尼族",
            "哈萨克族",
            "傣族",
            "黎族",
            "傈僳族",
            "佤族",
            "畲族",
            "高山族",
            "拉祜族",
            "水族",
            "东乡族",
            "纳西族",
            "景颇族",
            "柯尔克孜族",
            "土族",
            "达斡尔族",
            "仫佬族",
            "羌族",
            "布朗族",
            "撒拉族",
            "毛南族",
            "仡佬族",
            "锡伯族",
            "阿昌族",
            "普米族",
            "塔吉克族",
            "怒族",
            "乌孜别克族",
            "俄罗斯族",
            "鄂温克族",
            "德昂族",
            "保安族",
            "裕固族",
            "京族",
            "塔塔尔族",
            "独龙族",
            "鄂伦春族",
            "赫哲族",
            "门巴族",
            "珞巴族",
            "基诺族",
            "各族",
        ],
        key=len,
        reverse=True,
    )
)

_LEVEL_SUFFIXES = {
    "province": ("自治区", "省", "市"),
    "city": ("自治州", "地区", "盟", "市"),
    "county": ("自治县", "自治旗", "新区", "特区", "林区", "县", "区", "市", "旗"),
}


_ETHNIC_LAST = frozenset(group[-1] for group in ETHNIC_GROUPS)  # 族, 尔 (维吾尔)


def _strip_ethnic(stem: str) -> str:
    changed = True
    while changed:
        if not stem or stem[-1] not in _ETHNIC_LAST:
            break  # no group ends the stem
        changed = False
        for group in ETHNIC_GROUPS:
            if stem.endswith(group) and len(stem) > len(group):
                stem = stem[: -len(group)]
                changed = True
                break
    return stem


def short_name(name: str, level: str) -> str | None:
    """The short form people write for a province, city or county (吉林, 延边, 梅河口), if any.

    Townships get none: their stems are too often ordinary words.
    """
    for suffix in _LEVEL_SUFFIXES.get(level, ()):
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = _strip_ethnic(name[: -len(suffix)])
            if len(stem) >= 2 and stem != name:
                return stem
            return None
    return None


# Autonomous units are also written with the plain unit word: 延边州, 长白县, 恩施州.
_AUTONOMOUS_PLAIN = {"自治州": "州", "自治县": "县", "自治旗": "旗"}


def short_names(name: str, level: str) -> list[str]:
    """Every short form of a division name: the stem, and 延边州 for 延边朝鲜族自治州."""
    stem = short_name(name, level)
    if not stem:
        return []
    out = [stem]
    for suffix, plain in _AUTONOMOUS_PLAIN.items():
        if name.endswith(suffix):
            out.append(stem + plain)
    return out


def township_aliases(name: str) -> list[str]:
    """Other spellings of a township-level name that agencies use (…街道 / …街道办事处)."""
    if name.endswith("街道"):
        return [name + "办事处", name + "办"]
    if name.endswith("地区"):
        return [name + "办事处"]
    return []
