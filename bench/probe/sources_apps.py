"""Probe topic "apps": application-side output of shapes the engines were not tuned for (see README.md).

Fields as in bench/wild/sources.py: id, kind, repo, commit (40 hex) and one of path | paths | cmd,
optional lines=[first, end) excerpt (1-based, as `sed -n` prints it), query, retrieve_query, needles, notes.
Needles come from each source's own ground truth where it has one (named in notes), else they are
the lines that answer the query.
"""

ICDAB = "a6b59e1f2f49b72bbf8584294118ca52f13b80cb"          # faisalmemon/ios-crash-dump-analysis-book
LIFERAY_REF = "2beccea643d14003094a9694b2593679cacc8299"    # ktor/liferay-reference
HTTPX = "ae1b9f66238f75ced3ced5e4485408435de10768"          # encode/httpx
WEBPACK = "bc3e930f75e3f6ecbdf193a0dedf6067ea3a286b"        # webpack/webpack
SPHINX = "e44a40eb2f810558ccd9da1425421270ccb81351"         # sphinx-doc/sphinx
COMMONS_LANG = "d15939ef46f0bd4144994df8be95cf5a7f91eb52"   # apache/commons-lang
PDSH = "d66231454ef753818dc9213c9b5942e067266966"           # jakevdp/PythonDataScienceHandbook
GH_CLI = "44ee17760709bedf1cad7e452e61751489b81a33"         # cli/cli

CASES = [
    dict(id="app-01", kind="ios_crash", repo="faisalmemon/ios-crash-dump-analysis-book", commit=ICDAB,
         path="examples/assert_crash_ios/icdab_planets-symbols-available.crash",
         query="Why did icdab_planets crash: what exception and signal, on which thread, and which line of the "
               "app's own code was running?",
         retrieve_query="Exception Type Triggered by Thread crashed icdab_planets frame",
         needles=["Exception Type:  EXC_CRASH (SIGABRT)",
                  "Triggered by Thread:  0",
                  "Thread 0 Crashed:",
                  "2   libsystem_c.dylib             \t0x00000001861f4934 abort + 100",
                  "4   icdab_planets                 \t0x00000001048290f0 -[PlanetViewController viewDidLoad] + "
                  "20720 (PlanetViewController.mm:33)"],
         notes="An iOS 13.5 crash report (.crash, symbolicated: header, 8 threads, ARM thread state, ~280 Binary "
               "Images lines) kept by the book 'iOS Crash Dump Analysis' as the example of an assertion crash. "
               "Ground truth: the book's chapters (markdown/CrashReport.md, markdown/Symbolification.md) explain "
               "this report as an abort() from an assert in viewDidLoad at PlanetViewController.mm:33; needles: "
               "the exception and trigger lines, the crashed thread header, the abort frame and the app frame."),
    dict(id="app-02", kind="maven_tree", repo="ktor/liferay-reference", commit=LIFERAY_REF,
         path="README.md", lines=[19, 1376],
         query="Which dependency brings commons-lang3 into this project, through which chain, and at what version?",
         retrieve_query="org.apache.commons:commons-lang3 dependency path",
         needles=["[INFO] +- io.appium:java-client:jar:1.6.2:compile",
                  "[INFO] |  +- org.seleniumhq.selenium:selenium-java:jar:2.42.2:compile",
                  "[INFO] |  |  +- org.seleniumhq.selenium:selenium-htmlunit-driver:jar:2.42.2:compile",
                  "[INFO] |  |  |  \\- net.sourceforge.htmlunit:htmlunit:jar:2.14:compile",
                  "[INFO] |  |  |     +- org.apache.commons:commons-lang3:jar:3.2.1:compile"],
         notes="`mvn dependency:tree` of a reference project that depends on all of Liferay 7.1 (~1350 lines, "
               "mostly flat `+-` rows of com.liferay modules, a few deep subtrees), pasted into the README; "
               "excerpt: the fenced block's contents. Ground truth: the tree itself (commons-lang3 appears once); "
               "needles: the path from the root to it, one line per level."),
    dict(id="app-03", kind="changelog", repo="encode/httpx", commit=HTTPX,
         path="CHANGELOG.md",
         query="In which httpx release did redirects stop being followed automatically, how do I get the old "
               "behaviour back, and what else changed about raise_for_status() in that release?",
         retrieve_query="follow_redirects allow_redirects raise_for_status release",
         needles=["## 0.20.0 (13th October, 2021)",
                  "* The `allow_redirects` flag is now `follow_redirects` and defaults to `False`.",
                  "`Client(follow_redirects=True)`",
                  "* The `raise_for_status()` method will now raise an exception for any responses except those "
                  "with 2xx status codes."],
         notes="httpx's Markdown changelog, 80 releases from 0.6.0 to 0.28.1 (~13k tokens). Ground truth: the "
               "0.20.0 section itself; needles: its heading, the redirect change, the opt-in and the "
               "raise_for_status change (allow_redirects is also named in 0.19.0, 0.14.2 and 0.11.1)."),
    dict(id="app-04", kind="webpack_stats", repo="webpack/webpack", commit=WEBPACK,
         path="test/statsCases/split-chunks-max-size/__snapshots__/StatsTest.snap",
         query="Which of the webpack builds compiled with warnings, and what do the warnings say is wrong with "
               "the splitChunks configuration?",
         retrieve_query="WARNING in SplitChunksPlugin compiled with warnings minSize maxSize",
         needles=["WARNING in SplitChunksPlugin",
                  "Cache group defaultVendors",
                  "Fallback cache group",
                  "Configured minSize (X bytes) is bigger than maxSize (X bytes).",
                  "This seem to be a invalid optimization.splitChunks configuration.",
                  "switched (webpack x.x.x) compiled with 2 warnings"],
         notes="webpack's expected stats output for its split-chunks-max-size case (a multi-compiler run: six "
               "configurations, each a list of chunks with their modules; sizes and hashes normalised to X by the "
               "test). Ground truth: the case's webpack.config.js gives only the `switched` configuration "
               "minSize 1000 > maxSize 100; needles: its two warnings and its summary line."),
    dict(id="app-05", kind="gettext_po", repo="sphinx-doc/sphinx", commit=SPHINX,
         path="sphinx/locale/de/LC_MESSAGES/sphinx.po",
         query="In the German Sphinx catalog, how are 'Table of Contents' and 'Search Results' translated, and in "
               "which template files are they used?",
         retrieve_query="msgid Table of Contents Search Results msgstr",
         needles=["#: themes/agogo/layout.html:29 themes/basic/globaltoc.html:2",
                  'msgid "Table of Contents" msgstr "Inhaltsverzeichnis"',
                  "#: themes/basic/static/searchtools.js:132",
                  'msgid "Search Results" msgstr "Suchergebnisse"'],
         notes="Sphinx's German gettext catalog (~1000 messages, 699 untranslated, ~30k tokens). Ground truth: "
               "the catalog entries themselves; needles: the two entries the query names with their source "
               "references."),
    dict(id="app-06", kind="pom_xml", repo="apache/commons-lang", commit=COMMONS_LANG,
         path="pom.xml",
         query="What code-coverage minimums does the JaCoCo check enforce in this build (line, branch and "
               "complexity ratios), does a miss fail the build, and which profile changes a coverage ratio?",
         retrieve_query="commons.jacoco ratio haltOnFailure profile",
         needles=["<commons.jacoco.haltOnFailure>true</commons.jacoco.haltOnFailure>",
                  "<commons.jacoco.branchRatio>0.92</commons.jacoco.branchRatio>",
                  "<commons.jacoco.lineRatio>0.96</commons.jacoco.lineRatio>",
                  "<commons.jacoco.complexityRatio>0.91</commons.jacoco.complexityRatio>",
                  "<id>java-25-up</id>"],
         notes="Apache Commons Lang's Maven pom.xml (~10k tokens: dependencies, ~40 properties, build plugins, "
               "nine profiles, developers and contributors lists). Ground truth: the pom itself; needles: the "
               "JaCoCo properties the query names and the profile (java-25-up, JDK 25+) that sets a coverage "
               "ratio again."),
    dict(id="app-07", kind="notebook", repo="jakevdp/PythonDataScienceHandbook", commit=PDSH,
         path="notebooks/03.05-Hierarchical-Indexing.ipynb",
         query="Which cell in this notebook raised an error, what was the error, and how does the notebook do "
               "that slice instead?",
         retrieve_query="error output traceback cell IndexSlice",
         needles=['"ename": "SyntaxError"',
                  '"evalue": "invalid syntax (3311942670.py, line 1)"',
                  "health_data.loc[(:, 1), (:, 'HR')]",
                  "idx = pd.IndexSlice",
                  "health_data.loc[idx[:, 1], idx[:, 'HR']]"],
         notes="A Jupyter notebook as saved (nbformat 4 JSON: markdown and code cells, text/plain and text/html "
               "DataFrame outputs, one error output with an ANSI-coloured traceback; ~20k tokens). Ground truth: "
               "the notebook's own markdown says a slice inside an index tuple is a syntax error and shows "
               "pd.IndexSlice instead; needles: the error output's name and value, the failing source and the "
               "IndexSlice cell."),
    dict(id="app-08", kind="graphql_response", repo="cli/cli", commit=GH_CLI,
         path="pkg/cmd/pr/status/fixtures/prStatusChecksWithStatesByCount.json",
         query="Which of my pull requests has failing checks, how many of its checks fail, and what is its "
               "review status?",
         retrieve_query="pull request checks FAILURE count reviewDecision",
         needles=['"number": 6',
                  '"title": "Avocado is probably not a berry"',
                  '"reviewDecision": "REVIEW_REQUIRED"',
                  '"checkRunCount": 2',
                  '"state": "FAILURE", "count": 1'],
         notes="GitHub GraphQL response for `gh pr status` (viewerCreated pull requests, each with a "
               "statusCheckRollup of check-run and status-context counts by state, 13 states each), a gh test "
               "fixture. Ground truth: TestPRStatus_reviewsAndChecksWithStatesByCount in "
               "pkg/cmd/pr/status/status_test.go expects `× 1/3 checks failing - Review required` (2 check runs "
               "+ 1 status context, the context FAILURE); needles: that pull request's number, title, review "
               "decision, check-run count and the one non-zero FAILURE count."),
]
