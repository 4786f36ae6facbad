from jxc.core.models.imports import ImportBatch
from jxc.core.models.requests import IdempotencyRecord
from jxc.core.models.sequences import Sequence

__all__ = ["IdempotencyRecord", "ImportBatch", "Sequence"]
