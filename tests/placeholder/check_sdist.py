"""Judges a placeholder sdist the way the index would:
    check_sdist.py SDIST EXPECTED.json
A .tar.gz with a timestamp-free gzip header and no trailing data, one top folder {n}-{v}/ holding
exactly PKG-INFO and pyproject.toml with fixed owners and times. Prints "ok" or fails loudly.
"""
import os
import sys
import tarfile
import tomllib
import zlib

from packaging.utils import canonicalize_name, parse_sdist_filename

import expected_metadata


def check_gzip(data):
    assert data[:3] == b"\x1f\x8b\x08", "not a deflate gzip stream"
    assert data[3] == 0, f"gzip flags {data[3]:#x} (file name, comment or extra field present)"
    assert data[4:8] == b"\0\0\0\0", "gzip header carries a timestamp"
    stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
    stream.decompress(data)
    assert stream.eof, "truncated gzip stream"
    assert stream.unused_data == b"", f"{len(stream.unused_data)} bytes of trailing data"


def main(sdist_path, expected_path):
    expected = expected_metadata.load(expected_path)
    name, version = expected["name"], expected["version"]
    filename = os.path.basename(sdist_path)
    parsed_name, parsed_version = parse_sdist_filename(filename)
    assert parsed_name == canonicalize_name(name) == name, f"sdist name {parsed_name} != {name}"
    assert str(parsed_version) == version
    top = f"{name.replace('-', '_')}-{version}"
    assert filename == f"{top}.tar.gz", filename

    with open(sdist_path, "rb") as f:
        check_gzip(f.read())
    with tarfile.open(sdist_path, "r:gz") as archive:
        members = archive.getmembers()
        assert [m.name for m in members] == [top, f"{top}/PKG-INFO", f"{top}/pyproject.toml"], \
            [m.name for m in members]
        assert members[0].isdir() and members[1].isfile() and members[2].isfile()
        for m in members:
            assert (m.mtime, m.uid, m.gid, m.uname, m.gname) == (315532800, 0, 0, "", ""), m.get_info()
            assert m.mode == (0o755 if m.isdir() else 0o644), f"{m.name}: mode {m.mode:o}"
        pkg_info = archive.extractfile(members[1]).read().decode("utf-8")
        expected_metadata.check_core_metadata(pkg_info, expected, "PKG-INFO")
        pyproject = tomllib.loads(archive.extractfile(members[2]).read().decode("utf-8"))
    project = pyproject["project"]
    assert (project["name"], project["version"]) == (name, version), project
    assert project["readme"] == {"text": expected["body"], "content-type": "text/markdown"}, project["readme"]
    assert pyproject["build-system"]["build-backend"] == "setuptools.build_meta"
    assert pyproject["tool"]["setuptools"] == {"packages": [], "py-modules": []}
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
