"""pyatv's Companion client driving a Companion device (atv's fake), for atv's tests.

Usage:
    companion_client.py pair PORT PIN
        Pairs and prints {"credentials": "..."} (or {"error": "..."}).
    companion_client.py run PORT CREDENTIALS
        Connects with the credentials and goes through apps, accounts, power, buttons,
        volume, media control, text input and touch, printing one JSON object per step:
        {"step": NAME, "value": VALUE}. After "await_unfocus" it waits for the device
        to take the text focus away. Ends with {"step": "done"}.

The device is at 127.0.0.1. Every wait has a timeout; a failing step prints
{"step": NAME, "error": MESSAGE} and the script exits with status 1.
"""

import asyncio
import json
import sys

import pyatv
from pyatv import conf
from pyatv.const import (
    InputAction,
    KeyboardFocusState,
    PairingRequirement,
    PowerState,
    Protocol,
)

IDENTIFIER = "atv-fake-companion"
STEP_TIMEOUT = 15.0


def emit(step, **fields):
    print(json.dumps({"step": step, **fields}), flush=True)


def config(port, credentials=None):
    device = conf.AppleTV("127.0.0.1", "FakeATV")
    device.add_service(
        conf.ManualService(
            IDENTIFIER,
            Protocol.Companion,
            port,
            {},
            credentials=credentials,
            pairing_requirement=PairingRequirement.Mandatory,
        )
    )
    return device


async def pair(port, pin):
    loop = asyncio.get_running_loop()
    handler = await pyatv.pair(config(port), Protocol.Companion, loop)
    try:
        await asyncio.wait_for(handler.begin(), STEP_TIMEOUT)
        handler.pin(pin)
        await asyncio.wait_for(handler.finish(), STEP_TIMEOUT)
        if not handler.has_paired:
            print(json.dumps({"error": "not paired"}), flush=True)
            return 1
        print(json.dumps({"credentials": handler.service.credentials}), flush=True)
        return 0
    except Exception as ex:  # reported to the test, which decides
        print(json.dumps({"error": f"{type(ex).__name__}: {ex}"}), flush=True)
        return 1
    finally:
        await handler.close()


async def until(condition, what):
    async def poll():
        while not condition():
            await asyncio.sleep(0.02)

    try:
        await asyncio.wait_for(poll(), STEP_TIMEOUT)
    except asyncio.TimeoutError as ex:
        raise RuntimeError(f"timed out waiting for {what}") from ex


async def steps(atv):
    power = atv.power
    rc = atv.remote_control
    audio = atv.audio
    keyboard = atv.keyboard

    yield "power_state", str(power.power_state)
    await power.turn_off()
    await until(lambda: power.power_state == PowerState.Off, "power off")
    yield "turned_off", str(power.power_state)
    await power.turn_on()
    await until(lambda: power.power_state == PowerState.On, "power on")
    yield "turned_on", str(power.power_state)

    apps = await atv.apps.app_list()
    yield "app_list", [[app.name, app.identifier] for app in apps]
    await atv.apps.launch_app("com.apple.TVMusic")
    await atv.apps.launch_app("https://tv.example/watch?v=1")
    yield "launched", True

    accounts = await atv.user_accounts.account_list()
    yield "account_list", [[account.name, account.identifier] for account in accounts]
    await atv.user_accounts.switch_account(accounts[-1].identifier)
    yield "switched", accounts[-1].identifier

    await rc.up()
    await rc.home()
    await rc.select(InputAction.DoubleTap)
    await rc.menu(InputAction.Hold)
    yield "buttons", True

    await audio.set_volume(30.0)
    yield "set_volume", round(audio.volume, 3)
    await audio.volume_up()
    yield "volume_up", round(audio.volume, 3)

    await rc.play()
    await rc.pause()
    await rc.next()
    await rc.skip_forward(12)
    yield "media_control", True

    yield "focus", str(keyboard.text_focus_state)
    yield "text_get", await keyboard.text_get()
    await keyboard.text_set("hello")
    await keyboard.text_append(" world")
    yield "text_after_append", await keyboard.text_get()
    await keyboard.text_clear()
    yield "text_after_clear", await keyboard.text_get()

    await atv.touch.swipe(100, 200, 800, 900, 150)
    yield "swiped", True

    # The test removes the focus once it reads this line; the device tells the client.
    yield "await_unfocus", str(keyboard.text_focus_state)
    await until(
        lambda: keyboard.text_focus_state == KeyboardFocusState.Unfocused, "unfocus"
    )
    yield "unfocused", str(keyboard.text_focus_state)


async def run(port, credentials):
    loop = asyncio.get_running_loop()
    atv = await asyncio.wait_for(
        pyatv.connect(config(port, credentials), loop), STEP_TIMEOUT
    )
    step = "connect"
    try:
        emit(step, value=True)
        generator = steps(atv)
        while True:
            try:
                step, value = await asyncio.wait_for(
                    generator.__anext__(), STEP_TIMEOUT * 2
                )
            except StopAsyncIteration:
                break
            emit(step, value=value)
        emit("done")
        return 0
    except Exception as ex:  # reported to the test, which fails with it
        emit(step, error=f"{type(ex).__name__}: {ex}")
        return 1
    finally:
        closing = atv.close()
        await asyncio.wait_for(asyncio.gather(*closing), STEP_TIMEOUT)


def main():
    command, port = sys.argv[1], int(sys.argv[2])
    if command == "pair":
        return asyncio.run(pair(port, int(sys.argv[3])))
    if command == "run":
        return asyncio.run(run(port, sys.argv[3]))
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    sys.exit(main())
