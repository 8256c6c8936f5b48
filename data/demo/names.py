"""Deterministic Chinese names for generated (schematic, 示意) places and people."""

from __future__ import annotations

import numpy as np

_FIRST = list("德胜和睦大关湖墅小河宸桥上塘祥符康桥半山天水武林长庆潮鸣朝晖文晖东新石桥")
_FIRST += list("华丰兴仁善贤明光香积运河霞湾岳帅永建红星金花园瓜亭皋杨柳梅竹松")
_SECOND = list("兴和安宁康泰乐盛新华城苑湾塘桥港坊里浦园景庭锦翠丰平福瑞祥嘉荣昌明秀怡悦清雅韵丽")
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆汪范金石廖贾夏韦付方邹"
)
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国玲红梅兰亮峰斌婷辉鹏飞")
COMPOUND_SUFFIX = {
    "老旧小区": ["新村", "小区", "公寓"],
    "商品房": ["花园", "苑", "府", "嘉园", "名邸"],
    "回迁安置": ["家园", "安置小区", "新苑"],
}
PROPERTY_WORDS = list("绿城南都滨江金鼎中天万科开元宋都广宇坤和")
BLOCK_SUFFIX = ["街区", "历史街区", "里巷", "坊"]
BC_SUFFIX = ["商务社区", "楼宇社区", "产业园社区"]
BUILDING_SUFFIX = ["大厦", "中心", "国际", "广场", "科技园"]


def two_char_names() -> list[str]:
    """Every two-character place name the generator uses, in a fixed order."""
    return [a + b for a in dict.fromkeys(_FIRST) for b in dict.fromkeys(_SECOND) if a != b]


class NamePool:
    """Two-character place names, unique within the pool, in a seed-fixed order."""

    def __init__(self, rng: np.random.Generator) -> None:
        pairs = two_char_names()
        self._names = [pairs[i] for i in rng.permutation(len(pairs))]
        self._next = 0

    def take(self) -> str:
        name = self._names[self._next % len(self._names)]
        round_ = self._next // len(self._names)
        self._next += 1
        return name if round_ == 0 else f"{name}{round_ + 1}"


def person(rng: np.random.Generator) -> str:
    n = 1 if rng.random() < 0.35 else 2
    return str(rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN, size=n))


def phone(i: int) -> str:
    """Obviously fictitious numbers in the 138-0000 block."""
    return f"1380000{i % 10000:04d}"


def chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n <= 10:
        return "十" if n == 10 else digits[n]
    if n < 20:
        return "十" + digits[n - 10]
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)
