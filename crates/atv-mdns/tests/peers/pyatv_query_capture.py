import socket, sys, time
from pyatv.core import mdns
from pyatv.support.dns import QueryType
host, outdir = sys.argv[1], sys.argv[2]
types = ["_mediaremotetv._tcp.local", "_airplay._tcp.local", "_companion-link._tcp.local",
         "_raop._tcp.local", "_device-info._tcp.local", "_touch-able._tcp.local"]
queries = mdns.create_service_queries(types, QueryType.PTR)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
s.connect((host, 5353))
for i, q in enumerate(queries):
    open(f"{outdir}/query_{i}.bin", "wb").write(q)
    s.send(q)
replies = []
end = time.time() + 2
while time.time() < end:
    try:
        replies.append(s.recv(9000))
    except socket.timeout:
        break
for i, r in enumerate(replies):
    open(f"{outdir}/reply_{i}.bin", "wb").write(r)
print(len(queries), "queries", len(replies), "replies")
