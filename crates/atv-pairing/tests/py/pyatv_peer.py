"""A pairing peer built from pyatv 0.18.0's own code, driven over stdin/stdout.

The Rust tests in ../srp_pyatv.rs start this script with one of the modes below and
exchange one JSON object per line with it. Binary values travel as hex strings. Every
cryptographic step here is pyatv's (or srptools', which pyatv uses): this script only
moves bytes between pyatv's functions and the pipe.

Modes:
  srp          one request per line: SRP values computed by srptools
  credentials  one string per line: pyatv's parse_credentials() and str()
  client       pyatv's HAP client (SRPAuthHandler) pairs and verifies with the Rust side
  server       pyatv's server-side pairing code (AirPlay, MRP or Companion fake device)
  legacy-client  pyatv's legacy AirPlay client pairs and verifies with the Rust side
"""

import binascii
import hashlib
import json
import sys
from types import SimpleNamespace

from srptools import SRPClientSession, SRPContext, SRPServerSession, constants

from pyatv.auth.hap_pairing import parse_credentials
from pyatv.auth.hap_session import HAPSession
from pyatv.auth.hap_srp import SRPAuthHandler, hkdf_expand
from pyatv.auth.hap_tlv8 import TlvValue, read_tlv, write_tlv
from pyatv.protocols.airplay.srp import AtvSRPContext
from pyatv.support import chacha20


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def recv():
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    return json.loads(line)


def unhex(value):
    return binascii.unhexlify(value)


# --- srp -------------------------------------------------------------------------------


def srp_values(req):
    """Run srptools' client and server with fixed private values."""
    if req["variant"] == "hap":
        args = dict(
            prime=constants.PRIME_3072,
            generator=constants.PRIME_3072_GEN,
            hash_func=hashlib.sha512,
        )
        context_type = SRPContext
    else:
        args = dict(prime=constants.PRIME_2048, generator=constants.PRIME_2048_GEN)
        context_type = AtvSRPContext
    client_ctx = context_type(req["username"], req["password"], **args)
    client = SRPClientSession(client_ctx, req["a"])
    # The server side is built the way pyatv's fake devices build it: from a verifier.
    verifier = client_ctx.get_common_password_verifier(
        client_ctx.get_common_password_hash(unhex(req["salt"]))
    )
    server_ctx = context_type(req["username"], **args)
    server = SRPServerSession(server_ctx, "%x" % verifier, req["b"])
    server.process(client.public, req["salt"])
    client.process(server.public, req["salt"])
    return {
        "A": client.public,
        "B": server.public,
        "K": client.key.decode(),
        "M1": client.key_proof.decode(),
        "M2": client.key_proof_hash.decode(),
        "server_accepts": server.verify_proof(client.key_proof),
        "server_K": server.key.decode(),
    }


def mode_srp():
    while True:
        send(srp_values(recv()))


# --- credentials -----------------------------------------------------------------------


def mode_credentials():
    while True:
        text = recv()["text"]
        try:
            send({"printed": str(parse_credentials(text))})
        except Exception as ex:  # pylint: disable=broad-except
            send({"error": type(ex).__name__})


# --- client ----------------------------------------------------------------------------


def exchange(tlv):
    """Send a TLV8 message to the Rust server and return its parsed reply."""
    send({"message": write_tlv(tlv).hex()})
    return read_tlv(unhex(recv()["message"]))


def mode_client(pin, transient, salt, output_info, input_info):
    setup = SRPAuthHandler()
    setup.initialize()
    m1 = {TlvValue.Method: b"\x00", TlvValue.SeqNo: b"\x01"}
    if transient:
        m1[TlvValue.Flags] = b"\x10"
    m2 = exchange(m1)
    setup.step1(pin)
    public, proof = setup.step2(m2[TlvValue.PublicKey], m2[TlvValue.Salt])
    m4 = exchange({TlvValue.SeqNo: b"\x03", TlvValue.PublicKey: public, TlvValue.Proof: proof})
    if TlvValue.Error in m4:
        send({"error": m4[TlvValue.Error].hex()})
        return
    if transient:
        shared = unhex(setup.shared_key)
        out_key = hkdf_expand(salt, output_info, shared)
        in_key = hkdf_expand(salt, input_info, shared)
    else:
        encrypted = setup.step3(name="pyatv peer")
        m6 = exchange({TlvValue.SeqNo: b"\x05", TlvValue.EncryptedData: encrypted})
        credentials = setup.step4(m6[TlvValue.EncryptedData])
        send({"credentials": str(credentials)})
        recv()

        verify = SRPAuthHandler()
        _, public = verify.initialize()
        m2 = exchange({TlvValue.SeqNo: b"\x01", TlvValue.PublicKey: public})
        m3 = verify.verify1(credentials, m2[TlvValue.PublicKey], m2[TlvValue.EncryptedData])
        m4 = exchange({TlvValue.SeqNo: b"\x03", TlvValue.EncryptedData: m3})
        if TlvValue.Error in m4:
            send({"error": m4[TlvValue.Error].hex()})
            return
        out_key, in_key = verify.verify2(salt, output_info, input_info)

    session = HAPSession()
    session.enable(out_key, in_key)
    send({"output": out_key.hex(), "input": in_key.hex()})
    opened = session.decrypt(unhex(recv()["sealed"]))
    send({"opened": opened.hex(), "sealed": session.encrypt(opened[::-1]).hex()})


def mode_legacy_client(pin):
    """pyatv's legacy AirPlay client: plist fields travel as JSON, verify bodies as hex."""
    from pyatv.protocols.airplay.srp import LegacySRPAuthHandler, new_credentials

    credentials = new_credentials()
    srp = LegacySRPAuthHandler(credentials)
    srp.initialize()
    user = binascii.hexlify(credentials.client_id).decode("ascii").upper()
    srp.step1(user, pin)
    send({"method": "pin", "user": user})
    challenge = recv()
    public, proof = srp.step2(unhex(challenge["pk"]), unhex(challenge["salt"]))
    send({"pk": public, "proof": proof.decode()})
    recv()  # the device's proof, which pyatv does not check
    try:
        epk, tag = srp.step3()
    except ValueError:
        # pyatv 0.18.0 increments the last byte of the AES IV without carrying, so it
        # fails whenever that byte (derived from the random session key) is 0xFF.
        send({"pyatv_iv_overflow": True})
        return
    send({"epk": epk.hex(), "authTag": tag.hex(), "credentials": str(credentials)})
    recv()

    verifier = LegacySRPAuthHandler(credentials)
    verifier.initialize()
    send({"body": verifier.verify1().hex()})
    reply = unhex(recv()["body"])
    send({"body": verifier.verify2(reply[0:32], reply[32:]).hex()})


# --- server ----------------------------------------------------------------------------


def airplay_server(pin):
    from pyatv.protocols.airplay.server_auth import BaseAirPlayServerAuth

    class Server(BaseAirPlayServerAuth):
        def enable_encryption(self, output_key, input_key):
            self.enabled = (output_key, input_key)

    server = Server("pyatv peer", pin=pin)

    def handle(kind, data):
        tlv = read_tlv(data)
        seqno = tlv[TlvValue.SeqNo][0]
        if kind == "verify":
            return getattr(server, f"_m{seqno}_verify")(tlv)
        return getattr(server, f"_m{seqno}_setup")(tlv, transient=kind == "transient")

    def keys():
        return server.output_key, server.input_key

    return server, handle, keys


def mrp_server():
    from pyatv.protocols.mrp import protobuf
    from pyatv.protocols.mrp.server_auth import MrpServerAuth

    replies = []

    class Server(MrpServerAuth):
        def send_to_client(self, message):
            replies.append(protobuf.extract_inner(message).pairingData)

        def enable_encryption(self, output_key, input_key):
            self.enabled = (output_key, input_key)

    server = Server("pyatv peer")

    def handle(kind, data):
        server.handle_crypto_pairing(None, SimpleNamespace(pairingData=data))
        return replies.pop()

    def keys():
        # The MRP server stores its keys from the client's point of view and swaps them
        # when it enables encryption.
        return server.input_key, server.output_key

    return server, handle, keys


def companion_server():
    from pyatv.protocols.companion.connection import FrameType
    from pyatv.protocols.companion.server_auth import CompanionServerAuth

    replies = []

    class Server(CompanionServerAuth):
        def send_to_client(self, frame_type, data):
            replies.append(data["_pd"])

        def enable_encryption(self, output_key, input_key):
            self.enabled = (output_key, input_key)

    server = Server("pyatv peer")
    started = set()

    def handle(kind, data):
        if kind == "verify":
            frame = FrameType.PV_Next if "verify" in started else FrameType.PV_Start
        else:
            frame = FrameType.PS_Next if "setup" in started else FrameType.PS_Start
        started.add("verify" if kind == "verify" else "setup")
        server.handle_auth_frame(frame, {"_pd": data})
        return replies.pop()

    def keys():
        return server.output_key, server.input_key

    return server, handle, keys


def session_cipher(protocol, output_key, input_key):
    """The cipher pyatv's connection of this protocol uses after pair-verify."""
    if protocol == "airplay":
        session = HAPSession()
        session.enable(output_key, input_key)
        return session.encrypt, session.decrypt
    if protocol == "mrp":
        chacha = chacha20.Chacha20Cipher8byteNonce(output_key, input_key)
        return chacha.encrypt, chacha.decrypt
    chacha = chacha20.Chacha20Cipher(output_key, input_key, nonce_length=12)
    header = b"\x08\x00\x00\x00"
    return (lambda data: chacha.encrypt(data, aad=header)), (
        lambda data: chacha.decrypt(data, aad=header)
    )


def mode_server(protocol, pin):
    if protocol == "airplay":
        server, handle, keys = airplay_server(pin)
    elif protocol == "mrp":
        server, handle, keys = mrp_server()
    else:
        server, handle, keys = companion_server()
    send(
        {
            "identifier": server.unique_id.decode(),
            "ltpk": server.keys.auth_pub.hex(),
        }
    )
    encrypt = decrypt = None
    while True:
        req = recv()
        kind = req["kind"]
        if kind in ("setup", "transient", "verify"):
            send({"message": handle(kind, unhex(req["message"])).hex()})
        elif kind == "keys":
            output_key, input_key = keys()
            encrypt, decrypt = session_cipher(protocol, output_key, input_key)
            send({"output": output_key.hex(), "input": input_key.hex()})
        elif kind == "open":
            send({"opened": decrypt(unhex(req["sealed"])).hex()})
        elif kind == "seal":
            send({"sealed": encrypt(unhex(req["data"])).hex()})


def main():
    mode = sys.argv[1]
    if mode == "srp":
        mode_srp()
    elif mode == "credentials":
        mode_credentials()
    elif mode == "client":
        pin, transient, salt, output_info, input_info = sys.argv[2:7]
        mode_client(int(pin), transient == "transient", salt, output_info, input_info)
    elif mode == "legacy-client":
        mode_legacy_client(int(sys.argv[2]))
    elif mode == "server":
        mode_server(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
