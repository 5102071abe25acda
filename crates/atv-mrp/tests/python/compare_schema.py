"""Compares atv's MRP schema (a FileDescriptorSet compiled from proto/mrp) with the
protobuf classes shipped in pyatv, field by field: number, label, wire type, message and
enum structure. Prints one line per difference and exits 1 if there are any.

Usage: python compare_schema.py DESCRIPTOR_SET_FILE
"""

import importlib
import pkgutil
import re
import sys

from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import FieldDescriptor

import pyatv.protocols.mrp.protobuf as pyatv_protobuf

PACKAGE = "mrp"

# Differences made on purpose; each is explained in the .proto file.
DELIBERATE_TYPE_CHANGES = {
    # pyatv: an empty wrapper message; atv: the enum (varint) that devices send.
    ("AudioRoute", 1),
    # pyatv: string; atv: empty message. Same bytes for the empty value.
    ("ProtocolMessage", 29),
}

# Field names atv spells differently (pyatv's spelling on the left, normalized).
RENAMED_FIELDS = {
    "resentsoptimizeduserinterfacewhenplayingfetchedaudioonlyassets": (
        "presentsoptimizeduserinterfacewhenplayingfetchedaudioonlyassets"
    ),
    "shouldforceremotecontrolabillity": "shouldforceremotecontrolability",
}

# Enum value names atv spells differently (normalized).
RENAMED_VALUES = {"appledigitialmaster": "appledigitalmaster"}

# pyatv enums nested in messages that atv declares at top level under another name.
LIFTED_ENUMS = {
    "ProtocolMessage.Type": "MessageType",
    "Origin.Type": "OriginType",
    "SetConnectionStateMessage.ConnectionState": "ConnectionState",
    "SetRecordingStateMessage.RecordingState": "RecordingState",
    "RegisterForGameControllerEventsMessage.InputModeFlags": "InputModeFlags",
    "SendPackedVirtualTouchEventMessage.Phase": "VirtualTouchPhase",
    "ContentItemMetadata.MediaType": "MediaType",
    "ContentItemMetadata.MediaSubType": "MediaSubType",
}

WIRE_TYPE = {
    FieldDescriptor.TYPE_DOUBLE: "fixed64",
    FieldDescriptor.TYPE_FIXED64: "fixed64",
    FieldDescriptor.TYPE_SFIXED64: "fixed64",
    FieldDescriptor.TYPE_FLOAT: "fixed32",
    FieldDescriptor.TYPE_FIXED32: "fixed32",
    FieldDescriptor.TYPE_SFIXED32: "fixed32",
    FieldDescriptor.TYPE_STRING: "len",
    FieldDescriptor.TYPE_BYTES: "len",
    FieldDescriptor.TYPE_MESSAGE: "len",
}

problems = []


def normalize(name):
    return name.replace("_", "").lower()


def screaming(name):
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).upper()


def load_ours(path):
    with open(path, "rb") as handle:
        fds = descriptor_pb2.FileDescriptorSet.FromString(handle.read())
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:
        pool.AddSerializedFile(file.SerializeToString())
    return pool


def load_theirs():
    """All pyatv message and enum descriptors, by name relative to their file."""
    messages, enums = {}, {}

    def walk_message(desc, prefix):
        name = prefix + desc.name
        messages[name] = desc
        for enum in desc.enum_types:
            enums[name + "." + enum.name] = enum
        for nested in desc.nested_types:
            walk_message(nested, name + ".")

    for module_info in pkgutil.iter_modules(pyatv_protobuf.__path__):
        if not module_info.name.endswith("_pb2"):
            continue
        module = importlib.import_module(pyatv_protobuf.__name__ + "." + module_info.name)
        for desc in module.DESCRIPTOR.message_types_by_name.values():
            walk_message(desc, "")
        for enum in module.DESCRIPTOR.enum_types_by_name.values():
            enums[enum.name] = enum
    return messages, enums


def our_enum_name(their_name):
    if their_name in LIFTED_ENUMS:
        return LIFTED_ENUMS[their_name]
    if their_name.endswith(".Enum"):
        return their_name[: -len(".Enum")]
    return their_name


def compare_enum(theirs, ours):
    prefix = normalize(screaming(ours.name))
    their_values = {v.number: normalize(v.name) for v in theirs.values}
    our_values = {}
    for value in ours.values:
        name = normalize(value.name)
        if not name.startswith(prefix):
            problems.append(f"enum {ours.name}: value {value.name} lacks the enum prefix")
        our_values[value.number] = name[len(prefix):]
    for number, name in their_values.items():
        ours_name = our_values.get(number)
        if ours_name is None:
            problems.append(f"enum {ours.name}: value {number} ({name}) missing")
        elif RENAMED_VALUES.get(name, name) != ours_name:
            problems.append(f"enum {ours.name}: value {number} is {ours_name}, pyatv {name}")
    for number in our_values.keys() - their_values.keys():
        problems.append(f"enum {ours.name}: value {number} not in pyatv")


def label(field):
    """optional / required / repeated (without the deprecated `label` attribute)."""
    if field.is_repeated:
        return "repeated"
    return "required" if field.is_required else "optional"


def wire_type(field):
    if field.is_repeated and field.type not in (
        FieldDescriptor.TYPE_STRING,
        FieldDescriptor.TYPE_BYTES,
        FieldDescriptor.TYPE_MESSAGE,
    ):
        return "repeated-scalar"
    return WIRE_TYPE.get(field.type, "varint")


def compare_field(message_name, theirs, ours, pending):
    where = f"{message_name}.{ours.name} ({ours.number})"
    their_name = normalize(theirs.name)
    if RENAMED_FIELDS.get(their_name, their_name) != normalize(ours.name):
        problems.append(f"{where}: name differs from pyatv's {theirs.name}")
    if label(theirs) != label(ours):
        problems.append(f"{where}: {label(ours)}, pyatv {label(theirs)}")
    if (message_name, ours.number) in DELIBERATE_TYPE_CHANGES:
        return
    if theirs.type != ours.type:
        problems.append(f"{where}: type {ours.type}, pyatv {theirs.type}")
        return
    if wire_type(theirs) != wire_type(ours):
        problems.append(f"{where}: wire type differs")
    if ours.type == FieldDescriptor.TYPE_MESSAGE:
        if theirs.message_type.name != ours.message_type.name:
            problems.append(
                f"{where}: message {ours.message_type.name}, pyatv {theirs.message_type.name}"
            )
        pending.append((theirs.message_type, ours.message_type))
    elif ours.type == FieldDescriptor.TYPE_ENUM:
        expected = PACKAGE + "." + our_enum_name(theirs.enum_type.full_name)
        if ours.enum_type.full_name != expected:
            problems.append(f"{where}: enum {ours.enum_type.full_name}, expected {expected}")


def compare_message(theirs, ours, extensions, pending):
    their_fields = {f.number: f for f in theirs.fields}
    their_fields.update({f.number: f for f in extensions})
    our_fields = {f.number: f for f in ours.fields}
    for number, field in sorted(their_fields.items()):
        if number not in our_fields:
            problems.append(f"{ours.name}: field {number} ({field.name}) missing")
            continue
        compare_field(ours.name, field, our_fields[number], pending)
    for number in sorted(our_fields.keys() - their_fields.keys()):
        problems.append(f"{ours.name}: field {number} not in pyatv")


def main():
    ours = load_ours(sys.argv[1])
    their_messages, their_enums = load_theirs()
    their_pool = descriptor_pool.Default()

    compared = set()
    pending = []
    root = their_messages["ProtocolMessage"]
    compare_message(
        root,
        ours.FindMessageTypeByName(PACKAGE + ".ProtocolMessage"),
        their_pool.FindAllExtensions(root),
        pending,
    )
    compared.add("ProtocolMessage")
    while pending:
        theirs, mine = pending.pop()
        if theirs.full_name in compared:
            continue
        compared.add(theirs.full_name)
        compare_message(theirs, mine, [], pending)

    # Messages not reachable from ProtocolMessage (and not mere enum wrappers).
    for name, desc in sorted(their_messages.items()):
        if name in compared or not desc.fields:
            continue
        try:
            mine = ours.FindMessageTypeByName(PACKAGE + "." + name)
        except KeyError:
            problems.append(f"message {name} missing")
            continue
        compared.add(name)
        compare_message(desc, mine, [], [])

    for name, enum in sorted(their_enums.items()):
        try:
            mine = ours.FindEnumTypeByName(PACKAGE + "." + our_enum_name(name))
        except KeyError:
            problems.append(f"enum {name} missing")
            continue
        compare_enum(enum, mine)

    for problem in problems:
        print(problem)
    print(f"compared {len(compared)} messages and {len(their_enums)} enums, "
          f"{len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
