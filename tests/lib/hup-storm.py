# hup-storm.py PID N: N SIGHUPs to PID, one every 100 ms (a reload storm)
import os, signal, sys, time
for _ in range(int(sys.argv[2])):
    os.kill(int(sys.argv[1]), signal.SIGHUP)
    time.sleep(0.1)
