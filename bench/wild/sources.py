"""One entry per case of the wild corpus (see README.md). build.py turns these into cases/.

Fields: id, kind, repo, commit (40 hex) and one of path | paths | cmd (git arguments run on the
mirror), optional lines=[first, end) excerpt, query, retrieve_query, needles, notes.
Needles are labelled from each source's own ground truth where it has one (named in notes).
"""

TPARSE = "2416b4b7d31e49fa2f25a3ea435eaa97f0e3b9d6"          # mfridman/tparse
PUTRA = "c9bbcabcaf28c5ce2a9f8b6ee91c62873071b2ce"           # EnricoMi/publish-unit-test-result-action
PF = "python/test/files/"
FAILED_Q = "Which tests failed, and with what messages?"

RENOVATE = "c2dd4f856f068eeda4c10afc3752c35fe1f6cab1"       # renovatebot/renovate
JIRA = "05fb5bc92aec4aa6e424a12dbd5ff473340f26db"           # andygrunwald/go-jira
OCTOFIX = "cb8bc9dafc55a3837be4434ff4ba7acf3d9cadde"        # octokit/fixtures
GITLAB = "68add0327e425160bc0933fb3fae4cdfaec950d5"         # xanzy/go-gitlab
DRELEPHANT = "916c25d5845f534ec2648fe17d978cd48a8bd284"     # linkedin/dr-elephant
WEBHOOKS = "3a58428aa5c399cf5aa12c8663aea1fb1f515254"       # octokit/webhooks
RECORD_NOTE = ("recorded response of the public API, committed as a test fixture; needles: fields of the "
               "record the query names (its id/version line and the facts asked for)")

ZLIB = "d201f04c72b0881220f5ba75ca19fd0e19fa848b"           # madler/zlib
LIBUV = "6179e7af87413396d5853a1c3722c8b5749336c8"          # libuv/libuv
STB = "31c1ad37456438565541f4919958214b6e762fb4"            # nothings/stb
HIREDIS = "29ea2791c102fdffff350f1ea6e04d1f71903d0d"        # redis/hiredis
ANALYSIS = "9b50d2d46b0da0b77a201963327c0a5ce5641e28"       # jenkinsci/analysis-model

CASES = [
    # ---------------------------------------------------------------- event streams
    dict(id="event_stream-01", kind="event_stream", repo="mfridman/tparse", commit=TPARSE,
         path="tests/testdata/failed/test_01.jsonl", query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=["--- FAIL: TestNotAllowMissing (3.71s)",
                  "--- FAIL: TestAllowMissingUpWithRedo (2.55s)",
                  "--- FAIL: TestNowAllowMissingUpByOne (3.16s)",
                  "--- FAIL: TestMigrateAllowMissingDown (5.11s)",
                  "allow_missing_test.go:329: unexpected number value: got:0 want:1"],
         notes="go test -json stream (pressly/goose e2e). Ground truth: tests/testdata/failed/test_01.golden "
               "lists the six FAIL tests and the assertion message; needles are four of those tests and the message."),
    dict(id="event_stream-02", kind="event_stream", repo="mfridman/tparse", commit=TPARSE,
         path="tests/testdata/panic/test_01.jsonl", query="Why did the test run fail?",
         retrieve_query="panic and failing test",
         needles=["--- FAIL: TestNowAllowMissingUpByOne (2.28s)",
                  "panic: panic over there [recovered]",
                  "/Users/mfridman/src/github.com/pressly/goose/tests/e2e/allow_missing_test.go:118 +0x12c"],
         notes="go test -json with a test panic. Ground truth: tests/panic_test.go expects package "
               "github.com/pressly/goose/v3/tests/e2e marked as panicked; needles: the failing test, the panic "
               "message and the innermost test-code frame."),
    dict(id="event_stream-03", kind="event_stream", repo="mfridman/tparse", commit=TPARSE,
         path="tests/testdata/failed/test_03.jsonl", query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=["--- FAIL: TestRaceReplay/input02 (0.00s)",
                  "race_test.go:56: got wrong opaque error %!q(\\u003cnil\\u003e); want ErrRaceDetected",
                  "--- FAIL: TestPrescan/input02.txt (0.00s)",
                  "prescan_test.go:51: want failure after reading \\u003e50 lines of non-parsable events"],
         notes="go test -json, many packages. Ground truth: tests/testdata/failed/test_03.golden (FAIL rows "
               "TestRaceReplay/* and TestPrescan/*); needles: failing subtests and their messages."),
    dict(id="event_stream-04", kind="event_stream", repo="mfridman/tparse", commit=TPARSE,
         path="tests/testdata/race/test_02.jsonl", query="Which tests failed or hit a data race?",
         retrieve_query="failing tests and data races",
         needles=["--- FAIL: TestSingleFailStack/input01 (0.00s)",
                  "--- FAIL: TestElapsed (0.01s)",
                  "WARNING: DATA RACE",
                  "/Users/michael.fridman/go/src/github.com/mfridman/tparse/parse/some_test.go:17 +0x38"],
         notes="go test -race -json stream. Ground truth: tests/race_test.go (test_02 has races); needles: the "
               "fail events' test lines, the race warning and its first test frame."),
    dict(id="event_stream-05", kind="event_stream", repo="EnricoMi/publish-unit-test-result-action", commit=PUTRA,
         path=PF + "dart/json/tests.json", query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=["Cli runner should have correct invocation",
                  "Expected: 'metrics <command> [arguments] <directories> nope'",
                  "detectSdkPath should return `null` if running inside VM",
                  "Exception: exception",
                  "Instance of 'Error'",
                  "test/src/cli/utils/detect_sdk_path_test.dart 67:9"],
         notes="dart test --reporter json (NDJSON events). Ground truth: dart/json/tests.results.json "
               "annotations (1 failure, 2 errors)."),
    dict(id="event_stream-06", kind="event_stream", repo="EnricoMi/publish-unit-test-result-action", commit=PUTRA,
         path=PF + "mocha/tests.json", query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=["Runner instance method grep() should update the runner.total with number of matched tests",
                  "at Context.<anonymous> (test/unit/runner.spec.js:43:15)",
                  "Test .clone() should copy the title",
                  "at Context.<anonymous> (test/unit/test.spec.js:26:7)"],
         notes="mocha --reporter json. Ground truth: mocha/tests.results.json annotations (1 fail, 1 error)."),
    # ---------------------------------------------------------------- test outputs
    dict(id="test_output-01", kind="test_output", repo="EnricoMi/publish-unit-test-result-action", commit=PUTRA,
         path=PF + "nunit/mstest/clicketyclackety.xml", query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=["System.InvalidOperationException : Assert.Equals should not be used. Use Assert.AreEqual instead.",
                  'fullname="MyProject.Tests.Real.FlagTests.LoadDrawingsEventFlagTests"',
                  "Document should be initlised, but isn't!",
                  "System.MissingMethodException : Method not found: 'System.Object MyProject.MyProjectPlugIn.get_Instance()'.",
                  'total="23" passed="13" failed="10"'],
         notes="NUnit 3 XML report. Ground truth: nunit/mstest/clicketyclackety.results.json (10 fail, 13 pass) "
               "and its annotations' messages."),
    dict(id="test_output-02", kind="test_output", repo="EnricoMi/publish-unit-test-result-action", commit=PUTRA,
         path=PF + "trx/yami_YAMILEX_2015-10-24_04_18_59.trx", query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=['testName="EST_INTER_TEMPTest"',
                  "System.ArgumentOutOfRangeException: El índice estaba fuera del intervalo.",
                  "en TMC.Components.TemperatureControl.SIARAlgorithm.EST_INTER_TEMP(Double TAMP, Int32 TEXTERN) en E:\\TMC\\TMC\\Components\\TemperatureControl\\SIARAlgorithms.cs:línea 363",
                  'testName="EST_LAMB_TEMPTest"'],
         notes="MSTest TRX report (Spanish locale). Ground truth: trx/yami_YAMILEX_2015-10-24_04_18_59.results.json "
               "(2 fail: EST_INTER_TEMPTest, EST_LAMB_TEMPTest)."),

    # ---------------------------------------------------------------- API payloads
    dict(id="api_payload-01", kind="api_payload", repo="renovatebot/renovate", commit=RENOVATE,
         path="lib/modules/manager/npm/update/locked-dependency/common/__fixtures__/express.json",
         query="npm registry: which versions of send and serve-static does express 4.16.0 depend on, and when was it published?",
         retrieve_query="express 4.16.0 dependencies tarball publish time",
         needles=['"tarball":"https://registry.npmjs.org/express/-/express-4.16.0.tgz"',
                  '"send":"0.16.0","serve-static":"1.13.0"',
                  '"4.16.0":"2017-09-28T18:22:30.775Z"'],
         notes="npm registry packument of express (one line). " + RECORD_NOTE),
    dict(id="api_payload-02", kind="api_payload", repo="renovatebot/renovate", commit=RENOVATE,
         path="lib/modules/datasource/pypi/__fixtures__/azure-cli-monitor.json",
         query="PyPI JSON API: which files were uploaded for azure-cli-monitor 0.1.7, with sha256 and upload time?",
         retrieve_query="azure-cli-monitor 0.1.7 release files",
         needles=['"filename": "azure_cli_monitor-0.1.7-py2.py3-none-any.whl"',
                  '"sha256": "0b11e9a9f9a0f8ed20295fa4ff1e7257c1b0692067f098317717e2b9c716895e"',
                  '"filename": "azure-cli-monitor-0.1.7.tar.gz"',
                  '"upload_time": "2018-05-22T17:25:23"'],
         notes="PyPI /pypi/<name>/json response. " + RECORD_NOTE),
    dict(id="api_payload-03", kind="api_payload", repo="renovatebot/renovate", commit=RENOVATE,
         path="lib/modules/datasource/node-version/__fixtures__/index.json",
         query="Which npm and V8 versions ship with Node v14.17.6, and is it a security release?",
         retrieve_query="node v14.17.6 npm v8 security",
         needles=['{"version":"v14.17.6","date":"2021-08-30"',
                  '"npm":"6.14.15","v8":"8.4.371.23"',
                  '"lts":"Fermium","security":true'],
         notes="nodejs.org/dist/index.json. " + RECORD_NOTE),
    dict(id="api_payload-04", kind="api_payload", repo="renovatebot/renovate", commit=RENOVATE,
         path="lib/modules/datasource/gradle-version/__fixtures__/all.json",
         query="Which Gradle versions are marked broken?",
         retrieve_query="gradle versions with broken true",
         needles=['"version" : "1.0-milestone-4"',
                  '"downloadUrl" : "https://services.gradle.org/distributions/gradle-1.0-milestone-4-bin.zip"'],
         notes="services.gradle.org/versions/all. Needles: the record(s) with \"broken\" : true (checked by script: only 1.0-milestone-4)."),
    dict(id="api_payload-05", kind="api_payload", repo="renovatebot/renovate", commit=RENOVATE,
         path="lib/modules/datasource/nuget/__fixtures__/nunit/v3_registration.json",
         query="NuGet registration: when was NUnit 3.11.0 published and where is its package content?",
         retrieve_query="NUnit 3.11.0 catalog entry",
         needles=['"packageContent": "https://api.nuget.org/v3-flatcontainer/nunit/3.11.0/nunit.3.11.0.nupkg"',
                  '"published": "2018-10-07T01:17:31.31+00:00"'],
         notes="api.nuget.org registration index for nunit. " + RECORD_NOTE),
    dict(id="api_payload-06", kind="api_payload", repo="andygrunwald/go-jira", commit=JIRA,
         path="testing/mock-data/project.json",
         query="Jira project ABDERA: who leads it and which issue types and components does it have?",
         retrieve_query="ABDERA project lead issue types components",
         needles=['"key": "ABDERA"', '"name": "rooneg"'],
         notes="Jira REST /rest/api/2/project/12310505 response (issues.apache.org) used by go-jira's project tests (which assert key/id). " + RECORD_NOTE),

    # ---------------------------------------------------------------- code (query names a function)
    dict(id="code-01", kind="code", repo="madler/zlib", commit=ZLIB, path="deflate.c",
         query="How does deflate_slow work?", retrieve_query="How does deflate_slow work?",
         needles=["local block_state deflate_slow(deflate_state *s, int flush) {",
                  "IPos hash_head;          /* head of hash chain */"],
         notes="needles: the definition line and a line of deflate_slow's body"),
    dict(id="code-02", kind="code", repo="libuv/libuv", commit=LIBUV, path="src/unix/core.c",
         query="How does uv_run work?", retrieve_query="How does uv_run work?",
         needles=["int uv_run(uv_loop_t* loop, uv_run_mode mode) {",
                  "if (mode == UV_RUN_DEFAULT && r != 0 && loop->stop_flag == 0) {"],
         notes="needles: the definition line and a line of uv_run's body"),
    dict(id="code-03", kind="code", repo="renovatebot/renovate", commit=RENOVATE,
         path="lib/modules/platform/github/index.ts",
         query="How does mergePr work?", retrieve_query="How does mergePr work?",
         needles=["export async function mergePr({",
                  "const mergeStrategy = mapMergeStartegy(strategy) ?? config.mergeMethod;",
                  "options.body.merge_method = mergeStrategy;"],
         notes="TypeScript. needles: the definition line and lines of mergePr's body"),
    # ---------------------------------------------------------------- C headers (query names a declaration)
    dict(id="code-04", kind="code", repo="madler/zlib", commit=ZLIB, path="zlib.h",
         query="What is the declaration of deflateBound?", retrieve_query="deflateBound declaration",
         needles=["ZEXTERN uLong ZEXPORT deflateBound(z_streamp strm,", "#ifndef ZLIB_H"],
         notes="C header with include guard ZLIB_H; needles: the declaration asked for and the guard"),
    dict(id="code-05", kind="code", repo="libuv/libuv", commit=LIBUV, path="include/uv.h",
         query="What are the parameters of uv_fs_copyfile?", retrieve_query="uv_fs_copyfile declaration",
         needles=["UV_EXTERN int uv_fs_copyfile(uv_loop_t* loop,", "const char* new_path,"],
         notes="C header with include guard UV_H; needles: the declaration asked for"),
    dict(id="code-06", kind="code", repo="nothings/stb", commit=STB, path="stb_image.h",
         query="What is the signature of stbi_info_from_memory?", retrieve_query="stbi_info_from_memory declaration",
         needles=["STBIDEF int      stbi_info_from_memory(stbi_uc const *buffer, int len, int *x, int *y, int *comp);"],
         notes="single-file C library (header with include guard STBI_INCLUDE_STB_IMAGE_H, 283 kB); needle: the declaration"),
    dict(id="code-07", kind="code", repo="redis/hiredis", commit=HIREDIS, path="hiredis.h",
         query="What is the declaration of redisConnectWithTimeout?", retrieve_query="redisConnectWithTimeout declaration",
         needles=["redisContext *redisConnectWithTimeout(const char *ip, int port, const struct timeval tv);"],
         notes="C header with include guard __HIREDIS_H; needle: the declaration"),
    # ---------------------------------------------------------------- search (git grep -n)
    dict(id="search-01", kind="search", repo="renovatebot/renovate", commit=RENOVATE,
         cmd=["grep", "-n", "GlobalConfig.get(", RENOVATE, "--", "lib"],
         query="Which lines in lib/workers/repository/update/branch/status-checks.ts match 'GlobalConfig.get('?",
         retrieve_query="Which lines in lib/workers/repository/update/branch/status-checks.ts match 'GlobalConfig.get('?",
         needles=["lib/workers/repository/update/branch/status-checks.ts:48:    if (GlobalConfig.get('dryRun')) {",
                  "lib/workers/repository/update/branch/status-checks.ts:104:    GlobalConfig.get('productLinks').documentation,",
                  "lib/workers/repository/update/branch/status-checks.ts:161:    GlobalConfig.get('productLinks').documentation,"],
         notes="git grep output (203 hits); needles: all hits in the named file"),
    dict(id="search-02", kind="search", repo="libuv/libuv", commit=LIBUV,
         cmd=["grep", "-n", "uv__close", LIBUV],
         query="Which lines in src/unix/tcp.c call uv__close?",
         retrieve_query="Which lines in src/unix/tcp.c match 'uv__close'?",
         needles=["src/unix/tcp.c:74:    uv__close(sockfd);",
                  "src/unix/tcp.c:136:        uv__close(tcp->io_watcher.fd);",
                  "src/unix/tcp.c:672:  uv__close(temp[0]);",
                  "src/unix/tcp.c:673:  uv__close(temp[1]);"],
         notes="git grep output (113 hits); needles: all hits in the named file"),
    dict(id="search-03", kind="search", repo="jenkinsci/analysis-model", commit=ANALYSIS,
         cmd=["grep", "-n", "Severity.ERROR", ANALYSIS, "--", "src/main"],
         query="Where does SpectralParser map severities to Severity.ERROR?",
         retrieve_query="Which lines in SpectralParser.java match 'Severity.ERROR'?",
         needles=['src/main/java/edu/hm/hafner/analysis/parser/SpectralParser.java:89:        mapping.put("0", Severity.ERROR);',
                  'src/main/java/edu/hm/hafner/analysis/parser/SpectralParser.java:91:        mapping.put("fatal", Severity.ERROR);'],
         notes="git grep output (42 hits, small); needles: hits in the named file"),
    # ---------------------------------------------------------------- diffs (multi-commit git log -p)
    dict(id="diff-01", kind="diff", repo="libuv/libuv", commit=LIBUV,
         cmd=["log", "-p", "-n", "60", LIBUV],
         query="What changed in src/unix/udp.c?", retrieve_query="changes to src/unix/udp.c",
         needles=["/* uv__udp_recvmsg() emits the terminal callback for nread <= 0. */",
                  "if ((revents & POLLERR) && uv__is_active(handle) && handle->recv_cb != NULL)",
                  "/* Trigger a recv and send to find out what POLLERR occurred. */"],
         notes="git log -p of 60 commits (~68k tokens); needles: added lines in hunks of the named file"),
    dict(id="diff-02", kind="diff", repo="redis/hiredis", commit=HIREDIS,
         cmd=["log", "-p", "-n", "40", HIREDIS],
         query="What changed in hiredis_ssl.h?", retrieve_query="changes to hiredis_ssl.h",
         needles=["* Requires verify_mode to include REDIS_SSL_VERIFY_PEER: without it the",
                  "* handshake completes regardless of the verification result, so a name"],
         notes="git log -p of 40 commits (~81k tokens); needles: added lines in hunks of the named file"),
]
