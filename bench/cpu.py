"""The CPU time a served stack spends, read from /proc, for the benchmarks.

What a request costs the servers, apart from how long it waited for a core: a second view of
a load where the req/s swing between runs on a shared machine (it varies too: the machine's
caches and clock are shared). The stack is a process group (the servers the benchmark
started), the PostgreSQL connections to the benchmark's database (by their process title, so
another database's work on the same server is left out) and the Redis server at the
benchmark's address; wrk, the client, is left out.
"""

import os
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Stack:
    pgid: int  # the process group of the servers
    titles: tuple[str, ...]  # marks in the titles of the PostgreSQL and Redis processes counted

    def _serves(self, pid: str) -> bool:
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return False
        return any(mark and mark in title for mark in self.titles)

    def ticks(self) -> dict[int, int]:
        """CPU ticks so far of each process of the stack, by pid."""
        ticks = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:  # the process ended meanwhile
                continue
            name = text[text.index("(") + 1 : text.rindex(")")]
            fields = text.rsplit(")", 1)[1].split()
            if int(fields[2]) == self.pgid or (
                name in ("postgres", "redis-server") and self._serves(stat.parent.name)
            ):
                ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])  # utime, stime
        return ticks

    def seconds_since(self, before: dict[int, int]) -> float:
        """What the stack's processes spent since `before` (a process started meanwhile counts
        whole; one that ended meanwhile, such as a database connection closed, is left out)."""
        return sum(t - before.get(pid, 0) for pid, t in self.ticks().items()) / TICKS


def titles(database: str, redis_host: str | None, redis_port: int | None) -> tuple[str, ...]:
    """The marks of the benchmark's database connections and Redis server."""
    return (
        f"postgres {database} ",  # in a connection's title: user, database, client
        f"redis-server {redis_host}:{redis_port}" if redis_port else "",
    )
