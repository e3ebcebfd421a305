"""Run wrk (Debian's `wrk` package) against a local endpoint and read its figures."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path


def post_script(body_format: str, arguments: str) -> str:
    """A wrk script POSTing JSON bodies made by Lua's `string.format(body_format, arguments)`, counter in scope."""
    return f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    {body_format},
    {arguments})
  return wrk.format(nil, nil, nil, body)
end
"""


# ~500 bytes of JSON like a real comment; the counter keeps bodies distinct so duplicates are not what we measure.
POST_SCRIPT = post_script(
    """'{"thread":"bench-%d","author_name":"Reader %d","author_email":"reader%d@example.org",' ..
    '"body":"Comment %d. I read the article twice and I still think the council got the budget wrong: ' ..
    'the bus lanes were promised in the last election, the money was set aside, and now it goes to parking. ' ..
    'Happy to be shown the numbers, but so far nobody has published them. Thanks for covering it."}'""",
    "counter % 50, counter % 500, counter % 500, counter",
)
# A Perspective request as Coral Talk sends it, with comments of the same size as POST_SCRIPT's.
ANALYZE_SCRIPT = post_script(
    """'{"comment":{"text":"Comment %d. I read the article twice and I still think the council got the budget ' ..
    'wrong: the bus lanes were promised in the last election, the money was set aside, and now it goes to ' ..
    'parking. Happy to be shown the numbers, but so far nobody has published them. Thanks for covering it."},' ..
    '"doNotStore":true,"requestedAttributes":{"TOXICITY":{}},"languages":["en"]}'""",
    "counter",
)

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    return found


def run_wrk(url: str, seconds: float, connections: int, script_dir: Path, lua: str = POST_SCRIPT) -> WrkResult:
    """Load one URL with POSTs (the `lua` script's) for the given time, one wrk thread (two cores to share)."""
    script = script_dir / f"post-{zlib.crc32(lua.encode()):08x}.lua"
    script.write_text(lua)
    completed = subprocess.run(
        [
            wrk_binary(),
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "5s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    return parse_wrk(completed.stdout)


def parse_wrk(output: str) -> WrkResult:
    """Read requests/s, p50, p99 and error counts from wrk's report."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if rate is None or total is None:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(
        requests_per_second=float(rate.group(1)),
        p50_ms=_percentile(output, "50%"),
        p99_ms=_percentile(output, "99%"),
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def _percentile(output: str, label: str) -> float:
    found = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk printed no {label} latency:\n{output}")
    return float(found.group(1)) * _UNITS[found.group(2)]
