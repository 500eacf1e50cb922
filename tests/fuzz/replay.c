/*
 * Runs the op-sequence fuzzer's target without libFuzzer, for CI and for
 * reproducing a crash with an ordinary build:
 *   fuzz-ops-replay FILE|DIR...          every input file (a DIR's files)
 *   fuzz-ops-replay --random N SEED      N random inputs of up to 512 bytes
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	static uint8_t data[1 << 16];
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return 1;
	}
	size_t size = fread(data, 1, sizeof(data), f);
	fclose(f);
	LLVMFuzzerTestOneInput(data, size);
	return 0;
}

static int replay_path(const char *path, unsigned *count)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		perror(path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	DIR *dir = opendir(path);
	struct dirent *entry;
	int failed = 0;
	while (dir && (entry = readdir(dir))) {
		char child[4096];
		if (entry->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
		(*count)++;
		failed |= replay_file(child);
	}
	if (dir)
		closedir(dir);
	return failed;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int failed = 0;

	if (argc == 4 && strcmp(argv[1], "--random") == 0) {
		unsigned long n = strtoul(argv[2], NULL, 10);
		uint64_t x = strtoull(argv[3], NULL, 10) | 1;
		static uint8_t data[512];
		for (unsigned long i = 0; i < n; i++, count++) {
			size_t size = 1 + (size_t)(x % sizeof(data));
			for (size_t b = 0; b < size; b++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
				data[b] = (uint8_t)x;
			}
			LLVMFuzzerTestOneInput(data, size);
		}
	} else {
		for (int i = 1; i < argc; i++)
			failed |= replay_path(argv[i], &count);
	}
	/* An input that breaks an invariant aborts before this line. */
	printf("fuzz-ops-replay: %u inputs ran, every invariant held%s\n", count,
	       failed ? " (some inputs could not be read)" : "");
	return failed;
}
