/*
 * Samples of the acceptance operations for test_ops.c (see
 * ops_samples_plan.h). 昌吉市 CJ001-CJ008 are 已调试 (08-01): CJ008 fails
 * its first self-inspection and is inspected again once the order is
 * closed; all eight are then self-inspected (CJ006 and CJ007 from a file), applied for in two
 * applications (CJ001-CJ004 from a list, one per stratum, so all are
 * sampled; the rest with --all-passed), assigned to the test's reviewer
 * (t_reviewer, who may record results only on applications assigned to
 * them), and the sampled households pass, so that every one of them is
 * 复核通过 for the subsidy samples that follow. The seed of the second
 * application samples CJ005 of its three 燃气 households.
 */
SAMPLE("inspect.record", "CJ008 --county 昌吉市 --result fail --date 2023-10-05 --inspector 张三 "
                         "--item stove_removed=fail")
SAMPLE("rectification.list", "--open --as-of 2023-10-06")
SAMPLE("rectification.close", "1 --date 2023-10-07 --note 旧炉具已拆除")
SAMPLE("inspect.record", "CJ001 --county 昌吉市 --result pass --date 2023-10-08 --inspector 张三 "
                         "--evidence tests/fixtures/acceptance/photo.jpg")
SAMPLE("inspect.record", "CJ002 --county 昌吉市 --result pass --date 2023-10-08 --inspector 张三 "
                         "--evidence tests/fixtures/acceptance/photo.jpg")
SAMPLE("inspect.record", "CJ003 --county 昌吉市 --result pass --date 2023-10-08 --inspector 张三 "
                         "--evidence tests/fixtures/acceptance/photo.jpg")
SAMPLE("inspect.record", "CJ004 --county 昌吉市 --result pass --date 2023-10-08 --inspector 张三 "
                         "--evidence tests/fixtures/acceptance/photo.jpg")
SAMPLE("inspect.record", "CJ005 --county 昌吉市 --result pass --date 2023-10-08 --inspector 张三 "
                         "--evidence tests/fixtures/acceptance/photo.jpg")
SAMPLE("inspect.import", "tests/fixtures/acceptance/inspections.csv")
SAMPLE("inspect.record", "CJ008 --county 昌吉市 --result pass --date 2023-10-08 --inspector 张三 "
                         "--evidence tests/fixtures/acceptance/photo.jpg")
SAMPLE("review.apply",
       "--county 昌吉市 --date 2023-10-10 --households tests/fixtures/acceptance/review-list.csv")
SAMPLE("review.apply", "--county 昌吉市 --date 2023-10-10 --all-passed")
SAMPLE("review.list", "")
SAMPLE("review.assign",
       "复核-652301-2023-001 --unit 州住建局 --reviewer t_reviewer --seed 2023-10-12-摇号-0417")
SAMPLE("review.assign",
       "复核-652301-2023-002 --unit 州住建局 --reviewer t_reviewer --seed 2023-10-12-摇号-0418")
SAMPLE("review.sample", "复核-652301-2023-002")
SAMPLE("review.sample", "复核-652301-2023-002 --verify")
SAMPLE("review.result",
       "复核-652301-2023-001 CJ001 --result pass --date 2023-10-20 --evidence tests/fixtures/acceptance/photo.jpg")
SAMPLE("review.result",
       "复核-652301-2023-001 CJ002 --result pass --date 2023-10-20 --evidence tests/fixtures/acceptance/photo.jpg")
SAMPLE("review.result",
       "复核-652301-2023-001 CJ003 --result pass --date 2023-10-20 --evidence tests/fixtures/acceptance/photo.jpg")
SAMPLE("review.result",
       "复核-652301-2023-001 CJ004 --result pass --date 2023-10-20 --evidence tests/fixtures/acceptance/photo.jpg")
SAMPLE("review.result",
       "复核-652301-2023-002 CJ005 --result pass --date 2023-10-20 --evidence tests/fixtures/acceptance/photo.jpg")
SAMPLE("review.result",
       "复核-652301-2023-002 CJ008 --result pass --date 2023-10-20 --evidence tests/fixtures/acceptance/photo.jpg")
SAMPLE("followup.due", "--as-of 2023-11-20")
SAMPLE("followup.record", "CJ001 --county 昌吉市 --visit 1 --date 2023-11-14 --in-use yes "
                          "--comfort good --visitor 王五 --satisfaction 5")
SAMPLE("report.acceptance", "--year 2023 --as-of 2023-10-31")
