# Times pyatv.scan for one identifier, for `cargo xtask bench scan`.
#
# Arguments: IDENTIFIER RUNS PAUSE_MS. Prints "pyatv VERSION python VERSION", then, after
# one untimed warm-up scan, one line per timed scan: the seconds from the call to its
# result and the number of devices it returned.
import asyncio
import sys
import time

import pyatv
from pyatv import const

SCAN_TIMEOUT = 5


async def timed_scan(loop, identifier):
    started = time.perf_counter()
    devices = await pyatv.scan(loop, identifier=identifier, timeout=SCAN_TIMEOUT)
    return time.perf_counter() - started, len(devices)


async def main(identifier, runs, pause):
    loop = asyncio.get_running_loop()
    print(f"pyatv {const.__version__} python {sys.version.split()[0]}", flush=True)
    await timed_scan(loop, identifier)
    for _ in range(runs):
        await asyncio.sleep(pause)
        seconds, found = await timed_scan(loop, identifier)
        print(f"{seconds:.6f} {found}", flush=True)


asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) / 1000))
