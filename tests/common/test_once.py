"""ddm.once: a process-wide value is built once, even when threads ask for it together."""

import threading
import time

from ddm.once import once


def test_built_once_under_concurrent_first_calls_and_again_after_reset():
    builds = []

    @once
    def index():
        builds.append(1)
        time.sleep(0.05)  # a slow build: the other threads arrive while it runs
        return object()

    seen = []
    threads = [threading.Thread(target=lambda: seen.append(index())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1 and len({id(v) for v in seen}) == 1
    index.reset()
    assert index() is not seen[0] and len(builds) == 2
    assert index.__doc__ is None and index.__name__ == "index"
