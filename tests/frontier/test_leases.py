"""LeaseBook: a lease is released only when Scrapy is done with its request and its pages are stored."""

from __future__ import annotations

from crawler.frontier.leases import LeaseBook


def test_a_request_without_items_is_released_when_scrapy_is_done_with_it():
    book = LeaseBook()
    book.add("1", object())
    assert book.take_releasable() == []
    book.finished("1")
    assert book.take_releasable() == ["1"]
    assert len(book) == 0


def test_a_page_is_released_only_after_its_batch_is_stored():
    book = LeaseBook()
    book.add("1", object())
    book.item_passed("1", "http://x/a")
    book.finished("1")
    assert book.take_releasable() == [] and book.awaiting_store == 1
    book.stored(["http://x/other"])  # someone else's page
    assert book.take_releasable() == []
    book.stored(["http://x/a"])
    assert book.take_releasable() == ["1"]


def test_stored_before_scrapy_is_done_still_waits_for_the_end_of_the_request():
    book = LeaseBook()
    book.add("1", object())
    book.item_passed("1", "http://x/a")
    book.stored(["http://x/a"])
    assert book.take_releasable() == []  # its callback may still yield more
    book.finished("1")
    assert book.take_releasable() == ["1"]


def test_an_item_committed_before_item_scraped_fires_is_not_waited_for():
    """The DatabasePipeline commits inside process_item when that item fills a batch, before item_scraped."""
    book = LeaseBook()
    book.add("1", object())
    book.stored(["http://x/a"])
    book.item_passed("1", "http://x/a")
    book.finished("1")
    assert book.take_releasable() == ["1"]


def test_two_items_of_one_request_and_items_of_others():
    book = LeaseBook()
    book.add("1", object())
    book.add("2", object())
    book.item_passed("1", "http://x/a")
    book.item_passed("1", "http://x/b")
    book.item_passed("2", "http://x/c")
    book.finished("1")
    book.finished("2")
    book.stored(["http://x/a", "http://x/c"])
    assert book.take_releasable() == ["2"]
    book.stored(["http://x/b"])
    assert book.take_releasable() == ["1"]


def test_items_without_a_lease_or_url_are_ignored():
    book = LeaseBook()
    book.item_passed(None, "http://x/start-item")  # yielded by start(): no request, no lease
    book.item_passed("9", None)
    book.add("1", object())
    book.finished("1")
    assert book.take_releasable() == ["1"]


def test_in_progress_and_take_unreleased():
    book = LeaseBook()
    r1, r2 = object(), object()
    book.add("1", r1)
    book.add("2", r2)
    book.item_passed("2", "http://x/b")
    book.finished("2")
    assert book.in_progress() == [("1", r1)]
    assert sorted(book.take_unreleased()) == ["1", "2"]
    assert len(book) == 0 and book.in_progress() == []


def test_a_failed_push_redoes_the_requests_in_progress_instead_of_releasing_them():
    book = LeaseBook()
    book.add("done-before", object())
    book.finished("done-before")
    book.add("1", object())
    book.add("2", object())
    book.item_passed("2", "http://x/b")
    assert book.redo_in_progress() == 2
    book.finished("1")
    book.finished("2")
    book.stored(["http://x/b"])
    assert book.take_releasable() == ["done-before"]
    assert sorted(book.take_redo()) == ["1", "2"]
