#!/usr/bin/python3
"""Reads a subunit v2 stream (stestr last --subunit) on stdin and prints one line per test:
PASS <test id>, FAIL <test id> (with its traceback on stderr) or SKIP <test id>: <reason>.
Exits 1 when a test failed or none passed."""
import re
import sys

import subunit
import testtools

results = {}


def on_test(test):
    results[test["id"]] = test


stream = subunit.ByteStreamToStreamResult(sys.stdin.buffer, non_subunit_name="stdout")
summary = testtools.StreamToDict(on_test)
summary.startTestRun()
try:
    stream.run(summary)
finally:
    summary.stopTestRun()

passed = failed = 0
for test_id, test in sorted(results.items()):
    name = re.sub(r"\[.*\]$", "", test_id)
    status = test["status"]
    if status in ("success", "xfail"):
        passed += 1
        print("PASS %s (%.1f s)" % (name, (test["timestamps"][1] - test["timestamps"][0]).total_seconds()
                                    if None not in test["timestamps"] else 0))
    elif status == "skip":
        reason = test["details"].get("reason")
        print("SKIP %s: %s" % (name, reason.as_text().strip() if reason else "no reason given"))
    elif status == "exists":
        continue
    else:
        failed += 1
        print("FAIL %s" % name)
        for key, detail in test["details"].items():
            if key in ("traceback", "reason"):
                sys.stderr.write("--- %s %s:\n%s\n" % (name, key, detail.as_text()))
sys.exit(1 if failed or not passed else 0)
