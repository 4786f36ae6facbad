from jxc.catalog.models.products import Barcode, Product, ProductUnit
from jxc.catalog.models.taxonomy import Brand, Category, Unit

__all__ = ["Barcode", "Brand", "Category", "Product", "ProductUnit", "Unit"]
