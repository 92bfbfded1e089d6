"""The task worker's heartbeat: `run_periodic` queues it every round, the worker runs it, and
readiness (core.readiness) reads when it last finished. Going through the queue, it shows what
matters: that queued work is being taken, not only that a worker process exists."""

from django.tasks import task
from django.utils import timezone


@task()
def heartbeat() -> str:
    return timezone.now().isoformat()
