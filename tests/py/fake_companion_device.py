"""Runs pyatv's fake Companion device (from pyatv's sdist) for atv's interop tests.

Usage: fake_companion_device.py PYATV_SOURCE_DIR

Listens on 127.0.0.1 on a free port (PIN 1111, pyatv's fake identity) and prints
{"port": N} on the first stdout line. Then reads one JSON command per stdin line and
answers each with one JSON line:

  {"op": "call", "method": NAME, "kwargs": {...}}  calls FakeCompanionUseCases.NAME(**kwargs)
  {"op": "state"}                                   reports what the fake recorded
  {"op": "pyatv_pair"}                              pairs pyatv's own client with the fake
                                                    and answers {"credentials": ...}
  {"op": "pyatv_check", "credentials": C}           connects pyatv's own client with C and
                                                    answers {"apps": [[id, name], ...]}

Enum arguments are given as numbers: system_status as pyatv's SystemStatus value, state
(set_rti_focus_state) as KeyboardFocusState. Exits when stdin closes.
"""

import asyncio
import ipaddress
import json
import logging
import sys
import threading


def main():
    source = sys.argv[1]
    # Appended, so that pyatv itself comes from the venv and only `tests` from the sdist.
    sys.path.append(source)

    import pyatv
    from pyatv import conf
    from pyatv.const import KeyboardFocusState, Protocol
    from pyatv.protocols.companion.api import SystemStatus

    import tests.fake_device.companion as fake_companion
    from tests.fake_device import FakeAppleTV

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    fake = FakeAppleTV(loop, test_mode=False)
    state, usecase = fake.add_service(Protocol.Companion)
    factory = fake.services[Protocol.Companion].service

    async def start():
        # As FakeCompanionServiceFactory.start, but on loopback only.
        factory.server = await loop.create_server(
            lambda: fake_companion.FakeCompanionService(state), "127.0.0.1", 0
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
            if key == "system_status":
                value = SystemStatus(value)
            elif key == "state":
                value = KeyboardFocusState(value)
            out[key] = value
        return out

    def report():
        action = getattr(state, "action", None)
        return {
            "system_info": state.system_info,
            "sid": state.sid,
            "service_type": state.service_type,
            "tv_rc_protocol_version": state.tv_rc_protocol_version,
            "latest_button": state.latest_button,
            "interests": sorted(state.interests),
            "volume": state.volume,
            "duration": state.duration,
            "rti_text": state.rti_text,
            "rti_session": state.rti_session_uuid is not None,
            "active_app": state.active_app,
            "open_url": state.open_url,
            "active_account": state.active_account,
            "powered_on": state.powered_on,
            "has_paired": state.has_paired,
            "clients": len(state.clients),
            "touch_width": state.touch_width,
            "touch_height": state.touch_height,
            "touch": None
            if action is None
            else {"mode": action.press_mode.value, "x": action.x, "y": action.y},
        }

    def client_config(credentials=None):
        config = conf.AppleTV(ipaddress.IPv4Address("127.0.0.1"), "pyatv fake")
        config.add_service(
            conf.ManualService(
                "fake-companion",
                Protocol.Companion,
                factory.port,
                {},
                credentials=credentials,
            )
        )
        return config

    async def pyatv_pair():
        config = client_config()
        handler = await pyatv.pair(config, Protocol.Companion, loop)
        try:
            await handler.begin()
            handler.pin(1111)
            await handler.finish()
            return {"credentials": handler.service.credentials}
        finally:
            await handler.close()

    async def pyatv_check(credentials):
        atv = await pyatv.connect(client_config(credentials), loop)
        try:
            apps = await atv.apps.app_list()
            return {"apps": [[app.identifier, app.name] for app in apps]}
        finally:
            await asyncio.gather(*atv.close())

    def jsonable(value):
        if isinstance(value, bytes):
            return value.hex()
        if isinstance(value, dict):
            return {k: jsonable(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [jsonable(v) for v in value]
        return value

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
                op = command["op"]
                if op == "call":
                    method = getattr(usecase, command["method"])
                    method(**convert(command.get("kwargs", {})))
                    # Let the fake's writes reach the transports before answering.
                    await asyncio.sleep(0)
                    answer = {"ok": True}
                elif op == "state":
                    answer = {"ok": True, "state": jsonable(report())}
                elif op == "pyatv_pair":
                    answer = {"ok": True, **(await pyatv_pair())}
                elif op == "pyatv_check":
                    answer = {"ok": True, **(await pyatv_check(command["credentials"]))}
                else:
                    answer = {"error": f"unknown op {op}"}
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
