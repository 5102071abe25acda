"""Builds MRP messages with pyatv's own message functions, for atv's interop tests.

  python pyatv_messages.py build        prints {name: hex of serialized ProtocolMessage}
  python pyatv_messages.py check FILE   FILE holds {name: hex} built by atv; each is parsed
                                        with pyatv's classes and compared with pyatv's own
                                        message of that name. Prints one line per message,
                                        exits 1 on any mismatch.

Every message gets the unique identifier below instead of a random one, so both sides
can build identical messages.
"""

import json
import sys
import uuid

from pyatv import const
from pyatv.auth import hap_tlv8
from pyatv.auth.hap_tlv8 import TlvValue
from pyatv.protocols.mrp import messages, protobuf
from pyatv.settings import InfoSettings

FIXED_UUID = "5A4C3B2A-1F0E-4D3C-8B7A-695847362514"
messages.uuid4 = lambda: uuid.UUID(FIXED_UUID)

INFO = InfoSettings(name="Living Room Remote", os_build="18M60")
PAIRING_ID = "0F7A3E5C-2B1D-4E6F-9A8B-7C6D5E4F3A2B"
TLV_SETUP = {TlvValue.Method: b"\x00", TlvValue.SeqNo: b"\x01"}
TLV_VERIFY = {TlvValue.SeqNo: b"\x01", TlvValue.PublicKey: bytes(range(32))}


def now_playing_state():
    """A SetStateMessage like the ones a device sends while a track plays."""
    message = messages.create(protobuf.SET_STATE_MESSAGE)
    inner = protobuf.extract_inner(message)
    inner.playbackState = protobuf.PlaybackState.Playing
    inner.displayName = "Music"
    for command in (protobuf.CommandInfo_pb2.Play, protobuf.CommandInfo_pb2.Pause):
        info = inner.supportedCommands.supportedCommands.add()
        info.command = command
        info.enabled = True
    skip = inner.supportedCommands.supportedCommands.add()
    skip.command = protobuf.CommandInfo_pb2.SkipForward
    skip.preferredIntervals.append(15.0)
    repeat = inner.supportedCommands.supportedCommands.add()
    repeat.command = protobuf.CommandInfo_pb2.ChangeRepeatMode
    repeat.repeatMode = protobuf.RepeatMode.All
    queue = inner.playbackQueue
    queue.location = 0
    item = queue.contentItems.add()
    item.identifier = "4A3B2C1D"
    metadata = item.metadata
    metadata.title = "Never Gonna Give You Up"
    metadata.trackArtistName = "Rick Astley"
    metadata.albumName = "Whenever You Need Somebody"
    metadata.genre = "Pop"
    metadata.duration = 213.5
    metadata.elapsedTime = 42.25
    metadata.playbackRate = 1.0
    metadata.mediaType = protobuf.ContentItemMetadata.Audio
    metadata.artworkAvailable = True
    metadata.artworkMIMEType = "image/jpeg"
    metadata.artworkIdentifier = "artwork-17"
    metadata.iTunesStoreIdentifier = 1558534271
    metadata.seasonNumber = 2
    item.artworkData = bytes(range(256)) * 4
    inner.playerPath.origin.deviceInfo.name = "Living Room"
    inner.playerPath.origin.deviceInfo.deviceClass = protobuf.DeviceClass.AppleTV
    inner.playerPath.client.processIdentifier = 123
    inner.playerPath.client.bundleIdentifier = "com.apple.TVMusic"
    inner.playerPath.player.identifier = "MediaRemote-DefaultPlayer"
    return message


BUILDERS = {
    "device_information": lambda: messages.device_information(INFO, PAIRING_ID),
    "device_information_update": lambda: messages.device_information(
        INFO, PAIRING_ID, update=True
    ),
    "set_connection_state": messages.set_connection_state,
    "client_updates_config": messages.client_updates_config,
    "get_keyboard_session": messages.get_keyboard_session,
    "wake_device": messages.wake_device,
    "heartbeat": lambda: messages.create(protobuf.GENERIC_MESSAGE),
    "crypto_pairing_setup": lambda: messages.crypto_pairing(TLV_SETUP, is_pairing=True),
    "crypto_pairing_verify": lambda: messages.crypto_pairing(TLV_VERIFY),
    "playback_queue_request": lambda: messages.playback_queue_request(3),
    "playback_queue_request_sized": lambda: messages.playback_queue_request(0, 600, 600),
    "hid_left_down": lambda: messages.send_hid_event(1, 0x8B, True),
    "hid_menu_up": lambda: messages.send_hid_event(12, 0x40, False),
    "button_down": lambda: messages.send_button(12, 0xE9, True),
    "command_play": lambda: messages.command(protobuf.CommandInfo_pb2.Play),
    "command_skip_forward": lambda: messages.command(
        protobuf.CommandInfo_pb2.SkipForward, skipInterval=15
    ),
    "repeat_track": lambda: messages.repeat(const.RepeatState.Track),
    "shuffle_albums": lambda: messages.shuffle(const.ShuffleState.Albums),
    "seek": lambda: messages.seek_to_position(42.5),
    "command_result": lambda: messages.command_result("REQUEST-7"),
    "set_volume": lambda: messages.set_volume("OUTPUT-DEVICE-1", 0.25),
    "add_output_devices": lambda: messages.add_output_devices("A-1", "B-2"),
    "remove_output_devices": lambda: messages.remove_output_devices("A-1"),
    "set_output_devices": lambda: messages.set_output_devices("C-3", "D-4"),
    "now_playing_state": now_playing_state,
}


def build():
    built = {name: make().SerializeToString().hex() for name, make in BUILDERS.items()}
    built["tlv_setup"] = hap_tlv8.write_tlv(TLV_SETUP).hex()
    built["tlv_verify"] = hap_tlv8.write_tlv(TLV_VERIFY).hex()
    print(json.dumps(built))


def check(path):
    with open(path, encoding="utf-8") as handle:
        theirs = json.load(handle)
    failures = 0
    for name, data in sorted(theirs.items()):
        parsed = protobuf.ProtocolMessage()
        try:
            parsed.ParseFromString(bytes.fromhex(data))
        except Exception as ex:  # any parse failure is a test failure
            print(f"{name}: pyatv cannot parse atv's message: {ex}")
            failures += 1
            continue
        if name not in BUILDERS:
            print(f"{name}: no pyatv builder of that name")
            failures += 1
            continue
        expected = BUILDERS[name]()
        if parsed != expected:
            print(f"{name}: MISMATCH\n--- atv\n{parsed}--- pyatv\n{expected}")
            failures += 1
        elif not parsed.IsInitialized():
            print(f"{name}: required fields missing")
            failures += 1
        else:
            print(f"{name}: ok")
    print(f"pyatv check: {len(theirs) - failures} matched, {failures} differ")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    if sys.argv[1:2] == ["build"]:
        build()
    elif sys.argv[1:2] == ["check"] and len(sys.argv) == 3:
        check(sys.argv[2])
    else:
        sys.exit(__doc__)
