"""pyatv's AirPlay client driving an AirPlay 2 device (atv's fake), for atv's tests.

Usage:
    airplay_client.py pair ADDRESS PORT PROPERTIES PIN
        Pairs over AirPlay (HAP, the PIN the device shows) and prints
        {"step": "pair", "value": CREDENTIALS}.
    airplay_client.py run ADDRESS PORT PROPERTIES CREDENTIALS EXPECTED_TITLE
        Connects with the AirPlay credentials; pyatv then tunnels MRP through AirPlay
        (the device announces itself as a tvOS 15 Apple TV). Prints what plays
        ({"step": "playing", ...}), presses "up" ({"step": "up"}), subscribes to push
        updates ({"step": "listening"}) and waits for one whose title is EXPECTED_TITLE
        ({"step": "push", "value": TITLE}). Ends with {"step": "done"}.

PROPERTIES is a JSON object: the TXT record of the device's _airplay._tcp service, as a
scan would have found it (a manual configuration has none otherwise). Every wait has a
timeout; a failing step prints {"step": NAME, "error": MESSAGE} and the script exits
with status 1.
"""

import asyncio
import json
import sys

import pyatv
from pyatv import conf, interface
from pyatv.const import PairingRequirement, Protocol

STEP_TIMEOUT = 15.0


def emit(step, **fields):
    print(json.dumps({"step": step, **fields}), flush=True)


def config(address, port, properties, credentials=None):
    device = conf.AppleTV(address, properties.get("name", "FakeATV"))
    device.add_service(
        conf.ManualService(
            properties["deviceid"],
            Protocol.AirPlay,
            port,
            properties,
            credentials=credentials,
            pairing_requirement=PairingRequirement.Mandatory,
        )
    )
    return device


async def step(name, awaitable):
    try:
        return await asyncio.wait_for(awaitable, STEP_TIMEOUT)
    except Exception as error:  # report any failure as the step's error
        emit(name, error=f"{type(error).__name__}: {error}")
        raise SystemExit(1) from error


async def pair(address, port, properties, pin):
    loop = asyncio.get_running_loop()
    handler = await pyatv.pair(
        config(address, port, properties), Protocol.AirPlay, loop
    )
    try:
        await step("begin", handler.begin())
        handler.pin(int(pin))
        await step("finish", handler.finish())
        if not handler.has_paired:
            emit("pair", error="not paired")
            raise SystemExit(1)
        emit("pair", value=handler.service.credentials)
    finally:
        await handler.close()


class Updates(interface.PushListener):
    def __init__(self):
        self.queue = asyncio.Queue()

    def playstatus_update(self, updater, playstatus):
        self.queue.put_nowait(playstatus)

    def playstatus_error(self, updater, exception):
        self.queue.put_nowait(exception)


async def run(address, port, properties, credentials, expected_title):
    loop = asyncio.get_running_loop()
    atv = await step(
        "connect", pyatv.connect(config(address, port, properties, credentials), loop)
    )
    try:
        playing = await step("playing", atv.metadata.playing())
        emit(
            "playing",
            title=playing.title,
            artist=playing.artist,
            state=playing.device_state.name,
        )
        await step("up", atv.remote_control.up())
        emit("up")

        updates = Updates()
        atv.push_updater.listener = updates
        atv.push_updater.start()
        emit("listening")

        async def wait_for_title():
            while True:
                update = await updates.queue.get()
                if isinstance(update, Exception):
                    raise update
                if update.title == expected_title:
                    return update.title

        title = await step("push", wait_for_title())
        emit("push", value=title)
        emit("done")
    finally:
        await asyncio.gather(*atv.close())


def main():
    command, address, port, properties = sys.argv[1:5]
    properties = json.loads(properties)
    if command == "pair":
        asyncio.run(pair(address, int(port), properties, sys.argv[5]))
    elif command == "run":
        asyncio.run(
            run(address, int(port), properties, sys.argv[5], sys.argv[6])
        )
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
