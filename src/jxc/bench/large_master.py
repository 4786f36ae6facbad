"""The master data of `jxc seed-large`, made through the real services: categories and products, suppliers and
customers with payment terms, salespeople, warehouses with locations, a bank and a cash account with an opening
balance. Deterministic for a seed; returns the `Catalogue` the history simulation works from."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from jxc.accounts.models import User
from jxc.accounts.services.users import UserData, user_create
from jxc.bench.large_history import Catalogue, Party
from jxc.catalog.models import Category, Unit
from jxc.catalog.services.products import ProductData, product_create
from jxc.catalog.services.taxonomy import CategoryData, UnitData, category_save, unit_save
from jxc.core.models import Sequence
from jxc.finance.choices import OPENING_SOURCE, Direction, PaymentMethod
from jxc.finance.models import CashAccount
from jxc.finance.services.cash import cash_account_for_method, cash_entry_post
from jxc.finance.services.opening_file import OPENING_NUMBER
from jxc.inventory.services.warehouses import LocationData, WarehouseData, location_save, warehouse_create
from jxc.partners.models import PartnerBalance, PriceLevel, SupplierClass
from jxc.partners.services.ledger import EntrySource
from jxc.partners.services.partners import PartnerData, partner_create
from jxc.purchasing.choices import RECEIPT_SOURCE
from jxc.sales.choices import SHIPMENT_SOURCE

OWNER_PASSWORD = "bench-Pass-2026"  # as `jxc bench ledger`: a benchmark database, not a live one
FIRST_SKU = "LG00001"

# category, unit, tax rate, product stems, specifications
CATEGORIES: list[tuple[str, str, int, list[str], list[str]]] = [
    (
        "方便食品",
        "包",
        13,
        ["红烧牛肉面", "老坛酸菜面", "香辣牛肉面", "鲜虾鱼板面", "酸辣粉", "螺蛳粉"],
        ["105g", "五连包"],
    ),
    (
        "饮料",
        "瓶",
        13,
        ["饮用天然水", "纯净水", "冰红茶", "绿茶", "橙汁", "可乐", "椰汁", "功能饮料"],
        ["500ml", "1.5L"],
    ),
    ("乳品", "盒", 9, ["纯牛奶", "酸奶", "早餐奶", "乳酸菌饮品"], ["250ml", "200g"]),
    ("零食", "袋", 13, ["薯片", "苏打饼干", "香瓜子", "巧克力", "奶糖", "每日坚果", "海苔"], ["70g", "160g", "家庭装"]),
    ("日化", "瓶", 13, ["洗衣液", "洗发水", "沐浴露", "洗洁精", "牙膏", "香皂"], ["400ml", "1kg", "3kg"]),
    ("纸品", "提", 13, ["抽纸", "卷纸", "手帕纸", "厨房纸"], ["10包", "12卷"]),
    ("粮油", "袋", 9, ["东北大米", "小麦粉", "调和油", "花生油", "酱油", "米醋"], ["5kg", "1.8L", "500ml"]),
]
BRANDS = ["康师傅", "统一", "农夫山泉", "娃哈哈", "伊利", "蒙牛", "旺旺", "洽洽", "三只松鼠", "蓝月亮", "立白",
          "金龙鱼", "海天", "鲁花", "维达", "清风", "今麦郎", "白象", "达利园", "好丽友"]  # fmt: skip
CITIES = ["杭州", "宁波", "温州", "绍兴", "嘉兴", "湖州", "金华", "台州", "丽水", "衢州", "舟山", "义乌"]
WORDS = ["惠民", "联华", "万家", "佳佳", "好又多", "鑫源", "利群", "永盛", "丰收", "如意", "百佳", "喜相逢", "红星",
         "新世纪", "四季", "金桥"]  # fmt: skip
SHOPS = ["超市", "便利店", "商行", "批发部", "百货", "食品店"]
TRADES = ["食品", "饮料", "日化", "粮油", "商贸", "贸易"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"]
WAREHOUSES = ["杭州总仓", "宁波仓", "温州仓", "金华仓", "嘉兴仓", "绍兴仓", "台州仓", "湖州仓", "衢州仓"]
PACKS = [1, 1, 2, 5, 6, 10, 12, 12, 24]
# How customers pay, in turn (60 % prompt, 25 % slow, 10 % partial, 5 % bad; a few customers already see each kind).
BEHAVIOURS = ("prompt", "slow", "partial", "prompt", "prompt", "bad", "prompt", "slow", "prompt", "prompt", "slow",
              "prompt", "partial", "prompt", "slow", "prompt", "prompt", "slow", "prompt", "prompt")  # fmt: skip


@dataclass
class MasterData:
    """What the history needs from the master data, and the SKUs for the summary."""

    catalogue: Catalogue
    skus: list[str]


def master_data_create(
    *, owner: User, products: int, customers: int, suppliers: int, warehouses: int, first: date, seed: int
) -> MasterData:
    """Make the master data (in the caller's transaction) and return it as the simulation's catalogue."""
    rng = random.Random(seed * 7919 + 1)
    with translation.override(settings.LANGUAGE_CODE):
        texts = {
            RECEIPT_SOURCE: _("Purchase receipt"),
            SHIPMENT_SOURCE: _("Shipment"),
            "in": str(Direction.IN.label),
            "out": str(Direction.OUT.label),
            "opening": _("Opening balance"),
        }
    people = _salespeople(owner)
    product_rows = _products(owner, products, suppliers, rng)
    supplier_rows = [_supplier(owner, i, rng) for i in range(suppliers)]
    warehouse_ids, locations = _warehouses(owner, warehouses)
    customer_rows = [_customer(owner, i, warehouses, people, rng) for i in range(customers)]
    bank = cash_account_for_method(method=PaymentMethod.BANK)
    till = cash_account_for_method(method=PaymentMethod.CASH)
    opening = sum(p.buy * p.pack * 20 for p in product_rows) * warehouses  # roughly the first stock bought
    opening = math.ceil(opening * 1.2 / 1_000_000) * 10_000  # whole ten thousands of yuan
    cash_entry_post(
        account=bank,
        amount=Decimal(opening),
        day=first,
        source=EntrySource(OPENING_SOURCE, bank.pk, OPENING_NUMBER, "post"),
        actor=owner,
        memo=texts["opening"],
    )
    partner_ids = [p.id for p in (*supplier_rows, *customer_rows)]
    balances = {
        b.partner_id: [_cents(b.receivable), _cents(b.payable)]
        for b in PartnerBalance.objects.filter(partner_id__in=partner_ids)
    }
    prefixes = ("RK", "CK", "SK", "FK")
    catalogue = Catalogue(
        owner_id=owner.pk,
        product_ids=[p.id for p in product_rows],
        units=[p.unit for p in product_rows],
        taxes=[p.tax for p in product_rows],
        buy=[p.buy for p in product_rows],
        retail=[p.retail for p in product_rows],
        wholesale=[p.wholesale for p in product_rows],
        packs=[p.pack for p in product_rows],
        suppliers_of=[(p.supplier, p.other_supplier) for p in product_rows],
        warehouses=warehouse_ids,
        locations=locations,
        suppliers=supplier_rows,
        customers=customer_rows,
        bank_id=bank.pk,
        cash_id=till.pk,
        sequences={s.key: s.last for s in Sequence.objects.all() if s.key[:2] in prefixes and s.key[2:].isdigit()},
        balances=balances,
        cash={a.pk: _cents(a.balance) for a in CashAccount.objects.filter(pk__in=[bank.pk, till.pk])},
        texts=texts,
    )
    return MasterData(catalogue, [p.sku for p in product_rows])


def _cents(value: Decimal) -> int:
    return int(value.scaleb(2))


@dataclass
class _Product:
    id: int
    sku: str
    unit: int
    tax: int
    buy: int
    retail: int
    wholesale: int
    pack: int
    supplier: int
    other_supplier: int


def _products(owner: User, count: int, suppliers: int, rng: random.Random) -> list[_Product]:
    """Products spread over the categories, priced from 1 to 300 yuan (log-uniform), sold at a 25–70 % markup."""
    categories = []
    for name, unit_name, tax, stems, specs in CATEGORIES:
        category = Category.objects.filter(name=name, parent=None).first() or category_save(
            actor=owner, data=CategoryData(name=name)
        )
        unit = Unit.objects.filter(name=unit_name).first() or unit_save(actor=owner, data=UnitData(name=unit_name))
        categories.append((category.pk, unit.pk, tax, stems, specs))
    made = []
    for i in range(count):
        category_id, unit_id, tax, stems, specs = categories[i % len(categories)]
        brand = BRANDS[(i // len(categories)) % len(BRANDS)]
        stem = stems[(i // len(categories) // len(BRANDS)) % len(stems)]
        spec = specs[i % len(specs)]
        buy = max(100, round(math.exp(rng.uniform(math.log(100), math.log(30_000)))))
        retail = round(buy * rng.uniform(1.25, 1.7) / 10) * 10
        wholesale = max(buy + 1, round(retail * 0.88))
        sku = f"LG{i + 1:05d}"
        product = product_create(
            actor=owner,
            data=ProductData(
                sku=sku,
                name=f"{brand}{stem}",
                spec=spec,
                base_unit_id=unit_id,
                category_id=category_id,
                purchase_price=Decimal(buy).scaleb(-2),
                retail_price=Decimal(retail).scaleb(-2),
                wholesale_price=Decimal(wholesale).scaleb(-2),
                tax_rate=Decimal(tax),
            ),
        )
        main = rng.randrange(suppliers)
        other = (main + 1 + rng.randrange(suppliers - 1)) % suppliers if suppliers > 1 else main
        made.append(_Product(product.pk, sku, unit_id, tax, buy, retail, wholesale, rng.choice(PACKS), main, other))
    return made


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else "")


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _supplier(owner: User, i: int, rng: random.Random) -> Party:
    city, word, trade = CITIES[i % len(CITIES)], WORDS[(i // len(CITIES)) % len(WORDS)], rng.choice(TRADES)
    name = f"{city}{word}{trade}有限公司" + (f"（{i // (len(CITIES) * len(WORDS)) + 1}）" if i >= 192 else "")
    terms = rng.choice((30, 30, 45, 60))
    partner = partner_create(
        actor=owner,
        data=PartnerData(
            name=name,
            is_supplier=True,
            contact_name=_person(rng),
            phone=_phone(rng),
            address=f"浙江省{city}市{word}路{rng.randint(1, 300)}号",
            payment_terms_days=terms,
            lead_time_days=rng.choice((2, 3, 5, 7)),
            supplier_class=rng.choice(SupplierClass.values),
        ),
    )
    return Party(partner.pk, partner.name, terms, weekday=i % 6)


def _customer(owner: User, i: int, warehouses: int, people: list[int], rng: random.Random) -> Party:
    city, word, shop = CITIES[i % len(CITIES)], WORDS[(i // len(CITIES)) % len(WORDS)], rng.choice(SHOPS)
    name = f"{city}{word}{shop}" + (f"{i // (len(CITIES) * len(WORDS)) + 1}号店" if i >= 192 else "")
    terms = rng.choice((0, 15, 30, 30, 30, 45, 60))
    level = rng.choice((PriceLevel.RETAIL, PriceLevel.WHOLESALE, PriceLevel.WHOLESALE, PriceLevel.VIP))
    behaviour = BEHAVIOURS[i % len(BEHAVIOURS)]
    contact, phone = _person(rng), _phone(rng)
    address = f"浙江省{city}市{rng.choice(WORDS)}街{rng.randint(1, 500)}号"
    partner = partner_create(
        actor=owner,
        data=PartnerData(
            name=name,
            is_customer=True,
            contact_name=contact,
            phone=phone,
            address=address,
            payment_terms_days=terms,
            credit_limit=Decimal(rng.choice((0, 20_000, 50_000, 100_000, 300_000))) or None,
            price_level=level,
            salesperson_id=people[i % len(people)] if people else None,
        ),
    )
    return Party(
        partner.pk,
        partner.name,
        terms,
        behaviour=behaviour,
        level="retail" if level == PriceLevel.RETAIL else "wholesale",
        warehouse=i % warehouses,
        ship_to=address,
        contact=f"{contact} {phone}",
        weekday=(i * 5 + 2) % 6,
    )


def _salespeople(owner: User) -> list[int]:
    made = []
    for n, name in enumerate(("张伟", "李娜", "王磊"), start=1):
        username = f"sales{n}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _password = user_create(
                actor=owner,
                data=UserData(username=username, display_name=name, roles=["sales"]),
                password=OWNER_PASSWORD,
            )
        made.append(user.pk)
    return made


def _warehouses(owner: User, count: int) -> tuple[list[int], list[list[int]]]:
    ids, locations = [], []
    for w in range(count):
        name = WAREHOUSES[w] if w < len(WAREHOUSES) else f"分仓{w + 1}"
        warehouse = warehouse_create(actor=owner, data=WarehouseData(code=f"LW{w + 1:02d}", name=name))
        for code in ("A01", "A02", "B01"):
            location_save(actor=owner, warehouse=warehouse, data=LocationData(code=code))
        ids.append(warehouse.pk)
        locations.append(list(warehouse.locations.order_by("code").values_list("pk", flat=True)))
    return ids, locations
