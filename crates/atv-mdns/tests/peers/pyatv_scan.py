"""Runs pyatv's own DNS-SD client (pyatv/core/mdns.py, as `atvscript scan` without
zeroconf) and prints what it found as JSON.

Usage: pyatv_scan.py multicast TIMEOUT TYPE...
       pyatv_scan.py unicast HOST PORT TIMEOUT TYPE...
"""
import asyncio
import json
import sys

from pyatv.core import mdns


def as_json(response):
    return {
        "deep_sleep": response.deep_sleep,
        "model": response.model,
        "services": [
            {
                "type": s.type,
                "name": s.name,
                "address": str(s.address) if s.address else None,
                "port": s.port,
                "properties": dict(s.properties),
            }
            for s in response.services
        ],
    }


async def main():
    loop = asyncio.get_running_loop()
    if sys.argv[1] == "multicast":
        timeout, types = int(sys.argv[2]), sys.argv[3:]
        responses = await mdns.multicast(loop, types, timeout=timeout)
    else:
        host, port, timeout, types = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
        responses = [await mdns.unicast(loop, host, types, port=port, timeout=timeout)]
    print(json.dumps([as_json(r) for r in responses]))


asyncio.run(main())
