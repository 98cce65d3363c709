"""Probe topic "ops": operations output (see README.md). build.py turns these into cases/.

Fields as in bench/wild/sources.py: id, kind, repo, commit (40 hex) and one of path | paths | cmd,
optional lines=[first, end) excerpt (1-based, as `sed -n` prints it), query, retrieve_query, needles, notes.
Needles come from each source's own ground truth where it has one (named in notes), else they are
the lines that answer the query.
"""

ANDLOGVIEW = "c3b5797eb30fbfda7b5d7c07c83a37777285562a"      # mlopatkin/andlogview
LNAV = "bb0005f96c8dc486ee0b9005a4562be0ef61c878"            # tstack/lnav
PERCONA = "8d0f14c1800a06c12f8967a5564015d16c40609d"         # percona/percona-toolkit
ES_EXP = "9bc4295ddde4bb26df5e5a81649c9b6fdac5278c"          # prometheus-community/elasticsearch_exporter
CUSTODIAN = "df800e9e94d0860e0d8fbfebd9bc5b9b2d50367d"       # cloud-custodian/cloud-custodian
LIBUV = "6179e7af87413396d5853a1c3722c8b5749336c8"           # libuv/libuv (the wild corpus's commit)

PT_SUMMARY = "t/pt-mysql-summary/samples/"

CASES = [
    dict(id="ops-01", kind="logcat", repo="mlopatkin/andlogview", commit=ANDLOGVIEW,
         path="base/src/jmh/resources/name/mlopatkin/andlogview/base/io/test_log_lf.log", lines=[451, 1151],
         query="Did any app stop responding (ANR) in this logcat? Which app and activity, which PID, and why?",
         retrieve_query="ANR in Application is not responding Input dispatching timed out",
         needles=["E ActivityManager: ANR in name.mlopatkin.shuttle (name.mlopatkin.shuttle/.NewMainActivity)",
                  "E ActivityManager: PID: 18535",
                  "E ActivityManager: Reason: Input dispatching timed out (Waiting because no window has focus but "
                  "there is a focused application that may eventually add a window when it finishes starting up.)"],
         notes="`adb logcat -v threadtime` of an Android emulator (5000 lines), kept by andlogview as a benchmark "
               "input for its line reader; excerpt: 700 lines around the one ANR (InputDispatcher's not-responding "
               "line, the tombstoned stack dumps of every process, then ActivityManager's ANR report with its CPU "
               "table). No ground truth beyond the log; needles: ActivityManager's ANR report lines naming the "
               "app, its PID and the reason."),
    dict(id="ops-02", kind="strace", repo="tstack/lnav", commit=LNAV, path="test/logfile_strace_log.2",
         query="Which system calls failed in this strace of firefox starting, with which errno, and on which paths?",
         retrieve_query="= -1 ENOENT EINVAL failed syscall",
         needles=['access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)',
                  'stat("/usr/local/sbin/which", 0x7ffc016a28a0) = -1 ENOENT (No such file or directory)',
                  'stat("/usr/sbin/which", 0x7ffc016a28a0) = -1 ENOENT (No such file or directory)',
                  "arch_prctl(0x3001 /* ARCH_??? */, 0x7ffc016a2eb0) = -1 EINVAL (Invalid argument)"],
         notes="`strace -f -tt -T` of `firefox` (two PIDs, a shell wrapper running `which`), an lnav test log for "
               "its strace format. No ground truth beyond the trace; needles: the failing calls (7 of 116 "
               "lines; the ld.so.preload and arch_prctl failures repeat in the second PID)."),
    dict(id="ops-03", kind="zeek_log", repo="tstack/lnav", commit=LNAV, path="test/logfile_bro_http.log.0",
         query="Which HTTP request in this Zeek http.log got a 404? Give the client, the host and URI, and the time.",
         retrieve_query="status_code 404 Not Found",
         needles=["1320279589.337053 CBHHuR1xFnm5C5CQBc 192.168.2.76 52074 74.125.225.76 80 1 GET i4.ytimg.com "
                  "/vi/gDbg_GeuiSY/hqdefault.jpg",
                  "#fields ts uid id.orig_h id.orig_p id.resp_h id.resp_p trans_depth method host uri"],
         notes="Zeek (Bro) http.log in its TSV format (#separator/#fields/#types header, 198 requests, 30 "
               "columns), an lnav test log. No ground truth beyond the log; needles: the only request with "
               "status 404 (its leading fields; the status sits 6 columns later) and the #fields header that "
               "names the columns."),
    dict(id="ops-04", kind="innodb_status", repo="percona/percona-toolkit", commit=PERCONA,
         path=PT_SUMMARY + "innodb-status.001.txt",
         query="InnoDB threads are stuck on semaphores: which RW-latch have they waited on longest, for how long, "
               "and which thread holds it?",
         retrieve_query="has waited for seconds the semaphore RW-latch writer has reserved it",
         needles=["has waited at btr/btr0cur.c line 523 for 13.000 seconds the semaphore:",
                  "S-lock on RW-latch at 0x7f4bedbf8810 '&block->lock'",
                  "a writer (thread id 139960567171408) has reserved it in mode exclusive"],
         notes="`SHOW ENGINE INNODB STATUS` of a busy MySQL 5.1/5.5 server (164 semaphore waits, then file I/O, "
               "buffer pool, row operations, transactions), a pt-mysql-summary test sample. No ground truth "
               "for this question; needles: the longest waits (13 s, three threads, all at btr0cur.c line 523) "
               "and the latch and writer thread they wait on."),
    dict(id="ops-05", kind="mysql_processlist", repo="percona/percona-toolkit", commit=PERCONA,
         path=PT_SUMMARY + "processlist-001.txt",
         query="Apart from sleeping connections, what is running on this MySQL server? Is replication running, "
               "and is any client executing a query?",
         retrieve_query="Command Binlog Dump Connect Query State replication",
         needles=["Command: Binlog Dump",
                  "State: Has sent all binlog to slave; waiting for binlog to be updated",
                  "State: Waiting for master to send event",
                  "State: Has read all relay log; waiting for the slave I/O thread to update it",
                  "Id: 3475999779"],
         notes="`SHOW FULL PROCESSLIST\\G` (vertical rows; 167 threads, 162 of them Sleep), a pt-mysql-summary "
               "test sample. No ground truth for this question; needles: the non-sleeping threads (the "
               "replica's binlog dump, the two replication threads, the one client query besides root's "
               "`show full processlist`)."),
    dict(id="ops-06", kind="es_stats", repo="prometheus-community/elasticsearch_exporter", commit=ES_EXP,
         path="fixtures/indices/shards/7.17.3.json",
         query="How many documents does index foo_2 hold, how large is its primary store in bytes, and on which "
               "node is its shard?",
         retrieve_query="foo_2 docs count store size_in_bytes routing node",
         needles=['"foo_2": {',
                  '"size_in_bytes": 12925',
                  '"node": "49nZYKtiQdGg7Nl_sVsI1A"'],
         notes="Elasticsearch 7.17.3 `GET _stats?level=shards` response (pretty JSON, _all plus 4 indices with "
               "primaries, total and per-shard stats), the exporter's test fixture (its stream decoder and "
               "benchmark read it). No ground truth for this question beyond the response (foo_2: 3 docs, "
               "12925 bytes, one started primary shard); needles: the index key, its store size and its shard's "
               "node (one node holds every shard, so the node needle alone proves little)."),
    dict(id="ops-07", kind="aws_describe", repo="cloud-custodian/cloud-custodian", commit=CUSTODIAN,
         path="tests/data/placebo/ec2_image_metadata_filter/ec2.DescribeInstances_1.json",
         query="Which EC2 instances are in the running state? Give each one's instance ID and private IP.",
         retrieve_query="State Name running InstanceId PrivateIpAddress",
         needles=['"InstanceId": "i-0dadad9a5766309d5"', '"PrivateIpAddress": "10.0.1.221"',
                  '"InstanceId": "i-04a98c45989173c97"', '"PrivateIpAddress": "10.0.1.7"',
                  '"InstanceId": "i-01075d2aecbb230b6"', '"PrivateIpAddress": "10.0.1.251"'],
         notes="EC2 DescribeInstances response recorded by placebo for a cloud-custodian test (the boto3 JSON "
               "that `aws ec2 describe-instances` prints, wrapped in status_code/data, dates as objects), 13 "
               "instances of which 3 are running. Ground truth: the State of each instance in the response (the "
               "test filters running instances by their image); needles: the running instances' IDs and private "
               "IPs."),
    dict(id="ops-08", kind="git_log_stat", repo="libuv/libuv", commit=LIBUV,
         cmd=["log", "--stat", "-n", "60", LIBUV],
         query="Which commits in this history reference a GitHub security advisory (GHSA)? Give each commit's hash, "
               "subject and the files it changed.",
         retrieve_query="security advisories GHSA Refs",
         needles=["commit 8877568581d170b70849481cae3eb5ed36fb6a7d",
                  "unix: enforce recvmmsg buffer size requirements (#5095)",
                  "commit ec0ab5d77d32d836a60b024fa43d54ed3ce3ce87",
                  "win: fix off-by-one in utf-16 to wtf-8 conversion (#5050)",
                  "src/win/tty.c | 3 ++-"],
         notes="`git log --stat -n 60` of libuv at the wild corpus's commit (60 commits, messages and diffstats). "
               "Ground truth: the log itself (two commits carry a `Refs: .../security/advisories/GHSA-...` "
               "trailer); needles: their hashes and subjects, and the second one's one-file src change."),
]
