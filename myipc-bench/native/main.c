// SPDX-License-Identifier: GPL-2.0
/*
 * myipc-bench-c: the options (options.c), then the self-test (selftest.c)
 * or the run (run.c, measure.c over transport.c), then the tables and the
 * JSON document (report.c).
 */
#include "bench.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

int main(int argc, char **argv)
{
	int self = 0, rc = opts_parse(argc, argv, transport_known, &self);

	if (rc == OPTS_LIST) {
		for (int i = 0; i < NTRANSPORTS; i++)
			printf("%-14s %s\n", TRANSPORTS[i].name, TRANSPORTS[i].what);
		return 0;
	}
	if (rc != OPTS_RUN)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_TIMERSLACK, 1UL);	/* paced sends wake on time, not 50 us late */

	if (self)
		return self_test();

	if (env_emulated())
		progress("running under emulation (QEMU TCG): only ratios within one run mean anything%s",
			 opt->scaled ? "; budgets not given as options are scaled down (bytes /8, verify bytes /4, round trips /10)" : "");
	progress("placement %s, cpus %d,%d; %llu bytes per throughput point, %ld round trips%s", placement(),
		 opt->cpu_a, opt->same_core ? opt->cpu_a : opt->cpu_b, (unsigned long long)opt->bytes, opt->rtt_count,
		 opt->quick ? " (--quick)" : "");
	uint64_t t0 = now_ns();

	if (env_vm_mode())
		progress("vm mode %s%s", env_vm_mode(), strcmp(env_vm_mode(), "icount") ? "" :
			 ": guest instructions as time, vCPUs serialised - spinning rows are not measured and "
			 "sync-mode (spsc vs mutex) contention is not meaningful in this mode");
	run_all();
	print_tables();
	if (opt->check_ceiling)
		check_ceiling();
	if (opt->out) {
		FILE *f = fopen(opt->out, "w");

		if (!f)
			die("--out %s: %s", opt->out, strerror(errno));
		write_json(f);
		if (fclose(f))
			die("--out %s: %s", opt->out, strerror(errno));
		progress("results written to %s", opt->out);
	} else {
		progress("no --out given: the JSON document was not written");
	}
	progress("done in %.1f s, %d failure%s", (double)(now_ns() - t0) / 1e9, run_failures(), run_failures() == 1 ? "" : "s");
	if (run_failures() && opt->inject_corruption)
		fprintf(stderr, "bench-c: (--inject-corruption was given: the correctness and checksum run_failures() above are expected)\n");
	return run_failures() ? 1 : 0;
}
