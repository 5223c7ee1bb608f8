from tests.common.worker import queue_redis, run_worker  # noqa: F401
