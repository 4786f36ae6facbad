"""Demo data: a believable retailer-wholesaler of groceries in Hangzhou, built through the real services.

Deterministic (no randomness), so every installation shows the same figures: about 200 products across
方便面, 饮料, 零食, 日化 and 粮油 with boxes and packs, 10 suppliers, 50 customers, 2 warehouses with
locations, and one user per role.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from jxc.accounts.models import Company, User
from jxc.accounts.services.users import UserData, user_create
from jxc.catalog.models import Product, Unit
from jxc.catalog.services.products import BarcodeLine, ProductData, UnitLine, product_create
from jxc.catalog.services.taxonomy import BrandData, CategoryData, UnitData, brand_save, category_save, unit_save
from jxc.inventory.choices import DocumentKind, IssueReason, ReceiptReason
from jxc.inventory.models import Warehouse
from jxc.inventory.services.counts import (
    CountEntry,
    stock_count_approve,
    stock_count_create,
    stock_count_post,
    stock_count_record,
    stock_count_submit,
)
from jxc.inventory.services.documents import (
    DocumentData,
    LineData,
    stock_document_create,
    stock_document_post,
    stock_transfer_receive,
)
from jxc.inventory.services.warehouses import LocationData, WarehouseData, location_save, warehouse_create
from jxc.partners.services.partners import ContactLine, PartnerData, partner_create
from jxc.sales.services.customers import customer_classes_refresh
from jxc.web.demo_finance import demo_finance
from jxc.web.demo_purchasing import demo_purchasing
from jxc.web.demo_sales import demo_sales
from jxc.web.demo_shipments import demo_shipments

UNITS = [
    ("包", 0),
    ("箱", 0),
    ("瓶", 0),
    ("罐", 0),
    ("桶", 0),
    ("袋", 0),
    ("盒", 0),
    ("提", 0),
    ("支", 0),
    ("块", 0),
    ("卷", 0),
    ("个", 0),
    ("条", 0),
    ("kg", 3),
]

# (category, brand, name, [variants], base unit, pack unit or None, units per pack, box units per box,
#  purchase price per base unit, shelf life days, tax rate)
Item = tuple[str, str, str, list[str], str, str | None, int, int, str, int | None, int]

ITEMS: list[Item] = [
    ("方便面/袋面", "康师傅", "康师傅红烧牛肉面", ["105g", "五连包"], "包", None, 0, 24, "2.35", 180, 13),
    ("方便面/袋面", "康师傅", "康师傅老坛酸菜牛肉面", ["114g", "五连包"], "包", None, 0, 24, "2.40", 180, 13),
    ("方便面/袋面", "康师傅", "康师傅香辣牛肉面", ["105g"], "包", None, 0, 24, "2.35", 180, 13),
    ("方便面/袋面", "统一", "统一老坛酸菜牛肉面", ["121g", "五连包"], "包", None, 0, 24, "2.45", 180, 13),
    ("方便面/袋面", "统一", "统一来一桶红烧牛肉面", ["110g"], "包", None, 0, 24, "2.30", 180, 13),
    ("方便面/袋面", "今麦郎", "今麦郎一袋半红烧牛肉面", ["143g"], "包", None, 0, 24, "1.55", 180, 13),
    ("方便面/袋面", "白象", "白象汤好喝老母鸡汤面", ["108g"], "包", None, 0, 24, "2.50", 180, 13),
    ("方便面/袋面", "白象", "白象大骨面", ["75g"], "包", None, 0, 30, "1.20", 180, 13),
    ("方便面/桶面", "康师傅", "康师傅红烧牛肉桶面", ["121g"], "桶", None, 0, 12, "3.60", 180, 13),
    ("方便面/桶面", "统一", "统一老坛酸菜桶面", ["125g"], "桶", None, 0, 12, "3.70", 180, 13),
    ("方便面/桶面", "合味道", "日清合味道杯面", ["海鲜味 84g", "咖喱味 79g"], "桶", None, 0, 12, "4.40", 270, 13),
    ("方便面/桶面", "汤达人", "统一汤达人日式豚骨拉面", ["125g"], "桶", None, 0, 12, "5.20", 180, 13),
    ("方便面/方便粉丝", "白家陈记", "白家陈记酸辣粉", ["105g"], "桶", None, 0, 12, "4.60", 240, 13),
    ("方便面/方便粉丝", "好欢螺", "好欢螺螺蛳粉", ["400g"], "袋", None, 0, 20, "9.80", 180, 13),
    ("饮料/碳酸饮料", "可口可乐", "可口可乐", ["330ml 罐", "500ml 瓶", "2L 瓶"], "瓶", None, 0, 24, "1.95", 365, 13),
    ("饮料/碳酸饮料", "雪碧", "雪碧", ["330ml 罐", "500ml 瓶"], "瓶", None, 0, 24, "1.95", 365, 13),
    ("饮料/碳酸饮料", "百事", "百事可乐", ["330ml 罐", "500ml 瓶"], "瓶", None, 0, 24, "1.85", 365, 13),
    ("饮料/碳酸饮料", "芬达", "芬达橙味汽水", ["500ml"], "瓶", None, 0, 24, "1.95", 365, 13),
    (
        "饮料/饮用水",
        "农夫山泉",
        "农夫山泉饮用天然水",
        ["550ml", "380ml", "1.5L", "4L"],
        "瓶",
        None,
        0,
        24,
        "0.95",
        730,
        13,
    ),
    ("饮料/饮用水", "怡宝", "怡宝纯净水", ["555ml", "1.555L"], "瓶", None, 0, 24, "0.90", 730, 13),
    ("饮料/饮用水", "娃哈哈", "娃哈哈纯净水", ["596ml"], "瓶", None, 0, 24, "0.75", 730, 13),
    ("饮料/茶饮料", "康师傅", "康师傅冰红茶", ["500ml", "1L"], "瓶", None, 0, 15, "1.90", 365, 13),
    ("饮料/茶饮料", "康师傅", "康师傅绿茶", ["500ml"], "瓶", None, 0, 15, "1.90", 365, 13),
    ("饮料/茶饮料", "统一", "统一冰红茶", ["500ml"], "瓶", None, 0, 15, "1.85", 365, 13),
    (
        "饮料/茶饮料",
        "东方树叶",
        "农夫山泉东方树叶",
        ["茉莉花茶 500ml", "乌龙茶 500ml", "红茶 500ml"],
        "瓶",
        None,
        0,
        15,
        "3.10",
        365,
        13,
    ),
    ("饮料/功能饮料", "红牛", "红牛维生素功能饮料", ["250ml"], "罐", None, 0, 24, "4.30", 540, 13),
    ("饮料/功能饮料", "东鹏特饮", "东鹏特饮", ["250ml", "500ml"], "瓶", None, 0, 24, "2.90", 540, 13),
    ("饮料/功能饮料", "脉动", "脉动维生素饮料", ["青柠味 600ml", "桃子味 600ml"], "瓶", None, 0, 15, "2.80", 365, 13),
    ("饮料/凉茶", "王老吉", "王老吉凉茶", ["310ml 罐"], "罐", "提", 6, 24, "2.60", 730, 13),
    ("饮料/凉茶", "加多宝", "加多宝凉茶", ["310ml 罐"], "罐", "提", 6, 24, "2.55", 730, 13),
    ("饮料/乳饮料", "伊利", "伊利纯牛奶", ["250ml"], "盒", "提", 12, 24, "2.35", 180, 9),
    ("饮料/乳饮料", "蒙牛", "蒙牛纯牛奶", ["250ml"], "盒", "提", 12, 24, "2.30", 180, 9),
    ("饮料/乳饮料", "娃哈哈", "娃哈哈AD钙奶", ["220g"], "瓶", "提", 4, 24, "1.40", 270, 13),
    ("饮料/乳饮料", "旺仔", "旺仔牛奶", ["245ml 罐"], "罐", "提", 6, 24, "3.10", 365, 13),
    ("饮料/果汁", "美汁源", "美汁源果粒橙", ["420ml", "1.25L"], "瓶", None, 0, 12, "2.70", 365, 13),
    ("饮料/果汁", "汇源", "汇源100%橙汁", ["1L"], "盒", None, 0, 12, "9.50", 365, 13),
    (
        "零食/膨化食品",
        "乐事",
        "乐事薯片",
        ["原味 70g", "黄瓜味 70g", "番茄味 70g", "烧烤味 70g"],
        "袋",
        None,
        0,
        22,
        "5.20",
        270,
        13,
    ),
    ("零食/膨化食品", "可比克", "可比克薯片", ["番茄味 45g", "烧烤味 45g"], "袋", None, 0, 40, "2.60", 270, 13),
    ("零食/膨化食品", "上好佳", "上好佳鲜虾片", ["40g"], "袋", None, 0, 50, "1.60", 270, 13),
    ("零食/饼干糕点", "奥利奥", "奥利奥夹心饼干", ["原味 97g", "巧克力味 97g"], "盒", None, 0, 24, "4.60", 365, 13),
    ("零食/饼干糕点", "旺旺", "旺旺雪饼", ["84g", "520g 家庭装"], "袋", None, 0, 20, "4.10", 270, 13),
    ("零食/饼干糕点", "旺旺", "旺旺仙贝", ["52g"], "袋", None, 0, 40, "2.70", 270, 13),
    ("零食/饼干糕点", "好丽友", "好丽友巧克力派", ["6枚 204g", "12枚 408g"], "盒", None, 0, 12, "9.20", 300, 13),
    ("零食/饼干糕点", "达利园", "达利园法式软面包", ["香奶味 200g"], "袋", None, 0, 12, "6.80", 150, 13),
    ("零食/辣条卤味", "卫龙", "卫龙大面筋", ["102g", "65g"], "袋", None, 0, 40, "2.90", 180, 13),
    ("零食/辣条卤味", "卫龙", "卫龙魔芋爽", ["180g"], "袋", None, 0, 20, "8.80", 240, 13),
    ("零食/辣条卤味", "周黑鸭", "周黑鸭卤鸭脖", ["140g"], "盒", None, 0, 20, "12.50", 90, 13),
    ("零食/坚果炒货", "三只松鼠", "三只松鼠每日坚果", ["750g 30包"], "盒", None, 0, 6, "68.00", 180, 13),
    ("零食/坚果炒货", "洽洽", "洽洽香瓜子", ["160g", "308g"], "袋", None, 0, 20, "5.90", 270, 13),
    ("零食/坚果炒货", "良品铺子", "良品铺子夏威夷果", ["120g"], "袋", None, 0, 20, "12.80", 270, 13),
    ("零食/糖果巧克力", "德芙", "德芙丝滑牛奶巧克力", ["43g", "252g 碗装"], "块", None, 0, 48, "6.30", 365, 13),
    ("零食/糖果巧克力", "阿尔卑斯", "阿尔卑斯棒棒糖", ["10g"], "支", "袋", 20, 600, "0.38", 540, 13),
    ("零食/糖果巧克力", "大白兔", "大白兔奶糖", ["114g", "227g"], "袋", None, 0, 24, "6.50", 540, 13),
    ("零食/糖果巧克力", "益达", "益达无糖口香糖", ["薄荷味 40粒"], "瓶", None, 0, 24, "8.60", 540, 13),
    ("日化/洗发沐浴", "海飞丝", "海飞丝去屑洗发水", ["200ml", "400ml", "750ml"], "瓶", None, 0, 12, "19.50", 1095, 13),
    ("日化/洗发沐浴", "飘柔", "飘柔洗发水", ["400ml", "750ml"], "瓶", None, 0, 12, "17.80", 1095, 13),
    (
        "日化/洗发沐浴",
        "舒肤佳",
        "舒肤佳沐浴露",
        ["纯白清香 400ml", "柠檬清新 400ml"],
        "瓶",
        None,
        0,
        12,
        "16.90",
        1095,
        13,
    ),
    ("日化/洗发沐浴", "舒肤佳", "舒肤佳香皂", ["纯白 108g", "芦荟 108g"], "块", "条", 3, 72, "3.20", 1095, 13),
    ("日化/口腔护理", "高露洁", "高露洁全面防蛀牙膏", ["140g", "250g"], "支", None, 0, 48, "6.90", 1095, 13),
    (
        "日化/口腔护理",
        "云南白药",
        "云南白药牙膏",
        ["留兰香 120g", "薄荷清爽 120g"],
        "支",
        None,
        0,
        48,
        "18.50",
        1095,
        13,
    ),
    ("日化/口腔护理", "黑人", "黑人双重薄荷牙膏", ["140g"], "支", None, 0, 48, "7.20", 1095, 13),
    ("日化/衣物清洁", "蓝月亮", "蓝月亮深层洁净洗衣液", ["1kg", "3kg"], "瓶", None, 0, 6, "18.00", 1095, 13),
    ("日化/衣物清洁", "立白", "立白超洁薰香洗衣粉", ["1.6kg"], "袋", None, 0, 10, "13.50", 1095, 13),
    ("日化/衣物清洁", "奥妙", "奥妙洗衣凝珠", ["52颗"], "盒", None, 0, 8, "39.00", 1095, 13),
    ("日化/纸品", "清风", "清风原木抽纸", ["3层120抽"], "包", "提", 10, 60, "2.10", None, 13),
    ("日化/纸品", "维达", "维达卷纸", ["4层140g"], "卷", "提", 10, 60, "1.75", None, 13),
    ("日化/纸品", "心相印", "心相印手帕纸", ["3层 10张"], "包", "条", 10, 240, "0.55", None, 13),
    ("日化/家居清洁", "威猛先生", "威猛先生厨房重油污净", ["500g"], "瓶", None, 0, 12, "12.80", 1095, 13),
    ("日化/家居清洁", "白猫", "白猫柠檬洗洁精", ["1.5kg"], "瓶", None, 0, 8, "10.50", 1095, 13),
    ("粮油/食用油", "金龙鱼", "金龙鱼黄金比例调和油", ["5L", "1.8L"], "桶", None, 0, 4, "62.00", 540, 9),
    ("粮油/食用油", "鲁花", "鲁花5S压榨一级花生油", ["5L", "1.8L"], "桶", None, 0, 4, "118.00", 540, 9),
    ("粮油/食用油", "福临门", "福临门非转基因大豆油", ["5L"], "桶", None, 0, 4, "55.00", 540, 9),
    ("粮油/米面", "福临门", "福临门东北大米", ["5kg", "10kg"], "袋", None, 0, 4, "32.00", 365, 9),
    ("粮油/米面", "金龙鱼", "金龙鱼优质丝苗米", ["5kg"], "袋", None, 0, 4, "33.50", 365, 9),
    ("粮油/米面", "中粮", "中粮香雪高筋小麦粉", ["5kg", "2.5kg"], "袋", None, 0, 4, "24.00", 270, 9),
    ("粮油/米面", "陈克明", "陈克明鸡蛋挂面", ["1kg"], "袋", None, 0, 10, "8.90", 540, 9),
    ("粮油/散装杂粮", "五谷丰登", "散装东北小米", [""], "kg", None, 0, 0, "8.40", 365, 9),
    ("粮油/散装杂粮", "五谷丰登", "散装红豆", [""], "kg", None, 0, 0, "10.60", 365, 9),
    ("粮油/调味品", "海天", "海天金标生抽", ["500ml", "1.9L"], "瓶", None, 0, 12, "7.80", 720, 13),
    ("粮油/调味品", "海天", "海天蚝油", ["520g"], "瓶", None, 0, 12, "6.90", 540, 13),
    ("粮油/调味品", "老干妈", "老干妈风味豆豉油制辣椒", ["280g"], "瓶", None, 0, 24, "8.60", 540, 13),
    ("粮油/调味品", "太太乐", "太太乐鸡精", ["200g", "454g"], "袋", None, 0, 40, "7.20", 540, 13),
    ("粮油/调味品", "恒顺", "恒顺镇江香醋", ["500ml"], "瓶", None, 0, 12, "5.60", 720, 13),
    ("粮油/调味品", "中盐", "中盐加碘精制盐", ["400g"], "袋", None, 0, 50, "1.55", 1095, 13),
    ("方便面/袋面", "康师傅", "康师傅鲜虾鱼板面", ["98g"], "包", None, 0, 24, "2.35", 180, 13),
    ("方便面/袋面", "康师傅", "康师傅葱香排骨面", ["112g"], "包", None, 0, 24, "2.35", 180, 13),
    ("方便面/袋面", "统一", "统一小鸡炖蘑菇面", ["104g"], "包", None, 0, 24, "2.45", 180, 13),
    ("方便面/袋面", "今麦郎", "今麦郎弹面", ["红烧牛肉 114g", "香辣牛肉 114g"], "包", None, 0, 24, "1.80", 180, 13),
    ("方便面/袋面", "出前一丁", "出前一丁麻油味", ["100g"], "包", None, 0, 30, "3.90", 270, 13),
    ("方便面/袋面", "辛拉面", "农心辛拉面", ["120g", "五连包"], "包", None, 0, 20, "4.10", 270, 13),
    ("方便面/桶面", "今麦郎", "今麦郎老范家速食面", ["桶装 127g"], "桶", None, 0, 12, "3.20", 180, 13),
    ("方便面/桶面", "白象", "白象辣牛肉桶面", ["130g"], "桶", None, 0, 12, "3.30", 180, 13),
    ("方便面/方便粉丝", "阿宽", "阿宽红油面皮", ["105g"], "袋", None, 0, 20, "3.60", 240, 13),
    ("方便面/自热食品", "自嗨锅", "自嗨锅麻辣牛肉自热火锅", ["400g"], "盒", None, 0, 6, "19.50", 240, 13),
    ("方便面/自热食品", "海底捞", "海底捞番茄牛腩自热米饭", ["375g"], "盒", None, 0, 8, "17.80", 240, 13),
    (
        "饮料/碳酸饮料",
        "元气森林",
        "元气森林苏打气泡水",
        ["白桃味 480ml", "青瓜味 480ml", "卡曼橘味 480ml"],
        "瓶",
        None,
        0,
        15,
        "3.20",
        270,
        13,
    ),
    ("饮料/碳酸饮料", "北冰洋", "北冰洋桔汁汽水", ["330ml 罐"], "罐", None, 0, 24, "2.60", 365, 13),
    ("饮料/饮用水", "百岁山", "百岁山饮用天然矿泉水", ["570ml", "348ml"], "瓶", None, 0, 24, "1.55", 730, 13),
    ("饮料/茶饮料", "三得利", "三得利乌龙茶", ["无糖 500ml", "低糖 500ml"], "瓶", None, 0, 15, "3.30", 365, 13),
    ("饮料/茶饮料", "娃哈哈", "娃哈哈冰糖雪梨", ["500ml"], "瓶", None, 0, 15, "1.95", 365, 13),
    ("饮料/咖啡", "雀巢", "雀巢丝滑拿铁咖啡饮料", ["268ml"], "瓶", None, 0, 15, "4.60", 270, 13),
    ("饮料/咖啡", "星巴克", "星巴克星冰乐", ["摩卡味 281ml", "香草味 281ml"], "瓶", None, 0, 12, "7.80", 270, 13),
    ("饮料/乳饮料", "养乐多", "养乐多活菌型乳酸菌乳品", ["100ml"], "瓶", "提", 5, 50, "1.70", 30, 13),
    ("饮料/乳饮料", "蒙牛", "蒙牛特仑苏纯牛奶", ["250ml"], "盒", "提", 12, 12, "4.60", 180, 9),
    (
        "饮料/乳饮料",
        "伊利",
        "伊利安慕希希腊风味酸奶",
        ["原味 205g", "草莓味 205g"],
        "盒",
        "提",
        12,
        12,
        "4.30",
        150,
        13,
    ),
    ("零食/膨化食品", "乐事", "乐事无限薯片罐装", ["原味 104g", "番茄味 104g"], "罐", None, 0, 24, "7.60", 365, 13),
    ("零食/膨化食品", "奇多", "奇多粟米棒", ["日式牛排味 90g"], "袋", None, 0, 24, "4.20", 270, 13),
    ("零食/饼干糕点", "好丽友", "好丽友薯愿", ["番茄味 104g", "清新原味 104g"], "盒", None, 0, 24, "6.90", 270, 13),
    (
        "零食/饼干糕点",
        "康师傅",
        "康师傅3+2苏打夹心饼干",
        ["柠檬味 125g", "奶油味 125g"],
        "袋",
        None,
        0,
        24,
        "4.30",
        300,
        13,
    ),
    ("零食/饼干糕点", "徐福记", "徐福记沙琪玛", ["鸡蛋味 469g", "香酥芝麻 469g"], "袋", None, 0, 10, "13.60", 180, 13),
    ("零食/饼干糕点", "盼盼", "盼盼法式小面包", ["奶香味 200g"], "袋", None, 0, 12, "6.20", 150, 13),
    ("零食/辣条卤味", "劲仔", "劲仔深海小鱼", ["香辣味 12g"], "包", "袋", 20, 400, "0.72", 240, 13),
    ("零食/辣条卤味", "双汇", "双汇王中王火腿肠", ["40g", "60g"], "支", "袋", 10, 200, "1.15", 180, 13),
    ("零食/坚果炒货", "三只松鼠", "三只松鼠碧根果", ["210g"], "袋", None, 0, 20, "15.80", 270, 13),
    ("零食/坚果炒货", "百草味", "百草味猪肉脯", ["100g"], "袋", None, 0, 40, "9.80", 180, 13),
    ("零食/糖果巧克力", "士力架", "士力架花生夹心巧克力", ["51g"], "条", "盒", 24, 288, "3.30", 365, 13),
    ("零食/糖果巧克力", "旺仔", "旺仔QQ糖", ["葡萄味 20g", "水蜜桃味 20g"], "袋", None, 0, 200, "1.05", 540, 13),
    ("日化/洗发沐浴", "潘婷", "潘婷乳液修护洗发露", ["400ml"], "瓶", None, 0, 12, "21.00", 1095, 13),
    ("日化/洗发沐浴", "六神", "六神花露水", ["195ml"], "瓶", None, 0, 24, "9.50", 1095, 13),
    ("日化/口腔护理", "佳洁士", "佳洁士3D炫白牙膏", ["120g"], "支", None, 0, 48, "10.80", 1095, 13),
    ("日化/口腔护理", "高露洁", "高露洁超细毛护龈牙刷", ["单支"], "支", None, 0, 144, "4.50", None, 13),
    ("日化/衣物清洁", "超能", "超能天然皂粉", ["1.5kg"], "袋", None, 0, 8, "16.50", 1095, 13),
    ("日化/纸品", "洁柔", "洁柔face抽纸", ["3层130抽"], "包", "提", 6, 60, "2.40", None, 13),
    ("日化/家居清洁", "滴露", "滴露消毒液", ["750ml"], "瓶", None, 0, 12, "29.00", 1095, 13),
    ("日化/家居清洁", "雕牌", "雕牌洗衣皂", ["202g"], "块", "条", 2, 72, "2.60", 1095, 13),
    ("粮油/食用油", "多力", "多力葵花籽油", ["5L", "900ml"], "桶", None, 0, 4, "76.00", 540, 9),
    ("粮油/食用油", "胡姬花", "胡姬花古法花生油", ["5L"], "桶", None, 0, 4, "112.00", 540, 9),
    ("粮油/米面", "十月稻田", "十月稻田五常大米", ["5kg"], "袋", None, 0, 4, "45.00", 365, 9),
    ("粮油/米面", "香满园", "香满园特精小麦粉", ["5kg"], "袋", None, 0, 4, "21.50", 270, 9),
    ("粮油/散装杂粮", "五谷丰登", "散装糯米", [""], "kg", None, 0, 0, "7.20", 365, 9),
    ("粮油/散装杂粮", "五谷丰登", "散装绿豆", [""], "kg", None, 0, 0, "11.40", 365, 9),
    ("粮油/调味品", "李锦记", "李锦记薄盐生抽", ["500ml"], "瓶", None, 0, 12, "9.20", 720, 13),
    ("粮油/调味品", "海天", "海天上等蚝油", ["700g"], "瓶", None, 0, 12, "8.40", 540, 13),
    ("粮油/调味品", "加加", "加加减盐面条鲜酱油", ["500ml"], "瓶", None, 0, 12, "5.90", 720, 13),
    ("粮油/调味品", "王守义", "王守义十三香", ["45g"], "盒", None, 0, 100, "3.10", 720, 13),
    ("粮油/调味品", "太太乐", "太太乐鲜鸡汁", ["238g"], "瓶", None, 0, 24, "9.60", 540, 13),
    ("零食/膨化食品", "旺旺", "旺旺小小酥", ["葱香味 60g", "黑胡椒味 60g"], "袋", None, 0, 40, "2.40", 270, 13),
    ("饮料/功能饮料", "佳得乐", "佳得乐运动饮料", ["柠檬味 600ml", "橙味 600ml"], "瓶", None, 0, 15, "3.40", 365, 13),
    ("日化/纸品", "维达", "维达婴儿湿巾", ["80片"], "包", None, 0, 24, "8.50", 1095, 13),
    ("粮油/调味品", "海天", "海天黄豆酱", ["340g"], "瓶", None, 0, 12, "5.80", 540, 13),
]

SUPPLIERS = [
    ("杭州鑫源食品有限公司", "陈国栋", "0571-88231456", "杭州市拱墅区莫干山路1112号", 30, 3),
    ("浙江百顺饮料经销有限公司", "刘建华", "0571-86012233", "杭州市余杭区良渚街道通运路66号", 30, 2),
    ("上海联众日化用品有限公司", "周敏", "021-54328876", "上海市闵行区莘庄工业区申富路288号", 45, 5),
    ("义乌市金谷粮油批发部", "金海涛", "0579-85510392", "义乌市稠城街道粮油市场A区12号", 15, 2),
    ("宁波海晨副食品有限公司", "吴海晨", "0574-87765521", "宁波市鄞州区钟公庙街道泰康中路55号", 30, 4),
    ("绍兴万家乐食品贸易有限公司", "沈立新", "0575-88123098", "绍兴市越城区解放北路212号", 30, 3),
    ("嘉兴惠民零食批发中心", "徐佳", "0573-82093311", "嘉兴市南湖区中环南路1288号", 7, 1),
    ("湖州佳洁日用品商行", "姚丽娟", "0572-22567810", "湖州市吴兴区红丰路868号", 15, 3),
    ("金华丰收粮油贸易有限公司", "楼永强", "0579-82336677", "金华市婺城区八一南街300号", 30, 3),
    ("温州好味道食品有限公司", "林晓东", "0577-88998765", "温州市鹿城区车站大道588号", 30, 4),
]

CUSTOMER_NAMES = [
    "城东惠民超市",
    "阳光便利店(文三路店)",
    "李记小卖部",
    "老张面馆",
    "杭州市第十四中学食堂",
    "好又多生活超市",
    "邻里鲜便利店",
    "西溪湿地游客中心小卖部",
    "三墩镇供销社门市部",
    "满口香快餐店",
    "嘉禾社区便民超市",
    "蒋村农贸市场王姐商店",
    "浙大紫金港校区学生超市",
    "翠苑一区便利店",
    "拱宸桥烟酒副食店",
    "钱塘江畔大排档",
    "和睦新村小卖部",
    "笕桥镇万家福超市",
    "九堡客运中心便利店",
    "下沙大学城百货",
    "良渚文化村生活超市",
    "星光大道夜宵店",
    "古墩路好运来超市",
    "丁桥美食城",
    "临平老街杂货铺",
    "闲林镇惠多多超市",
    "转塘美院后街小卖部",
    "滨江宝龙城便利店",
    "彩虹城社区超市",
    "余杭塘河副食店",
    "萧山机场员工食堂",
    "湘湖景区零售点",
    "运河天地酒楼",
    "留下镇老字号南货店",
    "之江实验室餐厅",
    "未来科技城白领超市",
    "五常便利店",
    "仁和镇佳佳乐超市",
    "瓶窑镇供销超市",
    "四季青服装城小吃店",
    "清河坊老街茶食铺",
    "紫荆花路爱家超市",
    "申花路夫妻店",
    "勾庄物流园食堂",
    "北干山农家乐",
    "乔司镇鑫鑫超市",
    "东新园小区便利店",
    "文一路24小时便利店",
    "大关苑百货商店",
    "金沙湖快捷酒店",
]

LEVELS = ["retail", "wholesale", "wholesale", "retail", "vip"]
CLASSES = ["regular", "regular", "key", "new", "dormant"]


def _ean13(body12: str) -> str:
    digits = [int(c) for c in body12]
    check = (10 - (sum(digits[0::2]) + 3 * sum(digits[1::2])) % 10) % 10
    return body12 + str(check)


def _gtin14(indicator: int, ean: str) -> str:
    body = f"{indicator}{ean[:12]}"
    digits = [int(c) for c in body]
    check = (10 - (3 * sum(digits[0::2]) + sum(digits[1::2])) % 10) % 10
    return body + str(check)


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DemoResult:
    """What the demo load created, and the password of the demo users (shown once)."""

    products: int
    suppliers: int
    customers: int
    warehouses: int
    users: list[str]
    password: str | None
    stock_documents: int = 0
    purchase_documents: int = 0
    sales_documents: int = 0
    finance_documents: int = 0


@transaction.atomic
def demo_load(*, actor: User | None, password: str | None = None) -> DemoResult:
    """Load the demo data once; a second call changes nothing."""
    company = Company.objects.select_for_update(of=("self",)).order_by("pk").first()
    if company is not None and company.demo_loaded_at is not None:
        return DemoResult(0, 0, 0, 0, [], None)
    units = {u.name: u for u in Unit.objects.all()}
    for name, decimals in UNITS:
        if name not in units:
            units[name] = unit_save(actor=actor, data=UnitData(name=name, decimals=decimals))
    categories = _categories(actor)
    brands: dict[str, int] = {}
    products = 0
    serial = 0
    for category, brand, name, variants, base, pack, per_pack, per_box, cost, shelf_life, tax in ITEMS:
        if brand not in brands:
            brands[brand] = brand_save(actor=actor, data=BrandData(name=brand)).pk
        for index, variant in enumerate(variants):
            serial += 1
            base_cost = Decimal(cost) * (Decimal(1) + Decimal(index) * Decimal("0.35"))
            ean = _ean13(f"69{(serial * 7919) % 10**10:010d}")
            unit_lines = []
            barcodes = [BarcodeLine(code=ean)]
            if pack:
                unit_lines.append(UnitLine(unit_id=units[pack].pk, factor=Decimal(per_pack)))
                barcodes.append(BarcodeLine(code=_gtin14(2, ean), unit_id=units[pack].pk))
            if per_box:
                unit_lines.append(UnitLine(unit_id=units["箱"].pk, factor=Decimal(per_box)))
                barcodes.append(BarcodeLine(code=_gtin14(1, ean), unit_id=units["箱"].pk))
            if base == "kg":
                barcodes = []
            product_create(
                actor=actor,
                data=ProductData(
                    sku=f"SP{serial:05d}",
                    name=name,
                    spec=variant,
                    category_id=categories[category],
                    brand_id=brands[brand],
                    base_unit_id=units[base].pk,
                    purchase_price=_money(base_cost),
                    wholesale_price=_money(base_cost * Decimal("1.12")),
                    retail_price=_money(base_cost * Decimal("1.45")).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                    min_price=_money(base_cost * Decimal("1.05")),
                    tax_rate=Decimal(tax),
                    min_stock=Decimal(per_box * 2 if per_box else 20),
                    max_stock=Decimal(per_box * 30 if per_box else 500),
                    track_lots=shelf_life is not None and shelf_life <= 365,
                    shelf_life_days=shelf_life,
                    units=unit_lines,
                    barcodes=barcodes,
                ),
            )
            products += 1
    for i, (name, contact, phone, address, terms, lead) in enumerate(SUPPLIERS, start=1):
        partner_create(
            actor=actor,
            data=PartnerData(
                code=f"S{i:04d}",
                name=name,
                is_supplier=True,
                contact_name=contact,
                phone=phone,
                address=address,
                payment_terms_days=terms,
                lead_time_days=lead,
                supplier_approved=i != 10,
                tax_id=f"91330{100000 + i * 7331:06d}MA2{i:03d}X",
                bank_name="中国工商银行杭州分行",
                bank_account=f"120200{i:04d}9000{i * 37:05d}",
                contacts=[
                    ContactLine(
                        name=contact, position="销售经理", phone=f"138{i:04d}{i * 1234 % 10000:04d}", is_primary=True
                    )
                ],
            ),
        )
    for i, name in enumerate(CUSTOMER_NAMES, start=1):
        level = LEVELS[i % len(LEVELS)]
        partner_create(
            actor=actor,
            data=PartnerData(
                code=f"C{i:04d}",
                name=name,
                is_customer=True,
                is_supplier=i == 7,
                contact_name=f"{'王李张刘陈杨赵黄周吴'[i % 10]}{'老板经理店长'[i % 3 * 2 : i % 3 * 2 + 2]}",
                phone=f"13{(i * 7) % 10}{(i * 97531) % 10**8:08d}",
                address=f"杭州市{'西湖区拱墅区上城区滨江区余杭区'[i % 5 * 3 : i % 5 * 3 + 3]}{name[:2]}路{i * 3}号",
                payment_terms_days=0 if level == "retail" else 30,
                credit_limit=None if level == "retail" else Decimal(5000 * (1 + i % 4)),
                price_level=level,
                customer_class=CLASSES[i % len(CLASSES)],
            ),
        )
    main = warehouse_create(
        actor=actor,
        data=WarehouseData(
            code="MAIN",
            name="总仓",
            address="杭州市余杭区仓前街道良睦路1399号",
            manager="赵建国",
            phone="0571-88886666",
        ),
    )
    shop = warehouse_create(
        actor=actor,
        data=WarehouseData(
            code="SHOP", name="城西门店仓", address="杭州市西湖区文三路477号", manager="钱小红", phone="0571-87779999"
        ),
    )
    for aisle in "ABC":
        for shelf in range(1, 5):
            location_save(
                actor=actor,
                warehouse=main,
                data=LocationData(code=f"{aisle}-{shelf:02d}", name=f"{aisle}区{shelf}号货架"),
            )
    for code, name in (("FRONT", "前场货架"), ("BACK", "后仓")):
        location_save(actor=actor, warehouse=shop, data=LocationData(code=code, name=name))
    stock_documents = _demo_stock(actor, main, shop)
    assert actor is not None
    purchase_documents = demo_purchasing(actor=actor, main=main)
    password = password or secrets.token_urlsafe(9)
    users = []
    for username, display, role, scope in (
        ("admin", "系统管理员", "admin", None),
        ("caigou", "采购-孙明", "purchaser", None),
        ("xiaoshou", "销售-周婷", "sales", None),
        ("cangguan", "仓管-郑强", "warehouse", main.pk),
        ("caiwu", "财务-王芳", "accountant", None),
        ("shouyin", "收银-冯丽", "cashier", shop.pk),
    ):
        user_create(
            actor=actor,
            data=UserData(
                username=username,
                display_name=display,
                roles=[role],
                all_warehouses=scope is None,
                warehouse_ids=[scope] if scope else [],
            ),
            password=password,
        )
        users.append(username)
    sales_documents = demo_sales(actor=actor, main=main)  # after the users: orders name the demo salesperson
    sales_documents += demo_shipments(actor=actor, main=main, shop=shop)
    customer_classes_refresh(actor=actor, on=timezone.localdate())  # the classes the demo's sales give
    finance_documents = demo_finance(actor=actor)
    if company is not None:
        company.demo_loaded_at = timezone.now()
        if company.name in {"My company", "我的公司"}:
            company.name = "杭州鑫达商贸有限公司"
        company.save(update_fields=["demo_loaded_at", "name"])
    return DemoResult(
        products,
        len(SUPPLIERS),
        len(CUSTOMER_NAMES),
        2,
        users,
        password,
        stock_documents,
        purchase_documents,
        sales_documents,
        finance_documents,
    )


def _demo_stock(actor: User | None, main: Warehouse, shop: Warehouse) -> int:
    """Opening stock (期初) in both warehouses, a transfer to the shop, a scrap and a finished count."""
    assert actor is not None
    today = timezone.localdate()
    opening_day = today - timedelta(days=20)
    rng = random.Random(20261123)
    main_locations = list(main.locations.exclude(is_default=True).order_by("code"))
    shop_front = shop.locations.get(code="FRONT")
    products = list(Product.objects.select_related("base_unit").prefetch_related("units__unit").order_by("sku"))
    main_lines, shop_lines = [], []
    for index, product in enumerate(products):
        box = next((u for u in product.units.all() if u.unit.name == "箱"), None)
        boxes = rng.randint(1, 3) if index % 9 == 0 else rng.randint(4, 25)  # a few run low: stock alerts
        quantity = Decimal(boxes) * (box.factor if box else Decimal(rng.randint(20, 120)))
        lot = {}
        if product.track_lots:
            made = opening_day - timedelta(days=rng.randint(10, 60))
            expiry = made + timedelta(days=product.shelf_life_days or 180)
            if index % 23 == 0:
                expiry = today + timedelta(days=rng.randint(3, 20))  # expiring soon: more alerts
            lot = {"batch_no": f"B{made:%y%m%d}{index % 10}", "production_date": made, "expiry_date": expiry}
        location = main_locations[index * len(main_locations) // len(products)]
        main_lines.append(
            LineData(
                product_id=product.pk,
                quantity=quantity,
                unit_cost=product.purchase_price,
                location_id=location.pk,
                **lot,
            )
        )
        if index % 4 == 0:
            shop_lines.append(
                LineData(
                    product_id=product.pk,
                    quantity=(quantity / 4).to_integral_value() or Decimal(1),
                    unit_cost=product.purchase_price,
                    location_id=shop_front.pk,
                    **({**lot, "batch_no": lot["batch_no"]} if lot else {}),
                )
            )
    documents = [
        DocumentData(
            kind=DocumentKind.RECEIPT,
            date=opening_day,
            warehouse_id=main.pk,
            reason=ReceiptReason.OPENING,
            notes="期初库存",
            lines=main_lines,
        ),
        DocumentData(
            kind=DocumentKind.RECEIPT,
            date=opening_day,
            warehouse_id=shop.pk,
            reason=ReceiptReason.OPENING,
            notes="期初库存",
            lines=shop_lines,
        ),
    ]
    for data in documents:
        stock_document_post(actor=actor, document=stock_document_create(actor=actor, data=data))
    plain = [p for p in products if not p.track_lots][:5]
    transfer = stock_document_create(
        actor=actor,
        data=DocumentData(
            kind=DocumentKind.TRANSFER,
            date=today - timedelta(days=7),
            warehouse_id=main.pk,
            to_warehouse_id=shop.pk,
            notes="门店补货",
            lines=[
                LineData(
                    product_id=p.pk,
                    quantity=Decimal(12),
                    location_id=main_lines[products.index(p)].location_id,
                    to_location_id=shop_front.pk,
                )
                for p in plain
            ],
        ),
    )
    stock_transfer_receive(
        actor=actor, document=stock_document_post(actor=actor, document=transfer), day=today - timedelta(days=6)
    )
    scrap = stock_document_create(
        actor=actor,
        data=DocumentData(
            kind=DocumentKind.ISSUE,
            date=today - timedelta(days=3),
            warehouse_id=main.pk,
            reason=IssueReason.SCRAP,
            notes="搬运破损",
            lines=[
                LineData(
                    product_id=plain[0].pk,
                    quantity=Decimal(2),
                    location_id=main_lines[products.index(plain[0])].location_id,
                )
            ],
        ),
    )
    stock_document_post(actor=actor, document=scrap)
    counted_location = main_locations[0]
    count = stock_count_create(
        actor=actor,
        warehouse_id=main.pk,
        day=today - timedelta(days=1),
        location_ids=[counted_location.pk],
        notes="A-01 货架月度盘点",
    )
    entries = []
    for n, line in enumerate(count.lines.all()):
        counted = line.book_quantity - 1 if n == 0 else line.book_quantity  # one pack missing
        entries.append(
            CountEntry(product_id=line.product_id, location_id=line.location_id, lot_id=line.lot_id, quantity=counted)
        )
    stock_count_record(actor=actor, count=count, entries=entries)
    stock_count_submit(actor=actor, count=count)
    stock_count_approve(actor=actor, count=count)
    stock_count_post(actor=actor, count=count)
    return len(documents) + 3


def _categories(actor: User | None) -> dict[str, int]:
    found: dict[str, int] = {}
    for order, (category, *_rest) in enumerate(ITEMS):
        parent_id = None
        path = ""
        for part in category.split("/"):
            path = f"{path}/{part}" if path else part
            if path not in found:
                found[path] = category_save(
                    actor=actor, data=CategoryData(name=part, parent_id=parent_id, sort_order=order)
                ).pk
            parent_id = found[path]
    return found
