"""``galley-cli``: get, set, doctor and index, run in-process (and once for real)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from editor.cli import main
from editor.core.site import POST_SUFFIXES, SKIP_DIRS

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = (REPO_ROOT / ".." / "shared" / "corpus").resolve()

POST = (
    "---\n"
    "layout: post\n"
    'title: "“连里巾帼”特色服务"  # 标题\n'
    "date: 2022-02-09 11:01:42 +0800\n"
    "categories: zhongguofunvwang\n"
    "tags:\n"
    "  - 妇女\n"
    "  - 新闻\n"
    "---\n"
    "<p>正文。</p>\n"
)


@pytest.fixture
def post_file(tmp_path: Path) -> Path:
    path = tmp_path / "2022-02-09-post.md"
    path.write_bytes(POST.encode())
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, path: Path) -> None:
    assert err.count("\n") == 1, err
    assert err.startswith("galley-cli: ")
    assert str(path) in err
    assert "Traceback" not in err


# -- get ------------------------------------------------------------------------------


def test_get_all_prints_the_front_matter_as_json(
    capsys: pytest.CaptureFixture[str], post_file: Path
) -> None:
    code, out, err = run(capsys, "get", str(post_file))

    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "layout": "post",
        "title": "“连里巾帼”特色服务",
        "date": "2022-02-09 11:01:42 +0800",
        "categories": "zhongguofunvwang",
        "tags": ["妇女", "新闻"],
    }
    assert "连里巾帼" in out  # not \u-escaped


def test_get_key_prints_strings_plainly_and_lists_as_json(
    capsys: pytest.CaptureFixture[str], post_file: Path
) -> None:
    assert run(capsys, "get", str(post_file), "title") == (0, "“连里巾帼”特色服务\n", "")
    assert run(capsys, "get", str(post_file), "tags") == (0, '["妇女", "新闻"]\n', "")


def test_get_missing_key(capsys: pytest.CaptureFixture[str], post_file: Path) -> None:
    code, out, err = run(capsys, "get", str(post_file), "author")

    assert code == 1
    assert out == ""
    assert_one_line_error(err, post_file)
    assert "author" in err


# -- set ------------------------------------------------------------------------------


def test_set_title_changes_only_the_title_line(
    capsys: pytest.CaptureFixture[str], post_file: Path
) -> None:
    code, out, err = run(capsys, "set", str(post_file), "title", "新的标题 – edited")

    assert (code, out, err) == (0, "", "")
    assert post_file.read_text(encoding="utf-8") == POST.replace(
        '"“连里巾帼”特色服务"', '"新的标题 – edited"'
    )


def test_set_flow_list(capsys: pytest.CaptureFixture[str], post_file: Path) -> None:
    assert run(capsys, "set", str(post_file), "categories", "[a, b]") == (0, "", "")

    assert post_file.read_text(encoding="utf-8") == POST.replace(
        "categories: zhongguofunvwang", "categories: [a, b]"
    )
    assert run(capsys, "get", str(post_file), "categories") == (0, '["a", "b"]\n', "")


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("true", "draft: true"),
        ("3", "draft: 3"),
        ("2024-05-01 08:00:00 +0800", "draft: 2024-05-01 08:00:00 +0800"),
        ("Hello: world", 'draft: "Hello: world"'),
        ("'yes'", 'draft: "yes"'),
        (
            "!!python/object/apply:os.system ['echo hi']",
            "draft: \"!!python/object/apply:os.system ['echo hi']\"",
        ),
    ],
)
def test_set_new_key_spells_the_value(
    capsys: pytest.CaptureFixture[str], post_file: Path, value: str, line: str
) -> None:
    assert run(capsys, "set", str(post_file), "draft", value) == (0, "", "")

    assert post_file.read_text(encoding="utf-8") == POST.replace("---\n<p>", f"{line}\n---\n<p>")


def test_unset_removes_the_field_and_its_lines(
    capsys: pytest.CaptureFixture[str], post_file: Path
) -> None:
    assert run(capsys, "set", str(post_file), "tags", "--unset") == (0, "", "")

    assert post_file.read_text(encoding="utf-8") == POST.replace("tags:\n  - 妇女\n  - 新闻\n", "")


def test_unchanged_set_does_not_write(capsys: pytest.CaptureFixture[str], post_file: Path) -> None:
    os.utime(post_file, ns=(1_000_000_000, 1_000_000_000))

    assert run(capsys, "set", str(post_file), "nothing", "--unset") == (0, "", "")

    assert post_file.stat().st_mtime_ns == 1_000_000_000


def test_set_without_a_value_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], post_file: Path
) -> None:
    code, _, err = run(capsys, "set", str(post_file), "title")

    assert code == 2
    assert err.count("\n") == 1 and "VALUE" in err
    assert post_file.read_bytes() == POST.encode()


# -- errors ------------------------------------------------------------------------------


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"

    code, _, err = run(capsys, "get", str(missing))

    assert code == 1
    assert_one_line_error(err, missing)


def test_invalid_front_matter_names_line_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.md"
    data = b"---\ntitle: a\ntags: [x\nlayout: post\n---\nbody\n"
    path.write_bytes(data)

    for argv in (["get", str(path)], ["set", str(path), "title", "b"]):
        code, _, err = run(capsys, *argv)
        assert code == 1
        assert_one_line_error(err, path)
        assert f"{path}:4:7: " in err
    assert path.read_bytes() == data


def test_binary_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "picture.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    code, _, err = run(capsys, "set", str(path), "title", "x")

    assert code == 1
    assert_one_line_error(err, path)
    assert "binary" in err


def test_character_the_encoding_cannot_hold(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "big5.md"
    data = "---\ntitle: 繁體\n---\n內文\n".encode("big5")
    path.write_bytes(data)

    code, _, err = run(capsys, "set", str(path), "title", "简体")

    assert code == 1
    assert_one_line_error(err, path)
    assert f"{path}:2:8: " in err
    assert path.read_bytes() == data


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])

    assert caught.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


# -- doctor ------------------------------------------------------------------------------


def _corpus_post_files() -> set[str]:
    found = set()
    for path in CORPUS.rglob("*"):
        parts = path.relative_to(CORPUS).parts[:-1]
        if any(p in SKIP_DIRS or p.startswith(".") for p in parts):
            continue
        if path.is_file() and path.name.lower().endswith(POST_SUFFIXES):
            found.add(str(path))
    return found


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not found")
def test_doctor_over_the_corpus_lists_every_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "doctor", str(CORPUS))

    assert (code, err) == (0, "")
    lines = out.splitlines()
    rows = [re.fullmatch(r"(OK|FAIL|UNREADABLE) +(.+?)(  \[.*\]|: .*)", line) for line in lines]
    listed = {row.group(2) for row in rows if row is not None}
    assert all(row.group(1) == "OK" for row in rows if row is not None)
    expected = _corpus_post_files()
    assert listed == expected
    assert (
        lines[-1]
        == f"{len(expected)} files: {len(expected)} round-trip, 0 would change, 0 unreadable"
    )


def test_doctor_json_and_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"---\ntitle: a\n---\n")
    (tmp_path / "b.md").write_bytes(b"---\ntitle: [\n---\n")

    code, out, err = run(capsys, "doctor", "--json", str(tmp_path))

    assert (code, err) == (0, "")
    reports = [json.loads(line) for line in out.splitlines()]
    assert [Path(r["path"]).name for r in reports] == ["a.md", "b.md"]
    assert reports[0]["problems"] == []
    assert reports[1]["problems"][0].startswith("line 3, column 1: ")

    code, _, err = run(capsys, "doctor", str(tmp_path / "missing"))
    assert code == 2
    assert_one_line_error(err, tmp_path / "missing")


# -- index ------------------------------------------------------------------------------


@pytest.fixture
def index_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GALLEY_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_drafts").mkdir()
    (root / "_config.yml").write_text("timezone: Asia/Shanghai\n", encoding="utf-8")
    (root / "_posts" / "2022-02-09-post.md").write_bytes(POST.encode())
    (root / "_posts" / "2024-01-01-bad.md").write_bytes(b"---\ntitle: [\n---\n")
    (root / "_drafts" / "idea.md").write_bytes("---\ntitle: 想法\n---\n".encode())
    return root


def test_index_prints_status_date_path_and_title(
    capsys: pytest.CaptureFixture[str], index_site: Path
) -> None:
    code, out, err = run(capsys, "index", str(index_site))

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "normal\t2022-02-09T11:01:42+08:00\t_posts/2022-02-09-post.md\t“连里巾帼”特色服务",
        "invalid\t2024-01-01\t_posts/2024-01-01-bad.md\tbad",
        "draft\t-\t_drafts/idea.md\t想法",
    ]
    # The second run comes from the cache and says the same.
    assert run(capsys, "index", str(index_site)) == (0, out, "")
    assert list((index_site.parent / "cache" / "library").glob("*.sqlite3"))


def test_index_json(capsys: pytest.CaptureFixture[str], index_site: Path) -> None:
    code, out, err = run(capsys, "index", "--json", "--no-cache", str(index_site))

    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert [r["rel"] for r in rows] == [
        "_posts/2022-02-09-post.md",
        "_posts/2024-01-01-bad.md",
        "_drafts/idea.md",
    ]
    assert rows[0]["categories"] == ["zhongguofunvwang"]
    assert rows[0]["tags"] == ["妇女", "新闻"]
    assert rows[1]["status"] == "invalid"
    assert rows[1]["problem"].startswith("line 3, column 1: ")
    assert rows[2]["problem"] == "in _drafts; Jekyll builds drafts only with --drafts"
    assert Path(rows[0]["path"]) == (index_site / "_posts" / "2022-02-09-post.md").resolve()
    assert not (index_site.parent / "cache").exists()  # --no-cache writes nothing


def test_index_of_an_empty_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "index", "--json", "--no-cache", str(tmp_path)) == (0, "[]\n", "")
    assert run(capsys, "index", "--no-cache", str(tmp_path)) == (0, "", "")


def test_index_of_a_missing_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for missing in (tmp_path / "nope", tmp_path / "file.md"):
        if missing.suffix:
            missing.write_text("x", encoding="utf-8")

        code, out, err = run(capsys, "index", str(missing))

        assert (code, out) == (2, "")
        assert_one_line_error(err, missing)


def test_index_warns_about_a_broken_config_and_still_lists(
    capsys: pytest.CaptureFixture[str], index_site: Path
) -> None:
    (index_site / "_config.yml").write_text("title: [\n", encoding="utf-8")

    code, out, err = run(capsys, "index", "--no-cache", str(index_site))

    assert code == 0
    assert len(out.splitlines()) == 3
    assert err.count("\n") == 1 and err.startswith("galley-cli: warning: _config.yml: ")


def test_index_into_a_closed_pipe(index_site: Path) -> None:
    for n in range(2000):
        (index_site / "_posts" / f"2023-01-01-p{n}.md").write_bytes(POST.encode())
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "editor.cli", "index", "--no-cache", str(index_site)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO_ROOT,
        env=env,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.readline()
    child.stdout.close()  # as `| head -1` does
    err = child.stderr.read()
    child.stderr.close()

    assert child.wait(timeout=60) == 0
    assert b"Traceback" not in err and b"Error" not in err


# -- for real --------------------------------------------------------------------------------


def test_python_m_editor_cli(post_file: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONIOENCODING": "ascii"}

    ok = subprocess.run(
        [sys.executable, "-m", "editor.cli", "get", str(post_file), "title"],
        capture_output=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    bad = subprocess.run(
        [sys.executable, "-m", "editor.cli", "get", str(post_file.with_name("none.md"))],
        capture_output=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=60,
        check=False,
    )

    # Chinese comes out as UTF-8 even where the console's encoding is not.
    assert (ok.returncode, ok.stdout.decode("utf-8"), ok.stderr) == (0, "“连里巾帼”特色服务\n", b"")
    assert bad.returncode == 1
    assert bad.stdout == b""
    assert bad.stderr.decode("utf-8").count("\n") == 1
    assert b"Traceback" not in bad.stderr
