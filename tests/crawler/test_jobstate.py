"""The JOBDIR request ledger: what a rerun finds after a clean stop or a kill."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from crawler.jobstate.ledger import RequestLedger


def test_a_request_is_done_only_at_a_checkpoint_and_only_when_no_longer_in_flight(tmp_path):
    ledger = RequestLedger(tmp_path / "ledger.sqlite")
    for fp in (b"a", b"b", b"c"):
        ledger.add(ledger.next_id(), fp, b"request " + fp)
    ledger.add(ledger.next_id(), None, b"a dont_filter request")
    for entry_id in (1, 2, 3):
        ledger.take(entry_id)
    assert ledger.checkpoint(in_flight={2}) == 2  # 1 and 3 finished; 2 is still downloading or being scraped
    assert ledger.checkpoint(in_flight=set()) == 1
    ledger.close()

    again = RequestLedger(tmp_path / "ledger.sqlite")
    assert list(again.pending()) == [(4, b"a dont_filter request")]
    assert set(again.fingerprints()) == {b"a", b"b", b"c"}, "a dont_filter request never makes another a duplicate"
    assert again.counts() == (3, 1)
    assert again.next_id() == 5
    again.close()


def test_a_kill_loses_uncommitted_marks_and_additions_together(tmp_path):
    """Between checkpoints nothing is committed: the parent is not done, so its children are found again."""
    path = tmp_path / "ledger.sqlite"
    ledger = RequestLedger(path)
    ledger.add(ledger.next_id(), b"start", b"the start page")
    ledger.take(1)
    ledger.checkpoint(in_flight={1})  # committed: the start page, not done
    ledger.close()
    script = textwrap.dedent(
        f"""
        import os
        from crawler.jobstate.ledger import RequestLedger
        ledger = RequestLedger({str(path)!r})
        ledger.take(1)
        ledger.add(ledger.next_id(), b"child", b"a link on the start page")
        ledger.checkpoint(in_flight={{1}})  # the child is committed, the start page still in flight
        ledger.add(ledger.next_id(), b"child 2", b"another link")
        os.kill(os.getpid(), 9)
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True)
    assert killed.returncode == -9, killed.stderr.decode()
    after = RequestLedger(path)
    assert [entry for entry, _ in after.pending()] == [1, 2], "the start page and the committed child; not child 2"
    after.close()
