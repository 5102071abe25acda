"""Runs pyatv's fake MRP device (from pyatv's sdist) for atv's interop tests.

Usage: fake_mrp_device.py PYATV_SOURCE_DIR

Listens on 127.0.0.1 on a free port (PIN 1111, pyatv's fake identity) and prints
{"port": N} on the first stdout line. Then reads one JSON command per stdin line and
answers each with one JSON line:

  {"op": "call", "method": NAME, "kwargs": {...}}  calls FakeMrpUseCases.NAME(**kwargs)
  {"op": "state"}                                   reports what the fake recorded

Enum arguments are given as numbers: playback_state and media_type as the protobuf
values, repeat and shuffle as pyatv's RepeatState/ShuffleState values, supported
commands as protobuf Command values; artwork as a latin-1 string. Exits when stdin
closes.
"""

import asyncio
import json
import logging
import sys
import threading
import time


def main():
    source = sys.argv[1]
    # Appended, so that pyatv itself comes from the venv and only `tests` from the sdist.
    sys.path.append(source)

    from pyatv import const
    from pyatv.const import Protocol

    import tests.fake_device.mrp as fake_mrp
    from tests.fake_device import FakeAppleTV

    # The fake measures how long a key was held with pyatv's test clock, which never
    # advances outside pyatv's test suite; use the real clock so holds are seen as holds.
    fake_mrp.stub_sleep = time.monotonic

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    fake = FakeAppleTV(loop, test_mode=False)
    state, usecase = fake.add_service(Protocol.MRP)
    factory = fake.services[Protocol.MRP].service

    async def start():
        # As FakeMrpServiceFactory.start, but on loopback only.
        factory.server = await loop.create_server(
            lambda: fake_mrp.FakeMrpService(state, factory.app, loop), "127.0.0.1", 0
        )

    loop.run_until_complete(start())
    print(json.dumps({"port": factory.port}), flush=True)

    commands = asyncio.Queue()

    def read_stdin():
        for line in sys.stdin:
            loop.call_soon_threadsafe(commands.put_nowait, line)
        loop.call_soon_threadsafe(commands.put_nowait, None)

    threading.Thread(target=read_stdin, daemon=True).start()

    def convert(kwargs):
        out = {}
        for key, value in kwargs.items():
            if key == "repeat" and value is not None:
                value = const.RepeatState(value)
            elif key == "shuffle" and value is not None:
                value = const.ShuffleState(value)
            elif key == "artwork" and value is not None:
                value = value.encode("latin-1")
            out[key] = value
        return out

    def enum_name(value):
        return None if value is None else getattr(value, "name", value)

    def report():
        player = state.get_player_state(state.active_player) if state.active_player else None
        return {
            "last_button_pressed": state.last_button_pressed,
            "last_button_action": enum_name(state.last_button_action),
            "volume": state.volume,
            "output_devices": list(state.output_devices),
            "powered_on": state.powered_on,
            "connection_state": state.connection_state,
            "has_authenticated": state.has_authenticated,
            "heartbeat_count": state.heartbeat_count,
            "clients": len(state.clients),
            "active_player": state.active_player,
            "repeat": enum_name(player.repeat) if player else None,
            "shuffle": enum_name(player.shuffle) if player else None,
            "position": player.position if player else None,
        }

    async def serve():
        while True:
            line = await commands.get()
            if line is None:
                return
            line = line.strip()
            if not line:
                continue
            try:
                command = json.loads(line)
                if command["op"] == "call":
                    method = getattr(usecase, command["method"])
                    method(**convert(command.get("kwargs", {})))
                    # Let the fake's writes reach the transports before answering.
                    await asyncio.sleep(0)
                    answer = {"ok": True}
                elif command["op"] == "state":
                    answer = {"ok": True, "state": report()}
                else:
                    answer = {"error": f"unknown op {command['op']}"}
            except Exception as ex:  # reported to the test, which fails on it
                answer = {"error": f"{type(ex).__name__}: {ex}"}
            print(json.dumps(answer), flush=True)

    try:
        loop.run_until_complete(serve())
    finally:
        loop.run_until_complete(fake.stop())
        loop.close()


if __name__ == "__main__":
    main()
