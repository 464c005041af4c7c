/*
 * ops_samples_demo — one sample invocation of each demo operation: a small
 * synthetic register for the year's plan, and a progress batch for the
 * households still at 已登记, each written to a file in the current
 * directory.
 */
SAMPLE("demo.generate", "--households 20 --seed 7 -o sample-demo-register.csv")
SAMPLE("demo.events", "--as-of 2023-07-16 --seed 7 -o sample-demo-events.csv")
