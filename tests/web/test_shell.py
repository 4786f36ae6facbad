"""The shell: home page figures, global search, language switch, error pages, health check."""

from django.test import Client

from jxc.catalog.services.products import product_set_active


def test_home_shows_figures_from_the_data(web, make_product, make_partner, make_warehouse, owner):
    make_product(sku="A1")
    gone = make_product(sku="A2")
    product_set_active(actor=owner, product=gone, active=False)
    make_partner("城东惠民超市")
    make_partner("杭州鑫源食品", is_customer=False, is_supplier=True)
    make_warehouse()
    page = web.get("/").content.decode()
    assert 'data-figure="products">1<' in page
    assert 'data-figure="customers">1<' in page
    assert 'data-figure="suppliers">1<' in page
    assert 'data-figure="warehouses">1<' in page


def test_search_finds_products_and_partners(web, make_product, make_partner):
    make_product(sku="KSF-105", name="康师傅红烧牛肉面")
    make_partner("城东惠民超市", phone="0571-88231456", code="C0001")
    for query in ("KSF", "红烧", "ksf-1"):
        assert "康师傅红烧牛肉面" in web.get("/search/", {"q": query}).content.decode()
    for query in ("CDHM", "88231456", "C0001", "惠民"):
        assert "城东惠民超市" in web.get("/search/", {"q": query}).content.decode()
    suggest = web.get("/search/suggest/", {"q": "ksf"}).content.decode()
    assert "康师傅红烧牛肉面" in suggest


def test_a_scanned_barcode_opens_the_product(web, make_product):
    product = make_product()
    code = product.barcodes.first().code
    response = web.get("/search/", {"q": code})
    assert response.status_code == 302 and response["Location"] == f"/catalog/products/{product.pk}/"
    assert web.get("/search/", {"q": code, "all": "1"}).status_code == 200


def test_search_respects_permissions(make_user, make_product, make_partner):
    make_product(name="康师傅红烧牛肉面")
    make_partner("城东惠民超市")
    cashier = Client()
    cashier.force_login(make_user("cashier", "cashier"))
    page = cashier.get("/search/", {"q": "城东"}).content.decode()
    assert "城东惠民超市" in page  # cashiers look up customers
    nobody = Client()
    nobody.force_login(make_user("nobody"))
    assert "康师傅" not in nobody.get("/search/", {"q": "KSF"}).content.decode().split("<main")[1]


def test_search_api(api, make_product, make_partner):
    product = make_product()
    make_partner("城东惠民超市", phone="13800001111")
    found = api.get("/search", {"q": product.barcodes.first().code}).json()
    assert found["exact_product_id"] == product.pk
    assert api.get("/search", {"q": "13800001111"}).json()["partners"][0]["name"] == "城东惠民超市"


def test_chinese_by_default_and_english_on_request(web):
    page = web.get("/catalog/products/").content.decode()
    assert "商品" in page and 'lang="zh-hans"' in page
    web.post("/i18n/setlang/", {"language": "en", "next": "/catalog/products/"})
    english = web.get("/catalog/products/").content.decode()
    assert ">Products<" in english and 'lang="en"' in english
    web.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "商品" in web.get("/catalog/products/").content.decode()


def test_error_pages(make_user):
    client = Client()
    client.force_login(make_user("cashier", "cashier"))
    forbidden = client.get("/catalog/products/new/")
    assert forbidden.status_code == 403
    missing = client.get("/catalog/products/999999/")
    assert missing.status_code == 404


def test_health_check_needs_no_login(db):
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_static_files_are_served_by_the_app(live_server):
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/static/jxc/app.css") as response:
        assert response.status == 200 and b".sidebar" in response.read()
    with urllib.request.urlopen(f"{live_server.url}/static/vendor/htmx-2.0.11.min.js") as response:
        assert response.status == 200


def test_api_docs_and_schema(db):
    client = Client()
    assert client.get("/api/v1/docs").status_code == 200
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/products" in schema["paths"] and "/api/v1/partners/{partner_id}" in schema["paths"]
