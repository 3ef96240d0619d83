#!/usr/bin/env python3
"""A GET /watch client in another language (Python 3, standard library only), driven by WatchFromPythonTest.

Modes (each prints one JSON line on stdout and exits 0, or prints the problem on stderr and exits 1):
  sync BASE                      read until `synced`; {"cursor", "tenants": {id: version}, "types": [...]}
  resume BASE CURSOR             reconnect with Last-Event-ID; the events up to `synced` and the new cursor
  follow BASE TARGETS_JSON       follow until every tenant in {id: version} is at that version or above;
                                 {"cursor", "events": n, "seconds"}; stdout gets "synced" once caught up
  stall BASE                     open /watch and never read; exit when stdin closes
"""
import json
import socket
import sys
import time
import urllib.parse
import urllib.request

TIMEOUT = 60


def events(base, cursor=None):
    """Yield (id, type, data) for each event of GET /watch."""
    request = urllib.request.Request(base + "/watch")
    if cursor:
        request.add_header("Last-Event-ID", cursor)
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        if response.status != 200:
            raise SystemExit("GET /watch answered %d" % response.status)
        if not response.headers.get("Content-Type", "").startswith("text/event-stream"):
            raise SystemExit("not an event stream: %s" % response.headers.get("Content-Type"))
        event_id, event_type, data = None, None, None
        for raw in response:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line == "":
                if data is not None:
                    yield event_id, event_type or "message", data
                event_type, data = None, None
            elif line.startswith(":"):
                continue
            else:
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "id":
                    event_id = value
                elif field == "event":
                    event_type = value
                elif field == "data":
                    data = value if data is None else data + "\n" + value


def sync(base):
    tenants, types = {}, []
    for event_id, event_type, data in events(base):
        types.append(event_type)
        if event_type == "snapshot":
            snapshot = json.loads(data)
            tenants[snapshot["tenant"]] = snapshot["version"]
        elif event_type == "synced":
            return {"cursor": event_id, "tenants": tenants, "types": types}
    raise SystemExit("the stream ended before synced")


def resume(base, cursor):
    seen = []
    for event_id, event_type, data in events(base, cursor):
        item = {"type": event_type}
        if event_type in ("snapshot", "removed"):
            body = json.loads(data)
            item["tenant"], item["version"] = body["tenant"], body["version"]
        seen.append(item)
        if event_type == "synced":
            return {"cursor": event_id, "events": seen}
    raise SystemExit("the stream ended before synced")


def follow(base, targets):
    wanted = dict(targets)
    started, count, synced = time.monotonic(), 0, False
    for event_id, event_type, data in events(base):
        count += 1
        if event_type == "snapshot":
            snapshot = json.loads(data)
            if wanted.get(snapshot["tenant"], float("inf")) <= snapshot["version"]:
                del wanted[snapshot["tenant"]]
        elif event_type == "synced" and not synced:
            synced = True
            print("synced", flush=True)
        if synced and not wanted:
            return {"cursor": event_id, "events": count, "seconds": round(time.monotonic() - started, 3)}
    raise SystemExit("the stream ended with tenants still behind: %s" % wanted)


def stall(base):
    url = urllib.parse.urlparse(base)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((url.hostname, url.port))
    sock.sendall(("GET /watch HTTP/1.1\r\nHost: %s\r\n\r\n" % url.netloc).encode("ascii"))
    print("stalled", flush=True)
    sys.stdin.read()  # Reads nothing from the socket until the test closes stdin.
    sock.close()
    return {"stalled": True}


def main(argv):
    mode, base = argv[1], argv[2].rstrip("/")
    if mode == "sync":
        result = sync(base)
    elif mode == "resume":
        result = resume(base, argv[3])
    elif mode == "follow":
        result = follow(base, json.loads(argv[3]))
    elif mode == "stall":
        result = stall(base)
    else:
        raise SystemExit("unknown mode " + mode)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv)
