"""Judges a placeholder wheel the way the index and installers would:
    check_wheel.py WHEEL EXPECTED.json
Reads the ZIP structures byte by byte (flag bit 3, comments, extra fields, compression, trailing
data, duplicates), then with zipfile, packaging and email.parser. Prints "ok" or fails loudly.
"""
import base64
import csv
import hashlib
import io
import os
import struct
import sys
import zipfile

from packaging.tags import Tag
from packaging.utils import canonicalize_name, parse_wheel_filename

import expected_metadata


def check_raw_zip(data):
    """Walks the end record, the central directory and every local header; returns the names."""
    eocd = data.rfind(b"PK\x05\x06")
    assert eocd >= 0, "no end of central directory record"
    (_, disk, cd_disk, disk_entries, entries, cd_size, cd_offset, comment_len) = struct.unpack(
        "<IHHHHIIH", data[eocd:eocd + 22])
    assert comment_len == 0, "archive comment present"
    assert eocd + 22 == len(data), f"{len(data) - eocd - 22} bytes of trailing data"
    assert disk == cd_disk == 0 and disk_entries == entries, "multi-disk archive"
    assert cd_offset + cd_size == eocd, "gap between central directory and end record"
    names = []
    pos = cd_offset
    next_local = 0
    for _ in range(entries):
        fields = struct.unpack("<IHHHHHHIIIHHHHHII", data[pos:pos + 46])
        (sig, _, _, flags, method, _, _, crc, csize, usize, name_len, extra_len, comment_len,
         _, _, _, local_offset) = fields
        assert sig == 0x02014B50, "bad central header signature"
        name = data[pos + 46:pos + 46 + name_len].decode("utf-8")
        assert flags & 0x08 == 0, f"{name}: central header has flag bit 3 (data descriptor)"
        assert method in (0, 8), f"{name}: compression method {method}"
        assert comment_len == 0, f"{name}: entry comment"
        assert extra_len == 0, f"{name}: central extra field"
        assert local_offset == next_local, f"{name}: unexpected bytes before the local header"
        (lsig, _, lflags, lmethod, _, _, lcrc, lcsize, lusize, lname_len, lextra_len) = struct.unpack(
            "<IHHHHHIIIHH", data[local_offset:local_offset + 30])
        assert lsig == 0x04034B50, f"{name}: bad local header signature"
        assert lflags & 0x08 == 0, f"{name}: local header has flag bit 3 (data descriptor)"
        assert lmethod == method and (lcrc, lcsize, lusize) == (crc, csize, usize), f"{name}: local != central"
        assert lextra_len == 0, f"{name}: local extra field"
        assert data[local_offset + 30:local_offset + 30 + lname_len].decode("utf-8") == name
        next_local = local_offset + 30 + lname_len + csize
        names.append(name)
        pos += 46 + name_len + extra_len + comment_len
    assert next_local == cd_offset, "bytes between the last member and the central directory"
    assert pos == eocd, "central directory size mismatch"
    assert len(set(names)) == len(names), f"duplicate names {names}"
    return names


def check_record(archive, record_path, members):
    rows = list(csv.reader(io.StringIO(archive.read(record_path).decode("utf-8"))))
    assert [row[0] for row in rows] == members, f"RECORD lists {[row[0] for row in rows]}"
    for path, digest, size in rows:
        if path == record_path:
            assert (digest, size) == ("", ""), "RECORD must list itself with empty hash and size"
            continue
        content = archive.read(path)
        expected = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(content).digest()).decode().rstrip("=")
        assert digest == expected, f"{path}: RECORD hash {digest} != {expected}"
        assert size == str(len(content)), f"{path}: RECORD size {size} != {len(content)}"


def main(wheel_path, expected_path):
    expected = expected_metadata.load(expected_path)
    name, version = expected["name"], expected["version"]
    with open(wheel_path, "rb") as f:
        data = f.read()
    names = check_raw_zip(data)

    filename = os.path.basename(wheel_path)
    parsed_name, parsed_version, build, tags = parse_wheel_filename(filename)
    assert parsed_name == canonicalize_name(name) == name, f"wheel name {parsed_name} != {name}"
    assert str(parsed_version) == version and build == () and tags == frozenset({Tag("py3", "none", "any")})
    stem = f"{name.replace('-', '_')}-{version}"
    assert filename == f"{stem}-py3-none-any.whl", filename

    dist_info = f"{stem}.dist-info/"
    members = [dist_info + "METADATA", dist_info + "WHEEL", dist_info + "RECORD"]
    assert names == members, f"members {names}"
    with zipfile.ZipFile(wheel_path) as archive:
        assert archive.testzip() is None
        assert archive.comment == b""
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0), f"{info.filename}: {info.date_time}"
            assert info.external_attr >> 16 == 0o100644, f"{info.filename}: mode {info.external_attr >> 16:o}"
        check_record(archive, dist_info + "RECORD", members)
        wheel = archive.read(dist_info + "WHEEL").decode("utf-8")
        assert wheel.startswith("Wheel-Version: 1.0\nGenerator: namekeeper ") and wheel.endswith(
            "\nRoot-Is-Purelib: true\nTag: py3-none-any\n"), wheel
        expected_metadata.check_core_metadata(archive.read(dist_info + "METADATA").decode("utf-8"), expected,
                                              "METADATA")
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
