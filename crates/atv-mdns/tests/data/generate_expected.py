"""Writes pyatv's view of the captured packets (and pyatv fake_udns answers) as JSON.

Run from this directory with the pyatv venv's python and pyatv's source tree on
PYTHONPATH (for tests.fake_udns): the JSON files are what pyatv 0.18.0 reports, which
the Rust tests compare against.
"""
import json
import sys

from pyatv.core import mdns
from pyatv.support.dns import DnsMessage, QueryType

from tests import fake_udns


def report(services):
    return {
        "services": [
            {
                "type": s.type,
                "name": s.name,
                "address": str(s.address) if s.address else None,
                "port": s.port,
                "properties": [[k, v] for k, v in s.properties.items()],
            }
            for s in services
        ],
        "model": mdns._get_model(services),
    }


def parse(packets):
    parser = mdns.ServiceParser()
    for packet in packets:
        parser.add_message(DnsMessage().unpack(packet))
    return parser.parse()


def write(name, value):
    with open(name, "w") as f:
        json.dump(value, f, indent=1, ensure_ascii=False)
        f.write("\n")


# 1. python-zeroconf's real replies to pyatv's queries.
replies = [open(f"zeroconf_appletv_reply_{i}.bin", "rb").read() for i in range(3)]
write("zeroconf_appletv.expected.json", report(parse(replies)))
write("zeroconf_appletv_reply_0.expected.json", report(parse(replies[:1])))

# 2. pyatv's fake responder (tests/fake_udns.py) answering pyatv's queries.
services = dict(
    [
        fake_udns.mrp_service(
            "Kitchen", "Kitchen", "mrp_id", addresses=["10.0.0.1"], port=49152,
            model="J105aAP",
        ),
        fake_udns.airplay_service("Kitchen", "AA:BB:CC:DD:EE:FF", addresses=["10.0.0.1"]),
        fake_udns.raop_service("Kitchen", "AABBCCDDEEFF", addresses=["10.0.0.1"], port=7000),
        fake_udns.companion_service("Kitchen", addresses=["10.0.0.1"], port=49153),
    ]
)
types = ["_mediaremotetv._tcp.local", "_airplay._tcp.local", "_raop._tcp.local",
         "_companion-link._tcp.local", "_device-info._tcp.local"]
queries = mdns.create_service_queries(types, QueryType.PTR)
for sleep_proxy in (False, True):
    tag = "sleep_proxy" if sleep_proxy else "awake"
    packets = []
    for i, query in enumerate(queries):
        packet = bytes(fake_udns.create_response(query, services, sleep_proxy=sleep_proxy).pack())
        open(f"pyatv_fake_{tag}_reply_{i}.bin", "wb").write(packet)
        packets.append(packet)
    parsed = parse(packets)
    result = report(parsed)
    result["all_ports_zero"] = all(s.port == 0 for s in parsed)
    write(f"pyatv_fake_{tag}.expected.json", result)
print("ok")
