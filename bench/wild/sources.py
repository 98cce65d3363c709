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

    # ---------------------------------------------------------------- CI console logs (Jenkins), analysis-model fixtures
    dict(id="ci_log-01", kind="ci_log", repo="jenkinsci/analysis-model", commit=ANALYSIS,
         path="src/test/resources/edu/hm/hafner/analysis/parser/issue20154.txt",
         query="What warnings did the MSBuild code analysis report?", retrieve_query="msbuild warnings CA",
         needles=["Program.cs(12): warning : CA1801 : Microsoft.Usage : Parameter 'args' of 'Program.Main(string[])' is never used.",
                  "MSBUILD : warning : CA2210 : Microsoft.Design : Sign 'SampleCodeAnalysis.exe' with a strong name key.",
                  "Build succeeded."],
         notes="Jenkins console log of an MSBuild run (JENKINS-20154). Ground truth: MsBuildParserTest.issue20154 asserts the CA1801 warnings (file Program.cs, line 12/13)."),
    dict(id="ci_log-02", kind="ci_log", repo="jenkinsci/analysis-model", commit=ANALYSIS,
         path="src/test/resources/edu/hm/hafner/analysis/parser/issue56612.log",
         query="What compiler warnings does this ninja/gcc build log contain?", retrieve_query="gcc warnings",
         needles=["Applications/DataExplorer/VtkVis/VtkVis_autogen/include/ui_VisualizationWidgetBase.h:263:59: warning: 'QVTKWidget::QVTKWidget(QWidget*, Qt::WindowFlags)' is deprecated [-Wdeprecated-declarations]"],
         notes="Jenkins console log of a CMake/ninja C++ build (JENKINS-56612). Ground truth: Gcc4CompilerParserTest.issue56612 (first of 6 warnings: ui_VisualizationWidgetBase.h:263, deprecated QVTKWidget)."),
    dict(id="ci_log-03", kind="ci_log", repo="jenkinsci/analysis-model", commit=ANALYSIS,
         path="src/test/resources/edu/hm/hafner/analysis/parser/issue58159-2.txt",
         query="What did the IAR build report?", retrieve_query="IAR warnings and totals",
         needles=['ApplicationCpu.c(121) : Warning[Pe177]: variable "loc_result" was declared but never referenced',
                  'ApplicationCpu.c(313) : Warning[Pa183]: #warning directive: " /!\\ WDG is disabled "',
                  "Total number of errors: 0",
                  "Total number of warnings: 65"],
         notes="Jenkins console log of an IAR Embedded Workbench build (JENKINS-58159). Ground truth: IarParserTest (61 warnings after de-duplication); needles: first warnings and the tool's own summary lines."),
    dict(id="ci_log-04", kind="ci_log", repo="jenkinsci/analysis-model", commit=ANALYSIS,
         path="src/test/resources/edu/hm/hafner/analysis/parser/issue4707.txt",
         query="What warnings did the Xcode gcc build report?", retrieve_query="gcc warnings in 3DSExport.cpp",
         needles=["3DSExport.cpp:1128: warning: NULL used in arithmetic",
                  "3DSExport.cpp:1487: warning: unused variable 'numverts'"],
         notes="Jenkins console log of an Xcode/gcc-4.0 build (JENKINS-4707). Ground truth: GccParserTest.issue4707 (11 warnings, first: line 1128 'NULL used in arithmetic')."),
    dict(id="ci_log-05", kind="ci_log", repo="jenkinsci/analysis-model", commit=ANALYSIS,
         path="src/test/resources/edu/hm/hafner/analysis/parser/issue7178.txt",
         query="What warning does this build log contain?", retrieve_query="compiler warning",
         needles=["time_facet.hpp:977: warning:",
                  "may be used uninitialized in this function"],
         notes="Jenkins console log of a gcc 4.1 build (JENKINS-7178). Ground truth: DoxygenParserTest.issue7178 expects exactly one warning, time_facet.hpp line 977."),
    dict(id="ci_log-06", kind="ci_log", repo="jenkinsci/analysis-model", commit=ANALYSIS,
         path="src/test/resources/edu/hm/hafner/analysis/parser/java-eclipse-ant.log",
         query="What did the Eclipse compiler warn about?", retrieve_query="eclipse compiler warnings",
         needles=["CUSTOMERBaseDataset.java (at line 82)",
                  "Class is a raw type. References to generic type Class<T> should be parameterized"],
         notes="Ant + Eclipse JDT compiler console log. Ground truth: EclipseParserTest (27 warnings; first at CUSTOMERBaseDataset.java line 82, raw type Class)."),
    dict(id="ci_log-07", kind="ci_log", repo="jenkinsci/analysis-model", commit=ANALYSIS,
         path="src/test/resources/edu/hm/hafner/analysis/parser/issue2316.txt",
         query="What javac warnings did the Ant build report?", retrieve_query="javac warnings",
         needles=["AbstractRenderer.java:33: warning: [deprecation] render(net.sourceforge.pmd.Report) in net.sourceforge.pmd.renderers.Renderer has been deprecated",
                  "PMDTask.java:270: warning: [deprecation] render(java.io.Writer,net.sourceforge.pmd.Report) in net.sourceforge.pmd.renderers.Renderer has been deprecated"],
         notes="Hudson console log of an Ant build of PMD (svn update + javac, HUDSON-2316). Ground truth: AntJavacParserTest.issue2316 (18 deprecation warnings); needles: two of them."),

    dict(id="test_output-03", kind="test_output", repo="EnricoMi/publish-unit-test-result-action", commit=PUTRA,
         path=PF + "nunit/nunit3/jenkins/NUnit-correct.xml", query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=['<test-case name="NUnit.Tests.Assemblies.MockTestFixture.FailingTest" executed="True" result="Failure"',
                  "Intentional failure",
                  '<test-case name="NUnit.Tests.Assemblies.MockTestFixture.TestWithException" executed="True" result="Error"',
                  "System.ApplicationException : Intentional Exception"],
         notes="NUnit 2.5 XML report. Ground truth: NUnit-correct.results.json (1 fail, 1 error)."),
    dict(id="test_output-04", kind="test_output", repo="EnricoMi/publish-unit-test-result-action", commit=PUTRA,
         path=PF + "junit-xml/tst/disabled.xml", query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=["/home/ivan/prj/tst/tests/failed/main.cpp:72: error: check_eq(3628800, 3628801)",
                  "uncaught (anonymous namespace)::some_unknown_exception",
                  "/home/ivan/prj/tst/tests/failed/main.cpp:45: error: check_ne(6, 6)"],
         notes="JUnit XML from the C++ 'tst' framework (small, ~1.5k tokens). Ground truth: disabled.results.json (19 fail, 1 error)."),
    dict(id="test_output-05", kind="test_output", repo="EnricoMi/publish-unit-test-result-action", commit=PUTRA,
         path=PF + "nunit/nunit3/jenkins/NUnit-issue50162.xml", query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=['fullname="UnitTests.HelloWorldTests.FailThisTest"', "Oh no the test failed!",
                  "Expected: greater than 2"],
         notes="NUnit 3 XML (German locale stack frames). Ground truth: NUnit-issue50162.results.json (3 fail)."),
    dict(id="event_stream-07", kind="event_stream", repo="mfridman/tparse", commit=TPARSE,
         path="tests/testdata/panic/test_02.jsonl", query="Why did the test run fail?",
         retrieve_query="panic and failing test",
         needles=["panic: interface conversion: error is *errors.withStack, not *json.SyntaxError [recovered]",
                  "FAIL\\tgithub.com/mfridman/tparse/parse\\t0.019s"],
         notes="go test -json with a panic. Ground truth: tests/panic_test.go expects github.com/mfridman/tparse/parse marked as panicked (test_02)."),
    dict(id="event_stream-08", kind="event_stream", repo="mfridman/tparse", commit=TPARSE,
         path="tests/testdata/panic/test_06.jsonl", query="Which package panicked, in which test?",
         retrieve_query="panic and failing test",
         needles=["panic: p [recovered]",
                  "/Users/michael.fridman/go/src/github.com/mfridman/tparse/parse/prescan_test.go:43 +0x139",
                  '"Action":"fail","Package":"github.com/mfridman/tparse/parse","Test":"TestPrescan/input01.txt"'],
         notes="go test -json, four packages, one panics. Ground truth: tests/panic_test.go (test_06: parse=true, others false)."),
    dict(id="api_payload-07", kind="api_payload", repo="renovatebot/renovate", commit=RENOVATE,
         path="lib/modules/datasource/dart/__fixtures__/shared_preferences.json",
         query="pub.dev API: when was shared_preferences 0.5.6+2 published and where is its archive?",
         retrieve_query="shared_preferences 0.5.6+2 archive_url published",
         needles=['"archive_url": "https://pub.dartlang.org/packages/shared_preferences/versions/0.5.6%2B2.tar.gz"',
                  '"published": "2020-02-20T23:57:05.213425Z"'],
         notes="pub.dev /api/packages/shared_preferences response. " + RECORD_NOTE),
    dict(id="api_payload-08", kind="api_payload", repo="octokit/fixtures", commit=OCTOFIX,
         path="scenarios/api.github.com/search-issues/raw-fixture.json",
         query="GitHub search: which issues matched the search for 'sesame'?",
         retrieve_query="search/issues results total_count items",
         needles=['"path": "/search/issues?q=sesame%20repo%3Aoctokit-fixture-org%2Ftmp-scenario-search-issues-20220719044045959-jlcli"',
                  '"title": "Sesame seeds split without a pop!"'],
         notes="recorded GitHub REST exchanges (nock fixture: create repo, create issues, search/issues). Needles: the search request and its matching issue."),
    dict(id="api_payload-09", kind="api_payload", repo="xanzy/go-gitlab", commit=GITLAB,
         path="testdata/get_merge_requests.json",
         query="GitLab: which open merge request implements the MR-level approval rules API, and who authored it?",
         retrieve_query="merge request approval rules API author",
         needles=['"iid": 15441', '"title": "Draft: Implement public MR-level approval rules API"', '"username": "patrickbajao"'],
         notes="GitLab /projects/:id/merge_requests response (gitlab-org/gitlab MRs), used by go-gitlab's ListProjectMergeRequests test. " + RECORD_NOTE),
    dict(id="api_payload-10", kind="api_payload", repo="andygrunwald/go-jira", commit=JIRA,
         path="testing/mock-data/all_permissionschemes.json",
         query="Jira: which permission scheme has id 10100 and what is it called?",
         retrieve_query="permission scheme id 10100",
         needles=['"id": 10100', '"name": "Default Permission Scheme"'],
         notes="Jira /rest/api/2/permissionscheme response. " + RECORD_NOTE),
]

# ======================================================================= service logs, failed CI builds,
# raw test-runner text (second batch). Every content is the exact bytes of one file, a contiguous line
# excerpt of one file (`lines`), or several real files of one source shown one after another as
# `tail -n +1` shows them (`paths`); no log line is written or altered.
LNAV = "bb0005f96c8dc486ee0b9005a4562be0ef61c878"            # tstack/lnav (log viewer; test/ sample logs)
LOGURU = "2a17be730e111cf874d0bf967c4c5da15b7e4670"          # Delgan/loguru
PANICPARSE = "da0aba9faf6cbc1094b5e2910b4c2756b264d1e7"      # maruel/panicparse
RWISSUE = "bc1416b502f63bd134d6f42ea75d9e5076eecc2f"         # alessioalex/responsewriter-issue
SQUARE = "af5f9cf0e54220184e1e90d44d92cc54280922f9"          # kwilsonO/Square
MEMO = "6e01aa7cb1b54ef6cf7c01f8359f129722bf3212"            # i4sorcerer/memo
HX = "521f9bb1df0d35778eea98240bc0cdeeba8178f1"              # mle86/hx (log viewer; test/samples)
T2H = "b62296c6de3622b22941c7ab0f68030e5f18f302"             # buildkite/terminal-to-html
GJR = "19aa27c9da9b7afb843c86ff3999af98d2c7b1f1"             # jstemmer/go-junit-report
PYTEST = "df87db7b0462fb764ef73fa00561adf8ad047572"          # pytest-dev/pytest
ERR_RQ = "errors exceptions and why it failed"
AP = "src/test/resources/edu/hm/hafner/analysis/parser/"
HX_SAMPLES = ["test/samples/" + n for n in (
    "apache2-php-packed.log apache2.log bug-datedigit.log bug-fn-inuse.log bug-http-status.log bug-inword.log "
    "bug-pkl-brk.log bug-ua.log certbot.log dmesg.log elastic.log exception-stack.log firefox.log java.log "
    "mysqld.log named.log nested-info.log nextcloud.log nginx-fastcgi.log nginx.log other.log php.log phps.log "
    "postgres.log proftpd-xferlog.log proftpd.log python.log redis.log second-error-code.log ssh.log "
    "sym4-packed.log sym4.log sym5-console.log syslog-java.log syslog-postfix.log syslog-pureftpd.log "
    "syslog-rfc5424.log syslog.log tail-f.log urls.log").split()]
LOGURU_BT = ["tests/exceptions/output/backtrace/" + n + ".txt" for n in (
    "chained_expression_direct chained_expression_indirect chaining_first chaining_second chaining_third "
    "enqueue enqueue_with_others_handlers frame_values_backward frame_values_forward function head_recursion "
    "missing_attributes_traceback_objects missing_lineno_frame_objects nested nested_chained_catch_up "
    "nested_decorator_catch_up nested_explicit_catch_up nested_wrapping no_tb not_enough_arguments "
    "raising_recursion suppressed_expression_direct suppressed_expression_indirect tail_recursion "
    "too_many_arguments").split()]
GJR_FAILING = ["testdata/" + n + ".txt" for n in (
    "001-pass-fail-skip 008-parallel 012-subtests 013-syntax-error 014-panic 017-race 030-stdout "
    "031-syntax-error-test-binary 032-failed-summary 036-benchfail 037-legacy-fail 038-test-pkg-name").split()]
CONCAT_NOTE = (" Several real files of this one source shown one after another with `==> path <==` headers "
               "(as `tail -n +1` or a log viewer opening them together shows them); no line written or altered.")

CASES += [
    # ---------------------------------------------------------------- service logs
    dict(id="service_log-01", kind="service_log", repo="tstack/lnav", commit=LNAV, path="test/logfile_laravel.0",
         query="Why did the Laravel app fail?", retrieve_query=ERR_RQ,
         needles=["local.ERROR: Target class [Fruitcake\\Cors\\HandleCors] does not exist.",
                  "Illuminate\\\\Contracts\\\\Container\\\\BindingResolutionException(code: 0): Target class [Fruitcake\\\\Cors\\\\HandleCors] does not exist. at /Users/zhebaoting/Sites/laravel/crm/vendor/laravel/framework/src/Illuminate/Container/Container.php:916",
                  "local.ERROR: Uncaught ReflectionException: Class \"App\\Providers\\App\\Policies\\CustomerPolicy\" does not exist in Command line code:1",
                  "local.ERROR: Unclosed '{' on line 62 does not match ')'",
                  "local.ERROR: Unmatched '}'"],
         notes="Real Laravel (PHP/Monolog) application log kept by the lnav log viewer as a sample (logfile_laravel.0, "
               "~1,400 lines: [date] env.LEVEL lines, each followed by a [stacktrace] of #N frames). Needles: the "
               "distinct ERROR lines (class resolution, reflection, two ParseErrors) and the first exception's origin."),
    dict(id="service_log-02", kind="service_log", repo="tstack/lnav", commit=LNAV, path="test/logfile_laravel.1",
         query=None, retrieve_query=ERR_RQ,
         needles=["laravel.EMERGENCY: Unable to create configured logger. Using emergency logger.",
                  "local.INFO: Page Access"],
         notes="Second real Laravel log sample of lnav (EMERGENCY logger failure with its [stacktrace], then INFO "
               "request lines with JSON context). Needles: the EMERGENCY line and an INFO line."),
    dict(id="service_log-03", kind="service_log", repo="alessioalex/responsewriter-issue", commit=RWISSUE,
         path="README.md", lines=[18, 354],
         query="Why did the Go web server crash?", retrieve_query=ERR_RQ,
         needles=["fatal error: stack overflow",
                  "runtime: goroutine stack exceeds 1000000000-byte limit",
                  "goroutine 21 gp=0x14000003880 m=4 mp=0x14000063b08 [running]:",
                  "/Users/alexandruvladutu/www/go-web/middleware/logging.go:15 +0x24",
                  "exit status 2"],
         notes="'full log' of a Go net/http server (log.Printf lines, then a fatal stack overflow with the full "
               "goroutine dump) that the author pasted in the repository's README; the excerpt is the code block's "
               "inside, byte for byte. Needles: the fatal error, the runtime message, the running goroutine, the "
               "recursing frame (WriteHeader calling itself at logging.go:15) and the exit status."),
    dict(id="service_log-04", kind="service_log", repo="maruel/panicparse", commit=PANICPARSE,
         path="internal/internaltest/static_panicweb.go", lines=[12, 1137],
         query="Which goroutine is running, and where is main.main blocked?",
         retrieve_query="goroutine running main.main blocked",
         needles=["goroutine 135 [running]:",
                  "goroutine 1 [chan receive, 2 minutes]:",
                  "/gopath/src/github.com/maruel/panicparse/cmd/panicweb/main.go:78 +0x7be"],
         notes="Real goroutine dump of panicparse's panicweb test server (snapshot made by static_panicweb.sh, "
               "kept as a Go raw string); the excerpt's first line still carries the `const staticPanicweb = `"
               "` prefix. Needles: the running goroutine and main.main's blocking frame."),
    dict(id="service_log-05", kind="service_log", repo="kwilsonO/Square", commit=SQUARE,
         path="README.md", lines=[15, 464],
         query="Why did the Spring Boot application fail to start?", retrieve_query=ERR_RQ,
         needles=["o.s.boot.SpringApplication               : Application startup failed",
                  "Caused by: java.lang.NoClassDefFoundError: javax/validation/ClockProvider",
                  "Caused by: java.lang.ClassNotFoundException: javax.validation.ClockProvider",
                  "[INFO] BUILD FAILURE",
                  "Process finished with exit code 1"],
         notes="Console of `mvn spring-boot:run` (Maven INFO lines, Spring Boot log with timestamps/PIDs, chained "
               "'Caused by:' / '... N more' Java traces, then Maven BUILD FAILURE) pasted as the README's 'Error "
               "report of issue 1'. Needles: the failure line, the root cause (innermost Caused by), the build result."),
    dict(id="service_log-06", kind="service_log", repo="i4sorcerer/memo", commit=MEMO,
         path="tech/java/spring/springboot-startup-demo.md", lines=[26, 253],
         query="Why did the application fail to start?", retrieve_query=ERR_RQ,
         needles=["2020/06/12 10:26:59.795 [ERROR] Application run failed",
                  "Caused by: javax.naming.NoInitialContextException: Need to specify class name in environment or system property, or as an applet parameter, or in an application resource file:  java.naming.factory.initial",
                  "Error creating bean with name 'queueConnectionFactory'"],
         notes="Spring Boot startup log ([INFO ]/[WARN ]/[ERROR] with timestamps, then a 6-deep 'Caused by:' chain) "
               "kept in the author's notes as the log of a misconfigured connection. Needles: the ERROR line, the root "
               "cause, the failing bean."),
    dict(id="service_log-07", kind="service_log", repo="Delgan/loguru", commit=LOGURU, paths=LOGURU_BT,
         query=None, retrieve_query=ERR_RQ,
         needles=["TypeError: decorated() missing 2 required positional arguments: 'y' and 'z'",
                  "TypeError: decorated() takes 0 positional arguments but 1 was given",
                  "ValueError: NOK",
                  "During handling of the above exception, another exception occurred:",
                  "The above exception was the direct cause of the following exception:"],
         notes="Python tracebacks as loguru's exception formatter writes them (expected outputs of its "
               "tests/exceptions/output/backtrace/*: chained, nested, recursive, with and without frame values)."
               + CONCAT_NOTE + " Needles: the non-ZeroDivisionError exception lines and the chaining markers."),
    dict(id="service_log-08", kind="service_log", repo="mle86/hx", commit=HX, paths=HX_SAMPLES,
         query=None, retrieve_query=ERR_RQ,
         needles=["ERROR DbTrackingModule: Database error: The database is read only",
                  "FileNotFoundError: [Errno 2] No such file or directory: 'test.txt'",
                  "PHP Warning:  Uncaught CustomException: exception message in /proj/source.php:10",
                  "app.ERROR: TemporaryErrorException: unknown error: cURL error 6: Could not resolve host: hostname.tld"],
         notes="The hx log viewer's sample logs (Java, Python, PHP/Symfony/Monolog, nginx/apache, syslog, postgres, "
               "mysqld, redis, dmesg...; with and without timestamps, syslog host prefixes)." + CONCAT_NOTE
               + " Needles: exception lines the hx tests (test/1x-test-*-logs.sh) read."),
    dict(id="service_log-09", kind="service_log", repo="tstack/lnav", commit=LNAV,
         paths=["test/log2src/python/python-example.0", "test/logfile_vdsm.0", "test/logfile_java.0",
                "test/logfile_procstate.0", "test/logfile_postgres.0"],
         query=None, retrieve_query=ERR_RQ,
         needles=["ZeroDivisionError: division by zero",
                  "libvirtError: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory",
                  "MainThread::ERROR::2011-12-05 07:04:56,300::vdsm::74::vds::(run) Traceback (most recent call last):"],
         notes="lnav sample logs with Python tracebacks among INFO/DEBUG lines (python logging, vdsm's "
               "`Thread::LEVEL::date::module::line` prefix) next to a Spring log, a process table and postgres."
               + CONCAT_NOTE + " Needles: the two tracebacks' exception lines and the vdsm ERROR line."),
]

ERRFMT = "ce396c638c56978e525f51310fcf8db98e45f42d"           # reviewdog/errorformat
BUILD_Q = "Why did the build fail?"

CASES += [
    # ---------------------------------------------------------------- failed CI builds
    dict(id="ci_log-08", kind="ci_log", repo="jenkinsci/analysis-model", commit=ANALYSIS, path=AP + "issue7775.txt",
         query=BUILD_Q, retrieve_query="build errors MSB3021 failed",
         needles=['error MSB3021: Unable to copy file "C:\\Dev\\knd\\XXX.SimpleServiceBus\\bin\\Debug\\XXX.SimpleServiceBus.dll" to "bin\\Debug\\XXX.SimpleServiceBus.dll".',
                  'Done building project "XXX.Monitoring.Service.csproj" -- FAILED.',
                  "Build FAILED.",
                  "11 Error(s)"],
         notes="Jenkins console log of a failed MSBuild (.NET 3.5) solution build (JENKINS-7775, ~130 kB). Ground "
               "truth: MsBuildParserTest reads this file for its MSB3021 errors; needles: the first error, the failed "
               "project, the summary lines."),
    dict(id="ci_log-09", kind="ci_log", repo="jenkinsci/analysis-model", commit=ANALYSIS,
         paths=[AP + "issue37975.txt", AP + "maven-enforcer.log"],
         query=BUILD_Q, retrieve_query="maven BUILD FAILURE errors",
         needles=["MutableCacheEntry.java:79: error: malformed HTML",
                  "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-javadoc-plugin:2.10.4:jar (attach-javadocs) on project cache2k-api",
                  "[WARNING] Rule 4: org.apache.maven.plugins.enforcer.RequireUpperBoundDeps failed with message:",
                  "[INFO] BUILD FAILURE"],
         notes="Two Jenkins console logs of failed Maven builds (javadoc errors, JENKINS-37975; enforcer rule failure)."
               + CONCAT_NOTE + " Ground truth: JavaDocParserTest (3 errors at line 79, first 'malformed HTML') and "
               "MavenConsoleParserTest (the enforcer warning)."),
    dict(id="ci_log-10", kind="ci_log", repo="buildkite/terminal-to-html", commit=T2H, path="fixtures/buildah-build.sh.raw",
         query=BUILD_Q, retrieve_query=ERR_RQ,
         needles=["potentially insufficient UIDs or GIDs available in user namespace (requested 0:42 for /etc/gshadow)",
                  "Error: creating build container: copying system image from manifest list: writing blob",
                  "Error: The command exited with status 1",
                  "user command error: exit status 1"],
         notes="Raw Buildkite job log (`_bk;t=` timestamps, ANSI colours, `---`/`^^^ +++` groups) of a failed "
               "`buildah build`, kept as a rendering fixture. Needles: the root error, buildah's final error, the "
               "agent's exit lines."),
    dict(id="ci_log-11", kind="ci_log", repo="reviewdog/errorformat", commit=ERRFMT, path="fmts/testdata/sbt.in",
         query=BUILD_Q, retrieve_query=ERR_RQ,
         needles=["scalac.scala:6: missing argument list for method error in object Predef",
                  "[error] (compile:compileIncremental) Compilation failed"],
         notes="sbt 0.13 console of a failed Scala compile (dependency resolution [info] lines, 2 warnings, 1 error; "
               "small, ~1.6k tokens). Ground truth: fmts/testdata/sbt.ok (error at scalac.scala:6 col 3)."),

    # ---------------------------------------------------------------- raw test-runner text
    dict(id="test_output-06", kind="test_output", repo="jstemmer/go-junit-report", commit=GJR, paths=GJR_FAILING,
         query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=["fail_test.go:6: Error message",
                  "--- FAIL: TestSubtests/Subtest#01 (0.00s)",
                  "failing1/failing_test.go:15: undefined: x",
                  "panic: init",
                  "testing.go:1312: race detected during execution of test",
                  "--- FAIL: TestFailWithStdoutAndTestOutput (0.00s)"],
         notes="Raw `go test -v` outputs with failures (fail, subtests, build errors, panic, race, stdout) that "
               "go-junit-report converts." + CONCAT_NOTE + " Ground truth: the matching testdata/NNN-report.xml "
               "<failure>/<error> elements."),
    dict(id="test_output-07", kind="test_output", repo="pytest-dev/pytest", commit=PYTEST,
         path="doc/en/example/reportingdemo.rst", lines=[10, 725],
         query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=["FAILED failure_demo.py::TestFailing::test_simple - assert 42 == 43",
                  "FAILED failure_demo.py::TestRaises::test_raise - ValueError: demo error",
                  "FAILED failure_demo.py::TestMoreErrors::test_z2_type_error - TypeError: c...",
                  "============================ 44 failed in 0.12s ============================"],
         notes="pytest session output of failure_demo.py (44 failures with full tracebacks, then the short test "
               "summary), as the docs' demo records it (code block, indented 4 spaces). Needles: summary lines "
               "(pytest's own ground truth) for three failures and the final count."),
]

LOGURU_OTHERS = ["tests/exceptions/output/others/" + n + ".txt" for n in (
    "broken_but_decorated_repr catch_as_context_manager catch_as_decorator_with_parentheses "
    "catch_as_decorator_without_parentheses catch_as_function catch_message exception_formatting_coroutine "
    "exception_formatting_function exception_formatting_generator exception_in_property "
    "handler_formatting_with_context_manager handler_formatting_with_decorator level_name level_number "
    "message_formatting_with_context_manager message_formatting_with_decorator nested_with_reraise "
    "sys_tracebacklimit sys_tracebacklimit_negative sys_tracebacklimit_none sys_tracebacklimit_unset").split()]

CASES += [
    dict(id="service_log-10", kind="service_log", repo="Delgan/loguru", commit=LOGURU, paths=LOGURU_OTHERS,
         query=None, retrieve_query=ERR_RQ,
         needles=["ValueError: Something went wrong (Foo)",
                  "ValueError: Something went wrong (Bar)",
                  "The above exception was the direct cause of the following exception:",
                  'File "tests/exceptions/source/others/nested_with_reraise.py", line 14, in foo'],
         notes="Python tracebacks and the log lines around them as loguru writes them (expected outputs of its "
               "tests/exceptions/output/others/* without ANSI colours: catch/decorator variants, coroutine and "
               "generator frames, re-raise chains, sys.tracebacklimit)." + CONCAT_NOTE
               + " Needles: the non-ZeroDivisionError exception lines, the chaining marker and the innermost frame "
               "of the re-raise chain."),
    dict(id="test_output-08", kind="test_output", repo="kwilsonO/Square", commit=SQUARE,
         path="README.md", lines=[468, 579],
         query="Why did the test fail?", retrieve_query=ERR_RQ,
         needles=["java.lang.IllegalStateException: Failed to load ApplicationContext",
                  "Caused by: java.lang.ClassNotFoundException: javax.validation.ClockProvider",
                  "at org.springframework.test.context.junit4.SpringJUnit4ClassRunner.createTest(SpringJUnit4ClassRunner.java:227)"],
         notes="IntelliJ JUnit 4 runner output of a failing Spring test ('Error report of issue 2' in the README): one "
               "failure with a long 'Caused by:' / '... N more' chain. Needles: the failure, its root cause, the "
               "runner frame that created the test."),
]

# ---------------------------------------------------------------- third extension (branch corpus3)
# Erlang/lager, Rust (color-eyre) and Ruby (Rails) service logs; failed GitHub Actions raw job logs
# (pytest import error, Gradle, go test/chainsaw), a local Rake CI run (rspec + cucumber), a Gradle console;
# jest and PHPUnit runner output from the frameworks' own end-to-end expectations; Kubernetes audit events.
CHICAGOBOSS = "69251c847d63332f57f68f174665807edd080d9b"     # ChicagoBoss/ChicagoBoss (lager logs committed in log/)
ANTIDOTE_2014 = "0ad34d5991a7ad77e36efe76cba0f86ea22576cd"   # AntidoteDB/antidote (riak_test run log)
ANTIDOTE_2016 = "2442b28540a407542900b46f9dfdbb71cf6ea82d"   # AntidoteDB/antidote (lager logs of a node start)
COLOREYRE = "e6671987eb63fe1f67702fa2758a25e858d2cc78"       # eyre-rs/color-eyre
YAWNLOG = "9580ce1af71a2a68caedac6c17f475035ad215aa"         # 100ideas/yawnlog (Rails 2.2 log/development.log)
TSBOOT = "100f4ab867f9cc8330305ed4d1a48eb6746616a9"          # astrogilda/tsbootstrap (ci_logs.txt)
AZUREAD = "bb270986cf5537a3e2d05a399dc316934da3f19f"         # crossplane-contrib/provider-upjet-azuread (job-logs.txt)
XED = "41d0f4cabd3ce78dff7c2126782c5f0b5bf471b9"             # Xed-Editor/Xed-Editor (job-logs.txt)
MIDDLEMAN = "76e418f33ef19f086f92679a34b796226b0e4c6d"       # middleman/middleman (ci.log, removed in the next commit)
GRADLESS = "4dc49afb0bf4b8f9b2e2436422f0d0656e9d4ebd"        # jokram/gradle_sourceset_problem (gradle.log)
JEST = "52db46e50404c993d3f10dd1481e861cc04ae22e"            # jestjs/jest
PHPUNIT = "f123cdb2a2d49f15025794166cfed8bda8627dd2"         # sebastianbergmann/phpunit
FALCO = "2583ea9bfdb2d6acdfbeedb094ea26f4866bb02e"           # falcosecurity/falco (parent of b1ae5d3d, which removed test/)
JEST_SNAP = "e2e/__tests__/__snapshots__/"
PHPT_GENERIC = ["tests/end-to-end/generic/" + n + ".phpt" for n in (
    "assertion deprecation-can-be-expected-process-isolation deprecation-can-be-expected "
    "deprecation-collector-resets-between-tests exception-in-mock-destructor exception-stack expecting-exceptions "
    "failure-isolation failure multiple-output-expectations outcome-and-issues-individual-options outcome-and-issues "
    "output-isolation output separate-processes-test transform-exception-hook-method").split()]
PHPT_MISC = ["tests/end-to-end/" + n + ".phpt" for n in (
    "retry/retry-with-data-provider-all-attempts-fail retry/retry-phpt-all-attempts-fail "
    "retry/retry-all-attempts-fail-summary repeat/repeat-default-output regression/74 regression/6601 "
    "regression/6595-directory regression/6595-before-class regression/6595-after-class regression/6476 "
    "regression/6372 regression/6222 regression/6173").split()]
K8SA = "test/trace_files/k8s_audit/"
FALCO_WORKLOADS = [K8SA + n + ".json" for n in (
    "attach_pod create_configmap create_configmap_no_sensitive_values create_configmap_sensitive_values "
    "create_deployment create_nginx_pod_hostnetwork create_nginx_pod_no_secctx_1st_container_privileged_2nd_container "
    "create_nginx_pod_nohostnetwork create_nginx_pod_privileged create_nginx_pod_privileged_2nd_container "
    "create_nginx_pod_sensitive_mount create_nginx_pod_sensitive_mount_2nd_container create_nginx_pod_unprivileged "
    "create_nginx_pod_unsensitive_mount create_nginx_service_nodeport create_nginx_service_nonodeport "
    "create_pod_kube_public_namespace create_pod_kube_system_namespace create_service delete_configmap "
    "delete_deployment delete_service exec_pod").split()]
FALCO_IDENTITY = [K8SA + n + ".json" for n in (
    "anonymous_creates_namespace_foo attach_cluster_admin_role create_cluster_role_pod_exec "
    "create_cluster_role_wildcard_resources create_cluster_role_wildcard_verbs create_cluster_role_write_privileges "
    "create_clusterrole create_clusterrolebinding create_kube_system_secret create_secret "
    "create_service_account_token_secret create_serviceaccount create_serviceaccount_kube_public_namespace "
    "create_serviceaccount_kube_system_namespace delete_cluster_role_kube_aggregator delete_clusterrole "
    "delete_clusterrolebinding delete_namespace_foo delete_secret delete_serviceaccount fal_01_003 "
    "minikube_creates_namespace_foo modify_cluster_role_node_problem_detector some-user_creates_namespace_foo").split()]
GHA_NOTE = ("Raw GitHub Actions job log (every line prefixed with an ISO timestamp, `##[group]`/`##[endgroup]` "
            "step groups, `##[error]`), downloaded and committed to the repository by its authors. ")
FALCO_NOTE = ("Kubernetes API-server audit events (audit.k8s.io Event JSON, one per line) captured on minikube and kept "
              "as trace files for Falco's k8s_audit rule tests." + CONCAT_NOTE + " Ground truth: "
              "test/falco_k8s_audit_tests.yaml (same commit) lists, per trace file, the rule each one must fire; "
              "needles are the fields of the events those rules match.")

CASES += [
    # ---------------------------------------------------------------- service logs (Erlang, Rust, Ruby)
    dict(id="service_log-11", kind="service_log", repo="ChicagoBoss/ChicagoBoss", commit=CHICAGOBOSS,
         paths=["log/console.log", "log/error.log", "log/crash.log"],
         query="Why does the ChicagoBoss server fail to serve requests?", retrieve_query=ERR_RQ,
         needles=["CRASH REPORT Process <0.494.0> with 0 neighbours exited with reason: bad return value 'no backend defined' from simple_bridge_app:start(normal, [])",
                  "Missing or invalid boss.routes file in \"/home/ne/Projects/ChicagoBoss/priv/boss_session_test.routes\"; Error reason: {error,enoent}",
                  "@boss_simple_bridge_handler:run:29 error:badarg",
                  "exited with reason: \"Error building response\" in boss_simple_bridge_handler:run/1 line 30"],
         notes="Erlang/OTP lager logs of a ChicagoBoss development server (console.log with [info]/[warning]/[error] "
               "lines, error.log, crash.log with =CRASH REPORT==== / =ERROR REPORT==== blocks and Erlang stack "
               "tuples), committed by accident in log/." + CONCAT_NOTE + " Needles: the distinct [error] events "
               "(simple_bridge start failure, missing routes file, badarg in the request handler and its crash)."),
    dict(id="service_log-12", kind="service_log", repo="AntidoteDB/antidote", commit=ANTIDOTE_2014,
         paths=["log/test.log", "log/crash.log"],
         query="Which riak_test runs failed and why?", retrieve_query=ERR_RQ,
         needles=["clock_si failed: {{badmatch,{ok,{{tx_id,1402923971947622,<11048.871.0>},[1],1402923971947622}}}",
                  "{{assertMatch_failed,[{module,clock_si},{line,67},{expression,\"ReadSet\"},{pattern,\"[ 2 ]\"},{value,[1]}]}",
                  "{{assertMatch_failed,[{module,clock_si},{line,168},{expression,\"End\"},{pattern,\"{ ok , _ }\"}",
                  "================ clock_si failure stack trace ====================="],
         notes="Erlang riak_test run log of AntidoteDB (lager [info]/[notice]/[warning]/[error] lines of a multi-node "
               "test cluster, `clock_si failure stack trace` blocks) and the matching crash.log, committed in log/."
               + CONCAT_NOTE + " Needles: the failing test's three distinct failures (badmatch, assertMatch at "
               "clock_si.erl:67 and :168) and the stack-trace marker."),
    dict(id="service_log-13", kind="service_log", repo="AntidoteDB/antidote", commit=ANTIDOTE_2016,
         paths=["log/console.log", "log/error.log", "log/crash.log"],
         query="Why did the node fail to start?", retrieve_query=ERR_RQ,
         needles=["@riak_core_ring_manager:reload_ring:355 Failed to load ring file: \"no such file or directory\"",
                  "CRASH REPORT Process riak_core_ring_manager with 0 neighbours exited with reason: bad return value: {error,enoent} in gen_server:init_it/6 line 356",
                  "riak_sysmon_filter:get_node_map: error badarg"],
         notes="lager logs of an Erlang riak_core node start (application start [info] lines, a [critical] ring-file "
               "error, supervisor and CRASH REPORTs; small, ~2.5k tokens)." + CONCAT_NOTE
               + " Needles: the root cause (missing ring file), the crash it causes, the earlier badarg."),
    dict(id="service_log-14", kind="service_log", repo="eyre-rs/color-eyre", commit=COLOREYRE,
         paths=["tests/data/theme_error_control.txt", "tests/data/theme_error_control_location.txt",
                "tests/data/theme_error_control_minimal.txt", "tests/data/theme_error_control_spantrace.txt",
                "tests/data/theme_panic_control.txt", "tests/data/theme_panic_control_no_spantrace.txt"],
         query="Where did the Rust program panic or fail?", retrieve_query=ERR_RQ,
         needles=["The application panicked (crashed).",
                  "<non string panic payload>",
                  "examples/theme_test_helper.rs",
                  "theme::get_error::create_report",
                  "std::panic::panic_any"],
         notes="Rust error reports and panic reports as color-eyre prints them (ANSI colours, SPANTRACE and "
               "BACKTRACE sections with hidden-frame markers, cargo's `Running` line), captured from real runs as "
               "the expected outputs of tests/theme.rs." + CONCAT_NOTE + " ANSI escapes split `file:line` locations, so "
               "needles are whole coloured spans: the panic line, its payload and file, the innermost application "
               "frame of the error report, the panicking std frame."),
    dict(id="service_log-15", kind="service_log", repo="100ideas/yawnlog", commit=YAWNLOG,
         path="log/development.log", lines=[1500, 2701],
         query="What errors did the Rails app raise, and where?", retrieve_query=ERR_RQ,
         needles=["ActionView::TemplateError (undefined local variable or method `alt' for #<ActionView::Base:0x2552858>) on line #15 of app/views/layouts/application.html.erb:",
                  "NoMethodError (You have a nil object when you didn't expect it!",
                  "/app/models/user.rb:16:in `target_hours_possible?'",
                  "SyntaxError (/Users/mblake/Documents/code/yawnlog/yawnlog/app/controllers/users_controller.rb:15: syntax error, unexpected '=', expecting tASSOC",
                  "ActionController::RoutingError (No route matches \"/images/yawnlog_logo_beta_horz.png2\" with {:method=>:get}):"],
         notes="Rails 2.2 development log (Processing/Parameters/SQL lines with ANSI colours, Rendering, Completed "
               "lines, exceptions with Ruby backtraces `file.rb:N:in 'method'`) committed in log/; the excerpt "
               "(lines 1500-2700 of 13,008) holds four kinds of exception. Needles: each exception line and the "
               "application frame of the NoMethodError."),

    # ---------------------------------------------------------------- failed CI builds
    dict(id="ci_log-12", kind="ci_log", repo="astrogilda/tsbootstrap", commit=TSBOOT, path="ci_logs.txt",
         query=BUILD_Q, retrieve_query=ERR_RQ,
         needles=["ModuleNotFoundError: No module named 'statsforecast'",
                  "/home/runner/work/tsbootstrap/tsbootstrap/src/tsbootstrap/backends/statsforecast_backend.py\", line 12, in <module>",
                  "##[error]Process completed with exit code 1."],
         notes=GHA_NOTE + "Python job (uv, venv) that fails importing the package: a chained import traceback ending "
               "in ModuleNotFoundError. Needles: the exception, the innermost frame, the step's error line."),
    dict(id="ci_log-13", kind="ci_log", repo="crossplane-contrib/provider-upjet-azuread", commit=AZUREAD,
         path="job-logs.txt", query=BUILD_Q, retrieve_query=ERR_RQ,
         needles=["--- FAIL: chainsaw/apply (1218.59s)",
                  "Error: some tests failed",
                  "uptest-v2.2.0: error: cannot run e2e tests successfully: cannot execute tests: cannot execute test 00-apply.yaml",
                  "make: *** [Makefile:190: uptest] Error 1",
                  "##[error]Process completed with exit code 2."],
         notes=GHA_NOTE + "Go build of a Crossplane provider, then an uptest/chainsaw end-to-end run on a kind cluster "
               "whose status assertion times out after 20 minutes (ANSI-coloured chainsaw tables, go test output). "
               "Needles: the failing test, the tool's error chain, make's and the step's error lines."),
    dict(id="ci_log-14", kind="ci_log", repo="Xed-Editor/Xed-Editor", commit=XED, path="job-logs.txt",
         query=BUILD_Q, retrieve_query=ERR_RQ,
         needles=["> Task :core:resources:packageReleaseResources FAILED",
                  "Resource and asset merger: Found item String/installing more than one time",
                  "Execution failed for task ':core:resources:packageReleaseResources'",
                  "BUILD FAILED in 1m 16s"],
         notes=GHA_NOTE + "Android Gradle release build (hundreds of `> Task` lines, Kotlin warnings) failing in "
               "resource merging, with Gradle's `* What went wrong:` block and the full TaskExecutionException "
               "stack trace. Needles: the failed task, the root error, the summary."),
    dict(id="ci_log-15", kind="ci_log", repo="middleman/middleman", commit=MIDDLEMAN, path="ci.log",
         lines=[2996, 4805], query="Which scenarios failed, and why?", retrieve_query=ERR_RQ,
         needles=["cucumber features/builder.feature:55",
                  "cucumber features/collections.feature:2",
                  "cucumber features/extension_api_deprecations.feature:3",
                  "undefined method `exists?' for FileTest:Module (NoMethodError)",
                  "expected that command \"middleman build\" has exit status of \"0\", but has \"2\". (RSpec::Expectations::ExpectationNotMetError)"],
         notes="Local `rake test` CI run of middleman with Datadog CI instrumentation (ddtrace DEBUG lines between "
               "spec lines), committed as ci.log and removed in the next commit; the excerpt (lines 2996-4804 of "
               "4,804) is the end of rspec (67 examples, 0 failures) and the whole cucumber run (ANSI colours, Ruby "
               "backtraces), ending with `Failing Scenarios:` (10 of 107). Needles: three of the failing "
               "scenarios cucumber lists, two of the errors."),
    dict(id="ci_log-16", kind="ci_log", repo="jokram/gradle_sourceset_problem", commit=GRADLESS, path="gradle.log",
         query=BUILD_Q, retrieve_query=ERR_RQ,
         needles=["LibrarySub1Test.java:8: error: cannot find symbol",
                  "Execution failed for task ':subprj1:compileTestJava'.",
                  "BUILD FAILED"],
         notes="Gradle 2/3 console of a failed multi-project build (classpath dump, task lines, javac errors, "
               "`* What went wrong:`) committed with a bug reproduction; small (~1k tokens)."),

    # ---------------------------------------------------------------- raw test-runner text
    dict(id="test_output-09", kind="test_output", repo="jestjs/jest", commit=JEST,
         path=JEST_SNAP + "failures.test.ts.snap", query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=["● .assertions() › throws on redeclare of assertion count",
                  "● resolve, but fail",
                  "at Object.toEqual (__tests__/asyncFailures.test.js:11:50)",
                  "● assert.deepStrictEqual",
                  "● throws an AggregateError"],
         notes="jest's own end-to-end expectations: the stderr of failing jest runs (FAIL lines, ✕ markers, "
               "● test headers, diffs, code frames, `at fn (file:line:col)` frames) stored as snapshots by "
               "e2e/__tests__/failures.test.ts (the `exports[...]` wrappers are the snapshot file's own). Needles: "
               "failing test headers and a frame the test asserts."),
    dict(id="test_output-10", kind="test_output", repo="jestjs/jest", commit=JEST,
         paths=[JEST_SNAP + n for n in ("testFailing.test.ts.snap", "each.test.ts.snap",
                                         "promiseAsyncHandling.test.ts.snap", "testRetries.test.ts.snap",
                                         "nonSerializableStructuresInequality.test.ts.snap")],
         query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=["● block with concurrent › .failing() should fail",
                  "✕ array table fails on one row: expected true == false",
                  "● throws exception when one argument too few are supplied $left == $right",
                  "● failing passes = fails"],
         notes="More jest end-to-end snapshots of failing runs (test.failing, test.each tables, unhandled "
               "promise rejections, retries, non-serializable structures)." + CONCAT_NOTE
               + " Needles: failing test headers the snapshots record."),
    dict(id="test_output-11", kind="test_output", repo="sebastianbergmann/phpunit", commit=PHPUNIT,
         paths=PHPT_GENERIC, query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=["There were 13 failures:",
                  "1) PHPUnit\\TestFixture\\FailureTest::testAssertArrayEqualsArray",
                  "There were 16 failures:",
                  "PHPUnit\\Framework\\Exception: Child exception",
                  "PHPUnit\\TestFixture\\TransformExceptionHookMethod\\TransformedException: transformed message"],
         notes="PHPUnit's end-to-end tests (.phpt: --TEST--, the --FILE-- that runs PHPUnit, and --EXPECTF--, the "
               "runner's expected text output with %s/%i placeholders: progress line, `There were N failures:`, "
               "numbered failures with diffs and file:line, FAILURES! summary)." + CONCAT_NOTE
               + " Needles: counts and failing tests from the expected outputs."),
    dict(id="test_output-12", kind="test_output", repo="sebastianbergmann/phpunit", commit=PHPUNIT,
         paths=PHPT_MISC, query=FAILED_Q, retrieve_query=FAILED_Q,
         needles=["1) PHPUnit\\TestFixture\\Retry\\AllAttemptsFailTest::testOne (attempt 3 of 3)",
                  "1) PHPUnit\\TestFixture\\Repeat\\FailureOnSecondRepetitionTest::testOne (repetition 2 of 2)",
                  "1) PHPUnit\\TestFixture\\Issue74Test::testCreateAndThrowNewExceptionInProcessIsolation",
                  "1) PHPUnit\\TestFixture\\Issue6372Test::testAssertionFailureInMockCallbackIsNotSwallowedByCodeUnderTest",
                  "There were 4 failures:"],
         notes="PHPUnit end-to-end tests for retried and repeated tests and for regressions (expected runner "
               "output with failures and errors, process isolation, setUpBeforeClass/tearDownAfterClass failures)."
               + CONCAT_NOTE + " Needles: failing tests from the expected outputs."),

    # ---------------------------------------------------------------- Kubernetes audit events
    dict(id="event_stream-09", kind="event_stream", repo="falcosecurity/falco", commit=FALCO, paths=FALCO_WORKLOADS,
         query="Which audit events created a privileged or host-network pod, exposed a NodePort, or exec'd into a pod?",
         retrieve_query="privileged pod hostNetwork NodePort exec audit events",
         needles=["\"privileged\":true",
                  "\"hostNetwork\":true",
                  "\"type\":\"NodePort\"",
                  "\"subresource\":\"exec\""],
         notes=FALCO_NOTE + " This case: workload events (pods, services, deployments, configmaps, exec/attach)."),
    dict(id="event_stream-10", kind="event_stream", repo="falcosecurity/falco", commit=FALCO, paths=FALCO_IDENTITY,
         query="Which requests came from anonymous or unexpected users, or granted cluster-admin?",
         retrieve_query="anonymous user cluster-admin role binding audit events",
         needles=["\"username\":\"system:anonymous\"",
                  "\"username\":\"some-user\"",
                  "\"name\":\"cluster-admin\""],
         notes=FALCO_NOTE + " This case: identity and RBAC events (namespaces, cluster roles and bindings, secrets, "
               "service accounts)."),
]

# ---------------------------------------------------------------- issue #14: the query steers every engine
LEVELDB = "78a352f47ed6c1e9d750545e9b242289185b87e1"        # google/leveldb
RE2 = "972a15cedd008d846f1a39b2e88ce48d7f166cbd"            # google/re2
LNAV14 = "bb0005f96c8dc486ee0b9005a4562be0ef61c878"         # tstack/lnav
CASES += [
    # search: the query names no file; needles are every hit whose line holds the query's words
    dict(id="search-04", kind="search", repo="libuv/libuv", commit=LIBUV,
         cmd=["grep", "-n", "uv_close(", LIBUV],
         query="Where is uv_close used on peer and incoming connections?",
         retrieve_query="uv_close peer incoming",
         needles=[f"{LIBUV}:test/benchmark-multi-accept.c:142:  uv_close((uv_handle_t*) &ctx->peer_handle, ipc_close_cb);",
                  f"{LIBUV}:test/test-pipe-sendmsg.c:100:    uv_close((uv_handle_t*) &incoming[i], close_cb);",
                  f"{LIBUV}:test/test-poll-oob.c:64:  uv_close((uv_handle_t*) &peer_handle, NULL);",
                  f"{LIBUV}:test/test-tcp-alloc-cb-fail.c:59:  uv_close((uv_handle_t*) &incoming, close_cb);",
                  f"{LIBUV}:test/test-tcp-close-accept.c:66:    uv_close((uv_handle_t*) &tcp_incoming[pending_incoming], close_cb);",
                  f"{LIBUV}:test/test-tcp-close-accept.c:102:      uv_close((uv_handle_t*) &tcp_incoming[i], close_cb);",
                  f"{LIBUV}:test/test-tcp-oob.c:53:  uv_close((uv_handle_t*) &peer_handle, NULL);",
                  f"{LIBUV}:test/test-tcp-try-write-error.c:69:  uv_close((uv_handle_t*) &incoming, incoming_close_cb);",
                  f"{LIBUV}:test/test-tcp-unexpected-read.c:46:  uv_close((uv_handle_t*) &peer_handle, NULL);",
                  f"{LIBUV}:test/test-tcp-write-in-a-row.c:55:    uv_close((uv_handle_t*) &incoming, close_cb);",
                  f"{LIBUV}:test/test-tcp-write-queue-order.c:52:  uv_close((uv_handle_t*) &incoming, close_cb);",
                  f"{LIBUV}:test/test-tcp-write-to-half-open-connection.c:83:    uv_close((uv_handle_t*)&tcp_peer, NULL);"],
         notes="git grep output (492 hits in 168 files, ~24k tokens); the query names no file. Needles: every hit "
               "whose line holds a word of the query other than the grepped name (peer, incoming: 12 hits, "
               "several with the same text in other files)"),
    dict(id="search-05", kind="search", repo="google/leveldb", commit=LEVELDB,
         cmd=["grep", "-n", "Status::", LEVELDB],
         query="Which errors report corrupt snappy or zstd compression?",
         retrieve_query="snappy zstd corrupted compressed block",
         needles=[f"{LEVELDB}:table/format.cc:124:        return Status::Corruption(\"corrupted snappy compressed block length\");",
                  f"{LEVELDB}:table/format.cc:130:        return Status::Corruption(\"corrupted snappy compressed block contents\");",
                  f"{LEVELDB}:table/format.cc:142:        return Status::Corruption(\"corrupted zstd compressed block length\");",
                  f"{LEVELDB}:table/format.cc:148:        return Status::Corruption(\"corrupted zstd compressed block contents\");",
                  f"{LEVELDB}:db/log_reader.cc:179:  ReportDrop(bytes, Status::Corruption(reason));"],
         notes="git grep output (187 hits in 29 files, ~8k tokens); the query names no file. Needles: every hit "
               "whose line holds a word of the query other than the grepped name (snappy, zstd; `ReportDrop` "
               "holds `report`)"),
    # C++ headers: include guards, namespaces, extern "C"; query names a declaration
    dict(id="code-08", kind="code", repo="google/re2", commit=RE2, path="re2/re2.h",
         query="What is the signature of RE2::GlobalReplace?", retrieve_query="RE2::GlobalReplace declaration",
         needles=["static int GlobalReplace(std::string* str,",
                  "// Like Replace(), except replaces successive non-overlapping occurrences",
                  "#ifndef RE2_RE2_H_"],
         notes="C++ header with include guard RE2_RE2_H_ and namespaces re2, re2_internal, hooks; needles: the "
               "declaration asked for, its doc comment, the guard"),
    dict(id="code-09", kind="code", repo="google/leveldb", commit=LEVELDB, path="include/leveldb/env.h",
         query="What are the parameters of NewRandomAccessFile?", retrieve_query="NewRandomAccessFile declaration",
         needles=["virtual Status NewRandomAccessFile(const std::string& fname,",
                  "RandomAccessFile** result) = 0;"],
         notes="C++ header with include guard STORAGE_LEVELDB_INCLUDE_ENV_H_, namespace leveldb and an export "
               "macro between `class` and the name (class LEVELDB_EXPORT Env); needles: the declaration asked for"),
    dict(id="code-10", kind="code", repo="tstack/lnav", commit=LNAV14, path="src/logfile_sub_source.hh",
         query="What is the declaration of text_value_for_line?", retrieve_query="text_value_for_line declaration",
         needles=["line_info text_value_for_line(textview_curses& tc,", "#ifndef logfile_sub_source_hh",
                  "extern \"C\""],
         notes="C++ header with include guard logfile_sub_source_hh and an extern \"C\" block; needles: the "
               "declaration asked for, the guard, the extern \"C\" line"),
    # multi-commit git log -p, query naming a function
    dict(id="diff-03", kind="diff", repo="google/leveldb", commit=LEVELDB,
         cmd=["log", "-p", "-n", "120", LEVELDB],
         query="How did VersionSet::LogAndApply change?", retrieve_query="changes to VersionSet::LogAndApply",
         needles=["-    mu->unlock();", "+    mu->Unlock();", "-    mu->lock();", "+    mu->Lock();",
                  "-    mu->Unlock();", "+    mu->unlock();", "-    mu->Lock();", "+    mu->lock();",
                  "-    edit->SetNextFile(next_file_number_);",
                  "-      env_->DeleteFile(new_manifest_file);", "+      env_->RemoveFile(new_manifest_file);"],
         notes="git log -p of 120 commits (~94k tokens); four commits touch VersionSet::LogAndApply (hunk headings "
               "name it). Needles: its changed lines in each of them (the lock/unlock lines recur in other "
               "functions of the first two commits)"),
]
