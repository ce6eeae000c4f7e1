#!/usr/bin/python3
"""Supervisor benchmark: Debian's supervisord vs `slapos supervisord` on N `sleep` programs.

Prints, side by side for each N: time until all RUNNING, RSS, open fds, idle CPU, the round
trip of one getAllProcessInfo call, the real `supervisorctl status` wall time, time until all
RUNNING again after SIGKILL of every child, shutdown time; and a bare posix_spawn loop of N
`sleep` as the physical limit.

usage: bench.py [--slapos PATH] [--n 500 2000] [--idle 30] [--startsecs 0] [--only ours|theirs]
Run as root (minfds is raised to 20000 for both daemons).
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

from supervisor.xmlrpc import SupervisorTransport  # Debian's package: the real client transport

HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf('SC_CLK_TCK')


def config(d, n, startsecs):
    lines = ["[supervisord]", "logfile=%(here)s/supervisord.log", "pidfile=%(here)s/sv.pid",
             "childlogdir=%(here)s/log", "minfds=20000", "loglevel=info",
             "[unix_http_server]", "file=%(here)s/sv.sock",
             "[supervisorctl]", "serverurl=unix://%(here)s/sv.sock",
             "[rpcinterface:supervisor]",
             "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface"]
    for i in range(n):
        lines += ["[program:p%04d]" % i, "command=/bin/sleep 1000000", "startsecs=%d" % startsecs]
    os.makedirs(os.path.join(d, "log"))
    path = os.path.join(d, "supervisord.conf")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def proxy(d):
    t = SupervisorTransport(None, None, "unix://" + os.path.join(d, "sv.sock"))
    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=t)


def raw_gapi(d):
    """Seconds from sending getAllProcessInfo to its last byte (no XML parsing on our side)."""
    import socket
    body = xmlrpc.client.dumps((), "supervisor.getAllProcessInfo").encode()
    req = (b"POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n"
           % len(body)) + body
    s = socket.socket(socket.AF_UNIX)
    s.connect(os.path.join(d, "sv.sock"))
    t0 = time.monotonic()
    s.sendall(req)
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, rest = buf.split(b"\r\n\r\n", 1)
    length = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    while len(rest) < length:
        rest += s.recv(1 << 20)
    took = time.monotonic() - t0
    s.close()
    return took


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_mb(pid, field="VmRSS"):
    """VmRSS, RssAnon (heap, stacks: the daemon's own data) or RssFile (mapped binary and libraries)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def wait_all_running(d, n, timeout, exclude_pids=()):
    """Seconds until getAllProcessInfo shows n RUNNING processes (with new pids)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            infos = proxy(d).supervisor.getAllProcessInfo()
            running = [i for i in infos if i["statename"] == "RUNNING" and i["pid"] not in exclude_pids]
            if len(running) == n:
                return time.monotonic() - t0, infos
        except Exception:
            pass
        time.sleep(0.05)
    return None, []


def bench_daemon(argv, n, idle, startsecs):
    d = tempfile.mkdtemp(prefix="svbench-")
    conf = config(d, n, startsecs)
    r = {}
    known = set()  # children's pids, to clean up by pid if something goes wrong
    t0 = time.monotonic()
    daemon = subprocess.Popen(argv + ["-c", conf, "-n"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        took, infos = wait_all_running(d, n, 600)
        known |= {i["pid"] for i in infos}
        r["start"] = (time.monotonic() - t0) if took is not None else None
        if took is None:
            r["error"] = "not all RUNNING after 600 s"
            return r
        time.sleep(2)
        r["rss"] = rss_mb(daemon.pid)
        r["rss_anon"] = rss_mb(daemon.pid, "RssAnon")
        r["rss_file"] = rss_mb(daemon.pid, "RssFile")
        r["fds"] = len(os.listdir("/proc/%d/fd" % daemon.pid))
        c0 = cpu_ticks(daemon.pid)
        time.sleep(idle)
        r["idle_cpu"] = 100.0 * (cpu_ticks(daemon.pid) - c0) / TICK / idle
        calls = []
        for _ in range(3):
            s = time.monotonic()
            proxy(d).supervisor.getAllProcessInfo()
            calls.append(time.monotonic() - s)
        r["gapi"] = (min(calls), max(calls))
        raws = [raw_gapi(d) for _ in range(3)]
        r["gapi_raw"] = (min(raws), max(raws))
        runs = []
        for _ in range(2):
            s = time.monotonic()
            subprocess.run(["/usr/bin/supervisorctl", "-c", conf, "status"], stdout=subprocess.DEVNULL)
            runs.append(time.monotonic() - s)
        r["ctl"] = (min(runs), max(runs))
        old = {i["pid"] for i in infos}
        known |= old
        s = time.monotonic()
        for pid in old:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        took, infos = wait_all_running(d, n, 600, exclude_pids=old)
        known |= {i["pid"] for i in infos}
        r["recover"] = (time.monotonic() - s) if took is not None else None
        s = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(600)
        r["shutdown"] = time.monotonic() - s
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        for pid in known:
            try:
                with open("/proc/%d/cmdline" % pid) as f:
                    if f.read().startswith("/bin/sleep"):
                        os.kill(pid, signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass
        shutil.rmtree(d, ignore_errors=True)
    return r


def bare_loop(n):
    s = time.monotonic()
    pids = [os.posix_spawn("/bin/sleep", ["/bin/sleep", "1000000"], os.environ) for _ in range(n)]
    took = time.monotonic() - s
    for p in pids:
        os.kill(p, signal.SIGKILL)
    for p in pids:
        os.waitpid(p, 0)
    return took


def fmt(v, unit="s", digits=2):
    if v is None:
        return "-"
    if isinstance(v, tuple):
        return "%s-%s %s" % (round(v[0], 3), round(v[1], 3), unit)
    return "%.*f %s" % (digits, v, unit)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--slapos", default=shutil.which("slapos") or os.path.join(HERE, "../../build-supervise/src/cli/slapos"))
    ap.add_argument("--n", type=int, nargs="+", default=[500, 2000])
    ap.add_argument("--idle", type=int, default=30)
    ap.add_argument("--startsecs", type=int, default=1)
    ap.add_argument("--only", choices=["ours", "theirs"])
    a = ap.parse_args()
    for n in a.n:
        res = {}
        if a.only != "theirs":
            res["ours"] = bench_daemon([os.path.abspath(a.slapos), "supervisord"], n, a.idle, a.startsecs)
        if a.only != "ours":
            res["supervisord"] = bench_daemon(["/usr/bin/supervisord"], n, a.idle, a.startsecs)
        bare = bare_loop(n)
        cols = list(res)
        print("\nN = %d programs (startsecs=%d), bare posix_spawn loop of %d sleep: %.3f s" % (n, a.startsecs, n, bare))
        print("%-40s" % "" + "".join("%-22s" % c for c in cols))
        rows = [("time until all RUNNING", "start", "s"), ("RSS after start", "rss", "MB"),
                ("  of which anonymous", "rss_anon", "MB"), ("  of which file-backed", "rss_file", "MB"),
                ("open fds", "fds", ""), ("idle CPU over %d s" % a.idle, "idle_cpu", "%"),
                ("getAllProcessInfo (Python client)", "gapi", "s"),
                ("getAllProcessInfo (raw, no parse)", "gapi_raw", "s"), ("supervisorctl status wall", "ctl", "s"),
                ("SIGKILL all -> all RUNNING again", "recover", "s"), ("shutdown (SIGTERM -> exit)", "shutdown", "s")]
        for label, key, unit in rows:
            cells = []
            for c in cols:
                v = res[c].get(key)
                cells.append(fmt(v, unit, 0 if key == "fds" else (3 if key == "idle_cpu" else 2)))
            print("%-40s" % label + "".join("%-22s" % x for x in cells))
        for c in cols:
            if "error" in res[c]:
                print("%s: %s" % (c, res[c]["error"]))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
