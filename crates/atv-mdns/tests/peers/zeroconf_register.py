import asyncio, socket, sys
from zeroconf import ServiceInfo, IPVersion
from zeroconf.asyncio import AsyncZeroconf

ADDR = sys.argv[1]
NAME = "Living Room"
HOST = "Living-Room.local."
SERVICES = [
    ("_airplay._tcp.local.", 7000, {
        "acl": "0", "btaddr": "00:00:00:00:00:00", "deviceid": "AA:BB:CC:DD:EE:01",
        "fex": "1d9/Wt5fFzwsng", "features": "0x4A7FDFD5,0xBC157FDE", "flags": "0x18644",
        "gid": "5A1B2C3D-0000-4000-8000-00000000A001", "igl": "1", "gcgl": "1",
        "model": "AppleTV11,1", "protovers": "1.1", "pi": "0f0e0d0c-0b0a-4009-8807-060504030201",
        "psi": "0f0e0d0c-0b0a-4009-8807-0605040302ff",
        "pk": "aa" * 32, "srcvers": "670.6.2", "osvers": "17.4", "vv": "2"}),
    ("_companion-link._tcp.local.", 49153, {
        "rpMac": "2", "rpHN": "a1b2c3d4e5f6", "rpVr": "530.4", "rpAD": "0a1b2c3d4e5f",
        "rpHI": "f6e5d4c3b2a1", "rpFl": "0x36782", "rpHA": "112233445566",
        "rpBA": "00:11:22:33:44:55", "rpMd": "AppleTV11,1", "rpMRtID": "5A1B2C3D-0000-4000-8000-00000000B001"}),
    ("_mediaremotetv._tcp.local.", 49152, {
        "ModelName": "Apple TV", "AllowPairing": "YES", "BluetoothAddress": "False",
        "macAddress": "aa:bb:cc:dd:ee:01", "Name": "Living\u00a0Room",
        "UniqueIdentifier": "5A1B2C3D-0000-4000-8000-00000000B001",
        "SystemBuildVersion": "21L569",
        "LocalAirPlayReceiverPairingIdentity": "5A1B2C3D-0000-4000-8000-00000000C001"}),
]
RAOP = ("_raop._tcp.local.", "AABBCCDDEE01@Living Room", 7000, {
    "cn": "0,1,2,3", "da": "true", "et": "0,3,5", "ft": "0x4A7FDFD5,0xBC157FDE",
    "sf": "0x18644", "md": "0,1,2", "am": "AppleTV11,1", "pk": "aa" * 32, "tp": "UDP",
    "vn": "65537", "vs": "670.6.2", "ov": "17.4", "vv": "2"})

async def main():
    azc = AsyncZeroconf(interfaces=[ADDR], ip_version=IPVersion.V4Only)
    infos = []
    for stype, port, props in SERVICES:
        infos.append(ServiceInfo(stype, f"{NAME}.{stype}", addresses=[socket.inet_aton(ADDR)],
                                 port=port, properties=props, server=HOST))
    stype, name, port, props = RAOP
    infos.append(ServiceInfo(stype, f"{name}.{stype}", addresses=[socket.inet_aton(ADDR)],
                             port=port, properties=props, server=HOST))
    for info in infos:
        await azc.async_register_service(info)
    print("registered", flush=True)
    await asyncio.sleep(float(sys.argv[2]) if len(sys.argv) > 2 else 30)
    await azc.async_close()

asyncio.run(main())
