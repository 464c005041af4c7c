/*
 * ops_samples_household — one sample invocation of each household
 * operation, in the order an office runs them: the funds scenario's
 * register imported (after its plan), then read back by county, by search
 * and one household at a time, and checked for shared ID numbers, phones
 * and addresses.
 */
SAMPLE("household.import", "tests/fixtures/funds/register.csv")
SAMPLE("household.list", "--county 昌吉市 --format csv")
SAMPLE("household.search", "CJ00 --county 昌吉市")
SAMPLE("household.show", "CJ001 --county 昌吉市")
SAMPLE("household.duplicates", "--format json")
