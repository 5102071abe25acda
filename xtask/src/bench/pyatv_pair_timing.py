# Times pyatv's pair-setup and connect against one fake MRP device, for
# `cargo xtask bench pair`.
#
# Arguments: PORT RUNS CREDENTIALS IDENTIFIER. After one untimed warm-up of each, prints
# per round "setup SECONDS" (pyatv.pair with PIN 1111, from the call to a finished
# pairing) and "connect SECONDS" (pyatv.connect with CREDENTIALS, from the call to a
# ready device). Pairings and devices are closed untimed.
import asyncio
import sys
import time

import pyatv
from pyatv import conf
from pyatv.const import Protocol

PIN = 1111


def config(port, identifier, credentials=None):
    device = conf.AppleTV("127.0.0.1", "Bench fake")
    device.add_service(
        conf.ManualService(identifier, Protocol.MRP, port, {}, credentials=credentials)
    )
    return device


async def pair_setup(loop, port, identifier):
    started = time.perf_counter()
    pairing = await pyatv.pair(config(port, identifier), Protocol.MRP, loop)
    await pairing.begin()
    pairing.pin(PIN)
    await pairing.finish()
    elapsed = time.perf_counter() - started
    paired = pairing.has_paired
    await pairing.close()
    if not paired:
        raise RuntimeError("pairing finished without pairing")
    return elapsed


async def connect(loop, port, identifier, credentials):
    started = time.perf_counter()
    device = await pyatv.connect(config(port, identifier, credentials), loop)
    elapsed = time.perf_counter() - started
    await asyncio.gather(*device.close())
    return elapsed


async def main(port, runs, credentials, identifier):
    loop = asyncio.get_running_loop()
    await pair_setup(loop, port, identifier)
    await connect(loop, port, identifier, credentials)
    for _ in range(runs):
        print(f"setup {await pair_setup(loop, port, identifier):.6f}", flush=True)
        seconds = await connect(loop, port, identifier, credentials)
        print(f"connect {seconds:.6f}", flush=True)


asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]))
