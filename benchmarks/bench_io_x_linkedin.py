"""Read a large synthetic X archive and LinkedIn export (real file shapes, generated data: no real
archive of this size is available to the project) beside the naive peer measured in the same run.

    python benchmarks/bench_io_x_linkedin.py [--scale 1.0] [--repeat 3]

X: innercircle.io.x.read on the .zip (streamed, record by record) against json.loads of every
data file read whole from the same zip (what a quick script would do). LinkedIn:
innercircle.io.linkedin.read against pandas.read_csv of Connections.csv and messages.csv.
Prints seconds, records/s and peak memory of each, and the ratios ours / peer.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from _measure import run_isolated


def make_x(path: Path, scale: float, seed: int = 7) -> int:
    """An X archive zip: followers, following, tweets (with mentions, replies, retweets), likes, DMs."""
    rng = random.Random(seed)
    n_fol, n_tw, n_like, n_conv = int(200_000 * scale), int(60_000 * scale), int(60_000 * scale), int(3_000 * scale)
    me = "1000000001"
    others = [str(2_000_000 + i) for i in range(n_fol)]

    def part(name, records):
        return f"window.YTD.{name}.part0 = " + json.dumps(records, indent=2)

    tweets = []
    for i in range(n_tw):
        who = rng.choice(others)
        t = {"id_str": str(10**15 + i), "id": str(10**15 + i), "created_at": "Mon Jan 09 10:00:00 +0000 2023",
             "full_text": f"Post {i} with @u{who}", "favorite_count": "2", "retweet_count": "0", "lang": "en",
             "entities": {"hashtags": [], "symbols": [], "urls": [],
                          "user_mentions": [{"name": "U", "screen_name": f"u{who}", "indices": ["10", "20"],
                                             "id_str": who, "id": who}]},
             "display_text_range": ["0", "30"], "retweeted": False, "favorited": False, "truncated": False}
        if i % 3 == 0:
            t.update(in_reply_to_status_id_str=str(9 * 10**15 + i), in_reply_to_user_id_str=who,
                     in_reply_to_screen_name=f"u{who}")
        if i % 7 == 0:
            t["full_text"] = f"RT @u{who}: something"
        tweets.append({"tweet": t})
    likes = [{"like": {"tweetId": str(9 * 10**15 + i), "fullText": "liked text " * 5,
                       "expandedUrl": f"https://twitter.com/i/web/status/{9 * 10**15 + i}"}} for i in range(n_like)]
    convs = []
    for c in range(n_conv):
        who = rng.choice(others)
        msgs = [{"messageCreate": {"recipientId": who if k % 2 else me, "senderId": me if k % 2 else who,
                                   "text": "hello there " * 4, "id": str(c * 100 + k), "reactions": [], "urls": [],
                                   "mediaUrls": [], "createdAt": "2023-02-01T08:00:00.000Z"}} for k in range(20)]
        convs.append({"dmConversation": {"conversationId": f"{me}-{who}", "messages": msgs}})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("data/account.js", part("account", [{"account": {"accountId": me, "username": "owner"}}]))
        zf.writestr("data/follower.js", part("follower", [{"follower": {"accountId": o, "userLink": f"https://twitter.com/intent/user?user_id={o}"}} for o in others]))
        zf.writestr("data/following.js", part("following", [{"following": {"accountId": o}} for o in others[:5000]]))
        zf.writestr("data/tweets.js", part("tweets", tweets))
        zf.writestr("data/like.js", part("like", likes))
        zf.writestr("data/direct-messages.js", part("direct_messages", convs))
    return n_fol + 5000 + n_tw + n_like + n_conv * 20


def make_linkedin(path: Path, scale: float, seed: int = 7) -> int:
    rng = random.Random(seed)
    n_conn, n_msg = int(30_000 * scale), int(200_000 * scale)
    folder = path
    folder.mkdir(parents=True, exist_ok=True)
    urls = [f"https://www.linkedin.com/in/person-{i}" for i in range(n_conn)]
    with open(folder / "Connections.csv", "w", newline="") as f:
        f.write('Notes:\n"When exporting your connection data, you may notice that some of the email '
                'addresses are missing."\n\n')
        w = csv.writer(f)
        w.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for i, u in enumerate(urls):
            w.writerow([f"First{i}", f"Last{i}", u, "", f"Company {i % 500}", "Manager", "12 Mar 2023"])
    with open(folder / "Profile.csv", "w", newline="") as f:
        f.write("First Name,Last Name,Headline,Geo Location\nOwner,Person,Founder,Lisbon\n")
    me = "https://www.linkedin.com/in/owner-person"
    with open(folder / "messages.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
                    "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER"])
        for i in range(n_msg):
            j = rng.randrange(n_conn)
            out = i % 2 == 0
            w.writerow([f"2-{j}==", "", "Owner Person" if out else f"First{j} Last{j}", me if out else urls[j],
                        f"First{j} Last{j}" if out else "Owner Person", urls[j] if out else me,
                        "2023-03-14 09:00:00 UTC", "", "Hello, a message of ordinary length. " * 3, "INBOX"])
    return n_conn + n_msg


X_OURS = """
t0 = time.perf_counter()
from pathlib import Path
from innercircle.io import x
b = x.read(Path({path!r}))
result = sum(len(t) for t in b.tables.values())
"""

X_PEER = """
t0 = time.perf_counter()
import json, zipfile
n = 0
with zipfile.ZipFile({path!r}) as zf:
    for name in zf.namelist():
        text = zf.read(name).decode("utf-8")
        n += len(json.loads(text[text.index("=") + 1:]))
result = n
"""

LI_OURS = """
t0 = time.perf_counter()
from pathlib import Path
from innercircle.io import linkedin
b = linkedin.read(Path({path!r}))
result = sum(len(t) for t in b.tables.values())
"""

LI_PEER = """
t0 = time.perf_counter()
import pandas as pd
c = pd.read_csv({path!r} + "/Connections.csv", skiprows=3, dtype=str)
m = pd.read_csv({path!r} + "/messages.csv", dtype=str)
result = len(c) + len(m)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--make", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:  # in a child process, so that this one stays small: ru_maxrss survives exec
        counts = make_x(Path(args.make) / "twitter.zip", args.scale), make_linkedin(Path(args.make) / "linkedin", args.scale)
        print(json.dumps(counts))
        return 0
    src = str(Path(__file__).resolve().parents[1] / "src")
    prefix = f"import sys; sys.path.insert(0, {src!r})\n"
    with tempfile.TemporaryDirectory() as tmp:
        xzip, lidir = Path(tmp) / "twitter.zip", Path(tmp) / "linkedin"
        made = subprocess.run([sys.executable, __file__, "--make", tmp, "--scale", str(args.scale)],
                              capture_output=True, text=True, check=True)
        n_x, n_li = json.loads(made.stdout.strip().splitlines()[-1])
        unpacked = sum(i.file_size for i in zipfile.ZipFile(xzip).infolist())
        print(f"X archive: {n_x:,} records, {unpacked / 2**20:.0f} MiB of data files "
              f"({xzip.stat().st_size / 2**20:.0f} MiB zipped); LinkedIn: {n_li:,} rows, "
              f"{sum(p.stat().st_size for p in lidir.iterdir()) / 2**20:.0f} MiB "
              f"(median of {args.repeat} fresh processes)")
        base = run_isolated("t0 = time.perf_counter()\nimport pandas\nresult = 0", repeat=args.repeat)
        print(f"baseline: importing pandas takes {base['seconds']:.2f} s and {base['peak_mb']:.0f} MB "
              "(included in innercircle's figures)")
        print(f"{'':34}{'seconds':>9}{'records/s':>12}{'peak MB':>9}")
        for label, n, ours, peer in (
                ("X", n_x, X_OURS.format(path=str(xzip)), X_PEER.format(path=str(xzip))),
                ("LinkedIn", n_li, LI_OURS.format(path=str(lidir)), LI_PEER.format(path=str(lidir)))):
            a = run_isolated(prefix + ours, repeat=args.repeat)
            b = run_isolated(peer, repeat=args.repeat)
            peer_name = "json.loads whole files" if label == "X" else "pandas.read_csv (2 files)"
            for name, r in ((f"{label}: innercircle read", a), (f"{label}: {peer_name}", b)):
                print(f"{name:34}{r['seconds']:>9.2f}{n / r['seconds']:>12,.0f}{r['peak_mb']:>9.0f}")
            print(f"{label}: time ratio ours/peer {a['seconds'] / b['seconds']:.2f}, "
                  f"peak memory ratio {a['peak_mb'] / b['peak_mb']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
