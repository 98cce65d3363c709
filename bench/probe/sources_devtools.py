"""Probe cases, topic "developer tools" (see README.md): linters, type checkers, sanitizers,
coverage, lock files, API specs, psql output and package-manager resolution errors, each taken
byte for byte from a public repository. Format: bench/wild/sources.py.
"""

CLIPPY = "e57f468d8f079a7b50627a95121fd16fff8e5bfa"        # rust-lang/rust-clippy
NLE = "0adc3f5f5ea20b834f68665e1e16e44732da3373"           # Dreamrealai/nonlinear-editor
SARIF = "a4dbd243d9586b7d60b5ea21841d991e73b36f3b"         # microsoft/sarif-sdk
CF = "77584976329599df63bf3a0404fde0d1572e3712"            # google/clusterfuzz
CF_DATA = "src/clusterfuzz/_internal/tests/core/crash_analysis/stack_parsing/stack_analyzer_data/"
LOANS = "8ebe81d4e281fbbd706930f4f8e05577d696eb9c"         # Arisofia/loans-analytics
PGVECTOR = "e48241b4dcc045b18902914f668d03d1d399dfbe"      # pgvector/pgvector
NPMCLI = "780afc50e3a345feb1871a28e33fa48235bc3bd5"        # npm/cli

CASES = [
    dict(id="dev-01", kind="clippy", repo="rust-lang/rust-clippy", commit=CLIPPY,
         path="tests/ui/cast.stderr",
         query="Which casts does clippy say may wrap around the value, and what does it suggest instead?",
         retrieve_query="cast may wrap around the value cast_signed",
         needles=["error: casting `u8` to `i8` may wrap around the value",
                  "--> tests/ui/cast.rs:88:5",
                  "help: if this is intentional, use `cast_signed()` instead: `1u8.cast_signed()`",
                  "= note: `-D clippy::cast-possible-wrap` implied by `-D warnings`",
                  "--> tests/ui/cast.rs:100:5",
                  "`1usize.cast_signed()`"],
         notes="clippy's expected stderr for its `cast` UI test (rustc diagnostic format, 125 errors). Ground "
               "truth: tests/ui/cast.rs marks lines 88-100 with `//~^ cast_possible_wrap`; needles: the first "
               "and last of those diagnostics, the suggestion and the lint's note."),
    dict(id="dev-02", kind="tsc", repo="Dreamrealai/nonlinear-editor", commit=NLE,
         path="tsc-output.txt",
         query="Which errors does the type checker report in lib/veo.ts?",
         retrieve_query="lib/veo.ts type errors",
         needles=["lib/veo.ts(122,38): error TS2304: Cannot find name 'AuthClient'.",
                  "lib/veo.ts(239,69): error TS7006: Parameter 'token' implicitly has an 'any' type.",
                  "lib/veo.ts(313,69): error TS7006: Parameter 'token' implicitly has an 'any' type.",
                  "lib/veo.ts(368,69): error TS7006: Parameter 'token' implicitly has an 'any' type."],
         notes="`tsc --noEmit` output (non-pretty, ~600 lines, 150 files) a project committed. No separate "
               "ground truth: needles are every line of the output for the file the query names."),
    dict(id="dev-03", kind="sarif", repo="microsoft/sarif-sdk", commit=SARIF,
         path="src/Test.FunctionalTests.Sarif/v2/ConverterTestData/Pylint/Pylint-01.json.sarif",
         query="Which imports does pylint report as unused in this SARIF log, and on which lines?",
         retrieve_query="unused-import W0611 results",
         needles=["Unused timedelta imported from datetime as td",
                  "Unused HashingVectorizer imported from sklearn.feature_extraction.text",
                  "Unused TfidfTransformer imported from sklearn.feature_extraction.text",
                  "Unused import sys",
                  "Unused OptionParser imported from optparse",
                  "Unused KMeans imported from sklearn.cluster"],
         notes="SARIF 2.1.0 log of a pylint run (72 results), the expected output of sarif-sdk's Pylint "
               "converter test. Ground truth: the converter's input Pylint-01.json holds the same six "
               "W0611 unused-import messages (test.py lines 2, 4, 5, 11, 13, 14); needles are their texts."),
    dict(id="dev-04", kind="asan", repo="google/clusterfuzz", commit=CF,
         path=CF_DATA + "asan_uaf.txt",
         query="Where is the freed memory used, where was it freed, and where was it allocated?",
         retrieve_query="heap-use-after-free freed by previously allocated",
         needles=["ERROR: AddressSanitizer: heap-use-after-free on address 0x60f00003b280",
                  "READ of size 8 at 0x60f00003b280 thread T0 (chrome)",
                  "#0 0x7efd4a2a3e02 in WTF::RawPtr<blink::HTMLInputElement>::operator*() const "
                  "third_party/WebKit/Source/wtf/RawPtr.h:118:36",
                  "#4 0x7efd4a18837d in blink::HTMLInputElement::updateType() "
                  "third_party/WebKit/Source/core/html/HTMLInputElement.cpp:474",
                  "#4 0x7efd4a2e5313 in blink::SearchInputType::create(blink::HTMLInputElement&) "
                  "third_party/WebKit/Source/core/html/forms/SearchInputType.cpp:57:31"],
         notes="Chrome ASan heap-use-after-free report (three stacks of 50-90 frames). Ground truth: "
               "clusterfuzz severity_analyzer_test.py reads this file as crash type 'Heap-use-after-free\\nREAD 8'; "
               "needles: the error line, the access, the top use frame and the first non-refcount frames of "
               "the free and allocation stacks."),
    dict(id="dev-05", kind="asan", repo="google/clusterfuzz", commit=CF,
         path=CF_DATA + "lsan_multiple_leaks.txt",
         query="Where is the largest memory leak allocated, and how much is leaked in total?",
         retrieve_query="largest direct leak allocation stack and leak summary",
         needles=["Direct leak of 196608 byte(s) in 3 object(s) allocated from:",
                  "#1 0x7f1bb40eebec in pepper::AutoBuffer::AllocateBuffer(unsigned long) "
                  "/home/rtcbldr/ws/St_Make/code/flash/platform/pepper/base/pep_auto_buffer.cpp:69",
                  "SUMMARY: AddressSanitizer: 236448 byte(s) leaked in 450 allocation(s)."],
         notes="LeakSanitizer report (34 direct/indirect leaks) after Chrome/Flash start-up lines. Ground truth: "
               "stack_analyzer_test.py test_lsan_multiple_leaks expects type Direct-leak, state "
               "'pepper::AutoBuffer::AllocateBuffer'; needles: that leak's header and frame, and the summary."),
    dict(id="dev-06", kind="coverage", repo="Arisofia/loans-analytics", commit=LOANS,
         path="coverage_report.txt",
         query="What is the test coverage of src/pipeline/kpi_calculation.py and which of its lines are not "
               "covered? What is the total?",
         retrieve_query="src/pipeline/kpi_calculation.py coverage missing lines",
         needles=["src/pipeline/kpi_calculation.py                    163    111     58      5    26%   "
                  "32-34, 37-42, 56-58, 63-90, 104-127, 142-184, 192-206, 218, 224-245",
                  "TOTAL                                             7661   3847   1884    235    47%",
                  "FAIL Required test coverage of 85.0% not reached. Total coverage: 47.07%"],
         notes="pytest + pytest-cov `--cov-report=term-missing` console (progress lines, 36 warnings, a "
               "190-file branch-coverage table). No separate ground truth: needles are the table row of the "
               "file the query names and the totals."),
    dict(id="dev-07", kind="lockfile", repo="google/clusterfuzz", commit=CF,
         path="Pipfile.lock",
         query="Which versions of grpcio, grpcio-status and grpcio-tools are locked?",
         retrieve_query="grpcio grpcio-status grpcio-tools version",
         needles=['"grpcio-status": {',
                  '"version": "==1.74.0"',
                  '"version": "==1.62.3"',
                  '"grpcio-tools": {',
                  '"version": "==1.62.2"'],
         notes="Pipenv lock file (97 packages with sha256 hash lists, default + develop). Ground truth: the "
               "lock's own entries (grpcio ==1.74.0 in both sections, grpcio-status ==1.62.3, grpcio-tools "
               "==1.62.2); needles: the entries' names and version lines."),
    dict(id="dev-08", kind="openapi", repo="Arisofia/loans-analytics", commit=LOANS,
         path="openapi.yaml",
         query="What does POST /analytics/risk-alerts take in its request body (with defaults) and what does it "
               "return?",
         retrieve_query="/analytics/risk-alerts request body thresholds response schema",
         needles=["operationId: getRiskAlerts",
                  "default: 80.0",
                  "description: LTV threshold percentage for high-risk classification",
                  "description: DTI threshold percentage for high-risk classification",
                  '$ref: "#/components/schemas/RiskAlertsResponse"'],
         notes="OpenAPI 3.0.3 YAML spec (16 paths, components/schemas). No separate ground truth: needles are "
               "the lines of the operation the query names."),
    dict(id="dev-09", kind="sql_table", repo="pgvector/pgvector", commit=PGVECTOR,
         path="test/expected/vector_type.out",
         query="What do avg() and sum() return when aggregating vectors, and which of those aggregate queries "
               "raise errors?",
         retrieve_query="avg sum aggregate over vectors results and errors",
         needles=["[2,3.5,5]",
                  "[4,7,10]",
                  "ERROR:  expected 2 dimensions, not 1",
                  "ERROR:  different vector dimensions 2 and 1",
                  "ERROR:  value out of range: overflow"],
         notes="psql regression output (159 statements with result tables and ERROR/LINE/caret blocks), "
               "pgvector's expected file for test/sql/vector_type.sql. Ground truth: the expected output "
               "itself; needles: the avg/sum results and the errors of the mismatched and overflowing cases."),
    dict(id="dev-10", kind="npm_eresolve", repo="npm/cli", commit=NPMCLI,
         path="tap-snapshots/test/lib/utils/explain-eresolve.js.test.cjs",
         query="Why can't npm resolve the dependency tree for gatsby-recipes, and which peer dependency "
               "conflicts?",
         retrieve_query="gatsby-recipes ERESOLVE could not resolve peer ink",
         needles=["While resolving: gatsby-recipes@0.2.31",
                  "Found: ink@3.0.0-7",
                  'peer ink@">=2.0.0" from ink-box@1.0.0',
                  'ink-box@"^1.0.0" from gatsby-recipes@0.2.31'],
         notes="npm ERESOLVE explanations (7 conflicts x 5 renderings, some with ANSI colour) inside a tap "
               "snapshot file. Ground truth: the snapshot is the expected output for the 'gatsby' conflict of "
               "test/fixtures/eresolve-explanations.js; needles: its resolving/found/could-not-resolve lines."),
]
