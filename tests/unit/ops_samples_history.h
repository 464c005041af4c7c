/*
 * ops_samples_history — one household's history and one of its evidence
 * files, asked for last, when the funds scenario has taken CJ001 through
 * every kind of record: steps, self-inspection (with the photo of
 * tests/fixtures/acceptance/photo.jpg, named by the first 16 digits of its
 * BLAKE2b-256 hash), review, follow-up visit and subsidy.
 */
/* clang-format off */
SAMPLE("household.history", "CJ001 --county 昌吉市 --format csv")
SAMPLE("household.evidence", "CJ001 165884b16170ac63 --county 昌吉市 -o sample-evidence.jpg")
/* clang-format on */
