"""Runs one command, feeds it stdin, and reports when its first reply line came and its peak
memory, as JSON on stdout: ``python -S bench/launch.py MARKER STDIN -- ARGV...``.

A separate small process, because a child's peak resident memory as the kernel counts it
includes the memory of whoever forked it, up to the exec; forked from this small
interpreter, the figure is the command's own (and the floor's, measured the same way).
"""

import json
import os
import subprocess
import sys
import time


def main() -> None:
    marker, stdin, argv = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[4:]
    started = time.perf_counter()
    child = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    child.stdin.write(stdin)
    child.stdin.close()
    answered = None
    for line in child.stdout:
        if answered is None and line.startswith(marker):
            answered = time.perf_counter() - started
    _, status, usage = os.wait4(child.pid, 0)
    print(
        json.dumps(
            {
                "seconds": answered,
                "exit": os.waitstatus_to_exitcode(status),
                "peak_kib": usage.ru_maxrss,
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
            }
        )
    )


if __name__ == "__main__":
    main()
