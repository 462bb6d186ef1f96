#!/bin/sh
# python.t: a python3 script with threads, subprocesses, fork and the mmap
# module (anonymous, file-backed, resized), natively and under ptinspect.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/real/real.sh"

# Debian's interpreter when there is one: a pyenv shim is a shell script.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || tap_skip_all "python3 not installed"

real_setup()
{
	cat >script.py <<'EOP'
import hashlib, mmap, os, subprocess, sys, threading

# Threads, each with its own heap buffers, hashing in parallel.
results = [None] * 8
def work(i):
    h = hashlib.sha256()
    data = bytearray(256 * 1024)
    for j in range(300):
        data[(j * 4099) % len(data)] = (i * j) & 0xff
        h.update(data[: 16384])
    results[i] = h.hexdigest()[:12]
threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("threads", " ".join(results))

# A large sparse anonymous mapping, shared with a thread.
m = mmap.mmap(-1, 64 << 20)
def fill():
    for off in range(0, len(m), 1 << 20):
        m[off:off + 8] = off.to_bytes(8, "little")
t = threading.Thread(target=fill)
t.start()
t.join()
print("anon", sum(int.from_bytes(m[o:o + 8], "little")
                  for o in range(0, len(m), 1 << 20)), m[8:16] == bytes(8))
m.close()

# A file mapping grown with resize() (mremap underneath).
with open("data.bin", "wb") as f:
    f.write(b"\0" * 4096)
with open("data.bin", "r+b") as f:
    fm = mmap.mmap(f.fileno(), 0)
    fm[:5] = b"hello"
    fm.resize(1 << 20)
    fm[-5:] = b"world"
    print("find", fm.find(b"world"), fm.rfind(b"hello"))
    fm.flush()
    fm.close()
with open("data.bin", "rb") as f:
    data = f.read()
print("file", len(data), data[:5], data[-5:])

# Subprocesses: another interpreter and a shell pipeline.
out = subprocess.run([sys.executable, "-c",
                      "import sys; print(sum(range(10**6)))"],
                     capture_output=True, text=True, check=True).stdout
print("child", out.strip())
out = subprocess.run("printf 'b\\na\\nc\\n' | sort | tr a-z A-Z", shell=True,
                     capture_output=True, text=True, check=True).stdout
print("shell", out.split())

# fork: copy-on-write both ways.
buf = bytearray(b"parent" * 100000)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    seen = bytes(buf[:6])
    buf[:6] = b"child!"
    os.write(w, seen + bytes(buf[:6]))
    os._exit(0)
os.close(w)
child_view = os.read(r, 12)
_, status = os.waitpid(pid, 0)
print("fork", os.waitstatus_to_exitcode(status), child_view, bytes(buf[:6]))

print("to stderr", file=sys.stderr)
sys.exit(3)
EOP
}

TAP_TIMEOUT=300
REAL_MIN_PAUSES=4	# python3, python3 -c, sh and its children, fork
real_compare "python3 threads, mmap, subprocess" -- "$PY" script.py
real_compare "python3 threads, mmap, subprocess (-f)" -f -- "$PY" script.py
real_check_stats "python3 threads, mmap, subprocess" "$PY" script.py
tap_done
