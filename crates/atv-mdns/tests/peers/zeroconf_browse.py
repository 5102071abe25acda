"""Browses for service types with python-zeroconf and resolves every instance found.

Usage: zeroconf_browse.py INTERFACE_ADDRESS SECONDS TYPE...
Prints {"ready": true} once listening, then one JSON object per resolved instance: type,
name, port, addresses, properties.
"""
import asyncio
import json
import socket
import sys

from zeroconf import IPVersion, ServiceStateChange
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf


async def main():
    address, seconds, types = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    azc = AsyncZeroconf(interfaces=[address], ip_version=IPVersion.V4Only)
    found = []
    print(json.dumps({"ready": True}), flush=True)

    def on_change(zeroconf, service_type, name, state_change):
        if state_change is ServiceStateChange.Added:
            found.append((service_type, name))

    browser = AsyncServiceBrowser(
        azc.zeroconf, [t + "." for t in types], handlers=[on_change]
    )
    await asyncio.sleep(seconds)
    for service_type, name in sorted(set(found)):
        info = AsyncServiceInfo(service_type, name)
        if not await info.async_request(azc.zeroconf, 3000):
            print(json.dumps({"unresolved": name}), flush=True)
            continue
        print(
            json.dumps(
                {
                    "type": service_type.rstrip("."),
                    "name": name[: -len(service_type) - 1],
                    "port": info.port,
                    "addresses": [socket.inet_ntoa(a) for a in info.addresses],
                    "properties": {
                        k.decode(): (v or b"").decode("utf-8", "replace")
                        for k, v in info.properties.items()
                    },
                }
            ),
            flush=True,
        )
    await browser.async_cancel()
    await azc.async_close()


asyncio.run(main())
