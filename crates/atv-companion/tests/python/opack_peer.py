"""pyatv's OPACK codec as a peer for atv's tests.

Modes (first argument):
  decode          read hex lines on stdin, unpack each with pyatv, print one JSON line
                  each: {"typed": ..., "rest": n} or {"error": "..."}
  generate S N    build N varied values from seed S, pack each with pyatv, print one JSON
                  line each: {"hex", "typed", "consistent", "flat", "simple"}
  golden          print pyatv's packing of a _systemInfo request in hex

"typed" is a value tree with explicit types, so both sides compare exactly:
["null"], ["bool", b], ["uuid", hex], ["int", decimal, size or null], ["float", hex of the
big-endian double], ["str", s], ["bytes", hex], ["list", [...]], ["dict", [[k, v], ...]].
An integer's size is given only when it differs from the smallest width for its value.
"""

import json
import random
import struct
import sys
from uuid import UUID

from pyatv.support.opack import _sized_int, pack, unpack


def natural_size(number):
    if number <= 39:
        return None
    for size in (1, 2, 4, 8):
        if number < 1 << (8 * size):
            return size
    return 16


def typed(value):
    if value is None:
        return ["null"]
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, UUID):
        return ["uuid", value.bytes.hex()]
    if isinstance(value, int):
        size = getattr(value, "size", None)
        if size == natural_size(int(value)):
            size = None
        return ["int", str(int(value)), size]
    if isinstance(value, float):
        return ["float", struct.pack(">d", value).hex()]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, bytes):
        return ["bytes", value.hex()]
    if isinstance(value, list):
        return ["list", [typed(item) for item in value]]
    if isinstance(value, dict):
        return ["dict", [[typed(k), typed(v)] for k, v in value.items()]]
    raise TypeError(type(value))


def decode_lines():
    for line in sys.stdin:
        data = bytes.fromhex(line.strip())
        try:
            value, rest = unpack(data)
            out = {"typed": typed(value), "rest": len(rest)}
        except Exception as exc:  # report, the Rust side decides
            out = {"error": repr(exc)}
        print(json.dumps(out), flush=True)


STRINGS = ["_i", "_x", "_c", "_t", "a", "b", "", "com.apple.TVRemote", "x" * 40, "ö"]
BLOBS = [b"", b"\x00", b"\x01\x02", b"z" * 33]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.nested = False  # a non-empty collection inside another
        self.special = False  # empty string/data, float or sized integer

    def string(self):
        rng = self.rng
        if rng.random() < 0.6:
            text = rng.choice(STRINGS)
        else:
            length = rng.choice([rng.randrange(33), rng.randrange(33, 300), 300 + rng.randrange(3000)])
            text = "".join(chr(rng.choice([rng.randrange(0x20, 0x7F), rng.randrange(0xA0, 0x800), rng.randrange(0x1F600, 0x1F650)])) for _ in range(length))
        if text == "":
            self.special = True
        return text

    def blob(self):
        rng = self.rng
        if rng.random() < 0.5:
            data = rng.choice(BLOBS)
        else:
            length = rng.choice([rng.randrange(33)] * 10 + [rng.randrange(33, 700)] * 5 + [65536 + rng.randrange(100)])
            data = rng.randbytes(length)
        if data == b"":
            self.special = True
        return data

    def integer(self):
        rng = self.rng
        return rng.choice([rng.randrange(40), rng.randrange(256), rng.randrange(1 << 16), rng.randrange(1 << 32), rng.randrange(1 << 64), rng.choice([40, 255, 256, 65535, 65536, (1 << 32) - 1, 1 << 32, (1 << 64) - 1])])

    def scalar(self):
        rng = self.rng
        kind = rng.randrange(9)
        if kind == 0:
            return None
        if kind == 1:
            return rng.random() < 0.5
        if kind == 2:
            return UUID(int=rng.getrandbits(128))
        if kind in (3, 4):
            return self.integer()
        if kind == 5:
            self.special = True
            size = rng.choice([1, 2, 4, 8])
            return _sized_int(rng.randrange(1 << (8 * size)) if rng.random() < 0.5 else rng.randrange(40), size)
        if kind == 6:
            self.special = True
            return rng.choice([0.0, -0.0, 1.0, 40.0, 1.5, float("inf"), float("nan"), rng.uniform(-1e9, 1e9)])
        if kind == 7:
            return self.string()
        return self.blob()

    def key(self):
        rng = self.rng
        kind = rng.randrange(6)
        if kind < 4:
            return self.string()
        if kind == 4:
            return self.integer()
        return self.blob()

    def value(self, depth):
        rng = self.rng
        roll = rng.random()
        if depth >= 3 or roll < 0.55:
            return self.scalar()
        count = rng.choice([rng.randrange(5), rng.randrange(15), 15 + rng.randrange(10)])
        if depth > 0 and count > 0:
            self.nested = True
        if roll < 0.75:
            return [self.value(depth + 1) for _ in range(count)]
        return {self.key(): self.value(depth + 1) for _ in range(count)}

    def top(self):
        self.nested = False
        self.special = False
        rng = self.rng
        if rng.random() < 0.5:
            # Flat dictionaries of repeated strings: where back-references are most used.
            return {self.key(): self.scalar() for _ in range(rng.randrange(1, 25))}
        return self.value(0)


def generate(seed, count):
    gen = Generator(seed)
    for _ in range(count):
        value = gen.top()
        data = pack(value)
        try:
            consistent = typed(unpack(data)[0]) == typed(value)
        except Exception:
            consistent = False
        out = {
            "hex": data.hex(),
            "typed": typed(value),
            "consistent": consistent,
            "flat": not gen.nested,
            "simple": not gen.nested and not gen.special,
        }
        print(json.dumps(out), flush=True)


def golden():
    data = {
        "_i": "_systemInfo",
        "_x": 1254122577,
        "_btHP": False,
        "_c": {
            "_pubID": "AA:BB:CC:DD:EE:FF",
            "_sv": "230.1",
            "_bf": 0,
            "_siriInfo": {
                "collectorElectionVersion": 1.0,
                "deviceCapabilities": {"seymourEnabled": 1, "voiceTriggerEnabled": 2},
                "sharedDataProtoBuf": 512 * b"\x08",
            },
            "_stA": [
                "com.apple.LiveAudio",
                "com.apple.siri.wakeup",
                "com.apple.Seymour",
                "com.apple.announce",
                "com.apple.coreduet.sync",
                "com.apple.SeymourSession",
            ],
            "_i": "6c62fca18b11",
            "_clFl": 128,
            "_idsID": "44E14ABC-DDDD-4188-B661-11BAAAF6ECDE",
            "_hkUID": [UUID("17ed160a-81f8-4488-962c-6b1a83eb0081")],
            "_dC": "1",
            "_sf": 256,
            "model": "iPhone10,6",
            "name": "iPhone",
        },
        "_t": 2,
    }
    print(json.dumps({"hex": pack(data).hex(), "typed": typed(data)}))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "decode":
        decode_lines()
    elif mode == "generate":
        generate(int(sys.argv[2]), int(sys.argv[3]))
    elif mode == "golden":
        golden()
    else:
        raise SystemExit(f"unknown mode {mode}")
