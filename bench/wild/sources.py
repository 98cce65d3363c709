"""One entry per case of the wild corpus (see README.md). build.py turns these into cases/.

Fields: id, kind, repo, commit (40 hex) and one of path | paths | cmd (git arguments run on the
mirror), optional lines=[first, end) excerpt, query, retrieve_query, needles, notes.
Needles are labelled from each source's own ground truth where it has one (named in notes).
"""

TPARSE = "2416b4b7d31e49fa2f25a3ea435eaa97f0e3b9d6"          # mfridman/tparse
PUTRA = "c9bbcabcaf28c5ce2a9f8b6ee91c62873071b2ce"           # EnricoMi/publish-unit-test-result-action
PF = "python/test/files/"
FAILED_Q = "Which tests failed, and with what messages?"

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
]
