"""Thread-pool helpers: run work on a bounded pool, and wait for it with the first error winning."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_parallel(function: Callable[[T], R], items: Iterable[T], jobs: int) -> list[R]:
    """``[function(item) for item in items]`` on a bounded pool; the first error wins.

    On a failure, work not yet started is cancelled and the error is raised; on Ctrl-C
    (or SIGTERM), the workers are not waited for.
    """
    work = list(items)
    if not work:
        return []
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(work))))
    interrupted = False
    try:
        return gather([pool.submit(function, item) for item in work])
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        # Interrupted: leave a request a server stalls behind instead of waiting for it.
        pool.shutdown(wait=not interrupted, cancel_futures=True)


def gather(futures: list[Future[R]]) -> list[R]:
    """The results of ``futures``, in order; the first error wins.

    On a failure, the futures not yet started are cancelled and the error is raised.
    """
    done, _ = wait(futures, return_when=FIRST_EXCEPTION)
    failed = [future for future in futures if future in done and future.exception()]
    if failed:
        for future in futures:
            future.cancel()
        raise failed[0].exception()  # type: ignore[misc]
    return [future.result() for future in futures]
