"""JXC 进销存: purchase, sales and inventory management."""

__version__ = "0.1.0"
