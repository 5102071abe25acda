"""Run pyatv 0.18.0's scan logic over the mDNS answers in data/scan_cases.json.

Reads the JSON file named on the command line and prints, as JSON, what pyatv makes of
each case (devices with services and device information) and pyatv's unique identifier
for each `unique_ids` row. The network is replaced: pyatv's unicast scanner is handed the
case's responses, one per (made-up) host, in order.
"""

import asyncio
import json
import sys
from ipaddress import IPv4Address
from unittest.mock import patch

import pyatv
from pyatv.const import Protocol
from pyatv.core import mdns
from pyatv.core.scan import UnicastMdnsScanner
from pyatv.helpers import get_unique_id
from pyatv.support.collections import CaseInsensitiveDict

PROTOCOLS = {p.name.lower(): p for p in Protocol}


def to_response(data):
    services = [
        mdns.Service(
            s["type"],
            s["name"],
            IPv4Address(s["address"]) if s["address"] else None,
            s["port"],
            CaseInsensitiveDict(s["properties"]),
        )
        for s in data["services"]
    ]
    return mdns.Response(services, data["deep_sleep"], data["model"])


def describe(atv):
    info = atv.device_info
    return {
        "name": atv.name,
        "address": str(atv.address),
        "deep_sleep": atv.deep_sleep,
        "identifier": atv.identifier,
        "all_identifiers": atv.all_identifiers,
        "property_types": sorted(atv.properties.keys()),
        "device_info": {
            "operating_system": info.operating_system.name,
            "version": info.version,
            "build_number": info.build_number,
            "model": info.model.name,
            "raw_model": info.raw_model,
            "mac": info.mac,
            "output_device_id": info.output_device_id,
            "str": str(info),
        },
        "services": [
            {
                "protocol": s.protocol.name.lower(),
                "identifier": s.identifier,
                "port": s.port,
                "credentials": s.credentials,
                "password": s.password,
                "enabled": s.enabled,
                "requires_password": s.requires_password,
                "pairing": s.pairing.name,
                "properties": {k.lower(): v for k, v in s.properties.items()},
            }
            for s in atv.services
        ],
    }


async def run_case(case):
    responses = [to_response(r) for r in case["responses"]]
    hosts = [f"192.0.2.{i + 1}" for i in range(len(responses))]

    async def fake_get_services(self, host, timeout):
        return responses[hosts.index(str(host))]

    protocols = case.get("protocols")
    identifiers = case.get("identifiers")
    with patch.object(UnicastMdnsScanner, "_get_services", fake_get_services):
        atvs = await pyatv.scan(
            asyncio.get_running_loop(),
            hosts=hosts,
            protocol={PROTOCOLS[p] for p in protocols} if protocols else None,
            identifier=set(identifiers) if identifiers else None,
        )
    return [describe(atv) for atv in atvs]


async def main():
    with open(sys.argv[1], encoding="utf-8") as source:
        data = json.load(source)
    cases = [await run_case(case) for case in data["cases"]]
    unique_ids = [
        get_unique_id(service_type, name, CaseInsensitiveDict(props))
        for service_type, name, props in data["unique_ids"]
    ]
    json.dump({"cases": cases, "unique_ids": unique_ids}, sys.stdout)


asyncio.run(main())
