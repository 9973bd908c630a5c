"""Names, phone numbers and business names, drawn from fixed lists so that a seed always gives the same people."""

import random

# Common surnames in Guangxi: the Zhuang surnames 韦, 覃, 蒙, 农, 陆 are as frequent as the national ones.
SURNAMES = (
    "黄", "李", "陈", "梁", "韦", "刘", "张", "王", "覃", "莫", "陆", "蒙", "林", "杨", "周", "吴", "罗", "何",
    "邓", "谢", "唐", "蓝", "农", "卢", "苏", "潘", "廖", "赵", "钟", "甘",
)
GIVEN_NAME_CHARACTERS = (
    "伟", "芳", "娜", "秀", "英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "霞", "平", "刚", "桂", "华", "玉", "兰", "文", "辉", "建", "国", "海", "红", "丹", "萍", "鹏", "飞",
    "宁", "琳", "婷", "雪", "斌", "波", "峰", "宇", "浩", "凯", "晨", "欣", "怡", "佳", "俊", "翔", "志", "新",
    "春", "梅", "燕", "荣", "德", "永",
)
MOBILE_PREFIXES = ("13", "15", "18")

EATERIES = ("老友粉店", "螺蛳粉店", "粉店", "餐馆", "烧烤店", "茶餐厅", "粥店", "饺子馆", "酒楼", "糖水店")
COMPANY_WORDS = ("宏达", "兴旺", "邕江", "绿城", "五象", "金桂", "南方", "振华", "华联", "盛源")
INDUSTRIES = ("食品", "陶瓷", "机械", "糖业", "饮料", "制衣", "印刷", "塑料制品")
WELFARE_KINDS = ("小学", "中学", "幼儿园", "社区卫生服务中心", "敬老院")


def person_name(rng: random.Random) -> str:
    given_length = 1 if rng.random() < 0.3 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_NAME_CHARACTERS) for _ in range(given_length))


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**9):09d}"


def landline(rng: random.Random) -> str:
    return f"0771-{rng.randrange(2_000_000, 6_000_000)}"


def eatery_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "记" + rng.choice(EATERIES)


def company_name(rng: random.Random) -> str:
    return f"南宁市{rng.choice(COMPANY_WORDS)}{rng.choice(INDUSTRIES)}有限公司"


def welfare_name(rng: random.Random, district: str) -> str:
    kind = rng.choice(WELFARE_KINDS)
    if kind in {"小学", "中学"}:
        return f"南宁市{district}第{rng.randint(1, 40)}{kind}"
    return f"南宁市{district}{rng.choice(COMPANY_WORDS)}{kind}"
