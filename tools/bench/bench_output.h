/* ringbench's records (bench_record in ringbench.h) and the files made
 * from them: --csv and --svg. */
#ifndef RAWRING_BENCH_OUTPUT_H
#define RAWRING_BENCH_OUTPUT_H

/* One row per record: workload,variant,point,metric,value.  0 or -errno. */
int bench_write_csv(const char *path);

/* One horizontal bar chart per workload, of the records marked `chart`:
 * a group of bars per point, one bar per variant.  0 or -errno. */
int bench_write_svg(const char *path);

void bench_records_free(void);

#endif
