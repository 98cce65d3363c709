"""Probe topic "infra": infrastructure tool output (see README.md). build.py turns these into cases/.

Fields as in bench/wild/sources.py: id, kind, repo, commit (40 hex) and one of path | paths | cmd,
optional lines=[first, end) excerpt (1-based, as `sed -n` prints it), query, retrieve_query, needles, notes.
Needles come from each source's own ground truth where it has one (named in notes), else they are
the lines that answer the query.
"""

DEX4ER_TF = "e70a20db6e1c99420d280f978511a45e4c7f4d95"       # dex4er/tf
MYSERVICE = "c035d89c2521cf31afcd55b1a40aedb75e172023"       # bshehram/myservice-devops-aws-tf
HOLMES = "c1ee1d43598b89ca59481615b40a3340a32f2202"          # robusta-dev/holmesgpt
NODE_EXP = "a7dcc3a01545180d4f2087db70994cbc3abfed13"        # prometheus/node_exporter
PROM_CHARTS = "cf408a290aec489277a94450bb3511432477a53a"     # prometheus-community/helm-charts
DSDOJO = "f0ccab6a7ceafdff780052166fb6fab3311398eb"          # datasciencedojo/datasets
LNAV = "bb0005f96c8dc486ee0b9005a4562be0ef61c878"            # tstack/lnav
DOCKER_SRC = "d0b8603e52a7882b02611c4aeca7526d29c1fa6b"      # yangyumo123/docker-source-analysis
ANSIBLE = "c9ac477e53a99e95781f333eec3329a935c1bf95"         # ansible/ansible

HOLMES_FX = "tests/llm/fixtures/"

CASES = [
    dict(id="infra-01", kind="terraform_plan", repo="dex4er/tf", commit=DEX4ER_TF,
         path="tests/25_apply_full_terraform.out", lines=[5, 397],
         query="Which resource will terraform destroy and replace, and what forces the replacement?",
         retrieve_query="resource must be replaced forces replacement destroy",
         needles=['time_sleep.this["1s"]',
                  '(imported from "1s,1s")',
                  "Warning: this will destroy the imported resource",
                  "# forces replacement",
                  "1 to import, 20 to add, 0 to change, 1 to destroy."],
         notes="`tf plan -full` (dex4er/tf, a terraform wrapper that prints terraform's own plan, ANSI colours "
               "kept) captured by tests/25_apply_full_terraform.sh and kept as its expected output (the test diffs "
               "against it); excerpt: the plan command only (up to the `tf apply` line). Ground truth: the expected "
               "output itself; needles: the replaced resource's address (once in the excerpt, on its `must be "
               "replaced` line; the refresh lines print `this[\"Xs\"]`), its import note and warning, the "
               "attribute that forces replacement, and the plan summary."),
    dict(id="infra-02", kind="terraform_apply", repo="bshehram/myservice-devops-aws-tf", commit=MYSERVICE,
         path="SAMPLE_TF_APPLY.md", lines=[4, 1162],
         query="What instance class do the RDS cluster instances use, and how long did the slowest one take to "
               "create?",
         retrieve_query="aws_rds_cluster_instance instance_class Creation complete after",
         needles=['instance_class = "db.t4g.medium"',
                  "aws_rds_cluster_instance.db[1]: Creation complete after 15m55s [id=myservice-1]",
                  "Apply complete! Resources: 30 added, 0 changed, 0 destroyed."],
         notes="A real `terraform apply` console capture (AWS, 30 resources: plan, `Still creating...` progress, "
               "outputs) pasted into the repository's SAMPLE_TF_APPLY.md; excerpt: the fenced block's contents. "
               "No separate ground truth; needles: the lines that answer the query (the cluster instances' planned "
               "instance_class, the last instance's completion line) and the apply summary."),
    dict(id="infra-03", kind="kubectl", repo="robusta-dev/holmesgpt", commit=HOLMES,
         path=HOLMES_FX + "test_ask_holmes/34_memory_graph/kubectl_get_by_kind_in_cluster.txt", lines=[4, 85],
         query="Which pods in the cluster are not healthy (crashing or not ready), and on which node do they run?",
         retrieve_query="pod CrashLoopBackOff not ready 0/1",
         needles=["NAMESPACE NAME READY STATUS RESTARTS AGE IP NODE",
                  "db-certs-authenticator-757f89d977-8lng4 0/1 CrashLoopBackOff 42 (119s ago) 2d17h "
                  "10.244.3.14 local-kind-multi-node-worker4"],
         notes="`kubectl get pods -A -o wide --show-labels` on a kind cluster, recorded by HolmesGPT as a tool-call "
               "fixture for its LLM tests; excerpt: the command's stdout without the fixture's two JSON header "
               "lines and `stdout:`/`stderr:` markers. No ground truth for this question (the test asks for a "
               "graph); needles: the header and the only pod in CrashLoopBackOff (the other 0/1 pod is a Completed "
               "job)."),
    dict(id="infra-04", kind="kubectl", repo="robusta-dev/holmesgpt", commit=HOLMES,
         path=HOLMES_FX + "test_investigate/03_cpu_throttling/kubectl_describe_node.txt", lines=[3, 143],
         query="How much memory is requested in total on node kind-double-node-worker, and which pod requests the "
               "most memory?",
         retrieve_query="Allocated resources memory requests pod Memory Requests",
         needles=["memory 25181Mi (26%) 23343Mi (24%)",
                  "loki-chunks-cache-0 500m (1%) 0 (0%) 9830Mi (10%) 9830Mi (10%) 9d"],
         notes="`kubectl describe node kind-double-node-worker` (72 non-terminated pods), recorded by HolmesGPT as a "
               "tool-call fixture; excerpt: the command's output without the fixture's two JSON header lines. No "
               "ground truth for this question; needles: the Allocated resources memory row and the pod row with "
               "the largest memory request."),
    dict(id="infra-05", kind="metrics", repo="prometheus/node_exporter", commit=NODE_EXP,
         path="collector/fixtures/e2e-output.txt", lines=[1744, 3202],
         query="Which md RAID arrays have failed disks, and how many failed disks does each have?",
         retrieve_query="node_md_disks state failed",
         needles=['node_md_disks{device="md11",state="failed"} 1',
                  'node_md_disks{device="md4",state="failed"} 1',
                  'node_md_disks{device="md6",state="failed"} 1',
                  'node_md_disks{device="md7",state="failed"} 1',
                  'node_md_disks{device="md9",state="failed"} 2'],
         notes="Prometheus text exposition of node_exporter, its end-to-end golden file (end-to-end-test.sh diffs a "
               "scrape of the fixtures against it); excerpt from node_infiniband_info to node_network_receive_bytes "
               "(infiniband, interrupts, ipvs, ksmd, lnstat, md, memory, mountstats, netstat, network). Ground "
               "truth: the golden file's node_md_disks{state=\"failed\"} samples; needles: every non-zero one."),
    dict(id="infra-06", kind="yaml", repo="prometheus-community/helm-charts", commit=PROM_CHARTS,
         path="charts/kube-prometheus-stack/values.yaml",
         query="How long does the chart's Prometheus server (prometheus.prometheusSpec) keep metrics by default, "
               "and is a retention size limit set?",
         retrieve_query="prometheusSpec retention retentionSize",
         needles=["## How long to retain metrics ## retention: 10d",
                  'retentionSize: ""'],
         notes="The kube-prometheus-stack Helm chart's default values.yaml (~50k tokens; `retention:` also appears "
               "under alertmanagerSpec (120h) and thanosRulerSpec (24h)). Ground truth: the file itself; needles: "
               "the prometheusSpec retention line with its comment, and retentionSize."),
    dict(id="infra-07", kind="csv", repo="datasciencedojo/datasets", commit=DSDOJO,
         path="WorldDBTables/CityTable.csv", lines=[1, 3001],
         query="What district and population does the table give for Kisumu (KEN) and for Bialystok (POL)?",
         retrieve_query="Kisumu Bialystok",
         needles=["id,name,country_code,district,population",
                  "1883,Kisumu,KEN,Nyanza,192733",
                  "2938,Bialystok,POL,Podlaskie,283937"],
         notes="The MySQL `world` sample database's city table as CSV (first 3000 lines of 4080). Ground truth: the "
               "rows themselves; needles: the header and the two rows asked for."),
    dict(id="infra-08", kind="access_log", repo="tstack/lnav", commit=LNAV,
         path="test/logfile_shop_access_log.0", lines=[600, 900],
         query="Which product pages returned 404 Not Found?",
         retrieve_query="GET /product 404",
         needles=['"GET /product/7524?model=9206 HTTP/1.1" 404 33634',
                  '"GET /product/12705 HTTP/1.1" 404 33559',
                  '"GET /product/4423?model=2194 HTTP/1.1" 404 33558',
                  '"GET /product/14047 HTTP/1.1" 404 33559',
                  '"GET /product/17699?model=34638 HTTP/1.1" 404 33559',
                  '"GET /product/24030 HTTP/1.1" 404 33631',
                  '"GET /product/77690 HTTP/1.1" 404 33631'],
         notes="nginx combined access log of an e-commerce site (zanbil.ir, Jan 2019; long percent-encoded Persian "
               "URLs, bots), kept by lnav as a test log; excerpt: lines 600-899 (~43k tokens). No ground truth for "
               "this question; needles: every `/product/` request with status 404 in the excerpt (the other 404s "
               "are HEAD probes of an AMP polyfill URL)."),
    dict(id="infra-09", kind="docker_build", repo="yangyumo123/docker-source-analysis", commit=DOCKER_SRC,
         path="reference/docker-build.md", lines=[8, 1138],
         query="Did the docker image build succeed, what image ID did it produce, and which binaries were created?",
         retrieve_query="Successfully built Created binary",
         needles=["Successfully built 23ebda74733a",
                  "Created binary: bundles/1.12.6/binary-client/docker-1.12.6",
                  "Created binary: bundles/1.12.6/binary-daemon/dockerd-1.12.6",
                  "Created binary: bundles/1.12.6/binary-daemon/docker-proxy-1.12.6"],
         notes="`make binary` in a docker 1.12.6 checkout: `docker build` of the dev image with the legacy builder "
               "(Sending build context, 50 Steps, apt/git/go output, intermediate containers) then hack/make.sh, "
               "captured in full into the author's notes (indented code block; excerpt: the block). No separate "
               "ground truth; needles: the build result and the created binaries."),
    dict(id="infra-10", kind="ansible", repo="ansible/ansible", commit=ANSIBLE,
         path="test/integration/targets/callback_default/callback_default.out.result_format_yaml_verbose.stdout",
         query="Which tasks failed in this playbook run, with what messages, and were the failures ignored or "
               "rescued?",
         retrieve_query="fatal FAILED! failed task ignoring rescued",
         needles=["TASK [Failed task]",
                  "msg: no reason ...ignoring",
                  "TASK [EXPECTED FAILURE Failed task to be rescued]",
                  "msg: Failed as requested from task",
                  "failed: [testhost] (item=debug-2) => msg: debug-2",
                  "rescued=1 ignored=2"],
         notes="`ansible-playbook -i inventory test.yml -v` with the default callback and result_format=yaml; "
               "ansible's own expected stdout (callback_default/runme.sh diffs the run against it). Ground truth: "
               "the expected output; needles: the failed tasks and their messages, the failed loop item, and the "
               "recap's rescued/ignored counts."),
]
