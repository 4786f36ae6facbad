"""Document numbers: CG202611220001 style, gap-free per prefix and day, safe when many take one at once."""

import threading
from datetime import date

import pytest
from django.db import close_old_connections, connection, transaction

from jxc.core.models import Sequence
from jxc.core.sequences import code_next, document_number_next


def test_numbers_count_up_per_prefix_and_day(db):
    with transaction.atomic():
        first = document_number_next(prefix="CG", on=date(2026, 11, 22))
        second = document_number_next(prefix="CG", on=date(2026, 11, 22))
        other_prefix = document_number_next(prefix="XS", on=date(2026, 11, 22))
        next_day = document_number_next(prefix="CG", on=date(2026, 11, 23))
    assert (first, second) == ("CG202611220001", "CG202611220002")
    assert other_prefix == "XS202611220001"
    assert next_day == "CG202611230001"


def test_a_rolled_back_document_returns_its_number(db):
    with transaction.atomic():
        assert document_number_next(prefix="RK", on=date(2026, 1, 5)) == "RK202601050001"
    with pytest.raises(RuntimeError), transaction.atomic():
        document_number_next(prefix="RK", on=date(2026, 1, 5))
        raise RuntimeError("the document failed to save")
    with transaction.atomic():
        assert document_number_next(prefix="RK", on=date(2026, 1, 5)) == "RK202601050002"


@pytest.mark.django_db(transaction=True)
def test_numbers_must_be_taken_inside_a_transaction():
    with pytest.raises(RuntimeError):
        document_number_next(prefix="CG", on=date(2026, 1, 1))


def test_code_series(db):
    with transaction.atomic():
        assert [code_next(series="C") for _ in range(3)] == ["C0001", "C0002", "C0003"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_threads_get_no_duplicate_and_no_gap():
    # given 24 threads that each save a "document" in their own transaction, some of which fail
    taken: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(24)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            for attempt in range(5):
                try:
                    with transaction.atomic():
                        number = document_number_next(prefix="XS", on=date(2026, 11, 22))
                        if (index + attempt) % 4 == 0:
                            raise ValueError("this document is refused: its number must come back")
                    with lock:
                        taken.append(number)
                except ValueError:
                    pass
        except BaseException as error:  # report any failure to the main thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every committed number is unique and together they are 1..n without a gap
    assert not errors
    sequence = sorted(int(n[-4:]) for n in taken)
    assert len(taken) == len(set(taken)) == 90
    assert sequence == list(range(1, len(taken) + 1))
    assert Sequence.objects.get(key="XS20261122").last == len(taken)
