"""Runs pyatv's fake AirPlay device (from pyatv's sdist) for atv's interop tests.

Usage: fake_airplay_device.py PYATV_SOURCE_DIR

Listens on 127.0.0.1 on a free port (HAP pair-setup PIN 2271, pyatv's fake identity;
legacy pairing answers pyatv's recorded session) and prints {"port": N} on the first
stdout line. Then reads one JSON command per stdin line and answers each with one JSON
line:

  {"op": "call", "method": NAME, "kwargs": {...}}  calls FakeAirPlayUseCases.NAME(**kwargs)
  {"op": "state"}                                   reports what the fake recorded

Exits when stdin closes.
"""

import asyncio
import json
import logging
import sys
import threading


def main():
    source = sys.argv[1]
    # Appended, so that pyatv itself comes from the venv and only `tests` from the sdist.
    sys.path.append(source)

    from pyatv.const import Protocol
    from pyatv.support.http import BasicHttpServer, http_server

    from tests.fake_device import FakeAppleTV

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    fake = FakeAppleTV(loop, test_mode=False)
    state, usecase = fake.add_service(Protocol.AirPlay)
    service = fake.services[Protocol.AirPlay].service

    async def start():
        # As FakeAirPlayService.start, but on loopback only.
        service.server, service.port = await http_server(
            lambda: BasicHttpServer(service), address="127.0.0.1"
        )

    loop.run_until_complete(start())
    print(json.dumps({"port": service.port}), flush=True)

    commands = asyncio.Queue()

    def read_stdin():
        for line in sys.stdin:
            loop.call_soon_threadsafe(commands.put_nowait, line)
        loop.call_soon_threadsafe(commands.put_nowait, None)

    threading.Thread(target=read_stdin, daemon=True).start()

    def report():
        content = state.last_airplay_content
        return {
            "last_airplay_url": state.last_airplay_url,
            "last_airplay_start": state.last_airplay_start,
            "last_airplay_uuid": state.last_airplay_uuid,
            "last_airplay_content": None if content is None else content.hex(),
            "play_count": state.play_count,
            "has_authenticated": state.has_authenticated,
            "airplay_responses_left": len(state.airplay_responses),
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
                    method(**command.get("kwargs", {}))
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
