#!/usr/bin/env python3
"""Rebuild the four published-workload sessions (bench/scenarios/<workload>/) from public git mirrors.

    python bench/scenarios/build.py [MIRROR_ROOT]          # default /work/.mirror

headroom-ai publishes four workloads with token figures (README "Proof" table, 0.42.0 era):
code search over 100 results, SRE incident debugging, GitHub issue triage, codebase exploration.
Their inputs are not published, so each is rebuilt here from real public content: every file is
read with `git show COMMIT:PATH` from a bare mirror (the `fetch` tool puts github:owner/name at
MIRROR_ROOT/owner+name/repo), or is the output of a recorded git command run at that commit, or
is one recorded HTTP response body of a VCR cassette (betamax: base64 + gzip, decoded). Nothing
is edited: an excerpt is a contiguous line range, named in the manifest.

Each workload is an agent session: steps of (tool output, the question the agent has, a
retrieval query, needles = the exact strings the answer needs). A step with `follow_up` asks
a new question of an earlier step's output (no new tool output; the agent uses what it already
read, or retrieves). The script checks that every needle is in its content (whitespace-
insensitive, as the scorer matches) and writes <workload>/NN-name.txt + manifest.json.
"""
from __future__ import annotations

import base64
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

LIBUV = ("libuv/libuv", "6179e7af87413396d5853a1c3722c8b5749336c8")
LNAV = ("tstack/lnav", "bb0005f96c8dc486ee0b9005a4562be0ef61c878")
HOLMES = ("robusta-dev/holmesgpt", "c1ee1d43598b89ca59481615b40a3340a32f2202")
GH3 = ("sigmavirus24/github3.py", "9eeac0ddb241bf3099a6c904411e3aa23b62fd0d")
PYTEST = ("pytest-dev/pytest", "df87db7b0462fb764ef73fa00561adf8ad047572")
HT = "tests/llm/fixtures/test_ask_holmes/"

# Claims: headroom-ai's README "Proof" table (tokens before -> after), quoted as published.
WORKLOADS = {
    "code_search": dict(
        title="Code search (100 results)", claim=(17765, 1408),
        steps=[
            dict(id="grep", repo=LIBUV, cmd=["grep", "-n", "-C2", "-F", "uv_timer_start"], strip_commit_prefix=True,
                 query="Where is uv_timer_start implemented and declared?",
                 retrieve_query="uv_timer_start definition in src/timer.c and declaration in include/uv.h",
                 needles=["src/timer.c:67:int uv_timer_start(uv_timer_t* handle,",
                          "include/uv.h:978:UV_EXTERN int uv_timer_start(uv_timer_t* handle,"],
                 notes="`git grep -n -C2 -F uv_timer_start` at the commit (129 hits, two lines of context each), "
                       "the `COMMIT:` prefix git grep adds for a tree removed so it reads as a work-tree grep/rg. "
                       "Needles: the definition and the public declaration."),
            dict(id="grep-callers", follow_up="grep",
                 query="Which library code under src/ (not tests or docs) calls uv_timer_start?",
                 retrieve_query="uv_timer_start calls in src/",
                 needles=["src/fs-poll.c:232:  if (uv_timer_start(&ctx->timer_handle, timer_cb, interval, 0))",
                          "src/timer.c:118:    uv_timer_start(handle, handle->timer_cb, handle->repeat, handle->repeat);",
                          "src/win/pipe.c:2378:    uv_timer_start(pipe->pipe.conn.eof_timer, eof_timer_cb, eof_timeout, 0);"],
                 notes="All three call sites under src/ (git grep -n -F uv_timer_start -- src)."),
            dict(id="grep-einval", follow_up="grep",
                 query="Which tests check that uv_timer_start returns UV_EINVAL?",
                 retrieve_query="uv_timer_start UV_EINVAL test",
                 needles=["test/test-timer.c:358:  ASSERT_EQ(UV_EINVAL, uv_timer_start(&handle, never_cb, 100, 100));",
                          "test/test-timer.c:369:  ASSERT_EQ(UV_EINVAL, uv_timer_start(&handle, NULL, 100, 100));"],
                 notes="The only two hits asserting UV_EINVAL (timer_is_closing, timer_null_callback)."),
        ]),
    "sre_incident": dict(
        title="SRE incident debugging", claim=(65694, 5118),
        steps=[
            dict(id="laravel-log", repo=LNAV, path="test/logfile_laravel.0",
                 query="The admin pages started failing around 18:38. Which exceptions were thrown, in which file and line?",
                 retrieve_query="ParseError exception in app/Admin/bootstrap.php",
                 needles=["ParseError(code: 0): Unclosed '{' on line 62 does not match ')' at "
                          "/Users/zhebaoting/Sites/laravel/crm/app/Admin/bootstrap.php:79)",
                          "ParseError(code: 0): Unmatched '}' at /Users/zhebaoting/Sites/laravel/crm/app/Admin/bootstrap.php:65)"],
                 notes="Laravel application log with PHP stack traces (lnav sample): 78 repeats of one "
                       "ReflectionException, two BindingResolutionExceptions and two one-off ParseErrors; needles: "
                       "the two ParseErrors (message, file and line)."),
            dict(id="laravel-recurring", follow_up="laravel-log",
                 query="Which error keeps recurring every minute, and what class does it fail to find?",
                 retrieve_query="recurring ReflectionException class does not exist",
                 needles=['Uncaught ReflectionException: Class "App\\Providers\\App\\Policies\\CustomerPolicy" does not exist'],
                 notes="The error logged 78 times, once a minute from 18:19:49."),
            dict(id="access-log", repo=LNAV, path="test/logfile_shop_access_log.0", lines=(1, 201),
                 query="Which URLs returned 404 to bingbot?",
                 retrieve_query="bingbot 404",
                 needles=['207.46.13.136 - - [22/Jan/2019:03:56:19 +0330] "GET /product/14926 HTTP/1.1" 404',
                          '207.46.13.104 - - [22/Jan/2019:03:56:46 +0330] "GET /browse/flute-keys/www.zanbil.ir HTTP/1.1" 404'],
                 notes="nginx combined access log of a shop (lnav sample), first 200 lines; the only two bingbot "
                       "requests answered 404 (the excerpt also holds Googlebot 404s and AMP-probe 404s)."),
            dict(id="pod-describe", repo=HOLMES,
                 path=HT + "02_what_is_wrong_with_pod/kubectl_describepod_giant-narwhal-6958c5bdd8-69gtn_app-02.txt",
                 query="What is wrong with pod giant-narwhal-6958c5bdd8-69gtn in namespace app-02?",
                 retrieve_query="container last state terminated reason exit code",
                 needles=["OOMKilled", "Exit Code:    137", "Back-off restarting failed container main"],
                 notes="HolmesGPT's recorded `kubectl describe pod` tool output (real cluster); its test_case.yaml "
                       "expects: 'The pod was killed due to it being out of memory'."),
            dict(id="pod-events", repo=HOLMES,
                 path=HT + "02_what_is_wrong_with_pod/kubectl_eventsapp-02_giant-narwhal-6958c5bdd8-69gtn_pod.txt",
                 query="Which warning events did the pod get?",
                 retrieve_query="Warning events",
                 needles=["3m30s (x256 over 58m)   Warning   BackOff"],
                 notes="HolmesGPT's recorded `kubectl events --for pod/...` tool output (same incident)."),
            dict(id="service-log", repo=HOLMES, path=HT + "07_high_latency/kubectl_logs.txt",
                 query="Why is there high latency with the customer-orders deployment?",
                 retrieve_query="slow database call duration",
                 needles=["Fetching data using stored procedure: sp_CheckUserNotifications",
                          "Database call completed in 10.01 seconds."],
                 notes="HolmesGPT's recorded pod log (uvicorn + app); test_case.yaml expects: latency due to slow "
                       "database calls taking 5 to 10 seconds."),
        ]),
    "issue_triage": dict(
        title="GitHub issue triage", claim=(54174, 14761),
        steps=[
            dict(id="issues-page", repo=GH3, path="tests/cassettes/Repository_issues_state_all.json", interaction=-1,
                 query="Which issues in this list are still open?",
                 retrieve_query="issues with state open",
                 needles=["Fix flake8-docstrings failures", "Betamax objects share global configuration", "Hooks"],
                 notes="Response body of GET /repositories/11439734/issues?state=all&per_page=100&page=2 "
                       "(betamaxpy/betamax, 50 issues and PRs, recorded 2017-12-22 by github3.py's test suite; "
                       "the cassette stores it base64+gzip, decoded here byte for byte). Needles: the titles of "
                       "the three open issues (#46, #40, #6)."),
            dict(id="issue-39", follow_up="issues-page",
                 query="What is issue #39 about, who opened it and how many comments does it have?",
                 retrieve_query="issue number 39",
                 needles=["Cookies not set on session when recording"],
                 notes="Issue #39's title (closed, 13 comments)."),
            dict(id="open-bugs", follow_up="issues-page",
                 query="Which open issues are labelled Bug?",
                 retrieve_query="open issues with label Bug",
                 needles=["Betamax objects share global configuration"],
                 notes="#40, labels Bug + Enhancement, the only open one labelled Bug on this page."),
        ]),
    "code_exploration": dict(
        title="Codebase exploration", claim=(78502, 41254),
        steps=[
            dict(id="main", repo=PYTEST, path="src/_pytest/main.py",
                 query="How does _in_venv decide that a directory is a virtual environment?",
                 retrieve_query="_in_venv",
                 needles=['path.joinpath("pyvenv.cfg").is_file()',
                          'or path.joinpath("conda-meta", "history").is_file()'],
                 notes="Needles: the body of _in_venv."),
            dict(id="python", repo=PYTEST, path="src/_pytest/python.py",
                 query="What does pytest_pyfunc_call do when a test function returns a value?",
                 retrieve_query="pytest_pyfunc_call",
                 needles=["result = testfunction(**testargs)",
                          "if hasattr(result, \"__await__\") or hasattr(result, \"__aiter__\"):",
                          "PytestReturnNotNoneWarning("],
                 notes="Needles: lines of pytest_pyfunc_call's body."),
            dict(id="runner", repo=PYTEST, path="src/_pytest/runner.py",
                 query="How does call_and_report pick the hook to run and build the report?",
                 retrieve_query="call_and_report",
                 needles=["runtest_hook: Callable[..., None] = ihook.pytest_runtest_setup",
                          "report: TestReport = ihook.pytest_runtest_makereport(item=item, call=call)",
                          "if check_interactive_exception(call, report):"],
                 notes="Needles: lines of call_and_report's body."),
            dict(id="fixtures", repo=PYTEST, path="src/_pytest/fixtures.py",
                 query="How does resolve_fixture_function bind a fixture function to the test instance?",
                 retrieve_query="resolve_fixture_function",
                 needles=["fixturefunc = fixturedef.func",
                          "if fixturedef._scope >= Scope.Class:",
                          "CLASS_FIXTURE_INSTANCE_METHOD.format("],
                 notes="Needles: lines of resolve_fixture_function's body."),
            dict(id="terminal", repo=PYTEST, path="src/_pytest/terminal.py",
                 query="How does _get_line_with_reprcrash_message build the short summary line?",
                 retrieve_query="_get_line_with_reprcrash_message",
                 needles=["msg = rep.longrepr.reprcrash.message",
                          "running_on_ci() or config.option.verbose >= 2",
                          "available_width = tw.fullwidth - line_width"],
                 notes="Needles: lines of _get_line_with_reprcrash_message's body."),
        ]),
}


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def git(gd: Path, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={gd}", *args], check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout


def content_of(step: dict, root: Path) -> tuple[bytes, str]:
    repo, commit = step["repo"]
    gd = root / repo.replace("/", "+") / "repo"
    if not gd.exists():
        raise FileNotFoundError(f"no mirror of {repo} at {gd} (fetch github:{repo})")
    if "cmd" in step:
        out = git(gd, *step["cmd"], commit)
        if step.get("strip_commit_prefix"):
            out = re.sub(rb"(?m)^" + commit.encode() + rb":", b"", out)
        return out, f"{repo}@{commit} git {' '.join(step['cmd'])}" + (
            " (COMMIT: prefix removed)" if step.get("strip_commit_prefix") else "")
    out = git(gd, "show", f"{commit}:{step['path']}")
    src = f"{repo}@{commit}:{step['path']}"
    if "interaction" in step:  # one recorded response body of a betamax cassette
        inter = json.loads(out)["http_interactions"][step["interaction"]]
        body = inter["response"]["body"]
        if body.get("base64_string"):
            out = base64.b64decode(body["base64_string"])
            if out[:2] == b"\x1f\x8b":
                out = gzip.decompress(out)
        else:
            out = body["string"].encode("utf-8")
        src += f" http_interactions[{step['interaction']}] response body ({inter['request']['method']} " \
               f"{inter['request']['uri']}, recorded {inter['recorded_at']})"
    if "lines" in step:
        a, b = step["lines"]
        out = b"".join(out.splitlines(keepends=True)[a - 1:b - 1])
        src += f"#L{a}-L{b - 1}"
    return out, src


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/.mirror")
    bad = 0
    for name, wl in WORKLOADS.items():
        d = HERE / name
        d.mkdir(parents=True, exist_ok=True)
        for old in d.glob("*.txt"):
            old.unlink()
        steps, texts, n = [], {}, 0
        for st in wl["steps"]:
            entry = {k: st[k] for k in ("id", "query", "retrieve_query", "needles", "notes")}
            if "follow_up" in st:
                entry["follow_up"] = st["follow_up"]
                text = texts[st["follow_up"]]
            else:
                raw, src = content_of(st, root)
                n += 1
                fname = f"{n:02d}-{st['id']}.txt"
                (d / fname).write_bytes(raw)
                text = texts[st["id"]] = raw.decode("utf-8")
                entry.update(file=fname, source=src)
            missing = [x for x in st["needles"] if norm(x) not in norm(text)]
            if missing:
                print(f"{name}/{st['id']}: needles not in content: {missing}", file=sys.stderr)
                bad += 1
            steps.append(entry)
        manifest = {"workload": name, "title": wl["title"],
                    "claim": {"tokens_before": wl["claim"][0], "tokens_after": wl["claim"][1],
                              "source": "headroom-ai README, 'Proof' table"},
                    "steps": steps}
        (d / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        print(f"{name:18s} {n} files, {len(steps)} steps")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
