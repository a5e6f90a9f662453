# http-client.py URL TIMEOUT: fetch URL 20 times a second until SIGINT, then
# print "answered sent" (the SIGHUP storms of tests/netns/fault-reload.sh and
# tests/vm/scenarios/fault-ipvs.sh measure what a client lost during them).
import signal, sys, time, urllib.request
stop = False
def on_int(*_):
    global stop
    stop = True
signal.signal(signal.SIGINT, on_int)
sent = ok = 0
while not stop:
    t = time.monotonic()
    sent += 1
    try:
        urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])).read()
        ok += 1
    except Exception:
        pass
    time.sleep(max(0, 0.05 - (time.monotonic() - t)))
print(ok, sent)
