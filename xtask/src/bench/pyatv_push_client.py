# One pyatv client process connected to fake MRP devices, counting the push updates
# each delivers, for `cargo xtask bench push` and `cargo xtask bench scale`.
#
# Arguments: LIMIT_S CREDENTIALS IDENTIFIER PORT... Connects to every port on 127.0.0.1
# (all at once) with the MRP credentials, sets a push listener on each device, starts
# updates and prints "ready". Counts updates titled "bench N" until every device has
# delivered "bench end" (or LIMIT_S seconds have passed), then prints "received TOTAL
# COMPLETE SPAN_SECONDS": updates counted, devices that delivered their end marker, and
# the seconds from the first counted update to the last end marker.
import asyncio
import sys
import time

import pyatv
from pyatv import conf, interface
from pyatv.const import Protocol


class Tally:
    def __init__(self, devices):
        self.counted = 0
        self.complete = 0
        self.first = None
        self.last_end = None
        self.devices = devices
        self.done = asyncio.Event()


class Counter(interface.PushListener):
    def __init__(self, tally):
        self.tally = tally

    def playstatus_update(self, updater, playstatus):
        title = playstatus.title or ""
        if not title.startswith("bench "):
            return
        now = time.perf_counter()
        tally = self.tally
        if tally.first is None:
            tally.first = now
        if title == "bench end":
            tally.complete += 1
            tally.last_end = now
            if tally.complete >= tally.devices:
                tally.done.set()
        else:
            tally.counted += 1

    def playstatus_error(self, updater, exception):
        print(f"push update error: {exception}", file=sys.stderr, flush=True)


async def connect(loop, port, identifier, credentials):
    device = conf.AppleTV("127.0.0.1", "Bench fake")
    device.add_service(
        conf.ManualService(identifier, Protocol.MRP, port, {}, credentials=credentials)
    )
    return await pyatv.connect(device, loop)


async def main(limit, credentials, identifier, ports):
    loop = asyncio.get_running_loop()
    devices = await asyncio.gather(
        *(connect(loop, port, identifier, credentials) for port in ports)
    )
    tally = Tally(len(devices))
    listeners = []
    for device in devices:
        listener = Counter(tally)
        listeners.append(listener)
        device.push_updater.listener = listener
        device.push_updater.start()
    print("ready", flush=True)
    try:
        await asyncio.wait_for(tally.done.wait(), limit)
    except asyncio.TimeoutError:
        pass
    span = 0.0
    if tally.first is not None and tally.last_end is not None:
        span = tally.last_end - tally.first
    print(f"received {tally.counted} {tally.complete} {span:.6f}", flush=True)
    for device in devices:
        await asyncio.gather(*device.close())


asyncio.run(
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3], [int(p) for p in sys.argv[4:]])
)
