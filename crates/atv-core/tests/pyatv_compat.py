"""Prints what pyatv 0.18.0 computes for the cases atv-core's compat test sends.

Reads one JSON object on stdin and writes one JSON object to stdout; each list of
cases is answered by a list of results in the same order.
"""

import asyncio
import json
import sys
from ipaddress import IPv4Address

from pyatv import const
from pyatv.conf import AppleTV, ManualService
from pyatv.interface import DeviceInfo, Playing
from pyatv.settings import Settings
from pyatv.storage import StorageModel
from pyatv.storage.memory_storage import MemoryStorage
from pyatv.support import stringify_model
from pyatv.support import device_info as lookups


def enum_or_none(enum, name):
    return None if name is None else enum[name]


def device_info(case):
    fields = {}
    if "os" in case:
        fields[DeviceInfo.OPERATING_SYSTEM] = const.OperatingSystem[case["os"]]
    if "model" in case:
        fields[DeviceInfo.MODEL] = const.DeviceModel[case["model"]]
    for key, name in (
        ("version", DeviceInfo.VERSION),
        ("build_number", DeviceInfo.BUILD_NUMBER),
        ("raw_model", DeviceInfo.RAW_MODEL),
        ("mac", DeviceInfo.MAC),
    ):
        if key in case:
            fields[name] = case[key]
    return DeviceInfo(fields)


def describe_device_info(case):
    info = device_info(case)
    return {
        "str": str(info),
        "model_str": info.model_str,
        "os": info.operating_system.name,
        "version": info.version,
        "model": info.model.name,
    }


def playing(case):
    p = Playing(
        media_type=const.MediaType[case["media_type"]],
        device_state=const.DeviceState[case["device_state"]],
        title=case.get("title"),
        artist=case.get("artist"),
        album=case.get("album"),
        genre=case.get("genre"),
        total_time=case.get("total_time"),
        position=case.get("position"),
        shuffle=enum_or_none(const.ShuffleState, case.get("shuffle")),
        repeat=enum_or_none(const.RepeatState, case.get("repeat")),
        hash=case.get("hash"),
        series_name=case.get("series_name"),
        season_number=case.get("season_number"),
        episode_number=case.get("episode_number"),
        content_identifier=case.get("content_identifier"),
        itunes_store_identifier=case.get("itunes_store_identifier"),
    )
    return {"str": str(p), "hash": p.hash, "position": p.position}


def make_config(case):
    atv = AppleTV(
        IPv4Address(case["address"]),
        case["name"],
        deep_sleep=case["deep_sleep"],
        device_info=device_info(case["device_info"]),
    )
    for service in case["services"]:
        atv.add_service(
            ManualService(
                service.get("identifier"),
                const.Protocol[service["protocol"]],
                service["port"],
                service["properties"],
                credentials=service.get("credentials"),
                password=service.get("password"),
                requires_password=service["requires_password"],
                pairing_requirement=const.PairingRequirement[service["pairing"]],
                enabled=service["enabled"],
            )
        )
    return atv


def config(case):
    atv = make_config(case)
    main = []
    for protocol in [None] + list(const.Protocol):
        try:
            main.append(atv.main_service(protocol).protocol.name)
        except Exception:  # noqa
            main.append(None)
    return {
        "str": str(atv),
        "identifier": atv.identifier,
        "all_identifiers": atv.all_identifiers,
        "ready": atv.ready,
        "main_service": main,
    }


def storage_scenario(case):
    """Stores a device, forgets its credentials, updates storage; returns the dump."""

    async def run():
        atv = make_config(case)
        storage = MemoryStorage()
        try:
            await storage.get_settings(atv)
        except Exception as ex:  # noqa
            return {"error": type(ex).__name__}
        for service in atv.services:
            service.credentials = None
            service.password = "changed"
        await storage.update_settings(atv)
        dumped = dict(storage)
        for device in dumped["devices"]:
            device["info"].pop("rp_id")
        return {"dump": dumped}

    return asyncio.run(run())


def settings_roundtrip(text):
    model = StorageModel.model_validate(json.loads(text))
    dumped = model.model_dump(exclude_defaults=True, mode="json")
    return {
        "dump": dumped,
        "str": ["\n".join(stringify_model(device)) for device in model.devices],
    }


def main():
    request = json.load(sys.stdin)
    answer = {
        "device_info": [describe_device_info(c) for c in request["device_info"]],
        "lookup": [
            {
                "model": lookups.lookup_model(s).name,
                "internal_name": lookups.lookup_internal_name(s).name,
                "os": lookups.lookup_os(s).name,
                "version": lookups.lookup_version(s),
            }
            for s in request["lookup"]
        ],
        "os_for_model": [
            lookups.lookup_os(const.DeviceModel[m]).name
            for m in request["os_for_model"]
        ],
        "playing": [playing(c) for c in request["playing"]],
        "config": [config(c) for c in request["config"]],
        "storage": [storage_scenario(c) for c in request["config"]],
        "settings": [settings_roundtrip(t) for t in request["settings"]],
        "model_str": {
            m.name: __import__("pyatv.convert").convert.model_str(m)
            for m in const.DeviceModel
        },
        "feature_names": [[f.name, f.value] for f in const.FeatureName],
    }
    json.dump(answer, sys.stdout)


main()
