"""Shared by check_wheel.py and check_sdist.py: compares core metadata with what the test expects.

The expectation is a JSON file: {"name": ..., "version": ..., "headers": {"Name": ..., ...},
"body": ...}. Every expected header must appear exactly once with that value, no other header may
appear, and the message body must equal "body".
"""
import email.parser
import email.policy
import json


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def check_core_metadata(text, expected, where):
    message = email.parser.Parser(policy=email.policy.compat32).parsestr(text)
    found = {}
    for key, value in message.items():
        assert key not in found, f"{where}: header {key} appears twice"
        found[key] = value
    assert found == expected["headers"], f"{where}: headers {found!r} != {expected['headers']!r}"
    assert message.get_payload() == expected["body"], f"{where}: body {message.get_payload()!r}"
